/* SPDX-License-Identifier: Apache-2.0 */
/* One worker of `clasp server`: an epoll loop over non-blocking sockets,
 * driving each connection through the library's fd layer.
 *
 * All workers wait on the one listening socket with EPOLLEXCLUSIVE: the
 * kernel wakes one idle worker per connection, so a worker busy with a
 * burst of handshakes leaves new connections to the others (with one
 * SO_REUSEPORT queue per worker the kernel would hash them to the busy
 * one all the same), and stopping is closing one socket, with no queue of
 * accepted-but-unserved connections to reset.
 *
 * Sockets are edge-triggered for input and output: a connection is run
 * until the library says it waits for the peer (CLASP_WANT_READ) or for
 * the socket to take more (CLASP_WANT_WRITE), and the next edge resumes
 * it. While output is stuck nothing more is read (the peer's requests wait
 * in its own socket buffer), which bounds what a connection holds. */
#define _GNU_SOURCE /* accept4 */
#include "server.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_EVENTS 256
#define ACCEPTS_PER_WAKEUP 64
#define LISTEN_PAUSE_MS 100 /* after EMFILE and the like */
#define REFUSAL_NOTE_MS 1000

typedef enum { CS_HANDSHAKE, CS_OPEN, CS_CLOSING } conn_state;

typedef struct server_conn {
    timer_entry timer; /* first: a timer_entry * is a server_conn * */
    int fd;
    conn_state state;
    clasp_conn *tls;
    unsigned close_after_write : 1; /* --www: the last response is queued */
    unsigned write_shut : 1;        /* CS_CLOSING: our FIN is out */
    unsigned draining : 1;          /* the server is stopping: no new request */
    /* Plaintext clasp_fd_write has not taken yet (a response or an echo). */
    uint8_t *pending;
    size_t pending_off, pending_len;
    /* --www: the unparsed start of the next request(s). */
    uint8_t *req;
    size_t req_len;
} server_conn;

typedef struct {
    server_shared *s;
    int epfd;
    int listening; /* the listener is in epfd */
    long long listen_paused_until;
    long live; /* this worker's connections */
    timer_list handshake, idle, closing;
    uint8_t buf[SERVER_READ_CHUNK];
} worker;

static const char stop_tag;   /* epoll data for the stop eventfd */
static const char listen_tag; /* ... and for the listener */

/* ------------------------------------------------------------ output */

static void conn_report(worker *w, server_conn *k, long rc)
{
    if (w->s->opt->quiet)
        return;
    char why[TOOL_ERROR_MAX];
    tool_conn_failure(k->tls, rc, "client", why, sizeof why);
    tool_error("%s", why);
}

static void conn_summary(worker *w, server_conn *k)
{
    if (!w->s->opt->quiet) {
        char summary[512];
        handshake_summary(k->tls, summary, sizeof summary);
        fflush(stdout);
        fprintf(stderr, "%s\n", summary);
    }
    /* --export was asked for by name: printed even with --quiet. */
    (void)options_print_export(&w->s->opt->common, k->tls);
}

/* ------------------------------------------------------------ lifetime */

static void conn_free(worker *w, server_conn *k)
{
    timer_disarm(&k->timer);
    close(k->fd);
    clasp_conn_free(k->tls);
    free(k->pending);
    free(k->req);
    free(k);
    w->live--;
    atomic_fetch_sub(&w->s->open, 1);
    unsigned long done = atomic_fetch_add(&w->s->finished, 1) + 1;
    if (w->s->opt->count && done >= w->s->opt->count)
        server_request_stop(w->s);
}

/* Starts the end: close_notify (unless the connection failed: then the
 * alert the library queued), our FIN once it is out, then a short wait
 * for the peer's FIN so that its unread bytes cannot turn our close into
 * a reset that destroys what we sent. */
static void conn_begin_close(worker *w, server_conn *k, int send_close_notify)
{
    if (k->state == CS_CLOSING)
        return;
    k->state = CS_CLOSING;
    if (send_close_notify)
        clasp_conn_close(k->tls);
    timer_arm(&w->closing, &k->timer, limits_now_ms());
}

