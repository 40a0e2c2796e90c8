/* SPDX-License-Identifier: Apache-2.0 */
/* The floor: what the cryptography itself costs through libcrypto's EVP API,
 * with algorithms fetched once. A TLS library on libcrypto cannot go below
 * it; everything above it is protocol overhead. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "bench.h"

#define REC 16384

/* Runs op until `seconds` of CPU have passed; returns CPU ns per call, or
 * a negative value if op failed. */
typedef int (*op_fn)(void *arg);
static double per_op_ns(op_fn op, void *arg, double seconds)
{
    uint64_t t0 = bench_thread_ns(), limit = (uint64_t)(seconds * 1e9), t;
    uint64_t n = 0;
    do {
        for (int i = 0; i < 8; i++)
            if (op(arg))
                return -1;
        n += 8;
        t = bench_thread_ns() - t0;
    } while (t < limit);
    return (double)t / (double)n;
}

/* ------------------------------------------------------------- AEAD */

typedef struct {
    EVP_CIPHER_CTX *ctx;
    uint8_t iv[12], aad[5], tag[16];
    uint8_t *buf, *ct, *out;
} aead_arg;

static int seal_op(void *p)
{
    aead_arg *a = p;
    int outl;
    a->iv[11]++;
    return !(EVP_EncryptInit_ex(a->ctx, NULL, NULL, NULL, a->iv) == 1 &&
             EVP_EncryptUpdate(a->ctx, NULL, &outl, a->aad, sizeof a->aad) == 1 &&
             EVP_EncryptUpdate(a->ctx, a->buf, &outl, a->buf, REC) == 1 &&
             EVP_EncryptFinal_ex(a->ctx, a->buf + outl, &outl) == 1 &&
             EVP_CIPHER_CTX_ctrl(a->ctx, EVP_CTRL_AEAD_GET_TAG, 16, a->tag) == 1);
}

static int open_op(void *p)
{
    aead_arg *a = p;
    int outl;
    return !(EVP_DecryptInit_ex(a->ctx, NULL, NULL, NULL, a->iv) == 1 &&
             EVP_DecryptUpdate(a->ctx, NULL, &outl, a->aad, sizeof a->aad) == 1 &&
             EVP_DecryptUpdate(a->ctx, a->out, &outl, a->ct, REC) == 1 &&
             EVP_CIPHER_CTX_ctrl(a->ctx, EVP_CTRL_AEAD_SET_TAG, 16, a->tag) == 1 &&
             EVP_DecryptFinal_ex(a->ctx, a->out + outl, &outl) == 1);
}

static int aead_speed(const char *name, double seconds, double *seal, double *open)
{
    EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, name, NULL);
    aead_arg a = {.ctx = EVP_CIPHER_CTX_new()};
    uint8_t key[32] = {7};
    a.buf = calloc(1, REC + 16);
    a.ct = calloc(1, REC + 16);
    a.out = calloc(1, REC + 16);
    int rc = -1;
    if (!c || !a.ctx || !a.buf || !a.ct || !a.out)
        goto done;
    if (EVP_EncryptInit_ex(a.ctx, c, NULL, key, a.iv) != 1)
        goto done;
    double ns = per_op_ns(seal_op, &a, seconds);
    if (ns <= 0)
        goto done;
    *seal = REC / ns * 1e3; /* bytes per ns = GB/s; x1e3 = MB/s */
    /* A valid record to open over and over. */
    if (seal_op(&a))
        goto done;
    memcpy(a.ct, a.buf, REC);
    if (EVP_DecryptInit_ex(a.ctx, c, NULL, key, a.iv) != 1)
        goto done;
    ns = per_op_ns(open_op, &a, seconds);
    if (ns <= 0)
        goto done;
    *open = REC / ns * 1e3;
    rc = 0;
done:
    EVP_CIPHER_CTX_free(a.ctx);
    EVP_CIPHER_free(c);
    free(a.buf);
    free(a.ct);
    free(a.out);
    return rc;
}

