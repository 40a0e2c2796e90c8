/* SPDX-License-Identifier: Apache-2.0 */
/* ML-KEM-768 and ML-KEM-1024 (src/crypto/mlkem.c) against every test of
 * Project Wycheproof's ML-KEM files (tests/data/wycheproof/mlkem_*.txt):
 * key generation from the seed, encapsulation with a fixed m (and the
 * modulus check), decapsulation incl. implicit rejection and malformed keys
 * and ciphertexts. Then round trips with random keys, and the lengths.
 * Everything runs twice: on the AVX2 path (when the CPU has AVX2) and with
 * the portable C forced (cl_mlkem_poly_force_portable, a test hook); the
 * two paths' polynomial functions are also compared on random inputs, the
 * expanded key (cl_mlkem_key) against the byte form, and the four-way
 * Keccak runner against the one-at-a-time sponge. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "crypto/keccak.h"
#include "crypto/mlkem.h"
#include "crypto/mlkem_poly.h"
#include "testutil.h"

#define FIELD_CAP 8192
#define MAX_FIELDS 4

typedef struct {
    char id[16], result[16], flags[256];
    uint8_t *f[MAX_FIELDS];
    size_t len[MAX_FIELDS];
} vector;

typedef struct {
    size_t valid, invalid;
} counts;

/* Splits `tcId result flags f0 .. f{n-1}` (hex or '-'). 0 when well formed. */
static int parse_line(char *line, vector *v, int nfields)
{
    char *save = NULL, *tok[3 + MAX_FIELDS];
    int n = 0;
    for (char *t = strtok_r(line, " \n", &save); t && n < 3 + nfields; t = strtok_r(NULL, " \n", &save))
        tok[n++] = t;
    if (n != 3 + nfields || strlen(tok[0]) >= sizeof v->id || strlen(tok[1]) >= sizeof v->result ||
        strlen(tok[2]) >= sizeof v->flags)
        return -1;
    strcpy(v->id, tok[0]);
    strcpy(v->result, tok[1]);
    strcpy(v->flags, tok[2]);
    for (int i = 0; i < nfields; i++) {
        v->len[i] = strcmp(tok[3 + i], "-") ? tu_hex(tok[3 + i], v->f[i], FIELD_CAP) : 0;
        if (v->len[i] > FIELD_CAP)
            return -1;
    }
    return 0;
}

typedef void (*vector_fn)(cl_mlkem_param p, const vector *v, int valid, const char *file);

static counts run_file(const char *file, cl_mlkem_param p, int nfields, vector_fn fn)
{
    counts c = {0, 0};
    const char *dir = getenv("CLASP_TEST_DATA");
    char path[512];
    snprintf(path, sizeof path, "%s/wycheproof/%s", dir ? dir : "tests/data", file);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f)
        return c;
    vector v;
    for (int i = 0; i < MAX_FIELDS; i++)
        v.f[i] = malloc(FIELD_CAP);
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        if (parse_line(line, &v, nfields) != 0) {
            CHECK(!"a well-formed vector line");
            continue;
        }
        int valid = !strcmp(v.result, "valid");
        CHECK(valid || !strcmp(v.result, "invalid")); /* no "acceptable" in these files */
        fn(p, &v, valid, file);
        if (valid)
            c.valid++;
        else
            c.invalid++;
    }
    free(line);
    for (int i = 0; i < MAX_FIELDS; i++)
        free(v.f[i]);
    fclose(f);
    printf("%s: %zu valid and %zu invalid vectors run\n", file, c.valid, c.invalid);
    return c;
}

#define FAIL_IF(cond, v, file, what)                                                       \
    do {                                                                                   \
        if (cond)                                                                          \
            fprintf(stderr, "%s tcId %s (%s %s): %s\n", file, (v)->id, (v)->result,       \
                    (v)->flags, what);                                                     \
        CHECK(!(cond));                                                                    \
    } while (0)