static void conn_run_closing(worker *w, server_conn *k)
{
    if (!k->write_shut) {
        int fl = clasp_fd_flush(k->tls, k->fd);
        if (fl == CLASP_WANT_WRITE)
            return;
        shutdown(k->fd, SHUT_WR);
        k->write_shut = 1;
    }
    for (;;) {
        ssize_t n = recv(k->fd, w->buf, sizeof w->buf, 0);
        if (n > 0)
            continue;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        conn_free(w, k); /* the peer's FIN, or the socket is dead */
        return;
    }
}

/* ------------------------------------------------------------ sending */

/* Hands plaintext to the library; what the socket does not take yet is
 * kept (copied) and sent before anything else is read. 0, or -1 after the
 * connection failed. */
static int conn_send(worker *w, server_conn *k, const uint8_t *data, size_t len)
{
    size_t off = 0;
    while (off < len) {
        long n = clasp_fd_write(k->tls, k->fd, data + off, len - off);
        if (n > 0) {
            off += (size_t)n;
            continue;
        }
        if (n == CLASP_WANT_WRITE)
            break;
        conn_report(w, k, n);
        conn_begin_close(w, k, 0);
        return -1;
    }
    if (off < len) {
        size_t rest = len - off;
        uint8_t *copy = malloc(rest);
        if (!copy) {
            tool_error("out of memory");
            conn_begin_close(w, k, 0);
            return -1;
        }
        memcpy(copy, data + off, rest);
        k->pending = copy;
        k->pending_off = 0;
        k->pending_len = rest;
    }
    return 0;
}

/* Pushes the kept plaintext: 1 when it is all taken, 0 while the socket is
 * full, -1 after a failure. */
static int conn_push_pending(worker *w, server_conn *k)
{
    while (k->pending) {
        long n = clasp_fd_write(k->tls, k->fd, k->pending + k->pending_off,
                                k->pending_len - k->pending_off);
        if (n == CLASP_WANT_WRITE)
            return 0;
        if (n <= 0) {
            conn_report(w, k, n);
            conn_begin_close(w, k, 0);
            return -1;
        }
        k->pending_off += (size_t)n;
        if (k->pending_off == k->pending_len) {
            free(k->pending);
            k->pending = NULL;
        }
    }
    return 1;
}

/* ------------------------------------------------------------ --www */

/* Answers one request (status 200 unless the parse said otherwise). */
static int www_answer(worker *w, server_conn *k, const http_request *req, int status)
{
    char summary[512], body[1024], response[1536];
    handshake_summary(k->tls, summary, sizeof summary);
    const char *sni = clasp_conn_sni(k->tls);
    size_t body_len;
    char code[24];
    if (status == 200)
        body_len = tool_concat(body, sizeof body, "clasp server\nrequest: ", req ? req->line : "",
                               "\nserver name: ", sni && *sni ? sni : "-", "\n", summary, "\n",
                               (const char *)NULL);
    else
        body_len = tool_concat(body, sizeof body, tool_decimal((unsigned long)status, code), " ",
                               http_reason(status), "\n", (const char *)NULL);
    if (body_len >= sizeof body)
        body_len = strlen(body);
    int keep = status == 200 && req && req->keep_alive && !k->draining;
    size_t len = http_format_response(response, sizeof response, status, keep, body, body_len);
    if (!keep)
        k->close_after_write = 1;
    return conn_send(w, k, (const uint8_t *)response, len);
}

/* Serves the complete requests at the front of data, in order, until one
 * closes the connection or the socket stops taking responses. Returns how
 * many bytes were used (the rest waits), or -1 after a failure. */
static long www_consume(worker *w, server_conn *k, const uint8_t *data, size_t len)
{
    size_t used = 0;
    while (used < len && !k->pending && !k->close_after_write && k->state == CS_OPEN) {
        http_request req;
        if (!http_parse_request(data + used, len - used, &req)) {
            /* Only blank lines: nothing to keep. */
            size_t blank = 0;
            while (used + blank < len && (data[used + blank] == '\r' || data[used + blank] == '\n'))
                blank++;
            if (used + blank == len)
                used = len;
            break;
        }
        used += req.length;
        if (www_answer(w, k, &req, req.status ? req.status : 200) != 0)
            return -1;
        timer_arm(&w->idle, &k->timer, limits_now_ms()); /* a request came: no longer idle */
    }
    return (long)used;
}

/* Takes bytes read from the connection: parses straight from the read
 * buffer, and keeps only an unfinished request. 0, or -1 after failure. */
