/* SPDX-License-Identifier: Apache-2.0 */
/* A clasp client and server talking over in-memory buffers: negotiation,
 * HelloRetryRequest, client authentication, KeyUpdate, record framing
 * limits, and the alert and message for each failure. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "handshake/hs.h"
#include "pairutil.h"
#include "testutil.h"

static int trace_hrr;
static void count_hrr(void *arg, clasp_trace_kind kind, const char *what, const char *detail)
{
    (void)arg, (void)kind, (void)detail;
    if (!strcmp(what, "HelloRetryRequest"))
        trace_hrr++;
}

static void test_suites_groups_keys(void)
{
    static const char *suites[] = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                                   "TLS_CHACHA20_POLY1305_SHA256"};
    static const char *groups[] = {"x25519", "secp256r1", "secp384r1"};
    static const struct {
        const char *pki;
        const char *sigalg;
    } keys[] = {{pki_ecdsa, "ecdsa_secp256r1_sha256"},
                {pki_rsa, "rsa_pss_rsae_sha256"},
                {pki_ed25519, "ed25519"}};
    for (size_t k = 0; k < 3; k++)
        for (size_t s = 0; s < 3; s++)
            for (size_t g = 0; g < 3; g++) {
                clasp_config *sc = server_config(keys[k].pki), *cc = client_config(keys[k].pki);
                CHECK(clasp_config_set_ciphers(cc, suites[s]) == 0);
                CHECK(clasp_config_set_groups(cc, groups[g]) == 0);
                clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
                CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
                result r = run_handshake(cli, srv);
                if (r.client_rc != CLASP_OK)
                    fprintf(stderr, "client: %s\n", clasp_conn_error_text(cli));
                CHECK(r.client_rc == CLASP_OK && r.server_rc == CLASP_OK);
                if (r.client_rc == CLASP_OK) {
                    CHECK(!strcmp(clasp_conn_cipher_name(cli), suites[s]));
                    CHECK(!strcmp(clasp_conn_group_name(cli), groups[g]));
                    CHECK(!strcmp(clasp_conn_sigalg_name(cli), keys[k].sigalg));
                    CHECK(!strcmp(clasp_conn_version_name(cli), "TLSv1.3"));
                    CHECK(!strcmp(clasp_conn_cipher_name(srv), suites[s]));
                    size_t len;
                    CHECK(clasp_conn_peer_cert(cli, 0, &len) != NULL && len > 100);
                    exchange(cli, srv, 100);
                }
                clasp_conn_free(cli);
                clasp_conn_free(srv);
                clasp_config_free(cc);
                clasp_config_free(sc);
            }
}

static void test_hrr_alpn_sni(void)
{
    clasp_config *sc = server_config(pki_ecdsa), *cc = client_config(pki_ecdsa);
    CHECK(clasp_config_set_groups(sc, "secp384r1") == 0);
    CHECK(clasp_config_set_groups(cc, "x25519:P-384") == 0);
    CHECK(clasp_config_set_alpn(sc, "http/1.1,h2") == 0);
    CHECK(clasp_config_set_alpn(cc, "h2,http/1.1") == 0);
    clasp_config_set_trace(cc, count_hrr, NULL);
    trace_hrr = 0;
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    result r = run_handshake(cli, srv);
    CHECK(r.client_rc == CLASP_OK && r.server_rc == CLASP_OK);
    CHECK(trace_hrr == 1);
    CHECK(!strcmp(clasp_conn_group_name(cli), "secp384r1"));
    CHECK(clasp_conn_alpn(cli) && !strcmp(clasp_conn_alpn(cli), "http/1.1"));
    CHECK(clasp_conn_sni(srv) && !strcmp(clasp_conn_sni(srv), "localhost"));
    exchange(cli, srv, 10);
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(cc);
    clasp_config_free(sc);

    /* No ALPN protocol in common: no_application_protocol. */
    sc = server_config(pki_ecdsa);
    cc = client_config(pki_ecdsa);
    CHECK(clasp_config_set_alpn(sc, "h2") == 0);
    CHECK(clasp_config_set_alpn(cc, "spdy/3") == 0);
    cli = clasp_conn_new(cc);
    srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    r = run_handshake(cli, srv);
    CHECK(r.client_rc == CLASP_ERROR && r.server_rc == CLASP_ERROR);
    CHECK(clasp_conn_alert_sent(srv) == 120);
    CHECK(clasp_conn_alert_received(cli) == 120);
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(cc);
    clasp_config_free(sc);
}

/* trust: every group clasp added (x448, secp521r1, the RFC 7919 groups)
 * as the client's first key share and after a HelloRetryRequest, with the
 * server's default list: both sides name it. */
static int hrr_seen_cookie, ch2_echoed_cookie;
static void watch_hrr(void *arg, clasp_trace_kind kind, const char *what, const char *detail)
{
    (void)arg;
    if (!strcmp(what, "HelloRetryRequest") && kind == CLASP_TRACE_RECV) {
        trace_hrr++;
        hrr_seen_cookie = strstr(detail, "cookie") != NULL;
    }
    if (!strcmp(what, "ClientHello") && kind == CLASP_TRACE_SEND && strstr(detail, "cookie echoed"))
        ch2_echoed_cookie = 1;
}

