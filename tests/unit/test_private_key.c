/* SPDX-License-Identifier: Apache-2.0 */
/* The private-key callback (clasp_config_add_cert_chain_with_key_callback):
 * clasp to clasp in memory, the key held by the test's "signer" only (the
 * config never sees it). Both versions; the server's certificate and the
 * client's; ECDSA, RSA and Ed25519; the callback answering at once or
 * later (CLASP_WANT_PRIVATE_KEY, clasp_conn_private_key_done); TLS 1.2
 * RSA key exchange with its raw decryption; and what a broken callback
 * does: a failure, a signature of the wrong length or one that does not
 * verify end the handshake with internal_error and a sentence, while a
 * failed RSA decryption goes on with a random premaster (RFC 5246
 * 7.4.7.1) and so fails only at the Finished messages. */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "pairutil.h"
#include "testutil.h"
#include "x509/pem.h"

enum mode {
    SYNC,    /* answer in the callback */
    ASYNC,   /* answer later, through clasp_conn_private_key_done */
    FAIL,    /* CLASP_KEY_FAILED (or, later, a NULL result) */
    SHORT,   /* the signature (or decryption) one byte short */
    LONG,    /* more bytes than max_output */
    CORRUPT, /* a right-sized signature with a flipped bit */
    EMPTY    /* DONE without setting a length */
};

typedef struct {
    EVP_PKEY *pk;
    enum mode mode;
    int async;
    int calls, signs, decrypts, digest_ok;
    uint16_t last_scheme, last_version;
    /* A pending operation, as the "device" keeps it. */
    int pending;
    clasp_key_operation op;
    uint8_t input[70000];
} signer;

static const EVP_MD *scheme_md(uint16_t scheme)
{
    switch (scheme >> 8) {
    case 0x02: return EVP_sha1();
    case 0x04: return EVP_sha256();
    case 0x05: return EVP_sha384();
    case 0x06: return EVP_sha512();
    }
    switch (scheme) {
    case 0x0804:
    case 0x0809: return EVP_sha256();
    case 0x0805:
    case 0x080a: return EVP_sha384();
    case 0x0806:
    case 0x080b: return EVP_sha512();
    }
    return NULL; /* ed25519 */
}

/* Does the operation's work with the key: 0 and the result, or -1. */
static int do_operation(signer *s, const clasp_key_operation *op, uint8_t *out, size_t *out_len)
{
    size_t len = op->max_output;
    if (op->op == CLASP_KEY_RSA_DECRYPT) {
        EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(s->pk, NULL);
        int ok = ctx && EVP_PKEY_decrypt_init(ctx) == 1 &&
                 EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING) == 1 &&
                 EVP_PKEY_decrypt(ctx, out, &len, op->input, op->input_len) == 1;
        EVP_PKEY_CTX_free(ctx);
        *out_len = len;
        return ok ? 0 : -1;
    }
    const EVP_MD *md = scheme_md(op->scheme);
    /* The digest clasp hands over is the message's hash. */
    if (md) {
        uint8_t h[EVP_MAX_MD_SIZE];
        unsigned hl = 0;
        EVP_Digest(op->input, op->input_len, h, &hl, md, NULL);
        s->digest_ok += op->digest && op->digest_len == hl && memcmp(h, op->digest, hl) == 0;
    } else {
        s->digest_ok += op->digest == NULL;
    }
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    int ok = EVP_DigestSignInit(mctx, &pctx, md, NULL, s->pk) == 1;
    if (ok && (op->scheme & 0xff00) == 0x0800 && op->scheme != 0x0807)
        ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1;
    ok = ok && EVP_DigestSign(mctx, out, &len, op->input, op->input_len) == 1;
    EVP_MD_CTX_free(mctx);
    *out_len = len;
    return ok ? 0 : -1;
}