int bench_aead_raw(int chacha, double seconds, double *seal, double *open)
{
    return aead_speed(chacha ? "ChaCha20-Poly1305" : "AES-128-GCM", seconds, seal, open);
}

/* ----------------------------------------------------------- X25519 */

typedef struct {
    EVP_PKEY_CTX *gen;
    EVP_PKEY *mine;
    uint8_t peer_pub[32];
} x25519_arg;

static int x25519_keygen_op(void *p)
{
    x25519_arg *a = p;
    EVP_PKEY *k = NULL;
    uint8_t pub[32];
    size_t len = sizeof pub;
    int bad = EVP_PKEY_keygen(a->gen, &k) != 1 || EVP_PKEY_get_raw_public_key(k, pub, &len) != 1;
    EVP_PKEY_free(k);
    return bad;
}

static int x25519_derive_op(void *p)
{
    x25519_arg *a = p;
    EVP_PKEY *peer = EVP_PKEY_new_raw_public_key_ex(NULL, "X25519", NULL, a->peer_pub, 32);
    EVP_PKEY_CTX *d = EVP_PKEY_CTX_new_from_pkey(NULL, a->mine, NULL);
    uint8_t secret[32];
    size_t len = sizeof secret;
    int bad = !peer || !d || EVP_PKEY_derive_init(d) != 1 || EVP_PKEY_derive_set_peer(d, peer) != 1 ||
              EVP_PKEY_derive(d, secret, &len) != 1;
    EVP_PKEY_CTX_free(d);
    EVP_PKEY_free(peer);
    return bad;
}

/* ------------------------------------------------------- signatures */

typedef struct {
    EVP_PKEY *key;   /* private (sign) or public (verify) */
    EVP_MD *md;
    int pss;
    uint8_t msg[130]; /* a TLS 1.3 CertificateVerify input: 64 spaces, label, 0, hash */
    uint8_t sig[512];
    size_t sig_len;
    X509 *leaf;
    EVP_PKEY *ca_pub;
} sig_arg;

static int sig_init(EVP_MD_CTX *m, sig_arg *a, int sign)
{
    EVP_PKEY_CTX *pctx = NULL;
    int ok = sign ? EVP_DigestSignInit(m, &pctx, a->md, NULL, a->key) == 1
                  : EVP_DigestVerifyInit(m, &pctx, a->md, NULL, a->key) == 1;
    if (ok && a->pss)
        ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1;
    return ok ? 0 : -1;
}

static int sign_op(void *p)
{
    sig_arg *a = p;
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    a->sig_len = sizeof a->sig;
    int bad = !m || sig_init(m, a, 1) ||
              EVP_DigestSign(m, a->sig, &a->sig_len, a->msg, sizeof a->msg) != 1;
    EVP_MD_CTX_free(m);
    return bad;
}

static int verify_op(void *p)
{
    sig_arg *a = p;
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    int bad = !m || sig_init(m, a, 0) ||
              EVP_DigestVerify(m, a->sig, a->sig_len, a->msg, sizeof a->msg) != 1;
    EVP_MD_CTX_free(m);
    return bad;
}

static int cert_verify_op(void *p)
{
    sig_arg *a = p;
    return X509_verify(a->leaf, a->ca_pub) != 1;
}

typedef struct {
    EVP_PKEY *priv, *pub;
    uint8_t pms[48], ct[512];
    size_t ct_len;
} rsa_kx_arg;

static int rsa_encrypt_op(void *p)
{
    rsa_kx_arg *a = p;
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, a->pub, NULL);
    a->ct_len = sizeof a->ct;
    int bad = !c || EVP_PKEY_encrypt_init(c) != 1 ||
              EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) != 1 ||
              EVP_PKEY_encrypt(c, a->ct, &a->ct_len, a->pms, sizeof a->pms) != 1;
    EVP_PKEY_CTX_free(c);
    return bad;
}

