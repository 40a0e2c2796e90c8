/* SPDX-License-Identifier: Apache-2.0 */
/* Writes the seed corpora in fuzz/corpus/ from real handshakes.
 *
 *   make_seeds OUTDIR          write the seeds (OUTDIR is usually fuzz/corpus)
 *   make_seeds --check DIR     replay the handshake seeds in DIR and say
 *                              which no longer get as far as they should
 *
 * An in-memory clasp client and server (as in tests/unit/test_pair.c) run a
 * handshake with the fixed test-hook randoms and key shares, the fixed
 * Ed25519 PKI, ticket secret and clock (fuzz_common.h), then exchange data,
 * KeyUpdates and close_notify; every byte each side sent is recorded. The
 * client's bytes become fuzz_server seeds, the server's bytes fuzz_client
 * seeds, each behind the mode byte of the target configuration that makes
 * them valid. Each seed is then replayed through the fuzz driver to check
 * that it gets as far as it should. First, two handshakes make the TLS 1.3
 * and TLS 1.2 sessions that the RESUME modes offer (OUTDIR/sessions/, which
 * the fuzz targets embed). Also: the RFC 8448 section 3 records, record-layer
 * inputs, sessions and tickets, and certificate/key files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_common.h"
#include "record/record.h"
#include "x509/pem.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-const-variable"
#pragma GCC diagnostic ignored "-Wunused-variable"
#include "rfc8448_vectors.h"
#pragma GCC diagnostic pop

static const char *outdir;
static int failures;

static void write_seed(const char *target, const char *name, int mode, const uint8_t *a,
                       size_t a_len, const uint8_t *b, size_t b_len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", outdir, target);
    if (mkdir(path, 0755) && errno != EEXIST) {
        perror(path);
        exit(1);
    }
    snprintf(path, sizeof path, "%s/%s/%s", outdir, target, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        exit(1);
    }
    if (mode >= 0)
        fputc(mode & 0xff, f);
    /* fuzz_server's second mode byte (FZ_SRV_EXT). */
    if (mode >= 0 && !strcmp(target, "fuzz_server") && (mode & FZ_SRV_EXT))
        fputc((mode >> 8) & 0xff, f);
    fwrite(a, 1, a_len, f);
    if (b_len)
        fwrite(b, 1, b_len, f);
    if (fclose(f)) {
        perror(path);
        exit(1);
    }
    printf("  %-14s %-28s %6zu bytes\n", target, name, a_len + b_len + (mode >= 0) +
           (mode >= 0 && !strcmp(target, "fuzz_server") && (mode & FZ_SRV_EXT)));
}

/* ------------------------------------------------- recorded handshakes */

typedef struct {
    cl_buf from_client, from_server;
} recording;

/* Moves what `from` wants to send into `to`, appending it to rec. */
static void pump(clasp_conn *from, clasp_conn *to, cl_buf *rec)
{
    const uint8_t *out;
    size_t n;
    while ((n = fz_output(from, &out)) > 0) {
        size_t used = 0;
        if (clasp_conn_feed(to, out, n, &used) != CLASP_OK)
            used = n; /* the peer is dead: the bytes still went out */
        cl_wr_bytes(rec, out, used);
        clasp_conn_output_done(from, used);
        if (used == 0)
            return;
    }
}

/* c reads everything peer has sent; what c answers (a KeyUpdate) goes back. */
static void read_all(clasp_conn *c, clasp_conn *peer, cl_buf *rec_c, cl_buf *rec_p)
{
    uint8_t buf[4096];
    for (int i = 0; i < 100; i++) {
        pump(peer, c, rec_p);
        long n = clasp_conn_read(c, buf, sizeof buf);
        pump(c, peer, rec_c);
        if (n <= 0)
            return;
    }
}

/* The server's write keys in the order it installed them, and the suite's
 * AEAD, of the last recording: inject_seed opens its records with them. */
static struct {
    uint8_t key[8][32], iv[8][12];
    size_t key_len[8], n;
    cr_aead_alg aead;
    int tls13;
} srv_keys;