static int www_input(worker *w, server_conn *k, const uint8_t *data, size_t len)
{
    if (k->req_len == 0) {
        long used = www_consume(w, k, data, len);
        if (used < 0)
            return -1;
        data += used;
        len -= (size_t)used;
        if (len == 0)
            return 0;
    }
    if (!k->req && !(k->req = malloc(SERVER_REQUEST_MAX))) {
        tool_error("out of memory");
        conn_begin_close(w, k, 0);
        return -1;
    }
    if (len > SERVER_REQUEST_MAX - k->req_len) {
        /* More than a request may hold and still incomplete. */
        k->req_len = 0;
        return www_answer(w, k, NULL, 431);
    }
    memcpy(k->req + k->req_len, data, len);
    k->req_len += len;
    return 0;
}

/* Serves what the kept bytes hold; frees them once used up. */
static int www_serve_kept(worker *w, server_conn *k)
{
    if (k->req_len == 0)
        return 0;
    long used = www_consume(w, k, k->req, k->req_len);
    if (used < 0)
        return -1;
    memmove(k->req, k->req + used, k->req_len - (size_t)used);
    k->req_len -= (size_t)used;
    if (k->req_len == SERVER_REQUEST_MAX && !k->pending && !k->close_after_write) {
        k->req_len = 0;
        return www_answer(w, k, NULL, 431);
    }
    if (k->req_len == 0) {
        free(k->req); /* idle connections hold no request buffer */
        k->req = NULL;
    }
    return 0;
}

/* ------------------------------------------------------------ the machine */

static void conn_run_open(worker *w, server_conn *k)
{
    server_mode mode = w->s->opt->mode;
    for (;;) {
        if (k->state != CS_OPEN)
            return;
        int p = conn_push_pending(w, k);
        if (p <= 0)
            return;
        if (mode == SERVE_WWW && www_serve_kept(w, k) != 0)
            return;
        if (k->pending)
            continue;
        if (k->close_after_write || (k->draining && k->req_len == 0)) {
            conn_begin_close(w, k, 1);
            return;
        }
        /* Nothing more is read while earlier output is stuck. */
        int fl = clasp_fd_flush(k->tls, k->fd);
        if (fl == CLASP_WANT_WRITE)
            return;
        if (fl != CLASP_OK) {
            conn_report(w, k, fl);
            conn_begin_close(w, k, 0);
            return;
        }
        long n = clasp_fd_read(k->tls, k->fd, w->buf, sizeof w->buf);
        if (n > 0) {
            if (mode == SERVE_WWW) {
                if (www_input(w, k, w->buf, (size_t)n) != 0)
                    return;
            } else {
                timer_arm(&w->idle, &k->timer, limits_now_ms());
                if (mode == SERVE_ECHO) {
                    if (conn_send(w, k, w->buf, (size_t)n) != 0)
                        return;
                } else if (tool_write_all(STDOUT_FILENO, w->buf, (size_t)n) != 0) {
                    tool_error("cannot write to standard output: %s", strerror(errno));
                    conn_begin_close(w, k, 1);
                    return;
                }
            }
            continue;
        }
        if (n == CLASP_WANT_READ)
            return;
        if (n == CLASP_CLOSED) {
            conn_begin_close(w, k, 1); /* answer close_notify; the client may be gone */
        } else if (n == CLASP_TRUNCATED && mode == SERVE_WWW && k->req_len == 0) {
            /* Browsers drop spare connections without close_notify: with
             * no request begun there is nothing to distrust. */
            conn_begin_close(w, k, 0);
        } else {
            conn_report(w, k, n); /* CLASP_TRUNCATED: what came may be cut short */
            conn_begin_close(w, k, 0);
        }
        return;
    }
}

static void conn_run(worker *w, server_conn *k)
{
    if (k->state == CS_HANDSHAKE) {
        int rc = clasp_fd_handshake(k->tls, k->fd);
        if (rc == CLASP_WANT_READ || rc == CLASP_WANT_WRITE)
            return;
        if (rc != CLASP_OK) {
            conn_report(w, k, rc);
            conn_begin_close(w, k, 0); /* the alert the library queued goes out */
        } else {
            conn_summary(w, k);
            k->state = CS_OPEN;
            timer_arm(&w->idle, &k->timer, limits_now_ms());
        }
    }
    if (k->state == CS_OPEN)
        conn_run_open(w, k);
    if (k->state == CS_CLOSING)
        conn_run_closing(w, k);
}