static void group_case(const char *client_groups, const char *server_groups, const char *want,
                       int want_hrr, int cookie)
{
    clasp_config *sc = server_config(pki_ecdsa), *cc = client_config(pki_ecdsa);
    CHECK(clasp_config_set_groups(cc, client_groups) == 0);
    if (server_groups)
        CHECK(clasp_config_set_groups(sc, server_groups) == 0);
    clasp_config_set_hrr_cookie(sc, cookie);
    clasp_config_set_trace(cc, watch_hrr, NULL);
    trace_hrr = hrr_seen_cookie = ch2_echoed_cookie = 0;
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    result r = run_handshake(cli, srv);
    if (r.client_rc != CLASP_OK || r.server_rc != CLASP_OK)
        fprintf(stderr, "%s / %s: client: %s / server: %s\n", client_groups,
                server_groups ? server_groups : "default", clasp_conn_error_text(cli),
                clasp_conn_error_text(srv));
    CHECK(r.client_rc == CLASP_OK && r.server_rc == CLASP_OK);
    if (r.client_rc == CLASP_OK) {
        CHECK(!strcmp(clasp_conn_group_name(cli), want));
        CHECK(!strcmp(clasp_conn_group_name(srv), want));
        CHECK(!strcmp(clasp_conn_version_name(cli), "TLSv1.3"));
        CHECK(trace_hrr == want_hrr);
        /* A cookie only when the server is set to send one, echoed then. */
        CHECK(hrr_seen_cookie == (want_hrr && cookie));
        CHECK(ch2_echoed_cookie == (want_hrr && cookie));
        exchange(cli, srv, 100);
    }
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(cc);
    clasp_config_free(sc);
}

static void test_new_groups(void)
{
    static const char *groups[] = {"x448",      "secp521r1", "ffdhe2048", "ffdhe3072",
                                   "ffdhe4096", "ffdhe6144", "ffdhe8192"};
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        char both[64];
        group_case(groups[g], NULL, groups[g], 0, 0);
        snprintf(both, sizeof both, "x25519:%s", groups[g]);
        group_case(both, groups[g], groups[g], 1, 0);
    }
    /* The OpenSSL-style aliases. */
    group_case("X448", NULL, "x448", 0, 0);
    group_case("P-521", NULL, "secp521r1", 0, 0);
    /* HelloRetryRequest with and without a cookie. */
    group_case("x25519:secp384r1", "secp384r1", "secp384r1", 1, 0);
    group_case("x25519:secp384r1", "secp384r1", "secp384r1", 1, 1);
    group_case("x25519:x448", "x448", "x448", 1, 1);
    /* Unknown names are refused with the list of the known ones. */
    clasp_config *cc = client_config(pki_ecdsa);
    CHECK(clasp_config_set_groups(cc, "x449") == -1);
    CHECK(strstr(clasp_config_error(cc), "'x449'") && strstr(clasp_config_error(cc), "ffdhe8192"));
    clasp_config_free(cc);
}

/* trust: clasp_conn_set_server_name refuses what is not a host name (RFC
 * 6066 3) with CLASP_E_CONFIG and a sentence, keeps the connection usable,
 * drops one trailing dot and takes IP literals (for IP SANs, not SNI). */
static void test_server_names(void)
{
    static const struct {
        const char *name, *why;
    } bad[] = {
        {"", "is empty"},
        {"local\nhost", "control byte 0x0a"},
        {"l\xc3\xb6" "calhost", "non-ASCII byte 0xc3"},
        {"a..b", "empty label"},
        {".localhost", "empty label"},
        {"localhost..", "ends with a dot"},
        {".", "empty label"},
        {"local host", "contains ' '"},
        {"local/host", "contains '/'"},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.x", "longer than 63"},
    };
    clasp_config *sc = server_config(pki_ecdsa), *cc = client_config(pki_ecdsa);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        clasp_conn *cli = clasp_conn_new(cc);
        CHECK(clasp_conn_set_server_name(cli, bad[i].name) == -1);
        CHECK(clasp_conn_error(cli) == CLASP_E_CONFIG);
        CHECK(strstr(clasp_conn_error_text(cli), bad[i].why) != NULL);
        CHECK(strstr(clasp_conn_error_text(cli), "as the server name") != NULL);
        CHECK(!strchr(clasp_conn_error_text(cli), '\n'));
        CHECK(clasp_conn_sni(cli) == NULL);
        clasp_conn_free(cli);
    }
    char longname[300];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    for (size_t i = 63; i < sizeof longname - 1; i += 64)
        longname[i] = '.';
    clasp_conn *cli = clasp_conn_new(cc);
    CHECK(clasp_conn_set_server_name(cli, longname) == -1);
    CHECK(strstr(clasp_conn_error_text(cli), "over the 253") != NULL);
    clasp_conn_free(cli);

    /* A refused name, then a good one with a trailing dot: the error is
     * gone, the dot too, and the handshake works. */
    cli = clasp_conn_new(cc);
    clasp_conn *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "bad\tname") == -1);
    CHECK(clasp_conn_set_server_name(cli, "localhost.") == 0);
    CHECK(clasp_conn_error(cli) == CLASP_E_NONE && !strcmp(clasp_conn_error_text(cli), ""));
    CHECK(clasp_conn_sni(cli) && !strcmp(clasp_conn_sni(cli), "localhost"));
    result r = run_handshake(cli, srv);
    CHECK(r.client_rc == CLASP_OK && r.server_rc == CLASP_OK);
    CHECK(clasp_conn_sni(srv) && !strcmp(clasp_conn_sni(srv), "localhost"));
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    /* IP literals are taken (certificate checked against IP SANs). */
    cli = clasp_conn_new(cc);
    CHECK(clasp_conn_set_server_name(cli, "127.0.0.1") == 0);
    CHECK(clasp_conn_set_server_name(cli, "::1") == 0);
    CHECK(clasp_conn_set_server_name(cli, "my_host.example") == 0);
    clasp_conn_free(cli);
    clasp_config_free(cc);
    clasp_config_free(sc);
}

