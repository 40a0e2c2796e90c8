/* SPDX-License-Identifier: Apache-2.0 */
/* Private to src/crypto: the algorithm objects fetched once by cr_init and
 * the helpers the crypto files share. Nothing outside src/crypto includes
 * this (it pulls in OpenSSL types). */
#ifndef CLASP_CRYPTO_INTERNAL_H
#define CLASP_CRYPTO_INTERNAL_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "crypto/crypto.h"

/* Groups whose parameters are pre-built once (kx.c indexes them). */
enum {
    CR_KX_P256, CR_KX_P384, CR_KX_P521,
    CR_KX_FF2048, CR_KX_FF3072, CR_KX_FF4096, CR_KX_FF6144, CR_KX_FF8192,
    CR_KX_NPARAMS
};

typedef struct {
    EVP_MD *md[4];          /* by cr_hash_alg */
    EVP_CIPHER *cipher[3];  /* by cr_aead_alg */
    /* Domain parameters as parameter-only keys: a key generation context
     * is built from them without any name lookup. */
    EVP_PKEY *kx_params[CR_KX_NPARAMS];
} cr_algs;

/* The fetched algorithms, initialising them on first use; NULL if the
 * provider lacks something we need (every entry point checks). */
const cr_algs *cr_get_algs(void);

static inline const EVP_MD *cr_md(const cr_algs *a, cr_hash_alg alg)
{
    return (unsigned)alg < 4 ? a->md[alg] : NULL;
}

/* cert.c: a certificate, and trust anchors (with CRLs when check_crls). */
struct cr_cert {
    X509 *x;
};
struct cr_trust {
    X509_STORE *store;
    int check_crls;
};

/* pkey.c: wraps an EVP_PKEY (taking over the caller's reference). */
cr_pkey *cr_pkey_wrap(EVP_PKEY *pk);
EVP_PKEY *cr_pkey_get0(const cr_pkey *k);

/* hybrid.c: the ECDH + ML-KEM groups, to which kx.c hands them. The
 * ECDH half is an ordinary cr_kx. */
typedef struct cr_hybrid cr_hybrid;
int cr_hybrid_generate(uint16_t group, cr_hybrid **h, uint8_t *pub, size_t *pub_len);
int cr_hybrid_decap(cr_hybrid *h, const uint8_t *peer, size_t peer_len, uint8_t *secret,
                    size_t *secret_len);
int cr_hybrid_encap(uint16_t group, const uint8_t *peer, size_t peer_len, uint8_t *pub,
                    size_t *pub_len, uint8_t *secret, size_t *secret_len);
void cr_hybrid_free(cr_hybrid *h);

#endif