/* seed ek dk: all valid. */
static void keygen_vector(cl_mlkem_param p, const vector *v, int valid, const char *file)
{
    uint8_t ek[CL_MLKEM_MAX_EK_LEN], dk[CL_MLKEM_MAX_DK_LEN];
    size_t ekl = cl_mlkem_ek_len(p), dkl = cl_mlkem_dk_len(p);
    FAIL_IF(!valid, v, file, "an invalid key generation vector (none expected)");
    FAIL_IF(v->len[0] != CL_MLKEM_SEED_LEN || v->len[1] != ekl || v->len[2] != dkl, v, file,
            "field lengths");
    if (v->len[0] != CL_MLKEM_SEED_LEN || v->len[1] != ekl || v->len[2] != dkl)
        return;
    int rc = cl_mlkem_keygen_seed(p, v->f[0], ek, dk);
    FAIL_IF(rc != 0 || memcmp(ek, v->f[1], ekl) != 0 || memcmp(dk, v->f[2], dkl) != 0, v, file,
            "wrong keys");
    CHECK(cl_mlkem_ek_check(p, ek, ekl) == 0);
}

/* m ek c K: valid ones give c and K; invalid keys are refused. */
static void encaps_vector(cl_mlkem_param p, const vector *v, int valid, const char *file)
{
    uint8_t ct[CL_MLKEM_MAX_CT_LEN], ss[CL_MLKEM_SS_LEN], m[32] = {0};
    if (v->len[0] == 32)
        memcpy(m, v->f[0], 32);
    memset(ct, 0xaa, sizeof ct);
    int rc = cl_mlkem_encaps_m(p, v->f[1], v->len[1], m, ct, ss);
    if (valid) {
        size_t ctl = cl_mlkem_ct_len(p);
        FAIL_IF(v->len[0] != 32 || v->len[2] != ctl || v->len[3] != 32, v, file, "field lengths");
        FAIL_IF(rc != 0 || memcmp(ct, v->f[2], ctl) != 0 || memcmp(ss, v->f[3], 32) != 0, v, file,
                "wrong ciphertext or secret");
        CHECK(cl_mlkem_ek_check(p, v->f[1], v->len[1]) == 0);
    } else {
        FAIL_IF(rc != -1, v, file, "accepted");
        CHECK(cl_mlkem_ek_check(p, v->f[1], v->len[1]) == -1);
    }
}

/* seed ek c K: KeyGen from the seed, then Decaps(c). The invalid tests
 * have a seed of the wrong length (which the API cannot take: its seed is
 * 64 bytes, so the length is what refuses it) or a ciphertext of the wrong
 * length (Decaps refuses). */
static void decaps_seed_vector(cl_mlkem_param p, const vector *v, int valid, const char *file)
{
    uint8_t ek[CL_MLKEM_MAX_EK_LEN], dk[CL_MLKEM_MAX_DK_LEN], ss[CL_MLKEM_SS_LEN];
    size_t ekl = cl_mlkem_ek_len(p), dkl = cl_mlkem_dk_len(p);
    if (v->len[0] != CL_MLKEM_SEED_LEN) {
        FAIL_IF(valid, v, file, "a valid vector with a seed that is not 64 bytes");
        return;
    }
    int rc = cl_mlkem_keygen_seed(p, v->f[0], ek, dk);
    CHECK(rc == 0);
    if (v->len[1])
        FAIL_IF(v->len[1] != ekl || memcmp(ek, v->f[1], ekl) != 0, v, file, "wrong ek");
    rc = cl_mlkem_decaps(p, dk, dkl, v->f[2], v->len[2], ss);
    static cl_mlkem_key key;
    uint8_t ek2[CL_MLKEM_MAX_EK_LEN], ss2[CL_MLKEM_SS_LEN];
    CHECK(cl_mlkem_key_from_seed(p, v->f[0], ek2, &key) == 0);
    uint8_t dk2[CL_MLKEM_MAX_DK_LEN];
    cl_mlkem_key_dk(&key, dk2);
    FAIL_IF(memcmp(ek2, ek, ekl) != 0 || memcmp(dk2, dk, dkl) != 0, v, file,
            "the expanded key's ek or dk differs");
    int rc2 = cl_mlkem_key_decaps(&key, v->f[2], v->len[2], ss2);
    FAIL_IF(rc2 != rc || (rc == 0 && memcmp(ss2, ss, 32) != 0), v, file,
            "the expanded key decapsulates differently");
    cl_mlkem_key_wipe(&key);
    if (valid) {
        FAIL_IF(v->len[3] != 32 || rc != 0 || memcmp(ss, v->f[3], 32) != 0, v, file,
                "wrong secret");
    } else {
        FAIL_IF(rc != -1, v, file, "accepted");
        CHECK(v->len[2] != cl_mlkem_ct_len(p));
    }
}