static int rsa_decrypt_op(void *p)
{
    rsa_kx_arg *a = p;
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, a->priv, NULL);
    uint8_t out[512];
    size_t len = sizeof out;
    int bad = !c || EVP_PKEY_decrypt_init(c) != 1 ||
              EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) != 1 ||
              EVP_PKEY_decrypt(c, out, &len, a->ct, a->ct_len) != 1 || len != sizeof a->pms;
    EVP_PKEY_CTX_free(c);
    return bad;
}

static X509 *read_cert(const char *path)
{
    FILE *f = fopen(path, "r");
    X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    return x;
}

static int sig_speed(const bench_pki *pki, int which, double seconds, floor_result *r)
{
    sig_arg a = {.pss = which == PKI_RSA};
    memset(a.msg, 0x20, 64);
    memcpy(a.msg + 64, "TLS 1.3, server CertificateVerify", 33);
    FILE *f = fopen(pki->key[which], "r");
    EVP_PKEY *priv = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    X509 *leaf = read_cert(pki->cert[which]), *ca = read_cert(pki->ca[which]);
    a.md = EVP_MD_fetch(NULL, "SHA2-256", NULL);
    int rc = -1;
    if (!priv || !leaf || !ca || !a.md)
        goto done;
    a.key = priv;
    double ns = per_op_ns(sign_op, &a, seconds);
    if (ns <= 0)
        goto done;
    r->sign_us[which] = ns / 1e3;
    a.key = X509_get0_pubkey(leaf);
    ns = per_op_ns(verify_op, &a, seconds);
    if (ns <= 0)
        goto done;
    r->verify_us[which] = ns / 1e3;
    a.leaf = leaf;
    a.ca_pub = X509_get0_pubkey(ca);
    ns = per_op_ns(cert_verify_op, &a, seconds);
    if (ns <= 0)
        goto done;
    r->cert_verify_us[which] = ns / 1e3;
    if (which == PKI_RSA) {
        rsa_kx_arg k = {.priv = priv, .pub = X509_get0_pubkey(leaf), .pms = {3, 3}};
        if ((ns = per_op_ns(rsa_encrypt_op, &k, seconds)) <= 0)
            goto done;
        r->rsa_encrypt_us = ns / 1e3;
        if ((ns = per_op_ns(rsa_decrypt_op, &k, seconds)) <= 0)
            goto done;
        r->rsa_decrypt_us = ns / 1e3;
    }
    rc = 0;
done:
    EVP_PKEY_free(priv);
    X509_free(leaf);
    X509_free(ca);
    EVP_MD_free(a.md);
    return rc;
}

int bench_floor(const bench_pki *pki, double seconds, floor_result *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    if (bench_aead_raw(0, seconds, &r->seal_mb_s[0], &r->open_mb_s[0]) ||
        bench_aead_raw(1, seconds, &r->seal_mb_s[1], &r->open_mb_s[1])) {
        snprintf(err, errlen, "floor: AEAD measurement failed");
        return -1;
    }
    x25519_arg x = {.gen = EVP_PKEY_CTX_new_from_name(NULL, "X25519", NULL)};
    size_t len = 32;
    int ok = x.gen && EVP_PKEY_keygen_init(x.gen) == 1 && EVP_PKEY_keygen(x.gen, &x.mine) == 1 &&
             EVP_PKEY_get_raw_public_key(x.mine, x.peer_pub, &len) == 1;
    if (ok) {
        r->x25519_keygen_us = per_op_ns(x25519_keygen_op, &x, seconds) / 1e3;
        r->x25519_derive_us = per_op_ns(x25519_derive_op, &x, seconds) / 1e3;
        ok = r->x25519_keygen_us > 0 && r->x25519_derive_us > 0;
    }
    EVP_PKEY_free(x.mine);
    EVP_PKEY_CTX_free(x.gen);
    if (!ok) {
        snprintf(err, errlen, "floor: X25519 measurement failed");
        return -1;
    }
    for (int which = 0; which < 2; which++)
        if (sig_speed(pki, which, seconds, r)) {
            snprintf(err, errlen, "floor: signature measurement failed");
            return -1;
        }
    ERR_clear_error();
    return 0;
}
