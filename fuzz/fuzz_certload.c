/* SPDX-License-Identifier: Apache-2.0 */
/* Certificate and key loading from PEM and DER.
 *
 * The input is, all at once:
 *   - PEM text: cl_pem_each for CERTIFICATE blocks (each parsed with
 *     cr_cert_parse, its subject printed, its key taken) and for PRIVATE KEY
 *     blocks;
 *   - DER: cr_cert_parse and cr_pkey_load_private on the whole input;
 *   - a file: written to a memfd once per input, then loaded with
 *     clasp_config_load_cert_chain (as chain and key file both) and
 *     clasp_config_load_ca_file. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/conn.h"
#include "x509/pem.h"

static int memfd = -1;
static char memfd_path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    if (cr_init())
        abort();
    memfd = memfd_create("clasp-fuzz-certload", 0);
    if (memfd < 0) {
        perror("fuzz_certload: memfd_create");
        abort();
    }
    snprintf(memfd_path, sizeof memfd_path, "/proc/self/fd/%d", memfd);
    return 0;
}

static void use_cert(cr_cert *cert)
{
    char subject[256];
    cr_cert_subject(cert, subject, sizeof subject);
    if (strlen(subject) >= sizeof subject)
        abort();
    cr_pkey *pub = cr_cert_pubkey(cert);
    if (pub) {
        (void)cr_pkey_type(pub);
        (void)cr_pkey_bits(pub);
        (void)cr_cert_matches_key(cert, pub);
        cr_pkey_free(pub);
    }
}

static int on_cert(void *arg, const uint8_t *der, size_t len)
{
    (void)arg;
    cr_cert *cert = cr_cert_parse(der, len);
    if (!cert)
        return -1;
    use_cert(cert);
    cr_cert_free(cert);
    return 0;
}

static int on_key(void *arg, const uint8_t *der, size_t len)
{
    (void)arg;
    cr_pkey *k = cr_pkey_load_private(der, len);
    if (!k)
        return -1;
    (void)cr_pkey_type(k);
    (void)cr_pkey_max_sig_len(k);
    cr_pkey_free(k);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* PEM. */
    (void)cl_pem_each(data, size, "CERTIFICATE", on_cert, NULL);
    (void)cl_pem_each(data, size, "PRIVATE KEY", on_key, NULL);

    /* DER (and cr_pkey_load_private's own PEM handling). */
    cr_cert *cert = cr_cert_parse(data, size);
    if (cert) {
        use_cert(cert);
        cr_cert_free(cert);
    }
    cr_pkey *k = cr_pkey_load_private(data, size);
    cr_pkey_free(k);

    /* Through the public API, from a file. */
    if (ftruncate(memfd, 0) != 0 || (size && pwrite(memfd, data, size, 0) != (ssize_t)size))
        abort();
    /* A client config: a server's would make (and wipe) a session cache
     * per input, which is most of the time spent. */
    clasp_config *cfg = clasp_config_new(CLASP_CLIENT);
    if (!cfg)
        abort();
    (void)clasp_config_load_cert_chain(cfg, memfd_path, memfd_path);
    (void)clasp_config_load_ca_file(cfg, memfd_path);
    if (strlen(clasp_config_error(cfg)) >= sizeof cfg->err)
        abort();
    clasp_config_free(cfg);
    return 0;
}
