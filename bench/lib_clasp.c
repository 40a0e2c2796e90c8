/* SPDX-License-Identifier: Apache-2.0 */
/* clasp through its public sans-I/O API: the harness moves bytes from one
 * connection's output (a pointer, no copy) into the other's clasp_conn_feed.
 *
 * Every server-side library call goes through a srv_clasp_* function and
 * every client-side one through cli_clasp_*, never inlined, so that
 *   valgrind --tool=callgrind --toggle-collect='srv_clasp_*' clasp-bench --only clasp ...
 * collects the server's costs alone (and a perf --call-graph dwarf profile
 * can be split by side the same way). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define NOINLINE __attribute__((noinline))
/* After the call, so the wrapper keeps its own stack frame (no tail call)
 * and sampling profilers (perf --call-graph dwarf) see it too. */
#define KEEP_FRAME() __asm__ volatile("" ::: "memory")

#define SIDE_WRAPPERS(side)                                                                   \
    NOINLINE clasp_conn *side##_clasp_new(clasp_config *cfg)                                  \
    {                                                                                         \
        clasp_conn *c = clasp_conn_new(cfg);                                                  \
        KEEP_FRAME();                                                                         \
        return c;                                                                             \
    }                                                                                         \
    NOINLINE void side##_clasp_free(clasp_conn *c)                                            \
    {                                                                                         \
        clasp_conn_free(c);                                                                   \
        KEEP_FRAME();                                                                         \
    }                                                                                         \
    NOINLINE int side##_clasp_handshake(clasp_conn *c)                                        \
    {                                                                                         \
        int rc = clasp_conn_handshake(c);                                                     \
        KEEP_FRAME();                                                                         \
        return rc;                                                                            \
    }                                                                                         \
    NOINLINE int side##_clasp_feed(clasp_conn *c, const uint8_t *in, size_t len, size_t *used) \
    {                                                                                         \
        int rc = clasp_conn_feed(c, in, len, used);                                           \
        KEEP_FRAME();                                                                         \
        return rc;                                                                            \
    }                                                                                         \
    NOINLINE size_t side##_clasp_output(clasp_conn *c, const uint8_t **out)                   \
    {                                                                                         \
        size_t n = clasp_conn_output(c, out);                                                 \
        KEEP_FRAME();                                                                         \
        return n;                                                                             \
    }                                                                                         \
    NOINLINE void side##_clasp_output_done(clasp_conn *c, size_t n)                           \
    {                                                                                         \
        clasp_conn_output_done(c, n);                                                         \
        KEEP_FRAME();                                                                         \
    }                                                                                         \
    NOINLINE long side##_clasp_read(clasp_conn *c, uint8_t *buf, size_t len)                  \
    {                                                                                         \
        long n = clasp_conn_read(c, buf, len);                                                \
        KEEP_FRAME();                                                                         \
        return n;                                                                             \
    }                                                                                         \
    NOINLINE long side##_clasp_receive(clasp_conn *c, const uint8_t *in, size_t n, size_t *used,  \
                                       uint8_t *buf, size_t len)                              \
    {                                                                                         \
        long r = clasp_conn_receive(c, in, n, used, buf, len);                               \
        KEEP_FRAME();                                                                         \
        return r;                                                                             \
    }                                                                                         \
    NOINLINE long side##_clasp_write(clasp_conn *c, const uint8_t *buf, size_t len)           \
    {                                                                                         \
        long n = clasp_conn_write(c, buf, len);                                               \
        KEEP_FRAME();                                                                         \
        return n;                                                                             \
    }

/* Declared here so the wrappers have prototypes; they are extern so their
 * names survive in the symbol table for callgrind. */
#define SIDE_PROTOS(side)                                                          \
    clasp_conn *side##_clasp_new(clasp_config *cfg);                               \
    void side##_clasp_free(clasp_conn *c);                                         \
    int side##_clasp_handshake(clasp_conn *c);                                     \
    int side##_clasp_feed(clasp_conn *c, const uint8_t *in, size_t len, size_t *used); \
    size_t side##_clasp_output(clasp_conn *c, const uint8_t **out);                \
    void side##_clasp_output_done(clasp_conn *c, size_t n);                        \
    long side##_clasp_read(clasp_conn *c, uint8_t *buf, size_t len);              \
    long side##_clasp_receive(clasp_conn *c, const uint8_t *in, size_t n, size_t *used, \
                              uint8_t *buf, size_t len);                           \
    long side##_clasp_write(clasp_conn *c, const uint8_t *buf, size_t len);
SIDE_PROTOS(srv)
SIDE_PROTOS(cli)
SIDE_WRAPPERS(srv)
SIDE_WRAPPERS(cli)

