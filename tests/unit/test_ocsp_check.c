/* SPDX-License-Identifier: Apache-2.0 */
/* The OCSP response check (src/crypto/ocsp.c) on responses the openssl CLI
 * makes at run time: a CertID hashed with SHA-1 or SHA-256 both match the
 * leaf, a response past its nextUpdate is stale, and one without
 * nextUpdate is good for 7 days after its thisUpdate only (otherwise an
 * old "good" could be stapled for as long as the certificate lives). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "testutil.h"
#include "x509/pem.h"

static char dir[64];

static const char *in_dir(const char *file)
{
    static char path[4][256];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, 256, "%s/%s", dir, file);
    return p;
}

/* The CA, the leaf, a responder it authorises, and three responses. */
static const char make_script[] =
    "set -e\n"
    "exec >log 2>&1\n"
    "cat >ext.cnf <<'EOF'\n"
    "[leaf]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
    "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost\n"
    "[responder]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
    "extendedKeyUsage=OCSPSigning\n"
    "EOF\n"
    "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key\n"
    "openssl req -x509 -new -key ca.key -subj /CN=ocsp-test-ca -days 30 -sha256 \\\n"
    "  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \\\n"
    "  -out ca.pem\n"
    "for c in leaf responder; do\n"
    "  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out $c.key\n"
    "  openssl req -new -key $c.key -subj /CN=$c -out $c.csr\n"
    "  openssl x509 -req -in $c.csr -CA ca.pem -CAkey ca.key -set_serial 0x$(openssl rand -hex 8) \\\n"
    "    -days 30 -sha256 -extfile ext.cnf -extensions $c -out $c.pem\n"
    "done\n"
    "openssl x509 -in leaf.pem -outform DER -out leaf.der\n"
    "serial=$(openssl x509 -in leaf.pem -noout -serial | cut -d= -f2)\n"
    "printf 'V\\t351231235959Z\\t\\t%s\\tunknown\\t/CN=leaf\\n' \"$serial\" >index.txt\n"
    "respond() { # respond OUT HASH [RESPONSE_ARGS...]\n"
    "  out=$1 hash=$2; shift 2\n"
    "  openssl ocsp -issuer ca.pem $hash -cert leaf.pem -no_nonce -reqout $out.req\n"
    "  openssl ocsp -index index.txt -rsigner responder.pem -rkey responder.key -CA ca.pem \\\n"
    "    -reqin $out.req -respout $out.der \"$@\"\n"
    "  test -s $out.der\n"
    "}\n"
    "respond sha1 -sha1 -ndays 2\n"
    "respond sha256 -sha256 -ndays 2\n"
    "respond noupd -sha1\n";

static int make_responses(void)
{
    FILE *f = fopen(in_dir("make.sh"), "w");
    if (!f)
        return -1;
    fputs(make_script, f);
    fclose(f);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "cd %s && bash make.sh", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static cr_ocsp_result check(const char *file, int64_t now, cr_cert *leaf, cr_trust *t, char *msg,
                            size_t msg_len)
{
    size_t n = 0;
    uint8_t *resp = cl_read_file(in_dir(file), &n);
    CHECK(resp != NULL);
    msg[0] = 0;
    cr_ocsp_result r = resp ? cr_ocsp_check(resp, n, &leaf, 1, t, now, msg, msg_len) : CR_OCSP_MALFORMED;
    free(resp);
    return r;
}

int main(void)
{
    if (cr_init())
        return 1;
    snprintf(dir, sizeof dir, "/tmp/clasp-ocsp-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    int made = make_responses();
    if (made)
        fprintf(stderr, "making the OCSP responses failed: see %s/log\n", dir);
    CHECK(made == 0);
    size_t len = 0;
    uint8_t *der = cl_read_file(in_dir("leaf.der"), &len);
    cr_cert *leaf = der ? cr_cert_parse(der, len) : NULL;
    cr_trust *t = cr_trust_new();
    CHECK(leaf != NULL && t != NULL);
    CHECK(t && cr_trust_add_pem_file(t, in_dir("ca.pem")) == 0);
    if (made || !leaf || !t)
        return tu_finish("ocsp_check");

    char msg[300];
    int64_t now = (int64_t)time(NULL), day = 86400;
    /* Either hash in the CertID matches the leaf. */
    CHECK(check("sha1.der", now, leaf, t, msg, sizeof msg) == CR_OCSP_GOOD);
    CHECK(check("sha256.der", now, leaf, t, msg, sizeof msg) == CR_OCSP_GOOD);
    /* Past nextUpdate (2 days): stale. */
    CHECK(check("sha256.der", now + 3 * day, leaf, t, msg, sizeof msg) == CR_OCSP_STALE);
    CHECK(strstr(msg, "past its nextUpdate") != NULL);
    /* No nextUpdate: good for 7 days after thisUpdate, stale after. */
    CHECK(check("noupd.der", now, leaf, t, msg, sizeof msg) == CR_OCSP_GOOD);
    CHECK(check("noupd.der", now + 6 * day, leaf, t, msg, sizeof msg) == CR_OCSP_GOOD);
    CHECK(check("noupd.der", now + 8 * day, leaf, t, msg, sizeof msg) == CR_OCSP_STALE);
    CHECK(strstr(msg, "no nextUpdate") != NULL);
    CHECK(check("noupd.der", now + 3650 * day, leaf, t, msg, sizeof msg) == CR_OCSP_STALE);
    /* Not yet valid. */
    CHECK(check("sha1.der", now - day, leaf, t, msg, sizeof msg) == CR_OCSP_STALE);
    CHECK(strstr(msg, "not yet valid") != NULL);

    cr_cert_free(leaf);
    cr_trust_free(t);
    free(der);
    char rm[128];
    snprintf(rm, sizeof rm, "rm -rf %s", dir);
    if (tu_failures == 0)
        (void)!system(rm);
    return tu_finish("ocsp_check");
}
