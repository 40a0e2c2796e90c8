/* SPDX-License-Identifier: Apache-2.0 */
/* Diffie-Hellman key exchange, the groups on their own (kx.c adds the
 * hybrids on top): X25519 and X448 (RFC 7748), the NIST prime curves
 * (uncompressed points) and the RFC 7919 finite-field groups. Key generation starts from
 * the parameter-only keys built in cr_init: measured on 3.0.19, a P-256
 * key pair costs ~17 us that way against ~33 us when the group is named per
 * call. X25519 key pairs (from pooled private bytes, random.c) and peers'
 * shares become keys through a per-thread context made once
 * (thread_cache.c). */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/dh.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/params.h>

#include "crypto/internal.h"
#include "crypto/thread_cache.h"

enum kind { KX_X25519, KX_X448, KX_EC, KX_DH };

typedef struct {
    uint16_t group;
    enum kind kind;
    int params;       /* index into cr_algs.kx_params (EC/DH) */
    const char *name; /* OpenSSL group name */
    int nid;          /* EC curve */
    size_t pub_len;   /* wire length of the share */
    size_t elem_len;  /* EC coordinate / DH prime length in bytes */
} group_info;

static const group_info groups[] = {
    {CR_GROUP_X25519, KX_X25519, -1, "X25519", 0, 32, 32},
    {CR_GROUP_X448, KX_X448, -1, "X448", 0, 56, 56},
    {CR_GROUP_SECP256R1, KX_EC, CR_KX_P256, "P-256", NID_X9_62_prime256v1, 65, 32},
    {CR_GROUP_SECP384R1, KX_EC, CR_KX_P384, "P-384", NID_secp384r1, 97, 48},
    {CR_GROUP_SECP521R1, KX_EC, CR_KX_P521, "P-521", NID_secp521r1, 133, 66},
    {CR_GROUP_FFDHE2048, KX_DH, CR_KX_FF2048, "ffdhe2048", 0, 256, 256},
    {CR_GROUP_FFDHE3072, KX_DH, CR_KX_FF3072, "ffdhe3072", 0, 384, 384},
    {CR_GROUP_FFDHE4096, KX_DH, CR_KX_FF4096, "ffdhe4096", 0, 512, 512},
    {CR_GROUP_FFDHE6144, KX_DH, CR_KX_FF6144, "ffdhe6144", 0, 768, 768},
    {CR_GROUP_FFDHE8192, KX_DH, CR_KX_FF8192, "ffdhe8192", 0, 1024, 1024},
};

struct cr_dh {
    const group_info *g;
    EVP_PKEY *pk;
    /* TLS 1.2 DHE with parameters the server chose: the group lives here. */
    group_info custom;
    EVP_PKEY *custom_params;
};

static const group_info *find_group(uint16_t group)
{
    for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
        if (groups[i].group == group)
            return &groups[i];
    return NULL;
}

int cr_dh_group_supported(uint16_t group)
{
    return find_group(group) != NULL && cr_get_algs() != NULL;
}

void cr_dh_free(cr_dh *key)
{
    if (!key)
        return;
    EVP_PKEY_free(key->pk); /* the providers cleanse private keys on free */
    EVP_PKEY_free(key->custom_params);
    free(key);
}

/* Writes the public share of pk in wire form. */
static int export_pub(const group_info *g, EVP_PKEY *pk, uint8_t *pub, size_t *pub_len)
{
    size_t len = 0;
    switch (g->kind) {
    case KX_X25519:
    case KX_X448:
        len = g->pub_len;
        if (EVP_PKEY_get_raw_public_key(pk, pub, &len) != 1)
            return -1;
        break;
    case KX_EC:
        /* Keys are made with the default (uncompressed) point form. */
        if (EVP_PKEY_get_octet_string_param(pk, OSSL_PKEY_PARAM_PUB_KEY, pub, g->pub_len,
                                            &len) != 1 ||
            pub[0] != 0x04)
            return -1;
        break;
    case KX_DH: {
        BIGNUM *y = NULL;
        /* TLS sends Y left-padded to the length of p (RFC 8446 4.2.8.1). */
        if (EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_PUB_KEY, &y) != 1)
            return -1;
        int n = BN_bn2binpad(y, pub, (int)g->pub_len);
        BN_free(y);
        if (n < 0)
            return -1;
        len = (size_t)n;
        break;
    }
    }
    if (len != g->pub_len)
        return -1;
    *pub_len = len;
    return 0;
}

