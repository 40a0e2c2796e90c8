/* SPDX-License-Identifier: Apache-2.0 */
/* ML-KEM (FIPS 203), parameter sets ML-KEM-768 and ML-KEM-1024, written
 * here because Debian 12's libcrypto 3.0 has none.
 *
 * Keys and ciphertexts are the FIPS 203 byte encodings: ek (encapsulation
 * key), dk (decapsulation key, dk_PKE || ek || H(ek) || z), ct. Functions
 * return 0 on success and -1 on failure. Constant time in every secret
 * (seed, m, dk, the shared secret); implicit rejection in decapsulation. */
#ifndef CLASP_CRYPTO_MLKEM_H
#define CLASP_CRYPTO_MLKEM_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "crypto/mlkem_poly.h"

typedef enum { CL_MLKEM_768, CL_MLKEM_1024 } cl_mlkem_param;

size_t cl_mlkem_ek_len(cl_mlkem_param p); /* 1184 / 1568 */
size_t cl_mlkem_dk_len(cl_mlkem_param p); /* 2400 / 3168 */
size_t cl_mlkem_ct_len(cl_mlkem_param p); /* 1088 / 1568 */
#define CL_MLKEM_SS_LEN 32
#define CL_MLKEM_SEED_LEN 64
#define CL_MLKEM_MAX_EK_LEN 1568
#define CL_MLKEM_MAX_DK_LEN 3168
#define CL_MLKEM_MAX_CT_LEN 1568

/* ML-KEM.KeyGen_internal from the 64-byte seed d || z. */
CL_MUST_CHECK int cl_mlkem_keygen_seed(cl_mlkem_param p, const uint8_t seed[CL_MLKEM_SEED_LEN],
                                       uint8_t *ek, uint8_t *dk);
/* KeyGen with a fresh seed from cr_random_private. */
CL_MUST_CHECK int cl_mlkem_keygen(cl_mlkem_param p, uint8_t *ek, uint8_t *dk);

/* The encapsulation key check (FIPS 203 7.2): the right length and every
 * coefficient below q. 0 when ek passes, -1 otherwise. */
CL_MUST_CHECK int cl_mlkem_ek_check(cl_mlkem_param p, const uint8_t *ek, size_t ek_len);

/* ML-KEM.Encaps_internal with the given 32-byte m. Fails when ek fails
 * cl_mlkem_ek_check. ct is cl_mlkem_ct_len(p) bytes. */
CL_MUST_CHECK int cl_mlkem_encaps_m(cl_mlkem_param p, const uint8_t *ek, size_t ek_len,
                                    const uint8_t m[32], uint8_t *ct,
                                    uint8_t ss[CL_MLKEM_SS_LEN]);
/* Encaps with a fresh m from cr_random_private. */
CL_MUST_CHECK int cl_mlkem_encaps(cl_mlkem_param p, const uint8_t *ek, size_t ek_len,
                                  uint8_t *ct, uint8_t ss[CL_MLKEM_SS_LEN]);

/* ML-KEM.Decaps. Fails on a wrong dk or ct length or a dk whose stored H(ek)
 * does not match its ek (the decapsulation key check, FIPS 203 7.3); any
 * ciphertext of the right length yields a secret (implicit rejection). */
CL_MUST_CHECK int cl_mlkem_decaps(cl_mlkem_param p, const uint8_t *dk, size_t dk_len,
                                  const uint8_t *ct, size_t ct_len,
                                  uint8_t ss[CL_MLKEM_SS_LEN]);

/* An expanded decapsulation key, for the side that made the key and keeps
 * it for one Decaps (the TLS client): KeyGen's A_hat, t_hat and s_hat,
 * which Decaps would otherwise decode and sample again, with ek and z.
 * H(ek) is left to Decaps, which hashes it beside J(z || c). About 15 KiB;
 * wipe with cl_mlkem_key_wipe. */
typedef struct {
    cl_mlkem_param param;
    cl_mlkem_poly a_hat[16]; /* A_hat[i][j] at i * k + j */
    cl_mlkem_poly t_hat[4];  /* in [0, q) */
    cl_mlkem_poly s_hat[4];  /* in [0, q); secret */
    uint8_t ek[CL_MLKEM_MAX_EK_LEN];
    uint8_t z[32]; /* secret */
} cl_mlkem_key;

/* KeyGen into an expanded key; ek as cl_mlkem_keygen_seed gives it. */
CL_MUST_CHECK int cl_mlkem_key_from_seed(cl_mlkem_param p, const uint8_t seed[CL_MLKEM_SEED_LEN],
                                         uint8_t *ek, cl_mlkem_key *key);
CL_MUST_CHECK int cl_mlkem_key_generate(cl_mlkem_param p, uint8_t *ek, cl_mlkem_key *key);
/* The key's dk (cl_mlkem_dk_len bytes), as cl_mlkem_keygen_seed gives it. */
void cl_mlkem_key_dk(const cl_mlkem_key *key, uint8_t *dk);
/* Decaps with the expanded key: the same secret cl_mlkem_decaps gives for
 * the key's dk. Fails only on a ciphertext of the wrong length. */
CL_MUST_CHECK int cl_mlkem_key_decaps(const cl_mlkem_key *key, const uint8_t *ct, size_t ct_len,
                                      uint8_t ss[CL_MLKEM_SS_LEN]);
void cl_mlkem_key_wipe(cl_mlkem_key *key);
#endif