static void catch_write_key(void *arg, const char *label, const uint8_t *secret, size_t len)
{
    (void)arg;
    if (srv_keys.n >= 8)
        return;
    if (!strcmp(label, "write key") && len <= 32) {
        memcpy(srv_keys.key[srv_keys.n], secret, len);
        srv_keys.key_len[srv_keys.n] = len;
    } else if (!strcmp(label, "write iv") && len == 12) {
        memcpy(srv_keys.iv[srv_keys.n++], secret, len);
    }
}

/* A recorded handshake between a client of mode cli_mode (optionally with
 * other cipher suites) and a server of mode srv_mode, then data both ways,
 * a KeyUpdate each way in TLS 1.3 (the client's asks for the server's), more
 * data, close_notify. If session is non-NULL, it receives the client's
 * session, serialised. */
static int record(unsigned cli_mode, const char *ciphers, const char *groups, unsigned srv_mode,
                  recording *r, cl_buf *session)
{
    clasp_config *cc = fz_client_config(cli_mode), *sc = fz_server_config(srv_mode);
    if (groups && clasp_config_set_groups(cc, groups)) {
        fprintf(stderr, "make_seeds: groups '%s': %s\n", groups, clasp_config_error(cc));
        exit(1);
    }
    if (ciphers && clasp_config_set_ciphers(cc, ciphers)) {
        fprintf(stderr, "make_seeds: ciphers '%s': %s\n", ciphers, clasp_config_error(cc));
        exit(1);
    }
    if (ciphers) {
        /* Signatures the fixed server makes the same every run: RSA PKCS#1
         * v1.5 and Ed25519 (RSA-PSS has a random salt). */
        static const uint16_t deterministic[] = {0x0401, 0x0807};
        memcpy(cc->sigalgs, deterministic, sizeof deterministic);
        cc->n_sigalgs = sizeof deterministic / sizeof deterministic[0];
    }
    clasp_conn *cli = fz_client_conn(cc, cli_mode), *srv = fz_server_conn(sc, srv_mode);
    memset(&srv_keys, 0, sizeof srv_keys);
    if (srv->test) {
        srv->test->secret_cb = catch_write_key;
        srv->test->secret_arg = NULL;
    }
    cl_buf_init(&r->from_client, 0);
    cl_buf_init(&r->from_server, 0);
    int crc = CLASP_WANT_READ, src = CLASP_WANT_READ;
#define WAITS(rc) ((rc) == CLASP_WANT_READ || (rc) == CLASP_WANT_PRIVATE_KEY)
    for (int i = 0; i < 20 && (WAITS(crc) || WAITS(src)); i++) {
        fz_key_answer(cli);
        if (WAITS(crc))
            crc = clasp_conn_handshake(cli);
        pump(cli, srv, &r->from_client);
        fz_key_answer(srv); /* the private-key callback's answer, later */
        if (WAITS(src))
            src = clasp_conn_handshake(srv);
        pump(srv, cli, &r->from_server);
    }
#undef WAITS
    int ok = crc == CLASP_OK && src == CLASP_OK;
    if (!ok) {
        fprintf(stderr, "make_seeds: handshake (client mode 0x%02x, server mode 0x%02x) failed: "
                        "client: %s; server: %s\n", cli_mode, srv_mode,
                clasp_conn_error_text(cli), clasp_conn_error_text(srv));
    } else {
        static const char cmsg[] = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
        static const char smsg[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
        int tls13 = clasp_conn_version(cli) == CLASP_TLS1_3;
        ok = clasp_conn_write(cli, (const uint8_t *)cmsg, sizeof cmsg - 1) > 0 &&
             (!tls13 || clasp_conn_key_update(cli, 1) == CLASP_OK) &&
             clasp_conn_write(cli, (const uint8_t *)"more", 4) == 4;
        pump(cli, srv, &r->from_client);
        read_all(srv, cli, &r->from_server, &r->from_client);
        ok = ok && clasp_conn_write(srv, (const uint8_t *)smsg, sizeof smsg - 1) > 0 &&
             (!tls13 || clasp_conn_key_update(srv, 0) == CLASP_OK) &&
             clasp_conn_write(srv, (const uint8_t *)"more", 4) == 4;
        pump(srv, cli, &r->from_server);
        read_all(cli, srv, &r->from_client, &r->from_server);
        if (ok && session) {
            clasp_session *s = clasp_conn_get_session(cli);
            uint8_t *bytes;
            size_t len;
            if (!s || clasp_session_to_bytes(s, &bytes, &len)) {
                fprintf(stderr, "make_seeds: the client got no session to resume\n");
                ok = 0;
            } else {
                cl_buf_init(session, 0);
                cl_wr_bytes(session, bytes, len);
                free(bytes);
            }
            clasp_session_free(s);
        }
        ok = ok && clasp_conn_close(cli) == CLASP_OK && clasp_conn_close(srv) == CLASP_OK;
        pump(cli, srv, &r->from_client);
        pump(srv, cli, &r->from_server);
        if (!ok)
            fprintf(stderr, "make_seeds: after the handshake: client: %s; server: %s\n",
                    clasp_conn_error_text(cli), clasp_conn_error_text(srv));
    }
    srv_keys.tls13 = clasp_conn_version(cli) == CLASP_TLS1_3;
    if (cli->suite)
        srv_keys.aead = cli->suite->aead;
    fz_conn_free(cli);
    fz_conn_free(srv);
    clasp_config_free(cc);
    clasp_config_free(sc);
    if (!ok)
        failures++;
    return ok ? 0 : -1;
}

/* The server's bytes of the last TLS 1.3 recording as a fuzz_client INJECT
 * seed: the plaintext records before the first protected one as the raw
 * prefix, then every protected record opened (type, length, content). 0,
 * or -1 if a record does not open with the server's keys. */
static int inject_seed(const cl_buf *from_server, cl_buf *out)
{
    cl_buf_init(out, 0);
    const uint8_t *p = from_server->data;
    size_t n = from_server->len, at = 0, prefix = 0;
    while (at + 5 <= n && p[at] != CL_CT_APPLICATION_DATA)
        at += 5 + ((size_t)p[at + 3] << 8 | p[at + 4]);
    prefix = at > n ? n : at;
    cl_wr_u16(out, (uint16_t)prefix);
    cl_wr_bytes(out, p, prefix);
    cl_record_keys k;
    memset(&k, 0, sizeof k);
    size_t key = 0;
    int rc = 0, have = 0;
    uint8_t *rec = malloc(n ? n : 1);
    while (rc == 0 && at + 5 <= n) {
        size_t len = 5 + ((size_t)p[at + 3] << 8 | p[at + 4]);
        if (at + len > n)
            break;
        uint8_t type, *plain;
        size_t plain_len;
        for (;;) {
            if (!have) {
                if (key >= srv_keys.n) {
                    rc = -1;
                    break;
                }
                cl_record_keys_set(&k, cr_aead_new(srv_keys.aead, srv_keys.key[key], 0),
                                   srv_keys.iv[key], 12, 0);
                key++, have = 1;
            }
            memcpy(rec, p + at, len);
            uint64_t seq = k.seq;
            if (cl_record_open(&k, rec, len, &type, &plain, &plain_len) == CL_REC_OK)
                break;
            k.seq = seq;
            have = 0; /* the next key */
        }
        if (rc)
            break;
        cl_wr_u8(out, type);
        cl_wr_u16(out, (uint16_t)plain_len);
        cl_wr_bytes(out, plain, plain_len);
        at += len;
    }
    free(rec);
    cl_record_keys_clear(&k);
    return rc;
}

/* Replays a stream through the fuzz driver into a fresh connection of the
 * given mode and says how far it got. want_done: whether it must complete
 * the handshake and see the peer's close_notify. */
static void replay(int server, unsigned mode, const uint8_t *stream, size_t len, int want_done,
                   const char *name)
{
    clasp_config *cfg = server ? fz_server_config(mode) : fz_client_config(mode);
    clasp_conn *c = server ? fz_server_conn(cfg, mode) : fz_client_conn(cfg, mode);
    if (!server && clasp_conn_handshake(c) != CLASP_WANT_READ) {
        fprintf(stderr, "make_seeds: %s: the client did not start: %s\n", name,
                clasp_conn_error_text(c));
        failures++;
    } else {
        fz_drain(c);
        if (!server && fz_client_inject(mode))
            fz_run_inject(c, stream, len);
        else
            fz_run(c, stream, len);
        int done = clasp_conn_handshake_done(c) && c->peer_closed && c->err_kind == CLASP_E_NONE;
        printf("  replay %-13s %-24s %s%s%s\n", server ? "fuzz_server" : "fuzz_client", name,
               done ? "handshake done, close_notify seen" : "stopped: ",
               done ? "" : clasp_conn_error_text(c), want_done && !done ? "  <-- UNEXPECTED" : "");
        if (want_done && !done)
            failures++;
    }
    fz_conn_free(c);
    clasp_config_free(cfg);
}

/* The recorded handshakes. A seed "replays" when fed to a fresh target
 * connection of its mode it completes the handshake and reaches
 * close_notify. */
static const struct {
    const char *name;
    unsigned cli;
    const char *ciphers;       /* other client suites: no fuzz_client mode matches */
    unsigned srv;
    int server_replays, client_replays;
    const char *groups;        /* other client groups: no fuzz_client mode matches */
} cases[] = {
    /* TLS 1.3 with the test hooks on both sides: both directions replay. */
    {"hooks.bin", FZ_CLI_HOOKS, NULL, FZ_SRV_FIXED, 1, 1, NULL},
    {"client-auth.bin", FZ_CLI_HOOKS | FZ_CLI_CERT, NULL, FZ_SRV_FIXED | FZ_SRV_CLIENT_AUTH, 1, 1, NULL},
    {"client-auth-nocert.bin", FZ_CLI_HOOKS, NULL, FZ_SRV_FIXED | FZ_SRV_CLIENT_AUTH, 1, 1, NULL},
    {"alpn.bin", FZ_CLI_HOOKS | FZ_CLI_ALPN, NULL, FZ_SRV_FIXED | FZ_SRV_ALPN, 1, 1, NULL},
    {"resume.bin", FZ_CLI_HOOKS | FZ_CLI_RESUME, NULL, FZ_SRV_FIXED, 1, 1, NULL},
    /* HelloRetryRequest: the cookie comes from the hooks' random too. */
    {"hrr.bin", FZ_CLI_HOOKS, NULL, FZ_SRV_FIXED | FZ_SRV_HRR, 1, 1, NULL},
    /* A real-random client with the middlebox-compatibility CCS: its bytes
     * replay into the fixed server (which is deterministic). */
    {"compat-ccs.bin", FZ_CLI_RANDOM, NULL, FZ_SRV_FIXED, 1, 0, NULL},
    /* TLS 1.2 with the hooks and the fixed (Ed25519) PKI: both directions. */
    {"tls12.bin", FZ_CLI_HOOKS | FZ_CLI_TLS12, NULL, FZ_SRV_FIXED, 1, 1, NULL},
    {"tls12-client-auth.bin", FZ_CLI_HOOKS | FZ_CLI_TLS12 | FZ_CLI_CERT, NULL,
     FZ_SRV_FIXED | FZ_SRV_CLIENT_AUTH, 1, 1, NULL},
    {"tls12-resume.bin", FZ_CLI_HOOKS | FZ_CLI_TLS12 | FZ_CLI_RESUME, NULL, FZ_SRV_FIXED, 1, 1, NULL},
    /* The fixed RSA certificate: RSA key transport replays into the server
     * (the premaster is the hooks'), and so do ECDHE/DHE-RSA, since these
     * clients offer only deterministic signature schemes (see record).
     * No fuzz_client mode offers these suites. */
    {"tls12-ecdhe-rsa.bin", FZ_CLI_HOOKS | FZ_CLI_TLS12, "ECDHE-RSA-AES128-GCM-SHA256", FZ_SRV_FIXED | FZ_SRV_RSA, 1, 0, NULL},
    {"tls12-dhe-rsa.bin", FZ_CLI_HOOKS | FZ_CLI_TLS12, "DHE-RSA-AES256-GCM-SHA384", FZ_SRV_FIXED | FZ_SRV_RSA, 1, 0, NULL},
    {"tls12-rsa-kx.bin", FZ_CLI_HOOKS | FZ_CLI_TLS12, "AES128-GCM-SHA256", FZ_SRV_FIXED | FZ_SRV_RSA, 1, 0, NULL},
    /* The fixed server replays it; the client's own ClientHello (another
     * suite list) does not match the fuzz_client modes. */
    {"tls12-chacha.bin", FZ_CLI_HOOKS | FZ_CLI_TLS12, "ECDHE-ECDSA-CHACHA20-POLY1305", FZ_SRV_FIXED, 1, 0, NULL},
    /* Hybrid ML-KEM key exchange: the hooks fix the ML-KEM seeds too.
     * Two shares (X25519MLKEM768, x25519), the server encapsulates. */
    {"hybrid.bin", FZ_CLI_HOOKS | FZ_CLI_HYBRID, NULL, FZ_SRV_FIXED | FZ_SRV_HYBRID, 1, 1, NULL},
    {"hybrid-resume.bin", FZ_CLI_HOOKS | FZ_CLI_HYBRID | FZ_CLI_RESUME, NULL,
     FZ_SRV_FIXED | FZ_SRV_HYBRID, 1, 1, NULL},
    /* HelloRetryRequest to SecP384r1MLKEM1024: the client's second share is
     * an ML-KEM-1024 key, the server's a ciphertext + P-384 share. */
    {"hybrid-hrr.bin", FZ_CLI_HOOKS | FZ_CLI_HYBRID, NULL,
     FZ_SRV_FIXED | FZ_SRV_HYBRID | FZ_SRV_HRR, 1, 1, NULL},
    {"hybrid-p256.bin", FZ_CLI_HOOKS, NULL, FZ_SRV_FIXED | FZ_SRV_HYBRID, 1, 0,
     "SecP256r1MLKEM768:secp256r1"},
    /* OCSP stapling: TLS 1.3 (CertificateEntry extension), TLS 1.2
     * (CertificateStatus). */
    {"ocsp.bin", FZ_CLI_HOOKS | FZ_CLI_OCSP, NULL, FZ_SRV_FIXED | FZ_SRV_EXT | FZ_SRX_OCSP, 1, 1, NULL},
    {"ocsp-tls12.bin", FZ_CLI_HOOKS | FZ_CLI_OCSP | FZ_CLI_TLS12, NULL,
     FZ_SRV_FIXED | FZ_SRV_EXT | FZ_SRX_OCSP, 1, 1, NULL},
    /* Callbacks: ClientHello select + ALPN; the private key answering later
     * (Ed25519 signatures are deterministic; RSA decryption too). */
    {"select.bin", FZ_CLI_HOOKS, NULL, FZ_SRV_FIXED | FZ_SRV_EXT | FZ_SRX_SELECT, 1, 1, NULL},
    {"select-alpn-cb.bin", FZ_CLI_HOOKS | FZ_CLI_ALPN, NULL,
     FZ_SRV_FIXED | FZ_SRV_EXT | FZ_SRX_SELECT | FZ_SRX_ALPN_CB, 1, 1, NULL},
    {"key-async.bin", FZ_CLI_HOOKS, NULL, FZ_SRV_FIXED | FZ_SRV_EXT | FZ_SRX_KEY, 1, 1, NULL},
    {"key-async-tls12.bin", FZ_CLI_HOOKS | FZ_CLI_TLS12, NULL,
     FZ_SRV_FIXED | FZ_SRV_EXT | FZ_SRX_KEY, 1, 1, NULL},
    {"key-async-rsa-kx.bin", FZ_CLI_HOOKS | FZ_CLI_TLS12, "AES128-GCM-SHA256",
     FZ_SRV_FIXED | FZ_SRV_RSA | FZ_SRV_EXT | FZ_SRX_KEY, 1, 0, NULL},
    /* A session store: its tickets are random ids, which only the
     * client's later flights carry (none here). */
    {"store.bin", FZ_CLI_HOOKS, NULL, FZ_SRV_FIXED | FZ_SRV_EXT | FZ_SRX_STORE, 1, 1, NULL},
    {"store-tls12.bin", FZ_CLI_HOOKS | FZ_CLI_TLS12, NULL, FZ_SRV_FIXED | FZ_SRV_EXT | FZ_SRX_STORE,
     1, 1, NULL},
};
#define N_CASES (sizeof cases / sizeof cases[0])

/* The sessions RESUME offers: made first, kept in OUTDIR/sessions/ (and
 * embedded in the fuzz targets at their next build). */
static void session_seeds(void)
{
    static cl_buf s13, s12;
    recording r;
    for (int tls12 = 0; tls12 < 2; tls12++) {
        int rc = record(FZ_CLI_HOOKS | (tls12 ? FZ_CLI_TLS12 : 0), NULL, NULL, FZ_SRV_FIXED, &r,
                        tls12 ? &s12 : &s13);
        cl_buf_free(&r.from_client);
        cl_buf_free(&r.from_server);
        if (rc) {
            fprintf(stderr, "make_seeds: could not make the sessions to resume\n");
            exit(1);
        }
    }
    write_seed("sessions", "tls13.bin", -1, s13.data, s13.len, NULL, 0);
    write_seed("sessions", "tls12.bin", -1, s12.data, s12.len, NULL, 0);
    write_seed("fuzz_session", "tls13.bin", -1, s13.data, s13.len, NULL, 0);
    write_seed("fuzz_session", "tls12.bin", -1, s12.data, s12.len, NULL, 0);
    fz_set_sessions(s13.data, s13.len, s12.data, s12.len);
    /* The TLS 1.3 ticket alone, for fuzz_session's cl_ticket_open. */
    clasp_session *s = clasp_session_from_bytes(s13.data, s13.len);
    if (s && s->s.ticket_len)
        write_seed("fuzz_session", "ticket13.bin", -1, s->s.ticket, s->s.ticket_len, NULL, 0);
    clasp_session_free(s);
}

static void handshake_seeds(void)
{
    for (size_t i = 0; i < N_CASES; i++) {
        recording r;
        if (record(cases[i].cli, cases[i].ciphers, cases[i].groups, cases[i].srv, &r, NULL) == 0) {
            write_seed("fuzz_server", cases[i].name, (int)cases[i].srv, r.from_client.data,
                       r.from_client.len, NULL, 0);
            replay(1, cases[i].srv, r.from_client.data, r.from_client.len,
                   cases[i].server_replays, cases[i].name);
            if ((cases[i].cli & FZ_CLI_KIND_MASK) != FZ_CLI_RANDOM) {
                write_seed("fuzz_client", cases[i].name, (int)cases[i].cli, r.from_server.data,
                           r.from_server.len, NULL, 0);
                replay(0, cases[i].cli, r.from_server.data, r.from_server.len,
                       cases[i].client_replays, cases[i].name);
            }
            if (cases[i].cli & FZ_CLI_OCSP) {
                /* The same to a verifying client: it parses the whole
                 * response, then refuses its unauthorised signer. */
                unsigned m = (cases[i].cli & ~FZ_CLI_KIND_MASK) | FZ_CLI_VERIFY;
                char name[64];
                snprintf(name, sizeof name, "verify-%s", cases[i].name);
                write_seed("fuzz_client", name, (int)m, r.from_server.data, r.from_server.len,
                           NULL, 0);
                replay(0, m, r.from_server.data, r.from_server.len, 0, name);
            }
            unsigned cm = cases[i].cli;
            if (srv_keys.tls13 && (cm & FZ_CLI_KIND_MASK) == FZ_CLI_HOOKS &&
                cases[i].client_replays && !(cm & FZ_CLI_TLS12)) {
                /* The same flight in the clear, for the INJECT kind. */
                unsigned m = (cm & ~FZ_CLI_KIND_MASK) | FZ_CLI_RFC8448 | FZ_CLI_INJECT_MARK;
                cl_buf in;
                char name[64];
                snprintf(name, sizeof name, "inject-%s", cases[i].name);
                if (inject_seed(&r.from_server, &in) == 0) {
                    write_seed("fuzz_client", name, (int)m, in.data, in.len, NULL, 0);
                    /* With OCSP it verifies: it stops at the unauthorised responder. */
                    replay(0, m, in.data, in.len, !(cm & FZ_CLI_OCSP), name);
                } else {
                    fprintf(stderr, "make_seeds: %s: the server's records do not open\n", name);
                    failures++;
                }
                cl_buf_free(&in);
            }
            if (i == 0) {
                /* The same server bytes to a verifying client. */
                unsigned m = (cases[i].cli & ~FZ_CLI_KIND_MASK) | FZ_CLI_VERIFY;
                write_seed("fuzz_client", "hooks-verify.bin", (int)m, r.from_server.data,
                           r.from_server.len, NULL, 0);
                replay(0, m, r.from_server.data, r.from_server.len, 1, "hooks-verify.bin");
            }
        }
        cl_buf_free(&r.from_client);
        cl_buf_free(&r.from_server);
    }
}

/* --check DIR: replays the committed handshake seeds and says which no
 * longer get as far as they should (after a change to what either side
 * sends: regenerate them). */
static void check_one(const char *dir, const char *target, const char *name, int want)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/%s", dir, target, name);
    size_t len;
    uint8_t *p = cl_read_file(path, &len);
    if (!p || len < 1) {
        printf("  missing %s\n", path);
        free(p);
        return;
    }
    int server = !strcmp(target, "fuzz_server");
    size_t skip = 1;
    unsigned mode = server ? fz_server_mode(p, len, &skip) : p[0] % FZ_CLI_MODES;
    replay(server, mode, p + skip, len - skip, want, name);
    free(p);
}