/* What a broken device makes of a good result. */
static void spoil(enum mode mode, uint8_t *out, size_t *len)
{
    if (mode == SHORT)
        (*len)--;
    else if (mode == LONG)
        *len += 8;
    else if (mode == CORRUPT) /* a signature's last byte, or the premaster's */
        out[*len - 1] ^= 0x01;
    else if (mode == EMPTY)
        *len = 0;
}

static int key_callback(void *arg, clasp_conn *c, const clasp_key_operation *op, uint8_t *out,
                        size_t *out_len)
{
    signer *s = arg;
    CHECK(c != NULL);
    s->calls++;
    s->signs += op->op == CLASP_KEY_SIGN;
    s->decrypts += op->op == CLASP_KEY_RSA_DECRYPT;
    s->last_scheme = op->scheme;
    s->last_version = op->version;
    if (s->async) {
        CHECK(!s->pending);
        CHECK(op->input_len <= sizeof s->input);
        memcpy(s->input, op->input, op->input_len);
        s->op = *op;
        s->op.input = s->input;
        s->op.digest = NULL; /* valid only during the call: recomputed */
        s->pending = 1;
        return CLASP_KEY_PENDING;
    }
    if (s->mode == FAIL)
        return CLASP_KEY_FAILED;
    if (s->mode == EMPTY)
        return CLASP_KEY_DONE;
    size_t len = 0;
    uint8_t buf[1024];
    if (do_operation(s, op, buf, &len))
        return CLASP_KEY_FAILED;
    spoil(s->mode, buf, &len);
    if (len > op->max_output) /* out holds no more: the LONG case is a later answer */
        return CLASP_KEY_FAILED;
    memcpy(out, buf, len);
    *out_len = len;
    return CLASP_KEY_DONE;
}

/* The device finishes a pending operation and hands the result over. */
static void complete(signer *s, clasp_conn *c)
{
    CHECK(s->pending);
    s->pending = 0;
    if (s->mode == FAIL) {
        CHECK(clasp_conn_private_key_done(c, NULL, 0) == CLASP_OK);
        return;
    }
    /* The digest is recomputed here, as a device would get it. */
    uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned dl = 0;
    const EVP_MD *md = s->op.op == CLASP_KEY_SIGN ? scheme_md(s->op.scheme) : NULL;
    if (md) {
        EVP_Digest(s->op.input, s->op.input_len, digest, &dl, md, NULL);
        s->op.digest = digest;
        s->op.digest_len = dl;
    }
    uint8_t out[1100];
    size_t len = 0;
    CHECK(do_operation(s, &s->op, out, &len) == 0);
    spoil(s->mode, out, &len);
    CHECK(clasp_conn_private_key_done(c, out, len) == CLASP_OK);
    /* Only one answer per operation. */
    CHECK(clasp_conn_private_key_done(c, out, len) == CLASP_ERROR);
}

static EVP_PKEY *load_key(const char *pki, const char *file)
{
    char path[512];
    path_in(path, sizeof path, pki, file);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    EVP_PKEY *pk = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    CHECK(pk != NULL);
    return pk;
}

/* A config whose certificate's key only the signer holds. */
static void add_cert_with_callback(clasp_config *cfg, const char *pki, const char *chain_file,
                                   const char *key_file, signer *s)
{
    char path[512];
    path_in(path, sizeof path, pki, chain_file);
    size_t len;
    uint8_t *chain = cl_read_file(path, &len);
    CHECK(chain != NULL);
    s->pk = load_key(pki, key_file);
    int rc = clasp_config_add_cert_chain_with_key_callback(cfg, chain, len, key_callback, s);
    if (rc)
        fprintf(stderr, "%s\n", clasp_config_error(cfg));
    CHECK(rc == 0);
    free(chain);
}

static clasp_config *callback_server(const char *pki, signer *s)
{
    clasp_config *cfg = clasp_config_new(CLASP_SERVER);
    add_cert_with_callback(cfg, pki, "cert.pem", "key.pem", s);
    return cfg;
}

typedef struct {
    int client_rc, server_rc;
    int waits_client, waits_server; /* CLASP_WANT_PRIVATE_KEY seen */
} outcome;

