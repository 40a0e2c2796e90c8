/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the in-memory pair tests: test PKIs, configs, and moving bytes
 * between a client and a server. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pairutil.h"
#include "crypto/testpki.h"
#include "testutil.h"

char pki_ecdsa[256], pki_rsa[256], pki_ed25519[256], pki_other[256];

void make_pki(char *dir, const char *type)
{
    strcpy(dir, "/tmp/clasp-pair-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    char err[256];
    int rc = cl_testpki_make(dir, type, err, sizeof err);
    if (rc)
        fprintf(stderr, "make_test_pki(%s): %s\n", type, err);
    CHECK(rc == 0);
}

void remove_pki(const char *dir)
{
    static const char *files[] = {"ca.pem", "cert.pem", "key.pem", "client.pem", "client-key.pem"};
    char path[512];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}

void path_in(char *out, size_t len, const char *dir, const char *file)
{
    snprintf(out, len, "%s/%s", dir, file);
}

clasp_config *server_config(const char *pki)
{
    char cert[512], key[512];
    path_in(cert, sizeof cert, pki, "cert.pem");
    path_in(key, sizeof key, pki, "key.pem");
    clasp_config *cfg = clasp_config_new(CLASP_SERVER);
    int rc = clasp_config_load_cert_chain(cfg, cert, key);
    if (rc)
        fprintf(stderr, "%s\n", clasp_config_error(cfg));
    CHECK(rc == 0);
    return cfg;
}

clasp_config *client_config(const char *ca_pki)
{
    char ca[512];
    path_in(ca, sizeof ca, ca_pki, "ca.pem");
    clasp_config *cfg = clasp_config_new(CLASP_CLIENT);
    CHECK(clasp_config_load_ca_file(cfg, ca) == 0);
    return cfg;
}

/* Moves everything `from` wants to send into `to`. */
void pump(clasp_conn *from, clasp_conn *to)
{
    const uint8_t *out;
    size_t n;
    while ((n = clasp_conn_output(from, &out)) > 0) {
        size_t used = 0;
        if (clasp_conn_feed(to, out, n, &used) != CLASP_OK) {
            clasp_conn_output_done(from, n); /* the peer is dead: drop */
            return;
        }
        if (used == 0)
            return; /* the peer's buffer is full until it reads */
        clasp_conn_output_done(from, used);
    }
}

result run_handshake(clasp_conn *cli, clasp_conn *srv)
{
    result r = {CLASP_WANT_READ, CLASP_WANT_READ};
    for (int i = 0; i < 20; i++) {
        if (r.client_rc == CLASP_WANT_READ)
            r.client_rc = clasp_conn_handshake(cli);
        pump(cli, srv);
        if (r.server_rc == CLASP_WANT_READ)
            r.server_rc = clasp_conn_handshake(srv);
        pump(srv, cli);
        if (r.client_rc != CLASP_WANT_READ && r.server_rc != CLASP_WANT_READ)
            break;
    }
    /* A client that finished first still has to see the server fail (or not). */
    if (r.client_rc == CLASP_OK && r.server_rc == CLASP_WANT_READ)
        r.server_rc = clasp_conn_handshake(srv);
    return r;
}

/* Exchanges a message each way and checks it arrives intact. */
void exchange(clasp_conn *cli, clasp_conn *srv, size_t size)
{
    uint8_t *msg = malloc(size), *got = malloc(size);
    for (size_t i = 0; i < size; i++)
        msg[i] = (uint8_t)(i * 7 + 1);
    clasp_conn *pair[2][2] = {{cli, srv}, {srv, cli}};
    for (int d = 0; d < 2; d++) {
        CHECK(clasp_conn_write(pair[d][0], msg, size) == (long)size);
        size_t have = 0;
        for (int i = 0; i < 1000 && have < size; i++) {
            pump(pair[d][0], pair[d][1]);
            long n = clasp_conn_read(pair[d][1], got + have, size - have);
            if (n > 0)
                have += (size_t)n;
            else if (n != CLASP_WANT_READ)
                break;
        }
        CHECK(have == size);
        CHECK_MEM(got, msg, size);
        pump(pair[d][1], pair[d][0]); /* e.g. a KeyUpdate answer */
    }
    free(msg);
    free(got);
}


/* ------------------------------------------- resumption and authentication */

static const uint8_t fleet_secret[32] = {9, 8, 7, 6};

/* A server of one version; every one of them shares fleet_secret, so only
 * their client-authentication policy tells them apart. */
static clasp_config *auth_server(uint16_t version, clasp_client_auth mode, const char *ca_pki)
{
    clasp_config *sc = server_config(pki_ecdsa);
    CHECK(clasp_config_set_versions(sc, version, version) == 0);
    CHECK(clasp_config_set_ticket_secret(sc, fleet_secret) == 0);
    if (mode != CLASP_CLIENT_AUTH_NONE) {
        char ca[512];
        path_in(ca, sizeof ca, ca_pki, "ca.pem");
        CHECK(clasp_config_load_ca_file(sc, ca) == 0);
        CHECK(clasp_config_set_client_auth(sc, mode) == 0);
    }
    return sc;
}

static clasp_config *auth_client(int with_cert, int verify)
{
    clasp_config *cc = client_config(pki_ecdsa);
    if (with_cert) {
        char cert[512], key[512];
        path_in(cert, sizeof cert, pki_ecdsa, "client.pem");
        path_in(key, sizeof key, pki_ecdsa, "client-key.pem");
        CHECK(clasp_config_load_cert_chain(cc, cert, key) == 0);
    }
    clasp_config_set_verify_peer(cc, verify);
    return cc;
}

static size_t chain_of(const clasp_conn *c, uint8_t *leaf, size_t *leaf_len)
{
    size_t n = 0, len;
    const uint8_t *p;
    *leaf_len = 0;
    while ((p = clasp_conn_peer_cert(c, n, &len)) != NULL) {
        if (n == 0 && len <= 4096) {
            memcpy(leaf, p, len);
            *leaf_len = len;
        }
        n++;
    }
    return n;
}

conn_outcome connect_once(clasp_config *cc, clasp_config *sc, const clasp_session *offer,
                          const char *name)
{
    conn_outcome o;
    memset(&o, 0, sizeof o);
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, name) == 0);
    if (offer)
        CHECK(clasp_conn_set_session(cli, offer) == 0);
    result r = run_handshake(cli, srv);
    o.client_rc = r.client_rc;
    o.server_rc = r.server_rc;
    if (r.client_rc == CLASP_OK && r.server_rc == CLASP_OK) {
        exchange(cli, srv, 10); /* TLS 1.3: the client reads its ticket */
        o.session = clasp_conn_get_session(cli);
    } else {
        /* The client learns of the server's failure when it reads. */
        uint8_t b[16];
        pump(srv, cli);
        (void)clasp_conn_read(cli, b, sizeof b);
    }
    o.client_resumed = clasp_conn_resumed(cli);
    o.server_resumed = clasp_conn_resumed(srv);
    o.server_alert = clasp_conn_alert_sent(srv);
    o.client_alert = clasp_conn_alert_received(cli);
    o.srv_certs = chain_of(srv, o.srv_leaf, &o.srv_leaf_len);
    o.cli_certs = chain_of(cli, o.cli_leaf, &o.cli_leaf_len);
    snprintf(o.server_error, sizeof o.server_error, "%s", clasp_conn_error_text(srv));
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    return o;
}