static int check(const char *dir)
{
    for (size_t i = 0; i < N_CASES; i++) {
        check_one(dir, "fuzz_server", cases[i].name, cases[i].server_replays);
        if ((cases[i].cli & FZ_CLI_KIND_MASK) != FZ_CLI_RANDOM)
            check_one(dir, "fuzz_client", cases[i].name, cases[i].client_replays);
    }
    for (size_t i = 0; i < N_CASES; i++) {
        unsigned cm = cases[i].cli;
        if ((cm & FZ_CLI_KIND_MASK) == FZ_CLI_HOOKS && cases[i].client_replays &&
            !(cm & FZ_CLI_TLS12) && !(cases[i].srv & FZ_SRV_TLS12)) {
            char name[64];
            snprintf(name, sizeof name, "inject-%s", cases[i].name);
            check_one(dir, "fuzz_client", name, !(cm & FZ_CLI_OCSP));
        }
    }
    check_one(dir, "fuzz_client", "hooks-verify.bin", 1);
    check_one(dir, "fuzz_client", "rfc8448.bin", 1);
    if (failures) {
        fprintf(stderr, "make_seeds: %d seed(s) in %s no longer replay to the end: regenerate "
                        "them (docs/FUZZING.md)\n", failures, dir);
        return 1;
    }
    printf("make_seeds: the seeds in %s replay as expected\n", dir);
    return 0;
}

