/* SPDX-License-Identifier: Apache-2.0 */
/* epoll_server: a TLS echo server with one thread and one epoll set serving
 * many connections at once, on non-blocking sockets and the clasp fd layer.
 * Whatever a client sends comes back to it.
 *
 *   epoll_server CHAIN.pem KEY.pem [PORT [ADDRESS]]
 *
 * PORT 0 (the default) picks a free port; ADDRESS defaults to 127.0.0.1
 * (0.0.0.0 or :: listens everywhere). It prints "listening on port N", a
 * line per handshake and per closed connection (with how many connections
 * are established at that moment), and on SIGINT or SIGTERM a summary, then
 * exits 0.
 *
 * The pattern, for each connection whose socket epoll reports ready:
 *   - clasp_fd_handshake until CLASP_OK; CLASP_WANT_READ / CLASP_WANT_WRITE
 *     say which readiness to wait for;
 *   - clasp_fd_read until CLASP_WANT_READ, echoing each piece with
 *     clasp_fd_write; when the socket takes less than all of it, the rest
 *     waits (and reading stops) until the socket is writable: a client that
 *     sends but never reads cannot make the server buffer without bound;
 *   - read until CLASP_WANT_READ before waiting again: clasp may hold whole
 *     records it has already received, which epoll cannot report.
 * A connection belongs to this one thread; the config is shared by all of
 * them. A real server would also bound how long a handshake and an idle
 * connection may take (see tools/clasp/server_loop.c).
 *
 * Build against an installed clasp:
 *   cc epoll_server.c $(pkg-config --cflags --libs clasp) -o epoll_server */
#define _GNU_SOURCE /* accept4 */
#include <clasp/clasp.h>

#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_CONNECTIONS 4096
#define MAX_EVENTS 64

typedef struct client {
    struct client *prev, *next; /* every open connection, to free them at exit */
    int fd;
    unsigned long id;
    clasp_conn *tls;
    uint32_t events;      /* what epoll waits for on fd */
    int established;      /* the handshake is done */
    int closing;          /* our close_notify is on its way out */
    uint8_t echo[16384];  /* read from the peer, not yet taken by clasp_fd_write */
    size_t echo_len, echo_off;
    unsigned long long echoed;
} client;

typedef struct {
    int epoll_fd;
    clasp_config *cfg;
    client *clients;
    unsigned long accepted, open, established, peak_established, clean_closes, failures;
    unsigned long long echoed;
} server;

/* The epoll data of the two descriptors that are no client. */
static char listener_tag, signal_tag;

static int watch(server *s, client *cl, uint32_t events)
{
    if (cl->events == events)
        return 0;
    struct epoll_event ev = {.events = events, .data.ptr = cl};
    if (epoll_ctl(s->epoll_fd, EPOLL_CTL_MOD, cl->fd, &ev) != 0)
        return -1;
    cl->events = events;
    return 0;
}

static void drop(server *s, client *cl, const char *why)
{
    if (cl->established)
        s->established--;
    s->open--;
    if (why) {
        s->failures++;
        printf("conn %lu: dropped: %s (established=%lu)\n", cl->id, why, s->established);
    } else {
        s->clean_closes++;
        printf("conn %lu: closed cleanly after echoing %llu bytes (established=%lu)\n", cl->id,
               cl->echoed, s->established);
    }
    if (cl->prev)
        cl->prev->next = cl->next;
    else
        s->clients = cl->next;
    if (cl->next)
        cl->next->prev = cl->prev;
    epoll_ctl(s->epoll_fd, EPOLL_CTL_DEL, cl->fd, NULL);
    close(cl->fd);
    clasp_conn_free(cl->tls);
    free(cl);
}

/* Moves the connection as far as the socket allows. 0: wait for the events
 * now set; 1: the connection is over (cleanly, or *why says what failed). */
