/* SPDX-License-Identifier: Apache-2.0 */
/* Certificates used only for what they allow, and the verified-chain cache's
 * expiry. The certificates are made by the openssl CLI at run time in a
 * scratch directory (the script is make_certs below).
 *
 * keyUsage (RFC 5280 4.2.1.3): a key that signs CertificateVerify or
 * ServerKeyExchange needs digitalSignature (RFC 8446 4.4.2.2, RFC 5246
 * 7.4.2); TLS 1.2 RSA key exchange needs keyEncipherment. extendedKeyUsage
 * (4.2.1.12): serverAuth for a server, clientAuth for a client, or
 * anyExtendedKeyUsage; a CA's EKU constrains what it issues. A refusal is
 * unsupported_certificate (43) with a sentence naming the extension.
 *
 * A clasp server never offers a certificate for an operation its keyUsage
 * forbids, so the client's checks are exercised against a server whose
 * certificate is injected past those checks ("forced"), as a server that
 * ignores keyUsage (openssl s_server, tests/interop/test_cert_usage.sh)
 * behaves. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pairutil.h"
#include "testutil.h"
#include "x509/pem.h"

static char dir[256];

/* Every certificate has O=clasp tests; server leaves are for localhost. */
static const char make_certs[] =
    "set -e\n"
    "cat >ext.cnf <<'EOF'\n"
    "[ca]\n"
    "basicConstraints = critical, CA:TRUE\n"
    "keyUsage = critical, keyCertSign, cRLSign\n"
    "[ca_client_only]\n"
    "basicConstraints = critical, CA:TRUE\n"
    "keyUsage = critical, keyCertSign, cRLSign\n"
    "extendedKeyUsage = clientAuth\n"
    "[srv_good]\n"
    "keyUsage = critical, digitalSignature\n"
    "extendedKeyUsage = serverAuth\n"
    "subjectAltName = DNS:localhost\n"
    "[srv_none]\n"
    "subjectAltName = DNS:localhost\n"
    "[srv_no_ds]\n"
    "keyUsage = critical, keyAgreement\n"
    "extendedKeyUsage = serverAuth\n"
    "subjectAltName = DNS:localhost\n"
    "[srv_ke_only]\n"
    "keyUsage = critical, keyEncipherment\n"
    "extendedKeyUsage = serverAuth\n"
    "subjectAltName = DNS:localhost\n"
    "[srv_ds_only]\n"
    "keyUsage = critical, digitalSignature\n"
    "extendedKeyUsage = serverAuth\n"
    "subjectAltName = DNS:localhost\n"
    "[srv_eku_client]\n"
    "keyUsage = critical, digitalSignature\n"
    "extendedKeyUsage = clientAuth\n"
    "subjectAltName = DNS:localhost\n"
    "[srv_eku_any]\n"
    "keyUsage = critical, digitalSignature\n"
    "extendedKeyUsage = anyExtendedKeyUsage\n"
    "subjectAltName = DNS:localhost\n"
    "[cli_good]\n"
    "keyUsage = critical, digitalSignature\n"
    "extendedKeyUsage = clientAuth\n"
    "[cli_eku_server]\n"
    "keyUsage = critical, digitalSignature\n"
    "extendedKeyUsage = serverAuth\n"
    "[cli_no_ds]\n"
    "keyUsage = critical, keyAgreement\n"
    "extendedKeyUsage = clientAuth\n"
    "[cli_none]\n"
    "basicConstraints = CA:FALSE\n"
    "EOF\n"
    "key() { case $1 in\n"
    "  rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out $2 ;;\n"
    "  *) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out $2 ;;\n"
    "esac; }\n"
    "ca() { # NAME CN DAYS\n"
    "  key ec $1.key\n"
    "  openssl req -new -x509 -key $1.key -out $1.pem -days $3 -sha256 -subj \"/O=clasp tests/CN=$2\" "
    "-config ext.cnf -extensions ca\n"
    "}\n"
    "leaf() { # NAME KEYTYPE ISSUER EXT CN DAYS\n"
    "  key $2 $1.key\n"
    "  openssl req -new -key $1.key -out $1.csr -subj \"/O=clasp tests/CN=$5\"\n"
    "  openssl x509 -req -in $1.csr -CA $3.pem -CAkey $3.key -set_serial 0x$(openssl rand -hex 8) "
    "-days $6 -sha256 -extfile ext.cnf -extensions $4 -out $1.pem\n"
    "}\n"
    "ca ca 'clasp usage CA' 3650\n"
    "leaf srv_good ec ca srv_good localhost 30\n"
    "leaf srv_none ec ca srv_none localhost 30\n"
    "leaf srv_rsa_none rsa ca srv_none localhost 30\n"
    "leaf srv_no_ds ec ca srv_no_ds localhost 30\n"
    "leaf srv_rsa_ke_only rsa ca srv_ke_only localhost 30\n"
    "leaf srv_rsa_ds_only rsa ca srv_ds_only localhost 30\n"
    "leaf srv_eku_client ec ca srv_eku_client localhost 30\n"
    "leaf srv_eku_any ec ca srv_eku_any localhost 30\n"
    "leaf cli_good ec ca cli_good 'usage client' 30\n"
    "leaf cli_eku_server ec ca cli_eku_server 'usage client' 30\n"
    "leaf cli_no_ds ec ca cli_no_ds 'usage client' 30\n"
    "leaf cli_none ec ca cli_none 'usage client' 30\n"
    /* An intermediate CA for clients only, issuing a server certificate. */
    "leaf ca_client_only ec ca ca_client_only 'clasp client-only CA' 365\n"
    "leaf srv_under_client_ca ec ca_client_only srv_good localhost 30\n"
    "cat srv_under_client_ca.pem ca_client_only.pem >srv_under_client_ca.chain\n"
    /* The cache test: a CA that expires in 2 days, a leaf good for 30. */
    "ca short_ca 'clasp short-lived CA' 2\n"
    "leaf srv_short ec short_ca srv_good localhost 30\n";

