/* SPDX-License-Identifier: Apache-2.0 */
/* Random bytes from the OpenSSL DRBGs, handed out from a small per-thread
 * pool.
 *
 * Why a pool: every RAND_bytes call costs ~1.8 us here whatever its size
 * (its fork check is a getpid() system call, plus locking), about the cost
 * of drawing 4 KiB. A handshake needs 32-64 bytes at a time, so one draw of
 * 1 KiB serves a few dozen handshakes.
 *
 * Why it is safe:
 * - Two pools, one filled from RAND_bytes (values the peer sees: randoms,
 *   session ids, nonces) and one from RAND_priv_bytes (private keys), the
 *   same split OpenSSL makes so that public output says nothing about the
 *   generator that makes keys.
 * - Bytes are taken from the end of the pool and wiped as they leave it, so
 *   the pool never holds a value that was already used: what it holds is
 *   only future output, which the DRBG state determines anyway.
 * - Fork: the pool lives in its own page marked MADV_WIPEONFORK, so a child
 *   process sees it zeroed, that is empty, and refills it from the DRBG
 *   (which reseeds itself after a fork). Parent and child never share a
 *   byte. The page is also MADV_DONTDUMP. Where the kernel does not offer
 *   MADV_WIPEONFORK, there is no pool and every call goes to the DRBG.
 * - Requests bigger than a quarter of a pool go straight to the DRBG. */
#include <limits.h>
#include <string.h>

#include <openssl/rand.h>

#include "crypto/crypto.h"
#include "crypto/thread_cache.h"

#define POOL_BYTES 1024

typedef struct {
    /* Unused bytes at the start of buf[kind]; zero in a fresh or forked page. */
    uint32_t left[2];
    uint8_t buf[2][POOL_BYTES];
} random_pool;

_Static_assert(sizeof(random_pool) <= CR_THREAD_RANDOM_PAGE, "the pool fits its page");

enum { PUBLIC, PRIVATE };

static int drbg(int kind, uint8_t *out, size_t n)
{
    /* RAND_bytes takes an int length. */
    while (n > 0) {
        int chunk = n > (size_t)INT_MAX ? INT_MAX : (int)n;
        if ((kind == PRIVATE ? RAND_priv_bytes(out, chunk) : RAND_bytes(out, chunk)) != 1)
            return -1;
        out += chunk;
        n -= (size_t)chunk;
    }
    return 0;
}

static int take(int kind, void *out, size_t n)
{
    random_pool *p;
    if (n > POOL_BYTES / 4 || !(p = cr_thread_random_page()))
        return drbg(kind, out, n);
    if (p->left[kind] < n) {
        if (drbg(kind, p->buf[kind], POOL_BYTES) != 0) {
            p->left[kind] = 0;
            return -1;
        }
        p->left[kind] = POOL_BYTES;
    }
    uint8_t *src = p->buf[kind] + (p->left[kind] - n);
    memcpy(out, src, n);
    cl_wipe(src, n);
    p->left[kind] -= (uint32_t)n;
    return 0;
}

int cr_random(void *out, size_t n) { return take(PUBLIC, out, n); }

int cr_random_private(void *out, size_t n) { return take(PRIVATE, out, n); }