/* A handshake in memory; a side that waits for its key has the signer
 * answer (after checking that asking again changes nothing), while the
 * peer's bytes keep arriving. */
static outcome handshake(clasp_conn *cli, clasp_conn *srv, signer *cs, signer *ss)
{
    outcome o = {CLASP_WANT_READ, CLASP_WANT_READ, 0, 0};
    for (int i = 0; i < 40; i++) {
        clasp_conn *conn[2] = {cli, srv};
        signer *sg[2] = {cs, ss};
        int *rc[2] = {&o.client_rc, &o.server_rc};
        int *waits[2] = {&o.waits_client, &o.waits_server};
        for (int k = 0; k < 2; k++) {
            if (*rc[k] == CLASP_WANT_PRIVATE_KEY) {
                (*waits[k])++;
                CHECK(clasp_conn_handshake(conn[k]) == CLASP_WANT_PRIVATE_KEY);
                complete(sg[k], conn[k]);
            }
            if (*rc[k] == CLASP_WANT_READ || *rc[k] == CLASP_WANT_PRIVATE_KEY)
                *rc[k] = clasp_conn_handshake(conn[k]);
            pump(conn[k], conn[1 - k]);
        }
        if ((o.client_rc == CLASP_OK || o.client_rc == CLASP_ERROR) &&
            (o.server_rc == CLASP_OK || o.server_rc == CLASP_ERROR))
            break;
    }
    return o;
}

typedef struct {
    const char *name;
    const char *pki_type;
    uint16_t version;
    const char *ciphers; /* server, or NULL */
    int async;
} server_case;

static char pki_ecdsa384[256];

static const char *pki_of(const char *type)
{
    if (!strcmp(type, "rsa"))
        return pki_rsa;
    if (!strcmp(type, "ed25519"))
        return pki_ed25519;
    if (!strcmp(type, "ecdsa384"))
        return pki_ecdsa384;
    return pki_ecdsa;
}

/* The server's certificate: a handshake that works, data both ways, and
 * the operation the callback did. */
static void test_server_cert(const server_case *t)
{
    signer s = {.mode = t->async ? ASYNC : SYNC, .async = t->async};
    const char *pki = pki_of(t->pki_type);
    clasp_config *sc = callback_server(pki, &s);
    CHECK(clasp_config_set_versions(sc, t->version, t->version) == 0);
    if (t->ciphers)
        CHECK(clasp_config_set_ciphers(sc, t->ciphers) == 0);
    clasp_config *cc = client_config(pki);
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    outcome o = handshake(cli, srv, NULL, &s);
    if (o.client_rc != CLASP_OK || o.server_rc != CLASP_OK)
        fprintf(stderr, "%s: client %d (%s), server %d (%s)\n", t->name, o.client_rc,
                clasp_conn_error_text(cli), o.server_rc, clasp_conn_error_text(srv));
    CHECK(o.client_rc == CLASP_OK && o.server_rc == CLASP_OK);
    CHECK(clasp_conn_version(cli) == t->version);
    CHECK(s.calls == 1);
    CHECK(o.waits_server == (t->async ? 1 : 0));
    int rsa_kx = t->ciphers && strstr(t->ciphers, "TLS_RSA_");
    CHECK(s.decrypts == rsa_kx && s.signs == !rsa_kx);
    CHECK(s.last_version == t->version);
    if (!rsa_kx) {
        CHECK(s.digest_ok == 1);
        CHECK(clasp_conn_sigalg_name(cli) != NULL);
    }
    if (o.client_rc == CLASP_OK && o.server_rc == CLASP_OK)
        exchange(cli, srv, 3000);
    printf("  %s: ok (%s%s)\n", t->name, rsa_kx ? "RSA decryption" : clasp_conn_sigalg_name(cli),
           t->async ? ", later" : "");
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(cc);
    clasp_config_free(sc);
    EVP_PKEY_free(s.pk);
}