static void rfc8448_seeds(void)
{
    /* The trace's server records, to the RFC 8448 client. */
    cl_buf s;
    cl_buf_init(&s, 0);
    cl_wr_bytes(&s, rfc8448_server_hello_record, sizeof rfc8448_server_hello_record);
    cl_wr_bytes(&s, rfc8448_server_flight_record, sizeof rfc8448_server_flight_record);
    cl_wr_bytes(&s, rfc8448_ticket_record, sizeof rfc8448_ticket_record);
    cl_wr_bytes(&s, rfc8448_server_app_record, sizeof rfc8448_server_app_record);
    cl_wr_bytes(&s, rfc8448_server_alert_record, sizeof rfc8448_server_alert_record);
    write_seed("fuzz_client", "rfc8448.bin", FZ_CLI_RFC8448, s.data, s.len, NULL, 0);
    replay(0, FZ_CLI_RFC8448, s.data, s.len, 1, "rfc8448.bin");
    cl_buf_free(&s);
    /* The trace's client records, to a server (they end at its Finished,
     * which only the RFC's own server would accept). */
    write_seed("fuzz_server", "rfc8448.bin", 0, rfc8448_client_hello_record,
               sizeof rfc8448_client_hello_record, rfc8448_client_finished_record,
               sizeof rfc8448_client_finished_record);
}

