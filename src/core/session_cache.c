/* SPDX-License-Identifier: Apache-2.0 */
/* The server's TLS 1.2 session-ID cache: a fixed table (bounded memory),
 * one mutex (taken once per full handshake and once per resumption
 * attempt, never per record), entries that expire with the lifetime. */
#include <pthread.h>
#include <stdlib.h>

#include "core/conn.h"

typedef struct {
    uint8_t id[32];
    uint8_t master[48];
    uint16_t suite;
    uint8_t ems;
    uint8_t used;
    uint8_t peer_verified;
    uint64_t created;
    char alpn[32];
    char server_name[256];
    uint8_t trust_id[32];
    uint8_t *peer_chain; /* the client's certificates (session.c's form), or NULL */
    size_t peer_chain_len;
} cache_entry;

struct cl_session_cache {
    pthread_mutex_t lock;
    size_t slots;
    cache_entry *entries;
};

cl_session_cache *cl_cache_new(size_t slots)
{
    cl_session_cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->entries = calloc(slots, sizeof *c->entries);
    if (!c->entries || pthread_mutex_init(&c->lock, NULL)) {
        free(c->entries);
        free(c);
        return NULL;
    }
    c->slots = slots;
    return c;
}

/* Empties a slot (the lock is held). */
static void drop(cache_entry *e)
{
    free(e->peer_chain);
    cl_wipe(e, sizeof *e);
}

void cl_cache_free(cl_session_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->slots; i++)
        free(c->entries[i].peer_chain);
    cl_wipe(c->entries, c->slots * sizeof *c->entries);
    free(c->entries);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

/* Session IDs are random, so their first bytes index the table. */
static size_t slot_of(const cl_session_cache *c, const uint8_t *id)
{
    uint32_t h = (uint32_t)id[0] | (uint32_t)id[1] << 8 | (uint32_t)id[2] << 16 | (uint32_t)id[3] << 24;
    return h % c->slots;
}

void cl_cache_put(cl_session_cache *c, const cl_session *s, uint64_t now)
{
    if (!c || s->session_id_len != 32 || s->secret_len != 48 || strlen(s->alpn) >= 32 ||
        strlen(s->server_name) >= 256)
        return;
    uint8_t *chain = NULL;
    if (s->peer_chain_len) {
        if (!(chain = malloc(s->peer_chain_len)))
            return; /* not cached: the next connection does a full handshake */
        memcpy(chain, s->peer_chain, s->peer_chain_len);
    }
    pthread_mutex_lock(&c->lock);
    cache_entry *e = &c->entries[slot_of(c, s->session_id)];
    drop(e);
    memcpy(e->id, s->session_id, 32);
    memcpy(e->master, s->secret, 48);
    e->suite = s->suite;
    e->ems = (uint8_t)s->ems;
    e->used = 1;
    e->created = now;
    memcpy(e->alpn, s->alpn, strlen(s->alpn) + 1);
    memcpy(e->server_name, s->server_name, strlen(s->server_name) + 1);
    e->peer_verified = (uint8_t)s->peer_verified;
    memcpy(e->trust_id, s->trust_id, 32);
    e->peer_chain = chain;
    e->peer_chain_len = s->peer_chain_len;
    pthread_mutex_unlock(&c->lock);
}

void cl_cache_remove(cl_session_cache *c, const uint8_t *id, size_t id_len)
{
    if (!c || id_len != 32)
        return;
    pthread_mutex_lock(&c->lock);
    cache_entry *e = &c->entries[slot_of(c, id)];
    if (e->used && memcmp(e->id, id, 32) == 0)
        drop(e);
    pthread_mutex_unlock(&c->lock);
}

int cl_cache_get(cl_session_cache *c, const uint8_t *id, size_t id_len, uint64_t now,
                 uint32_t lifetime, cl_session *out)
{
    if (!c || id_len != 32)
        return -1;
    int rc = -1;
    pthread_mutex_lock(&c->lock);
    cache_entry *e = &c->entries[slot_of(c, id)];
    if (e->used && memcmp(e->id, id, 32) == 0) {
        uint8_t *chain = NULL;
        if (now - e->created <= lifetime &&
            (!e->peer_chain_len || (chain = malloc(e->peer_chain_len)))) {
            memset(out, 0, sizeof *out);
            out->version = CLASP_TLS1_2;
            out->suite = e->suite;
            memcpy(out->secret, e->master, 48);
            out->secret_len = 48;
            memcpy(out->session_id, id, 32);
            out->session_id_len = 32;
            out->ems = e->ems;
            memcpy(out->alpn, e->alpn, sizeof e->alpn);
            memcpy(out->server_name, e->server_name, sizeof e->server_name);
            out->peer_verified = e->peer_verified;
            memcpy(out->trust_id, e->trust_id, 32);
            if (chain)
                memcpy(chain, e->peer_chain, e->peer_chain_len);
            out->peer_chain = chain;
            out->peer_chain_len = e->peer_chain_len;
            rc = 0;
        } else if (now - e->created > lifetime) {
            drop(e); /* expired */
        }
    }
    pthread_mutex_unlock(&c->lock);
    return rc;
}

void cl_forget_session(clasp_conn *c)
{
    if (!c->cached_id_len)
        return;
    const clasp_config *cfg = c->cfg;
    if (cfg->store.store) {
        if (cfg->store.remove)
            cfg->store.remove(cfg->store.arg, c->cached_id, c->cached_id_len);
    } else {
        cl_cache_remove(cfg->cache, c->cached_id, c->cached_id_len);
    }
    c->cached_id_len = 0;
}