static void client_auth_case(clasp_client_auth mode, int send_cert, const char *cert_pki,
                             int want_ok, int want_alert)
{
    clasp_config *sc = server_config(pki_ecdsa), *cc = client_config(pki_ecdsa);
    char ca[512], cert[512], key[512];
    path_in(ca, sizeof ca, pki_ecdsa, "ca.pem");
    CHECK(clasp_config_load_ca_file(sc, ca) == 0);
    CHECK(clasp_config_set_client_auth(sc, mode) == 0);
    if (send_cert) {
        path_in(cert, sizeof cert, cert_pki, "client.pem");
        path_in(key, sizeof key, cert_pki, "client-key.pem");
        CHECK(clasp_config_load_cert_chain(cc, cert, key) == 0);
    }
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    result r = run_handshake(cli, srv);
    if (want_ok) {
        if (r.server_rc != CLASP_OK)
            fprintf(stderr, "server: %s\n", clasp_conn_error_text(srv));
        CHECK(r.client_rc == CLASP_OK && r.server_rc == CLASP_OK);
        size_t len;
        CHECK((clasp_conn_peer_cert(srv, 0, &len) != NULL) == send_cert);
    } else {
        CHECK(r.server_rc == CLASP_ERROR);
        CHECK(clasp_conn_alert_sent(srv) == want_alert);
        CHECK(clasp_conn_error(srv) == CLASP_E_CERTIFICATE);
        /* The client learns of it when it next reads. */
        uint8_t b[16];
        pump(srv, cli);
        CHECK(clasp_conn_read(cli, b, sizeof b) == CLASP_ERROR);
        CHECK(clasp_conn_alert_received(cli) == want_alert);
        fprintf(stderr, "  (expected) server: %s\n  (expected) client: %s\n",
                clasp_conn_error_text(srv), clasp_conn_error_text(cli));
    }
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(cc);
    clasp_config_free(sc);
}

static void test_client_auth(void)
{
    client_auth_case(CLASP_CLIENT_AUTH_REQUIRED, 1, pki_ecdsa, 1, 0);
    client_auth_case(CLASP_CLIENT_AUTH_OPTIONAL, 0, pki_ecdsa, 1, 0);
    client_auth_case(CLASP_CLIENT_AUTH_REQUIRED, 0, pki_ecdsa, 0, 116);
    client_auth_case(CLASP_CLIENT_AUTH_REQUIRED, 1, pki_other, 0, 48);
}

static void test_key_update(void)
{
    clasp_config *sc = server_config(pki_ecdsa), *cc = client_config(pki_ecdsa);
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    result r = run_handshake(cli, srv);
    CHECK(r.client_rc == CLASP_OK && r.server_rc == CLASP_OK);
    uint64_t srv_write_seq = srv->wr.seq;
    CHECK(clasp_conn_key_update(cli, 1) == CLASP_OK);
    CHECK(cli->wr.seq == 0);
    exchange(cli, srv, 1000); /* the server answers with its own update */
    CHECK(srv->wr.seq < srv_write_seq + 3);
    CHECK(clasp_conn_key_update(srv, 0) == CLASP_OK);
    exchange(cli, srv, 1000);
    /* A flood of KeyUpdates with no data between them is cut off. */
    for (int i = 0; i < 40; i++)
        CHECK(clasp_conn_key_update(cli, 0) == CLASP_OK);
    pump(cli, srv);
    uint8_t b[16];
    CHECK(clasp_conn_read(srv, b, sizeof b) == CLASP_ERROR);
    CHECK(clasp_conn_alert_sent(srv) == 10);
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(cc);
    clasp_config_free(sc);
}

static void test_record_limits(void)
{
    clasp_config *sc = server_config(pki_ecdsa), *cc = client_config(pki_ecdsa);
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    result r = run_handshake(cli, srv);
    CHECK(r.client_rc == CLASP_OK && r.server_rc == CLASP_OK);
    /* Large writes are split into records of at most 2^14 plaintext bytes. */
    size_t big = 100000;
    uint8_t *data = calloc(1, big);
    CHECK(clasp_conn_write(cli, data, big) == (long)big);
    const uint8_t *out;
    size_t n = clasp_conn_output(cli, &out), records = 0;
    for (size_t off = 0; off + 5 <= n; records++) {
        size_t len = (size_t)out[off + 3] << 8 | out[off + 4];
        CHECK(len <= 16384 + 1 + 16);
        off += 5 + len;
    }
    CHECK(records == (big + 16383) / 16384);
    size_t have = 0;
    uint8_t buf[4096];
    for (int i = 0; i < 1000 && have < big; i++) {
        pump(cli, srv); /* the server takes at most two records at a time */
        long got = clasp_conn_read(srv, buf, sizeof buf);
        if (got <= 0 && got != CLASP_WANT_READ)
            break;
        if (got > 0)
            have += (size_t)got;
    }
    CHECK(have == big);
    exchange(cli, srv, 1);
    free(data);
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(cc);
    clasp_config_free(sc);
}

/* Feeds raw bytes to a fresh server and returns the alert it sends. */
static int server_alert_for(const uint8_t *bytes, size_t len, char *why, size_t why_len)
{
    clasp_config *sc = server_config(pki_ecdsa);
    clasp_conn *srv = clasp_conn_new(sc);
    size_t used;
    CHECK(clasp_conn_feed(srv, bytes, len, &used) == CLASP_OK);
    int rc = clasp_conn_handshake(srv);
    int alert = rc == CLASP_ERROR ? clasp_conn_alert_sent(srv) : -2;
    snprintf(why, why_len, "%s", clasp_conn_error_text(srv));
    /* The alert is on the wire, in plaintext: 15 03 03 00 02 02 <desc>. */
    const uint8_t *out;
    size_t n = clasp_conn_output(srv, &out);
    if (alert >= 0) {
        CHECK(n == 7 && out[0] == 21 && out[5] == 2 && out[6] == alert);
    }
    clasp_conn_free(srv);
    clasp_config_free(sc);
    return alert;
}

