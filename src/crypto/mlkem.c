// SPDX-License-Identifier: Apache-2.0
/* ML-KEM-768 and ML-KEM-1024 (FIPS 203): K-PKE (section 5) and the KEM
 * (sections 6 and 7) on top of mlkem_poly.c and keccak.c.
 *
 * The independent hashes of an operation (the entries of A_hat, the noise,
 * H(ek), J) go through the four-way Keccak together. An expanded key
 * (cl_mlkem_key) keeps A_hat, t_hat and s_hat from KeyGen for Decaps,
 * whose re-encryption needs the same A_hat. Secrets (the seed, s, e, y, m, r and the
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

/* Every SHAKE128 stream of SampleNTT gives three blocks (336 candidates)
 * in the four-way run, usually enough for 256 values. */
#define MATRIX_BYTES CL_KECCAK_X4_SCRATCH
#define MAX_JOBS (MAX_K * MAX_K + 2 * MAX_K + 2)

/* One entry of A_hat: where it goes and what its stream hashes. */
typedef struct {
    cl_mlkem_poly *p;
    const uint8_t *rho;
    uint8_t ij[2];
} matrix_entry;

/* The hashes of one operation, run four at a time (cl_keccak_x4_run).
 * Jobs that are not matrix entries come first: the long ones (H(ek), J)
 * then overlap with the many short ones. */
typedef struct {
    cl_keccak_job job[MAX_JOBS];
    size_t n;
    matrix_entry entry[MAX_K * MAX_K];
    uint8_t nonce[2 * MAX_K + 1];
    uint8_t noise_out[2 * MAX_K + 1][128];
} hash_batch;

static void add_job(hash_batch *b, const uint8_t *in0, size_t len0, const uint8_t *in1,
                    size_t len1, unsigned rate, uint8_t domain, uint8_t *out, size_t out_len)
{
    b->job[b->n++] = (cl_keccak_job){{in0, in1}, {len0, len1}, rate, domain, out, out_len, NULL, NULL};
}

/* SampleNTT's rejection sampling as soon as an entry's three blocks are
 * out (the runner's buffer is reused for the next job). The rare entry
 * that needs more hashes its stream again, one block more each time. */
static void matrix_entry_done(void *arg, const uint8_t *out, size_t len)
{
    matrix_entry *m = arg;
    unsigned n = cl_mlkem_rej_uniform(m->p->c, 0, out, len);
    if (n == CL_MLKEM_N)
        return;
    cl_keccak k;
    uint8_t skip[MATRIX_BYTES], more[CL_SHAKE128_RATE];
    cl_keccak_init(&k, CL_SHAKE128_RATE);
    cl_keccak_absorb(&k, m->rho, 32);
    cl_keccak_absorb(&k, m->ij, 2);
    cl_keccak_finish(&k, 0x1f);
    cl_keccak_squeeze(&k, skip, sizeof(skip));
    while (n < CL_MLKEM_N) {
        cl_keccak_squeeze(&k, more, sizeof(more));
        n = cl_mlkem_rej_uniform(m->p->c, n, more, sizeof(more));
    }
}

/* A_hat[i][j] = SampleNTT(rho || j || i) into a[i * k + j], sampled while
 * the run goes on. */
static void add_matrix(hash_batch *b, cl_mlkem_poly *a, const uint8_t rho[32], unsigned k)
{
    for (unsigned e = 0; e < k * k; e++) {
        matrix_entry *m = &b->entry[e];
        m->p = &a[e];
        m->rho = rho;
        m->ij[0] = (uint8_t)(e % k);
        m->ij[1] = (uint8_t)(e / k);
        b->job[b->n++] = (cl_keccak_job){{rho, m->ij}, {32, 2}, CL_SHAKE128_RATE, 0x1f, NULL,
                                         MATRIX_BYTES, matrix_entry_done, m};
    }
}

