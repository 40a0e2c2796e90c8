/* SPDX-License-Identifier: Apache-2.0 */
/* OpenSSL's libssl (the system's, same libcrypto as clasp) over an in-memory
 * transport.
 *
 * The transport is a custom BIO with no buffer of its own: a write appends
 * to a byte queue the harness owns, a read takes from the other direction's
 * queue. So, as with a socket BIO, the copy into and out of the transport
 * happens inside SSL_write/SSL_read (and is charged to that side), and the
 * connection's memory is only what libssl allocates, not transport buffers
 * (a BIO pair or memory BIO would add its own buffers to every connection).
 * The queues are allocated before any measurement. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "bench.h"

/* ------------------------------------------------------------ transport */

typedef struct {
    uint8_t *buf;
    size_t cap, head, tail;
} queue;

/* One per connection pair: [0] client to server, [1] server to client. */
typedef struct {
    queue q[2];
} pipe_t;

/* What a BIO reads from and writes to. */
typedef struct {
    queue *rx, *tx;
} pipe_end;

static BIO_METHOD *g_meth;

static int q_init(queue *q, size_t cap)
{
    q->buf = malloc(cap);
    q->cap = cap;
    q->head = q->tail = 0;
    return q->buf ? 0 : -1;
}

static int pipe_init(pipe_t *p)
{
    return q_init(&p->q[0], 256 * 1024) || q_init(&p->q[1], 256 * 1024) ? -1 : 0;
}

static void pipe_free(pipe_t *p)
{
    free(p->q[0].buf);
    free(p->q[1].buf);
}

static int pipe_write(BIO *b, const char *data, size_t len, size_t *written)
{
    pipe_end *e = BIO_get_data(b);
    queue *q = e->tx;
    BIO_clear_retry_flags(b);
    if (q->head == q->tail)
        q->head = q->tail = 0;
    if (q->tail + len > q->cap) {
        if (q->head > 0) {
            memmove(q->buf, q->buf + q->head, q->tail - q->head);
            q->tail -= q->head;
            q->head = 0;
        }
        if (q->tail + len > q->cap) {
            size_t cap = q->cap * 2 > q->tail + len ? q->cap * 2 : q->tail + len;
            uint8_t *nb = realloc(q->buf, cap);
            if (!nb)
                return 0;
            q->buf = nb;
            q->cap = cap;
        }
    }
    memcpy(q->buf + q->tail, data, len);
    q->tail += len;
    *written = len;
    return 1;
}

static int pipe_read(BIO *b, char *out, size_t len, size_t *readbytes)
{
    pipe_end *e = BIO_get_data(b);
    queue *q = e->rx;
    BIO_clear_retry_flags(b);
    size_t avail = q->tail - q->head;
    if (avail == 0) {
        BIO_set_retry_read(b);
        *readbytes = 0;
        return 0;
    }
    size_t n = len < avail ? len : avail;
    memcpy(out, q->buf + q->head, n);
    q->head += n;
    *readbytes = n;
    return 1;
}

static long pipe_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    (void)num, (void)ptr;
    pipe_end *e = BIO_get_data(b);
    switch (cmd) {
    case BIO_CTRL_FLUSH:
    case BIO_CTRL_DUP:
        return 1;
    case BIO_CTRL_PENDING:
        return e ? (long)(e->rx->tail - e->rx->head) : 0;
    default:
        return 0;
    }
}

static int pipe_create(BIO *b)
{
    BIO_set_init(b, 1);
    return 1;
}

static int pipe_bio_method_init(void)
{
    if (g_meth)
        return 0;
    g_meth = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "clasp-bench pipe");
    if (!g_meth || !BIO_meth_set_write_ex(g_meth, pipe_write) ||
        !BIO_meth_set_read_ex(g_meth, pipe_read) || !BIO_meth_set_ctrl(g_meth, pipe_ctrl) ||
        !BIO_meth_set_create(g_meth, pipe_create))
        return -1;
    return 0;
}

/* -------------------------------------------------------------- running */

typedef struct {
    const scenario *s;
    SSL_CTX *srv, *cli;
    void *session;
    pipe_t pipe; /* the transport for the one pair alive at a time */
    pipe_end srv_end, cli_end;
} ctx;

#define CHUNK 16384 /* bulk: bytes per write */