static int finish_key(const group_info *g, EVP_PKEY *pk, cr_dh **key, uint8_t *pub,
                      size_t *pub_len)
{
    cr_dh *k = NULL;
    if (!pk || export_pub(g, pk, pub, pub_len) != 0 || !(k = calloc(1, sizeof(*k)))) {
        EVP_PKEY_free(pk);
        ERR_clear_error();
        return -1;
    }
    k->g = g;
    k->pk = pk;
    *key = k;
    return 0;
}

int cr_dh_share(const cr_dh *src, cr_dh **key, uint8_t *pub, size_t *pub_len)
{
    if (!src || !src->pk || src->custom_params || EVP_PKEY_up_ref(src->pk) != 1)
        return -1;
    return finish_key(src->g, src->pk, key, pub, pub_len);
}

int cr_dh_generate(uint16_t group, cr_dh **key, uint8_t *pub, size_t *pub_len)
{
    const cr_algs *a = cr_get_algs();
    const group_info *g = find_group(group);
    if (!a || !g)
        return -1;
    EVP_PKEY *pk = NULL;
    if (g->kind == KX_X25519) {
        /* The private key comes from the random pool and the key pair is
         * built through the per-thread context (the provider computes the
         * public half): ~2.5 us less than EVP_PKEY_generate, whose own
         * RAND_priv_bytes call is most of the difference. */
        uint8_t priv[32];
        EVP_PKEY_CTX *fromdata = cr_thread_x25519_fromdata();
        if (fromdata && cr_random_private(priv, sizeof priv) == 0) {
            OSSL_PARAM parts[2] = {
                OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PRIV_KEY, priv, sizeof priv),
                OSSL_PARAM_construct_end()};
            if (EVP_PKEY_fromdata(fromdata, &pk, EVP_PKEY_KEYPAIR, parts) != 1) {
                EVP_PKEY_free(pk);
                pk = NULL;
            }
        }
        cl_wipe(priv, sizeof priv);
        return finish_key(g, pk, key, pub, pub_len);
    }
    if (g->kind == KX_X448) {
        /* Rare enough that the key is made by name from pooled bytes. */
        uint8_t priv[56];
        if (cr_random_private(priv, sizeof priv) == 0)
            pk = EVP_PKEY_new_raw_private_key_ex(NULL, "X448", NULL, priv, sizeof priv);
        cl_wipe(priv, sizeof priv);
        return finish_key(g, pk, key, pub, pub_len);
    }
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, a->kx_params[g->params], NULL);
    if (!ctx || EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_generate(ctx, &pk) != 1) {
        EVP_PKEY_free(pk);
        pk = NULL;
    }
    EVP_PKEY_CTX_free(ctx);
    return finish_key(g, pk, key, pub, pub_len);
}

#ifdef CLASP_TEST_HOOKS
/* Fixed ephemeral keys (test hooks, known-answer tests): test builds only. */

/* A key from its parts: group name, and (optionally) private and public.
 * The context comes from the group's parameter key, which carries the key
 * manager, so no name is looked up. */
static EVP_PKEY *key_fromdata(const cr_algs *a, const group_info *g, const BIGNUM *priv,
                              const BIGNUM *pub_bn, const uint8_t *pub_oct, size_t pub_oct_len)
{
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY *pk = NULL;
    if (!bld ||
        OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, g->name, 0) != 1 ||
        (priv && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv) != 1) ||
        (pub_bn && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, pub_bn) != 1) ||
        (pub_oct && OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub_oct,
                                                     pub_oct_len) != 1) ||
        !(params = OSSL_PARAM_BLD_to_param(bld)) ||
        !(ctx = EVP_PKEY_CTX_new_from_pkey(NULL, a->kx_params[g->params], NULL)) ||
        EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &pk, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) != 1)
        pk = NULL;
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params); /* BLD_to_param marks private data for cleansing */
    OSSL_PARAM_BLD_free(bld);
    return pk;
}

/* EC: the public point for a given scalar, computed with the EC_POINT API
 * (a provider key built from a private scalar alone has no public half). */
