/* SPDX-License-Identifier: Apache-2.0 */
/* The limits `clasp server` holds its connections to, and the deadline
 * lists that enforce the timeouts. */
#include "server.h"

#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define DEFAULT_HANDSHAKE_TIMEOUT_S 10
#define DEFAULT_IDLE_TIMEOUT_S 60
#define DEFAULT_MAX_CONNECTIONS 16384
#define DEFAULT_DRAIN_TIMEOUT_S 5
#define DEFAULT_LINGER_MS 1000
/* Descriptors kept for the listener, stdio, the key log, eventfds, epoll. */
#define SPARE_DESCRIPTORS 32

void limits_defaults(server_limits *l)
{
    l->handshake_timeout_ms = DEFAULT_HANDSHAKE_TIMEOUT_S * 1000UL;
    l->idle_timeout_ms = DEFAULT_IDLE_TIMEOUT_S * 1000UL;
    l->max_connections = DEFAULT_MAX_CONNECTIONS;
    l->drain_timeout_ms = DEFAULT_DRAIN_TIMEOUT_S * 1000UL;
    l->linger_ms = DEFAULT_LINGER_MS;
}

int limits_parse(server_limits *l, int argc, char **argv, int *i)
{
    struct {
        const char *name;
        unsigned long *slot;
        unsigned long min, max, scale;
    } const flags[] = {
        {"--handshake-timeout", &l->handshake_timeout_ms, 1, 3600, 1000},
        {"--idle-timeout", &l->idle_timeout_ms, 1, 86400, 1000},
        {"--drain-timeout", &l->drain_timeout_ms, 0, 3600, 1000},
        {"--max-connections", &l->max_connections, 1, 10000000, 1},
    };
    for (size_t k = 0; k < sizeof flags / sizeof flags[0]; k++) {
        const char *value;
        int r = options_take_value(argc, argv, i, flags[k].name, &value);
        if (r == 0)
            continue;
        unsigned long v;
        if (r != 1 || options_parse_number(flags[k].name, value, flags[k].min, flags[k].max, &v) != 0)
            return TOOL_EXIT_USAGE;
        *flags[k].slot = v * flags[k].scale;
        return 1;
    }
    return 0;
}

void limits_fit_descriptors(server_limits *l, unsigned long workers)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    if (rl.rlim_cur < rl.rlim_max) {
        rlim_t want = l->max_connections + SPARE_DESCRIPTORS + 2 * workers;
        rl.rlim_cur = (rl.rlim_max == RLIM_INFINITY || want < rl.rlim_max) ? want : rl.rlim_max;
        if (rl.rlim_cur < want && rl.rlim_max != RLIM_INFINITY)
            rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    unsigned long spare = SPARE_DESCRIPTORS + 2 * workers;
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < l->max_connections + spare) {
        unsigned long fit = rl.rlim_cur > spare ? (unsigned long)rl.rlim_cur - spare : 1;
        tool_warning("the descriptor limit (%lu) holds %lu connections, not %lu: serving at most %lu "
                     "(raise it with ulimit -n)",
                     (unsigned long)rl.rlim_cur, fit, l->max_connections, fit);
        l->max_connections = fit;
    }
}

long long limits_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void timer_list_init(timer_list *t, long long timeout_ms)
{
    t->head.prev = t->head.next = &t->head;
    t->head.list = t;
    t->timeout_ms = timeout_ms;
}

void timer_disarm(timer_entry *e)
{
    if (!e->list)
        return;
    e->prev->next = e->next;
    e->next->prev = e->prev;
    e->prev = e->next = NULL;
    e->list = NULL;
}

void timer_arm(timer_list *t, timer_entry *e, long long now)
{
    timer_disarm(e);
    e->deadline_ms = now + t->timeout_ms;
    e->list = t;
    e->prev = t->head.prev;
    e->next = &t->head;
    t->head.prev->next = e;
    t->head.prev = e;
}

timer_entry *timer_expired(timer_list *t, long long now)
{
    timer_entry *first = t->head.next;
    return first != &t->head && first->deadline_ms <= now ? first : NULL;
}

long long timer_next(const timer_list *t, long long now)
{
    const timer_entry *first = t->head.next;
    if (first == &t->head)
        return -1;
    return first->deadline_ms > now ? first->deadline_ms - now : 0;
}
