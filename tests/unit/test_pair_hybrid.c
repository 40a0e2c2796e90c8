/* SPDX-License-Identifier: Apache-2.0 */
/* The hybrid post-quantum groups (draft-ietf-tls-ecdhe-mlkem) between a
 * clasp client and server in memory: every hybrid group, the default two
 * key shares and the server's preference, HelloRetryRequest to a hybrid,
 * resumption after a hybrid handshake, and TLS 1.2 ignoring the hybrids. */
#include <stdlib.h>
#include <string.h>

#include "handshake/hs.h"
#include "pairutil.h"
#include "testutil.h"

static int hrr_count;
static char client_hello[400], server_hello[400];
static void watch(void *arg, clasp_trace_kind kind, const char *what, const char *detail)
{
    (void)arg;
    if (!strcmp(what, "HelloRetryRequest") && kind == CLASP_TRACE_RECV)
        hrr_count++;
    if (!strcmp(what, "ClientHello") && kind == CLASP_TRACE_SEND)
        snprintf(client_hello, sizeof client_hello, "%s", detail);
    if (!strcmp(what, "ServerHello") && kind == CLASP_TRACE_RECV)
        snprintf(server_hello, sizeof server_hello, "%s", detail);
}

/* One handshake: client groups (NULL: defaults), server groups (NULL:
 * defaults); both sides must name `want`, with `want_hrr` retries. */
static void hybrid_case(const char *client_groups, const char *server_groups, const char *want,
                        int want_hrr, const char *want_shares)
{
    clasp_config *sc = server_config(pki_ecdsa), *cc = client_config(pki_ecdsa);
    if (client_groups)
        CHECK(clasp_config_set_groups(cc, client_groups) == 0);
    if (server_groups)
        CHECK(clasp_config_set_groups(sc, server_groups) == 0);
    clasp_config_set_trace(cc, watch, NULL);
    hrr_count = 0;
    client_hello[0] = server_hello[0] = 0;
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    result r = run_handshake(cli, srv);
    if (r.client_rc != CLASP_OK || r.server_rc != CLASP_OK)
        fprintf(stderr, "%s / %s: client: %s / server: %s\n",
                client_groups ? client_groups : "default",
                server_groups ? server_groups : "default", clasp_conn_error_text(cli),
                clasp_conn_error_text(srv));
    CHECK(r.client_rc == CLASP_OK && r.server_rc == CLASP_OK);
    if (r.client_rc == CLASP_OK && r.server_rc == CLASP_OK) {
        CHECK(!strcmp(clasp_conn_group_name(cli), want));
        CHECK(!strcmp(clasp_conn_group_name(srv), want));
        CHECK(!strcmp(clasp_conn_version_name(cli), "TLSv1.3"));
        CHECK(hrr_count == want_hrr);
        if (want_shares && !strstr(client_hello, want_shares))
            fprintf(stderr, "ClientHello trace '%s' lacks '%s'\n", client_hello, want_shares);
        CHECK(!want_shares || strstr(client_hello, want_shares));
        exchange(cli, srv, 1000);
    }
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(cc);
    clasp_config_free(sc);
}

static void test_every_group(void)
{
    hybrid_case("X25519MLKEM768", NULL, "X25519MLKEM768", 0, "X25519MLKEM768 (1216 bytes)");
    hybrid_case("SecP256r1MLKEM768", NULL, "SecP256r1MLKEM768", 0, "SecP256r1MLKEM768 (1249 bytes)");
    hybrid_case("SecP384r1MLKEM1024", NULL, "SecP384r1MLKEM1024", 0,
                "SecP384r1MLKEM1024 (1665 bytes)");
    CHECK(strstr(server_hello, "SecP384r1MLKEM1024 (1665 bytes)") != NULL);
    /* The aliases, any case. */
    hybrid_case("x25519mlkem768", NULL, "X25519MLKEM768", 0, NULL);
    hybrid_case("P256-MLKEM768", NULL, "SecP256r1MLKEM768", 0, NULL);
}