typedef struct {
    clasp_conn *(*new_conn)(clasp_config *cfg);
    void (*free_conn)(clasp_conn *c);
    int (*handshake)(clasp_conn *c);
    int (*feed)(clasp_conn *c, const uint8_t *in, size_t len, size_t *used);
    size_t (*output)(clasp_conn *c, const uint8_t **out);
    void (*output_done)(clasp_conn *c, size_t n);
    long (*read)(clasp_conn *c, uint8_t *buf, size_t len);
    long (*write)(clasp_conn *c, const uint8_t *buf, size_t len);
    long (*receive)(clasp_conn *c, const uint8_t *in, size_t n, size_t *used, uint8_t *buf,
                    size_t len);
} side_ops;

static const side_ops OPS[2] = {
    [SIDE_SERVER] = {srv_clasp_new, srv_clasp_free, srv_clasp_handshake, srv_clasp_feed,
                     srv_clasp_output, srv_clasp_output_done, srv_clasp_read, srv_clasp_write,
                     srv_clasp_receive},
    [SIDE_CLIENT] = {cli_clasp_new, cli_clasp_free, cli_clasp_handshake, cli_clasp_feed,
                     cli_clasp_output, cli_clasp_output_done, cli_clasp_read, cli_clasp_write,
                     cli_clasp_receive},
};

typedef struct {
    const scenario *s;
    clasp_config *srv, *cli;
    void *session; /* resumption scenarios */
} ctx;

#define CHUNK 16384 /* bulk: bytes per write */

/* Moves what `from` wants to send into `to`, as far as `to` takes it.
 * Returns 0, or -1 when `to` refused the bytes (it failed). */
static int pump(clasp_conn *from, int from_side, clasp_conn *to, int to_side, cpu_acc *acc)
{
    for (;;) {
        const uint8_t *p;
        size_t n, used = 0;
        int rc;
        TIMED(acc, from_side, n = OPS[from_side].output(from, &p));
        if (n == 0)
            return 0;
        TIMED(acc, to_side, rc = OPS[to_side].feed(to, p, n, &used));
        if (rc != CLASP_OK)
            return -1;
        if (used == 0)
            return 0; /* `to` is full until it processes what it has */
        TIMED(acc, from_side, OPS[from_side].output_done(from, used));
    }
}

static void fail_text(char *err, size_t errlen, const char *what, clasp_conn *cli,
                      clasp_conn *srv)
{
    snprintf(err, errlen, "clasp %s: client: %s; server: %s", what,
             cli ? (*clasp_conn_error_text(cli) ? clasp_conn_error_text(cli) : "no error")
                 : "not created",
             srv ? (*clasp_conn_error_text(srv) ? clasp_conn_error_text(srv) : "no error")
                 : "not created");
}

/* What a side has exposed with clasp_conn_output and how much of it the
 * peer has taken. */
typedef struct {
    const uint8_t *p;
    size_t n, used;
} side_out;

/* One side's handshake turn, timed as one interval. Returns -1 when the
 * side refused the peer's bytes. */
static int handshake_turn(clasp_conn *conn[2], int side, side_out out[2], cpu_acc *acc,
                          int *hrc)
{
    clasp_conn *me = conn[side];
    side_out *mine = &out[side], *theirs = &out[!side];
    int rc = CLASP_OK;
    TIMED(acc, side, {
        if (mine->used)
            OPS[side].output_done(me, mine->used);
        theirs->used = 0;
        if (theirs->n)
            rc = OPS[side].feed(me, theirs->p, theirs->n, &theirs->used);
        if (rc == CLASP_OK)
            *hrc = OPS[side].handshake(me);
        mine->n = OPS[side].output(me, &mine->p);
        mine->used = 0;
    });
    return rc == CLASP_OK ? 0 : -1;
}

/* One connection pair and its handshake, every library call timed. With
 * keep, the pair is returned instead of freed. */
