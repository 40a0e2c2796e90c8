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

/* b ready to multiply by many a in the NTT domain (MultiplyNTTs,
 * Algorithm 11, on each pair): even[] holds the pairs (b0, b1 gamma_i) and
 * odd[] the pairs (b1, b0), so each output coefficient is a pair of a
 * dotted with a pair of these (one vpmaddwd on AVX2). The same layout on
 * both paths. */
typedef struct {
    int16_t even[CL_MLKEM_N];
    int16_t odd[CL_MLKEM_N];
} cl_mlkem_mulprep;

void cl_mlkem_ntt(cl_mlkem_poly *p);          /* in: |c| < q; out: |c| < q */
void cl_mlkem_invntt_tomont(cl_mlkem_poly *p); /* in: |c| < q; out: R * NTT^-1, |c| < q */
void cl_mlkem_poly_reduce(cl_mlkem_poly *p);   /* to the centred representative */
void cl_mlkem_poly_canonical(cl_mlkem_poly *p); /* to [0, q) */
void cl_mlkem_poly_add(cl_mlkem_poly *r, const cl_mlkem_poly *a);
void cl_mlkem_poly_sub(cl_mlkem_poly *r, const cl_mlkem_poly *a); /* r = r - a */

void cl_mlkem_prepare(cl_mlkem_mulprep *m, const cl_mlkem_poly *b); /* b: |c| <= q/2 */
/* r = (sum_j a[j] * b[j]) / R in the NTT domain, |c| < q; each a[j] in
 * [0, q); 1 <= k <= 4 terms. */
void cl_mlkem_dot(cl_mlkem_poly *r, const cl_mlkem_poly *const a[], const cl_mlkem_mulprep *b,
                  unsigned k);
/* r = r * R (undoes the 1/R of cl_mlkem_dot when no inverse NTT follows). */
void cl_mlkem_poly_tomont(cl_mlkem_poly *r);

/* SampleNTT's rejection step (Algorithm 7, public data only): 12-bit
 * candidates from buf appended to c[n..256); returns the new count. */
unsigned cl_mlkem_rej_uniform(int16_t *c, unsigned n, const uint8_t *buf, size_t len);
/* SamplePolyCBD_2 (Algorithm 8) of 128 bytes of PRF output. */
void cl_mlkem_cbd2(cl_mlkem_poly *p, const uint8_t buf[128]);

/* ByteEncode_12 of the canonical representatives; p any |c| < q. */
void cl_mlkem_poly_encode12(uint8_t out[CL_MLKEM_POLY_BYTES], const cl_mlkem_poly *p);
/* ByteDecode_12, reduced mod q (constant time: used on secret keys). */
void cl_mlkem_poly_decode12(cl_mlkem_poly *p, const uint8_t in[CL_MLKEM_POLY_BYTES]);
/* ByteDecode_12 too, and 0 when every 12-bit value was below q, else -1. */
int cl_mlkem_poly_decode12_check(cl_mlkem_poly *p, const uint8_t in[CL_MLKEM_POLY_BYTES]);
/* 0 when every 12-bit value in `in` is below q (the modulus check), else -1. */
int cl_mlkem_poly_check12(const uint8_t in[CL_MLKEM_POLY_BYTES]);

/* ByteEncode_d(Compress_d(p)) for d in {1, 4, 5, 10, 11}: 32 * d bytes. */
void cl_mlkem_poly_compress(uint8_t *out, const cl_mlkem_poly *p, unsigned d);
/* Decompress_d(ByteDecode_d(in)). */
void cl_mlkem_poly_decompress(cl_mlkem_poly *p, const uint8_t *in, unsigned d);

/* 1 when the functions above run their AVX2 versions (mlkem_poly_avx2.c,
 * chosen at run time from the CPU), 0 for the portable C. */
int cl_mlkem_poly_avx2(void);
#ifdef CLASP_TEST_HOOKS
/* Test builds: force the portable C even on an AVX2 CPU (on != 0), so the
 * tests run both paths. Switch only between operations. */
void cl_mlkem_poly_force_portable(int on);
#endif
#endif
