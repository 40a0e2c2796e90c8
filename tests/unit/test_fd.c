/* SPDX-License-Identifier: Apache-2.0 */
/* The socket layer (clasp_fd_*) over socketpairs with small send buffers.
 * Exactly once: a non-blocking writer in an epoll loop offers 1,000,000-byte
 * writes, retries them as the header says, and moves 64 MiB to a slow
 * blocking reader (and both ways at once between two event loops); SHA-256
 * of what each side took and what the other received must agree, and the
 * output left queued stays bounded. The end of a connection: close_notify
 * is CLASP_CLOSED, read() returning 0 before it is CLASP_TRUNCATED, EOF in
 * the handshake is an error. A connection that waits for its peer, between
 * handshake flights or idle after a request, holds no record buffers. TLS
 * 1.3 and TLS 1.2. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "core/conn.h" /* which buffers a waiting connection holds */
#include "pairutil.h"
#include "testutil.h"

#define MIB (1024u * 1024u)
#define STREAM_BYTES (64 * MIB)  /* per direction of a transfer */
#define WRITE_CALL 1000000u      /* bytes offered per clasp_fd_write */
#define PERIOD 1048573u          /* a prime: the pattern never lines up with records */
#define SMALL_SNDBUF 8192        /* the kernel doubles it; still far below a write */
#define READ_MAX 20000u
/* clasp_fd_write keeps at most one step (64 KiB of plaintext, sealed) queued;
 * anything near a whole write means it took bytes it could not send. */
#define PENDING_LIMIT (128u * 1024u)
#define TIME_LIMIT_MS 60000

/* Byte i of every stream is pattern[i % PERIOD]; the extra WRITE_CALL bytes
 * let any offset hand out a whole write without wrapping. */
static uint8_t pattern[PERIOD + WRITE_CALL];

static void make_pattern(void)
{
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (size_t i = 0; i < PERIOD; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        pattern[i] = (uint8_t)(x >> 24);
    }
    memcpy(pattern + PERIOD, pattern, WRITE_CALL);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void set_nonblocking(int fd, int on)
{
    int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK);
}

/* One side of a transfer. Threads fill it; only the main thread CHECKs. */
typedef struct {
    const char *name;
    clasp_conn *c;
    int fd;
    size_t send_total, expect_total;
    size_t sent, received;
    cr_hash *sent_hash, *recv_hash;
    size_t max_pending;   /* most output left queued after a clasp_fd_write */
    unsigned would_block; /* writes that returned CLASP_WANT_WRITE */
    unsigned partial;     /* writes that took fewer bytes than offered */
    long end;             /* the read result that ended the stream (0: not yet) */
    char error[700];      /* empty unless something went wrong */
} endpoint;

static void endpoint_init(endpoint *e, const char *name, clasp_conn *c, int fd, size_t send_total,
                          size_t expect_total)
{
    memset(e, 0, sizeof *e);
    e->name = name;
    e->c = c;
    e->fd = fd;
    e->send_total = send_total;
    e->expect_total = expect_total;
    e->sent_hash = cr_hash_new(CR_SHA256);
    e->recv_hash = cr_hash_new(CR_SHA256);
}

static void *endpoint_fail(endpoint *e, const char *fmt, ...)
{
    if (e->error[0])
        return NULL;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(e->error, sizeof e->error, fmt, ap);
    va_end(ap);
    if (n > 0 && (size_t)n < sizeof e->error)
        snprintf(e->error + n, sizeof e->error - (size_t)n, " [%s]", clasp_conn_error_text(e->c));
    return NULL;
}

/* Hashes and counts what arrived; fails on more than the peer sends. */
static int took_in(endpoint *e, const uint8_t *buf, long n)
{
    e->received += (size_t)n;
    if (e->received > e->expect_total) {
        endpoint_fail(e, "%s received %zu bytes, more than the %zu sent", e->name, e->received,
                      e->expect_total);
        return -1;
    }
    if (cr_hash_update(e->recv_hash, buf, (size_t)n)) {
        endpoint_fail(e, "hash failed");
        return -1;
    }
    return 0;
}

