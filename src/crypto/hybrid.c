/* SPDX-License-Identifier: Apache-2.0 */
/* The hybrid key exchange groups of draft-ietf-tls-ecdhe-mlkem: an ECDH
 * share and an ML-KEM share side by side in one key_share, and the two
 * secrets side by side in one shared secret. The client sends its ECDH
 * share and an ML-KEM encapsulation key; the server answers with its ECDH
 * share and a ciphertext encapsulated to that key. X25519MLKEM768 puts
 * ML-KEM first (in both shares and the secret); the NIST-curve groups put
 * ECDH first (draft section 3). */
#include <stdlib.h>
#include <string.h>

#include "crypto/internal.h"
#include "crypto/mlkem.h"

typedef struct {
    uint16_t group;
    uint16_t ec_group;    /* the ECDH half */
    cl_mlkem_param kem;   /* the ML-KEM half */
    int kem_first;        /* ML-KEM before ECDH in shares and secret */
    size_t ec_share_len;  /* both sides' ECDH share */
    size_t ec_secret_len;
} hybrid_info;

static const hybrid_info hybrids[] = {
    {CR_GROUP_X25519MLKEM768, CR_GROUP_X25519, CL_MLKEM_768, 1, 32, 32},
    {CR_GROUP_SECP256R1MLKEM768, CR_GROUP_SECP256R1, CL_MLKEM_768, 0, 65, 32},
    {CR_GROUP_SECP384R1MLKEM1024, CR_GROUP_SECP384R1, CL_MLKEM_1024, 0, 97, 48},
};

struct cr_hybrid {
    const hybrid_info *h;
    cr_dh *ec;
    cl_mlkem_key kem; /* expanded: Decaps reuses KeyGen's matrix */
};

static const hybrid_info *find_hybrid(uint16_t group)
{
    for (size_t i = 0; i < sizeof hybrids / sizeof hybrids[0]; i++)
        if (hybrids[i].group == group)
            return &hybrids[i];
    return NULL;
}

int cr_group_is_hybrid(uint16_t group) { return find_hybrid(group) != NULL; }

const cr_dh *cr_hybrid_ec_key(const cr_hybrid *k, uint16_t *group)
{
    *group = k->h->ec_group;
    return k->ec;
}

void cr_hybrid_free(cr_hybrid *k)
{
    if (!k)
        return;
    cr_dh_free(k->ec);
    cl_mlkem_key_wipe(&k->kem);
    free(k);
}

/* Where the ECDH and the ML-KEM parts sit in a share of kem_len bytes of
 * ML-KEM. */
static void split(const hybrid_info *h, size_t kem_len, size_t *ec_at, size_t *kem_at)
{
    *kem_at = h->kem_first ? 0 : h->ec_share_len;
    *ec_at = h->kem_first ? kem_len : 0;
}

/* The shared secret: the two secrets in the group's order. */
static void join_secret(const hybrid_info *h, const uint8_t *ec, const uint8_t *kem,
                        uint8_t *secret, size_t *secret_len)
{
    if (h->kem_first) {
        memcpy(secret, kem, CL_MLKEM_SS_LEN);
        memcpy(secret + CL_MLKEM_SS_LEN, ec, h->ec_secret_len);
    } else {
        memcpy(secret, ec, h->ec_secret_len);
        memcpy(secret + h->ec_secret_len, kem, CL_MLKEM_SS_LEN);
    }
    *secret_len = h->ec_secret_len + CL_MLKEM_SS_LEN;
}

/* The test hooks' fixed key (test builds only): priv is the ECDH private
 * key, and priv repeated makes the ML-KEM seed (d || z) and the
 * encapsulation's m, so hybrid handshakes are byte-identical run after run
 * (fuzz/make_seeds.c records them). NULL: fresh keys. */
#ifdef CLASP_TEST_HOOKS
static void fixed_bytes(const uint8_t *priv, size_t priv_len, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = priv[i % priv_len];
}
#endif

static int generate(uint16_t group, const uint8_t *priv, size_t priv_len, cr_hybrid **out,
                    uint8_t *pub, size_t *pub_len)
{
    const hybrid_info *h = find_hybrid(group);
    if (!h)
        return -1;
    size_t ek_len = cl_mlkem_ek_len(h->kem), ec_at, kem_at, ec_len = 0;
    if (*pub_len < ek_len + h->ec_share_len)
        return -1;
    cr_hybrid *k = malloc(sizeof *k); /* kem: written by the key generation */
    if (!k)
        return -1;
    k->h = h;
    k->ec = NULL;
    split(h, ek_len, &ec_at, &kem_at);
    int rc;
#ifdef CLASP_TEST_HOOKS
    if (priv) {
        uint8_t seed[CL_MLKEM_SEED_LEN];
        fixed_bytes(priv, priv_len, seed, sizeof seed);
        ec_len = h->ec_share_len;
        rc = cr_dh_from_private(h->ec_group, priv, priv_len, &k->ec, pub + ec_at, &ec_len) ||
             ec_len != h->ec_share_len ||
             cl_mlkem_key_from_seed(h->kem, seed, pub + kem_at, &k->kem) != 0;
        cl_wipe(seed, sizeof seed);
    } else
#else
    (void)priv, (void)priv_len;
#endif
    {
        ec_len = h->ec_share_len;
        rc = cr_dh_generate(h->ec_group, &k->ec, pub + ec_at, &ec_len) != 0 ||
             ec_len != h->ec_share_len || cl_mlkem_key_generate(h->kem, pub + kem_at, &k->kem) != 0;
    }
    if (rc) {
        cr_hybrid_free(k);
        return -1;
    }
    *pub_len = ek_len + h->ec_share_len;
    *out = k;
    return 0;
}