/* dk ek c K: Decaps with the given dk, which may be malformed. */
static void decaps_dk_vector(cl_mlkem_param p, const vector *v, int valid, const char *file)
{
    uint8_t ss[CL_MLKEM_SS_LEN];
    int rc = cl_mlkem_decaps(p, v->f[0], v->len[0], v->f[2], v->len[2], ss);
    if (valid)
        FAIL_IF(v->len[3] != 32 || rc != 0 || memcmp(ss, v->f[3], 32) != 0, v, file,
                "wrong secret");
    else
        FAIL_IF(rc != -1, v, file, "accepted");
}

/* Random keys: both sides agree; a changed ciphertext gives J(z || c) (the
 * implicit rejection) and a changed H(ek) in dk is refused. */
static void test_round_trip(cl_mlkem_param p)
{
    uint8_t ek[CL_MLKEM_MAX_EK_LEN], dk[CL_MLKEM_MAX_DK_LEN], ct[CL_MLKEM_MAX_CT_LEN];
    uint8_t ss1[32], ss2[32], want[32];
    size_t ekl = cl_mlkem_ek_len(p), dkl = cl_mlkem_dk_len(p), ctl = cl_mlkem_ct_len(p);
    static cl_mlkem_key key;
    for (int round = 0; round < 20; round++) {
        CHECK(cl_mlkem_key_generate(p, ek, &key) == 0);
        cl_mlkem_key_dk(&key, dk);
        CHECK(cl_mlkem_encaps(p, ek, ekl, ct, ss1) == 0);
        CHECK(cl_mlkem_decaps(p, dk, dkl, ct, ctl, ss2) == 0);
        CHECK_MEM(ss1, ss2, 32);
        CHECK(cl_mlkem_key_decaps(&key, ct, ctl, ss2) == 0);
        CHECK_MEM(ss1, ss2, 32);
        CHECK(cl_mlkem_key_decaps(&key, ct, ctl - 1, ss2) == -1);
        ct[round * 37 % ctl] ^= (uint8_t)(1u << (round % 8));
        CHECK(cl_mlkem_decaps(p, dk, dkl, ct, ctl, ss2) == 0);
        uint8_t j_in[32 + CL_MLKEM_MAX_CT_LEN];
        memcpy(j_in, dk + dkl - 32, 32);
        memcpy(j_in + 32, ct, ctl);
        cl_shake256(j_in, 32 + ctl, want, 32);
        CHECK_MEM(ss2, want, 32);
        CHECK(memcmp(ss1, ss2, 32) != 0);
        CHECK(cl_mlkem_key_decaps(&key, ct, ctl, ss2) == 0);
        CHECK_MEM(ss2, want, 32);
    }
    cl_mlkem_key_wipe(&key);
    dk[dkl - 64] ^= 1; /* H(ek) */
    CHECK(cl_mlkem_decaps(p, dk, dkl, ct, ctl, ss2) == -1);
    dk[dkl - 64] ^= 1;
    dk[dkl - 200] ^= 1; /* ek inside dk */
    CHECK(cl_mlkem_decaps(p, dk, dkl, ct, ctl, ss2) == -1);
    dk[dkl - 200] ^= 1;
    CHECK(cl_mlkem_decaps(p, dk, dkl, ct, ctl, ss2) == 0);
    CHECK(cl_mlkem_decaps(p, dk, dkl - 1, ct, ctl, ss2) == -1);
    CHECK(cl_mlkem_decaps(p, dk, dkl, ct, ctl + 1, ss2) == -1);
    CHECK(cl_mlkem_encaps(p, ek, ekl - 1, ct, ss1) == -1);
    CHECK(cl_mlkem_ek_check(p, ek, ekl + 1) == -1);
    CHECK(cl_mlkem_ek_check(p, NULL, ekl) == -1);
    /* The modulus check: a coefficient of exactly q is refused, q - 1 is not. */
    ek[0] = 0x01;
    ek[1] = (uint8_t)((ek[1] & 0xf0) | 0x0d); /* 0xd01 = 3329 */
    CHECK(cl_mlkem_ek_check(p, ek, ekl) == -1);
    CHECK(cl_mlkem_encaps(p, ek, ekl, ct, ss1) == -1);
    ek[0] = 0x00; /* 0xd00 = 3328 */
    CHECK(cl_mlkem_ek_check(p, ek, ekl) == 0);
    size_t last = 384 * (ekl / 384) - 1; /* the last coefficient's top byte */
    ek[last] = 0xff;
    CHECK(cl_mlkem_ek_check(p, ek, ekl) == -1);
}