static EVP_PKEY *ec_from_private(const cr_algs *a, const group_info *g, BIGNUM *d)
{
    EC_GROUP *grp = EC_GROUP_new_by_curve_name_ex(NULL, NULL, g->nid);
    EC_POINT *q = grp ? EC_POINT_new(grp) : NULL;
    BN_CTX *bn = BN_CTX_new();
    uint8_t pub[133];
    size_t len = 0;
    EVP_PKEY *pk = NULL;
    if (q && bn && !BN_is_zero(d) && BN_cmp(d, EC_GROUP_get0_order(grp)) < 0 &&
        EC_POINT_mul(grp, q, d, NULL, NULL, bn) == 1 &&
        (len = EC_POINT_point2oct(grp, q, POINT_CONVERSION_UNCOMPRESSED, pub, sizeof(pub),
                                  bn)) == g->pub_len)
        pk = key_fromdata(a, g, d, NULL, pub, len);
    BN_CTX_free(bn);
    EC_POINT_free(q);
    EC_GROUP_free(grp);
    return pk;
}

/* DH: y = g^x mod p with the group's own p and g. */
static EVP_PKEY *dh_from_private(const cr_algs *a, const group_info *g, BIGNUM *x)
{
    BIGNUM *p = NULL, *gen = NULL, *y = BN_new();
    BN_CTX *bn = BN_CTX_new();
    EVP_PKEY *pk = NULL;
    EVP_PKEY *params = a->kx_params[g->params];
    BN_set_flags(x, BN_FLG_CONSTTIME);
    if (y && bn && EVP_PKEY_get_bn_param(params, OSSL_PKEY_PARAM_FFC_P, &p) == 1 &&
        EVP_PKEY_get_bn_param(params, OSSL_PKEY_PARAM_FFC_G, &gen) == 1 &&
        BN_cmp(x, BN_value_one()) > 0 && BN_cmp(x, p) < 0 &&
        BN_mod_exp_mont_consttime(y, gen, x, p, bn, NULL) == 1)
        pk = key_fromdata(a, g, x, y, NULL, 0);
    BN_free(p);
    BN_free(gen);
    BN_free(y);
    BN_CTX_free(bn);
    return pk;
}

int cr_dh_from_private(uint16_t group, const uint8_t *priv, size_t priv_len, cr_dh **key,
                       uint8_t *pub, size_t *pub_len)
{
    const cr_algs *a = cr_get_algs();
    const group_info *g = find_group(group);
    if (!a || !g || !priv || priv_len == 0 || priv_len > g->elem_len)
        return -1;
    EVP_PKEY *pk = NULL;
    if (g->kind == KX_X25519 || g->kind == KX_X448) {
        if (priv_len == g->elem_len)
            pk = EVP_PKEY_new_raw_private_key_ex(NULL, g->name, NULL, priv, priv_len);
    } else {
        BIGNUM *s = BN_secure_new();
        if (s && BN_bin2bn(priv, (int)priv_len, s))
            pk = g->kind == KX_EC ? ec_from_private(a, g, s) : dh_from_private(a, g, s);
        BN_clear_free(s);
    }
    return finish_key(g, pk, key, pub, pub_len);
}
#endif /* CLASP_TEST_HOOKS */

/* The peer's share as a public key, after the wire-format checks. For EC
 * and DH the key starts as a copy of the group's parameter key and takes
 * the encoded share: measured ~5 us for P-256 against ~17 us through
 * EVP_PKEY_fromdata with the group's name. */
static EVP_PKEY *peer_key(EVP_PKEY *params, const group_info *g, const uint8_t *peer,
                          size_t peer_len)
{
    if (peer_len != g->pub_len)
        return NULL;
    if (g->kind == KX_X25519) {
        EVP_PKEY_CTX *fromdata = cr_thread_x25519_fromdata();
        OSSL_PARAM share[2] = {
            OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)peer, peer_len),
            OSSL_PARAM_construct_end()};
        EVP_PKEY *pk = NULL;
        if (!fromdata || EVP_PKEY_fromdata(fromdata, &pk, EVP_PKEY_PUBLIC_KEY, share) != 1)
            return NULL;
        return pk;
    }
    if (g->kind == KX_X448)
        return EVP_PKEY_new_raw_public_key_ex(NULL, "X448", NULL, peer, peer_len);
    /* Only the uncompressed form is allowed in TLS (RFC 8446 4.2.8.2);
     * decoding it checks the coordinates are < p and on the curve. */
    if (g->kind == KX_EC && peer[0] != 0x04)
        return NULL;
    EVP_PKEY *pk = EVP_PKEY_new();
    if (!pk || EVP_PKEY_copy_parameters(pk, params) != 1 ||
        EVP_PKEY_set1_encoded_public_key(pk, peer, peer_len) != 1) {
        EVP_PKEY_free(pk);
        return NULL;
    }
    return pk;
}