/* ------------------------------------------------------ record layer */

static void record_seeds(void)
{
    uint8_t head[48];
    static const char text[] = "clasp record-layer seed: some application data";
    static const struct {
        const char *name;
        uint8_t flags;
    } kinds[] = {{"tls13-aes128.bin", 0x00},  {"tls13-aes256.bin", 0x01},
                 {"tls13-chacha.bin", 0x02},  {"plaintext.bin", 0x03},
                 {"tls12-aes128.bin", 0x04},  {"tls12-aes256-iv12.bin", 0x0d},
                 {"tls12-chacha.bin", 0x06},  {"tls13-seq-wrap.bin", 0x10}};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        for (size_t j = 0; j < sizeof head; j++)
            head[j] = (uint8_t)(j * 37 + 11);
        head[0] = kinds[i].flags;
        head[1] = CL_CT_APPLICATION_DATA;
        write_seed("fuzz_record", kinds[i].name, -1, head, sizeof head, (const uint8_t *)text,
                   sizeof text - 1);
    }
    /* RFC 8448's NewSessionTicket record under the server application key
     * (sequence 0): the raw-open step decrypts it for real. */
    memset(head, 0, sizeof head);
    head[0] = 0x00;
    head[1] = CL_CT_HANDSHAKE;
    memcpy(head + 2, rfc8448_server_ap_key, sizeof rfc8448_server_ap_key);
    memcpy(head + 34, rfc8448_server_ap_iv, sizeof rfc8448_server_ap_iv);
    write_seed("fuzz_record", "rfc8448-ticket.bin", -1, head, sizeof head, rfc8448_ticket_record,
               sizeof rfc8448_ticket_record);
}

