/* SPDX-License-Identifier: Apache-2.0 */
/* Keys and signatures: our private keys (PEM or DER) and peers' public
 * keys, signing and verifying with every TLS signature scheme, and the RSA
 * key transport of TLS 1.2. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h> /* PKCS8_decrypt */
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "base/ct.h"
#include "crypto/internal.h"

/* Ready-made signing contexts, see sign_v. Bounded: a key signs with one
 * or two schemes, and one template per scheme per concurrent signer is
 * enough; a context that finds no free slot is simply freed. */
#define SIGN_POOL 8

typedef struct {
    uint16_t scheme;
    EVP_MD_CTX *ctx; /* NULL: free slot */
} sign_template;

struct cr_pkey {
    EVP_PKEY *pk;
    atomic_int refs;
    cr_key_type type;
    int rsa_pss; /* an RSA-PSS (id-RSASSA-PSS) key: only rsa_pss_pss_* */
    pthread_mutex_t pool_lock;
    sign_template pool[SIGN_POOL];
};

static cr_key_type classify(EVP_PKEY *pk, int *rsa_pss)
{
    *rsa_pss = 0;
    if (EVP_PKEY_is_a(pk, "RSA"))
        return CR_KEY_RSA;
    if (EVP_PKEY_is_a(pk, "RSA-PSS")) {
        /* Kept apart from CR_KEY_RSA: such a key may not be used with
         * rsa_pss_rsae_* or PKCS#1 v1.5 (RFC 8446 4.2.3). */
        *rsa_pss = 1;
        return CR_KEY_OTHER;
    }
    if (EVP_PKEY_is_a(pk, "ED25519"))
        return CR_KEY_ED25519;
    if (EVP_PKEY_is_a(pk, "EC")) {
        char name[64];
        size_t len = 0;
        if (EVP_PKEY_get_group_name(pk, name, sizeof(name), &len) != 1)
            return CR_KEY_OTHER;
        switch (OBJ_txt2nid(name)) {
        case NID_X9_62_prime256v1:
            return CR_KEY_EC_P256;
        case NID_secp384r1:
            return CR_KEY_EC_P384;
        case NID_secp521r1:
            return CR_KEY_EC_P521;
        default:
            return CR_KEY_OTHER;
        }
    }
    return CR_KEY_OTHER;
}

cr_pkey *cr_pkey_wrap(EVP_PKEY *pk)
{
    if (!pk)
        return NULL;
    cr_pkey *k = calloc(1, sizeof(*k));
    if (!k || pthread_mutex_init(&k->pool_lock, NULL) != 0) {
        free(k);
        EVP_PKEY_free(pk);
        return NULL;
    }
    k->pk = pk;
    atomic_init(&k->refs, 1);
    k->type = classify(pk, &k->rsa_pss);
    ERR_clear_error(); /* a failed group-name query is not an error here */
    return k;
}

EVP_PKEY *cr_pkey_get0(const cr_pkey *k)
{
    return k ? k->pk : NULL;
}

/* Never prompt for a passphrase: encrypted keys simply fail to load. */
static int no_password(char *buf, int size, int rwflag, void *u)
{
    (void)buf, (void)size, (void)rwflag, (void)u;
    return -1;
}

static int looks_like_pem(const uint8_t *data, size_t len)
{
    static const char tag[] = "-----BEGIN ";
    size_t n = sizeof(tag) - 1;
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(data + i, tag, n) == 0)
            return 1;
    return 0;
}

cr_pkey *cr_pkey_load_private(const uint8_t *data, size_t len)
{
    EVP_PKEY *pk = NULL;
    if (!data || len == 0 || len > (size_t)INT32_MAX || cr_get_algs() == NULL)
        return NULL;
    if (looks_like_pem(data, len)) {
        /* Skips other PEM blocks (e.g. "EC PARAMETERS") before the key. */
        BIO *bio = BIO_new_mem_buf(data, (int)len);
        if (bio)
            pk = PEM_read_bio_PrivateKey_ex(bio, NULL, no_password, NULL, NULL, NULL);
        BIO_free(bio);
    } else {
        /* PKCS#8, or a traditional RSA/EC structure. */
        const unsigned char *p = data;
        pk = d2i_AutoPrivateKey_ex(NULL, &p, (long)len, NULL, NULL);
    }
    if (!pk) {
        ERR_clear_error();
        return NULL;
    }
    return cr_pkey_wrap(pk);
}

typedef struct {
    cr_passphrase_fn *fn;
    void *arg;
    int asked;
} passphrase_ask;