int cr_dh_derive(cr_dh *key, const uint8_t *peer, size_t peer_len, uint8_t *secret,
                 size_t *secret_len)
{
    const cr_algs *a = cr_get_algs();
    if (!a || !key || !peer || !secret || !secret_len)
        return -1;
    const group_info *g = key->g;
    if (peer_len != g->pub_len)
        return CR_KX_BAD_LENGTH;
    EVP_PKEY *pk = peer_key(key->custom_params ? key->custom_params
                                               : (g->params >= 0 ? a->kx_params[g->params] : NULL),
                            g, peer, peer_len);
    /* X25519 and X448 need no point check: every string of the right length
     * is a valid input, and the all-zero output test below catches
     * small-order points. */
    int xdh = g->kind == KX_X25519 || g->kind == KX_X448;
    EVP_PKEY_CTX *check = pk && !xdh ? EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL) : NULL;
    EVP_PKEY_CTX *ctx = NULL;
    size_t len = g->elem_len;
    int rc = -1;
    /* The quick public check is what the peer's value needs here: for EC
     * a point on the curve (cofactor 1, so no subgroup test), for DH
     * 1 < y < p-1 (RFC 7919 5.1); the full check would add a costly
     * exponentiation. Derivation below is then told not to re-validate. */
    if (!pk || (!xdh && (!check || EVP_PKEY_public_check_quick(check) != 1))) {
        rc = CR_KX_BAD_POINT;
        goto out;
    }
    if (!(ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key->pk, NULL)) ||
        EVP_PKEY_derive_init(ctx) != 1 || EVP_PKEY_derive_set_peer_ex(ctx, pk, 0) != 1)
        goto out;
    /* The DH secret keeps its leading zeros (RFC 8446 7.4.1). */
    if (g->kind == KX_DH && EVP_PKEY_CTX_set_dh_pad(ctx, 1) != 1)
        goto out;
    if (EVP_PKEY_derive(ctx, secret, &len) != 1 || len != g->elem_len) {
        /* OpenSSL refuses an all-zero X25519/X448 result itself. */
        if (xdh)
            rc = CR_KX_BAD_POINT;
        goto out;
    }
    /* An all-zero X25519/X448 output means a small-order peer point (RFC
     * 7748 6; RFC 8446 7.4.2 requires the check). */
    if (xdh) {
        uint8_t acc = 0;
        for (size_t i = 0; i < len; i++)
            acc |= secret[i];
        if (acc == 0) {
            rc = CR_KX_BAD_POINT;
            goto out;
        }
    }
    *secret_len = len;
    rc = 0;
out:
    if (rc) {
        ERR_clear_error();
        cl_wipe(secret, g->elem_len);
    }
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_CTX_free(check);
    EVP_PKEY_free(pk);
    return rc;
}

int cr_dh_encap(uint16_t group, const uint8_t *peer, size_t peer_len, uint8_t *pub,
                size_t *pub_len, uint8_t *secret, size_t *secret_len)
{
    cr_dh *key = NULL;
    int rc = cr_dh_generate(group, &key, pub, pub_len);
    if (rc == 0)
        rc = cr_dh_derive(key, peer, peer_len, secret, secret_len);
    cr_dh_free(key);
    return rc;
}

/* ---- TLS 1.2 DHE: parameters chosen by the server (RFC 5246 7.4.3) ---- */

int cr_dh_derive_dhe12(cr_dh *key, const uint8_t *peer, size_t peer_len, uint8_t *secret,
                       size_t *secret_len)
{
    if (!key || !key->g || key->g->kind != KX_DH || !peer)
        return cr_dh_derive(key, peer, peer_len, secret, secret_len);
    /* dh_Ys and dh_Yc are plain big-endian integers: unlike TLS 1.3 (RFC
     * 8446 4.2.8.1), TLS 1.2 does not pad them to the size of p, and
     * GnuTLS sends them without their leading zero bytes. */
    size_t want = key->g->pub_len;
    while (peer_len > want && peer[0] == 0)
        peer++, peer_len--;
    if (peer_len == 0 || peer_len >= want)
        return cr_dh_derive(key, peer, peer_len, secret, secret_len);
    uint8_t padded[CR_MAX_KX_PUB] = {0};
    memcpy(padded + (want - peer_len), peer, peer_len);
    return cr_dh_derive(key, padded, want, secret, secret_len);
}

static BIGNUM *param_bn(EVP_PKEY *pk, const char *name)
{
    BIGNUM *bn = NULL;
    return EVP_PKEY_get_bn_param(pk, name, &bn) == 1 ? bn : NULL;
}

