/* Per-thread libcrypto objects that are expensive to make and cheap to
 * reuse (an X25519 key-generation context, a scratch digest context). Each
 * lives as long as its thread and is freed when the thread exits. Private
 * to src/crypto. */
#ifndef CLASP_CRYPTO_THREAD_CACHE_H
#define CLASP_CRYPTO_THREAD_CACHE_H

#include <openssl/evp.h>

/* An EVP_PKEY_CTX for X25519 key generation, keygen_init done; NULL on
 * failure. */
EVP_PKEY_CTX *cr_thread_x25519_keygen(void);
/* A scratch EVP_MD_CTX; the caller re-initialises it before each use and
 * must not hold it across calls into another cr_* function. */
EVP_MD_CTX *cr_thread_md_ctx(void);
#endif