/* OpenSSL's pem_password_cb over ours: called only for an encrypted key. */
static int ask_passphrase(char *buf, int size, int rwflag, void *u)
{
    passphrase_ask *a = u;
    (void)rwflag;
    a->asked = 1;
    if (!a->fn || size <= 0)
        return -1;
    int n = a->fn(a->arg, buf, (size_t)size);
    return n < 0 || n > size ? -1 : n;
}

/* DER EncryptedPrivateKeyInfo (PKCS#8, RFC 5958 3). */
static EVP_PKEY *load_encrypted_der(const uint8_t *data, size_t len, passphrase_ask *ask)
{
    const unsigned char *p = data;
    X509_SIG *sig = d2i_X509_SIG(NULL, &p, (long)len);
    if (!sig)
        return NULL;
    EVP_PKEY *pk = NULL;
    char pass[1024];
    int n = ask_passphrase(pass, sizeof pass, 0, ask);
    if (n >= 0) {
        PKCS8_PRIV_KEY_INFO *p8 = PKCS8_decrypt(sig, pass, n);
        if (p8)
            pk = EVP_PKCS82PKEY(p8);
        PKCS8_PRIV_KEY_INFO_free(p8);
    }
    cl_wipe(pass, sizeof pass);
    X509_SIG_free(sig);
    return pk;
}

cr_pkey *cr_pkey_load_private_pw(const uint8_t *data, size_t len, cr_passphrase_fn *fn, void *arg,
                                 cr_key_load_status *status)
{
    EVP_PKEY *pk = NULL;
    passphrase_ask ask = {fn, arg, 0};
    *status = CR_KEY_NOT_A_KEY;
    if (!data || len == 0 || len > (size_t)INT32_MAX || cr_get_algs() == NULL)
        return NULL;
    if (looks_like_pem(data, len)) {
        BIO *bio = BIO_new_mem_buf(data, (int)len);
        if (bio)
            pk = PEM_read_bio_PrivateKey_ex(bio, NULL, ask_passphrase, &ask, NULL, NULL);
        BIO_free(bio);
    } else {
        const unsigned char *p = data;
        pk = d2i_AutoPrivateKey_ex(NULL, &p, (long)len, NULL, NULL);
        if (!pk)
            pk = load_encrypted_der(data, len, &ask);
    }
    ERR_clear_error();
    if (!pk) {
        if (ask.asked)
            *status = fn ? CR_KEY_BAD_PASSPHRASE : CR_KEY_NEEDS_PASSPHRASE;
        return NULL;
    }
    cr_pkey *k = cr_pkey_wrap(pk);
    if (k)
        *status = CR_KEY_LOADED;
    return k;
}

cr_pkey *cr_pkey_ref(cr_pkey *k)
{
    if (k)
        atomic_fetch_add_explicit(&k->refs, 1, memory_order_relaxed);
    return k;
}

void cr_pkey_free(cr_pkey *k)
{
    if (!k || atomic_fetch_sub_explicit(&k->refs, 1, memory_order_acq_rel) != 1)
        return;
    for (int i = 0; i < SIGN_POOL; i++)
        EVP_MD_CTX_free(k->pool[i].ctx);
    pthread_mutex_destroy(&k->pool_lock);
    EVP_PKEY_free(k->pk); /* the providers cleanse private material */
    free(k);
}

cr_key_type cr_pkey_type(const cr_pkey *k)
{
    return k ? k->type : CR_KEY_OTHER;
}

size_t cr_pkey_bits(const cr_pkey *k)
{
    int bits = k ? EVP_PKEY_get_bits(k->pk) : 0;
    return bits > 0 ? (size_t)bits : 0;
}

size_t cr_pkey_max_sig_len(const cr_pkey *k)
{
    int n = k ? EVP_PKEY_get_size(k->pk) : 0;
    return n > 0 ? (size_t)n : 0;
}

enum pad { PAD_NONE, PAD_PKCS1, PAD_PSS };

typedef struct {
    int hash;           /* cr_hash_alg, or -1 for Ed25519 (no prehash) */
    enum pad pad;
    cr_key_type key;    /* required key type; CR_KEY_OTHER: see below */
    int any_ec;         /* ecdsa_sha1: any of our curves */
    int pss_key;        /* rsa_pss_pss_*: an RSA-PSS key */
} scheme_info;

/* TLS 1.2 reads ecdsa_secp256r1_sha256 as "ECDSA with SHA-256" on any
 * curve (RFC 5246 7.4.1.4.1); TLS 1.3 binds the curve (RFC 8446 4.2.3). */
static int scheme_lookup_v(uint16_t scheme, scheme_info *s, int tls12);