int cr_dh_generate_custom(const uint8_t *p, size_t p_len, const uint8_t *gen, size_t gen_len,
                      cr_dh **key, uint8_t *pub, size_t *pub_len, uint16_t *named,
                      size_t *bits)
{
    const cr_algs *a = cr_get_algs();
    if (!a || p_len == 0 || gen_len == 0 || p_len > CR_MAX_KX_PUB)
        return -1;
    *named = 0;
    BIGNUM *bp = BN_bin2bn(p, (int)p_len, NULL), *bg = BN_bin2bn(gen, (int)gen_len, NULL);
    int rc = -1;
    if (!bp || !bg)
        goto out;
    *bits = (size_t)BN_num_bits(bp);
    /* One of the RFC 7919 groups: use its pre-built parameters. */
    for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
        if (groups[i].kind != KX_DH)
            continue;
        BIGNUM *known = param_bn(a->kx_params[groups[i].params], OSSL_PKEY_PARAM_FFC_P);
        int same = known && BN_cmp(known, bp) == 0 && BN_is_word(bg, 2);
        BN_free(known);
        if (same) {
            *named = groups[i].group;
            rc = cr_dh_generate(groups[i].group, key, pub, pub_len);
            goto out;
        }
    }
    /* Otherwise: an odd prime-sized modulus and 1 < g < p-1. Checking that
     * p is a safe prime would cost seconds; the share checks below and the
     * caller's minimum size are what TLS clients do. */
    BIGNUM *pm1 = BN_dup(bp);
    int sane = pm1 && BN_sub_word(pm1, 1) && BN_is_odd(bp) && BN_cmp(bg, BN_value_one()) > 0 &&
               BN_cmp(bg, pm1) < 0;
    BN_free(pm1);
    if (!sane)
        goto out;
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *pctx = NULL, *gctx = NULL;
    EVP_PKEY *dom = NULL, *pk = NULL;
    if (!bld || OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, bp) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, bg) != 1 ||
        !(params = OSSL_PARAM_BLD_to_param(bld)) ||
        !(pctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL)) ||
        EVP_PKEY_fromdata_init(pctx) != 1 ||
        EVP_PKEY_fromdata(pctx, &dom, EVP_PKEY_KEY_PARAMETERS, params) != 1 ||
        !(gctx = EVP_PKEY_CTX_new_from_pkey(NULL, dom, NULL)) || EVP_PKEY_keygen_init(gctx) != 1 ||
        EVP_PKEY_generate(gctx, &pk) != 1)
        goto custom_out;
    cr_dh *k = calloc(1, sizeof(*k));
    if (!k)
        goto custom_out;
    k->custom.group = 0;
    k->custom.kind = KX_DH;
    k->custom.params = -1;
    k->custom.name = "DH";
    /* The size of p, whatever leading zeros its encoding had. */
    k->custom.pub_len = (size_t)BN_num_bytes(bp);
    k->custom.elem_len = k->custom.pub_len;
    k->g = &k->custom;
    if (export_pub(k->g, pk, pub, pub_len) != 0) {
        free(k);
        goto custom_out;
    }
    k->pk = pk;
    k->custom_params = dom;
    pk = dom = NULL;
    *key = k;
    rc = 0;
custom_out:
    EVP_PKEY_free(pk);
    EVP_PKEY_free(dom);
    EVP_PKEY_CTX_free(gctx);
    EVP_PKEY_CTX_free(pctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
out:
    if (rc)
        ERR_clear_error();
    BN_free(bp);
    BN_free(bg);
    return rc;
}

int cr_dh_params(const cr_dh *key, uint8_t *p, size_t *p_len, uint8_t *gen, size_t *gen_len)
{
    if (!key || !key->g || key->g->kind != KX_DH)
        return -1;
    BIGNUM *bp = param_bn(key->pk, OSSL_PKEY_PARAM_FFC_P), *bg = param_bn(key->pk, OSSL_PKEY_PARAM_FFC_G);
    int rc = -1;
    if (bp && bg && (size_t)BN_num_bytes(bp) <= *p_len && (size_t)BN_num_bytes(bg) <= *gen_len) {
        *p_len = (size_t)BN_bn2bin(bp, p);
        *gen_len = (size_t)BN_bn2bin(bg, gen);
        rc = 0;
    }
    BN_free(bp);
    BN_free(bg);
    ERR_clear_error();
    return rc;
}
