/* SPDX-License-Identifier: Apache-2.0 */
/* Constant-time checks, ctgrind style: run under valgrind memcheck with the
 * secret inputs marked undefined. Any branch or memory index that depends
 * on them is reported as a use of an uninitialised value, and valgrind's
 * --error-exitcode makes the test fail. Results are marked defined again
 * only at the point where a real caller would look at them. */
#include <stdio.h>
#include <string.h>
#include <valgrind/memcheck.h>

#include "base/bytes.h"
#include "base/ct.h"
#include "crypto/mlkem.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

static int failures;

static void expect(int cond, const char *what)
{
    if (!cond) {
        printf("FAIL: %s\n", what);
        failures++;
    }
}

/* A 256-byte PKCS#1 v1.5 block holding a 48-byte premaster. */
static void make_block(uint8_t *em, int variant)
{
    memset(em, 0x5a, 256);
    em[0] = 0;
    em[1] = 2;
    em[256 - 49] = 0;
    for (int i = 0; i < 48; i++)
        em[256 - 48 + i] = (uint8_t)(i + 1);
    em[256 - 48] = 3, em[256 - 47] = 3; /* client_version 0x0303 */
    switch (variant) {
    case 1: em[1] = 1; break;               /* wrong block type */
    case 2: em[256 - 49] = 7; break;        /* no separator where expected */
    case 3: em[5] = 0; break;               /* separator too early: wrong length */
    case 4: em[256 - 48] = 2; break;        /* right padding, wrong version */
    }
}

/* What the server does with a decrypted block: padding check, version
 * check, and a choice between the premaster and the random fallback (the
 * library's own function, which the private-key callback's raw RSA result
 * goes through). */
static void server_premaster(const uint8_t *em, const uint8_t *fallback, uint8_t *pms)
{
    cl_ct_rsa_premaster(em, 256, 0xff, 0x0303, fallback, pms);
}

/* ML-KEM: the seed, m and the secret parts of dk (dk_PKE and z) are
 * secret; ek, H(ek) and the ciphertext are public. Decapsulation of a
 * changed ciphertext must take the implicit-rejection path without a
 * branch on the comparison. */
static void test_mlkem(cl_mlkem_param p)
{
    static uint8_t ek[CL_MLKEM_MAX_EK_LEN], dk[CL_MLKEM_MAX_DK_LEN], ct[CL_MLKEM_MAX_CT_LEN];
    uint8_t seed[CL_MLKEM_SEED_LEN], m[32], ss_enc[32], ss_dec[32];
    size_t ekl = cl_mlkem_ek_len(p), dkl = cl_mlkem_dk_len(p), ctl = cl_mlkem_ct_len(p);
    size_t pke = dkl - ekl - 64;
    for (int i = 0; i < CL_MLKEM_SEED_LEN; i++)
        seed[i] = (uint8_t)(i * 29 + 7);
    memset(m, 0x42, sizeof m);

    SECRET(seed, sizeof seed);
    int rc = cl_mlkem_keygen_seed(p, seed, ek, dk);
    PUBLIC(&rc, sizeof rc);
    expect(rc == 0, "ML-KEM KeyGen");
    PUBLIC(ek, ekl);             /* sent to the peer */
    PUBLIC(dk + pke, ekl + 32);  /* ek and H(ek) inside dk */

    SECRET(m, sizeof m);
    rc = cl_mlkem_encaps_m(p, ek, ekl, m, ct, ss_enc);
    PUBLIC(&rc, sizeof rc);
    expect(rc == 0, "ML-KEM Encaps");
    PUBLIC(ct, ctl); /* sent to the peer */

    for (int changed = 0; changed < 2; changed++) {
        if (changed)
            ct[ctl / 2] ^= 0x10;
        rc = cl_mlkem_decaps(p, dk, dkl, ct, ctl, ss_dec);
        PUBLIC(&rc, sizeof rc);
        expect(rc == 0, "ML-KEM Decaps");
        PUBLIC(ss_dec, sizeof ss_dec); /* looked at by the test only */
        PUBLIC(ss_enc, sizeof ss_enc);
        expect((memcmp(ss_enc, ss_dec, 32) == 0) == !changed,
               "ML-KEM Decaps: the key, or the implicit rejection for a changed ciphertext");
    }

    /* The expanded key (the TLS client's): s_hat and z secret, A_hat and
     * t_hat public like ek. */
    static cl_mlkem_key key;
    SECRET(seed, sizeof seed);
    rc = cl_mlkem_key_from_seed(p, seed, ek, &key);
    PUBLIC(&rc, sizeof rc);
    expect(rc == 0, "ML-KEM KeyGen, expanded key");
    PUBLIC(ek, ekl);
    PUBLIC(key.ek, ekl);
    PUBLIC(key.a_hat, sizeof key.a_hat);
    PUBLIC(key.t_hat, sizeof key.t_hat);
    for (int changed = 0; changed < 2; changed++) {
        PUBLIC(ct, ctl);
        ct[ctl / 3] ^= 0x01;
        rc = cl_mlkem_key_decaps(&key, ct, ctl, ss_dec);
        PUBLIC(&rc, sizeof rc);
        expect(rc == 0, "ML-KEM Decaps, expanded key");
    }
    cl_mlkem_key_wipe(&key);
}

int main(void)
{
    uint8_t em[256], fallback[48], pms[48];
    memset(fallback, 0xee, sizeof fallback);
    for (int variant = 0; variant < 5; variant++) {
        make_block(em, variant);
        SECRET(em, sizeof em);
        server_premaster(em, fallback, pms);
        PUBLIC(pms, sizeof pms); /* becomes the master secret's input: looked at by tests only */
        PUBLIC(em, sizeof em);
        int used_fallback = memcmp(pms, fallback, 48) == 0;
        expect(used_fallback == (variant != 0), "premaster or fallback chosen as expected");
    }

    /* Finished / binder comparison: both sides secret until the verdict. */
    uint8_t a[48], b[48];
    for (int differ = 0; differ < 2; differ++) {
        memset(a, 0x11, sizeof a);
        memcpy(b, a, sizeof b);
        if (differ)
            b[47] ^= 1;
        SECRET(a, sizeof a);
        SECRET(b, sizeof b);
        int r = cl_ct_memcmp(a, b, sizeof a);
        PUBLIC(&r, sizeof r);
        expect((r != 0) == differ, "constant-time comparison");
    }

    /* Both polynomial paths: AVX2 (where valgrind's CPU has it) and the
     * portable C. */
    for (int portable = 0; portable < 2; portable++) {
        cl_mlkem_poly_force_portable(portable);
        printf("ML-KEM on the %s path\n", cl_mlkem_poly_avx2() ? "AVX2" : "portable");
        test_mlkem(CL_MLKEM_768);
        test_mlkem(CL_MLKEM_1024);
    }

    printf("ct: %d failed\n", failures);
    return failures ? 1 : 0;
}