/* PRF_2(sigma, t) = SHAKE256(sigma || t, 128) for t < count. */
static void add_noise(hash_batch *b, const uint8_t sigma[32], unsigned count)
{
    for (unsigned t = 0; t < count; t++) {
        b->nonce[t] = (uint8_t)t;
        add_job(b, sigma, 32, &b->nonce[t], 1, CL_SHAKE256_RATE, 0x1f, b->noise_out[t], 128);
    }
}

static void finish_noise(hash_batch *b, cl_mlkem_poly *out, unsigned count)
{
    for (unsigned t = 0; t < count; t++)
        cl_mlkem_cbd2(&out[t], b->noise_out[t]);
}

static void wipe_batch(hash_batch *b)
{
    cl_wipe(b->noise_out, sizeof(b->noise_out)); /* the rest is public */
    b->n = 0;
}

/* K-PKE.KeyGen (Algorithm 13): ek_PKE, dk_PKE (unless NULL) and A_hat
 * from d. s_hat and t_hat stay in the caller's polynomials, in [0, q),
 * when it wants them (the expanded key). */
static void kpke_keygen(const params *pr, const uint8_t d[32], uint8_t *ek, uint8_t *dk_pke,
                        cl_mlkem_poly *a, cl_mlkem_poly *s_out, cl_mlkem_poly *t_out)
{
    unsigned k = pr->k;
    uint8_t g_in[33], rho_sigma[64];
    memcpy(g_in, d, 32);
    g_in[32] = (uint8_t)k;
    cl_sha3_512(g_in, sizeof(g_in), rho_sigma);
    const uint8_t *rho = rho_sigma, *sigma = rho_sigma + 32;
    cl_ct_declassify(rho, 32); /* public: the end of ek; sampling A branches on it */

    hash_batch hb;
    hb.n = 0;
    add_noise(&hb, sigma, 2 * k);
    add_matrix(&hb, a, rho, k);
    cl_keccak_x4_run(hb.job, hb.n);
    cl_mlkem_poly noise[2 * MAX_K], poly; /* noise: s, then e */
    cl_mlkem_mulprep s_hat[MAX_K];
    finish_noise(&hb, noise, 2 * k);
    wipe_batch(&hb);
    for (unsigned i = 0; i < k; i++) {
        cl_mlkem_ntt(&noise[i]);
        cl_mlkem_prepare(&s_hat[i], &noise[i]);
        if (dk_pke)
            cl_mlkem_poly_encode12(dk_pke + 384 * i, &noise[i]);
        if (s_out) {
            s_out[i] = noise[i];
            cl_mlkem_poly_canonical(&s_out[i]);
        }
    }
    for (unsigned i = 0; i < k; i++) {
        /* t_hat[i] = sum_j A_hat[i][j] s_hat[j] + e_hat[i] */
        const cl_mlkem_poly *row[MAX_K];
        for (unsigned j = 0; j < k; j++)
            row[j] = &a[i * k + j];
        cl_mlkem_dot(&poly, row, s_hat, k);
        cl_mlkem_poly_tomont(&poly);
        cl_mlkem_ntt(&noise[k + i]);
        cl_mlkem_poly_add(&poly, &noise[k + i]);
        cl_mlkem_poly_encode12(ek + 384 * i, &poly);
        if (t_out) {
            t_out[i] = poly;
            cl_mlkem_poly_canonical(&t_out[i]);
        }
    }
    memcpy(ek + 384 * k, rho, 32);

    cl_wipe(g_in, sizeof(g_in));
    cl_wipe(rho_sigma, sizeof(rho_sigma));
    cl_wipe(noise, sizeof(noise));
    cl_wipe(s_hat, sizeof(s_hat));
}

/* K-PKE.Encrypt (Algorithm 14) of m with randomness r, given A_hat (a,
 * row-major) and t_hat decoded from an ek that passed the modulus check
 * (or came from our own key). */
