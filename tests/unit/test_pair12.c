/* SPDX-License-Identifier: Apache-2.0 */
/* TLS 1.2 between a clasp client and server in memory: every suite with the
 * certificates it allows, client authentication, version negotiation and
 * the downgrade sentinel, EMS policy, renegotiation refused, and the
 * failures (tampered Finished, bad ServerKeyExchange signature, a wrong RSA
 * premaster that only shows at Finished), and DHE values shorter than p. */
#include <stdlib.h>
#include <string.h>

#include "handshake/hs.h"
#include "pairutil.h"
#include "testutil.h"

static clasp_conn *new_client(clasp_config *cc)
{
    clasp_conn *cli = clasp_conn_new(cc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    return cli;
}

static void test_suites(void)
{
    static const struct {
        const char *suite;
        const char *pki_kind;
        const char *group;
    } cases[] = {
        {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ecdsa", "x25519"},
        {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ecdsa", "x25519"},
        {"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ecdsa", "x25519"},
        {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ed25519", "x25519"},
        {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "rsa", "x25519"},
        {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "rsa", "x25519"},
        {"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "rsa", "x25519"},
        {"TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "rsa", "ffdhe2048"},
        {"TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "rsa", "ffdhe2048"},
        {"TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "rsa", "ffdhe2048"},
        {"TLS_RSA_WITH_AES_128_GCM_SHA256", "rsa", "rsa"},
        {"TLS_RSA_WITH_AES_256_GCM_SHA384", "rsa", "rsa"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *pki = !strcmp(cases[i].pki_kind, "rsa")       ? pki_rsa
                          : !strcmp(cases[i].pki_kind, "ed25519") ? pki_ed25519
                                                                  : pki_ecdsa;
        clasp_config *sc = server_config(pki), *cc = client_config(pki);
        CHECK(clasp_config_set_versions(cc, CLASP_TLS1_2, CLASP_TLS1_2) == 0);
        CHECK(clasp_config_set_ciphers(cc, cases[i].suite) == 0);
        clasp_conn *cli = new_client(cc), *srv = clasp_conn_new(sc);
        result r = run_handshake(cli, srv);
        if (r.client_rc != CLASP_OK || r.server_rc != CLASP_OK)
            fprintf(stderr, "%s: client: %s / server: %s\n", cases[i].suite,
                    clasp_conn_error_text(cli), clasp_conn_error_text(srv));
        CHECK(r.client_rc == CLASP_OK && r.server_rc == CLASP_OK);
        if (r.client_rc == CLASP_OK) {
            CHECK(!strcmp(clasp_conn_version_name(cli), "TLSv1.2"));
            CHECK(!strcmp(clasp_conn_cipher_name(cli), cases[i].suite));
            CHECK(!strcmp(clasp_conn_group_name(cli), cases[i].group));
            CHECK(!strcmp(clasp_conn_group_name(srv), cases[i].group));
            exchange(cli, srv, 40000);
        }
        clasp_conn_free(cli);
        clasp_conn_free(srv);
        clasp_config_free(cc);
        clasp_config_free(sc);
    }
}

/* trust: the groups clasp added, for TLS 1.2 ECDHE (x448, secp521r1) and
 * DHE (the larger RFC 7919 groups): the client lists only that group. */
static void test_groups12(void)
{
    /* An ECDSA P-256 certificate needs secp256r1 in the client's list
     * (RFC 8422 5.1): there the server keeps to the group under test. */
    static const struct {
        const char *suite, *groups, *server_groups, *want;
        int rsa;
    } cases[] = {
        {"ECDHE-ECDSA-AES128-GCM-SHA256", "x448:secp256r1", "x448", "x448", 0},
        {"ECDHE-ECDSA-AES128-GCM-SHA256", "secp521r1:secp256r1", "secp521r1", "secp521r1", 0},
        {"ECDHE-RSA-AES256-GCM-SHA384", "X448", NULL, "x448", 1},
        {"ECDHE-RSA-CHACHA20-POLY1305", "P-521", NULL, "secp521r1", 1},
        {"DHE-RSA-AES128-GCM-SHA256", "ffdhe3072", NULL, "ffdhe3072", 1},
        {"DHE-RSA-AES128-GCM-SHA256", "ffdhe4096", NULL, "ffdhe4096", 1},
        {"DHE-RSA-AES256-GCM-SHA384", "ffdhe6144", NULL, "ffdhe6144", 1},
        {"DHE-RSA-CHACHA20-POLY1305", "ffdhe8192", NULL, "ffdhe8192", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *pki = cases[i].rsa ? pki_rsa : pki_ecdsa;
        clasp_config *sc = server_config(pki), *cc = client_config(pki);
        CHECK(clasp_config_set_versions(cc, CLASP_TLS1_2, CLASP_TLS1_2) == 0);
        CHECK(clasp_config_set_ciphers(cc, cases[i].suite) == 0);
        CHECK(clasp_config_set_groups(cc, cases[i].groups) == 0);
        if (cases[i].server_groups)
            CHECK(clasp_config_set_groups(sc, cases[i].server_groups) == 0);
        clasp_conn *cli = new_client(cc), *srv = clasp_conn_new(sc);
        result r = run_handshake(cli, srv);
        if (r.client_rc != CLASP_OK || r.server_rc != CLASP_OK)
            fprintf(stderr, "%s %s: client: %s / server: %s\n", cases[i].suite, cases[i].groups,
                    clasp_conn_error_text(cli), clasp_conn_error_text(srv));
        CHECK(r.client_rc == CLASP_OK && r.server_rc == CLASP_OK);
        if (r.client_rc == CLASP_OK) {
            CHECK(!strcmp(clasp_conn_version_name(cli), "TLSv1.2"));
            CHECK(!strcmp(clasp_conn_group_name(cli), cases[i].want));
            CHECK(!strcmp(clasp_conn_group_name(srv), cases[i].want));
            exchange(cli, srv, 1000);
        }
        clasp_conn_free(cli);
        clasp_conn_free(srv);
        clasp_config_free(cc);
        clasp_config_free(sc);
    }
}

static void test_client_auth12(void)
{
    for (int with_cert = 0; with_cert < 2; with_cert++) {
        clasp_config *sc = server_config(pki_rsa), *cc = client_config(pki_rsa);
        char ca[512], cert[512], key[512];
        path_in(ca, sizeof ca, pki_ecdsa, "ca.pem");
        CHECK(clasp_config_load_ca_file(sc, ca) == 0);
        CHECK(clasp_config_set_client_auth(sc, CLASP_CLIENT_AUTH_REQUIRED) == 0);
        CHECK(clasp_config_set_versions(sc, CLASP_TLS1_2, CLASP_TLS1_2) == 0);
        if (with_cert) {
            path_in(cert, sizeof cert, pki_ecdsa, "client.pem");
            path_in(key, sizeof key, pki_ecdsa, "client-key.pem");
            CHECK(clasp_config_load_cert_chain(cc, cert, key) == 0);
        }
        clasp_conn *cli = new_client(cc), *srv = clasp_conn_new(sc);
        result r = run_handshake(cli, srv);
        if (with_cert) {
            CHECK(r.client_rc == CLASP_OK && r.server_rc == CLASP_OK);
            size_t len;
            CHECK(clasp_conn_peer_cert(srv, 0, &len) != NULL);
            CHECK(!strcmp(clasp_conn_version_name(srv), "TLSv1.2"));
            exchange(cli, srv, 100);
        } else {
            CHECK(r.server_rc == CLASP_ERROR);
            CHECK(clasp_conn_alert_sent(srv) == 40); /* handshake_failure in TLS 1.2 */
            CHECK(strstr(clasp_conn_error_text(srv), "requires one") != NULL);
        }
        clasp_conn_free(cli);
        clasp_conn_free(srv);
        clasp_config_free(cc);
        clasp_config_free(sc);
    }
}

/* Finds handshake message `type` in a plaintext flight; returns its offset. */
static size_t find_message(const uint8_t *flight, size_t n, uint8_t type)
{
    size_t off = 0;
    while (off + 5 <= n) {
        size_t rec = (size_t)flight[off + 3] << 8 | flight[off + 4];
        size_t p = off + 5;
        while (flight[off] == 22 && p + 4 <= off + 5 + rec) {
            size_t len = (size_t)flight[p + 1] << 16 | (size_t)flight[p + 2] << 8 | flight[p + 3];
            if (flight[p] == type)
                return p;
            p += 4 + len;
        }
        off += 5 + rec;
    }
    return 0;
}

static void test_versions_and_downgrade(void)
{
    /* A 1.2+1.3 client and a 1.2-only server settle on 1.2. */
    clasp_config *sc = server_config(pki_ecdsa), *cc = client_config(pki_ecdsa);
    CHECK(clasp_config_set_versions(sc, CLASP_TLS1_2, CLASP_TLS1_2) == 0);
    clasp_conn *cli = new_client(cc), *srv = clasp_conn_new(sc);
    result r = run_handshake(cli, srv);
    CHECK(r.client_rc == CLASP_OK && r.server_rc == CLASP_OK);
    CHECK(clasp_conn_version(cli) == CLASP_TLS1_2);
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(sc);

    /* A 1.3-only client and a 1.2-only server: protocol_version. */
    sc = server_config(pki_ecdsa);
    CHECK(clasp_config_set_versions(sc, CLASP_TLS1_2, CLASP_TLS1_2) == 0);
    clasp_config *cc13 = client_config(pki_ecdsa);
    CHECK(clasp_config_set_versions(cc13, CLASP_TLS1_3, CLASP_TLS1_3) == 0);
    cli = new_client(cc13);
    srv = clasp_conn_new(sc);
    r = run_handshake(cli, srv);
    CHECK(r.server_rc == CLASP_ERROR && r.client_rc == CLASP_ERROR);
    CHECK(clasp_conn_alert_sent(srv) == 70);
    CHECK(strstr(clasp_conn_error_text(srv), "TLS 1.2 only") != NULL);
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(sc);
    clasp_config_free(cc13);

    /* An attacker hides our TLS 1.3 offer (supported_versions renamed);
     * the 1.3-capable server answers 1.2 with the sentinel, and the client
     * catches it. */
    sc = server_config(pki_ecdsa);
    cli = new_client(cc);
    srv = clasp_conn_new(sc);
    CHECK(clasp_conn_handshake(cli) == CLASP_WANT_READ);
    const uint8_t *out;
    size_t n = clasp_conn_output(cli, &out);
    uint8_t *hello = malloc(n);
    memcpy(hello, out, n);
    clasp_conn_output_done(cli, n);
    int renamed = 0;
    for (size_t i = 5 + 4 + 2 + 32; i + 3 < n; i++) {
        /* supported_versions with body 05 04 03 04 03 03 */
        if (hello[i] == 0 && hello[i + 1] == 0x2b && hello[i + 2] == 0 && hello[i + 3] == 5) {
            hello[i] = 0xfa, hello[i + 1] = 0xfa;
            renamed = 1;
            break;
        }
    }
    CHECK(renamed);
    size_t used;
    CHECK(clasp_conn_feed(srv, hello, n, &used) == CLASP_OK);
    free(hello);
    CHECK(clasp_conn_handshake(srv) == CLASP_WANT_READ);
    CHECK(clasp_conn_version(srv) == CLASP_TLS1_2);
    pump(srv, cli);
    CHECK(clasp_conn_handshake(cli) == CLASP_ERROR);
    CHECK(clasp_conn_alert_sent(cli) == 47);
    CHECK(strstr(clasp_conn_error_text(cli), "downgrade") != NULL);
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(sc);
    clasp_config_free(cc);
}

static void test_ems_policy(void)
{
    /* Both sides negotiate EMS by default; requiring it then succeeds. */
    clasp_config *sc = server_config(pki_ecdsa), *cc = client_config(pki_ecdsa);
    CHECK(clasp_config_set_versions(cc, CLASP_TLS1_2, CLASP_TLS1_2) == 0);
    clasp_config_set_require_ems(sc, 1);
    clasp_config_set_require_ems(cc, 1);
    clasp_conn *cli = new_client(cc), *srv = clasp_conn_new(sc);
    result r = run_handshake(cli, srv);
    CHECK(r.client_rc == CLASP_OK && r.server_rc == CLASP_OK);
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(cc);
    clasp_config_free(sc);
}

static void test_renegotiation_refused(void)
{
    clasp_config *sc = server_config(pki_ecdsa), *cc = client_config(pki_ecdsa);
    CHECK(clasp_config_set_versions(cc, CLASP_TLS1_2, CLASP_TLS1_2) == 0);
    clasp_conn *cli = new_client(cc), *srv = clasp_conn_new(sc);
    result r = run_handshake(cli, srv);
    CHECK(r.client_rc == CLASP_OK && r.server_rc == CLASP_OK);
    /* The server asks to renegotiate (HelloRequest): the client answers
     * no_renegotiation as a warning and the connection goes on. */
    static const uint8_t hello_request[4] = {0, 0, 0, 0};
    CHECK(cl_send_record(srv, CL_CT_HANDSHAKE, hello_request, 4) == 0);
    exchange(cli, srv, 500);
    CHECK(srv->alert_recv == -1); /* a warning is not recorded as fatal */
    CHECK(!clasp_conn_error(cli) && !clasp_conn_error(srv));
    /* The client starts a renegotiation (a ClientHello): refused too. */
    static const uint8_t fake_hello[8] = {1, 0, 0, 4, 3, 3, 0, 0};
    CHECK(cl_send_record(cli, CL_CT_HANDSHAKE, fake_hello, 8) == 0);
    exchange(cli, srv, 500);
    CHECK(!clasp_conn_error(cli) && !clasp_conn_error(srv));
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(cc);
    clasp_config_free(sc);
}

static void test_tampering(void)
{
    /* A tampered Finished (the client's verify_data is wrong). */
    for (int v = 0; v < 2; v++) {
        clasp_config *sc = server_config(pki_ecdsa), *cc = client_config(pki_ecdsa);
        uint16_t version = v ? CLASP_TLS1_3 : CLASP_TLS1_2;
        CHECK(clasp_config_set_versions(cc, version, version) == 0);
        clasp_conn *cli = new_client(cc), *srv = clasp_conn_new(sc);
        cli->test = calloc(1, sizeof *cli->test);
        cli->test->corrupt_finished = 1;
        result r = run_handshake(cli, srv);
        CHECK(r.server_rc == CLASP_ERROR);
        CHECK(clasp_conn_alert_sent(srv) == 51);
        CHECK(strstr(clasp_conn_error_text(srv), "Finished does not match") != NULL);
        clasp_conn_free(cli);
        clasp_conn_free(srv);
        clasp_config_free(cc);
        clasp_config_free(sc);
    }

    /* A ServerKeyExchange whose signature was altered. */
    clasp_config *sc = server_config(pki_rsa), *cc = client_config(pki_rsa);
    CHECK(clasp_config_set_versions(cc, CLASP_TLS1_2, CLASP_TLS1_2) == 0);
    CHECK(clasp_config_set_ciphers(cc, "ECDHE-RSA-AES128-GCM-SHA256") == 0);
    clasp_conn *cli = new_client(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_handshake(cli) == CLASP_WANT_READ);
    pump(cli, srv);
    CHECK(clasp_conn_handshake(srv) == CLASP_WANT_READ);
    const uint8_t *out;
    size_t n = clasp_conn_output(srv, &out);
    uint8_t *flight = malloc(n);
    memcpy(flight, out, n);
    clasp_conn_output_done(srv, n);
    size_t ske = find_message(flight, n, 12);
    CHECK(ske != 0);
    size_t ske_len = (size_t)flight[ske + 1] << 16 | (size_t)flight[ske + 2] << 8 | flight[ske + 3];
    flight[ske + 4 + ske_len - 1] ^= 0x40; /* last byte of the signature */
    size_t used;
    CHECK(clasp_conn_feed(cli, flight, n, &used) == CLASP_OK);
    free(flight);
    CHECK(clasp_conn_handshake(cli) == CLASP_ERROR);
    CHECK(clasp_conn_alert_sent(cli) == 51);
    CHECK(strstr(clasp_conn_error_text(cli), "ServerKeyExchange signature") != NULL);
    clasp_conn_free(cli);
    clasp_conn_free(srv);

    /* RSA key exchange with a corrupted premaster: the server carries on
     * exactly as with a good one (no alert, same state) and the failure
     * shows only when the client's Finished cannot be opened. */
    clasp_config_free(cc);
    cc = client_config(pki_rsa);
    CHECK(clasp_config_set_versions(cc, CLASP_TLS1_2, CLASP_TLS1_2) == 0);
    CHECK(clasp_config_set_ciphers(cc, "AES128-GCM-SHA256") == 0);
    for (int corrupt = 0; corrupt < 2; corrupt++) {
        cli = new_client(cc);
        srv = clasp_conn_new(sc);
        CHECK(clasp_conn_handshake(cli) == CLASP_WANT_READ);
        pump(cli, srv);
        CHECK(clasp_conn_handshake(srv) == CLASP_WANT_READ);
        pump(srv, cli);
        CHECK(clasp_conn_handshake(cli) == CLASP_WANT_READ);
        n = clasp_conn_output(cli, &out);
        flight = malloc(n);
        memcpy(flight, out, n);
        clasp_conn_output_done(cli, n);
        size_t cke = find_message(flight, n, 16);
        CHECK(cke != 0);
        if (corrupt)
            flight[cke + 4 + 2 + 10] ^= 0x01;
        /* Feed up to the end of the ClientKeyExchange record only. */
        size_t first_record = 5 + ((size_t)flight[3] << 8 | flight[4]);
        CHECK(clasp_conn_feed(srv, flight, first_record, &used) == CLASP_OK);
        CHECK(clasp_conn_handshake(srv) == CLASP_WANT_READ);
        CHECK(srv->state == 33 /* CL_ST_S12_WAIT_CCS */);
        CHECK(clasp_conn_alert_sent(srv) == -1);
        CHECK(clasp_conn_feed(srv, flight + first_record, n - first_record, &used) == CLASP_OK);
        int rc = clasp_conn_handshake(srv);
        if (corrupt) {
            CHECK(rc == CLASP_ERROR);
            CHECK(clasp_conn_alert_sent(srv) == 20);
        } else {
            CHECK(rc == CLASP_OK);
        }
        free(flight);
        clasp_conn_free(cli);
        clasp_conn_free(srv);
    }
    clasp_config_free(cc);
    clasp_config_free(sc);
}

static int resume12(clasp_config *cc, clasp_config *sc, const clasp_session *s)
{
    clasp_conn *cli = new_client(cc), *srv = clasp_conn_new(sc);
    if (s)
        CHECK(clasp_conn_set_session(cli, s) == 0);
    result r = run_handshake(cli, srv);
    CHECK(r.client_rc == CLASP_OK && r.server_rc == CLASP_OK);
    int resumed = clasp_conn_resumed(cli);
    CHECK(resumed == clasp_conn_resumed(srv));
    exchange(cli, srv, 100);
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    return resumed;
}

static clasp_session *full12(clasp_config *cc, clasp_config *sc)
{
    clasp_conn *cli = new_client(cc), *srv = clasp_conn_new(sc);
    result r = run_handshake(cli, srv);
    CHECK(r.client_rc == CLASP_OK && r.server_rc == CLASP_OK);
    clasp_session *s = clasp_conn_get_session(cli);
    CHECK(s != NULL);
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    return s;
}

static void test_resumption12(void)
{
    clasp_config *sc = server_config(pki_ecdsa), *cc = client_config(pki_ecdsa);
    CHECK(clasp_config_set_versions(cc, CLASP_TLS1_2, CLASP_TLS1_2) == 0);
    /* With a ticket (the default), and again with the renewed session. */
    clasp_session *s = full12(cc, sc);
    CHECK(s && s->s.ticket_len > 0);
    CHECK(resume12(cc, sc, s) == 1);
    /* By session id alone (the server's cache): drop the ticket. */
    clasp_session *by_id = clasp_session_from_bytes((const uint8_t *)"", 0);
    CHECK(by_id == NULL);
    free(s->s.ticket);
    s->s.ticket = NULL;
    s->s.ticket_len = 0;
    CHECK(s->s.session_id_len == 32);
    CHECK(resume12(cc, sc, s) == 1);
    clasp_session_free(s);
    /* A tampered ticket: full handshake, no error. */
    s = full12(cc, sc);
    s->s.ticket[10] ^= 1;
    s->s.session_id_len = 0; /* so the cache cannot rescue it */
    CHECK(resume12(cc, sc, s) == 0);
    clasp_session_free(s);
    /* A ticket sealed under a key that rotated out two periods ago. */
    s = full12(cc, sc);
    s->s.session_id_len = 0;
    sc->test_time_offset = 3 * 7200;
    CHECK(resume12(cc, sc, s) == 0);
    sc->test_time_offset = 0;
    clasp_session_free(s);
    clasp_config_free(cc);
    clasp_config_free(sc);
}


/* ------------------------------------- resumption: EMS, server name, alerts */

/* The extensions block of the hello message that starts plaintext record
 * rec: its offset in rec, and its length. */
static size_t hello_extensions(const uint8_t *rec, size_t *len)
{
    const uint8_t *m = rec + 5;
    size_t off = 4 + 2 + 32;
    off += 1 + m[off]; /* session id */
    if (m[0] == CL_HS_CLIENT_HELLO) {
        off += 2 + ((size_t)m[off] << 8 | m[off + 1]); /* suites */
        off += 1 + m[off];                              /* compression */
    } else {
        off += 2 + 1; /* suite, compression */
    }
    *len = (size_t)m[off] << 8 | m[off + 1];
    return 5 + off + 2;
}

static int has_extension(const uint8_t *rec, uint16_t type)
{
    size_t len, at = hello_extensions(rec, &len);
    for (size_t off = at; off + 4 <= at + len;) {
        if (((uint16_t)(rec[off] << 8 | rec[off + 1])) == type)
            return 1;
        off += 4 + ((size_t)rec[off + 2] << 8 | rec[off + 3]);
    }
    return 0;
}

static void put_be(uint8_t *p, size_t width, size_t v)
{
    for (size_t i = 0; i < width; i++)
        p[i] = (uint8_t)(v >> (8 * (width - 1 - i)));
}

/* Removes extension `type` from the hello at the start of the n bytes at
 * rec (a plaintext record, maybe followed by more), fixing the lengths.
 * Returns the new length, or 0 if the extension is not there. */
static size_t strip_extension(uint8_t *rec, size_t n, uint16_t type)
{
    size_t len, at = hello_extensions(rec, &len);
    for (size_t off = at; off + 4 <= at + len;) {
        size_t cut = 4 + ((size_t)rec[off + 2] << 8 | rec[off + 3]);
        if (((uint16_t)(rec[off] << 8 | rec[off + 1])) == type) {
            memmove(rec + off, rec + off + cut, n - off - cut);
            put_be(rec + at - 2, 2, len - cut);
            put_be(rec + 6, 3, ((size_t)rec[6] << 16 | (size_t)rec[7] << 8 | rec[8]) - cut);
            put_be(rec + 3, 2, ((size_t)rec[3] << 8 | rec[4]) - cut);
            return n - cut;
        }
        off += cut;
    }
    return 0;
}

/* What `from` wants to send, copied out (and taken from it). */
static uint8_t *take_output(clasp_conn *from, size_t *n)
{
    const uint8_t *out;
    *n = clasp_conn_output(from, &out);
    uint8_t *copy = malloc(*n + 1);
    memcpy(copy, out, *n);
    clasp_conn_output_done(from, *n);
    return copy;
}

static void test_resumption_ems(void)
{
    clasp_config *sc = server_config(pki_ecdsa), *cc = client_config(pki_ecdsa);
    CHECK(clasp_config_set_versions(cc, CLASP_TLS1_2, CLASP_TLS1_2) == 0);
    clasp_session *s = full12(cc, sc);

    /* Server (RFC 7627 5.3): the session used EMS, the new ClientHello
     * lacks it: abort with handshake_failure, by ticket and by session id. */
    for (int by_ticket = 1; by_ticket >= 0 && s; by_ticket--) {
        uint8_t *b;
        size_t n;
        CHECK(clasp_session_to_bytes(s, &b, &n) == 0);
        clasp_session *offer = clasp_session_from_bytes(b, n);
        free(b);
        if (!by_ticket) {
            free(offer->s.ticket);
            offer->s.ticket = NULL;
            offer->s.ticket_len = 0;
        }
        clasp_conn *cli = new_client(cc), *srv = clasp_conn_new(sc);
        CHECK(clasp_conn_set_session(cli, offer) == 0);
        CHECK(clasp_conn_handshake(cli) == CLASP_WANT_READ);
        uint8_t *hello = take_output(cli, &n);
        n = strip_extension(hello, n, CL_EXT_EXTENDED_MASTER_SECRET);
        CHECK(n != 0);
        size_t used;
        CHECK(clasp_conn_feed(srv, hello, n, &used) == CLASP_OK);
        free(hello);
        CHECK(clasp_conn_handshake(srv) == CLASP_ERROR);
        CHECK(clasp_conn_alert_sent(srv) == CL_ALERT_HANDSHAKE_FAILURE);
        CHECK(strstr(clasp_conn_error_text(srv), "extended master secret") != NULL);
        CHECK(!clasp_conn_resumed(srv));
        clasp_conn_free(cli);
        clasp_conn_free(srv);
        clasp_session_free(offer);
    }

    /* Server: a session without EMS is never resumed, even when the
     * ClientHello has none either; and without EMS no session is made (no
     * session id, no ticket). The session is sealed here as an older server
     * could have; the client offers it as if it had EMS. */
    clasp_config *insecure = client_config(pki_ecdsa);
    CHECK(clasp_config_set_versions(insecure, CLASP_TLS1_2, CLASP_TLS1_2) == 0);
    clasp_config_set_verify_peer(insecure, 0);
    cl_session legacy;
    memset(&legacy, 0, sizeof legacy);
    legacy.version = CLASP_TLS1_2;
    legacy.suite = 0xc02b; /* ECDHE-ECDSA-AES128-GCM-SHA256 */
    legacy.secret_len = 48;
    memset(legacy.secret, 0x5a, 48);
    snprintf(legacy.server_name, sizeof legacy.server_name, "localhost");
    cl_buf ticket;
    cl_buf_init(&ticket, 0);
    CHECK(cl_ticket_seal(sc, &legacy, &ticket) == 0);
    clasp_session *no_ems = calloc(1, sizeof *no_ems);
    no_ems->s = legacy;
    no_ems->s.ems = 1; /* so that the client offers it */
    no_ems->s.lifetime = 7200;
    no_ems->s.received_ms = 0;
    no_ems->s.ticket = malloc(ticket.len);
    memcpy(no_ems->s.ticket, ticket.data, ticket.len);
    no_ems->s.ticket_len = ticket.len;
    cl_buf_free(&ticket);
    for (int strip = 1; strip >= 0; strip--) {
        clasp_conn *cli = new_client(insecure), *srv = clasp_conn_new(sc);
        CHECK(clasp_conn_set_session(cli, no_ems) == 0);
        CHECK(clasp_conn_handshake(cli) == CLASP_WANT_READ);
        size_t n, used;
        uint8_t *hello = take_output(cli, &n);
        if (strip)
            n = strip_extension(hello, n, CL_EXT_EXTENDED_MASTER_SECRET);
        CHECK(n != 0);
        CHECK(clasp_conn_feed(srv, hello, n, &used) == CLASP_OK);
        free(hello);
        CHECK(clasp_conn_handshake(srv) == CLASP_WANT_READ); /* a full handshake */
        CHECK(!clasp_conn_resumed(srv));
        if (strip && srv->hs)
            CHECK(srv->hs->session_id_len == 0 && !srv->hs->issue_ticket12);
        clasp_conn_free(cli);
        clasp_conn_free(srv);
    }
    clasp_session_free(no_ems);
    clasp_config_free(insecure);

    /* Client: it never offers a session without EMS (RFC 7627 5.3)... */
    if (s) {
        clasp_session *copy = calloc(1, sizeof *copy);
        CHECK(cl_session_copy(&copy->s, &s->s) == 0);
        copy->s.ems = 0;
        clasp_conn *cli = new_client(cc), *srv = clasp_conn_new(sc);
        CHECK(clasp_conn_set_session(cli, copy) == 0);
        result r = run_handshake(cli, srv);
        CHECK(r.client_rc == CLASP_OK && r.server_rc == CLASP_OK);
        CHECK(!clasp_conn_resumed(cli) && !clasp_conn_resumed(srv));
        clasp_conn_free(cli);
        clasp_conn_free(srv);
        clasp_session_free(copy);
    }
    /* ...and aborts when a server resumes its EMS session without EMS. */
    if (s) {
        clasp_conn *cli = new_client(cc), *srv = clasp_conn_new(sc);
        CHECK(clasp_conn_set_session(cli, s) == 0);
        CHECK(clasp_conn_handshake(cli) == CLASP_WANT_READ);
        pump(cli, srv);
        CHECK(clasp_conn_handshake(srv) == CLASP_WANT_READ);
        CHECK(clasp_conn_resumed(srv));
        size_t n, used;
        uint8_t *flight = take_output(srv, &n);
        n = strip_extension(flight, n, CL_EXT_EXTENDED_MASTER_SECRET);
        CHECK(n != 0);
        CHECK(clasp_conn_feed(cli, flight, n, &used) == CLASP_OK);
        free(flight);
        CHECK(clasp_conn_handshake(cli) == CLASP_ERROR);
        CHECK(clasp_conn_alert_sent(cli) == CL_ALERT_HANDSHAKE_FAILURE);
        CHECK(strstr(clasp_conn_error_text(cli), "extended master secret") != NULL);
        clasp_conn_free(cli);
        clasp_conn_free(srv);
    }
    clasp_session_free(s);
    clasp_config_free(cc);
    clasp_config_free(sc);
}

/* RFC 6066 3: a resumed ServerHello carries no server_name (a full one
 * acknowledges it). */
static void test_resumption_sni_ack(void)
{
    clasp_config *sc = server_config(pki_ecdsa), *cc = client_config(pki_ecdsa);
    CHECK(clasp_config_set_versions(cc, CLASP_TLS1_2, CLASP_TLS1_2) == 0);
    clasp_session *s = full12(cc, sc);
    for (int resume = 0; resume < 2 && s; resume++) {
        clasp_conn *cli = new_client(cc), *srv = clasp_conn_new(sc);
        if (resume)
            CHECK(clasp_conn_set_session(cli, s) == 0);
        CHECK(clasp_conn_handshake(cli) == CLASP_WANT_READ);
        pump(cli, srv);
        CHECK(clasp_conn_handshake(srv) == CLASP_WANT_READ);
        CHECK(clasp_conn_resumed(srv) == resume);
        size_t n;
        uint8_t *flight = take_output(srv, &n);
        CHECK(flight[0] == 22 && flight[5] == CL_HS_SERVER_HELLO);
        CHECK(has_extension(flight, CL_EXT_SERVER_NAME) == !resume);
        free(flight);
        clasp_conn_free(cli);
        clasp_conn_free(srv);
    }
    clasp_session_free(s);
    clasp_config_free(cc);
    clasp_config_free(sc);
}

/* A server forgets the cached session of a connection that ended with a
 * fatal alert (RFC 5246 7.2.2): resuming it by session id then is a full
 * handshake. */
static void test_cache_forgets_failed_sessions(void)
{
    clasp_config *sc = server_config(pki_ecdsa), *cc = client_config(pki_ecdsa);
    CHECK(clasp_config_set_versions(cc, CLASP_TLS1_2, CLASP_TLS1_2) == 0);
    for (int fail = 0; fail < 2; fail++) {
        clasp_conn *cli = new_client(cc), *srv = clasp_conn_new(sc);
        result r = run_handshake(cli, srv);
        CHECK(r.client_rc == CLASP_OK && r.server_rc == CLASP_OK);
        clasp_session *s = clasp_conn_get_session(cli);
        CHECK(s && s->s.session_id_len == 32);
        if (fail) {
            /* The client's record is altered: the server sends bad_record_mac. */
            CHECK(clasp_conn_write(cli, (const uint8_t *)"data", 4) == 4);
            size_t n, used;
            uint8_t *rec = take_output(cli, &n);
            rec[n - 1] ^= 1;
            CHECK(clasp_conn_feed(srv, rec, n, &used) == CLASP_OK);
            free(rec);
            uint8_t b[16];
            CHECK(clasp_conn_read(srv, b, sizeof b) == CLASP_ERROR);
            CHECK(clasp_conn_alert_sent(srv) == CL_ALERT_BAD_RECORD_MAC);
        }
        clasp_conn_free(cli);
        clasp_conn_free(srv);
        if (s) {
            free(s->s.ticket); /* by session id only */
            s->s.ticket = NULL;
            s->s.ticket_len = 0;
            CHECK(resume12(cc, sc, s) == !fail);
        }
        clasp_session_free(s);
    }
    clasp_config_free(cc);
    clasp_config_free(sc);
}

/* ---- TLS 1.2 DHE values shorter than p (RFC 5246 7.4.3, 7.4.7.2, 8.1.2) ---- */

/* An ffdhe2048 private key of two bytes, counting up from *x, whose public
 * value (peer NULL) or whose shared secret with peer has exactly one leading
 * zero byte; pub and z receive them. */
static void find_dh_key(uint16_t *x, const uint8_t *peer, size_t peer_len, uint8_t *pub,
                        uint8_t *z)
{
    for (; *x < 0xffff; (*x)++) {
        uint8_t priv[2] = {(uint8_t)(*x >> 8), (uint8_t)*x};
        cr_kx *k = NULL;
        size_t pub_len = CR_MAX_KX_PUB, z_len = CR_MAX_KX_SECRET;
        CHECK(cr_kx_from_private(CR_GROUP_FFDHE2048, priv, 2, &k, pub, &pub_len) == 0);
        CHECK(pub_len == 256);
        if (peer)
            CHECK(cr_kx_derive(k, peer, peer_len, z, &z_len) == 0 && z_len == 256);
        cr_kx_free(k);
        const uint8_t *v = peer ? z : pub;
        if (v[0] == 0 && v[1] != 0)
            return;
    }
    CHECK(!"no ffdhe2048 key with a leading zero byte");
}

typedef struct {
    uint8_t pms[CR_MAX_KX_SECRET];
    size_t pms_len;
} pms_seen;

static void on_secret(void *arg, const char *label, const uint8_t *secret, size_t len)
{
    pms_seen *seen = arg;
    if (strcmp(label, "PREMASTER") == 0 && len <= sizeof seen->pms) {
        memcpy(seen->pms, secret, len);
        seen->pms_len = len;
    }
}

static size_t be16(const uint8_t *p) { return (size_t)p[0] << 8 | p[1]; }

/* run_handshake, noting the length of dh_Ys and dh_Yc on the wire. */
static result handshake_dhe(clasp_conn *cli, clasp_conn *srv, size_t *ys_len, size_t *yc_len)
{
    result r = {CLASP_WANT_READ, CLASP_WANT_READ};
    const uint8_t *out;
    size_t n, at;
    for (int i = 0; i < 20; i++) {
        if (r.client_rc == CLASP_WANT_READ)
            r.client_rc = clasp_conn_handshake(cli);
        n = clasp_conn_output(cli, &out);
        /* Only the first match counts: a later flight's encrypted handshake
         * record (content type 22 too) can look like one by chance. */
        if (!*yc_len && n && (at = find_message(out, n, 16)) != 0) /* ClientKeyExchange */
            *yc_len = be16(out + at + 4);
        pump(cli, srv);
        if (r.server_rc == CLASP_WANT_READ)
            r.server_rc = clasp_conn_handshake(srv);
        n = clasp_conn_output(srv, &out);
        if (!*ys_len && n && (at = find_message(out, n, 12)) != 0) { /* ServerKeyExchange: p, g, Ys */
            size_t q = at + 4;
            q += 2 + be16(out + q);
            q += 2 + be16(out + q);
            *ys_len = be16(out + q);
        }
        pump(srv, cli);
        if (r.client_rc != CLASP_WANT_READ && r.server_rc != CLASP_WANT_READ)
            break;
    }
    return r;
}

static void test_dhe_short_values(void)
{
    uint8_t ys[CR_MAX_KX_PUB], yc[CR_MAX_KX_PUB], z[CR_MAX_KX_SECRET];
    uint16_t xs = 0x1000, xc = 0x1000;
    find_dh_key(&xs, NULL, 0, ys, z); /* the server's Ys starts with a zero byte */
    find_dh_key(&xc, NULL, 0, yc, z); /* the client's Yc too */
    uint16_t xz = 0x1000;             /* a client key whose Z with that Ys does */
    uint8_t pub[CR_MAX_KX_PUB];
    find_dh_key(&xz, ys, 256, pub, z);
    /* 0: the server sends Ys without its zero byte, as GnuTLS does;
     * 1: the client sends Yc so; 2: both padded, Z has a leading zero, and
     * the premaster on both sides is Z without it. */
    for (int mode = 0; mode < 3; mode++) {
        clasp_config *sc = server_config(pki_rsa), *cc = client_config(pki_rsa);
        CHECK(clasp_config_set_versions(cc, CLASP_TLS1_2, CLASP_TLS1_2) == 0);
        CHECK(clasp_config_set_ciphers(cc, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256") == 0);
        clasp_conn *cli = new_client(cc), *srv = clasp_conn_new(sc);
        cli->test = calloc(1, sizeof *cli->test);
        srv->test = calloc(1, sizeof *srv->test);
        pms_seen cli_pms = {{0}, 0}, srv_pms = {{0}, 0};
        cli->test->secret_cb = on_secret;
        cli->test->secret_arg = &cli_pms;
        srv->test->secret_cb = on_secret;
        srv->test->secret_arg = &srv_pms;
        uint16_t xcli = mode == 1 ? xc : xz;
        uint8_t kx_s[2] = {(uint8_t)(xs >> 8), (uint8_t)xs}, kx_c[2] = {(uint8_t)(xcli >> 8), (uint8_t)xcli};
        memcpy(srv->test->kx_private, kx_s, 2);
        srv->test->kx_private_len = 2;
        memcpy(cli->test->kx_private, kx_c, 2);
        cli->test->kx_private_len = 2;
        srv->test->unpadded_dh_share = mode == 0;
        cli->test->unpadded_dh_share = mode == 1;
        size_t ys_len = 0, yc_len = 0;
        result r = handshake_dhe(cli, srv, &ys_len, &yc_len);
        if (r.client_rc != CLASP_OK || r.server_rc != CLASP_OK)
            fprintf(stderr, "DHE mode %d: client: %s / server: %s\n", mode,
                    clasp_conn_error_text(cli), clasp_conn_error_text(srv));
        int ok = r.client_rc == CLASP_OK && r.server_rc == CLASP_OK;
        CHECK(ok);
        CHECK(ys_len == (mode == 0 ? 255u : 256u));
        if (ok) {
            CHECK(yc_len == (mode == 1 ? 255u : 256u));
            CHECK(!strcmp(clasp_conn_group_name(cli), "ffdhe2048"));
            CHECK(cli_pms.pms_len == srv_pms.pms_len && cli_pms.pms_len > 0 &&
                  !memcmp(cli_pms.pms, srv_pms.pms, cli_pms.pms_len));
            if (mode == 2) /* RFC 5246 8.1.2: leading zero bytes of Z are stripped */
                CHECK(cli_pms.pms_len == 255 && !memcmp(cli_pms.pms, z + 1, 255));
            exchange(cli, srv, 1000);
        }
        clasp_conn_free(cli);
        clasp_conn_free(srv);
        clasp_config_free(cc);
        clasp_config_free(sc);
    }
}

int main(void)
{
    make_pki(pki_ecdsa, "ecdsa");
    make_pki(pki_rsa, "rsa");
    make_pki(pki_ed25519, "ed25519");
    make_pki(pki_other, "ecdsa");
    test_suites();
    test_groups12();
    test_client_auth12();
    test_versions_and_downgrade();
    test_ems_policy();
    test_renegotiation_refused();
    test_tampering();
    test_resumption12();
    test_resumption_auth(CLASP_TLS1_2);
    test_resumption_ems();
    test_resumption_sni_ack();
    test_cache_forgets_failed_sessions();
    test_no_session_after_fatal_alert(CLASP_TLS1_2);
    test_dhe_short_values();
    remove_pki(pki_ecdsa);
    remove_pki(pki_rsa);
    remove_pki(pki_ed25519);
    remove_pki(pki_other);
    return tu_finish("pair12");
}