static void ssl_errors(char *err, size_t errlen, const char *what, SSL *cli)
{
    char buf[256] = "";
    unsigned long e, last = 0;
    while ((e = ERR_get_error()) != 0)
        last = e;
    if (last)
        ERR_error_string_n(last, buf, sizeof buf);
    long v = cli ? SSL_get_verify_result(cli) : X509_V_OK;
    snprintf(err, errlen, "OpenSSL %s: %s%s%s", what, buf[0] ? buf : "no error queued",
             v != X509_V_OK ? "; certificate verification: " : "",
             v != X509_V_OK ? X509_verify_cert_error_string(v) : "");
}

static void attach(SSL *ssl, BIO *b, pipe_end *end)
{
    BIO_set_data(b, end);
    SSL_set_bio(ssl, b, b);
}

static SSL *new_server(SSL_CTX *sctx, pipe_end *end)
{
    SSL *ssl = SSL_new(sctx);
    BIO *b = ssl ? BIO_new(g_meth) : NULL;
    if (!b) {
        SSL_free(ssl);
        return NULL;
    }
    attach(ssl, b, end);
    SSL_set_accept_state(ssl);
    return ssl;
}

static SSL *new_client(SSL_CTX *cctx, pipe_end *end)
{
    SSL *ssl = SSL_new(cctx);
    BIO *b = ssl ? BIO_new(g_meth) : NULL;
    if (!b) {
        SSL_free(ssl);
        return NULL;
    }
    attach(ssl, b, end);
    SSL_set_connect_state(ssl);
    /* SNI and the name the certificate must match. */
    if (SSL_set_tlsext_host_name(ssl, "localhost") != 1 || SSL_set1_host(ssl, "localhost") != 1) {
        SSL_free(ssl);
        return NULL;
    }
    return ssl;
}

/* SSL_free on a client that did not shut down marks its session not
 * resumable (ssl_clear_bad_session); a client that resumes, as a real one
 * would after SSL_shutdown, keeps it usable. */
static void free_client(const ctx *x, SSL *cli)
{
    if (cli && x->s->resume)
        SSL_set_shutdown(cli, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    SSL_free(cli);
}

/* One connection pair and its handshake, every library call
 * timed. With keep, the pair is returned instead of freed. */
static int one_handshake(ctx *x, pipe_end *srv_end, pipe_end *cli_end, cpu_acc *acc,
                         SSL **keep_srv, SSL **keep_cli, char *err, size_t errlen)
{
    SSL *srv = NULL, *cli = NULL;
    int ok;
    TIMED(acc, SIDE_SERVER, srv = new_server(x->srv, srv_end));
    TIMED(acc, SIDE_CLIENT, cli = new_client(x->cli, cli_end));
    ok = srv && cli;
    if (!ok) {
        ssl_errors(err, errlen, "connection setup failed", NULL);
        goto fail;
    }
    if (x->s->resume) {
        int rc;
        TIMED(acc, SIDE_CLIENT, rc = x->s->openssl->offer_session(cli, x->session));
        if (rc) {
            ssl_errors(err, errlen, "SSL_set_session failed", NULL);
            goto fail;
        }
    }
    int cdone = 0, sdone = 0;
    for (int i = 0; i < 64 && !(cdone && sdone); i++) {
        int rc, e;
        if (!cdone) {
            TIMED(acc, SIDE_CLIENT, rc = SSL_do_handshake(cli); e = rc == 1 ? 0 : SSL_get_error(cli, rc));
            if (rc == 1)
                cdone = 1;
            else if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
                ssl_errors(err, errlen, "client handshake failed", cli);
                goto fail;
            }
        }
        if (!sdone) {
            TIMED(acc, SIDE_SERVER, rc = SSL_do_handshake(srv); e = rc == 1 ? 0 : SSL_get_error(srv, rc));
            if (rc == 1)
                sdone = 1;
            else if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
                ssl_errors(err, errlen, "server handshake failed", cli);
                goto fail;
            }
        }
    }
    if (!cdone || !sdone) {
        snprintf(err, errlen, "OpenSSL: the handshake did not finish");
        goto fail;
    }
    if (x->s->resume && !SSL_session_reused(cli)) {
        snprintf(err, errlen, "OpenSSL: the handshake did not resume the session");
        goto fail;
    }
    if (keep_srv) {
        *keep_srv = srv;
        *keep_cli = cli;
    } else {
        TIMED(acc, SIDE_CLIENT, free_client(x, cli));
        TIMED(acc, SIDE_SERVER, SSL_free(srv));
    }
    return 0;
fail:
    SSL_free(cli);
    SSL_free(srv);
    return -1;
}

static void pipe_reset(ctx *x)
{
    for (int i = 0; i < 2; i++)
        x->pipe.q[i].head = x->pipe.q[i].tail = 0;
}