static void path_of(char *out, size_t len, const char *name, const char *ext)
{
    snprintf(out, len, "%s/%s.%s", dir, name, ext);
}

static clasp_config *server_with(const char *name)
{
    char cert[512], key[512], chain[512];
    path_of(cert, sizeof cert, name, "pem");
    path_of(chain, sizeof chain, name, "chain");
    path_of(key, sizeof key, name, "key");
    clasp_config *cfg = clasp_config_new(CLASP_SERVER);
    int rc = clasp_config_load_cert_chain(cfg, access(chain, R_OK) == 0 ? chain : cert, key);
    if (rc)
        fprintf(stderr, "%s: %s\n", name, clasp_config_error(cfg));
    CHECK(rc == 0);
    return cfg;
}

static int add_der(void *arg, const uint8_t *der, size_t len)
{
    cl_cert_key *ck = arg;
    if (ck->n == CL_MAX_CHAIN || !(ck->der[ck->n] = malloc(len)))
        return -1;
    memcpy(ck->der[ck->n], der, len);
    ck->der_len[ck->n++] = len;
    return 0;
}

/* Adds name.pem/name.key to cfg past clasp's own keyUsage checks (load and
 * selection): a peer that ignores keyUsage. */
static void force_cert(clasp_config *cfg, const char *name)
{
    char cert[512], key[512];
    path_of(cert, sizeof cert, name, "pem");
    path_of(key, sizeof key, name, "key");
    cl_cert_key *ck = &cfg->certs[cfg->n_certs];
    memset(ck, 0, sizeof *ck);
    size_t len;
    uint8_t *pem = cl_read_file(cert, &len);
    CHECK(pem && cl_pem_each(pem, len, "CERTIFICATE", add_der, ck) > 0);
    free(pem);
    uint8_t *kb = cl_read_file(key, &len);
    CHECK(kb != NULL);
    ck->key = kb ? cr_pkey_load_private(kb, len) : NULL;
    free(kb);
    ck->leaf = ck->n ? cr_cert_parse(ck->der[0], ck->der_len[0]) : NULL;
    CHECK(ck->key && ck->leaf);
    ck->uses = CR_KEY_USE_SIGN | CR_KEY_USE_ENCRYPT;
    cfg->n_certs++;
}

static clasp_config *forced_server(const char *name)
{
    clasp_config *cfg = clasp_config_new(CLASP_SERVER);
    force_cert(cfg, name);
    return cfg;
}

static clasp_config *client_trusting(const char *ca)
{
    char path[512];
    path_of(path, sizeof path, ca, "pem");
    clasp_config *cfg = clasp_config_new(CLASP_CLIENT);
    CHECK(clasp_config_load_ca_file(cfg, path) == 0);
    return cfg;
}

