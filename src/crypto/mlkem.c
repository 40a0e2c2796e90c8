// SPDX-License-Identifier: Apache-2.0
/* ML-KEM-768 and ML-KEM-1024 (FIPS 203): K-PKE (section 5) and the KEM
 * (sections 6 and 7) on top of mlkem_poly.c and keccak.c.
 *
 * The matrix A is never stored: each entry is sampled where it is used and
 * multiplied into a running sum. Secrets (the seed, s, e, y, m, r and the
 * decapsulation key) meet no branch and no table index; every buffer that
 * held one is wiped before returning. */
#include "crypto/mlkem.h"

#include <string.h>

#include "base/ct.h"
#include "crypto/crypto.h"
#include "crypto/keccak.h"
#include "crypto/mlkem_poly.h"

#define MAX_K 4

typedef struct {
    unsigned k, du, dv; /* eta1 = eta2 = 2 for both parameter sets */
} params;

static const params *get_params(cl_mlkem_param p)
{
    static const params mlkem768 = {3, 10, 4}, mlkem1024 = {4, 11, 5};
    return p == CL_MLKEM_1024 ? &mlkem1024 : &mlkem768;
}

static size_t ek_len(const params *pr) { return 384 * pr->k + 32; }
static size_t dk_len(const params *pr) { return 768 * pr->k + 96; }
static size_t ct_len(const params *pr) { return 32 * (pr->du * pr->k + pr->dv); }

size_t cl_mlkem_ek_len(cl_mlkem_param p) { return ek_len(get_params(p)); }
size_t cl_mlkem_dk_len(cl_mlkem_param p) { return dk_len(get_params(p)); }
size_t cl_mlkem_ct_len(cl_mlkem_param p) { return ct_len(get_params(p)); }

/* K-PKE.KeyGen (Algorithm 13): ek_PKE and dk_PKE from d. */
static void kpke_keygen(const params *pr, const uint8_t d[32], uint8_t *ek, uint8_t *dk_pke)
{
    unsigned k = pr->k;
    uint8_t g_in[33], rho_sigma[64];
    memcpy(g_in, d, 32);
    g_in[32] = (uint8_t)k;
    cl_sha3_512(g_in, sizeof(g_in), rho_sigma);
    const uint8_t *rho = rho_sigma, *sigma = rho_sigma + 32;

    cl_mlkem_mulprep s_hat[MAX_K];
    cl_mlkem_poly poly, e_hat;
    cl_mlkem_acc acc;
    for (unsigned i = 0; i < k; i++) {
        cl_mlkem_sample_cbd2(&poly, sigma, (uint8_t)i);
        cl_mlkem_ntt(&poly);
        cl_mlkem_prepare(&s_hat[i], &poly);
        cl_mlkem_poly_encode12(dk_pke + 384 * i, &poly);
    }
    for (unsigned i = 0; i < k; i++) {
        /* t_hat[i] = sum_j A_hat[i][j] s_hat[j] + e_hat[i],
         * A_hat[i][j] = SampleNTT(rho || j || i). */
        cl_mlkem_acc_clear(&acc);
        for (unsigned j = 0; j < k; j++) {
            cl_mlkem_sample_ntt(&poly, rho, (uint8_t)j, (uint8_t)i);
            cl_mlkem_acc_mul(&acc, &poly, &s_hat[j]);
        }
        cl_mlkem_acc_reduce(&poly, &acc);
        cl_mlkem_poly_tomont(&poly);
        cl_mlkem_sample_cbd2(&e_hat, sigma, (uint8_t)(k + i));
        cl_mlkem_ntt(&e_hat);
        cl_mlkem_poly_add(&poly, &e_hat);
        cl_mlkem_poly_encode12(ek + 384 * i, &poly);
    }
    memcpy(ek + 384 * k, rho, 32);

    cl_wipe(g_in, sizeof(g_in));
    cl_wipe(rho_sigma, sizeof(rho_sigma));
    cl_wipe(s_hat, sizeof(s_hat));
    cl_wipe(&e_hat, sizeof(e_hat));
    cl_wipe(&acc, sizeof(acc));
}

/* K-PKE.Encrypt (Algorithm 14) of m with randomness r; ek already passed
 * the modulus check (or came from our own decapsulation key). */
