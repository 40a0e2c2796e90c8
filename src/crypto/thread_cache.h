/* SPDX-License-Identifier: Apache-2.0 */
/* Per-thread libcrypto objects that are expensive to make and cheap to
 * reuse (the X25519 key-building context, scratch digest contexts) and the
 * page of the random pool. Each lives as long as its thread and is freed
 * when the thread exits. Private to src/crypto. */
#ifndef CLASP_CRYPTO_THREAD_CACHE_H
#define CLASP_CRYPTO_THREAD_CACHE_H

#include <openssl/evp.h>

/* An EVP_PKEY_CTX for building X25519 keys from their parts, fromdata_init
 * done: ~1.2 us per peer key against ~2.4 us for
 * EVP_PKEY_new_raw_public_key_ex, which looks the algorithm up each time.
 * Our own key pairs are built with it too, from pooled private bytes. */
EVP_PKEY_CTX *cr_thread_x25519_fromdata(void);
/* Scratch EVP_MD_CTXs, numbered 0 .. CR_THREAD_MD_CTXS-1; the caller
 * re-initialises one before each use and must not hold it across calls
 * into another cr_* function. */
#define CR_THREAD_MD_CTXS 4
EVP_MD_CTX *cr_thread_md_ctx(int which);
/* One zeroed page for the random pool (random.c), marked MADV_WIPEONFORK
 * so that a forked child sees it zeroed; NULL where the kernel refuses
 * that, and then there is no pool. */
#define CR_THREAD_RANDOM_PAGE 4096
void *cr_thread_random_page(void);
#endif