static void test_hostile_bytes(void)
{
    char why[512];
    uint8_t rec[32] = {0x99, 3, 3, 0, 4, 1, 2, 3, 4};
    CHECK(server_alert_for(rec, 9, why, sizeof why) == 10);
    CHECK(strstr(why, "does not speak TLS") != NULL);
    const char *http = "GET / HTTP/1.1\r\n\r\n";
    CHECK(server_alert_for((const uint8_t *)http, strlen(http), why, sizeof why) == 10);
    CHECK(strstr(why, "plain HTTP") != NULL);
    uint8_t over[5] = {22, 3, 3, 0x40, 0x01};
    CHECK(server_alert_for(over, 5, why, sizeof why) == 22);
    uint8_t empty[5] = {22, 3, 1, 0, 0};
    CHECK(server_alert_for(empty, 5, why, sizeof why) == 10);
    uint8_t appdata[8] = {23, 3, 3, 0, 3, 1, 2, 3};
    CHECK(server_alert_for(appdata, 8, why, sizeof why) == 10);
    uint8_t wrong_msg[9] = {22, 3, 1, 0, 4, 2, 0, 0, 0}; /* a ServerHello to a server */
    CHECK(server_alert_for(wrong_msg, 9, why, sizeof why) == 10);
    uint8_t short_ch[13] = {22, 3, 1, 0, 8, 1, 0, 0, 4, 3, 3, 0, 0};
    CHECK(server_alert_for(short_ch, 13, why, sizeof why) == 50);
    /* A TLS 1.0 ClientHello without supported_versions. */
    uint8_t old[5 + 4 + 2 + 32 + 1 + 4 + 2] = {22, 3, 1, 0, 4 + 2 + 32 + 1 + 4 + 2, 1, 0, 0,
                                               2 + 32 + 1 + 4 + 2, 3, 1};
    uint8_t *p = old + 5 + 4 + 2 + 32;
    p[0] = 0;                     /* session id */
    p[1] = 0, p[2] = 2, p[3] = 0, p[4] = 0x2f; /* one suite */
    p[5] = 1, p[6] = 0;           /* null compression */
    CHECK(server_alert_for(old, sizeof old, why, sizeof why) == 70);
    CHECK(strstr(why, "TLS 1.0") != NULL);

    /* A truncated record is not an error yet: the server waits for more. */
    uint8_t partial[3] = {22, 3, 1};
    CHECK(server_alert_for(partial, 3, why, sizeof why) == -2);
}

static void test_split_and_tamper(void)
{
    /* The ClientHello split over two records, and the server's flight fed
     * one byte at a time. */
    clasp_config *sc = server_config(pki_ecdsa), *cc = client_config(pki_ecdsa);
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    CHECK(clasp_conn_handshake(cli) == CLASP_WANT_READ);
    const uint8_t *out;
    size_t n = clasp_conn_output(cli, &out);
    size_t body = n - 5, first = body / 3;
    uint8_t *split = malloc(n + 5);
    memcpy(split, out, 5 + first);
    split[3] = (uint8_t)(first >> 8), split[4] = (uint8_t)first;
    uint8_t *second = split + 5 + first;
    second[0] = 22, second[1] = 3, second[2] = 3;
    second[3] = (uint8_t)((body - first) >> 8), second[4] = (uint8_t)(body - first);
    memcpy(second + 5, out + 5 + first, body - first);
    size_t used;
    CHECK(clasp_conn_feed(srv, split, n + 5, &used) == CLASP_OK && used == n + 5);
    clasp_conn_output_done(cli, n);
    free(split);
    CHECK(clasp_conn_handshake(srv) == CLASP_WANT_READ);
    n = clasp_conn_output(srv, &out);
    for (size_t i = 0; i < n; i++) {
        CHECK(clasp_conn_feed(cli, out + i, 1, &used) == CLASP_OK);
        int rc = clasp_conn_handshake(cli);
        CHECK(rc == (i + 1 == n ? CLASP_OK : CLASP_WANT_READ));
    }
    clasp_conn_output_done(srv, n);
    pump(cli, srv);
    CHECK(clasp_conn_handshake(srv) == CLASP_OK);

    /* A flipped bit in a record: bad_record_mac. */
    CHECK(clasp_conn_write(cli, (const uint8_t *)"hello", 5) == 5);
    n = clasp_conn_output(cli, &out);
    uint8_t bad[64];
    memcpy(bad, out, n);
    bad[7] ^= 1;
    clasp_conn_output_done(cli, n);
    CHECK(clasp_conn_feed(srv, bad, n, &used) == CLASP_OK);
    uint8_t b[16];
    CHECK(clasp_conn_read(srv, b, sizeof b) == CLASP_ERROR);
    CHECK(clasp_conn_alert_sent(srv) == 20);
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(cc);
    clasp_config_free(sc);
}