static int serve(server *s, client *cl, const char **why)
{
    *why = NULL;
    if (!cl->established) {
        int rc = clasp_fd_handshake(cl->tls, cl->fd);
        if (rc == CLASP_WANT_READ)
            return watch(s, cl, EPOLLIN) ? (*why = strerror(errno), 1) : 0;
        if (rc == CLASP_WANT_WRITE)
            return watch(s, cl, EPOLLOUT) ? (*why = strerror(errno), 1) : 0;
        if (rc != CLASP_OK) {
            *why = clasp_conn_error_text(cl->tls);
            return 1;
        }
        cl->established = 1;
        if (++s->established > s->peak_established)
            s->peak_established = s->established;
        printf("conn %lu: %s %s %s (established=%lu)\n", cl->id, clasp_conn_version_name(cl->tls),
               clasp_conn_cipher_name(cl->tls), clasp_conn_group_name(cl->tls), s->established);
    }
    if (cl->closing) { /* finishing our close_notify */
        int rc = clasp_fd_flush(cl->tls, cl->fd);
        if (rc == CLASP_WANT_WRITE)
            return watch(s, cl, EPOLLOUT) ? (*why = strerror(errno), 1) : 0;
        return 1;
    }
    for (;;) {
        /* First what was read and not yet echoed. */
        while (cl->echo_off < cl->echo_len) {
            long w = clasp_fd_write(cl->tls, cl->fd, cl->echo + cl->echo_off,
                                    cl->echo_len - cl->echo_off);
            if (w == CLASP_WANT_WRITE)
                return watch(s, cl, EPOLLOUT) ? (*why = strerror(errno), 1) : 0;
            if (w < 0) {
                *why = clasp_conn_error_text(cl->tls);
                return 1;
            }
            cl->echo_off += (size_t)w;
            cl->echoed += (unsigned long long)w;
            s->echoed += (unsigned long long)w;
            /* The socket took less: the rest when it is writable. */
            if (cl->echo_off < cl->echo_len)
                return watch(s, cl, EPOLLOUT) ? (*why = strerror(errno), 1) : 0;
        }
        long r = clasp_fd_read(cl->tls, cl->fd, cl->echo, sizeof cl->echo);
        if (r > 0) {
            cl->echo_len = (size_t)r;
            cl->echo_off = 0;
            continue;
        }
        if (r == CLASP_WANT_READ) {
            /* Nothing to read; records of ours may still be queued. */
            int fl = clasp_fd_flush(cl->tls, cl->fd);
            if (fl == CLASP_ERROR) {
                *why = clasp_conn_error_text(cl->tls);
                return 1;
            }
            uint32_t events = fl == CLASP_WANT_WRITE ? EPOLLIN | EPOLLOUT : EPOLLIN;
            return watch(s, cl, events) ? (*why = strerror(errno), 1) : 0;
        }
        if (r == CLASP_CLOSED) { /* the client's close_notify: answer with ours */
            cl->closing = 1;
            int rc = clasp_fd_close(cl->tls, cl->fd);
            if (rc == CLASP_WANT_WRITE)
                return watch(s, cl, EPOLLOUT) ? (*why = strerror(errno), 1) : 0;
            return 1;
        }
        /* CLASP_TRUNCATED (no close_notify) or CLASP_ERROR. */
        *why = clasp_conn_error_text(cl->tls);
        return 1;
    }
}

static void accept_all(server *s, int listen_fd)
{
    for (;;) {
        int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                fprintf(stderr, "epoll_server: accept: %s\n", strerror(errno));
            if (errno == EINTR)
                continue;
            return;
        }
        client *cl = s->open < MAX_CONNECTIONS ? calloc(1, sizeof *cl) : NULL;
        clasp_conn *tls = cl ? clasp_conn_new(s->cfg) : NULL;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = cl};
        if (!tls || epoll_ctl(s->epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
            fprintf(stderr, "epoll_server: turning a connection away (%s)\n",
                    cl ? "out of resources" : "too many connections");
            clasp_conn_free(tls);
            free(cl);
            close(fd);
            continue;
        }
        cl->fd = fd;
        cl->tls = tls;
        cl->events = EPOLLIN;
        cl->id = ++s->accepted;
        cl->next = s->clients;
        if (cl->next)
            cl->next->prev = cl;
        s->clients = cl;
        s->open++;
        /* The client speaks first; serve() then waits for what it needs. */
        const char *why;
        if (serve(s, cl, &why))
            drop(s, cl, why);
    }
}