/* A non-blocking event loop: handshake, then read whatever comes while
 * offering WRITE_CALL-byte writes, retried with the same bytes on
 * CLASP_WANT_WRITE and with the rest on a partial count; then close_notify,
 * and read until the peer's. Waits with epoll: readable always, writable
 * while clasp_fd_flush says output is pending. */
static void *event_loop(void *arg)
{
    endpoint *e = arg;
    static __thread uint8_t buf[READ_MAX];
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = e->fd};
    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, e->fd, &ev) != 0)
        return endpoint_fail(e, "epoll: %s", strerror(errno));
    long long deadline = now_ms() + TIME_LIMIT_MS;
    int handshake_done = 0, close_queued = 0;
    for (;;) {
        uint32_t want;
        if (!handshake_done) {
            int rc = clasp_fd_handshake(e->c, e->fd);
            if (rc == CLASP_OK) {
                handshake_done = 1;
                continue;
            }
            if (rc != CLASP_WANT_READ && rc != CLASP_WANT_WRITE) {
                endpoint_fail(e, "%s: handshake returned %d", e->name, rc);
                break;
            }
            want = rc == CLASP_WANT_READ ? EPOLLIN : EPOLLOUT;
        } else {
            while (e->end == 0) {
                long n = clasp_fd_read(e->c, e->fd, buf, sizeof buf);
                if (n > 0) {
                    if (took_in(e, buf, n))
                        goto out;
                    continue;
                }
                if (n == CLASP_WANT_READ)
                    break;
                e->end = n;
                if (n != CLASP_CLOSED) {
                    endpoint_fail(e, "%s: read returned %ld after %zu bytes", e->name, n,
                                  e->received);
                    goto out;
                }
            }
            while (e->sent < e->send_total) {
                size_t left = e->send_total - e->sent;
                size_t len = left < WRITE_CALL ? left : WRITE_CALL;
                const uint8_t *p = pattern + e->sent % PERIOD;
                long n = clasp_fd_write(e->c, e->fd, p, len);
                const uint8_t *out;
                size_t pending = clasp_conn_output(e->c, &out);
                if (pending > e->max_pending)
                    e->max_pending = pending;
                if (pending > PENDING_LIMIT) {
                    endpoint_fail(e, "%s: %zu bytes queued after a write of %zu (returned %ld)",
                                  e->name, pending, len, n);
                    goto out;
                }
                if (n == CLASP_WANT_WRITE) {
                    e->would_block++;
                    break;
                }
                if (n <= 0 || (size_t)n > len) {
                    endpoint_fail(e, "%s: write of %zu returned %ld", e->name, len, n);
                    goto out;
                }
                if ((size_t)n < len)
                    e->partial++;
                if (cr_hash_update(e->sent_hash, p, (size_t)n)) {
                    endpoint_fail(e, "hash failed");
                    goto out;
                }
                e->sent += (size_t)n;
            }
            if (e->sent == e->send_total && !close_queued) {
                int rc = clasp_fd_close(e->c, e->fd);
                if (rc != CLASP_OK && rc != CLASP_WANT_WRITE) {
                    endpoint_fail(e, "%s: close returned %d", e->name, rc);
                    break;
                }
                close_queued = 1;
            }
            int fl = clasp_fd_flush(e->c, e->fd);
            if (fl == CLASP_ERROR) {
                endpoint_fail(e, "%s: flush failed", e->name);
                break;
            }
            if (close_queued && fl == CLASP_OK && e->end == CLASP_CLOSED)
                break; /* all sent, close_notify out, the peer's in */
            if (fl == CLASP_OK && e->sent < e->send_total)
                continue; /* the socket took everything queued: offer more now */
            want = EPOLLIN | (fl == CLASP_WANT_WRITE ? EPOLLOUT : 0);
        }
        long long left = deadline - now_ms();
        if (left <= 0) {
            endpoint_fail(e, "%s: timed out (sent %zu of %zu, received %zu of %zu)", e->name,
                          e->sent, e->send_total, e->received, e->expect_total);
            break;
        }
        ev.events = want;
        epoll_ctl(ep, EPOLL_CTL_MOD, e->fd, &ev);
        if (epoll_wait(ep, &ev, 1, (int)left) < 0 && errno != EINTR) {
            endpoint_fail(e, "epoll_wait: %s", strerror(errno));
            break;
        }
    }