static int one_handshake(ctx *x, cpu_acc *acc, clasp_conn **keep_srv, clasp_conn **keep_cli,
                         char *err, size_t errlen)
{
    clasp_conn *srv, *cli;
    int rc = 0;
    TIMED(acc, SIDE_SERVER, srv = OPS[SIDE_SERVER].new_conn(x->srv));
    TIMED(acc, SIDE_CLIENT, cli = OPS[SIDE_CLIENT].new_conn(x->cli);
          rc = cli ? clasp_conn_set_server_name(cli, "localhost") : -1);
    if (!srv || !cli || rc) {
        fail_text(err, errlen, "connection setup failed", cli, srv);
        goto fail;
    }
    if (x->s->resume) {
        TIMED(acc, SIDE_CLIENT, rc = x->s->clasp->offer_session(cli, x->session));
        if (rc) {
            fail_text(err, errlen, "offering the session failed", cli, srv);
            goto fail;
        }
    }
    /* Each side's turn is one timed interval, as SSL_do_handshake with its
     * BIO is on the OpenSSL side: finish its last output with what the peer
     * took, take the peer's output, run the handshake, expose what it sends. */
    clasp_conn *conn[2] = {[SIDE_SERVER] = srv, [SIDE_CLIENT] = cli};
    side_out out[2] = {{0}};
    int hrc[2] = {CLASP_WANT_READ, CLASP_WANT_READ};
    for (int i = 0; i < 64 && (hrc[SIDE_CLIENT] != CLASP_OK || hrc[SIDE_SERVER] != CLASP_OK);
         i++) {
        int side = i % 2 ? SIDE_SERVER : SIDE_CLIENT;
        if (hrc[side] == CLASP_OK)
            continue;
        if (handshake_turn(conn, side, out, acc, &hrc[side]) || hrc[side] == CLASP_ERROR)
            break;
    }
    /* Bytes the peer took are released, so a kept pair starts clean. */
    for (int side = 0; side < 2; side++)
        if (out[side].used)
            TIMED(acc, side, OPS[side].output_done(conn[side], out[side].used));
    int crc = hrc[SIDE_CLIENT], src = hrc[SIDE_SERVER];
    if (crc != CLASP_OK || src != CLASP_OK) {
        fail_text(err, errlen, "handshake failed", cli, srv);
        goto fail;
    }
    if (x->s->resume && !clasp_conn_resumed(cli)) {
        snprintf(err, errlen, "clasp: the handshake did not resume the session");
        goto fail;
    }
    if (keep_srv) {
        *keep_srv = srv;
        *keep_cli = cli;
    } else {
        TIMED(acc, SIDE_CLIENT, OPS[SIDE_CLIENT].free_conn(cli));
        TIMED(acc, SIDE_SERVER, OPS[SIDE_SERVER].free_conn(srv));
    }
    return 0;
fail:
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    return -1;
}

static void teardown(void *p)
{
    ctx *x = p;
    if (!x)
        return;
    if (x->session && x->s->clasp->free_session)
        x->s->clasp->free_session(x->session);
    clasp_config_free(x->srv);
    clasp_config_free(x->cli);
    free(x);
}

static void *setup(const scenario *s, const bench_pki *pki, char *err, size_t errlen)
{
    ctx *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    x->s = s;
    x->srv = clasp_config_new(CLASP_SERVER);
    x->cli = clasp_config_new(CLASP_CLIENT);
    if (!x->srv || !x->cli || s->clasp->config(pki, x->srv, x->cli)) {
        snprintf(err, errlen, "clasp: configuring %s failed (see above)", s->name);
        teardown(x);
        return NULL;
    }
    if (s->resume) {
        /* An untimed full handshake whose session the timed ones resume. */
        cpu_acc acc = {0};
        clasp_conn *srv, *cli;
        ctx prime = *x;
        scenario full = *s;
        full.resume = 0;
        prime.s = &full;
        if (one_handshake(&prime, &acc, &srv, &cli, err, errlen)) {
            teardown(x);
            return NULL;
        }
        pump(srv, SIDE_SERVER, cli, SIDE_CLIENT, &acc);
        x->session = s->clasp->save_session(cli);
        clasp_conn_free(cli);
        clasp_conn_free(srv);
        if (!x->session) {
            snprintf(err, errlen, "clasp: the priming handshake left no session to resume");
            teardown(x);
            return NULL;
        }
    }
    return x;
}

