/* SPDX-License-Identifier: Apache-2.0 */
#include "x509/verify_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 8

typedef struct {
    uint8_t id[32];
    cr_pkey *key;
    unsigned key_uses; /* CR_KEY_USE_*: checked per handshake, as the use varies */
    int64_t not_after;
} entry;

struct cl_verify_cache {
    pthread_mutex_t lock; /* taken once per handshake, never per record */
    entry e[SLOTS];
    unsigned next;
};

cl_verify_cache *cl_vcache_new(void)
{
    cl_verify_cache *v = calloc(1, sizeof *v);
    if (v && pthread_mutex_init(&v->lock, NULL)) {
        free(v);
        return NULL;
    }
    return v;
}

void cl_vcache_free(cl_verify_cache *v)
{
    if (!v)
        return;
    for (int i = 0; i < SLOTS; i++)
        cr_pkey_free(v->e[i].key);
    pthread_mutex_destroy(&v->lock);
    free(v);
}

cr_pkey *cl_vcache_lookup(cl_verify_cache *v, const uint8_t id[32], int64_t now,
                          unsigned *key_uses)
{
    if (!v)
        return NULL;
    cr_pkey *key = NULL;
    pthread_mutex_lock(&v->lock);
    for (int i = 0; i < SLOTS; i++) {
        entry *e = &v->e[i];
        if (e->key && memcmp(e->id, id, 32) == 0) {
            if (now <= e->not_after) {
                key = cr_pkey_ref(e->key);
                *key_uses = e->key_uses;
            }
            break;
        }
    }
    pthread_mutex_unlock(&v->lock);
    return key;
}

void cl_vcache_store(cl_verify_cache *v, const uint8_t id[32], cr_pkey *key, unsigned key_uses,
                     int64_t not_after)
{
    if (!v || !key)
        return;
    pthread_mutex_lock(&v->lock);
    entry *e = &v->e[v->next++ % SLOTS];
    cr_pkey_free(e->key);
    memcpy(e->id, id, 32);
    e->key = cr_pkey_ref(key);
    e->key_uses = key_uses;
    e->not_after = not_after;
    pthread_mutex_unlock(&v->lock);
}
