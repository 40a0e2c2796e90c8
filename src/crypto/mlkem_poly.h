/* SPDX-License-Identifier: Apache-2.0 */
/* ML-KEM's ring R_q = Z_3329[X]/(X^256 + 1) (FIPS 203 section 4.3): the
 * NTT and its inverse, multiplication in the NTT domain, sampling,
 * compression and the byte encodings. Internal to mlkem.c.
 *
 * Coefficients are int16_t. Products go through Montgomery reduction
 * (R = 2^16) with the zetas stored times R, so an NTT, a multiply and an
 * inverse NTT (which multiplies by R once more) land back in the plain
 * domain. Nothing here branches on or indexes by a coefficient's value
 * except the rejection sampling of public matrix entries. */
#ifndef CLASP_CRYPTO_MLKEM_POLY_H
#define CLASP_CRYPTO_MLKEM_POLY_H

#include <stddef.h>
#include <stdint.h>

#define CL_MLKEM_N 256
#define CL_MLKEM_Q 3329
#define CL_MLKEM_POLY_BYTES 384 /* ByteEncode_12 */

typedef struct {
    int16_t c[CL_MLKEM_N];
} cl_mlkem_poly;

/* A running sum of NTT-domain products, reduced once at the end. */
typedef struct {
    int32_t c[CL_MLKEM_N];
} cl_mlkem_acc;

/* b with its odd coefficients times gamma_i, ready to multiply by many a. */
typedef struct {
    int16_t c[CL_MLKEM_N];
    int16_t odd_gamma[CL_MLKEM_N / 2];
} cl_mlkem_mulprep;

void cl_mlkem_ntt(cl_mlkem_poly *p);          /* in: |c| < q; out: |c| < q */
void cl_mlkem_invntt_tomont(cl_mlkem_poly *p); /* in: |c| < q; out: R * NTT^-1, |c| < q */
void cl_mlkem_poly_reduce(cl_mlkem_poly *p);   /* to the centred representative */
void cl_mlkem_poly_add(cl_mlkem_poly *r, const cl_mlkem_poly *a);
void cl_mlkem_poly_sub(cl_mlkem_poly *r, const cl_mlkem_poly *a); /* r = r - a */

void cl_mlkem_prepare(cl_mlkem_mulprep *m, const cl_mlkem_poly *b);
void cl_mlkem_acc_clear(cl_mlkem_acc *acc);
/* acc += a * b in the NTT domain; a in [0, q), b reduced. At most 4 terms. */
void cl_mlkem_acc_mul(cl_mlkem_acc *acc, const cl_mlkem_poly *a, const cl_mlkem_mulprep *b);
/* r = acc / R (Montgomery), |c| < q. */
void cl_mlkem_acc_reduce(cl_mlkem_poly *r, const cl_mlkem_acc *acc);
/* r = r * R (undoes the 1/R of acc_reduce when no inverse NTT follows). */
void cl_mlkem_poly_tomont(cl_mlkem_poly *r);

/* SampleNTT (Algorithm 7): a uniform NTT-domain polynomial from the
 * SHAKE128 stream of seed || i || j (34 bytes). */
void cl_mlkem_sample_ntt(cl_mlkem_poly *p, const uint8_t seed[32], uint8_t i, uint8_t j);
/* SamplePolyCBD_2 (Algorithm 8) of PRF_2(sigma, n) = SHAKE256(sigma || n, 128). */
void cl_mlkem_sample_cbd2(cl_mlkem_poly *p, const uint8_t sigma[32], uint8_t n);

/* ByteEncode_12 of the canonical representatives; p any |c| < q. */
void cl_mlkem_poly_encode12(uint8_t out[CL_MLKEM_POLY_BYTES], const cl_mlkem_poly *p);
/* ByteDecode_12, reduced mod q (constant time: used on secret keys). */
void cl_mlkem_poly_decode12(cl_mlkem_poly *p, const uint8_t in[CL_MLKEM_POLY_BYTES]);
/* 0 when every 12-bit value in `in` is below q (the modulus check), else -1. */
int cl_mlkem_poly_check12(const uint8_t in[CL_MLKEM_POLY_BYTES]);

/* ByteEncode_d(Compress_d(p)) for d in {1, 4, 5, 10, 11}: 32 * d bytes. */
void cl_mlkem_poly_compress(uint8_t *out, const cl_mlkem_poly *p, unsigned d);
/* Decompress_d(ByteDecode_d(in)). */
void cl_mlkem_poly_decompress(cl_mlkem_poly *p, const uint8_t *in, unsigned d);
#endif