int cr_hybrid_generate(uint16_t group, cr_hybrid **out, uint8_t *pub, size_t *pub_len)
{
    return generate(group, NULL, 0, out, pub, pub_len);
}

#ifdef CLASP_TEST_HOOKS
int cr_hybrid_from_private(uint16_t group, const uint8_t *priv, size_t priv_len,
                           cr_hybrid **out, uint8_t *pub, size_t *pub_len)
{
    return priv && priv_len ? generate(group, priv, priv_len, out, pub, pub_len) : -1;
}
#endif

int cr_hybrid_decap(cr_hybrid *k, const uint8_t *peer, size_t peer_len, uint8_t *secret,
                    size_t *secret_len)
{
    const hybrid_info *h = k->h;
    size_t ct_len = cl_mlkem_ct_len(h->kem), ec_at, kem_at;
    /* The draft: a ciphertext of the wrong length is illegal_parameter. */
    if (peer_len != ct_len + h->ec_share_len)
        return CR_KX_BAD_LENGTH;
    split(h, ct_len, &ec_at, &kem_at);
    uint8_t ec[CR_MAX_KX_SECRET], ss[CL_MLKEM_SS_LEN];
    size_t ec_len = sizeof ec;
    int rc = cr_dh_derive(k->ec, peer + ec_at, h->ec_share_len, ec, &ec_len);
    if (rc == 0 && ec_len != h->ec_secret_len)
        rc = -1;
    /* Decapsulation fails only for a wrong length, checked above: any
     * other ciphertext yields a secret (implicit rejection). */
    if (rc == 0 && cl_mlkem_key_decaps(&k->kem, peer + kem_at, ct_len, ss) != 0)
        rc = -1;
    if (rc == 0)
        join_secret(h, ec, ss, secret, secret_len);
    cl_wipe(ec, sizeof ec);
    cl_wipe(ss, sizeof ss);
    return rc;
}

static int encap(uint16_t group, const uint8_t *priv, size_t priv_len, const uint8_t *peer,
                 size_t peer_len, uint8_t *pub, size_t *pub_len, uint8_t *secret,
                 size_t *secret_len)
{
    const hybrid_info *h = find_hybrid(group);
    if (!h)
        return -1;
    size_t ek_len = cl_mlkem_ek_len(h->kem), ct_len = cl_mlkem_ct_len(h->kem);
    size_t peer_ec_at, peer_kem_at, our_ec_at, our_kem_at;
    if (peer_len != ek_len + h->ec_share_len)
        return CR_KX_BAD_LENGTH;
    if (*pub_len < ct_len + h->ec_share_len)
        return -1;
    split(h, ek_len, &peer_ec_at, &peer_kem_at);
    split(h, ct_len, &our_ec_at, &our_kem_at);
    /* FIPS 203 7.2, and the draft: the server checks the client's key. */
    if (cl_mlkem_ek_check(h->kem, peer + peer_kem_at, ek_len) != 0)
        return CR_KX_BAD_KEM_KEY;
    uint8_t ec[CR_MAX_KX_SECRET], ss[CL_MLKEM_SS_LEN];
    size_t ec_len = sizeof ec, ec_pub_len = h->ec_share_len;
    int rc;
#ifdef CLASP_TEST_HOOKS
    if (priv) {
        cr_dh *key = NULL;
        rc = cr_dh_from_private(h->ec_group, priv, priv_len, &key, pub + our_ec_at, &ec_pub_len);
        if (rc == 0)
            rc = cr_dh_derive(key, peer + peer_ec_at, h->ec_share_len, ec, &ec_len);
        cr_dh_free(key);
    } else
#else
    (void)priv, (void)priv_len;
#endif
        rc = cr_dh_encap(h->ec_group, peer + peer_ec_at, h->ec_share_len, pub + our_ec_at,
                         &ec_pub_len, ec, &ec_len);
    if (rc == 0 && (ec_len != h->ec_secret_len || ec_pub_len != h->ec_share_len))
        rc = -1;
#ifdef CLASP_TEST_HOOKS
    if (rc == 0 && priv) {
        uint8_t m[32];
        fixed_bytes(priv, priv_len, m, sizeof m);
        if (cl_mlkem_encaps_m(h->kem, peer + peer_kem_at, ek_len, m, pub + our_kem_at, ss) != 0)
            rc = -1;
        cl_wipe(m, sizeof m);
    } else
#endif
    if (rc == 0 && cl_mlkem_encaps(h->kem, peer + peer_kem_at, ek_len, pub + our_kem_at, ss) != 0)
        rc = -1;
    if (rc == 0) {
        join_secret(h, ec, ss, secret, secret_len);
        *pub_len = ct_len + h->ec_share_len;
    }
    cl_wipe(ec, sizeof ec);
    cl_wipe(ss, sizeof ss);
    return rc;
}

int cr_hybrid_encap(uint16_t group, const uint8_t *peer, size_t peer_len, uint8_t *pub,
                    size_t *pub_len, uint8_t *secret, size_t *secret_len)
{
    return encap(group, NULL, 0, peer, peer_len, pub, pub_len, secret, secret_len);
}

#ifdef CLASP_TEST_HOOKS
int cr_hybrid_encap_from_private(uint16_t group, const uint8_t *priv, size_t priv_len,
                                 const uint8_t *peer, size_t peer_len, uint8_t *pub,
                                 size_t *pub_len, uint8_t *secret, size_t *secret_len)
{
    if (!priv || !priv_len)
        return -1;
    return encap(group, priv, priv_len, peer, peer_len, pub, pub_len, secret, secret_len);
}
#endif
