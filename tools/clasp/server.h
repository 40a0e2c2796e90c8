/* SPDX-License-Identifier: Apache-2.0 */
/* Declarations the files of `clasp server` share: its options, the limits
 * (limits.c), the HTTP/1.1 subset of --www (http.c) and the worker loops
 * (server_loop.c). server.c parses the command line and runs the workers. */
#ifndef CLASP_SERVER_H
#define CLASP_SERVER_H

#include "tool.h"

#include <stdatomic.h>
#include <stdint.h>

/* ------------------------------------------------------------ options */

typedef enum { SERVE_PRINT, SERVE_WWW, SERVE_ECHO } server_mode;

/* The limits every connection is held to (limits.c has the defaults). */
typedef struct {
    unsigned long handshake_timeout_ms; /* accept to finished handshake, however active */
    unsigned long idle_timeout_ms;      /* between requests (--www) or bytes (otherwise) */
    unsigned long max_connections;      /* open at once, all workers together */
    unsigned long drain_timeout_ms;     /* after SIGTERM/SIGINT, for requests in flight */
    unsigned long linger_ms;            /* after our close: waiting for the peer's FIN */
} server_limits;

/* The bytes of a request --www keeps for one connection (headers and any
 * body): a longer request is refused (431). With the library's own buffers
 * (about 2 records in, 64 KiB out at most) this bounds a connection's
 * memory. */
#define SERVER_REQUEST_MAX 16384
/* Plaintext read from the connection in one step (a worker's buffer). */
#define SERVER_READ_CHUNK 16384
#define SERVER_MAX_WORKERS 256

typedef struct {
    common_options common;
    unsigned long port;
    const char *client_ca_file;  /* --verify-client */
    const char *ticket_key_file; /* --ticket-key: shared by a fleet */
    int no_resumption;
    int hrr_cookie; /* --hrr-cookie */
    int quiet;      /* --quiet: no line per connection */
    server_mode mode;
    unsigned long count;   /* connections to handle; 0: no limit */
    unsigned long workers; /* threads, each with its own event loop */
    server_limits limits;
} server_options;

/* ------------------------------------------------------------ limits.c */

void limits_defaults(server_limits *l);
/* Tries argv[*i] as a limit flag (--handshake-timeout S, --idle-timeout S,
 * --max-connections N, --drain-timeout S): as options_parse_common. */
int limits_parse(server_limits *l, int argc, char **argv, int *i);
/* Raises the descriptor limit as far as allowed and lowers
 * max_connections to what it leaves room for (with a warning). */
void limits_fit_descriptors(server_limits *l, unsigned long workers);

long long limits_now_ms(void);

/* A list of connections ordered by deadline. Every entry of one list gets
 * the same timeout, so appending keeps it ordered: O(1) to add, move and
 * remove, and the head is the next to expire. */
typedef struct timer_entry {
    struct timer_entry *prev, *next;
    struct timer_list *list;
    long long deadline_ms;
} timer_entry;

typedef struct timer_list {
    timer_entry head; /* sentinel */
    long long timeout_ms;
} timer_list;

void timer_list_init(timer_list *t, long long timeout_ms);
/* (Re)arms e on list t: deadline now + t's timeout, at the tail. */
void timer_arm(timer_list *t, timer_entry *e, long long now);
void timer_disarm(timer_entry *e);
/* The first entry whose deadline has passed, or NULL. */
timer_entry *timer_expired(timer_list *t, long long now);
/* Milliseconds until the head expires (-1: empty). */
long long timer_next(const timer_list *t, long long now);

/* ------------------------------------------------------------ http.c */

typedef struct {
    size_t length;  /* bytes of the request: headers and body */
    int keep_alive; /* the connection may carry another request after this one */
    int status;     /* 0: fine; else the error status to answer (then close) */
    char line[256]; /* the request line, control bytes replaced by '?' */
} http_request;

/* Parses the request at the front of buf. 1: complete (req filled, its
 * status may be an error), 0: incomplete (read more; buf is full at max:
 * the caller answers 431). Handles HTTP/1.0 and 1.1, Connection (close,
 * keep-alive), Content-Length; refuses Transfer-Encoding (501). */
int http_parse_request(const uint8_t *buf, size_t len, http_request *req);
/* Writes a response with body into out: its length, or 0 if it does not fit. */
size_t http_format_response(char *out, size_t cap, int status, int keep_alive, const char *body,
                            size_t body_len);
const char *http_reason(int status);

/* ------------------------------------------------------------ server_loop.c */

/* What all workers share. */
typedef struct {
    const server_options *opt;
    clasp_config *cfg;
    int listen_fd;
    int stop_fd;               /* eventfd: readable once the server stops accepting */
    atomic_int stopping;       /* 1 after SIGTERM/SIGINT or --count reached */
    atomic_long open;          /* connections open now */
    atomic_ulong accepted;     /* for --count */
    atomic_ulong finished;     /* for --count */
    atomic_llong last_refusal_note_ms;
} server_shared;

/* Runs one worker's event loop until the server stops and the worker's
 * connections are done. arg is a server_shared. */
void *server_worker_run(void *arg);
/* Tells every worker to stop accepting and to drain. */
void server_request_stop(server_shared *s);

#endif