static int describe(void *p, char *out, size_t outlen, char *err, size_t errlen)
{
    ctx *x = p;
    cpu_acc acc = {0};
    clasp_conn *srv, *cli;
    if (one_handshake(x, &acc, &srv, &cli, err, errlen))
        return -1;
    const char *suite = clasp_conn_cipher_name(cli), *group = clasp_conn_group_name(cli);
    int rc = 0;
    if (clasp_conn_version(cli) != x->s->version || !suite || strcmp(suite, x->s->suite) ||
        (x->s->group && (!group || strcmp(group, x->s->group)))) {
        snprintf(err, errlen, "clasp negotiated %s %s %s, expected %s %s",
                 clasp_conn_version_name(cli) ? clasp_conn_version_name(cli) : "?",
                 suite ? suite : "?", group ? group : "-", x->s->suite,
                 x->s->group ? x->s->group : "-");
        rc = -1;
    }
    size_t len = 0;
    int chain = 0;
    while (clasp_conn_peer_cert(cli, (size_t)chain, &len))
        chain++;
    /* Tickets the server sent (TLS 1.3 ones are read after the handshake). */
    uint8_t b;
    pump(srv, SIDE_SERVER, cli, SIDE_CLIENT, &acc);
    (void)clasp_conn_read(cli, &b, 1);
    snprintf(out, outlen, "%s %s %s sig=%s verified-chain=%d-certs resumed=%d tickets=%u",
             clasp_conn_version_name(cli) ? clasp_conn_version_name(cli) : "?",
             suite ? suite : "?", group ? group : "-",
             clasp_conn_sigalg_name(cli) ? clasp_conn_sigalg_name(cli) : "-", chain,
             clasp_conn_resumed(cli), clasp_conn_tickets_received(cli));
    if (!x->s->resume && clasp_conn_tickets_received(cli)) {
        snprintf(err, errlen, "clasp: the server sent a ticket in a full-handshake scenario");
        rc = -1;
    }
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    return rc;
}

static int handshakes(void *p, int n, hs_result *r, char *err, size_t errlen)
{
    ctx *x = p;
    cpu_acc acc = {0};
    uint64_t w0 = bench_wall_ns();
    for (int i = 0; i < n; i++)
        if (one_handshake(x, &acc, NULL, NULL, err, errlen)) {
            size_t l = strlen(err);
            snprintf(err + l, errlen - l, " (handshake %d of %d)", i + 1, n);
            return -1;
        }
    uint64_t wall = bench_wall_ns() - w0;
    r->server_us = acc_us(&acc, SIDE_SERVER) / n;
    r->client_us = acc_us(&acc, SIDE_CLIENT) / n;
    r->wall_us = (double)wall / 1e3 / n;
    r->server_calls = (double)acc.calls[SIDE_SERVER] / n;
    r->client_calls = (double)acc.calls[SIDE_CLIENT] / n;
    return 0;
}

/* The pattern sent in bulk: byte i of the stream is pattern[i % CHUNK];
 * pattern is 2 * CHUNK long so any read of up to CHUNK bytes compares
 * against one contiguous slice. */
static uint8_t pattern[2 * CHUNK];
static void fill_pattern(void)
{
    for (size_t i = 0; i < sizeof pattern; i++)
        pattern[i] = (uint8_t)((i % CHUNK) * 131 + 7);
}

/* Server side of one bulk turn, one timed interval: take the records (the
 * input buffer holds two at most, so feed and read alternate) and read
 * until nothing is left. *used says how much of `in` was taken. Returns the
 * bytes read, or -1 on failure. */
static long server_turn(clasp_conn *srv, const uint8_t *in, size_t n, size_t *used, uint8_t *rbuf,
                        size_t cap)
{
    /* clasp_conn_receive decrypts whole records straight from the input
     * into rbuf (no copy into the connection), and buffers the rest. */
    size_t have = 0, taken = 0;
    for (;;) {
        size_t u = 0;
        long r = OPS[SIDE_SERVER].receive(srv, in + taken, n - taken, &u, rbuf + have, cap - have);
        taken += u;
        if (r > 0) {
            have += (size_t)r;
            continue;
        }
        if (r != CLASP_WANT_READ)
            return -1;
        if (taken == n || u == 0)
            break;
    }
    *used = taken;
    return (long)have;
}

/* The client writes `bytes` in CHUNK writes, `batch` of them per turn; then
 * the server takes the records and reads them. Per turn each side has one
 * timed interval (client: acknowledge the previous output, write `batch`
 * times, get the output; server: feed and read until empty), the same
 * shape as the OpenSSL run, so the timer's cost is a small and equal share;
 * checking the bytes is outside the intervals. */