static void kpke_encrypt(const params *pr, const cl_mlkem_poly *a, const cl_mlkem_poly *t_hat,
                         const uint8_t m[32], const uint8_t r[32], uint8_t *ct)
{
    unsigned k = pr->k;
    cl_mlkem_poly noise[2 * MAX_K + 1], poly; /* noise: y, e1, e2 */
    cl_mlkem_mulprep y_hat[MAX_K];
    const cl_mlkem_poly *col[MAX_K];
    hash_batch hb;
    hb.n = 0;
    add_noise(&hb, r, 2 * k + 1);
    cl_keccak_x4_run(hb.job, hb.n);
    finish_noise(&hb, noise, 2 * k + 1);
    wipe_batch(&hb);
    for (unsigned i = 0; i < k; i++) {
        cl_mlkem_ntt(&noise[i]);
        cl_mlkem_prepare(&y_hat[i], &noise[i]);
    }
    /* u[i] = NTT^-1(sum_j A_hat^T[i][j] y_hat[j]) + e1[i] */
    for (unsigned i = 0; i < k; i++) {
        for (unsigned j = 0; j < k; j++)
            col[j] = &a[j * k + i];
        cl_mlkem_dot(&poly, col, y_hat, k);
        cl_mlkem_invntt_tomont(&poly);
        cl_mlkem_poly_add(&poly, &noise[k + i]);
        cl_mlkem_poly_compress(ct + 32 * pr->du * i, &poly, pr->du);
    }
    /* v = NTT^-1(t_hat . y_hat) + e2 + Decompress_1(m) */
    for (unsigned j = 0; j < k; j++)
        col[j] = &t_hat[j];
    cl_mlkem_dot(&poly, col, y_hat, k);
    cl_mlkem_invntt_tomont(&poly);
    cl_mlkem_poly_add(&poly, &noise[2 * k]);
    cl_mlkem_poly_decompress(&noise[0], m, 1);
    cl_mlkem_poly_add(&poly, &noise[0]);
    cl_mlkem_poly_compress(ct + 32 * pr->du * k, &poly, pr->dv);

    cl_wipe(noise, sizeof(noise));
    cl_wipe(y_hat, sizeof(y_hat));
    cl_wipe(&poly, sizeof(poly));
}

/* K-PKE.Decrypt (Algorithm 15): m from ct with s_hat (in [0, q)). */
static void kpke_decrypt(const params *pr, const cl_mlkem_poly *s_hat, const uint8_t *ct,
                         uint8_t m[32])
{
    unsigned k = pr->k;
    cl_mlkem_mulprep u_hat[MAX_K];
    cl_mlkem_poly poly, w;
    const cl_mlkem_poly *s[MAX_K];
    for (unsigned i = 0; i < k; i++) {
        cl_mlkem_poly_decompress(&poly, ct + 32 * pr->du * i, pr->du);
        cl_mlkem_ntt(&poly);
        cl_mlkem_prepare(&u_hat[i], &poly);
        s[i] = &s_hat[i];
    }
    cl_mlkem_dot(&w, s, u_hat, k);
    cl_mlkem_invntt_tomont(&w);
    /* w = v - NTT^-1(s_hat . NTT(u)) */
    cl_mlkem_poly_decompress(&poly, ct + 32 * pr->du * k, pr->dv);
    cl_mlkem_poly_sub(&poly, &w);
    cl_mlkem_poly_compress(m, &poly, 1);

    cl_wipe(u_hat, sizeof(u_hat));
    cl_wipe(&poly, sizeof(poly));
    cl_wipe(&w, sizeof(w));
}

