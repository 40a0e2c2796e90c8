// SPDX-License-Identifier: Apache-2.0
/* A TLS server whose sessions live in Redis (clasp_config_set_session_store),
 * so that every server of a fleet resumes the sessions of the others: TLS
 * 1.2 session ids and TLS 1.3 (and 1.2) tickets are ids that Redis resolves.
 *
 *   redis_sessions --port 4433 --redis-port 6379 --cert chain.pem --key key.pem
 *                  --ticket-key secret.hex [--count N] [--tls1.2]
 *
 * Servers sharing a store share a ticket secret: what is stored is the
 * session sealed under the ticket keys, never a secret in the clear.
 * Each connection: handshake, print "handshake: version=... resumed=...",
 * echo one line, close. One thread, so one hiredis connection serves all
 * (a threaded server would take one per thread, or a pool). */
#include <arpa/inet.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "clasp/clasp.h"

#define KEY_PREFIX "clasp:session:"

typedef struct {
    redisContext *redis;
    const char *host;
    int port;
} redis_store;

/* One retry after reconnecting: Redis may have restarted. */
static redisReply *command(redis_store *rs, const char *fmt, const uint8_t *id, size_t id_len,
                           const uint8_t *data, size_t len, unsigned ttl)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        if (!rs->redis || rs->redis->err) {
            if (rs->redis)
                redisFree(rs->redis);
            struct timeval tv = {2, 0};
            rs->redis = redisConnectWithTimeout(rs->host, rs->port, tv);
            if (!rs->redis || rs->redis->err)
                continue;
            redisSetTimeout(rs->redis, tv);
        }
        redisReply *r = data ? redisCommand(rs->redis, fmt, id, id_len, data, len, ttl)
                             : redisCommand(rs->redis, fmt, id, id_len);
        if (r)
            return r;
    }
    return NULL;
}

static int store_session(void *arg, const uint8_t *id, size_t id_len, const uint8_t *data, size_t len,
                         uint32_t lifetime)
{
    redisReply *r = command(arg, "SET " KEY_PREFIX "%b %b EX %u", id, id_len, data, len, lifetime);
    int ok = r && r->type == REDIS_REPLY_STATUS;
    printf("store: put %zu bytes %s\n", len, ok ? "ok" : "failed");
    if (r)
        freeReplyObject(r);
    return ok ? 0 : -1;
}

static long lookup_session(void *arg, const uint8_t *id, size_t id_len, uint8_t *buf, size_t cap)
{
    redisReply *r = command(arg, "GET " KEY_PREFIX "%b", id, id_len, NULL, 0, 0);
    long n = -1;
    if (r && r->type == REDIS_REPLY_STRING && r->len <= cap) {
        memcpy(buf, r->str, r->len);
        n = (long)r->len;
    }
    printf("store: lookup %s\n", n >= 0 ? "hit" : "miss");
    if (r)
        freeReplyObject(r);
    return n;
}

static void remove_session(void *arg, const uint8_t *id, size_t id_len)
{
    redisReply *r = command(arg, "DEL " KEY_PREFIX "%b", id, id_len, NULL, 0, 0);
    printf("store: removed\n");
    if (r)
        freeReplyObject(r);
}

static int fail(const char *what, const char *why)
{
    fprintf(stderr, "redis_sessions: %s: %s\n", what, why);
    return 2;
}

int main(int argc, char **argv)
{
    int port = 4433, count = -1;
    redis_store rs = {NULL, "127.0.0.1", 6379};
    const char *cert = NULL, *key = NULL, *ticket_key = NULL;
    int tls12_only = 0;
    for (int i = 1; i < argc; i++) {
        int more = i + 1 < argc;
        if (!strcmp(argv[i], "--port") && more)
            port = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--redis-port") && more)
            rs.port = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--cert") && more)
            cert = argv[++i];
        else if (!strcmp(argv[i], "--key") && more)
            key = argv[++i];
        else if (!strcmp(argv[i], "--ticket-key") && more)
            ticket_key = argv[++i];
        else if (!strcmp(argv[i], "--count") && more)
            count = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--tls1.2"))
            tls12_only = 1;
        else
            return fail(argv[i], "unknown option (see the comment at the top of redis_sessions.c)");
    }
    if (!cert || !key || !ticket_key)
        return fail("usage", "--cert, --key and --ticket-key are required");
    setvbuf(stdout, NULL, _IOLBF, 0);

    clasp_config *cfg = clasp_config_new(CLASP_SERVER);
    clasp_session_store store = {store_session, lookup_session, remove_session, &rs};
    if (!cfg || clasp_config_load_cert_chain(cfg, cert, key) ||
        clasp_config_load_ticket_secret(cfg, ticket_key) ||
        clasp_config_set_session_store(cfg, &store) ||
        (tls12_only && clasp_config_set_versions(cfg, CLASP_TLS1_2, CLASP_TLS1_2)))
        return fail("configuration", cfg ? clasp_config_error(cfg) : "out of memory");

    int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 16))
        return fail("listen", "cannot bind the port");
    printf("listening on port %d\n", port);

    for (int served = 0; count < 0 || served < count; served++) {
        int fd = accept(ls, NULL, NULL);
        if (fd < 0)
            continue;
        struct timeval tv = {10, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        clasp_conn *c = clasp_conn_new(cfg);
        if (!c) {
            close(fd);
            continue;
        }
        if (clasp_fd_handshake(c, fd) != CLASP_OK) {
            printf("error: %s\n", clasp_conn_error_text(c));
        } else {
            printf("handshake: version=%s resumed=%s\n", clasp_conn_version_name(c),
                   clasp_conn_resumed(c) ? "yes" : "no");
            uint8_t buf[1024];
            long n = clasp_fd_read(c, fd, buf, sizeof buf);
            if (n > 0)
                clasp_fd_write(c, fd, buf, (size_t)n);
            clasp_fd_close(c, fd);
        }
        clasp_conn_free(c);
        close(fd);
    }
    close(ls);
    clasp_config_free(cfg);
    if (rs.redis)
        redisFree(rs.redis);
    return 0;
}