static void teardown(void *p)
{
    ctx *x = p;
    if (!x)
        return;
    if (x->session && x->s->openssl->free_session)
        x->s->openssl->free_session(x->session);
    SSL_CTX_free(x->srv);
    SSL_CTX_free(x->cli);
    pipe_free(&x->pipe);
    free(x);
}

static void *setup(const scenario *s, const bench_pki *pki, char *err, size_t errlen)
{
    if (pipe_bio_method_init()) {
        snprintf(err, errlen, "OpenSSL: cannot make the BIO method");
        return NULL;
    }
    ctx *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    x->s = s;
    if (pipe_init(&x->pipe)) {
        free(x);
        return NULL;
    }
    x->srv_end = (pipe_end){.rx = &x->pipe.q[0], .tx = &x->pipe.q[1]};
    x->cli_end = (pipe_end){.rx = &x->pipe.q[1], .tx = &x->pipe.q[0]};
    x->srv = SSL_CTX_new(TLS_server_method());
    x->cli = SSL_CTX_new(TLS_client_method());
    if (!x->srv || !x->cli || s->openssl->config(pki, x->srv, x->cli)) {
        ssl_errors(err, errlen, "configuration failed", NULL);
        teardown(x);
        return NULL;
    }
    if (s->resume) {
        cpu_acc acc = {0};
        SSL *srv, *cli;
        ctx prime = *x;
        scenario full = *s;
        full.resume = 0;
        prime.s = &full;
        if (one_handshake(&prime, &x->srv_end, &x->cli_end, &acc, &srv, &cli, err, errlen)) {
            teardown(x);
            return NULL;
        }
        x->session = s->openssl->save_session(cli);
        SSL_set_shutdown(cli, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
        SSL_free(cli);
        SSL_free(srv);
        pipe_reset(x);
        if (!x->session) {
            snprintf(err, errlen, "OpenSSL: the priming handshake left no resumable session");
            teardown(x);
            return NULL;
        }
    }
    return x;
}

/* Counts the NewSessionTickets a client receives (describe only). */
static void count_tickets(int write_p, int version, int content_type, const void *buf, size_t len,
                          SSL *ssl, void *arg)
{
    (void)version, (void)ssl;
    if (!write_p && content_type == SSL3_RT_HANDSHAKE && len > 0 &&
        ((const uint8_t *)buf)[0] == SSL3_MT_NEWSESSION_TICKET)
        ++*(int *)arg;
}

static int describe(void *p, char *out, size_t outlen, char *err, size_t errlen)
{
    ctx *x = p;
    cpu_acc acc = {0};
    SSL *srv, *cli;
    int tickets = 0;
    SSL_CTX_set_msg_callback(x->cli, count_tickets);
    SSL_CTX_set_msg_callback_arg(x->cli, &tickets);
    int hrc = one_handshake(x, &x->srv_end, &x->cli_end, &acc, &srv, &cli, err, errlen);
    SSL_CTX_set_msg_callback(x->cli, NULL);
    SSL_CTX_set_msg_callback_arg(x->cli, NULL);
    if (hrc)
        return -1;
    uint8_t b;
    (void)SSL_read(cli, &b, 1); /* TLS 1.3 tickets come after the handshake */
    ERR_clear_error();
    const SSL_CIPHER *c = SSL_get_current_cipher(cli);
    const char *suite = c ? SSL_CIPHER_standard_name(c) : NULL;
    int gnid = SSL_get_negotiated_group(cli);
    const char *group = gnid > 0 ? OBJ_nid2sn(gnid) : NULL;
    int sig_type = 0, sig_md = 0;
    SSL_get_peer_signature_type_nid(cli, &sig_type);
    SSL_get_peer_signature_nid(cli, &sig_md);
    STACK_OF(X509) *chain = SSL_get_peer_cert_chain(cli);
    int rc = 0;
    if ((uint16_t)SSL_version(cli) != x->s->version || !suite || strcmp(suite, x->s->suite) ||
        (x->s->group && (!group || strcasecmp(group, x->s->group)))) {
        snprintf(err, errlen, "OpenSSL negotiated %s %s %s, expected %s %s", SSL_get_version(cli),
                 suite ? suite : "?", group ? group : "-", x->s->suite,
                 x->s->group ? x->s->group : "-");
        rc = -1;
    }
    if (SSL_get_verify_result(cli) != X509_V_OK) {
        snprintf(err, errlen, "OpenSSL: verification did not succeed");
        rc = -1;
    }
    if (!x->s->resume && tickets) {
        snprintf(err, errlen, "OpenSSL: the server sent a ticket in a full-handshake scenario");
        rc = -1;
    }
    snprintf(out, outlen, "%s %s %s sig=%s+%s verified-chain=%d-certs resumed=%d tickets=%d",
             SSL_get_version(cli), suite ? suite : "?", group ? group : "-",
             sig_type ? OBJ_nid2sn(sig_type) : "-", sig_md ? OBJ_nid2sn(sig_md) : "-",
             chain ? sk_X509_num(chain) : 0, (int)SSL_session_reused(cli), tickets);
    free_client(x, cli);
    SSL_free(srv);
    pipe_reset(x);
    return rc;
}

static int handshakes(void *p, int n, hs_result *r, char *err, size_t errlen)
{
    ctx *x = p;
    cpu_acc acc = {0};
    uint64_t w0 = bench_wall_ns();
    for (int i = 0; i < n; i++) {
        if (one_handshake(x, &x->srv_end, &x->cli_end, &acc, NULL, NULL, err, errlen)) {
            size_t l = strlen(err);
            snprintf(err + l, errlen - l, " (handshake %d of %d)", i + 1, n);
            return -1;
        }
        pipe_reset(x); /* e.g. an unread ticket */
    }
    uint64_t wall = bench_wall_ns() - w0;
    r->server_us = acc_us(&acc, SIDE_SERVER) / n;
    r->client_us = acc_us(&acc, SIDE_CLIENT) / n;
    r->wall_us = (double)wall / 1e3 / n;
    r->server_calls = (double)acc.calls[SIDE_SERVER] / n;
    r->client_calls = (double)acc.calls[SIDE_CLIENT] / n;
    return 0;
}

static uint8_t pattern[2 * CHUNK];
static void fill_pattern(void)
{
    for (size_t i = 0; i < sizeof pattern; i++)
        pattern[i] = (uint8_t)((i % CHUNK) * 131 + 7);
}

/* Server side of one bulk turn, one timed interval: read until nothing is
 * left (or rbuf is full). Returns the bytes read, or -1 on failure. */
static long server_turn(SSL *srv, uint8_t *rbuf, size_t cap)
{
    size_t have = 0;
    while (cap - have >= CHUNK) {
        size_t n = 0;
        if (!SSL_read_ex(srv, rbuf + have, CHUNK, &n))
            return SSL_get_error(srv, 0) == SSL_ERROR_WANT_READ ? (long)have : -1;
        have += n;
    }
    return (long)have;
}

/* The client writes `bytes` in CHUNK writes, `batch` of them per turn; then
 * the server reads until nothing is left. One timed interval per side per
 * turn, as in the clasp run; checking the bytes is outside the intervals. */
static int bulk(void *p, size_t bytes, int batch, bulk_result *r, char *err, size_t errlen)
{
    ctx *x = p;
    cpu_acc acc = {0};
    SSL *srv, *cli;
    if (one_handshake(x, &x->srv_end, &x->cli_end, &acc, &srv, &cli, err, errlen))
        return -1;
    fill_pattern();
    size_t cap = ((size_t)batch + 1) * CHUNK;
    uint8_t *rbuf = malloc(cap);
    memset(&acc, 0, sizeof acc);
    size_t sent = 0, got = 0;
    int rc = 0;
    while (rc == 0 && sent < bytes) {
        size_t want = 0;
        int bad = 0;
        TIMED(&acc, SIDE_CLIENT, {
            for (int k = 0; k < batch && sent + want < bytes; k++) {
                size_t n = bytes - sent - want < CHUNK ? bytes - sent - want : CHUNK, w = 0;
                bad |= !SSL_write_ex(cli, pattern, n, &w) || w != n;
                want += n;
            }
        });
        if (bad) {
            ssl_errors(err, errlen, "SSL_write failed", NULL);
            rc = -1;
            break;
        }
        sent += want;
        long got_now;
        TIMED(&acc, SIDE_SERVER, got_now = server_turn(srv, rbuf, cap));
        if (got_now < 0 || x->pipe.q[0].tail != x->pipe.q[0].head) {
            ssl_errors(err, errlen, "SSL_read failed", NULL);
            rc = -1;
            break;
        }
        for (size_t off = 0; off < (size_t)got_now; off += CHUNK) {
            size_t len = (size_t)got_now - off < CHUNK ? (size_t)got_now - off : CHUNK;
            if (memcmp(rbuf + off, pattern + (got + off) % CHUNK, len)) {
                snprintf(err, errlen, "OpenSSL: the server read bytes that were not sent");
                rc = -1;
                break;
            }
        }
        got += (size_t)got_now;
    }
    if (rc == 0 && got != bytes) {
        snprintf(err, errlen, "OpenSSL: the server read %zu of %zu bytes", got, bytes);
        rc = -1;
    }
    if (rc == 0) {
        r->client_mb_s = (double)bytes / acc_us(&acc, SIDE_CLIENT);
        r->server_mb_s = (double)bytes / acc_us(&acc, SIDE_SERVER);
    }
    free(rbuf);
    SSL_free(cli);
    SSL_free(srv);
    pipe_reset(x);
    return rc;
}

/* A request and a response of `size` bytes, read to the end on both sides. */
static int exchange(SSL *cli, SSL *srv, size_t size)
{
    uint8_t *msg = calloc(1, size), buf[4096];
    SSL *dir[2][2] = {{cli, srv}, {srv, cli}};
    int rc = msg ? 0 : -1;
    for (int d = 0; d < 2 && rc == 0; d++) {
        size_t w = 0, have = 0, n = 0;
        if (!SSL_write_ex(dir[d][0], msg, size, &w) || w != size) {
            rc = -1;
            break;
        }
        while (SSL_read_ex(dir[d][1], buf, sizeof buf, &n))
            have += n;
        if (SSL_get_error(dir[d][1], 0) != SSL_ERROR_WANT_READ || have != size)
            rc = -1;
    }
    free(msg);
    return rc;
}

/* Live heap per pair after the handshake, and per idle server connection
 * after a request and response of `exchanged` bytes each way. */
static int mem_once(ctx *x, int pairs, size_t exchanged, double *pair_b, double *idle_b,
                    double *leak_b, char *err, size_t errlen)
{
    cpu_acc acc = {0};
    SSL **srv = calloc((size_t)pairs, sizeof *srv), **cli = calloc((size_t)pairs, sizeof *cli);
    pipe_t *pipes = calloc((size_t)pairs, sizeof *pipes);
    pipe_end *ends = calloc((size_t)pairs * 2, sizeof *ends);
    int rc = 0, made = 0;
    for (int i = 0; i < pairs; i++) {
        if (pipe_init(&pipes[i])) {
            snprintf(err, errlen, "out of memory");
            pairs = i + 1;
            rc = -1;
            break;
        }
        ends[2 * i] = (pipe_end){.rx = &pipes[i].q[0], .tx = &pipes[i].q[1]};
        ends[2 * i + 1] = (pipe_end){.rx = &pipes[i].q[1], .tx = &pipes[i].q[0]};
    }
    size_t base = bench_heap_live();
    for (; rc == 0 && made < pairs; made++)
        if (one_handshake(x, &ends[2 * made], &ends[2 * made + 1], &acc, &srv[made], &cli[made],
                          err, errlen)) {
            rc = -1;
            break;
        }
    size_t after_hs = bench_heap_live();
    for (int i = 0; rc == 0 && i < pairs; i++)
        if (exchange(cli[i], srv[i], exchanged)) {
            ssl_errors(err, errlen, "request/response after the handshake failed", NULL);
            rc = -1;
        }
    for (int i = 0; i < made; i++)
        SSL_free(cli[i]);
    size_t idle = bench_heap_live();
    for (int i = 0; i < made; i++)
        SSL_free(srv[i]);
    size_t end = bench_heap_live();
    if (rc == 0) {
        *pair_b = ((double)after_hs - (double)base) / pairs;
        *idle_b = ((double)idle - (double)base) / pairs;
        *leak_b = ((double)end - (double)base) / pairs;
    }
    for (int i = 0; i < pairs; i++)
        pipe_free(&pipes[i]);
    free(pipes);
    free(ends);
    free(srv);
    free(cli);
    return rc;
}

static int mem(void *p, int pairs, mem_result *r, char *err, size_t errlen)
{
    double ignore_pair, ignore_leak;
    if (mem_once(p, pairs, 64, &r->pair_bytes, &r->idle_server_bytes, &r->leaked_bytes, err,
                 errlen))
        return -1;
    return mem_once(p, pairs, 65536, &ignore_pair, &r->idle_after_bulk_bytes, &ignore_leak, err,
                    errlen);
}

const bench_lib bench_lib_openssl = {
    .name = "OpenSSL",
    .setup = setup,
    .teardown = teardown,
    .describe = describe,
    .handshakes = handshakes,
    .bulk = bulk,
    .mem = mem,
};