out:
    close(ep);
    if (e->error[0])
        shutdown(e->fd, SHUT_RDWR); /* let the peer see the end at once */
    return NULL;
}

/* A blocking reader that takes small, varying amounts and dawdles, so the
 * writer's socket fills up again and again. Reads until close_notify, then
 * answers with its own. */
static void *slow_reader(void *arg)
{
    endpoint *e = arg;
    static __thread uint8_t buf[READ_MAX];
    struct timeval tv = {.tv_sec = TIME_LIMIT_MS / 1000};
    setsockopt(e->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(e->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int rc = clasp_fd_handshake(e->c, e->fd);
    if (rc != CLASP_OK) {
        endpoint_fail(e, "%s: handshake returned %d", e->name, rc);
        goto out;
    }
    uint32_t lcg = 12345;
    for (unsigned i = 0;; i++) {
        lcg = lcg * 1103515245u + 12345u;
        size_t want = 1 + (lcg >> 8) % READ_MAX;
        long n = clasp_fd_read(e->c, e->fd, buf, want);
        if (n > 0) {
            if (took_in(e, buf, n))
                goto out;
            if (i % 64 == 0)
                usleep(500);
            continue;
        }
        e->end = n;
        if (n != CLASP_CLOSED) {
            endpoint_fail(e, "%s: read returned %ld after %zu bytes", e->name, n, e->received);
            goto out;
        }
        break;
    }
    if ((rc = clasp_fd_close(e->c, e->fd)) != CLASP_OK)
        endpoint_fail(e, "%s: close returned %d", e->name, rc);
out:
    if (e->error[0])
        shutdown(e->fd, SHUT_RDWR);
    return NULL;
}

static void check_endpoint(endpoint *e, endpoint *peer)
{
    if (e->error[0])
        fprintf(stderr, "%s\n", e->error);
    CHECK(e->error[0] == 0);
    CHECK(e->sent == e->send_total);
    CHECK(e->received == e->expect_total);
    CHECK(e->end == CLASP_CLOSED);
    CHECK(e->max_pending <= PENDING_LIMIT);
    uint8_t a[32], b[32];
    CHECK(cr_hash_peek(e->sent_hash, a) == 0);
    CHECK(cr_hash_peek(peer->recv_hash, b) == 0);
    CHECK_MEM(b, a, 32); /* what the peer received is what this side's writes took */
}

static void endpoint_free(endpoint *e)
{
    cr_hash_free(e->sent_hash);
    cr_hash_free(e->recv_hash);
}

static clasp_config *config_for(int server, uint16_t version)
{
    clasp_config *cfg = server ? server_config(pki_ecdsa) : client_config(pki_ecdsa);
    CHECK(clasp_config_set_versions(cfg, version, version) == 0);
    return cfg;
}

static void socket_pair(int sv[2], int small_buffers)
{
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    if (small_buffers)
        for (int i = 0; i < 2; i++) {
            int size = SMALL_SNDBUF;
            setsockopt(sv[i], SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
        }
}

typedef enum { CLIENT_WRITES, SERVER_WRITES, BOTH_WRITE } transfer_kind;

/* Moves `bytes` from writer to reader (or both ways) and checks both ends. */
static void transfer(uint16_t version, transfer_kind kind, size_t bytes)
{
    static const char *kinds[] = {"client -> slow server", "server -> slow client",
                                  "client <-> server"};
    long long start = now_ms();
    clasp_config *cc = config_for(0, version), *sc = config_for(1, version);
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    int sv[2];
    socket_pair(sv, 1);
    endpoint ce, se;
    endpoint_init(&ce, "client", cli, sv[0], kind != SERVER_WRITES ? bytes : 0,
                  kind != CLIENT_WRITES ? bytes : 0);
    endpoint_init(&se, "server", srv, sv[1], kind != CLIENT_WRITES ? bytes : 0,
                  kind != SERVER_WRITES ? bytes : 0);
    /* The side that only reads is the slow blocking reader; writers are
     * non-blocking event loops. */
    endpoint *threaded = kind == SERVER_WRITES ? &ce : &se;
    endpoint *main_side = threaded == &ce ? &se : &ce;
    set_nonblocking(main_side->fd, 1);
    set_nonblocking(threaded->fd, kind == BOTH_WRITE);
    pthread_t t;
    CHECK(pthread_create(&t, NULL, kind == BOTH_WRITE ? event_loop : slow_reader, threaded) == 0);
    event_loop(main_side);
    pthread_join(t, NULL);
    fprintf(stderr, "%s %s, %zu MiB: %lld ms; writes that would block: %u, partial: %u; "
                    "most queued: %zu bytes\n",
            version == CLASP_TLS1_3 ? "TLS 1.3" : "TLS 1.2", kinds[kind], bytes / MIB,
            now_ms() - start, main_side->would_block, main_side->partial, main_side->max_pending);
    check_endpoint(&ce, &se);
    check_endpoint(&se, &ce);
    endpoint_free(&ce);
    endpoint_free(&se);
    /* The point of the small buffers: the writer really was held back. */
    CHECK(main_side->would_block > 0 && main_side->partial > 0);
    close(sv[0]);
    close(sv[1]);
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(cc);
    clasp_config_free(sc);
}

/* A blocking socket whose SO_SNDTIMEO runs out: the write returns the part
 * it took, the next one CLASP_WANT_WRITE; once the reader drains, the bytes
 * arrive once. */
static void *drain_all(void *arg)
{
    endpoint *e = arg;
    static __thread uint8_t buf[READ_MAX];
    for (;;) {
        long n = clasp_fd_read(e->c, e->fd, buf, sizeof buf);
        if (n > 0) {
            if (took_in(e, buf, n))
                break;
            continue;
        }
        e->end = n;
        if (n != CLASP_CLOSED)
            endpoint_fail(e, "%s: read returned %ld", e->name, n);
        break;
    }
    if (e->error[0])
        shutdown(e->fd, SHUT_RDWR);
    return NULL;
}

static void write_with_send_timeout(uint16_t version)
{
    clasp_config *cc = config_for(0, version), *sc = config_for(1, version);
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    int sv[2];
    socket_pair(sv, 1);
    set_nonblocking(sv[0], 1);
    set_nonblocking(sv[1], 1);
    int rc_c = CLASP_WANT_READ, rc_s = CLASP_WANT_READ;
    for (int i = 0; i < 100 && (rc_c != CLASP_OK || rc_s != CLASP_OK); i++) {
        if (rc_c != CLASP_OK)
            rc_c = clasp_fd_handshake(cli, sv[0]);
        if (rc_s != CLASP_OK)
            rc_s = clasp_fd_handshake(srv, sv[1]);
    }
    CHECK(rc_c == CLASP_OK && rc_s == CLASP_OK);
    set_nonblocking(sv[0], 0);
    set_nonblocking(sv[1], 0);
    struct timeval tv = {.tv_sec = 0, .tv_usec = 100000};
    setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);

    endpoint ce, se;
    endpoint_init(&ce, "client", cli, sv[0], WRITE_CALL, 0);
    endpoint_init(&se, "server", srv, sv[1], 0, WRITE_CALL);
    long first = clasp_fd_write(cli, sv[0], pattern, WRITE_CALL);
    CHECK(first > 0 && first < (long)WRITE_CALL);
    if (first > 0) {
        CHECK(cr_hash_update(ce.sent_hash, pattern, (size_t)first) == 0);
        ce.sent = (size_t)first;
    }
    long again = clasp_fd_write(cli, sv[0], pattern + ce.sent, WRITE_CALL - ce.sent);
    CHECK(again == CLASP_WANT_WRITE); /* the tail of what it took is still queued */
    tv.tv_sec = TIME_LIMIT_MS / 1000;
    tv.tv_usec = 0;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    pthread_t t;
    CHECK(pthread_create(&t, NULL, drain_all, &se) == 0);
    while (ce.sent < WRITE_CALL) {
        long n = clasp_fd_write(cli, sv[0], pattern + ce.sent, WRITE_CALL - ce.sent);
        if (n <= 0)
            break;
        CHECK(cr_hash_update(ce.sent_hash, pattern + ce.sent, (size_t)n) == 0);
        ce.sent += (size_t)n;
    }
    CHECK(ce.sent == WRITE_CALL);
    CHECK(clasp_fd_close(cli, sv[0]) == CLASP_OK);
    if (ce.sent != WRITE_CALL)
        shutdown(sv[0], SHUT_RDWR); /* the reader must not wait for the rest */
    pthread_join(t, NULL);
    if (se.error[0])
        fprintf(stderr, "%s\n", se.error);
    CHECK(se.error[0] == 0 && se.end == CLASP_CLOSED && se.received == WRITE_CALL);
    uint8_t a[32], b[32];
    CHECK(cr_hash_peek(ce.sent_hash, a) == 0 && cr_hash_peek(se.recv_hash, b) == 0);
    CHECK_MEM(b, a, 32);
    endpoint_free(&ce);
    endpoint_free(&se);
    close(sv[0]);
    close(sv[1]);
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(cc);
    clasp_config_free(sc);
}

/* ------------------------------------------------------------ the end */

typedef struct {
    clasp_config *cc, *sc;
    clasp_conn *cli, *srv;
    int cfd, sfd;
} fixture;

/* A client and server over a socketpair, the handshake done in one thread. */
static int fixture_open(fixture *f, uint16_t version, int client_blocking)
{
    f->cc = config_for(0, version);
    f->sc = config_for(1, version);
    f->cli = clasp_conn_new(f->cc);
    f->srv = clasp_conn_new(f->sc);
    CHECK(clasp_conn_set_server_name(f->cli, "localhost") == 0);
    int sv[2];
    socket_pair(sv, 0);
    f->cfd = sv[0];
    f->sfd = sv[1];
    set_nonblocking(f->cfd, 1);
    set_nonblocking(f->sfd, 1);
    int rc_c = CLASP_WANT_READ, rc_s = CLASP_WANT_READ;
    for (int i = 0; i < 100 && (rc_c != CLASP_OK || rc_s != CLASP_OK); i++) {
        if (rc_c != CLASP_OK)
            rc_c = clasp_fd_handshake(f->cli, f->cfd);
        if (rc_s != CLASP_OK)
            rc_s = clasp_fd_handshake(f->srv, f->sfd);
    }
    CHECK(rc_c == CLASP_OK && rc_s == CLASP_OK);
    if (!client_blocking) {
        /* Nothing sent yet: a non-blocking read waits (after any ticket). */
        uint8_t buf[64];
        CHECK(clasp_fd_read(f->cli, f->cfd, buf, sizeof buf) == CLASP_WANT_READ);
    }
    set_nonblocking(f->cfd, !client_blocking);
    return rc_c == CLASP_OK && rc_s == CLASP_OK ? 0 : -1;
}

static void fixture_close(fixture *f)
{
    close(f->cfd);
    close(f->sfd);
    clasp_conn_free(f->cli);
    clasp_conn_free(f->srv);
    clasp_config_free(f->cc);
    clasp_config_free(f->sc);
}

/* Reads everything up to the end in pieces of `piece`; returns how it ended. */
static long read_to_end(fixture *f, uint8_t *got, size_t cap, size_t *len, size_t piece)
{
    *len = 0;
    for (int i = 0; i < 1000; i++) {
        size_t room = cap - *len < piece ? cap - *len : piece;
        long n = clasp_fd_read(f->cli, f->cfd, got + *len, room);
        if (n <= 0)
            return n;
        *len += (size_t)n;
    }
    return 0;
}

static const char words[] = "the last words of the server, before it hangs up";

static void end_of_stream(uint16_t version, int blocking)
{
    fixture f;
    uint8_t got[256];
    size_t len;

    /* close_notify, then EOF: a clean close, however small the reads. */
    if (fixture_open(&f, version, blocking) == 0) {
        CHECK(clasp_fd_write(f.srv, f.sfd, (const uint8_t *)words, sizeof words) == sizeof words);
        CHECK(clasp_fd_close(f.srv, f.sfd) == CLASP_OK);
        shutdown(f.sfd, SHUT_WR);
        CHECK(read_to_end(&f, got, sizeof got, &len, 7) == CLASP_CLOSED);
        CHECK(len == sizeof words && memcmp(got, words, len) == 0);
        CHECK(clasp_fd_read(f.cli, f.cfd, got, sizeof got) == CLASP_CLOSED);
        CHECK(clasp_conn_error(f.cli) == CLASP_E_NONE);
        CHECK(clasp_fd_close(f.cli, f.cfd) == CLASP_OK); /* the answer still goes out */
    }
    fixture_close(&f);

    /* Data, then EOF without close_notify: the data, then CLASP_TRUNCATED,
     * for good. */
    if (fixture_open(&f, version, blocking) == 0) {
        CHECK(clasp_fd_write(f.srv, f.sfd, (const uint8_t *)words, sizeof words) == sizeof words);
        shutdown(f.sfd, SHUT_WR);
        CHECK(read_to_end(&f, got, sizeof got, &len, sizeof got) == CLASP_TRUNCATED);
        CHECK(len == sizeof words && memcmp(got, words, len) == 0);
        CHECK(clasp_fd_read(f.cli, f.cfd, got, sizeof got) == CLASP_TRUNCATED);
        CHECK(clasp_conn_error(f.cli) == CLASP_E_IO);
        const char *text = clasp_conn_error_text(f.cli);
        CHECK(strstr(text, "closed the connection without close_notify") &&
              strstr(text, "may be truncated"));
        CHECK(clasp_conn_alert_sent(f.cli) == -1);
        CHECK(clasp_fd_write(f.cli, f.cfd, (const uint8_t *)"x", 1) == CLASP_ERROR);
    }
    fixture_close(&f);

    /* EOF in the middle of a record. */
    if (fixture_open(&f, version, blocking) == 0) {
        CHECK(clasp_conn_write(f.srv, (const uint8_t *)words, sizeof words) == sizeof words);
        const uint8_t *out;
        size_t n = clasp_conn_output(f.srv, &out);
        CHECK(n > 20);
        CHECK(send(f.sfd, out, 20, 0) == 20);
        shutdown(f.sfd, SHUT_WR);
        CHECK(read_to_end(&f, got, sizeof got, &len, sizeof got) == CLASP_TRUNCATED);
        CHECK(len == 0);
        CHECK(strstr(clasp_conn_error_text(f.cli), "in the middle of a record") != NULL);
    }
    fixture_close(&f);
}

/* EOF before the handshake finished: an error, not a close of either kind. */
static void end_in_handshake(uint16_t version)
{
    clasp_config *cc = config_for(0, version);
    clasp_conn *cli = clasp_conn_new(cc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    int sv[2];
    socket_pair(sv, 0);
    set_nonblocking(sv[0], 1);
    CHECK(clasp_fd_handshake(cli, sv[0]) == CLASP_WANT_READ);
    shutdown(sv[1], SHUT_WR);
    CHECK(clasp_fd_handshake(cli, sv[0]) == CLASP_ERROR);
    CHECK(clasp_conn_error(cli) == CLASP_E_IO);
    CHECK(strstr(clasp_conn_error_text(cli), "during the handshake, while we waited for its ServerHello") != NULL);
    uint8_t buf[16];
    CHECK(clasp_fd_read(cli, sv[0], buf, sizeof buf) == CLASP_ERROR);
    close(sv[0]);
    close(sv[1]);
    clasp_conn_free(cli);
    clasp_config_free(cc);
}

/* What a connection keeps while it waits for its peer: no input or output
 * buffer, whether between handshake flights or idle between requests
 * (a server holding many idle connections pays only for their state). */
static int holds_no_buffers(const clasp_conn *c)
{
    return c->in.data == NULL && c->out.data == NULL && c->hs_in.data == NULL &&
           c->hs_out.data == NULL;
}

static void waiting_holds_no_buffers(uint16_t version, int resumption)
{
    clasp_config *cc = config_for(0, version);
    clasp_config *sc = config_for(1, version);
    /* Without tickets the server's last flight is before the client's
     * Finished: its handshake output storage must go all the same. */
    clasp_config_set_resumption(sc, resumption);
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    int sv[2];
    socket_pair(sv, 0);
    set_nonblocking(sv[0], 1);
    set_nonblocking(sv[1], 1);
    /* Between flights each side waits for the other with no input buffer
     * (the client for the ServerHello, the server for the Finished). */
    int rc_c = CLASP_WANT_READ, rc_s = CLASP_WANT_READ, waits = 0;
    for (int i = 0; i < 100 && (rc_c != CLASP_OK || rc_s != CLASP_OK); i++) {
        if (rc_c != CLASP_OK && (rc_c = clasp_fd_handshake(cli, sv[0])) == CLASP_WANT_READ) {
            waits++;
            CHECK(cli->in.data == NULL);
        }
        if (rc_s != CLASP_OK && (rc_s = clasp_fd_handshake(srv, sv[1])) == CLASP_WANT_READ) {
            waits++;
            CHECK(srv->in.data == NULL);
        }
    }
    CHECK(rc_c == CLASP_OK && rc_s == CLASP_OK);
    CHECK(waits >= 2);
    uint8_t buf[64 * 1024];
    CHECK(clasp_fd_read(srv, sv[1], buf, sizeof buf) == CLASP_WANT_READ);
    CHECK(holds_no_buffers(srv));
    CHECK(srv->hs == NULL);
    /* Requests of a few bytes and of several records: each is read whole,
     * and afterwards nothing stays allocated. */
    static const size_t sizes[] = {1, 100, 4096, 4097, 50000};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t n = sizes[i];
        CHECK(clasp_fd_write(cli, sv[0], pattern, n) == (long)n);
        size_t got = 0;
        for (int k = 0; k < 100 && got < n; k++) {
            long r = clasp_fd_read(srv, sv[1], buf + got, sizeof buf - got);
            if (r == CLASP_WANT_READ)
                continue;
            CHECK(r > 0);
            if (r <= 0)
                break;
            got += (size_t)r;
        }
        CHECK(got == n && memcmp(buf, pattern, n) == 0);
        CHECK(clasp_fd_read(srv, sv[1], buf, sizeof buf) == CLASP_WANT_READ);
        CHECK(holds_no_buffers(srv));
    }
    close(sv[0]);
    close(sv[1]);
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(cc);
    clasp_config_free(sc);
}

int main(void)
{
    make_pki(pki_ecdsa, "ecdsa");
    make_pattern();
    static const uint16_t versions[] = {CLASP_TLS1_3, CLASP_TLS1_2};
    for (size_t v = 0; v < 2; v++) {
        end_of_stream(versions[v], 0);
        end_of_stream(versions[v], 1);
        end_in_handshake(versions[v]);
        waiting_holds_no_buffers(versions[v], 1);
        waiting_holds_no_buffers(versions[v], 0);
        write_with_send_timeout(versions[v]);
        transfer(versions[v], CLIENT_WRITES, STREAM_BYTES);
        transfer(versions[v], SERVER_WRITES, STREAM_BYTES);
        transfer(versions[v], BOTH_WRITE, STREAM_BYTES);
    }
    remove_pki(pki_ecdsa);
    return tu_finish("fd");
}