static void set_version(clasp_config *cc, uint16_t v, const char *ciphers)
{
    CHECK(clasp_config_set_versions(cc, v, v) == 0);
    if (ciphers)
        CHECK(clasp_config_set_ciphers(cc, ciphers) == 0);
}

static void require_client_cert(clasp_config *sc)
{
    char path[512];
    path_of(path, sizeof path, "ca", "pem");
    CHECK(clasp_config_load_ca_file(sc, path) == 0);
    CHECK(clasp_config_set_client_auth(sc, CLASP_CLIENT_AUTH_REQUIRED) == 0);
}

static void client_cert(clasp_config *cc, const char *name)
{
    char cert[512], key[512];
    path_of(cert, sizeof cert, name, "pem");
    path_of(key, sizeof key, name, "key");
    CHECK(clasp_config_load_cert_chain(cc, cert, key) == 0);
}

typedef struct {
    int client_rc, server_rc;
    int client_alert, server_alert; /* sent */
    char client_err[512], server_err[512];
    char cipher[64];
} outcome;

/* One handshake; the configs stay the caller's. */
static outcome handshake(clasp_config *cc, clasp_config *sc)
{
    outcome o;
    memset(&o, 0, sizeof o);
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    result r = run_handshake(cli, srv);
    o.client_rc = r.client_rc;
    o.server_rc = r.server_rc;
    o.client_alert = clasp_conn_alert_sent(cli);
    o.server_alert = clasp_conn_alert_sent(srv);
    snprintf(o.client_err, sizeof o.client_err, "%s", clasp_conn_error_text(cli));
    snprintf(o.server_err, sizeof o.server_err, "%s", clasp_conn_error_text(srv));
    if (r.client_rc == CLASP_OK && r.server_rc == CLASP_OK)
        snprintf(o.cipher, sizeof o.cipher, "%s", clasp_conn_cipher_name(cli));
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    return o;
}

static void expect_ok(const char *what, outcome o)
{
    if (o.client_rc != CLASP_OK || o.server_rc != CLASP_OK)
        fprintf(stderr, "%s: expected success; client: %s / server: %s\n", what, o.client_err,
                o.server_err);
    CHECK(o.client_rc == CLASP_OK && o.server_rc == CLASP_OK);
}

/* The side that refuses sends `alert` and says every fragment of `text`
 * (NULL-terminated). */
static void expect_refused(const char *what, outcome o, int by_client, int alert, ...)
{
    const char *err = by_client ? o.client_err : o.server_err;
    int rc = by_client ? o.client_rc : o.server_rc;
    int sent = by_client ? o.client_alert : o.server_alert;
    printf("  %s: %s: %s\n", what, clasp_alert_name(sent), err);
    CHECK(rc == CLASP_ERROR);
    if (sent != alert)
        fprintf(stderr, "%s: alert %d, expected %d (%s)\n", what, sent, alert, err);
    CHECK(sent == alert);
    va_list ap;
    va_start(ap, alert);
    for (const char *s; (s = va_arg(ap, const char *));) {
        if (!strstr(err, s))
            fprintf(stderr, "%s: '%s' is not in: %s\n", what, s, err);
        CHECK(strstr(err, s) != NULL);
    }
    va_end(ap);
}

#define ECDHE_ECDSA "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"
#define ECDHE_RSA "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
#define RSA_KX "TLS_RSA_WITH_AES_128_GCM_SHA256"

/* One case: a client (TLS version v, ciphers) against a server config. */
static outcome against(clasp_config *sc, uint16_t v, const char *ciphers)
{
    clasp_config *cc = client_trusting("ca");
    set_version(cc, v, ciphers);
    outcome o = handshake(cc, sc);
    clasp_config_free(cc);
    return o;
}