static void cert_failure(const char *server_pki, const char *ca_pki, const char *name,
                         int want_alert, const char *want_text)
{
    clasp_config *sc = server_config(server_pki), *cc = client_config(ca_pki);
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, name) == 0);
    result r = run_handshake(cli, srv);
    CHECK(r.client_rc == CLASP_ERROR && r.server_rc == CLASP_ERROR);
    CHECK(clasp_conn_alert_sent(cli) == want_alert);
    CHECK(clasp_conn_alert_received(srv) == want_alert);
    CHECK(clasp_conn_error(cli) == CLASP_E_CERTIFICATE);
    CHECK(strstr(clasp_conn_error_text(cli), want_text) != NULL);
    fprintf(stderr, "  (expected) %s\n", clasp_conn_error_text(cli));
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(cc);
    clasp_config_free(sc);
}

static void test_certificate_failures(void)
{
    cert_failure(pki_ecdsa, pki_ecdsa, "example.com", 42, "does not match");
    cert_failure(pki_ecdsa, pki_other, "localhost", 48, "trusted");
    /* IP SANs: the test certificate holds 127.0.0.1 and ::1. */
    clasp_config *sc = server_config(pki_ecdsa), *cc = client_config(pki_ecdsa);
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "127.0.0.1") == 0);
    result r = run_handshake(cli, srv);
    CHECK(r.client_rc == CLASP_OK && r.server_rc == CLASP_OK);
    CHECK(clasp_conn_sni(srv) == NULL); /* IP literals are not sent as SNI */
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(cc);
    clasp_config_free(sc);
    cert_failure(pki_ecdsa, pki_ecdsa, "10.1.2.3", 42, "does not match");

    /* A verifying client with no name refuses rather than skip the check. */
    cc = client_config(pki_ecdsa);
    cli = clasp_conn_new(cc);
    CHECK(clasp_conn_handshake(cli) == CLASP_ERROR);
    CHECK(clasp_conn_error(cli) == CLASP_E_CONFIG);
    clasp_conn_free(cli);
    clasp_config_free(cc);
}

/* Full handshake, then a resumption with the session it produced. */
static clasp_session *first_session(clasp_config *cc, clasp_config *sc)
{
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    result r = run_handshake(cli, srv);
    CHECK(r.client_rc == CLASP_OK && r.server_rc == CLASP_OK);
    CHECK(!clasp_conn_resumed(cli));
    exchange(cli, srv, 10); /* the client reads the server's ticket */
    clasp_session *s = clasp_conn_get_session(cli);
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    return s;
}

static int resumes(clasp_config *cc, clasp_config *sc, const clasp_session *s, int *server_ok)
{
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    CHECK(clasp_conn_set_session(cli, s) == 0);
    result r = run_handshake(cli, srv);
    if (r.client_rc != CLASP_OK || r.server_rc != CLASP_OK)
        fprintf(stderr, "resumption: client: %s / server: %s\n", clasp_conn_error_text(cli),
                clasp_conn_error_text(srv));
    *server_ok = r.client_rc == CLASP_OK && r.server_rc == CLASP_OK;
    int resumed = clasp_conn_resumed(cli);
    CHECK(resumed == clasp_conn_resumed(srv));
    if (*server_ok)
        exchange(cli, srv, 100);
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    return resumed;
}

static void test_resumption13(void)
{
    clasp_config *sc = server_config(pki_ecdsa), *cc = client_config(pki_ecdsa);
    CHECK(clasp_config_set_alpn(sc, "h2") == 0);
    CHECK(clasp_config_set_alpn(cc, "h2") == 0);
    clasp_session *s = first_session(cc, sc);
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK(clasp_session_version(s) == CLASP_TLS1_3);
    int ok;
    CHECK(resumes(cc, sc, s, &ok) == 1 && ok);
    /* Through bytes, as an application keeps it across processes. */
    uint8_t *bytes;
    size_t len;
    CHECK(clasp_session_to_bytes(s, &bytes, &len) == 0);
    clasp_session *back = clasp_session_from_bytes(bytes, len);
    CHECK(back != NULL);
    CHECK(resumes(cc, sc, back, &ok) == 1 && ok);
    /* A tampered ticket: a full handshake, no error. */
    back->s.ticket[back->s.ticket_len / 2] ^= 0x10;
    CHECK(resumes(cc, sc, back, &ok) == 0 && ok);
    clasp_session_free(back);
    bytes[len - 1] ^= 1; /* corrupt serialised form still parses or is refused cleanly */
    clasp_session_free(clasp_session_from_bytes(bytes, len));
    CHECK(clasp_session_from_bytes(bytes, 3) == NULL);
    free(bytes);

    /* A fleet: another server with the same ticket secret resumes it; one
     * with another secret does a full handshake. */
    static const uint8_t secret[32] = {1, 2, 3};
    clasp_config *a = server_config(pki_ecdsa), *b = server_config(pki_ecdsa), *other = server_config(pki_ecdsa);
    CHECK(clasp_config_set_ticket_secret(a, secret) == 0);
    CHECK(clasp_config_set_ticket_secret(b, secret) == 0);
    clasp_session *fleet = first_session(cc, a);
    CHECK(resumes(cc, b, fleet, &ok) == 1 && ok);
    CHECK(resumes(cc, other, fleet, &ok) == 0 && ok);
    /* Keys rotate every lifetime: a server three periods later no longer
     * has the ticket's key (the ticket has also expired). */
    clasp_config *later = server_config(pki_ecdsa);
    CHECK(clasp_config_set_ticket_secret(later, secret) == 0);
    later->test_time_offset = 3 * 7200;
    CHECK(resumes(cc, later, fleet, &ok) == 0 && ok);
    clasp_session_free(fleet);
    clasp_config_free(a);
    clasp_config_free(b);
    clasp_config_free(other);
    clasp_config_free(later);

    /* Resumption after a HelloRetryRequest (the binder is recomputed). */
    clasp_config *hrr = server_config(pki_ecdsa);
    CHECK(clasp_config_set_groups(hrr, "secp256r1") == 0);
    CHECK(clasp_config_set_alpn(hrr, "h2") == 0);
    clasp_session *s2 = first_session(cc, hrr);
    CHECK(resumes(cc, hrr, s2, &ok) == 1 && ok);
    clasp_session_free(s2);
    clasp_config_free(hrr);

    /* Tickets off: nothing to resume. */
    clasp_config *off = server_config(pki_ecdsa);
    clasp_config_set_resumption(off, 0);
    clasp_session *none = first_session(cc, off);
    CHECK(none == NULL);
    clasp_config_free(off);
    clasp_session_free(s);
    clasp_config_free(cc);
    clasp_config_free(sc);
}