/* The client's certificate (the server requires one), both versions. */
static void test_client_cert(uint16_t version, int async, const char *pki_type)
{
    const char *pki = pki_of(pki_type);
    signer s = {.mode = async ? ASYNC : SYNC, .async = async};
    clasp_config *sc = server_config(pki);
    char ca[512];
    path_in(ca, sizeof ca, pki, "ca.pem");
    CHECK(clasp_config_load_ca_file(sc, ca) == 0);
    CHECK(clasp_config_set_client_auth(sc, CLASP_CLIENT_AUTH_REQUIRED) == 0);
    CHECK(clasp_config_set_versions(sc, version, version) == 0);
    clasp_config *cc = client_config(pki);
    add_cert_with_callback(cc, pki, "client.pem", "client-key.pem", &s);
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    outcome o = handshake(cli, srv, &s, NULL);
    if (o.client_rc != CLASP_OK || o.server_rc != CLASP_OK)
        fprintf(stderr, "client cert: client %d (%s), server %d (%s)\n", o.client_rc,
                clasp_conn_error_text(cli), o.server_rc, clasp_conn_error_text(srv));
    CHECK(o.client_rc == CLASP_OK && o.server_rc == CLASP_OK);
    CHECK(s.signs == 1 && s.digest_ok == 1 && s.last_version == version);
    CHECK(o.waits_client == (async ? 1 : 0));
    size_t len;
    CHECK(clasp_conn_peer_cert(srv, 0, &len) != NULL); /* the server saw it */
    if (o.client_rc == CLASP_OK && o.server_rc == CLASP_OK)
        exchange(cli, srv, 100);
    printf("  client certificate, TLS 1.%d, %s, %s: ok\n", version == CLASP_TLS1_3 ? 3 : 2,
           pki_type, async ? "later" : "at once");
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(cc);
    clasp_config_free(sc);
    EVP_PKEY_free(s.pk);
}

/* A signing callback that fails or returns a bad signature: the handshake
 * fails on our side with internal_error and the sentence given. */
static void test_bad_signature(const char *what, const char *pki_type, uint16_t version,
                               enum mode mode, int async, const char *sentence)
{
    const char *pki = pki_of(pki_type);
    signer s = {.mode = mode, .async = async};
    clasp_config *sc = callback_server(pki, &s);
    CHECK(clasp_config_set_versions(sc, version, version) == 0);
    clasp_config *cc = client_config(pki);
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    outcome o = handshake(cli, srv, NULL, &s);
    CHECK(o.server_rc == CLASP_ERROR);
    CHECK(o.client_rc == CLASP_ERROR);
    CHECK(clasp_conn_error(srv) == CLASP_E_INTERNAL);
    CHECK(clasp_conn_alert_sent(srv) == 80); /* internal_error */
    CHECK(clasp_conn_alert_received(cli) == 80);
    const char *text = clasp_conn_error_text(srv);
    if (!strstr(text, sentence))
        fprintf(stderr, "%s: error text '%s' lacks '%s'\n", what, text, sentence);
    CHECK(strstr(text, sentence) != NULL);
    printf("  %s: refused (%s)\n", what, text);
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(cc);
    clasp_config_free(sc);
    EVP_PKEY_free(s.pk);
}

/* TLS 1.2 RSA key exchange with a decryption that goes wrong: no alert of
 * its own, no sentence about the key; the handshake goes on with a random
 * premaster and fails where a wrong premaster shows, at the client's
 * Finished (RFC 5246 7.4.7.1). */