static void test_client_refuses_server_key_usage(void)
{
    clasp_config *sc = forced_server("srv_no_ds");
    expect_refused("ECDSA leaf without digitalSignature, TLS 1.3", against(sc, CLASP_TLS1_3, NULL),
                   1, CL_ALERT_UNSUPPORTED_CERTIFICATE,
                   "the server's certificate 'CN=localhost, O=clasp tests' does not allow digital "
                   "signatures (keyUsage: keyAgreement), which TLS 1.3 needs for the server's "
                   "CertificateVerify",
                   NULL);
    expect_refused("ECDSA leaf without digitalSignature, TLS 1.2 ECDHE",
                   against(sc, CLASP_TLS1_2, ECDHE_ECDSA), 1, CL_ALERT_UNSUPPORTED_CERTIFICATE,
                   "does not allow digital signatures (keyUsage: keyAgreement), which " ECDHE_ECDSA
                   " needs to sign the ServerKeyExchange",
                   NULL);
    clasp_config_free(sc);

    sc = forced_server("srv_rsa_ke_only");
    expect_refused("RSA leaf with keyEncipherment only, TLS 1.3", against(sc, CLASP_TLS1_3, NULL),
                   1, CL_ALERT_UNSUPPORTED_CERTIFICATE,
                   "does not allow digital signatures (keyUsage: keyEncipherment)", NULL);
    expect_refused("RSA leaf with keyEncipherment only, TLS 1.2 ECDHE",
                   against(sc, CLASP_TLS1_2, ECDHE_RSA), 1, CL_ALERT_UNSUPPORTED_CERTIFICATE,
                   "does not allow digital signatures (keyUsage: keyEncipherment)", NULL);
    /* What it does allow works. */
    expect_ok("RSA leaf with keyEncipherment only, RSA key exchange",
              against(sc, CLASP_TLS1_2, RSA_KX));
    clasp_config_free(sc);

    sc = forced_server("srv_rsa_ds_only");
    expect_refused("RSA leaf with digitalSignature only, RSA key exchange",
                   against(sc, CLASP_TLS1_2, RSA_KX), 1, CL_ALERT_UNSUPPORTED_CERTIFICATE,
                   "the server's certificate 'CN=localhost, O=clasp tests' does not allow key "
                   "encipherment (keyUsage: digitalSignature), which RSA key exchange (" RSA_KX
                   ") needs to receive the premaster secret",
                   NULL);
    expect_ok("RSA leaf with digitalSignature only, ECDHE", against(sc, CLASP_TLS1_2, ECDHE_RSA));
    clasp_config_free(sc);
}

static void test_client_refuses_server_eku(void)
{
    clasp_config *sc = server_with("srv_eku_client");
    uint16_t versions[] = {CLASP_TLS1_3, CLASP_TLS1_2};
    for (int i = 0; i < 2; i++)
        expect_refused("server leaf with EKU clientAuth only", against(sc, versions[i], NULL), 1,
                       CL_ALERT_UNSUPPORTED_CERTIFICATE,
                       "server certificate rejected: certificate 'CN=localhost, O=clasp tests' is "
                       "not for TLS servers: its extendedKeyUsage allows only clientAuth",
                       NULL);
    clasp_config_free(sc);

    sc = server_with("srv_under_client_ca");
    expect_refused("server leaf under a clientAuth-only CA", against(sc, CLASP_TLS1_3, NULL), 1,
                   CL_ALERT_UNSUPPORTED_CERTIFICATE,
                   "CA certificate 'CN=clasp client-only CA, O=clasp tests' may not issue "
                   "certificates for TLS servers: its extendedKeyUsage allows only clientAuth",
                   NULL);
    clasp_config_free(sc);
}

static void test_server_certificates_accepted(void)
{
    static const struct {
        const char *name;
        uint16_t version;
        const char *ciphers;
    } cases[] = {
        {"srv_good", CLASP_TLS1_3, NULL},        {"srv_good", CLASP_TLS1_2, ECDHE_ECDSA},
        {"srv_none", CLASP_TLS1_3, NULL},        {"srv_none", CLASP_TLS1_2, ECDHE_ECDSA},
        {"srv_rsa_none", CLASP_TLS1_3, NULL},    {"srv_rsa_none", CLASP_TLS1_2, ECDHE_RSA},
        {"srv_rsa_none", CLASP_TLS1_2, RSA_KX},  {"srv_eku_any", CLASP_TLS1_3, NULL},
        {"srv_eku_any", CLASP_TLS1_2, ECDHE_ECDSA},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        clasp_config *sc = server_with(cases[i].name);
        char what[128];
        snprintf(what, sizeof what, "%s, %s %s", cases[i].name,
                 cases[i].version == CLASP_TLS1_3 ? "TLS 1.3" : "TLS 1.2",
                 cases[i].ciphers ? cases[i].ciphers : "");
        expect_ok(what, against(sc, cases[i].version, cases[i].ciphers));
        clasp_config_free(sc);
    }
}