/* RFC 8446 4.6.1: each ticket's PSK derives from its nonce, which must not
 * repeat on a connection, however many tickets the server sends (here also
 * after the handshake, and past 255 of them). */
static void test_ticket_nonces(void)
{
    clasp_config *sc = server_config(pki_ecdsa), *cc = client_config(pki_ecdsa);
    clasp_config_set_ticket_count(sc, 3);
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    result r = run_handshake(cli, srv);
    CHECK(r.client_rc == CLASP_OK && r.server_rc == CLASP_OK);
    exchange(cli, srv, 10);
    CHECK(clasp_conn_tickets_received(cli) == 3);
    enum { N = 5 };
    uint8_t psk[N][48];
    size_t psk_len[N] = {0};
    clasp_session *last = NULL;
    for (int i = 0; i < N; i++) {
        if (i > 0) {
            if (i == N - 1) {
                uint64_t past_a_byte = 256 + 3; /* nonce 3, the 4th ticket, if it wrapped */
                srv->ticket_nonce = past_a_byte;
            }
            sc->ticket_count = 1; /* white-box: the config is frozen, the setter refuses */
            CHECK(cl_server13_send_tickets(srv) == 0);
            pump(srv, cli);
            uint8_t b[8];
            CHECK(clasp_conn_read(cli, b, sizeof b) == CLASP_WANT_READ);
        }
        clasp_session_free(last);
        last = clasp_conn_get_session(cli);
        CHECK(last != NULL);
        if (!last)
            break;
        psk_len[i] = last->s.secret_len;
        memcpy(psk[i], last->s.secret, last->s.secret_len);
        for (int j = 0; j < i; j++)
            CHECK(psk_len[i] != psk_len[j] || memcmp(psk[i], psk[j], psk_len[i]) != 0);
    }
    CHECK(clasp_conn_tickets_received(cli) == 3 + N - 1);
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    /* The last ticket (a two-byte nonce) resumes: both sides derived the
     * same PSK from it. */
    if (last) {
        int ok;
        CHECK(resumes(cc, sc, last, &ok) == 1 && ok);
    }
    clasp_session_free(last);
    clasp_config_free(cc);
    clasp_config_free(sc);
}

/* trust: the end of the stream. clasp_conn_feed_eof says the transport
 * ended: after close_notify that is CLASP_CLOSED, before it CLASP_TRUNCATED
 * (RFC 8446 6.1), mid-handshake an error; a 0-byte feed is no EOF. */
static void test_transport_eof(void)
{
    static const uint16_t versions[] = {CLASP_TLS1_3, CLASP_TLS1_2};
    static const uint8_t msg[] = "response body";
    for (size_t v = 0; v < 2; v++) {
        for (int how = 0; how < 3; how++) { /* close_notify, bare EOF, EOF mid-record */
            clasp_config *sc = server_config(pki_ecdsa), *cc = client_config(pki_ecdsa);
            CHECK(clasp_config_set_versions(cc, versions[v], versions[v]) == 0);
            clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
            CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
            result r = run_handshake(cli, srv);
            CHECK(r.client_rc == CLASP_OK && r.server_rc == CLASP_OK);
            uint8_t buf[64];
            size_t used = 0;
            CHECK(clasp_conn_read(cli, buf, sizeof buf) == CLASP_WANT_READ); /* takes any ticket */
            CHECK(clasp_conn_feed(cli, buf, 0, &used) == CLASP_OK && used == 0);
            CHECK(clasp_conn_read(cli, buf, sizeof buf) == CLASP_WANT_READ);
            CHECK(clasp_conn_write(srv, msg, sizeof msg) == sizeof msg);
            if (how == 0)
                CHECK(clasp_conn_close(srv) == CLASP_OK);
            if (how == 2) {
                const uint8_t *out;
                size_t n = clasp_conn_output(srv, &out);
                CHECK(n > 10 && clasp_conn_feed(cli, out, n - 10, &used) == CLASP_OK);
            } else {
                pump(srv, cli);
            }
            CHECK(clasp_conn_feed_eof(cli) == CLASP_OK);
            long n = clasp_conn_read(cli, buf, sizeof buf);
            if (how == 2) {
                CHECK(n == CLASP_TRUNCATED);
                CHECK(strstr(clasp_conn_error_text(cli), "in the middle of a record") != NULL);
            } else {
                CHECK(n == sizeof msg && memcmp(buf, msg, sizeof msg) == 0);
                n = clasp_conn_read(cli, buf, sizeof buf);
                CHECK(n == (how == 0 ? CLASP_CLOSED : CLASP_TRUNCATED));
            }
            CHECK(clasp_conn_read(cli, buf, sizeof buf) == n); /* it stays that way */
            if (how == 0) {
                CHECK(clasp_conn_error(cli) == CLASP_E_NONE);
                CHECK(clasp_conn_close(cli) == CLASP_OK);
            } else {
                CHECK(clasp_conn_error(cli) == CLASP_E_IO);
                CHECK(strstr(clasp_conn_error_text(cli),
                             "without close_notify; the data may be truncated") != NULL);
                CHECK(clasp_conn_alert_sent(cli) == -1);
                CHECK(clasp_conn_write(cli, msg, sizeof msg) == CLASP_ERROR);
                size_t used2;
                CHECK(clasp_conn_receive(cli, msg, 0, &used2, buf, sizeof buf) == CLASP_TRUNCATED);
            }
            clasp_conn_free(cli);
            clasp_conn_free(srv);
            clasp_config_free(cc);
            clasp_config_free(sc);
        }

        /* The server hangs up before answering the ClientHello. */
        clasp_config *cc = client_config(pki_ecdsa);
        CHECK(clasp_config_set_versions(cc, versions[v], versions[v]) == 0);
        clasp_conn *cli = clasp_conn_new(cc);
        CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
        CHECK(clasp_conn_handshake(cli) == CLASP_WANT_READ);
        CHECK(clasp_conn_feed_eof(cli) == CLASP_OK);
        CHECK(clasp_conn_handshake(cli) == CLASP_ERROR);
        CHECK(clasp_conn_error(cli) == CLASP_E_IO);
        CHECK(strstr(clasp_conn_error_text(cli),
                     "during the handshake, while we waited for its ServerHello") != NULL);
        uint8_t buf[8];
        CHECK(clasp_conn_read(cli, buf, sizeof buf) == CLASP_ERROR);
        clasp_conn_free(cli);
        clasp_config_free(cc);
    }
}