/* A small deterministic generator for the comparisons below. */
static uint32_t rng_state = 12345;
static uint32_t rng(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return rng_state >> 8;
}

static void random_poly(cl_mlkem_poly *p, int lo, int hi) /* coefficients in [lo, hi] */
{
    for (int i = 0; i < CL_MLKEM_N; i++)
        p->c[i] = (int16_t)(lo + (int)(rng() % (uint32_t)(hi - lo + 1)));
}

/* Runs f on the AVX2 path and on the portable one from the same input. */
#define BOTH_PATHS(out_avx2, out_portable, stmt_avx2, stmt_portable) \
    do {                                                             \
        cl_mlkem_poly_force_portable(0);                             \
        stmt_avx2;                                                   \
        cl_mlkem_poly_force_portable(1);                             \
        stmt_portable;                                               \
        cl_mlkem_poly_force_portable(0);                             \
        CHECK_MEM((out_avx2), (out_portable), sizeof(*(out_avx2)));  \
    } while (0)

/* The AVX2 functions give exactly the portable results, on inputs at the
 * edges of their documented ranges too. */
static void test_paths_agree(void)
{
    if (!cl_mlkem_poly_avx2()) {
        printf("no AVX2 on this CPU: the path comparison is skipped\n");
        return;
    }
    const int q = CL_MLKEM_Q;
    for (int round = 0; round < 200; round++) {
        int edge = round % 4; /* 0: random, 1: all -(q-1), 2: all q-1, 3: mixed extremes */
        cl_mlkem_poly in, x, y;
        random_poly(&in, -(q - 1), q - 1);
        for (int i = 0; i < CL_MLKEM_N && edge; i++)
            in.c[i] = (int16_t)(edge == 1 ? -(q - 1) : edge == 2 ? q - 1 : (rng() & 1 ? q - 1 : -(q - 1)));
        x = y = in;
        BOTH_PATHS(&x, &y, cl_mlkem_ntt(&x), cl_mlkem_ntt(&y));
        x = y = in;
        BOTH_PATHS(&x, &y, cl_mlkem_invntt_tomont(&x), cl_mlkem_invntt_tomont(&y));

        cl_mlkem_poly b[4], a[4];
        const cl_mlkem_poly *ap[4];
        static cl_mlkem_mulprep pa[4], pp[4];
        for (int j = 0; j < 4; j++) {
            random_poly(&b[j], -(q - 1) / 2, (q - 1) / 2);
            random_poly(&a[j], 0, q - 1);
            if (edge)
                for (int i = 0; i < CL_MLKEM_N; i++) {
                    b[j].c[i] = (int16_t)(edge == 1 ? -(q - 1) / 2 : (q - 1) / 2);
                    a[j].c[i] = (int16_t)(q - 1);
                }
            ap[j] = &a[j];
            BOTH_PATHS(&pa[j], &pp[j], cl_mlkem_prepare(&pa[j], &b[j]),
                       cl_mlkem_prepare(&pp[j], &b[j]));
        }
        unsigned k = 1 + (unsigned)round % 4;
        BOTH_PATHS(&x, &y, cl_mlkem_dot(&x, ap, pa, k), cl_mlkem_dot(&y, ap, pa, k));

        /* Compress_d of any int16 (edges: around 0, q and the Compress
         * rounding points), and CBD_2 of random bytes. */
        cl_mlkem_poly in16;
        random_poly(&in16, -32768, 32767);
        for (int i = 0; i < CL_MLKEM_N && edge; i++)
            in16.c[i] = (int16_t)(edge == 1 ? -q + i : edge == 2 ? q - 128 + i : (int)(rng() % 8) * 416 - 1 + i % 3);
        static const unsigned ds[5] = {1, 4, 5, 10, 11};
        for (int t = 0; t < 5; t++) {
            uint8_t ca[32 * 11] = {0}, cp[32 * 11] = {0};
            BOTH_PATHS(&ca, &cp, cl_mlkem_poly_compress(ca, &in16, ds[t]),
                       cl_mlkem_poly_compress(cp, &in16, ds[t]));
        }
        uint8_t enc_a[384], enc_p[384];
        BOTH_PATHS(&enc_a, &enc_p, cl_mlkem_poly_encode12(enc_a, &in16),
                   cl_mlkem_poly_encode12(enc_p, &in16));
        /* ByteDecode_12 of any bytes (12-bit values up to 4095), and the
         * modulus check's verdict. */
        uint8_t raw[384];
        for (size_t i = 0; i < sizeof raw; i++)
            raw[i] = (uint8_t)(edge == 1 ? 0xff : rng());
        if (edge == 2) /* all q - 1, but q at one place */
            for (size_t i = 0; i < sizeof raw; i += 3) {
                int hit = i == (rng() % 128) * 3;
                raw[i] = (uint8_t)(hit ? 0x01 : 0x00), raw[i + 1] = 0x0d, raw[i + 2] = 0xd0;
            }
        int va = 0, vp = 0;
        BOTH_PATHS(&x, &y, va = cl_mlkem_poly_decode12_check(&x, raw),
                   vp = cl_mlkem_poly_decode12_check(&y, raw));
        CHECK(va == vp);
        uint8_t noise[128];
        for (size_t i = 0; i < sizeof noise; i++)
            noise[i] = (uint8_t)(edge == 1 ? 0xff : edge == 2 ? 0 : rng());
        BOTH_PATHS(&x, &y, cl_mlkem_cbd2(&x, noise), cl_mlkem_cbd2(&y, noise));

        /* Rejection sampling: a buffer with many values at and around q. */
        uint8_t buf[3 * 168 + 7];
        for (size_t i = 0; i < sizeof buf; i++)
            buf[i] = (uint8_t)rng();
        for (size_t i = 0; edge && i + 1 < sizeof buf; i += 3) {
            uint16_t v = (uint16_t)(CL_MLKEM_Q - 2 + (int)(rng() % 4)); /* q-2 .. q+1 */
            buf[i] = (uint8_t)v;
            buf[i + 1] = (uint8_t)((buf[i + 1] & 0xf0) | (v >> 8));
        }
        unsigned start = (unsigned)(rng() % 200), na = 0, np = 0;
        memset(&x, 0, sizeof x);
        memset(&y, 0, sizeof y);
        BOTH_PATHS(&x, &y, na = cl_mlkem_rej_uniform(x.c, start, buf, sizeof buf),
                   np = cl_mlkem_rej_uniform(y.c, start, buf, sizeof buf));
        CHECK(na == np);
    }
}