/* ------------------------------------------------------------ accepting */

static void note_refusal(worker *w)
{
    long long now = limits_now_ms();
    long long last = atomic_load(&w->s->last_refusal_note_ms);
    if (now - last >= REFUSAL_NOTE_MS &&
        atomic_compare_exchange_strong(&w->s->last_refusal_note_ms, &last, now))
        tool_warning("%lu connections open (--max-connections): refusing new ones",
                     w->s->opt->limits.max_connections);
}

static void listen_pause(worker *w, long long until)
{
    if (w->listening) {
        epoll_ctl(w->epfd, EPOLL_CTL_DEL, w->s->listen_fd, NULL);
        w->listening = 0;
    }
    w->listen_paused_until = until;
}

static int listen_resume(worker *w)
{
    struct epoll_event ev = {.events = EPOLLIN | EPOLLEXCLUSIVE, .data.ptr = (void *)&listen_tag};
    if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->s->listen_fd, &ev) != 0)
        return -1;
    w->listening = 1;
    w->listen_paused_until = 0;
    return 0;
}

static void accept_some(worker *w)
{
    server_shared *s = w->s;
    unsigned long count = s->opt->count;
    for (int i = 0; i < ACCEPTS_PER_WAKEUP && !atomic_load(&s->stopping); i++) {
        if (count && atomic_fetch_add(&s->accepted, 1) >= count) {
            atomic_fetch_sub(&s->accepted, 1);
            listen_pause(w, -1); /* all --count connections are in */
            return;
        }
        int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (count)
                atomic_fetch_sub(&s->accepted, 1);
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            /* Out of descriptors or memory: not a reason to spin. */
            tool_error("cannot accept a connection: %s", strerror(errno));
            listen_pause(w, limits_now_ms() + LISTEN_PAUSE_MS);
            return;
        }
        if (atomic_fetch_add(&s->open, 1) >= (long)s->opt->limits.max_connections) {
            /* Refused cleanly: closed at once, before any byte; the
             * connections already open are not disturbed. */
            atomic_fetch_sub(&s->open, 1);
            if (count)
                atomic_fetch_sub(&s->accepted, 1);
            close(fd);
            note_refusal(w);
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        server_conn *k = calloc(1, sizeof *k);
        clasp_conn *tls = k ? clasp_conn_new(s->cfg) : NULL;
        struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.ptr = k};
        if (!tls || epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
            tool_error("cannot take a connection: %s", tls ? strerror(errno) : "out of memory");
            clasp_conn_free(tls);
            free(k);
            close(fd);
            atomic_fetch_sub(&s->open, 1);
            continue;
        }
        k->fd = fd;
        k->tls = tls;
        k->state = CS_HANDSHAKE;
        w->live++;
        timer_arm(&w->handshake, &k->timer, limits_now_ms());
        if (s->opt->common.trace)
            trace_begin_connection((trace_ladder *)&s->opt->common.ladder);
        conn_run(w, k); /* the ClientHello is often there already */
    }
}

/* ------------------------------------------------------------ stopping */

void server_request_stop(server_shared *s)
{
    if (atomic_exchange(&s->stopping, 1))
        return;
    uint64_t one = 1;
    ssize_t r = write(s->stop_fd, &one, sizeof one);
    (void)r; /* the eventfd stays readable: every worker sees it */
}

/* Stopping: open connections finish the request in hand, then close;
 * idle ones close now. */
static void drain_all(worker *w)
{
    timer_list *lists[] = {&w->handshake, &w->idle};
    for (size_t i = 0; i < 2; i++) {
        timer_entry *e = lists[i]->head.next;
        while (e != &lists[i]->head) {
            server_conn *k = (server_conn *)e;
            e = e->next;
            k->draining = 1;
            if (k->state == CS_OPEN)
                conn_run(w, k);
        }
    }
}

/* Every connection still there at the drain deadline goes, as it is. */
static void drop_all(worker *w)
{
    timer_list *lists[] = {&w->handshake, &w->idle, &w->closing};
    for (size_t i = 0; i < 3; i++)
        while (lists[i]->head.next != &lists[i]->head)
            conn_free(w, (server_conn *)lists[i]->head.next);
}