/* Both connections worked, the second resumed the first's session, and
 * each side shows the peer's chain it showed the first time. */
static void check_resumed_with_chains(const conn_outcome *first, const conn_outcome *o,
                                      const char *what)
{
    int ok = o->client_rc == CLASP_OK && o->server_rc == CLASP_OK && o->client_resumed &&
             o->server_resumed;
    if (!ok)
        fprintf(stderr, "%s: rc %d/%d resumed %d/%d (server: %s)\n", what, o->client_rc,
                o->server_rc, o->client_resumed, o->server_resumed, o->server_error);
    CHECK(ok);
    CHECK(o->srv_certs == first->srv_certs && o->cli_certs == first->cli_certs);
    CHECK(o->srv_leaf_len == first->srv_leaf_len && o->cli_leaf_len == first->cli_leaf_len);
    CHECK(o->cli_leaf_len > 0);
    if (o->srv_leaf_len == first->srv_leaf_len)
        CHECK_MEM(o->srv_leaf, first->srv_leaf, o->srv_leaf_len);
    if (o->cli_leaf_len == first->cli_leaf_len)
        CHECK_MEM(o->cli_leaf, first->cli_leaf, o->cli_leaf_len);
}

static void outcome_free(conn_outcome *o)
{
    clasp_session_free(o->session);
    o->session = NULL;
}