static int scheme_lookup(uint16_t scheme, scheme_info *s) { return scheme_lookup_v(scheme, s, 0); }

static int scheme_lookup_v(uint16_t scheme, scheme_info *s, int tls12)
{
    memset(s, 0, sizeof(*s));
    switch (scheme) {
    case CR_SIG_RSA_PKCS1_SHA1:
        *s = (scheme_info){CR_SHA1, PAD_PKCS1, CR_KEY_RSA, 0, 0};
        break;
    case CR_SIG_RSA_PKCS1_SHA256:
        *s = (scheme_info){CR_SHA256, PAD_PKCS1, CR_KEY_RSA, 0, 0};
        break;
    case CR_SIG_RSA_PKCS1_SHA384:
        *s = (scheme_info){CR_SHA384, PAD_PKCS1, CR_KEY_RSA, 0, 0};
        break;
    case CR_SIG_RSA_PKCS1_SHA512:
        *s = (scheme_info){CR_SHA512, PAD_PKCS1, CR_KEY_RSA, 0, 0};
        break;
    case CR_SIG_ECDSA_SHA1:
        *s = (scheme_info){CR_SHA1, PAD_NONE, CR_KEY_OTHER, 1, 0};
        break;
    case CR_SIG_ECDSA_SECP256R1_SHA256:
        *s = (scheme_info){CR_SHA256, PAD_NONE, CR_KEY_EC_P256, 0, 0};
        break;
    case CR_SIG_ECDSA_SECP384R1_SHA384:
        *s = (scheme_info){CR_SHA384, PAD_NONE, CR_KEY_EC_P384, 0, 0};
        break;
    case CR_SIG_ECDSA_SECP521R1_SHA512:
        *s = (scheme_info){CR_SHA512, PAD_NONE, CR_KEY_EC_P521, 0, 0};
        break;
    case CR_SIG_RSA_PSS_RSAE_SHA256:
        *s = (scheme_info){CR_SHA256, PAD_PSS, CR_KEY_RSA, 0, 0};
        break;
    case CR_SIG_RSA_PSS_RSAE_SHA384:
        *s = (scheme_info){CR_SHA384, PAD_PSS, CR_KEY_RSA, 0, 0};
        break;
    case CR_SIG_RSA_PSS_RSAE_SHA512:
        *s = (scheme_info){CR_SHA512, PAD_PSS, CR_KEY_RSA, 0, 0};
        break;
    case CR_SIG_ED25519:
        *s = (scheme_info){-1, PAD_NONE, CR_KEY_ED25519, 0, 0};
        break;
    case CR_SIG_RSA_PSS_PSS_SHA256:
        *s = (scheme_info){CR_SHA256, PAD_PSS, CR_KEY_OTHER, 0, 1};
        break;
    case CR_SIG_RSA_PSS_PSS_SHA384:
        *s = (scheme_info){CR_SHA384, PAD_PSS, CR_KEY_OTHER, 0, 1};
        break;
    case CR_SIG_RSA_PSS_PSS_SHA512:
        *s = (scheme_info){CR_SHA512, PAD_PSS, CR_KEY_OTHER, 0, 1};
        break;
    default:
        return -1;
    }
    if (tls12 && s->pad == PAD_NONE && s->hash >= 0)
        s->any_ec = 1;
    return 0;
}

static int key_fits(const cr_pkey *k, const scheme_info *s)
{
    if (s->any_ec) {
        if (k->type != CR_KEY_EC_P256 && k->type != CR_KEY_EC_P384 && k->type != CR_KEY_EC_P521)
            return 0;
    } else if (s->pss_key) {
        if (!k->rsa_pss)
            return 0;
    } else if (k->type != s->key) {
        return 0;
    }
    /* PSS with salt = hash length needs a modulus of at least 2h+2 bytes
     * (RFC 8017 9.1.1), so e.g. a 1024-bit key cannot do SHA-512. */
    if (s->pad == PAD_PSS && cr_pkey_max_sig_len(k) < 2 * cr_hash_len((cr_hash_alg)s->hash) + 2)
        return 0;
    return 1;
}

int cr_sig_scheme_hash(uint16_t scheme, cr_hash_alg *alg)
{
    scheme_info s;
    if (scheme_lookup(scheme, &s) || s.hash < 0)
        return -1;
    *alg = (cr_hash_alg)s.hash;
    return 0;
}

int cr_pkey_matches_scheme(const cr_pkey *k, uint16_t scheme)
{
    scheme_info s;
    return k && scheme_lookup(scheme, &s) == 0 && key_fits(k, &s);
}