static void kpke_encrypt(const params *pr, const uint8_t *ek, const uint8_t m[32],
                         const uint8_t r[32], uint8_t *ct)
{
    unsigned k = pr->k;
    const uint8_t *rho = ek + 384 * k;
    cl_mlkem_mulprep y_hat[MAX_K];
    cl_mlkem_poly poly, noise;
    cl_mlkem_acc acc;
    for (unsigned i = 0; i < k; i++) {
        cl_mlkem_sample_cbd2(&poly, r, (uint8_t)i);
        cl_mlkem_ntt(&poly);
        cl_mlkem_prepare(&y_hat[i], &poly);
    }
    /* u[i] = NTT^-1(sum_j A_hat[j][i] y_hat[j]) + e1[i], where
     * A_hat[j][i] = SampleNTT(rho || i || j). */
    for (unsigned i = 0; i < k; i++) {
        cl_mlkem_acc_clear(&acc);
        for (unsigned j = 0; j < k; j++) {
            cl_mlkem_sample_ntt(&poly, rho, (uint8_t)i, (uint8_t)j);
            cl_mlkem_acc_mul(&acc, &poly, &y_hat[j]);
        }
        cl_mlkem_acc_reduce(&poly, &acc);
        cl_mlkem_invntt_tomont(&poly);
        cl_mlkem_sample_cbd2(&noise, r, (uint8_t)(k + i));
        cl_mlkem_poly_add(&poly, &noise);
        cl_mlkem_poly_compress(ct + 32 * pr->du * i, &poly, pr->du);
    }
    /* v = NTT^-1(t_hat . y_hat) + e2 + Decompress_1(m). */
    cl_mlkem_acc_clear(&acc);
    for (unsigned j = 0; j < k; j++) {
        cl_mlkem_poly_decode12(&poly, ek + 384 * j);
        cl_mlkem_acc_mul(&acc, &poly, &y_hat[j]);
    }
    cl_mlkem_acc_reduce(&poly, &acc);
    cl_mlkem_invntt_tomont(&poly);
    cl_mlkem_sample_cbd2(&noise, r, (uint8_t)(2 * k));
    cl_mlkem_poly_add(&poly, &noise);
    cl_mlkem_poly_decompress(&noise, m, 1);
    cl_mlkem_poly_add(&poly, &noise);
    cl_mlkem_poly_compress(ct + 32 * pr->du * k, &poly, pr->dv);

    cl_wipe(y_hat, sizeof(y_hat));
    cl_wipe(&poly, sizeof(poly));
    cl_wipe(&noise, sizeof(noise));
    cl_wipe(&acc, sizeof(acc));
}

/* K-PKE.Decrypt (Algorithm 15): m from ct with dk_PKE. */
static void kpke_decrypt(const params *pr, const uint8_t *dk_pke, const uint8_t *ct, uint8_t m[32])
{
    unsigned k = pr->k;
    cl_mlkem_mulprep u_hat;
    cl_mlkem_poly poly, s_hat;
    cl_mlkem_acc acc;
    cl_mlkem_acc_clear(&acc);
    for (unsigned i = 0; i < k; i++) {
        cl_mlkem_poly_decompress(&poly, ct + 32 * pr->du * i, pr->du);
        cl_mlkem_ntt(&poly);
        cl_mlkem_prepare(&u_hat, &poly);
        cl_mlkem_poly_decode12(&s_hat, dk_pke + 384 * i);
        cl_mlkem_acc_mul(&acc, &s_hat, &u_hat);
    }
    cl_mlkem_acc_reduce(&s_hat, &acc);
    cl_mlkem_invntt_tomont(&s_hat);
    /* w = v - NTT^-1(s_hat . NTT(u)) */
    cl_mlkem_poly_decompress(&poly, ct + 32 * pr->du * k, pr->dv);
    cl_mlkem_poly_sub(&poly, &s_hat);
    cl_mlkem_poly_compress(m, &poly, 1);

    cl_wipe(&u_hat, sizeof(u_hat));
    cl_wipe(&poly, sizeof(poly));
    cl_wipe(&s_hat, sizeof(s_hat));
    cl_wipe(&acc, sizeof(acc));
}

/* ML-KEM.KeyGen_internal (Algorithm 16). */
int cl_mlkem_keygen_seed(cl_mlkem_param p, const uint8_t seed[CL_MLKEM_SEED_LEN], uint8_t *ek,
                         uint8_t *dk)
{
    const params *pr = get_params(p);
    size_t ekl = ek_len(pr), pke = 384 * pr->k;
    kpke_keygen(pr, seed, ek, dk);
    memcpy(dk + pke, ek, ekl);
    cl_sha3_256(ek, ekl, dk + pke + ekl);
    memcpy(dk + pke + ekl + 32, seed + 32, 32);
    return 0;
}