void test_resumption_auth(uint16_t version)
{
    int cert_required = version == CLASP_TLS1_3 ? CL_ALERT_CERTIFICATE_REQUIRED
                                                : CL_ALERT_HANDSHAKE_FAILURE;
    clasp_config *open = auth_server(version, CLASP_CLIENT_AUTH_NONE, NULL);
    clasp_config *optional = auth_server(version, CLASP_CLIENT_AUTH_OPTIONAL, pki_ecdsa);
    clasp_config *strict = auth_server(version, CLASP_CLIENT_AUTH_REQUIRED, pki_ecdsa);
    clasp_config *strict_other = auth_server(version, CLASP_CLIENT_AUTH_REQUIRED, pki_other);
    clasp_config *anon = auth_client(0, 1), *withcert = auth_client(1, 1);
    clasp_config *insecure = auth_client(0, 0);

    /* 1. The attack: a session from a server that asks for no certificate,
     * offered to one that requires it and shares the ticket secret. Not
     * resumed: a full handshake, which without a certificate fails with the
     * certificate-required alert, and with one succeeds. */
    conn_outcome from_open = connect_once(anon, open, NULL, "localhost");
    CHECK(from_open.server_rc == CLASP_OK && !from_open.server_resumed && from_open.session);
    CHECK(from_open.srv_certs == 0);
    conn_outcome o = connect_once(anon, strict, from_open.session, "localhost");
    CHECK(o.server_rc == CLASP_ERROR && !o.server_resumed && !o.client_resumed);
    CHECK(o.server_alert == cert_required);
    CHECK(strstr(o.server_error, "requires one") != NULL);
    outcome_free(&o);
    o = connect_once(withcert, strict, from_open.session, "localhost");
    CHECK(o.client_rc == CLASP_OK && o.server_rc == CLASP_OK && !o.server_resumed);
    CHECK(o.srv_certs >= 1);
    outcome_free(&o);
    /* The open server itself still resumes it. */
    o = connect_once(anon, open, from_open.session, "localhost");
    CHECK(o.server_rc == CLASP_OK && o.server_resumed && o.srv_certs == 0);
    outcome_free(&o);

    /* 2. The same where the ticket opens (same CAs, so the same ticket key)
     * and only the policy check stands between: a session without a client
     * certificate from a server where it was optional is not resumed where
     * it is required. */
    conn_outcome from_optional = connect_once(anon, optional, NULL, "localhost");
    CHECK(from_optional.server_rc == CLASP_OK && from_optional.session && !from_optional.srv_certs);
    o = connect_once(anon, optional, from_optional.session, "localhost");
    CHECK(o.server_rc == CLASP_OK && o.server_resumed); /* it does open */
    outcome_free(&o);
    o = connect_once(anon, strict, from_optional.session, "localhost");
    CHECK(o.server_rc == CLASP_ERROR && !o.server_resumed && o.server_alert == cert_required);
    outcome_free(&o);

    /* 3. A client-authenticated session resumes where the policy is met,
     * and both sides show the original chains again: the session itself,
     * through bytes, the session of the resumed connection, on the optional
     * server with the same CAs. */
    conn_outcome authed = connect_once(withcert, strict, NULL, "localhost");
    CHECK(authed.server_rc == CLASP_OK && authed.session && authed.srv_certs >= 1);
    CHECK(authed.cli_certs >= 1);
    o = connect_once(withcert, strict, authed.session, "localhost");
    check_resumed_with_chains(&authed, &o, "resumed on strict");
    if (o.session) {
        conn_outcome again = connect_once(withcert, strict, o.session, "localhost");
        check_resumed_with_chains(&authed, &again, "resumed again with the resumed session");
        outcome_free(&again);
    }
    outcome_free(&o);
    uint8_t *bytes = NULL;
    size_t len = 0;
    CHECK(authed.session && clasp_session_to_bytes(authed.session, &bytes, &len) == 0);
    clasp_session *back = bytes ? clasp_session_from_bytes(bytes, len) : NULL;
    CHECK(back != NULL);
    free(bytes);
    o = connect_once(withcert, strict, back, "localhost");
    check_resumed_with_chains(&authed, &o, "resumed from bytes");
    outcome_free(&o);
    clasp_session_free(back);
    o = connect_once(withcert, optional, authed.session, "localhost");
    check_resumed_with_chains(&authed, &o, "resumed on optional (same CAs)");
    outcome_free(&o);
    if (version == CLASP_TLS1_2 && authed.session) {
        /* By session id alone, from the strict server's cache. */
        conn_outcome fresh = connect_once(withcert, strict, NULL, "localhost");
        if (fresh.session) {
            free(fresh.session->s.ticket);
            fresh.session->s.ticket = NULL;
            fresh.session->s.ticket_len = 0;
            CHECK(fresh.session->s.session_id_len == 32);
            o = connect_once(withcert, strict, fresh.session, "localhost");
            check_resumed_with_chains(&fresh, &o, "resumed by session id");
            outcome_free(&o);
        }
        outcome_free(&fresh);
    }
    /* Elsewhere, a full handshake: other CAs (and there, our certificate
     * is unknown), or no client authentication at all. */
    o = connect_once(withcert, strict_other, authed.session, "localhost");
    CHECK(!o.server_resumed && !o.client_resumed && o.server_rc == CLASP_ERROR);
    CHECK(o.server_alert == CL_ALERT_UNKNOWN_CA);
    outcome_free(&o);
    o = connect_once(withcert, open, authed.session, "localhost");
    CHECK(o.server_rc == CLASP_OK && !o.server_resumed && o.srv_certs == 0);
    outcome_free(&o);

    /* 4. Server name (RFC 6066 3): a session made for one name is not
     * resumed for another. The client is made to offer it anyway (its own
     * check would not), so the server's check is what is tested. */
    conn_outcome named = connect_once(insecure, open, NULL, "localhost");
    CHECK(named.server_rc == CLASP_OK && named.session);
    if (named.session) {
        o = connect_once(insecure, open, named.session, "localhost");
        CHECK(o.server_rc == CLASP_OK && o.server_resumed);
        outcome_free(&o);
        clasp_session *renamed = NULL;
        uint8_t *b = NULL;
        size_t n = 0;
        CHECK(clasp_session_to_bytes(named.session, &b, &n) == 0);
        renamed = clasp_session_from_bytes(b, n);
        free(b);
        CHECK(renamed != NULL);
        if (renamed) {
            snprintf(renamed->s.server_name, sizeof renamed->s.server_name, "other.example");
            o = connect_once(insecure, open, renamed, "other.example");
            CHECK(o.client_rc == CLASP_OK && o.server_rc == CLASP_OK);
            CHECK(!o.server_resumed && !o.client_resumed);
            outcome_free(&o);
            clasp_session_free(renamed);
        }
        /* 5. The client's side of the policy: a session whose server was
         * never verified (verification off) is not offered by a client
         * that verifies. */
        o = connect_once(anon, open, named.session, "localhost");
        CHECK(o.client_rc == CLASP_OK && o.server_rc == CLASP_OK && !o.client_resumed);
        outcome_free(&o);
    }

    outcome_free(&named);
    outcome_free(&authed);
    outcome_free(&from_optional);
    outcome_free(&from_open);
    clasp_config_free(open);
    clasp_config_free(optional);
    clasp_config_free(strict);
    clasp_config_free(strict_other);
    clasp_config_free(anon);
    clasp_config_free(withcert);
    clasp_config_free(insecure);
}