static void test_bad_decryption(const char *what, enum mode mode, int async)
{
    signer s = {.mode = mode, .async = async};
    clasp_config *sc = callback_server(pki_rsa, &s);
    CHECK(clasp_config_set_versions(sc, CLASP_TLS1_2, CLASP_TLS1_2) == 0);
    CHECK(clasp_config_set_ciphers(sc, "TLS_RSA_WITH_AES_128_GCM_SHA256") == 0);
    clasp_config *cc = client_config(pki_rsa);
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    outcome o = handshake(cli, srv, NULL, &s);
    CHECK(s.decrypts == 1);
    CHECK(o.waits_server == (async ? 1 : 0));
    CHECK(o.server_rc == CLASP_ERROR);
    CHECK(clasp_conn_error(srv) == CLASP_E_PROTOCOL);
    /* The client's Finished does not verify (or its record does not open):
     * the same as for a ciphertext with bad padding. */
    int alert = clasp_conn_alert_sent(srv);
    CHECK(alert == 20 || alert == 51); /* bad_record_mac, decrypt_error */
    CHECK(strstr(clasp_conn_error_text(srv), "callback") == NULL);
    printf("  %s: random premaster, then %s (%s)\n", what, clasp_alert_name(alert),
           clasp_conn_error_text(srv));
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(cc);
    clasp_config_free(sc);
    EVP_PKEY_free(s.pk);
}

/* TLS 1.2 RSA key exchange, the server asking for a client certificate:
 * the client's Certificate, ClientKeyExchange and CertificateVerify come
 * in one record, so the CertificateVerify waits in the handshake buffer
 * while the decryption is pending, and is handled once it resumes. */
static void test_rsa_kx_with_messages_behind(void)
{
    signer s = {.mode = ASYNC, .async = 1};
    clasp_config *sc = callback_server(pki_rsa, &s);
    char ca[512];
    path_in(ca, sizeof ca, pki_rsa, "ca.pem");
    CHECK(clasp_config_load_ca_file(sc, ca) == 0);
    CHECK(clasp_config_set_client_auth(sc, CLASP_CLIENT_AUTH_REQUIRED) == 0);
    CHECK(clasp_config_set_versions(sc, CLASP_TLS1_2, CLASP_TLS1_2) == 0);
    CHECK(clasp_config_set_ciphers(sc, "TLS_RSA_WITH_AES_256_GCM_SHA384") == 0);
    clasp_config *cc = client_config(pki_rsa);
    char cert[512], key[512];
    path_in(cert, sizeof cert, pki_rsa, "client.pem");
    path_in(key, sizeof key, pki_rsa, "client-key.pem");
    CHECK(clasp_config_load_cert_chain(cc, cert, key) == 0);
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    outcome o = handshake(cli, srv, NULL, &s);
    if (o.server_rc != CLASP_OK)
        fprintf(stderr, "rsa kx + client auth: %s\n", clasp_conn_error_text(srv));
    CHECK(o.client_rc == CLASP_OK && o.server_rc == CLASP_OK);
    CHECK(o.waits_server == 1 && s.decrypts == 1);
    size_t len;
    CHECK(clasp_conn_peer_cert(srv, 0, &len) != NULL);
    if (o.client_rc == CLASP_OK && o.server_rc == CLASP_OK)
        exchange(cli, srv, 500);
    printf("  RSA key exchange later, client certificate behind it: ok\n");
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(cc);
    clasp_config_free(sc);
    EVP_PKEY_free(s.pk);
}

/* The server takes only secp384r1: in TLS 1.3, for which the client sent
 * no share, so a HelloRetryRequest comes first, then the CertificateVerify
 * waits (in TLS 1.2 the ServerKeyExchange). A resumed connection (TLS 1.3
 * ticket, TLS 1.2 session) proves itself without a certificate and asks
 * the key for nothing. */