static int bulk(void *p, size_t bytes, int batch, bulk_result *r, char *err, size_t errlen)
{
    ctx *x = p;
    cpu_acc acc = {0};
    clasp_conn *srv, *cli;
    if (one_handshake(x, &acc, &srv, &cli, err, errlen))
        return -1;
    fill_pattern();
    size_t cap = ((size_t)batch + 1) * CHUNK;
    uint8_t *rbuf = malloc(cap);
    memset(&acc, 0, sizeof acc);
    size_t sent = 0, got = 0, pending = 0;
    int rc = 0;
    while (rc == 0 && sent < bytes) {
        size_t avail, want = 0;
        const uint8_t *out;
        int wrc = 0;
        TIMED(&acc, SIDE_CLIENT, {
            if (pending)
                OPS[SIDE_CLIENT].output_done(cli, pending);
            for (int k = 0; k < batch && sent + want < bytes; k++) {
                size_t n = bytes - sent - want < CHUNK ? bytes - sent - want : CHUNK;
                wrc |= OPS[SIDE_CLIENT].write(cli, pattern, n) != (long)n;
                want += n;
            }
            avail = OPS[SIDE_CLIENT].output(cli, &out);
        });
        pending = 0;
        if (wrc) {
            fail_text(err, errlen, "write failed", cli, srv);
            rc = -1;
            break;
        }
        sent += want;
        size_t used = 0;
        long got_now;
        TIMED(&acc, SIDE_SERVER, got_now = server_turn(srv, out, avail, &used, rbuf, cap));
        if (got_now < 0 || used != avail) {
            fail_text(err, errlen, "transfer failed", cli, srv);
            rc = -1;
            break;
        }
        pending = used; /* acknowledged in the next client interval */
        for (size_t off = 0; off < (size_t)got_now; off += CHUNK) {
            size_t len = (size_t)got_now - off < CHUNK ? (size_t)got_now - off : CHUNK;
            if (memcmp(rbuf + off, pattern + (got + off) % CHUNK, len)) {
                snprintf(err, errlen, "clasp: the server read bytes that were not sent");
                rc = -1;
                break;
            }
        }
        got += (size_t)got_now;
    }
    if (pending)
        TIMED(&acc, SIDE_CLIENT, OPS[SIDE_CLIENT].output_done(cli, pending));
    if (rc == 0 && got != bytes) {
        snprintf(err, errlen, "clasp: the server read %zu of %zu bytes", got, bytes);
        rc = -1;
    }
    if (rc == 0) {
        r->client_mb_s = (double)bytes / acc_us(&acc, SIDE_CLIENT);
        r->server_mb_s = (double)bytes / acc_us(&acc, SIDE_SERVER);
    }
    free(rbuf);
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    return rc;
}

/* A request and a response of `size` bytes, read to the end on both sides:
 * afterwards the server connection is idle with nothing pending. */
static int exchange(clasp_conn *cli, clasp_conn *srv, size_t size)
{
    uint8_t *msg = calloc(1, size), buf[4096];
    cpu_acc acc = {0};
    clasp_conn *dir[2][2] = {{cli, srv}, {srv, cli}};
    int sides[2][2] = {{SIDE_CLIENT, SIDE_SERVER}, {SIDE_SERVER, SIDE_CLIENT}};
    int rc = msg ? 0 : -1;
    for (int d = 0; d < 2 && rc == 0; d++) {
        if (clasp_conn_write(dir[d][0], msg, size) != (long)size) {
            rc = -1;
            break;
        }
        size_t have = 0;
        long n = CLASP_WANT_READ;
        for (int i = 0; i < 1000 && have < size; i++) {
            if (pump(dir[d][0], sides[d][0], dir[d][1], sides[d][1], &acc))
                break;
            while ((n = clasp_conn_read(dir[d][1], buf, sizeof buf)) > 0)
                have += (size_t)n;
            if (n != CLASP_WANT_READ)
                break;
        }
        if (n != CLASP_WANT_READ || have != size)
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
    clasp_conn **srv = calloc((size_t)pairs, sizeof *srv), **cli = calloc((size_t)pairs, sizeof *cli);
    int rc = srv && cli ? 0 : -1, made = 0;
    size_t base = bench_heap_live();
    for (; rc == 0 && made < pairs; made++)
        if (one_handshake(x, &acc, &srv[made], &cli[made], err, errlen)) {
            rc = -1;
            break;
        }
    size_t after_hs = bench_heap_live();
    for (int i = 0; rc == 0 && i < pairs; i++)
        if (exchange(cli[i], srv[i], exchanged)) {
            fail_text(err, errlen, "request/response after the handshake failed", cli[i], srv[i]);
            rc = -1;
        }
    for (int i = 0; i < made; i++)
        clasp_conn_free(cli[i]);
    size_t idle = bench_heap_live();
    for (int i = 0; i < made; i++)
        clasp_conn_free(srv[i]);
    size_t end = bench_heap_live();
    if (rc == 0) {
        *pair_b = ((double)after_hs - (double)base) / pairs;
        *idle_b = ((double)idle - (double)base) / pairs;
        *leak_b = ((double)end - (double)base) / pairs;
    }
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

const bench_lib bench_lib_clasp = {
    .name = "clasp",
    .setup = setup,
    .teardown = teardown,
    .describe = describe,
    .handshakes = handshakes,
    .bulk = bulk,
    .mem = mem,
};
