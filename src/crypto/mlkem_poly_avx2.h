/* SPDX-License-Identifier: Apache-2.0 */
/* The AVX2 versions of mlkem_poly.c's hot loops (mlkem_poly_avx2.c), for
 * mlkem_poly.c to call once cl_mlkem_poly_avx2() said the CPU has AVX2.
 * Each computes exactly what its portable twin computes, bit for bit
 * (tests/unit/test_crypto_mlkem.c compares them). Internal to mlkem_poly.c. */
#ifndef CLASP_CRYPTO_MLKEM_POLY_AVX2_H
#define CLASP_CRYPTO_MLKEM_POLY_AVX2_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/mlkem_poly.h"

#if defined(__x86_64__) && defined(__GNUC__)
#define CL_MLKEM_AVX2_BUILT 1
#else
#define CL_MLKEM_AVX2_BUILT 0
#endif

/* mlkem_poly.c's tables: zetas[i] = 17^BitRev7(i) R mod q, gammas[i] =
 * 17^(2 BitRev7(i) + 1) R mod q, centred. */
extern const int16_t cl_mlkem_zetas[128];
extern const int16_t cl_mlkem_gammas[128];

#if CL_MLKEM_AVX2_BUILT
void cl_mlkem_avx2_ntt(int16_t r[CL_MLKEM_N]);
void cl_mlkem_avx2_invntt_tomont(int16_t r[CL_MLKEM_N]);
void cl_mlkem_avx2_prepare(int16_t even[CL_MLKEM_N], int16_t odd[CL_MLKEM_N],
                           const int16_t b[CL_MLKEM_N]);
void cl_mlkem_avx2_dot(int16_t r[CL_MLKEM_N], const int16_t *const a[], const cl_mlkem_mulprep *b,
                       unsigned k);
/* Compress_d of every coefficient (any int16) into v, not packed. */
void cl_mlkem_avx2_compress(uint16_t v[CL_MLKEM_N], const int16_t c[CL_MLKEM_N], unsigned d);
/* ByteEncode_12 of the canonical representatives of any int16. */
void cl_mlkem_avx2_encode12(uint8_t out[CL_MLKEM_POLY_BYTES], const int16_t c[CL_MLKEM_N]);
/* ByteDecode_12 reduced mod q; returns nonzero when a 12-bit value was
 * not below q (the modulus check). */
int cl_mlkem_avx2_decode12(int16_t c[CL_MLKEM_N], const uint8_t in[CL_MLKEM_POLY_BYTES]);
/* SamplePolyCBD_2 of 128 bytes. */
void cl_mlkem_avx2_cbd2(int16_t c[CL_MLKEM_N], const uint8_t buf[128]);
/* Takes 24 bytes (16 candidates) at a time while at least 32 bytes are
 * left and c has room for 16; returns the bytes used and updates *n. */
size_t cl_mlkem_avx2_rej_uniform(int16_t *c, unsigned *n, const uint8_t *buf, size_t len);
#endif
#endif
