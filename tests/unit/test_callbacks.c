// SPDX-License-Identifier: Apache-2.0
/* Callbacks in memory (the interop test test_callbacks.sh has the real
 * peers): a custom verifier replaces path validation but not the proof of
 * possession (a bad CertificateVerify still fails, both versions); the
 * select callback's configuration serves the whole connection, sessions
 * included; a refusing select callback sends its alert. */
#include <stdlib.h>
#include <string.h>

#include "handshake/hs.h"
#include "pairutil.h"
#include "testutil.h"

static int accept_all(void *arg, clasp_conn *c, const uint8_t *const *der, const size_t *der_len,
                      size_t n, char *why, size_t why_len)
{
    (void)c;
    (void)der;
    (void)der_len;
    (void)why;
    (void)why_len;
    ++*(int *)arg;
    return n >= 1 ? 0 : -1;
}

static clasp_conn *new_client(clasp_config *cc)
{
    clasp_conn *cli = clasp_conn_new(cc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    return cli;
}

/* A server from a CA the client does not trust: the custom verifier lets
 * it in; a wrong CertificateVerify signature still fails the handshake. */
static void test_custom_verifier_keeps_possession_check(void)
{
    static const uint8_t bad_sig[64] = {1, 2, 3};
    for (int v = 0; v < 2; v++) {
        uint16_t version = v ? CLASP_TLS1_2 : CLASP_TLS1_3;
        for (int forge = 0; forge < 2; forge++) {
            clasp_config *sc = server_config(pki_other), *cc = client_config(pki_ecdsa);
            CHECK(clasp_config_set_versions(cc, version, version) == 0);
            int calls = 0;
            clasp_config_set_custom_verify(cc, accept_all, &calls);
            clasp_conn *cli = new_client(cc), *srv = clasp_conn_new(sc);
            if (forge && version == CLASP_TLS1_3) {
                srv->test = calloc(1, sizeof *srv->test);
                srv->test->signature = bad_sig;
                srv->test->signature_len = sizeof bad_sig;
            }
            if (forge && version == CLASP_TLS1_2) {
                /* Flip a byte of the ServerKeyExchange signature on the wire. */
                CHECK(clasp_conn_handshake(cli) == CLASP_WANT_READ);
                pump(cli, srv);
                CHECK(clasp_conn_handshake(srv) == CLASP_WANT_READ);
                const uint8_t *out;
                size_t n = clasp_conn_output(srv, &out), used;
                uint8_t *flight = malloc(n);
                memcpy(flight, out, n);
                clasp_conn_output_done(srv, n);
                /* The last byte of the server's flight before ServerHelloDone's 4. */
                flight[n - 5] ^= 0x40;
                CHECK(clasp_conn_feed(cli, flight, n, &used) == CLASP_OK);
                free(flight);
                CHECK(clasp_conn_handshake(cli) == CLASP_ERROR);
                CHECK(clasp_conn_alert_sent(cli) == CL_ALERT_DECRYPT_ERROR);
                CHECK(strstr(clasp_conn_error_text(cli), "signature") != NULL);
            } else {
                result r = run_handshake(cli, srv);
                if (forge) {
                    CHECK(r.client_rc == CLASP_ERROR);
                    CHECK(clasp_conn_alert_sent(cli) == CL_ALERT_DECRYPT_ERROR);
                    CHECK(strstr(clasp_conn_error_text(cli), "does not verify") != NULL);
                } else {
                    CHECK(r.client_rc == CLASP_OK && r.server_rc == CLASP_OK);
                }
            }
            CHECK(calls == 1);
            clasp_conn_free(cli);
            clasp_conn_free(srv);
            clasp_config_free(cc);
            clasp_config_free(sc);
        }
    }
}

static clasp_config *chosen;
static int select_cb(void *arg, clasp_conn *c, const clasp_client_hello *hello, clasp_config **use,
                     char *why, size_t why_len)
{
    (void)c;
    ++*(int *)arg;
    if (!hello->server_name || strcmp(hello->server_name, "localhost") != 0) {
        snprintf(why, why_len, "unknown name");
        return CLASP_ALERT_UNRECOGNIZED_NAME;
    }
    CHECK(hello->n_sigalgs > 0);
    *use = chosen;
    return 0;
}

/* The listener config has no certificate at all: everything comes from
 * the chosen one, resumption too (its tickets, its session cache). */
static void test_select_serves_whole_connection(void)
{
    for (int v = 0; v < 2; v++) {
        uint16_t version = v ? CLASP_TLS1_2 : CLASP_TLS1_3;
        clasp_config *listener = clasp_config_new(CLASP_SERVER);
        chosen = server_config(pki_ecdsa);
        int calls = 0;
        clasp_config_set_select_callback(listener, select_cb, &calls);
        clasp_config *cc = client_config(pki_ecdsa);
        CHECK(clasp_config_set_versions(cc, version, version) == 0);
        conn_outcome first = connect_once(cc, listener, NULL, "localhost");
        CHECK(first.client_rc == CLASP_OK && first.server_rc == CLASP_OK);
        CHECK(first.session != NULL);
        conn_outcome again = connect_once(cc, listener, first.session, "localhost");
        CHECK(again.client_rc == CLASP_OK && again.client_resumed && again.server_resumed);
        CHECK(calls == 2);
        conn_outcome other = connect_once(cc, listener, NULL, "other.example");
        CHECK(other.server_rc == CLASP_ERROR);
        CHECK(other.server_alert == CL_ALERT_UNRECOGNIZED_NAME);
        CHECK(strstr(other.server_error, "refused the connection: unknown name") != NULL);
        clasp_session_free(first.session);
        clasp_session_free(again.session);
        clasp_session_free(other.session);
        clasp_config_free(chosen); /* the connections held their own references */
        clasp_config_free(listener);
        clasp_config_free(cc);
    }
}

int main(void)
{
    make_pki(pki_ecdsa, "ecdsa");
    make_pki(pki_other, "ecdsa");
    test_custom_verifier_keeps_possession_check();
    test_select_serves_whole_connection();
    remove_pki(pki_ecdsa);
    remove_pki(pki_other);
    return tu_finish("callbacks");
}