static void test_defaults(void)
{
    /* Two shares, X25519MLKEM768 first; the server takes the hybrid. */
    hybrid_case(NULL, NULL, "X25519MLKEM768", 0, "X25519MLKEM768 (1216 bytes), x25519 (32 bytes)");
    CHECK(strstr(server_hello, "X25519MLKEM768 (1120 bytes)") != NULL);
    /* A server without hybrids answers the second share: no retry. */
    hybrid_case(NULL, "x25519:secp256r1", "x25519", 0, NULL);
    /* A server listing x25519 first still takes its order. */
    hybrid_case(NULL, "x25519:X25519MLKEM768", "x25519", 0, NULL);
    /* A client whose second group is a NIST curve sends that share. */
    hybrid_case("X25519MLKEM768:secp256r1", "secp256r1", "secp256r1", 0,
                "X25519MLKEM768 (1216 bytes), secp256r1 (65 bytes)");
    /* A client listing only a hybrid sends one share. */
    hybrid_case("SecP256r1MLKEM768", "SecP256r1MLKEM768", "SecP256r1MLKEM768", 0, NULL);
    CHECK(strstr(client_hello, "), ") == NULL);
}

static void test_hrr(void)
{
    /* The client's share is x25519; the server accepts only a hybrid. */
    hybrid_case("x25519:X25519MLKEM768", "X25519MLKEM768", "X25519MLKEM768", 1, NULL);
    hybrid_case("x25519:SecP256r1MLKEM768", "SecP256r1MLKEM768", "SecP256r1MLKEM768", 1, NULL);
    hybrid_case("x25519:SecP384r1MLKEM1024", "SecP384r1MLKEM1024", "SecP384r1MLKEM1024", 1,
                "SecP384r1MLKEM1024 (1665 bytes)");
    /* The default client meets a server that wants another hybrid. */
    hybrid_case(NULL, "SecP384r1MLKEM1024", "SecP384r1MLKEM1024", 1, NULL);
    /* A hybrid client meets a server with only a group it did not share. */
    hybrid_case(NULL, "secp384r1", "secp384r1", 1, NULL);
}

static void test_resumption(void)
{
    static const char *groups[] = {"X25519MLKEM768", "SecP256r1MLKEM768", "SecP384r1MLKEM1024"};
    for (size_t g = 0; g < 3; g++) {
        clasp_config *sc = server_config(pki_ecdsa), *cc = client_config(pki_ecdsa);
        CHECK(clasp_config_set_groups(cc, groups[g]) == 0);
        conn_outcome first = connect_once(cc, sc, NULL, "localhost");
        CHECK(first.client_rc == CLASP_OK && first.server_rc == CLASP_OK);
        CHECK(first.session != NULL);
        if (!first.session) {
            clasp_config_free(cc);
            clasp_config_free(sc);
            continue;
        }
        conn_outcome again = connect_once(cc, sc, first.session, "localhost");
        CHECK(again.client_rc == CLASP_OK && again.server_rc == CLASP_OK);
        CHECK(again.client_resumed && again.server_resumed);
        clasp_session_free(first.session);
        clasp_session_free(again.session);
        clasp_config_free(cc);
        clasp_config_free(sc);
    }
}

/* A hybrid group in a TLS 1.2 handshake is ignored: the server picks a
 * curve. */