/* --------------------------------------------------- certificates, keys */

static uint8_t *read_or_die(const char *path, size_t *len)
{
    uint8_t *p = cl_read_file(path, len);
    if (!p) {
        perror(path);
        exit(1);
    }
    return p;
}

static cl_buf first_der;
static int keep_first(void *arg, const uint8_t *der, size_t len)
{
    (void)arg;
    if (first_der.len == 0)
        cl_wr_bytes(&first_der, der, len);
    return 0;
}

static void pki_seeds(const char *dir, const char *prefix)
{
    size_t cert_len, key_len, ca_len;
    uint8_t *cert = read_or_die(fz_path(dir, "cert.pem"), &cert_len);
    uint8_t *key = read_or_die(fz_path(dir, "key.pem"), &key_len);
    uint8_t *ca = read_or_die(fz_path(dir, "ca.pem"), &ca_len);
    char name[64];
    snprintf(name, sizeof name, "%s-chain-and-key.pem", prefix);
    write_seed("fuzz_certload", name, -1, cert, cert_len, key, key_len);
    snprintf(name, sizeof name, "%s-ca.pem", prefix);
    write_seed("fuzz_certload", name, -1, ca, ca_len, NULL, 0);
    cl_buf_init(&first_der, 0);
    if (cl_pem_each(cert, cert_len, "CERTIFICATE", keep_first, NULL) > 0) {
        snprintf(name, sizeof name, "%s-cert.der", prefix);
        write_seed("fuzz_certload", name, -1, first_der.data, first_der.len, NULL, 0);
    }
    cl_buf_reset(&first_der);
    if (cl_pem_each(key, key_len, "PRIVATE KEY", keep_first, NULL) > 0) {
        snprintf(name, sizeof name, "%s-key.der", prefix);
        write_seed("fuzz_certload", name, -1, first_der.data, first_der.len, NULL, 0);
    }
    cl_buf_free(&first_der);
    free(cert);
    free(key);
    free(ca);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 3 && !strcmp(argv[1], "--check"))
        return check(argv[2]);
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: make_seeds OUTDIR          write the seeds (e.g. fuzz/corpus)\n"
                        "       make_seeds --check DIR     replay the seeds in DIR\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    outdir = argv[1];
    if (mkdir(outdir, 0755) && errno != EEXIST) {
        perror(outdir);
        return 1;
    }
    session_seeds();
    handshake_seeds();
    rfc8448_seeds();
    record_seeds();
    pki_seeds(fz_pki_dir(FZ_PKI_FIXED), "ed25519");
    pki_seeds(fz_pki_dir(FZ_PKI_ECDSA), "ecdsa");
    pki_seeds(fz_pki_dir(FZ_PKI_RSA), "rsa");
    if (failures) {
        fprintf(stderr, "make_seeds: %d problem(s); see above\n", failures);
        return 1;
    }
    printf("make_seeds: wrote seeds under %s/; reconfigure and rebuild the fuzz targets so "
           "they embed %s/sessions/ (scripts/fuzz.sh does)\n", outdir, outdir);
    return 0;
}