/* cl_keccak_x4_run against the sponge one at a time: lengths around the
 * rate (padding in the last block, or in a block of its own), two pieces,
 * several output blocks, and output into the runner's own buffer handed
 * to a callback. */
typedef struct {
    uint8_t got[CL_KECCAK_X4_SCRATCH];
    size_t len;
    int calls;
} seen;

static void record_output(void *arg, const uint8_t *out, size_t len)
{
    seen *w = arg;
    memcpy(w->got, out, len);
    w->len = len;
    w->calls++;
}

static void test_keccak_x4(void)
{
    static uint8_t msg[1200], out[7][600], want[600];
    static seen w[7];
    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (uint8_t)(i * 7 + 3);
    const size_t lens[7] = {0, 1, 135, 136, 137, 1120, 168};
    const unsigned rates[7] = {136, 168, 136, 136, 72, 136, 168};
    const uint8_t domains[7] = {0x1f, 0x1f, 0x06, 0x1f, 0x06, 0x1f, 0x1f};
    const size_t outs[7] = {32, 504, 136, 137, 64, 32, 1};
    cl_keccak_job jobs[7];
    for (int t = 0; t < 7; t++) {
        size_t split = lens[t] / 3;
        int own = t % 2; /* odd jobs: the runner's buffer and the callback */
        memset(&w[t], 0, sizeof w[t]);
        jobs[t] = (cl_keccak_job){{msg, msg + split}, {split, lens[t] - split}, rates[t], domains[t],
                                  own ? NULL : out[t], outs[t], own ? record_output : NULL, &w[t]};
    }
    cl_keccak_x4_run(jobs, 7);
    for (int t = 0; t < 7; t++) {
        cl_keccak k;
        cl_keccak_init(&k, rates[t]);
        cl_keccak_absorb(&k, msg, lens[t]);
        cl_keccak_finish(&k, domains[t]);
        cl_keccak_squeeze(&k, want, outs[t]);
        if (t % 2) {
            CHECK(w[t].calls == 1 && w[t].len == outs[t]);
            CHECK_MEM(w[t].got, want, outs[t]);
        } else {
            CHECK(w[t].calls == 0);
            CHECK_MEM(out[t], want, outs[t]);
        }
    }
}