int cl_mlkem_keygen(cl_mlkem_param p, uint8_t *ek, uint8_t *dk)
{
    uint8_t seed[CL_MLKEM_SEED_LEN];
    if (cr_random_private(seed, sizeof(seed)) != 0)
        return -1;
    int rc = cl_mlkem_keygen_seed(p, seed, ek, dk);
    cl_wipe(seed, sizeof(seed));
    return rc;
}

/* Section 7.2: the length, and ByteEncode_12(ByteDecode_12(t)) == t, that
 * is every 12-bit value below q. */
int cl_mlkem_ek_check(cl_mlkem_param p, const uint8_t *ek, size_t ek_size)
{
    const params *pr = get_params(p);
    if (ek == NULL || ek_size != ek_len(pr))
        return -1;
    for (unsigned i = 0; i < pr->k; i++)
        if (cl_mlkem_poly_check12(ek + 384 * i) != 0)
            return -1;
    return 0;
}

/* ML-KEM.Encaps_internal (Algorithm 17): (K, r) = G(m || H(ek)). */
int cl_mlkem_encaps_m(cl_mlkem_param p, const uint8_t *ek, size_t ek_size, const uint8_t m[32],
                      uint8_t *ct, uint8_t ss[CL_MLKEM_SS_LEN])
{
    const params *pr = get_params(p);
    if (cl_mlkem_ek_check(p, ek, ek_size) != 0)
        return -1;
    uint8_t g_in[64], k_r[64];
    memcpy(g_in, m, 32);
    cl_sha3_256(ek, ek_size, g_in + 32);
    cl_sha3_512(g_in, sizeof(g_in), k_r);
    kpke_encrypt(pr, ek, m, k_r + 32, ct);
    memcpy(ss, k_r, 32);
    cl_wipe(g_in, sizeof(g_in));
    cl_wipe(k_r, sizeof(k_r));
    return 0;
}

int cl_mlkem_encaps(cl_mlkem_param p, const uint8_t *ek, size_t ek_size, uint8_t *ct,
                    uint8_t ss[CL_MLKEM_SS_LEN])
{
    uint8_t m[32];
    if (cr_random_private(m, sizeof(m)) != 0)
        return -1;
    int rc = cl_mlkem_encaps_m(p, ek, ek_size, m, ct, ss);
    cl_wipe(m, sizeof(m));
    return rc;
}

/* ML-KEM.Decaps (Algorithm 18) after the checks of section 7.3: the
 * lengths, and H(ek) as stored in dk. A wrong ciphertext of the right
 * length yields J(z || c) in place of K, chosen without a branch. */
int cl_mlkem_decaps(cl_mlkem_param p, const uint8_t *dk, size_t dk_size, const uint8_t *ct,
                    size_t ct_size, uint8_t ss[CL_MLKEM_SS_LEN])
{
    const params *pr = get_params(p);
    if (dk == NULL || ct == NULL || dk_size != dk_len(pr) || ct_size != ct_len(pr))
        return -1;
    size_t pke = 384 * pr->k, ekl = ek_len(pr);
    const uint8_t *ek = dk + pke, *h = ek + ekl, *z = h + 32;
    uint8_t hash[32];
    cl_sha3_256(ek, ekl, hash);
    if (memcmp(hash, h, 32) != 0) /* public: ek and H(ek) */
        return -1;

    uint8_t g_in[64], k_r[64], k_bar[32], ct2[CL_MLKEM_MAX_CT_LEN];
    kpke_decrypt(pr, dk, ct, g_in);
    memcpy(g_in + 32, h, 32);
    cl_sha3_512(g_in, sizeof(g_in), k_r);

    cl_keccak j;
    cl_keccak_init(&j, CL_SHAKE256_RATE);
    cl_keccak_absorb(&j, z, 32);
    cl_keccak_absorb(&j, ct, ct_size);
    cl_keccak_finish(&j, 0x1f);
    cl_keccak_squeeze(&j, k_bar, sizeof(k_bar));

    kpke_encrypt(pr, ek, g_in, k_r + 32, ct2);
    uint8_t diff = 0;
    for (size_t i = 0; i < ct_size; i++)
        diff |= (uint8_t)(ct[i] ^ ct2[i]);
    uint8_t same = (uint8_t)cl_ct_eq(diff, 0);
    cl_ct_select(same, k_r, k_bar, ss, CL_MLKEM_SS_LEN);

    cl_wipe(g_in, sizeof(g_in));
    cl_wipe(k_r, sizeof(k_r));
    cl_wipe(k_bar, sizeof(k_bar));
    cl_wipe(ct2, sizeof(ct2));
    cl_wipe(&j, sizeof(j));
    return 0;
}