int cr_pkey_matches_scheme12(const cr_pkey *k, uint16_t scheme)
{
    scheme_info s;
    return k && scheme_lookup_v(scheme, &s, 1) == 0 && key_fits(k, &s);
}

/* A digest-sign/verify context set up for the scheme. */
static EVP_MD_CTX *sig_ctx(cr_pkey *k, uint16_t scheme, int sign, int tls12)
{
    const cr_algs *a = cr_get_algs();
    scheme_info s;
    if (!a || !k || scheme_lookup_v(scheme, &s, tls12) != 0 || !key_fits(k, &s))
        return NULL;
    const EVP_MD *md = s.hash >= 0 ? cr_md(a, (cr_hash_alg)s.hash) : NULL;
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL; /* owned by mctx */
    if (!mctx)
        return NULL;
    int ok = (sign ? EVP_DigestSignInit(mctx, &pctx, md, NULL, k->pk)
                   : EVP_DigestVerifyInit(mctx, &pctx, md, NULL, k->pk)) == 1;
    if (ok && s.pad == PAD_PKCS1)
        ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1;
    if (ok && s.pad == PAD_PSS) {
        /* TLS fixes the salt at the hash length and MGF1 at the same hash
         * (RFC 8446 4.2.3); verification insists on exactly that. */
        ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1 &&
             EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) == 1;
    }
    if (!ok) {
        EVP_MD_CTX_free(mctx);
        ERR_clear_error();
        return NULL;
    }
    return mctx;
}

/* A template for scheme taken out of the key's pool (the caller owns it
 * until it is given back), or NULL when there is none yet. */
static EVP_MD_CTX *template_take(cr_pkey *k, uint16_t scheme)
{
    EVP_MD_CTX *t = NULL;
    pthread_mutex_lock(&k->pool_lock);
    for (int i = 0; i < SIGN_POOL && !t; i++)
        if (k->pool[i].ctx && k->pool[i].scheme == scheme) {
            t = k->pool[i].ctx;
            k->pool[i].ctx = NULL;
        }
    pthread_mutex_unlock(&k->pool_lock);
    return t;
}

static void template_give_back(cr_pkey *k, uint16_t scheme, EVP_MD_CTX *t)
{
    pthread_mutex_lock(&k->pool_lock);
    for (int i = 0; i < SIGN_POOL && t; i++)
        if (!k->pool[i].ctx) {
            k->pool[i] = (sign_template){scheme, t};
            t = NULL;
        }
    pthread_mutex_unlock(&k->pool_lock);
    EVP_MD_CTX_free(t); /* the pool is full */
}

/* Signing starts from a copy of a context on which EVP_DigestSignInit has
 * already run: the init fetches the signature method and sets up the
 * provider's key context, about 2 us of a 16 us ECDSA P-256 signature on
 * 3.0.19, while the copy costs a fraction of that. Templates are used by
 * one thread at a time (taken out of the pool, copied, given back), since
 * OpenSSL does not promise that copying from a shared context is safe. */
static int sign_v(cr_pkey *k, uint16_t scheme, const uint8_t *msg, size_t msg_len, uint8_t *sig,
                  size_t *sig_len, int tls12)
{
    scheme_info s;
    if (!k || scheme_lookup_v(scheme, &s, tls12) != 0 || !key_fits(k, &s))
        return -1;
    EVP_MD_CTX *tmpl = template_take(k, scheme);
    if (!tmpl)
        tmpl = sig_ctx(k, scheme, 1, tls12);
    EVP_MD_CTX *mctx = tmpl ? EVP_MD_CTX_new() : NULL;
    int rc = -1;
    /* Ed25519 contexts (no prehash) do not copy on every release: those
     * sign from the template itself, which is then used up. */
    if (mctx && EVP_MD_CTX_copy_ex(mctx, tmpl) != 1) {
        EVP_MD_CTX_free(mctx);
        mctx = tmpl;
        tmpl = NULL;
    }
    if (mctx) {
        size_t len = cr_pkey_max_sig_len(k); /* the room the caller must give */
        if (EVP_DigestSign(mctx, sig, &len, msg, msg_len) == 1) {
            *sig_len = len;
            rc = 0;
        }
    }
    if (tmpl)
        template_give_back(k, scheme, tmpl);
    EVP_MD_CTX_free(mctx);
    if (rc)
        ERR_clear_error();
    return rc;
}

