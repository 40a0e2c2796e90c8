/* SPDX-License-Identifier: Apache-2.0 */
/* Incremental and one-shot hashes over the fetched EVP_MDs. */
#include <stdlib.h>

#include "crypto/internal.h"

struct cr_hash {
    EVP_MD_CTX *ctx;
    /* Peek copies the running state into this scratch context and finishes
     * the copy, so the transcript hash stays open without a fresh
     * allocation per peek. */
    EVP_MD_CTX *scratch;
    cr_hash_alg alg;
};

size_t cr_hash_len(cr_hash_alg alg)
{
    switch (alg) {
    case CR_SHA256:
        return 32;
    case CR_SHA384:
        return 48;
    case CR_SHA512:
        return 64;
    case CR_SHA1:
        return 20;
    }
    return 0;
}

static cr_hash *hash_alloc(cr_hash_alg alg)
{
    cr_hash *h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->alg = alg;
    h->ctx = EVP_MD_CTX_new();
    h->scratch = EVP_MD_CTX_new();
    if (!h->ctx || !h->scratch) {
        cr_hash_free(h);
        return NULL;
    }
    return h;
}

cr_hash *cr_hash_new(cr_hash_alg alg)
{
    const cr_algs *a = cr_get_algs();
    const EVP_MD *md = a ? cr_md(a, alg) : NULL;
    if (!md)
        return NULL;
    cr_hash *h = hash_alloc(alg);
    if (!h)
        return NULL;
    if (EVP_DigestInit_ex2(h->ctx, md, NULL) != 1) {
        cr_hash_free(h);
        return NULL;
    }
    return h;
}

void cr_hash_free(cr_hash *h)
{
    if (!h)
        return;
    EVP_MD_CTX_free(h->ctx);
    EVP_MD_CTX_free(h->scratch);
    free(h);
}

int cr_hash_update(cr_hash *h, const void *data, size_t len)
{
    if (!h)
        return -1;
    if (len == 0)
        return 0;
    return EVP_DigestUpdate(h->ctx, data, len) == 1 ? 0 : -1;
}

int cr_hash_peek(const cr_hash *h, uint8_t *out)
{
    if (!h)
        return -1;
    if (EVP_MD_CTX_copy_ex(h->scratch, h->ctx) != 1 ||
        EVP_DigestFinal_ex(h->scratch, out, NULL) != 1)
        return -1;
    return 0;
}

cr_hash *cr_hash_dup(const cr_hash *h)
{
    if (!h)
        return NULL;
    cr_hash *d = hash_alloc(h->alg);
    if (!d)
        return NULL;
    if (EVP_MD_CTX_copy_ex(d->ctx, h->ctx) != 1) {
        cr_hash_free(d);
        return NULL;
    }
    return d;
}

int cr_hash_once(cr_hash_alg alg, const void *data, size_t len, uint8_t *out)
{
    const cr_algs *a = cr_get_algs();
    const EVP_MD *md = a ? cr_md(a, alg) : NULL;
    if (!md)
        return -1;
    return EVP_Digest(data, len, out, NULL, md, NULL) == 1 ? 0 : -1;
}