/* 6. A connection that ended with a fatal alert, sent or received, gives
 * no session to resume. */
void test_no_session_after_fatal_alert(uint16_t version)
{
    for (int received = 0; received < 2; received++) {
        clasp_config *sc = server_config(pki_ecdsa), *cc = client_config(pki_ecdsa);
        CHECK(clasp_config_set_versions(sc, version, version) == 0);
        clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
        CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
        result r = run_handshake(cli, srv);
        CHECK(r.client_rc == CLASP_OK && r.server_rc == CLASP_OK);
        exchange(cli, srv, 10);
        clasp_session *s = clasp_conn_get_session(cli);
        CHECK(s != NULL); /* resumable so far */
        clasp_session_free(s);
        uint8_t b[64];
        if (received) {
            /* The server fails and tells the client. */
            cl_fail(srv, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "test: a fatal error");
            pump(srv, cli);
            CHECK(clasp_conn_read(cli, b, sizeof b) == CLASP_ERROR);
            CHECK(clasp_conn_alert_received(cli) == CL_ALERT_INTERNAL_ERROR);
        } else {
            /* A record altered on the way: the client sends bad_record_mac. */
            CHECK(clasp_conn_write(srv, (const uint8_t *)"data", 4) == 4);
            const uint8_t *out;
            size_t n = clasp_conn_output(srv, &out);
            uint8_t *copy = malloc(n);
            memcpy(copy, out, n);
            clasp_conn_output_done(srv, n);
            copy[n - 1] ^= 1;
            size_t used;
            CHECK(clasp_conn_feed(cli, copy, n, &used) == CLASP_OK);
            free(copy);
            CHECK(clasp_conn_read(cli, b, sizeof b) == CLASP_ERROR);
            CHECK(clasp_conn_alert_sent(cli) == CL_ALERT_BAD_RECORD_MAC);
        }
        CHECK(clasp_conn_get_session(cli) == NULL);
        clasp_conn_free(cli);
        clasp_conn_free(srv);
        clasp_config_free(cc);
        clasp_config_free(sc);
    }
}
