/* SPDX-License-Identifier: Apache-2.0 */
/* A configuration in use is frozen: every call of the header that changes
 * a clasp_config fails once a connection was made from it, says so, and
 * changes nothing (other threads may be reading it). The list below must
 * name every such call: the test at the end compares it with the header. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairutil.h"
#include "testutil.h"

static int cb_passphrase(void *arg, char *buf, size_t size)
{
    (void)arg, (void)buf, (void)size;
    return -1;
}
static int cb_key(void *arg, clasp_conn *c, const clasp_key_operation *op, uint8_t *out,
                  size_t *out_len)
{
    (void)arg, (void)c, (void)op, (void)out, (void)out_len;
    return CLASP_KEY_FAILED;
}
static void cb_keylog(void *arg, const char *line) { (void)arg, (void)line; }
static void cb_trace(void *arg, clasp_trace_kind kind, const char *what, const char *detail)
{
    (void)arg, (void)kind, (void)what, (void)detail;
}
static int cb_select(void *arg, clasp_conn *c, const clasp_client_hello *ch, clasp_config **use,
                     char *why, size_t why_len)
{
    (void)arg, (void)c, (void)ch, (void)use, (void)why, (void)why_len;
    return 0;
}
static int cb_alpn(void *arg, clasp_conn *c, const uint8_t *offered, size_t len,
                   const uint8_t **proto, size_t *proto_len)
{
    (void)arg, (void)c, (void)offered, (void)len, (void)proto, (void)proto_len;
    return 0;
}
static int cb_verify(void *arg, clasp_conn *c, const uint8_t *const *der, const size_t *len,
                     size_t n, char *why, size_t why_len)
{
    (void)arg, (void)c, (void)der, (void)len, (void)n, (void)why, (void)why_len;
    return 0;
}

/* Every mutating call, named as in the header. */
#define FROZEN_CALLS(X)                                                                            \
    X(clasp_config_set_versions(cfg, CLASP_TLS1_2, CLASP_TLS1_2))                                  \
    X(clasp_config_set_ciphers(cfg, "TLS_AES_128_GCM_SHA256"))                                      \
    X(clasp_config_set_groups(cfg, "x25519"))                                                       \
    X(clasp_config_set_alpn(cfg, "h2"))                                                             \
    X(clasp_config_load_cert_chain(cfg, cert, key))                                                 \
    X(clasp_config_add_cert_chain(cfg, (const uint8_t *)"x", 1, (const uint8_t *)"y", 1))           \
    X(clasp_config_add_cert_chain_with_key_callback(cfg, (const uint8_t *)"x", 1, cb_key, NULL))    \
    X(clasp_config_set_passphrase(cfg, cb_passphrase, NULL))                                        \
    X(clasp_config_load_ca_file(cfg, ca))                                                           \
    X(clasp_config_set_verify_peer(cfg, 0))                                                         \
    X(clasp_config_set_client_auth(cfg, CLASP_CLIENT_AUTH_REQUIRED))                                 \
    X(clasp_config_set_middlebox_compat(cfg, 0))                                                    \
    X(clasp_config_set_hrr_cookie(cfg, 1))                                                          \
    X(clasp_config_set_rsa_key_exchange(cfg, 1))                                                    \
    X(clasp_config_set_require_ems(cfg, 0))                                                         \
    X(clasp_config_set_ticket_count(cfg, 7))                                                        \
    X(clasp_config_set_ticket_lifetime(cfg, 60))                                                    \
    X(clasp_config_set_ticket_secret(cfg, secret))                                                  \
    X(clasp_config_load_ticket_secret(cfg, key))                                                    \
    X(clasp_config_set_resumption(cfg, 0))                                                          \
    X(clasp_config_set_session_store(cfg, NULL))                                                    \
    X(clasp_config_load_crl_file(cfg, ca))                                                          \
    X(clasp_config_load_ocsp_response(cfg, key))                                                    \
    X(clasp_config_set_ocsp_response(cfg, (const uint8_t *)"z", 1))                                 \
    X(clasp_config_set_ocsp(cfg, CLASP_OCSP_REQUIRE))                                               \
    X(clasp_config_set_keylog(cfg, cb_keylog, NULL))                                                \
    X(clasp_config_set_trace(cfg, cb_trace, NULL))                                                  \
    X(clasp_config_set_select_callback(cfg, cb_select, NULL))                                       \
    X(clasp_config_set_alpn_callback(cfg, cb_alpn, NULL))                                           \
    X(clasp_config_set_verify_callback(cfg, cb_verify, NULL))                                       \
    X(clasp_config_set_custom_verify(cfg, cb_verify, NULL))