static void test_hrr_and_resumption(uint16_t version)
{
    signer s = {.mode = ASYNC, .async = 1};
    clasp_config *sc = callback_server(pki_ecdsa, &s);
    CHECK(clasp_config_set_versions(sc, version, version) == 0);
    CHECK(clasp_config_set_groups(sc, "secp384r1") == 0);
    clasp_config *cc = client_config(pki_ecdsa);
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    outcome o = handshake(cli, srv, NULL, &s);
    if (o.server_rc != CLASP_OK)
        fprintf(stderr, "hrr: %s / %s\n", clasp_conn_error_text(srv), clasp_conn_error_text(cli));
    CHECK(o.client_rc == CLASP_OK && o.server_rc == CLASP_OK);
    CHECK(o.waits_server == 1 && s.calls == 1);
    CHECK(strcmp(clasp_conn_group_name(cli), "secp384r1") == 0);
    clasp_session *session = NULL;
    if (o.client_rc == CLASP_OK && o.server_rc == CLASP_OK) {
        exchange(cli, srv, 100); /* the TLS 1.3 ticket comes with the data */
        session = clasp_conn_get_session(cli);
    }
    CHECK(session != NULL);
    clasp_conn_free(cli);
    clasp_conn_free(srv);

    cli = clasp_conn_new(cc);
    srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    if (session)
        CHECK(clasp_conn_set_session(cli, session) == 0);
    o = handshake(cli, srv, NULL, &s);
    CHECK(o.client_rc == CLASP_OK && o.server_rc == CLASP_OK);
    CHECK(clasp_conn_resumed(cli) && clasp_conn_resumed(srv));
    CHECK(o.waits_server == 0 && s.calls == 1); /* no operation this time */
    printf("  TLS 1.%d: %s, a key that answers later; resumed without the key: ok\n",
           version == CLASP_TLS1_3 ? 3 : 2,
           version == CLASP_TLS1_3 ? "HelloRetryRequest first" : "ECDHE secp384r1");
    clasp_session_free(session);
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(cc);
    clasp_config_free(sc);
    EVP_PKEY_free(s.pk);
}

/* The API around it: what is refused, and a connection freed while its
 * operation is pending (ASan sees no leak). */
static void test_api_edges(void)
{
    clasp_config *cfg = clasp_config_new(CLASP_SERVER);
    const uint8_t junk[] = "not a certificate";
    CHECK(clasp_config_add_cert_chain_with_key_callback(cfg, junk, sizeof junk, NULL, NULL) == -1);
    CHECK(strstr(clasp_config_error(cfg), "callback") != NULL);
    CHECK(clasp_config_add_cert_chain_with_key_callback(cfg, junk, sizeof junk, key_callback,
                                                        NULL) == -1);
    CHECK(strstr(clasp_config_error(cfg), "neither PEM") != NULL);
    clasp_config_free(cfg);

    /* A connection with nothing pending refuses a result and is unharmed. */
    signer s = {.mode = ASYNC, .async = 1};
    clasp_config *sc = callback_server(pki_ecdsa, &s);
    clasp_config *cc = client_config(pki_ecdsa);
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    CHECK(clasp_conn_private_key_done(srv, (const uint8_t *)"x", 1) == CLASP_ERROR);
    CHECK(clasp_conn_error(srv) == CLASP_E_NONE);
    CHECK(clasp_conn_handshake(cli) == CLASP_WANT_READ);
    pump(cli, srv);
    CHECK(clasp_conn_handshake(srv) == CLASP_WANT_PRIVATE_KEY);
    /* Reading and writing drive the handshake, and say the same. */
    uint8_t buf[16];
    CHECK(clasp_conn_read(srv, buf, sizeof buf) == CLASP_WANT_PRIVATE_KEY);
    CHECK(clasp_conn_write(srv, buf, sizeof buf) == CLASP_WANT_PRIVATE_KEY);
    /* The flight before the CertificateVerify may already go out. */
    pump(srv, cli);
    CHECK(clasp_conn_handshake(cli) == CLASP_WANT_READ);
    clasp_conn_free(srv); /* pending: freed with it */
    clasp_conn_free(cli);
    clasp_config_free(cc);
    clasp_config_free(sc);
    EVP_PKEY_free(s.pk);
    printf("  API edges: ok\n");
}