/* A ticket secret file of exactly 32 bytes is raw, even when it ends in
 * bytes that look like a line break (a random secret does one time in 85);
 * 64 hex digits may end in one. Both forms give the same secret. */
static void test_ticket_secret_files(void)
{
    static const char endings[] = {'\n', '\r', ' '};
    char path[] = "/tmp/clasp-ticket-secret-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    close(fd);
    for (size_t e = 0; e < sizeof endings; e++) {
        uint8_t raw[32];
        for (size_t i = 0; i < 32; i++)
            raw[i] = (uint8_t)(i * 7 + e);
        raw[31] = (uint8_t)endings[e];
        FILE *f = fopen(path, "wb");
        CHECK(f && fwrite(raw, 1, 32, f) == 32);
        if (f)
            fclose(f);
        clasp_config *a = clasp_config_new(CLASP_SERVER);
        CHECK(clasp_config_load_ticket_secret(a, path) == 0);
        f = fopen(path, "wb");
        for (size_t i = 0; f && i < 32; i++)
            fprintf(f, "%02x", raw[i]);
        if (f) {
            fputs("\r\n", f);
            fclose(f);
        }
        clasp_config *b = clasp_config_new(CLASP_SERVER);
        CHECK(clasp_config_load_ticket_secret(b, path) == 0);
        CHECK(memcmp(a->ticket_master, raw, 32) == 0);
        CHECK(memcmp(b->ticket_master, raw, 32) == 0);
        clasp_config_free(a);
        clasp_config_free(b);
    }
    /* 31 raw bytes and a newline is neither form. */
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite("0123456789012345678901234567890\n", 1, 32 - 1, f);
        fclose(f);
    }
    clasp_config *c = clasp_config_new(CLASP_SERVER);
    CHECK(clasp_config_load_ticket_secret(c, path) < 0);
    CHECK(strstr(clasp_config_error(c), "must hold a 32-byte ticket secret") != NULL);
    clasp_config_free(c);
    unlink(path);
}

/* trust review: a session's bytes come from the application's storage,
 * so the server chain inside them is checked when they are read: a chain
 * that does not parse, or that has more certificates than a handshake
 * accepts, is refused there (NULL), not when a resumption has already
 * been accepted (where it failed as "out of memory"). */
static void test_session_chain_bytes(void)
{
    clasp_config *sc = server_config(pki_ecdsa), *cc = client_config(pki_ecdsa);
    clasp_session *s = first_session(cc, sc);
    CHECK(s != NULL && s->s.peer_chain_len > 3);
    uint8_t *bytes = NULL;
    size_t len = 0;
    if (s && clasp_session_to_bytes(s, &bytes, &len) == 0) {
        size_t chain_len = s->s.peer_chain_len, at = len - chain_len; /* the chain comes last */
        clasp_session *back = clasp_session_from_bytes(bytes, len);
        CHECK(back != NULL);
        clasp_session_free(back);
        /* The leaf's length runs past the chain's end. */
        uint8_t saved = bytes[at];
        bytes[at] = 0xff;
        back = clasp_session_from_bytes(bytes, len);
        CHECK(back == NULL);
        clasp_session_free(back);
        bytes[at] = saved;
        /* A zero-length certificate. */
        uint8_t *empty = malloc(at - 3 + 3 + 3);
        memcpy(empty, bytes, at - 3);
        memcpy(empty + at - 3, "\x00\x00\x03\x00\x00\x00", 6);
        back = clasp_session_from_bytes(empty, at + 3);
        CHECK(back == NULL);
        clasp_session_free(back);
        free(empty);
        /* One certificate more than a handshake takes (CL_MAX_CHAIN). */
        size_t n = CL_MAX_CHAIN + 1, body = n * 4;
        uint8_t *many = malloc(at + body);
        memcpy(many, bytes, at - 3);
        many[at - 3] = 0, many[at - 2] = (uint8_t)(body >> 8), many[at - 1] = (uint8_t)body;
        for (size_t i = 0; i < n; i++)
            memcpy(many + at + 4 * i, "\x00\x00\x01\x30", 4);
        back = clasp_session_from_bytes(many, at + body);
        CHECK(back == NULL);
        clasp_session_free(back);
        /* CL_MAX_CHAIN of them still parse. */
        many[at - 1] = (uint8_t)(body - 4);
        back = clasp_session_from_bytes(many, at + body - 4);
        CHECK(back != NULL);
        clasp_session_free(back);
        free(many);
    }
    free(bytes);
    clasp_session_free(s);
    clasp_config_free(cc);
    clasp_config_free(sc);
}