/* Every vector file and the round trips on the path chosen now. */
static void run_all(void)
{
    CHECK(cl_mlkem_ek_len(CL_MLKEM_768) == 1184 && cl_mlkem_dk_len(CL_MLKEM_768) == 2400 &&
          cl_mlkem_ct_len(CL_MLKEM_768) == 1088);
    CHECK(cl_mlkem_ek_len(CL_MLKEM_1024) == 1568 && cl_mlkem_dk_len(CL_MLKEM_1024) == 3168 &&
          cl_mlkem_ct_len(CL_MLKEM_1024) == 1568);
    counts c;
    c = run_file("mlkem_768_keygen_seed.txt", CL_MLKEM_768, 3, keygen_vector);
    CHECK(c.valid == 100);
    c = run_file("mlkem_1024_keygen_seed.txt", CL_MLKEM_1024, 3, keygen_vector);
    CHECK(c.valid == 100);
    c = run_file("mlkem_768_encaps.txt", CL_MLKEM_768, 4, encaps_vector);
    CHECK(c.valid == 133 && c.invalid == 132);
    c = run_file("mlkem_1024_encaps.txt", CL_MLKEM_1024, 4, encaps_vector);
    CHECK(c.valid == 133 && c.invalid == 136);
    c = run_file("mlkem_768_decaps_seed.txt", CL_MLKEM_768, 4, decaps_seed_vector);
    CHECK(c.valid == 153 && c.invalid == 40);
    c = run_file("mlkem_1024_decaps_seed.txt", CL_MLKEM_1024, 4, decaps_seed_vector);
    CHECK(c.valid == 153 && c.invalid == 40);
    c = run_file("mlkem_768_decaps_dk.txt", CL_MLKEM_768, 4, decaps_dk_vector);
    CHECK(c.valid == 3 && c.invalid == 6);
    test_round_trip(CL_MLKEM_768);
    test_round_trip(CL_MLKEM_1024);
}

int main(void)
{
    CHECK(cr_init() == 0);
#if defined(__x86_64__) && defined(__GNUC__)
    /* The dispatch finds AVX2 where the CPU has it. */
    CHECK(cl_mlkem_poly_avx2() ==
          (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt")));
#endif
    printf("== polynomial path: %s\n", cl_mlkem_poly_avx2() ? "AVX2" : "portable C (no AVX2 here)");
    run_all();
    cl_mlkem_poly_force_portable(1);
    CHECK(cl_mlkem_poly_avx2() == 0);
    printf("== polynomial path: portable C (forced)\n");
    run_all();
    cl_mlkem_poly_force_portable(0);
    test_paths_agree();
    test_keccak_x4();
    return tu_finish("test_crypto_mlkem");
}