/* A non-blocking listening socket on address:port, or -1. */
static int listen_on(const char *address, const char *port)
{
    struct addrinfo hints = {0}, *res;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
    int rc = getaddrinfo(address, port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "epoll_server: cannot use %s port %s: %s\n", address, port, gai_strerror(rc));
        return -1;
    }
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, 1024) != 0) {
        fprintf(stderr, "epoll_server: cannot listen on %s port %s: %s\n", address, port,
                strerror(errno));
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

static int local_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        return -1;
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 5) {
        fprintf(stderr, "usage: epoll_server CHAIN.pem KEY.pem [PORT [ADDRESS]]\n");
        return 2;
    }
    const char *port = argc > 3 ? argv[3] : "0";
    const char *address = argc > 4 ? argv[4] : "127.0.0.1";
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN); /* the fd layer sends with MSG_NOSIGNAL; this is for the rest */

    /* One config for every connection: set up first, then shared read-only. */
    server s = {.epoll_fd = -1};
    s.cfg = clasp_config_new(CLASP_SERVER);
    if (!s.cfg) {
        fprintf(stderr, "epoll_server: out of memory\n");
        return 1;
    }
    if (clasp_config_load_cert_chain(s.cfg, argv[1], argv[2]) != 0) {
        fprintf(stderr, "epoll_server: %s\n", clasp_config_error(s.cfg));
        clasp_config_free(s.cfg);
        return 1;
    }

    int status = 1, signal_fd = -1;
    int listen_fd = listen_on(address, port);
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    if (listen_fd < 0 || sigprocmask(SIG_BLOCK, &stop, NULL) != 0 ||
        (signal_fd = signalfd(-1, &stop, SFD_NONBLOCK | SFD_CLOEXEC)) < 0 ||
        (s.epoll_fd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
        if (listen_fd >= 0)
            fprintf(stderr, "epoll_server: %s\n", strerror(errno));
        goto out;
    }
    struct epoll_event lev = {.events = EPOLLIN, .data.ptr = &listener_tag};
    struct epoll_event sev = {.events = EPOLLIN, .data.ptr = &signal_tag};
    if (epoll_ctl(s.epoll_fd, EPOLL_CTL_ADD, listen_fd, &lev) != 0 ||
        epoll_ctl(s.epoll_fd, EPOLL_CTL_ADD, signal_fd, &sev) != 0) {
        fprintf(stderr, "epoll_server: epoll_ctl: %s\n", strerror(errno));
        goto out;
    }
    printf("listening on port %d\n", local_port(listen_fd));

    for (int running = 1; running;) {
        struct epoll_event events[MAX_EVENTS];
        int n = epoll_wait(s.epoll_fd, events, MAX_EVENTS, -1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fprintf(stderr, "epoll_server: epoll_wait: %s\n", strerror(errno));
            goto out;
        }
        for (int i = 0; i < n; i++) {
            void *tag = events[i].data.ptr;
            if (tag == &listener_tag) {
                accept_all(&s, listen_fd);
            } else if (tag == &signal_tag) {
                running = 0;
            } else {
                /* Readable, writable, or hung up / failed: serve() finds out
                 * which from what the socket calls return. */
                client *cl = tag;
                const char *why;
                if (serve(&s, cl, &why))
                    drop(&s, cl, why);
            }
        }
    }
    printf("served %lu connections: %lu closed cleanly, %lu dropped; at most %lu established "
           "at once; %llu bytes echoed\n",
           s.accepted, s.clean_closes, s.failures, s.peak_established, s.echoed);
    status = 0;
out:
    /* Connections still open are let go without a goodbye. */
    while (s.clients)
        drop(&s, s.clients, "the server is stopping");
    if (s.epoll_fd >= 0)
        close(s.epoll_fd);
    if (signal_fd >= 0)
        close(signal_fd);
    if (listen_fd >= 0)
        close(listen_fd);
    clasp_config_free(s.cfg);
    return status;
}
