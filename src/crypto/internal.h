/* SPDX-License-Identifier: Apache-2.0 */
/* Private to src/crypto: the algorithm objects fetched once by cr_init and
 * the helpers the crypto files share. Nothing outside src/crypto includes
 * this (it pulls in OpenSSL types). */
#ifndef CLASP_CRYPTO_INTERNAL_H
#define CLASP_CRYPTO_INTERNAL_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "crypto/crypto.h"

/* Groups whose parameters are pre-built once (dh.c indexes them). */
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

/* Key exchange in three files, calls going one way: kx.c (the cr_kx_*
 * entry points of crypto.h) hands each group to dh.c (Diffie-Hellman on
 * its own) or to hybrid.c (ECDH + ML-KEM), and hybrid.c does its ECDH half
 * with dh.c. The functions mean what their cr_kx_* namesakes in crypto.h
 * say. */
typedef struct cr_dh cr_dh;
int cr_dh_group_supported(uint16_t group);
int cr_dh_generate(uint16_t group, cr_dh **key, uint8_t *pub, size_t *pub_len);
#ifdef CLASP_TEST_HOOKS
int cr_dh_from_private(uint16_t group, const uint8_t *priv, size_t priv_len, cr_dh **key,
                       uint8_t *pub, size_t *pub_len);
#endif
int cr_dh_derive(cr_dh *key, const uint8_t *peer, size_t peer_len, uint8_t *secret,
                 size_t *secret_len);
int cr_dh_encap(uint16_t group, const uint8_t *peer, size_t peer_len, uint8_t *pub,
                size_t *pub_len, uint8_t *secret, size_t *secret_len);
void cr_dh_free(cr_dh *key);
/* A second key holding src's key pair (a reference, not a copy), with its
 * public share: kx.c's cr_kx_generate_beside. */
int cr_dh_share(const cr_dh *src, cr_dh **key, uint8_t *pub, size_t *pub_len);
int cr_dh_generate_custom(const uint8_t *p, size_t p_len, const uint8_t *g, size_t g_len,
                          cr_dh **key, uint8_t *pub, size_t *pub_len, uint16_t *named,
                          size_t *bits);
int cr_dh_derive_dhe12(cr_dh *key, const uint8_t *peer, size_t peer_len, uint8_t *secret,
                       size_t *secret_len);
int cr_dh_params(const cr_dh *key, uint8_t *p, size_t *p_len, uint8_t *g, size_t *g_len);

typedef struct cr_hybrid cr_hybrid;
int cr_hybrid_generate(uint16_t group, cr_hybrid **h, uint8_t *pub, size_t *pub_len);
int cr_hybrid_decap(cr_hybrid *h, const uint8_t *peer, size_t peer_len, uint8_t *secret,
                    size_t *secret_len);
int cr_hybrid_encap(uint16_t group, const uint8_t *peer, size_t peer_len, uint8_t *pub,
                    size_t *pub_len, uint8_t *secret, size_t *secret_len);
void cr_hybrid_free(cr_hybrid *h);
/* The ECDH half of a hybrid key, and its group. */
const cr_dh *cr_hybrid_ec_key(const cr_hybrid *h, uint16_t *group);
#ifdef CLASP_TEST_HOOKS
/* The test hooks' fixed keys: the ECDH half from priv, the ML-KEM seed and
 * m from priv repeated (hybrid.c). */
int cr_hybrid_from_private(uint16_t group, const uint8_t *priv, size_t priv_len, cr_hybrid **h,
                           uint8_t *pub, size_t *pub_len);
int cr_hybrid_encap_from_private(uint16_t group, const uint8_t *priv, size_t priv_len,
                                 const uint8_t *peer, size_t peer_len, uint8_t *pub,
                                 size_t *pub_len, uint8_t *secret, size_t *secret_len);
#endif

#endif