/* The server's own side: load and selection. */
static void test_server_selection(void)
{
    char cert[512], key[512];
    path_of(cert, sizeof cert, "srv_no_ds", "pem");
    path_of(key, sizeof key, "srv_no_ds", "key");
    clasp_config *sc = clasp_config_new(CLASP_SERVER);
    CHECK(clasp_config_load_cert_chain(sc, cert, key) == -1);
    printf("  load ECDSA leaf without digitalSignature: %s\n", clasp_config_error(sc));
    CHECK(strstr(clasp_config_error(sc), "cannot serve a TLS server: its keyUsage (keyAgreement) "
                                         "allows neither digitalSignature") != NULL);
    clasp_config_free(sc);

    /* keyEncipherment only: RSA key exchange, never a signature. */
    sc = server_with("srv_rsa_ke_only");
    outcome o = against(sc, CLASP_TLS1_2, ECDHE_RSA ":" RSA_KX);
    expect_ok("keyEncipherment-only server, client offers ECDHE and RSA", o);
    CHECK(!strcmp(o.cipher, RSA_KX));
    expect_refused("keyEncipherment-only server, TLS 1.3", against(sc, CLASP_TLS1_3, NULL), 0,
                   CL_ALERT_HANDSHAKE_FAILURE,
                   "no certificate of this server allows digital signatures (keyUsage), which "
                   "TLS 1.3 needs",
                   NULL);
    clasp_config_free(sc);

    /* digitalSignature only: never RSA key exchange. */
    sc = server_with("srv_rsa_ds_only");
    expect_refused("digitalSignature-only server, client offers only RSA key exchange",
                   against(sc, CLASP_TLS1_2, RSA_KX), 0, CL_ALERT_HANDSHAKE_FAILURE,
                   "no TLS 1.2 cipher suite in common that our certificate can serve", NULL);
    clasp_config_free(sc);
}

/* A client config holding a certificate its own load would refuse. */
static clasp_config *forced_client(const char *name)
{
    clasp_config *cc = client_trusting("ca");
    force_cert(cc, name);
    return cc;
}

static void test_server_refuses_client_cert(void)
{
    uint16_t versions[] = {CLASP_TLS1_3, CLASP_TLS1_2};
    for (int i = 0; i < 2; i++) {
        const char *v = versions[i] == CLASP_TLS1_3 ? "TLS 1.3" : "TLS 1.2";
        clasp_config *sc = server_with("srv_good");
        require_client_cert(sc);

        clasp_config *cc = client_trusting("ca");
        set_version(cc, versions[i], NULL);
        client_cert(cc, "cli_eku_server");
        expect_refused("client leaf with EKU serverAuth only", handshake(cc, sc), 0,
                       CL_ALERT_UNSUPPORTED_CERTIFICATE,
                       "client certificate rejected: certificate 'CN=usage client, O=clasp tests' "
                       "is not for TLS clients: its extendedKeyUsage allows only serverAuth",
                       NULL);
        clasp_config_free(cc);

        cc = forced_client("cli_no_ds");
        set_version(cc, versions[i], NULL);
        char want[160];
        snprintf(want, sizeof want, "which %s needs for the client's CertificateVerify", v);
        expect_refused("client leaf without digitalSignature", handshake(cc, sc), 0,
                       CL_ALERT_UNSUPPORTED_CERTIFICATE,
                       "the client's certificate 'CN=usage client, O=clasp tests' does not allow "
                       "digital signatures (keyUsage: keyAgreement)",
                       want, NULL);
        clasp_config_free(cc);

        const char *good[] = {"cli_good", "cli_none"};
        for (int k = 0; k < 2; k++) {
            cc = client_trusting("ca");
            set_version(cc, versions[i], NULL);
            client_cert(cc, good[k]);
            expect_ok(good[k], handshake(cc, sc));
            clasp_config_free(cc);
        }
        clasp_config_free(sc);
    }

    /* A client's own load refuses a certificate that cannot sign. */
    char cert[512], key[512];
    path_of(cert, sizeof cert, "cli_no_ds", "pem");
    path_of(key, sizeof key, "cli_no_ds", "key");
    clasp_config *cc = clasp_config_new(CLASP_CLIENT);
    CHECK(clasp_config_load_cert_chain(cc, cert, key) == -1);
    CHECK(strstr(clasp_config_error(cc), "cannot serve a TLS client: its keyUsage (keyAgreement) "
                                         "allows neither digitalSignature") != NULL);
    clasp_config_free(cc);
}