static const char *const frozen_call_text[] = {
#define TEXT(call) #call,
    FROZEN_CALLS(TEXT)
#undef TEXT
};

static void refuses_everything(clasp_config *cfg, const char *pki)
{
    char cert[512], key[512], ca[512];
    path_in(cert, sizeof cert, pki, "cert.pem");
    path_in(key, sizeof key, pki, "key.pem");
    path_in(ca, sizeof ca, pki, "ca.pem");
    uint8_t secret[32] = {1};
    size_t i = 0;
#define REFUSED(call)                                                                              \
    do {                                                                                           \
        int rc_ = (call);                                                                          \
        if (rc_ != -1 || !strstr(clasp_config_error(cfg), "in use"))                               \
            fprintf(stderr, "not refused on a frozen config: %s\n", frozen_call_text[i]);          \
        CHECK(rc_ == -1);                                                                          \
        CHECK(strstr(clasp_config_error(cfg), "in use") != NULL);                                  \
        i++;                                                                                       \
    } while (0);
    FROZEN_CALLS(REFUSED)
#undef REFUSED
}

/* The list above against the header: every clasp_config_* function whose
 * first parameter is a (non-const) clasp_config *, but clasp_config_free. */
static void list_covers_header(void)
{
    FILE *f = fopen(CLASP_HEADER, "r");
    CHECK(f != NULL);
    if (!f)
        return;
    char line[512];
    int missing = 0, found = 0;
    while (fgets(line, sizeof line, f)) {
        char *at = strstr(line, "clasp_config_");
        char *paren = at ? strchr(at, '(') : NULL;
        if (!paren || strncmp(paren, "(clasp_config *cfg", 18) != 0 || line[0] == ' ')
            continue;
        char name[64];
        size_t n = (size_t)(paren - at);
        if (n >= sizeof name)
            continue;
        memcpy(name, at, n);
        name[n] = 0;
        if (strcmp(name, "clasp_config_free") == 0)
            continue;
        found++;
        int listed = 0;
        for (size_t k = 0; k < sizeof frozen_call_text / sizeof frozen_call_text[0]; k++) {
            size_t len = strlen(name);
            if (strncmp(frozen_call_text[k], name, len) == 0 && frozen_call_text[k][len] == '(')
                listed = 1;
        }
        if (!listed) {
            fprintf(stderr, "%s changes a config but is not in FROZEN_CALLS\n", name);
            missing++;
        }
    }
    fclose(f);
    CHECK(found >= 20); /* the header was read */
    CHECK(missing == 0);
}

int main(void)
{
    make_pki(pki_ecdsa, "ecdsa");
    make_pki(pki_other, "ecdsa");

    /* A client config frozen by its first connection: the refused calls
     * change nothing, so it still refuses a server it does not trust. */
    clasp_config *cc = client_config(pki_other);
    clasp_conn *first = clasp_conn_new(cc);
    CHECK(first != NULL);
    refuses_everything(cc, pki_ecdsa);
    clasp_config *sc = server_config(pki_ecdsa);
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    result r = run_handshake(cli, srv);
    CHECK(r.client_rc == CLASP_ERROR);
    CHECK(clasp_conn_error(cli) == CLASP_E_CERTIFICATE);

    /* And a server config. */
    refuses_everything(sc, pki_ecdsa);

    list_covers_header();
    clasp_conn_free(first);
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(cc);
    clasp_config_free(sc);
    remove_pki(pki_ecdsa);
    remove_pki(pki_other);
    return tu_finish("config_frozen");
}
