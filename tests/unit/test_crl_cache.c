/* SPDX-License-Identifier: Apache-2.0 */
/* A chain verified against CRLs is remembered (the verified-chain cache)
 * only until the earliest CRL's nextUpdate: past it, the next handshake
 * verifies again and refuses the out-of-date CRL, as a first handshake
 * would. PKI and CRL made by the openssl CLI at run time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pairutil.h"
#include "testutil.h"

static char dir[64];

static const char make_script[] =
    "set -e\n"
    "exec >log 2>&1\n"
    "printf '[leaf]\\nbasicConstraints=critical,CA:FALSE\\nkeyUsage=critical,digitalSignature\\n"
    "extendedKeyUsage=serverAuth\\nsubjectAltName=DNS:localhost\\n' >ext.cnf\n"
    "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key\n"
    "openssl req -x509 -new -key ca.key -subj /CN=crl-test-ca -days 30 -sha256 \\\n"
    "  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \\\n"
    "  -out ca.pem\n"
    "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pem\n"
    "openssl req -new -key key.pem -subj /CN=localhost -out leaf.csr\n"
    "openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -set_serial 0x$(openssl rand -hex 8) \\\n"
    "  -days 30 -sha256 -extfile ext.cnf -extensions leaf -out cert.pem\n"
    ": >index.txt\n"
    "printf '[ca]\\ndefault_ca=c\\n[c]\\ndatabase=index.txt\\ndefault_md=sha256\\n' >crl.cnf\n"
    "openssl ca -gencrl -config crl.cnf -keyfile ca.key -cert ca.pem -crldays 1 -out crl.pem\n";

static const char *in_dir(const char *file)
{
    static char path[4][256];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, 256, "%s/%s", dir, file);
    return p;
}

static int handshake_once(clasp_config *cc, clasp_config *sc)
{
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    result r = run_handshake(cli, srv);
    if (r.client_rc != CLASP_OK)
        fprintf(stderr, "  (client) %s\n", clasp_conn_error_text(cli));
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    return r.client_rc;
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/clasp-crl-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    FILE *f = fopen(in_dir("make.sh"), "w");
    CHECK(f != NULL);
    if (!f)
        return tu_finish("crl_cache");
    fputs(make_script, f);
    fclose(f);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "cd %s && bash make.sh", dir);
    int made = system(cmd);
    if (made)
        fprintf(stderr, "making the PKI failed: see %s/log\n", dir);
    CHECK(made == 0);
    if (made)
        return tu_finish("crl_cache");

    clasp_config *sc = server_config(dir), *cc = client_config(dir);
    CHECK(clasp_config_load_crl_file(cc, in_dir("crl.pem")) == 0);
    /* Verified now, and again from the cache. */
    CHECK(handshake_once(cc, sc) == CLASP_OK);
    CHECK(handshake_once(cc, sc) == CLASP_OK);
    /* Two days on, the CRL (nextUpdate: 1 day) is out of date: refused,
     * though the chain was verified before. White-box: the clock of a
     * config in use. */
    cc->test_time_offset = 2 * 86400;
    CHECK(handshake_once(cc, sc) == CLASP_ERROR);
    clasp_config_free(cc);
    clasp_config_free(sc);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (tu_failures == 0)
        (void)!system(cmd);
    return tu_finish("crl_cache");
}