/* ------------------------------------------------------------ timers */

static void expire(worker *w, long long now)
{
    timer_entry *e;
    while ((e = timer_expired(&w->handshake, now)) != NULL) {
        server_conn *k = (server_conn *)e;
        if (!w->s->opt->quiet)
            tool_error("no handshake within %lu s: connection closed",
                       w->s->opt->limits.handshake_timeout_ms / 1000);
        conn_free(w, k); /* a silent or crawling client gets no more of our time */
    }
    while ((e = timer_expired(&w->idle, now)) != NULL) {
        server_conn *k = (server_conn *)e;
        conn_begin_close(w, k, 1);
        conn_run(w, k);
    }
    while ((e = timer_expired(&w->closing, now)) != NULL)
        conn_free(w, (server_conn *)e);
}

static int next_wait(worker *w, long long now, long long drain_deadline)
{
    long long wait = -1;
    const timer_list *lists[] = {&w->handshake, &w->idle, &w->closing};
    for (size_t i = 0; i < 3; i++) {
        long long t = timer_next(lists[i], now);
        if (t >= 0 && (wait < 0 || t < wait))
            wait = t;
    }
    if (w->listen_paused_until > 0) {
        long long t = w->listen_paused_until > now ? w->listen_paused_until - now : 0;
        if (wait < 0 || t < wait)
            wait = t;
    }
    if (drain_deadline > 0) {
        long long t = drain_deadline > now ? drain_deadline - now : 0;
        if (wait < 0 || t < wait)
            wait = t;
    }
    return wait > 60000 ? 60000 : (int)wait;
}

/* ------------------------------------------------------------ the loop */

void *server_worker_run(void *arg)
{
    server_shared *s = arg;
    worker *w = calloc(1, sizeof *w);
    if (!w) {
        tool_error("out of memory");
        server_request_stop(s);
        return NULL;
    }
    w->s = s;
    const server_limits *l = &s->opt->limits;
    timer_list_init(&w->handshake, (long long)l->handshake_timeout_ms);
    timer_list_init(&w->idle, (long long)l->idle_timeout_ms);
    timer_list_init(&w->closing, (long long)l->linger_ms);
    w->epfd = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = (void *)&stop_tag};
    if (w->epfd < 0 || epoll_ctl(w->epfd, EPOLL_CTL_ADD, s->stop_fd, &ev) != 0 ||
        listen_resume(w) != 0) {
        tool_error("cannot set up an event loop: %s", strerror(errno));
        if (w->epfd >= 0)
            close(w->epfd);
        free(w);
        server_request_stop(s);
        return NULL;
    }

    struct epoll_event events[MAX_EVENTS];
    long long drain_deadline = 0;
    int stop_seen = 0, stop_now = 0;
    for (;;) {
        long long now = limits_now_ms();
        if (stop_seen && w->live == 0)
            break;
        if (drain_deadline > 0 && now >= drain_deadline) {
            drop_all(w);
            break;
        }
        if (!stop_seen && w->listen_paused_until > 0 && now >= w->listen_paused_until &&
            listen_resume(w) != 0)
            w->listen_paused_until = now + LISTEN_PAUSE_MS;
        int n = epoll_wait(w->epfd, events, MAX_EVENTS, next_wait(w, now, drain_deadline));
        if (n < 0 && errno != EINTR) {
            tool_error("event loop failed: %s", strerror(errno));
            drop_all(w);
            break;
        }
        for (int i = 0; i < n; i++) {
            void *p = events[i].data.ptr;
            if (p == &listen_tag) {
                accept_some(w);
            } else if (p == &stop_tag) {
                stop_now = !stop_seen;
            } else {
                conn_run(w, p);
            }
        }
        /* After the batch: these may free connections the batch named. */
        if (stop_now) {
            stop_seen = 1;
            stop_now = 0;
            listen_pause(w, 0);
            epoll_ctl(w->epfd, EPOLL_CTL_DEL, s->stop_fd, NULL);
            drain_deadline = limits_now_ms() + (long long)l->drain_timeout_ms;
            drain_all(w);
        }
        expire(w, limits_now_ms());
    }
    close(w->epfd);
    free(w);
    return NULL;
}