static void test_tls12_ignores_hybrids(void)
{
    clasp_config *sc = server_config(pki_ecdsa), *cc = client_config(pki_ecdsa);
    /* The client offers both versions (so it lists and shares the
     * hybrid); the server speaks only TLS 1.2. */
    CHECK(clasp_config_set_versions(sc, CLASP_TLS1_2, CLASP_TLS1_2) == 0);
    CHECK(clasp_config_set_ciphers(cc, "TLS_AES_128_GCM_SHA256:"
                                       "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256") == 0);
    CHECK(clasp_config_set_groups(cc, "X25519MLKEM768:secp256r1") == 0);
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    result r = run_handshake(cli, srv);
    if (r.client_rc != CLASP_OK || r.server_rc != CLASP_OK)
        fprintf(stderr, "TLS 1.2: client: %s / server: %s\n", clasp_conn_error_text(cli),
                clasp_conn_error_text(srv));
    CHECK(r.client_rc == CLASP_OK && r.server_rc == CLASP_OK);
    CHECK(!strcmp(clasp_conn_version_name(cli), "TLSv1.2"));
    CHECK(!strcmp(clasp_conn_group_name(srv), "secp256r1"));
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(cc);
    clasp_config_free(sc);
}

/* A key share of `group` in a ClientHello's bytes (the group, then a 2-byte
 * length and the share): where it starts, or NULL. */
static const uint8_t *find_share(const uint8_t *p, size_t n, uint16_t group, size_t len)
{
    for (size_t i = 0; i + 4 + len <= n; i++)
        if (p[i] == group >> 8 && p[i + 1] == (group & 0xff) && p[i + 2] == len >> 8 &&
            p[i + 3] == (len & 0xff))
            return p + i + 4;
    return NULL;
}

/* The classic share beside a hybrid is the hybrid's own ECDH share (one
 * key generation less), and the server may take either. */
static void share_reuse_case(const char *groups, uint16_t hybrid, size_t hybrid_len,
                             uint16_t classic, size_t classic_len, long ec_at, const char *server)
{
    clasp_config *cc = client_config(pki_ecdsa), *sc = server_config(pki_ecdsa);
    CHECK(clasp_config_set_groups(cc, groups) == 0);
    CHECK(clasp_config_set_groups(sc, server) == 0);
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    CHECK(clasp_conn_handshake(cli) == CLASP_WANT_READ);
    const uint8_t *out = NULL;
    size_t n = clasp_conn_output(cli, &out);
    const uint8_t *h = find_share(out, n, hybrid, hybrid_len);
    const uint8_t *k = find_share(out, n, classic, classic_len);
    CHECK(h != NULL && k != NULL);
    if (h && k) {
        if (ec_at >= 0)
            CHECK(memcmp(h + ec_at, k, classic_len) == 0);
        else
            CHECK(memcmp(h + hybrid_len - classic_len, k, classic_len) != 0 &&
                  memcmp(h, k, classic_len) != 0);
    }
    result r = run_handshake(cli, srv);
    CHECK(r.client_rc == CLASP_OK && r.server_rc == CLASP_OK);
    if (r.client_rc == CLASP_OK)
        exchange(cli, srv, 100);
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(cc);
    clasp_config_free(sc);
}

static void test_share_reuse(void)
{
    /* X25519MLKEM768: ML-KEM first, the X25519 share in the last 32 bytes. */
    share_reuse_case("X25519MLKEM768:x25519", 0x11ec, 1216, 0x001d, 32, 1184, "x25519");
    share_reuse_case("X25519MLKEM768:x25519", 0x11ec, 1216, 0x001d, 32, 1184, "X25519MLKEM768");
    /* SecP256r1MLKEM768: the P-256 point first. */
    share_reuse_case("SecP256r1MLKEM768:secp256r1", 0x11eb, 1249, 0x0017, 65, 0, "secp256r1");
    share_reuse_case("SecP256r1MLKEM768:secp256r1", 0x11eb, 1249, 0x0017, 65, 0,
                     "SecP256r1MLKEM768");
    /* Another curve than the hybrid's: a key of its own. */
    share_reuse_case("X25519MLKEM768:secp256r1", 0x11ec, 1216, 0x0017, 65, -1, "secp256r1");
}

int main(void)
{
    make_pki(pki_ecdsa, "ecdsa");
    test_every_group();
    test_defaults();
    test_hrr();
    test_resumption();
    test_tls12_ignores_hybrids();
    test_share_reuse();
    remove_pki(pki_ecdsa);
    return tu_finish("pair_hybrid");
}