int main(void)
{
    make_pki(pki_ecdsa, "ecdsa");
    make_pki(pki_rsa, "rsa");
    make_pki(pki_ed25519, "ed25519");
    make_pki(pki_ecdsa384, "ecdsa384");

    static const server_case servers[] = {
        {"TLS 1.3 server, ECDSA, at once", "ecdsa", CLASP_TLS1_3, NULL, 0},
        {"TLS 1.3 server, ECDSA, later", "ecdsa", CLASP_TLS1_3, NULL, 1},
        {"TLS 1.3 server, RSA-PSS, later", "rsa", CLASP_TLS1_3, NULL, 1},
        {"TLS 1.3 server, Ed25519, later", "ed25519", CLASP_TLS1_3, NULL, 1},
        {"TLS 1.3 server, ECDSA P-384, at once", "ecdsa384", CLASP_TLS1_3, NULL, 0},
        {"TLS 1.2 server, ECDHE-ECDSA, at once", "ecdsa", CLASP_TLS1_2, NULL, 0},
        {"TLS 1.2 server, ECDHE-ECDSA, later", "ecdsa", CLASP_TLS1_2, NULL, 1},
        {"TLS 1.2 server, ECDHE-RSA, later", "rsa", CLASP_TLS1_2, NULL, 1},
        {"TLS 1.2 server, DHE-RSA, later", "rsa", CLASP_TLS1_2,
         "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", 1},
        {"TLS 1.2 server, RSA key exchange, at once", "rsa", CLASP_TLS1_2,
         "TLS_RSA_WITH_AES_128_GCM_SHA256", 0},
        {"TLS 1.2 server, RSA key exchange, later", "rsa", CLASP_TLS1_2,
         "TLS_RSA_WITH_AES_256_GCM_SHA384", 1},
    };
    for (size_t i = 0; i < sizeof servers / sizeof servers[0]; i++)
        test_server_cert(&servers[i]);

    test_client_cert(CLASP_TLS1_3, 0, "ecdsa");
    test_client_cert(CLASP_TLS1_3, 1, "rsa");
    test_client_cert(CLASP_TLS1_2, 0, "rsa");
    test_client_cert(CLASP_TLS1_2, 1, "ecdsa");

    test_bad_signature("failing callback", "ecdsa", CLASP_TLS1_3, FAIL, 0,
                       "the private-key callback failed");
    test_bad_signature("failing callback, later", "ecdsa", CLASP_TLS1_2, FAIL, 1,
                       "the private-key callback failed");
    test_bad_signature("RSA signature a byte short", "rsa", CLASP_TLS1_3, SHORT, 0,
                       "signatures of exactly 256 bytes");
    test_bad_signature("RSA signature a byte short, later", "rsa", CLASP_TLS1_2, SHORT, 1,
                       "signatures of exactly 256 bytes");
    test_bad_signature("Ed25519 signature a byte short", "ed25519", CLASP_TLS1_3, SHORT, 1,
                       "signatures of exactly 64 bytes");
    test_bad_signature("ECDSA signature too long, later", "ecdsa", CLASP_TLS1_3, LONG, 1,
                       "where the certificate's key makes at most");
    test_bad_signature("empty signature", "ecdsa", CLASP_TLS1_3, EMPTY, 0, "returned 0 bytes");
    test_bad_signature("ECDSA signature that does not verify", "ecdsa", CLASP_TLS1_3, CORRUPT, 0,
                       "does not verify with the certificate's public key");
    test_bad_signature("RSA signature that does not verify, later", "rsa", CLASP_TLS1_2, CORRUPT, 1,
                       "does not verify with the certificate's public key");

    test_bad_decryption("RSA decryption fails", FAIL, 0);
    test_bad_decryption("RSA decryption fails, later", FAIL, 1);
    test_bad_decryption("RSA decryption a byte short", SHORT, 0);
    test_bad_decryption("RSA decryption too long, later", LONG, 1);
    test_bad_decryption("RSA decryption corrupted, later", CORRUPT, 1);
    test_rsa_kx_with_messages_behind();
    test_hrr_and_resumption(CLASP_TLS1_3);
    test_hrr_and_resumption(CLASP_TLS1_2);
    test_api_edges();

    remove_pki(pki_ecdsa);
    remove_pki(pki_rsa);
    remove_pki(pki_ed25519);
    remove_pki(pki_ecdsa384);
    return tu_finish("private_key");
}