/* Every wait names its reason: the peer's message the handshake waits for,
 * step by step, and in the sentences of a connection the peer ends early. */
#define CHECK_AWAITING(c, what) \
    CHECK(clasp_conn_awaiting(c) && strcmp(clasp_conn_awaiting(c), (what)) == 0)
static void test_awaiting(void)
{
    static const uint16_t versions[] = {CLASP_TLS1_3, CLASP_TLS1_2};
    for (size_t v = 0; v < 2; v++) {
        int tls13 = versions[v] == CLASP_TLS1_3;
        clasp_config *sc = server_config(pki_ecdsa), *cc = client_config(pki_ecdsa);
        CHECK(clasp_config_set_versions(cc, versions[v], versions[v]) == 0);
        clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
        CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
        CHECK(clasp_conn_awaiting(cli) == NULL);
        CHECK(clasp_conn_handshake(cli) == CLASP_WANT_READ);
        CHECK_AWAITING(cli, "ServerHello");
        CHECK(clasp_conn_handshake(srv) == CLASP_WANT_READ);
        CHECK_AWAITING(srv, "ClientHello");
        pump(cli, srv);
        CHECK(clasp_conn_handshake(srv) == CLASP_WANT_READ);
        CHECK_AWAITING(srv, tls13 ? "Finished" : "ClientKeyExchange");
        pump(srv, cli);
        if (tls13) {
            CHECK(clasp_conn_handshake(cli) == CLASP_OK);
            CHECK(clasp_conn_awaiting(cli) == NULL);
        } else {
            CHECK(clasp_conn_handshake(cli) == CLASP_WANT_READ);
            const char *w = clasp_conn_awaiting(cli);
            CHECK(w && (strcmp(w, "NewSessionTicket") == 0 || strcmp(w, "ChangeCipherSpec") == 0));
        }
        pump(cli, srv);
        CHECK(clasp_conn_handshake(srv) == CLASP_OK);
        CHECK(clasp_conn_awaiting(srv) == NULL);
        clasp_conn_free(cli);
        clasp_conn_free(srv);

        /* close_notify where the ServerHello should be. */
        static const uint8_t close_notify[] = {21, 3, 3, 0, 2, 1, 0};
        cli = clasp_conn_new(cc);
        CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
        CHECK(clasp_conn_handshake(cli) == CLASP_WANT_READ);
        size_t used = 0;
        clasp_conn_feed(cli, close_notify, sizeof close_notify, &used);
        CHECK(clasp_conn_handshake(cli) == CLASP_ERROR);
        CHECK(strstr(clasp_conn_error_text(cli),
                     "(close_notify) during the handshake, while we waited for its ServerHello") != NULL);
        CHECK(clasp_conn_awaiting(cli) == NULL);
        clasp_conn_free(cli);
        clasp_config_free(cc);
        clasp_config_free(sc);
    }
}

/* clasp_conn_close() before the handshake completed: the close_notify goes
 * out, and nothing of the handshake may follow it (it also covers a close
 * while a private-key operation is pending). */
static void test_close_mid_handshake(void)
{
    clasp_config *sc = server_config(pki_ecdsa), *cc = client_config(pki_ecdsa);
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    CHECK(clasp_conn_handshake(cli) == CLASP_WANT_READ);
    pump(cli, srv);
    CHECK(clasp_conn_handshake(srv) == CLASP_WANT_READ);
    pump(srv, cli);
    CHECK(clasp_conn_close(cli) == CLASP_OK);
    CHECK(clasp_conn_handshake(cli) == CLASP_ERROR);
    CHECK(strstr(clasp_conn_error_text(cli), "after clasp_conn_close()") != NULL);
    /* The server gets the close_notify (the client had not read the
     * ServerHello: in the clear), not a Finished. */
    pump(cli, srv);
    CHECK(clasp_conn_handshake(srv) == CLASP_ERROR);
    CHECK(!clasp_conn_handshake_done(srv));
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(cc);
    clasp_config_free(sc);
}

int main(void)
{
    make_pki(pki_ecdsa, "ecdsa");
    make_pki(pki_rsa, "rsa");
    make_pki(pki_ed25519, "ed25519");
    make_pki(pki_other, "ecdsa");
    test_suites_groups_keys();
    test_hrr_alpn_sni();
    test_new_groups();
    test_server_names();
    test_client_auth();
    test_key_update();
    test_record_limits();
    test_hostile_bytes();
    test_split_and_tamper();
    test_certificate_failures();
    test_resumption13();
    test_resumption_auth(CLASP_TLS1_3);
    test_ticket_nonces();
    test_session_chain_bytes();
    test_no_session_after_fatal_alert(CLASP_TLS1_3);
    test_transport_eof();
    test_ticket_secret_files();
    test_awaiting();
    test_close_mid_handshake();
    remove_pki(pki_ecdsa);
    remove_pki(pki_rsa);
    remove_pki(pki_ed25519);
    remove_pki(pki_other);
    return tu_finish("pair");
}