static int verify_v(cr_pkey *k, uint16_t scheme, const uint8_t *msg, size_t msg_len,
                    const uint8_t *sig, size_t sig_len, int tls12)
{
    EVP_MD_CTX *mctx = sig_ctx(k, scheme, 0, tls12);
    if (!mctx)
        return -1;
    int rc = EVP_DigestVerify(mctx, sig, sig_len, msg, msg_len) == 1 ? 0 : -1;
    EVP_MD_CTX_free(mctx);
    if (rc)
        ERR_clear_error();
    return rc;
}

int cr_sign(cr_pkey *k, uint16_t scheme, const uint8_t *msg, size_t msg_len, uint8_t *sig,
            size_t *sig_len)
{
    return sign_v(k, scheme, msg, msg_len, sig, sig_len, 0);
}

int cr_sign12(cr_pkey *k, uint16_t scheme, const uint8_t *msg, size_t msg_len, uint8_t *sig,
              size_t *sig_len)
{
    return sign_v(k, scheme, msg, msg_len, sig, sig_len, 1);
}

int cr_verify(cr_pkey *k, uint16_t scheme, const uint8_t *msg, size_t msg_len,
              const uint8_t *sig, size_t sig_len)
{
    return verify_v(k, scheme, msg, msg_len, sig, sig_len, 0);
}

int cr_verify12(cr_pkey *k, uint16_t scheme, const uint8_t *msg, size_t msg_len,
                const uint8_t *sig, size_t sig_len)
{
    return verify_v(k, scheme, msg, msg_len, sig, sig_len, 1);
}

int cr_rsa_encrypt_pkcs1(cr_pkey *pub, const uint8_t *in, size_t in_len, uint8_t *out,
                         size_t *out_len)
{
    if (!pub || pub->type != CR_KEY_RSA)
        return -1;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pub->pk, NULL);
    size_t len = cr_pkey_max_sig_len(pub); /* out has room for the modulus */
    int rc = -1;
    if (ctx && EVP_PKEY_encrypt_init(ctx) == 1 &&
        EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
        EVP_PKEY_encrypt(ctx, out, &len, in, in_len) == 1) {
        *out_len = len;
        rc = 0;
    }
    EVP_PKEY_CTX_free(ctx);
    if (rc)
        ERR_clear_error();
    return rc;
}

/* All-ones when a == b, else zero, without a data-dependent branch. */

/* The RSA premaster secret (RFC 5246 7.4.7.1) without a padding oracle.
 *
 * OpenSSL 3.0.19 has no implicit rejection (that came in 3.2): with
 * RSA_PKCS1_PADDING a bad padding makes EVP_PKEY_decrypt fail and push
 * errors on the error queue, a timing difference of the kind the Marvin
 * attack measures. So this takes the raw RSA result (RSA_NO_PADDING, which
 * does not look at the content) and checks the PKCS#1 v1.5 type 2 layout
 * for a 48-byte message here, touching every byte the same way whatever
 * the content: 00 02 <k-51 non-zero bytes> 00 <48 bytes>. The outcome is a
 * mask that selects between the decrypted bytes and the caller's random
 * fallback, so good and bad ciphertexts take the same path through the
 * handshake (RFC 5246 7.4.7.1). */
int cr_rsa_decrypt_pms(cr_pkey *k, const uint8_t *in, size_t in_len, const uint8_t fallback[48],
                       uint8_t out[48])
{
    if (!k || k->type != CR_KEY_RSA || !in || !fallback || !out)
        return -1;
    size_t kl = cr_pkey_max_sig_len(k);
    if (kl < 48 + 11) /* the layout needs 8 bytes of padding at least */
        return -1;
    uint8_t *em = OPENSSL_secure_zalloc(kl);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pk, NULL);
    if (!em || !ctx || EVP_PKEY_decrypt_init(ctx) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING) != 1) {
        OPENSSL_secure_clear_free(em, kl);
        EVP_PKEY_CTX_free(ctx);
        ERR_clear_error();
        return -1;
    }
    size_t len = kl;
    /* A wrong-length or out-of-range ciphertext fails here; that depends
     * only on public data, but it still goes through the mask. */
    int ret = EVP_PKEY_decrypt(ctx, em, &len, in, in_len);
    uint32_t good = cl_ct_eq((uint32_t)ret, 1) & cl_ct_eq((uint32_t)len, (uint32_t)kl) &
                    cl_ct_eq((uint32_t)in_len, (uint32_t)kl);
    uint8_t m = (uint8_t)good & cl_ct_pkcs1_type2_ok(em, kl, 48);
    cl_ct_select(m, em + kl - 48, fallback, out, 48);
    OPENSSL_secure_clear_free(em, kl);
    EVP_PKEY_CTX_free(ctx);
    ERR_clear_error(); /* unconditionally, so a failure leaves no trace */
    return 0;
}