static int cache_hits;
static void count_cache_hits(void *arg, clasp_trace_kind kind, const char *what,
                             const char *detail)
{
    (void)arg;
    (void)what;
    if (kind == CLASP_TRACE_RECV && strstr(detail, "chain verified before (cache)"))
        cache_hits++;
}

/* The cache must not outlive any certificate of the verified path: here the
 * trust anchor expires (2 days) long before the leaf (30 days). */
static void test_cache_expires_with_anchor(void)
{
    uint16_t versions[] = {CLASP_TLS1_3, CLASP_TLS1_2};
    for (int i = 0; i < 2; i++) {
        clasp_config *sc = server_with("srv_short"), *cc = client_trusting("short_ca");
        set_version(cc, versions[i], NULL);
        clasp_config_set_trace(cc, count_cache_hits, NULL);
        cache_hits = 0;
        expect_ok("short-lived CA, first handshake", handshake(cc, sc));
        CHECK(cache_hits == 0);
        cc->test_time_offset = 86400; /* a day later: the CA is still valid */
        expect_ok("short-lived CA, a day later (cache)", handshake(cc, sc));
        CHECK(cache_hits == 1);
        cc->test_time_offset = 3 * 86400; /* the CA has expired; the leaf has not */
        expect_refused("short-lived CA, after it expired", handshake(cc, sc), 1,
                       CL_ALERT_CERTIFICATE_EXPIRED,
                       "certificate 'CN=clasp short-lived CA, O=clasp tests' expired on", NULL);
        CHECK(cache_hits == 1);
        clasp_config_free(cc);
        clasp_config_free(sc);
    }
}

/* The cache keeps the leaf's keyUsage: a chain verified for RSA key exchange
 * is still refused when the same server signs a ServerKeyExchange with it. */
static void test_cache_keeps_key_usage(void)
{
    clasp_config *cc = client_trusting("ca");
    set_version(cc, CLASP_TLS1_2, ECDHE_RSA ":" RSA_KX);
    clasp_config_set_trace(cc, count_cache_hits, NULL);
    cache_hits = 0;
    clasp_config *honest = server_with("srv_rsa_ke_only"), *forced = forced_server("srv_rsa_ke_only");
    outcome o = handshake(cc, honest);
    expect_ok("keyEncipherment-only leaf, RSA key exchange", o);
    CHECK(!strcmp(o.cipher, RSA_KX));
    expect_refused("the same chain from the cache, ECDHE", handshake(cc, forced), 1,
                   CL_ALERT_UNSUPPORTED_CERTIFICATE,
                   "does not allow digital signatures (keyUsage: keyEncipherment), which " ECDHE_RSA
                   " needs to sign the ServerKeyExchange",
                   NULL);
    CHECK(cache_hits == 1);
    clasp_config_free(honest);
    clasp_config_free(forced);
    clasp_config_free(cc);
}

int main(void)
{
    strcpy(dir, "/tmp/clasp-usage-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    char script[512], cmd[1200];
    snprintf(script, sizeof script, "%s/make.sh", dir);
    FILE *f = fopen(script, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(make_certs, f);
        fclose(f);
    }
    snprintf(cmd, sizeof cmd, "cd '%s' && sh make.sh >pki.log 2>&1", dir);
    if (system(cmd) != 0) {
        snprintf(cmd, sizeof cmd, "tail -n 20 '%s/pki.log' >&2", dir);
        if (system(cmd)) {}
        fprintf(stderr, "the openssl CLI could not make the test certificates\n");
        return 1;
    }

    test_client_refuses_server_key_usage();
    test_client_refuses_server_eku();
    test_server_certificates_accepted();
    test_server_selection();
    test_server_refuses_client_cert();
    test_cache_expires_with_anchor();
    test_cache_keeps_key_usage();

    if (!getenv("CLASP_KEEP_SCRATCH")) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd)) {}
    }
    return tu_finish("test_cert_usage");
}
