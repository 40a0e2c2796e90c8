/* SPDX-License-Identifier: Apache-2.0 */
#include "crypto/thread_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "base/bytes.h"

#include <openssl/err.h>

typedef struct {
    EVP_PKEY_CTX *x25519_fromdata;
    EVP_MD_CTX *md[CR_THREAD_MD_CTXS];
    void *random_page;    /* mmap'd; see cr_thread_random_page */
    int random_page_tried; /* set once the page was made or refused */
} thread_objects;

static pthread_key_t key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static int key_ok;

static void free_objects(void *p)
{
    thread_objects *t = p;
    EVP_PKEY_CTX_free(t->x25519_fromdata);
    for (int i = 0; i < CR_THREAD_MD_CTXS; i++)
        EVP_MD_CTX_free(t->md[i]);
    if (t->random_page) {
        cl_wipe(t->random_page, CR_THREAD_RANDOM_PAGE);
        munmap(t->random_page, CR_THREAD_RANDOM_PAGE);
    }
    free(t);
}

static void make_key(void) { key_ok = pthread_key_create(&key, free_objects) == 0; }

static thread_objects *objects(void)
{
    pthread_once(&key_once, make_key);
    if (!key_ok)
        return NULL;
    thread_objects *t = pthread_getspecific(key);
    if (!t && (t = calloc(1, sizeof *t)) && pthread_setspecific(key, t) != 0) {
        free(t);
        t = NULL;
    }
    return t;
}

/* An X25519 context made by name and initialised for one operation. */
static EVP_PKEY_CTX *x25519_ctx(EVP_PKEY_CTX **slot, int (*init)(EVP_PKEY_CTX *))
{
    if (!*slot) {
        EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "X25519", NULL);
        if (!ctx || init(ctx) != 1) {
            EVP_PKEY_CTX_free(ctx);
            ERR_clear_error();
            return NULL;
        }
        *slot = ctx;
    }
    return *slot;
}

EVP_PKEY_CTX *cr_thread_x25519_fromdata(void)
{
    thread_objects *t = objects();
    return t ? x25519_ctx(&t->x25519_fromdata, EVP_PKEY_fromdata_init) : NULL;
}

EVP_MD_CTX *cr_thread_md_ctx(int which)
{
    thread_objects *t = objects();
    if (!t || which < 0 || which >= CR_THREAD_MD_CTXS)
        return NULL;
    if (!t->md[which])
        t->md[which] = EVP_MD_CTX_new();
    return t->md[which];
}

#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK 18 /* Linux 4.14 */
#endif

void *cr_thread_random_page(void)
{
    thread_objects *t = objects();
    if (!t)
        return NULL;
    if (!t->random_page_tried) {
        t->random_page_tried = 1;
        void *page = mmap(NULL, CR_THREAD_RANDOM_PAGE, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (page == MAP_FAILED)
            return NULL;
        /* Without wipe-on-fork a child would hand out its parent's bytes:
         * no page then, and no pool. */
        if (madvise(page, CR_THREAD_RANDOM_PAGE, MADV_WIPEONFORK) != 0) {
            munmap(page, CR_THREAD_RANDOM_PAGE);
            return NULL;
        }
#ifdef MADV_DONTDUMP
        (void)madvise(page, CR_THREAD_RANDOM_PAGE, MADV_DONTDUMP);
#endif
        t->random_page = page;
    }
    return t->random_page;
}