/* ML-KEM.KeyGen_internal (Algorithm 16). */
int cl_mlkem_keygen_seed(cl_mlkem_param p, const uint8_t seed[CL_MLKEM_SEED_LEN], uint8_t *ek,
                         uint8_t *dk)
{
    const params *pr = get_params(p);
    size_t ekl = ek_len(pr), pke = 384 * pr->k;
    cl_mlkem_poly a[MAX_K * MAX_K];
    kpke_keygen(pr, seed, ek, dk, a, NULL, NULL);
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

int cl_mlkem_key_from_seed(cl_mlkem_param p, const uint8_t seed[CL_MLKEM_SEED_LEN], uint8_t *ek,
                           cl_mlkem_key *key)
{
    const params *pr = get_params(p);
    key->param = p;
    kpke_keygen(pr, seed, ek, NULL, key->a_hat, key->s_hat, key->t_hat);
    memcpy(key->ek, ek, ek_len(pr));
    memcpy(key->z, seed + 32, 32);
    return 0;
}

int cl_mlkem_key_generate(cl_mlkem_param p, uint8_t *ek, cl_mlkem_key *key)
{
    uint8_t seed[CL_MLKEM_SEED_LEN];
    if (cr_random_private(seed, sizeof(seed)) != 0)
        return -1;
    int rc = cl_mlkem_key_from_seed(p, seed, ek, key);
    cl_wipe(seed, sizeof(seed));
    return rc;
}

void cl_mlkem_key_dk(const cl_mlkem_key *key, uint8_t *dk)
{
    const params *pr = get_params(key->param);
    size_t ekl = ek_len(pr), pke = 384 * pr->k;
    for (unsigned i = 0; i < pr->k; i++)
        cl_mlkem_poly_encode12(dk + 384 * i, &key->s_hat[i]);
    memcpy(dk + pke, key->ek, ekl);
    cl_sha3_256(key->ek, ekl, dk + pke + ekl);
    memcpy(dk + pke + ekl + 32, key->z, 32);
}

/* A_hat, t_hat and ek are public. */
void cl_mlkem_key_wipe(cl_mlkem_key *key)
{
    cl_wipe(key->s_hat, sizeof(key->s_hat));
    cl_wipe(key->z, sizeof(key->z));
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

/* ML-KEM.Encaps_internal (Algorithm 17): (K, r) = G(m || H(ek)). H(ek)
 * runs beside the sampling of A_hat. */
int cl_mlkem_encaps_m(cl_mlkem_param p, const uint8_t *ek, size_t ek_size, const uint8_t m[32],
                      uint8_t *ct, uint8_t ss[CL_MLKEM_SS_LEN])
{
    const params *pr = get_params(p);
    unsigned k = pr->k;
    cl_mlkem_poly a[MAX_K * MAX_K], t_hat[MAX_K];
    if (ek == NULL || ek_size != ek_len(pr))
        return -1;
    int bad = 0; /* the modulus check (7.2) while decoding t_hat */
    for (unsigned j = 0; j < k; j++)
        bad |= cl_mlkem_poly_decode12_check(&t_hat[j], ek + 384 * j);
    if (bad)
        return -1;
    uint8_t g_in[64], k_r[64];
    hash_batch hb;
    hb.n = 0;
    add_job(&hb, ek, ek_size, NULL, 0, CL_SHA3_256_RATE, 0x06, g_in + 32, 32);
    add_matrix(&hb, a, ek + 384 * k, k);
    cl_keccak_x4_run(hb.job, hb.n);
    memcpy(g_in, m, 32);
    cl_sha3_512(g_in, sizeof(g_in), k_r);
    kpke_encrypt(pr, a, t_hat, m, k_r + 32, ct);
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

/* Decaps once the keys are known good: m' = Decrypt(c), (K', r') =
 * G(m' || h), and K' or k_bar = J(z || c), chosen without a branch by
 * whether Encrypt(m', r') gives c back. k_bar was computed by the caller
 * (beside other hashes). */
static void decaps_core(const params *pr, const cl_mlkem_poly *a, const cl_mlkem_poly *t_hat,
                        const cl_mlkem_poly *s_hat, const uint8_t h[32], const uint8_t *ct,
                        size_t ct_size, const uint8_t k_bar[32], uint8_t ss[CL_MLKEM_SS_LEN])
{
    uint8_t g_in[64], k_r[64], ct2[CL_MLKEM_MAX_CT_LEN];
    kpke_decrypt(pr, s_hat, ct, g_in);
    memcpy(g_in + 32, h, 32);
    cl_sha3_512(g_in, sizeof(g_in), k_r);
    kpke_encrypt(pr, a, t_hat, g_in, k_r + 32, ct2);
    uint8_t diff = 0;
    for (size_t i = 0; i < ct_size; i++)
        diff |= (uint8_t)(ct[i] ^ ct2[i]);
    uint8_t same = (uint8_t)cl_ct_eq(diff, 0);
    cl_ct_select(same, k_r, k_bar, ss, CL_MLKEM_SS_LEN);
    cl_wipe(g_in, sizeof(g_in));
    cl_wipe(k_r, sizeof(k_r));
    cl_wipe(ct2, sizeof(ct2));
}

/* ML-KEM.Decaps (Algorithm 18) after the checks of section 7.3: the
 * lengths, and H(ek) as stored in dk. H(ek), J(z || c) and the entries of
 * A_hat are hashed side by side. */
int cl_mlkem_decaps(cl_mlkem_param p, const uint8_t *dk, size_t dk_size, const uint8_t *ct,
                    size_t ct_size, uint8_t ss[CL_MLKEM_SS_LEN])
{
    const params *pr = get_params(p);
    unsigned k = pr->k;
    if (dk == NULL || ct == NULL || dk_size != dk_len(pr) || ct_size != ct_len(pr))
        return -1;
    size_t pke = 384 * k, ekl = ek_len(pr);
    const uint8_t *ek = dk + pke, *h = ek + ekl, *z = h + 32;
    uint8_t hash[32], k_bar[32];
    cl_mlkem_poly a[MAX_K * MAX_K], t_hat[MAX_K], s_hat[MAX_K];
    hash_batch hb;
    hb.n = 0;
    add_job(&hb, ek, ekl, NULL, 0, CL_SHA3_256_RATE, 0x06, hash, 32);
    add_job(&hb, z, 32, ct, ct_size, CL_SHAKE256_RATE, 0x1f, k_bar, 32);
    add_matrix(&hb, a, ek + pke, k);
    cl_keccak_x4_run(hb.job, hb.n);
    int rc = -1;
    if (memcmp(hash, h, 32) == 0) { /* public: ek and H(ek) */
        for (unsigned j = 0; j < k; j++) {
            cl_mlkem_poly_decode12(&t_hat[j], ek + 384 * j);
            cl_mlkem_poly_decode12(&s_hat[j], dk + 384 * j);
        }
        decaps_core(pr, a, t_hat, s_hat, h, ct, ct_size, k_bar, ss);
        rc = 0;
    }
    cl_wipe(k_bar, sizeof(k_bar));
    cl_wipe(s_hat, sizeof(s_hat));
    wipe_batch(&hb);
    return rc;
}

/* The same with the expanded key: no H(ek) check (we made the key), and
 * A_hat, t_hat and s_hat as KeyGen left them. H(ek) and J(z || c) are
 * hashed side by side. */
int cl_mlkem_key_decaps(const cl_mlkem_key *key, const uint8_t *ct, size_t ct_size,
                        uint8_t ss[CL_MLKEM_SS_LEN])
{
    const params *pr = get_params(key->param);
    if (ct == NULL || ct_size != ct_len(pr))
        return -1;
    uint8_t h[32], k_bar[32];
    cl_keccak_job jobs[2] = {
        {{key->ek, NULL}, {ek_len(pr), 0}, CL_SHA3_256_RATE, 0x06, h, 32, NULL, NULL},
        {{key->z, ct}, {32, ct_size}, CL_SHAKE256_RATE, 0x1f, k_bar, 32, NULL, NULL},
    };
    cl_keccak_x4_run(jobs, 2);
    decaps_core(pr, key->a_hat, key->t_hat, key->s_hat, h, ct, ct_size, k_bar, ss);
    cl_wipe(k_bar, sizeof(k_bar));
    return 0;
}
