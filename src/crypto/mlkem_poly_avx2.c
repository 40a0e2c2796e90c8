// SPDX-License-Identifier: Apache-2.0
/* AVX2 versions of the NTT, its inverse, the NTT-domain products and the
 * rejection sampling (see mlkem_poly_avx2.h), written from FIPS 203
 * Algorithms 9 to 12 and 7. A polynomial is sixteen vectors of sixteen
 * int16 coefficients.
 *
 * Montgomery products of 16-bit lanes: for a * z / 2^16 mod q with z a
 * constant, t = a * (z q^-1 mod 2^16) keeps the low half, and
 * hi(a z) - hi(t q) is exactly (a z - t q) / 2^16 since the two low
 * halves are equal: the same value mlkem_poly.c's mont_reduce gives.
 *
 * NTT layers with len >= 16 pair whole vectors. The last three pair
 * coefficients inside one 32-coefficient group (vectors A = c0..15 and
 * B = c16..31), after shuffles that put the partners at the same place in
 * two vectors X and Y:
 *   len 8:  X = c0..7 | c16..23              Y = c8..15 | c24..31
 *   len 4:  X = c0..3 c8..11 | c16..19 c24..27   Y = the +4 neighbours
 *   len 2:  X = pairs c0c1 c4c5 c8c9 c12c13 | ...   Y = the +2 neighbours
 * Each shuffle is its own inverse's mirror, so the same three steps run
 * backwards restore A and B. No data-dependent branch or index, except in
 * the rejection sampling of public bytes. */
#include "crypto/mlkem_poly_avx2.h"

#if CL_MLKEM_AVX2_BUILT
#include <immintrin.h>
#include <string.h>

#include "base/bytes.h"

#define AVX2 __attribute__((target("avx2,popcnt")))
#define Q 3329
#define QINV_S16 (-3327) /* q^-1 mod 2^16 as int16 */
#define BARRETT_V 20159  /* round(2^26 / q) */
#define INVNTT_F 1441    /* 2^32 / 128 mod q */

#define LOAD(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define STORE(p, v) _mm256_storeu_si256((__m256i *)(void *)(p), (v))

/* a * z / 2^16 mod q, |result| < q for |a z| < q 2^15; zq = z q^-1. */
static inline AVX2 __m256i fqmul(__m256i a, __m256i z, __m256i zq)
{
    __m256i hi = _mm256_mulhi_epi16(a, z);
    __m256i t = _mm256_mullo_epi16(a, zq);
    return _mm256_sub_epi16(hi, _mm256_mulhi_epi16(t, _mm256_set1_epi16(Q)));
}

static inline AVX2 __m256i times_qinv(__m256i z)
{
    return _mm256_mullo_epi16(z, _mm256_set1_epi16(QINV_S16));
}

/* a - round(a / q) q: ((a V) >> 16 + 2^9) >> 10 is (a V + 2^25) >> 26. */
static inline AVX2 __m256i barrett(__m256i a)
{
    __m256i t = _mm256_mulhi_epi16(a, _mm256_set1_epi16(BARRETT_V));
    t = _mm256_srai_epi16(_mm256_add_epi16(t, _mm256_set1_epi16(512)), 10);
    return _mm256_sub_epi16(a, _mm256_mullo_epi16(t, _mm256_set1_epi16(Q)));
}

/* Cooley-Tukey (NTT): x, y = x + z y, x - z y. */
static inline AVX2 void ct_butterfly(__m256i *x, __m256i *y, __m256i z)
{
    __m256i t = fqmul(*y, z, times_qinv(z));
    *y = _mm256_sub_epi16(*x, t);
    *x = _mm256_add_epi16(*x, t);
}

/* Gentleman-Sande (inverse): x, y = x + y, z (y - x); the sum reduced
 * where mlkem_poly.c reduces it. */
static inline AVX2 void gs_butterfly(__m256i *x, __m256i *y, __m256i z, int reduce)
{
    __m256i t = *x;
    *x = _mm256_add_epi16(t, *y);
    if (reduce)
        *x = barrett(*x);
    *y = fqmul(_mm256_sub_epi16(*y, t), z, times_qinv(z));
}

/* The shuffles between the layouts of the header comment. */
static inline AVX2 void swap128(__m256i *x, __m256i *y)
{
    __m256i a = _mm256_permute2x128_si256(*x, *y, 0x20);
    __m256i b = _mm256_permute2x128_si256(*x, *y, 0x31);
    *x = a, *y = b;
}

static inline AVX2 void swap64(__m256i *x, __m256i *y)
{
    __m256i a = _mm256_unpacklo_epi64(*x, *y);
    __m256i b = _mm256_unpackhi_epi64(*x, *y);
    *x = a, *y = b;
}

static inline AVX2 void swap32(__m256i *x, __m256i *y)
{
    __m256i a = _mm256_blend_epi32(*x, _mm256_slli_epi64(*y, 32), 0xaa);
    __m256i b = _mm256_blend_epi32(_mm256_srli_epi64(*x, 32), *y, 0xaa);
    *x = a, *y = b;
}

/* Zeta vectors for the in-group layers, from consecutive table entries:
 * z[0] on the low 128 bits and z[1] on the high (len 8), z[0..3] four
 * lanes each (len 4), z[0..7] two lanes each (len 2). `rev` takes them
 * in descending order (the inverse NTT walks the table backwards). */
static inline AVX2 __m256i zetas_len8(const int16_t *z, int rev)
{
    return _mm256_set_m128i(_mm_set1_epi16(z[rev ? 0 : 1]), _mm_set1_epi16(z[rev ? 1 : 0]));
}

static inline AVX2 __m256i zetas_len4(const int16_t *z, int rev)
{
    uint64_t four;
    memcpy(&four, z, 8);
    __m256i x = _mm256_cvtepu16_epi64(_mm_cvtsi64_si128((long long)four));
    if (rev)
        x = _mm256_permute4x64_epi64(x, 0x1b);
    x = _mm256_or_si256(x, _mm256_slli_epi64(x, 16));
    return _mm256_or_si256(x, _mm256_slli_epi64(x, 32));
}

static inline AVX2 __m256i zetas_len2(const int16_t *z, int rev)
{
    __m256i x = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(const void *)z));
    if (rev)
        x = _mm256_permutevar8x32_epi32(x, _mm256_set_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    return _mm256_or_si256(x, _mm256_slli_epi32(x, 16));
}

/* Algorithm 9, the same butterflies in the same order as mlkem_poly.c:
 * no reduction inside, a Barrett reduction of every coefficient at the
 * end. */
AVX2 void cl_mlkem_avx2_ntt(int16_t r[CL_MLKEM_N])
{
    const int16_t *zt = cl_mlkem_zetas;
    unsigned k = 1;
    for (unsigned len = 128; len >= 32; len >>= 1)
        for (unsigned start = 0; start < CL_MLKEM_N; start += 2 * len) {
            __m256i z = _mm256_set1_epi16(zt[k++]);
            for (unsigned j = start; j < start + len; j += 16) {
                __m256i x = LOAD(r + j), y = LOAD(r + j + len);
                ct_butterfly(&x, &y, z);
                STORE(r + j, x);
                STORE(r + j + len, y);
            }
        }
    for (unsigned g = 0; g < 8; g++) {
        __m256i x = LOAD(r + 32 * g), y = LOAD(r + 32 * g + 16);
        ct_butterfly(&x, &y, _mm256_set1_epi16(zt[8 + g]));
        swap128(&x, &y);
        ct_butterfly(&x, &y, zetas_len8(zt + 16 + 2 * g, 0));
        swap64(&x, &y);
        ct_butterfly(&x, &y, zetas_len4(zt + 32 + 4 * g, 0));
        swap32(&x, &y);
        ct_butterfly(&x, &y, zetas_len2(zt + 64 + 8 * g, 0));
        swap32(&x, &y);
        swap64(&x, &y);
        swap128(&x, &y);
        STORE(r + 32 * g, barrett(x));
        STORE(r + 32 * g + 16, barrett(y));
    }
}

/* Algorithm 10 as mlkem_poly.c runs it: sums reduced in the len 8 and 64
 * layers, then every coefficient times 2^32 / 128 (Montgomery). */
AVX2 void cl_mlkem_avx2_invntt_tomont(int16_t r[CL_MLKEM_N])
{
    const int16_t *zt = cl_mlkem_zetas;
    for (unsigned g = 0; g < 8; g++) {
        __m256i x = LOAD(r + 32 * g), y = LOAD(r + 32 * g + 16);
        swap128(&x, &y);
        swap64(&x, &y);
        swap32(&x, &y);
        gs_butterfly(&x, &y, zetas_len2(zt + 120 - 8 * g, 1), 0); /* zetas 127 - 8g down */
        swap32(&x, &y);
        gs_butterfly(&x, &y, zetas_len4(zt + 60 - 4 * g, 1), 0);  /* 63 - 4g down */
        swap64(&x, &y);
        gs_butterfly(&x, &y, zetas_len8(zt + 30 - 2 * g, 1), 1);  /* 31 - 2g, 30 - 2g */
        swap128(&x, &y);
        gs_butterfly(&x, &y, _mm256_set1_epi16(zt[15 - g]), 0);
        STORE(r + 32 * g, x);
        STORE(r + 32 * g + 16, y);
    }
    unsigned k = 7;
    for (unsigned len = 32; len <= 64; len <<= 1)
        for (unsigned start = 0; start < CL_MLKEM_N; start += 2 * len) {
            __m256i z = _mm256_set1_epi16(zt[k--]);
            for (unsigned j = start; j < start + len; j += 16) {
                __m256i x = LOAD(r + j), y = LOAD(r + j + len);
                gs_butterfly(&x, &y, z, len == 64);
                STORE(r + j, x);
                STORE(r + j + len, y);
            }
        }
    __m256i z = _mm256_set1_epi16(zt[1]), f = _mm256_set1_epi16(INVNTT_F);
    __m256i fq = times_qinv(f);
    for (unsigned j = 0; j < 128; j += 16) {
        __m256i x = LOAD(r + j), y = LOAD(r + j + 128);
        gs_butterfly(&x, &y, z, 0);
        STORE(r + j, fqmul(x, f, fq));
        STORE(r + j + 128, fqmul(y, f, fq));
    }
}

/* even = pairs (b0, b1 gamma_i), odd = pairs (b1, b0). */
AVX2 void cl_mlkem_avx2_prepare(int16_t even[CL_MLKEM_N], int16_t odd[CL_MLKEM_N],
                                const int16_t b[CL_MLKEM_N])
{
    for (unsigned v = 0; v < 16; v++) {
        __m256i x = LOAD(b + 16 * v);
        /* gamma_i of pairs 8v .. 8v+7 on the odd lanes */
        __m256i g = _mm256_cvtepu16_epi32(
            _mm_loadu_si128((const __m128i *)(const void *)(cl_mlkem_gammas + 8 * v)));
        g = _mm256_slli_epi32(g, 16);
        __m256i xg = fqmul(x, g, times_qinv(g));
        STORE(even + 16 * v, _mm256_blend_epi16(x, xg, 0xaa));
        STORE(odd + 16 * v, _mm256_or_si256(_mm256_slli_epi32(x, 16), _mm256_srli_epi32(x, 16)));
    }
}

/* Each pair of a against a pair of even (odd) is one vpmaddwd: the even
 * (odd) output coefficients as eight int32 sums, reduced at the end like
 * mont_reduce: t = lo16(s) q^-1, hi16(s) - hi(t q). */
AVX2 void cl_mlkem_avx2_dot(int16_t r[CL_MLKEM_N], const int16_t *const a[],
                            const cl_mlkem_mulprep *b, unsigned k)
{
    for (unsigned v = 0; v < 16; v++) {
        __m256i se = _mm256_setzero_si256(), so = _mm256_setzero_si256();
        for (unsigned j = 0; j < k; j++) {
            __m256i x = LOAD(a[j] + 16 * v);
            se = _mm256_add_epi32(se, _mm256_madd_epi16(x, LOAD(b[j].even + 16 * v)));
            so = _mm256_add_epi32(so, _mm256_madd_epi16(x, LOAD(b[j].odd + 16 * v)));
        }
        __m256i lo = _mm256_blend_epi16(se, _mm256_slli_epi32(so, 16), 0xaa);
        __m256i hi = _mm256_blend_epi16(_mm256_srli_epi32(se, 16), so, 0xaa);
        __m256i t = _mm256_mullo_epi16(lo, _mm256_set1_epi16(QINV_S16));
        STORE(r + 16 * v, _mm256_sub_epi16(hi, _mm256_mulhi_epi16(t, _mm256_set1_epi16(Q))));
    }
}

/* The representative in [0, q): Barrett, then q added to a negative. */
static inline AVX2 __m256i canonical(__m256i x)
{
    x = barrett(x);
    return _mm256_add_epi16(x, _mm256_and_si256(_mm256_srai_epi16(x, 15), _mm256_set1_epi16(Q)));
}

/* Eight 32-bit t below 2^23 -> (t * ceil(2^33 / q)) >> 33, which is
 * t / q rounded down (mlkem_poly.c's formula): the even lanes through
 * one 32x32->64 multiply, the odd ones through another. */
static inline AVX2 __m256i div_q(__m256i t)
{
    const __m256i m = _mm256_set1_epi32(2580335);
    __m256i even = _mm256_srli_epi64(_mm256_mul_epu32(t, m), 33);
    __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(t, 32), m);
    odd = _mm256_slli_epi64(_mm256_srli_epi64(odd, 33), 32);
    return _mm256_blend_epi32(even, odd, 0xaa);
}

/* Compress_d(x) = floor((2^d x + (q - 1) / 2) / q) mod 2^d of x in [0, q). */
AVX2 void cl_mlkem_avx2_compress(uint16_t v[CL_MLKEM_N], const int16_t c[CL_MLKEM_N], unsigned d)
{
    const __m128i shift = _mm_cvtsi32_si128((int)d);
    const __m256i half = _mm256_set1_epi32(Q / 2), mask = _mm256_set1_epi32((1 << d) - 1);
    for (unsigned i = 0; i < CL_MLKEM_N; i += 16) {
        __m256i x = canonical(LOAD(c + i));
        __m256i lo = _mm256_cvtepu16_epi32(_mm256_castsi256_si128(x));
        __m256i hi = _mm256_cvtepu16_epi32(_mm256_extracti128_si256(x, 1));
        lo = _mm256_and_si256(div_q(_mm256_add_epi32(_mm256_sll_epi32(lo, shift), half)), mask);
        hi = _mm256_and_si256(div_q(_mm256_add_epi32(_mm256_sll_epi32(hi, shift), half)), mask);
        /* packus works per 128 bits: 0..3 8..11 | 4..7 12..15, put back in order */
        STORE(v + i, _mm256_permute4x64_epi64(_mm256_packus_epi32(lo, hi), 0xd8));
    }
}

/* Each byte holds two coefficients' four bits: (b0 + b1) - (b2 + b3) of
 * the low nibble, then of the high one. */
AVX2 void cl_mlkem_avx2_cbd2(int16_t c[CL_MLKEM_N], const uint8_t buf[128])
{
    const __m256i m55 = _mm256_set1_epi8(0x55), m03 = _mm256_set1_epi8(3);
    for (unsigned i = 0; i < 4; i++) {
        __m256i x = LOAD(buf + 32 * i);
        __m256i d = _mm256_add_epi8(_mm256_and_si256(x, m55),
                                    _mm256_and_si256(_mm256_srli_epi16(x, 1), m55));
        __m256i lo = _mm256_sub_epi8(_mm256_and_si256(d, m03),
                                     _mm256_and_si256(_mm256_srli_epi16(d, 2), m03));
        __m256i hi = _mm256_sub_epi8(_mm256_and_si256(_mm256_srli_epi16(d, 4), m03),
                                     _mm256_and_si256(_mm256_srli_epi16(d, 6), m03));
        /* per 128 bits: bytes 0..7 -> coefficients 0..15, 8..15 -> 16..31 */
        __m256i a = _mm256_unpacklo_epi8(lo, hi), b = _mm256_unpackhi_epi8(lo, hi);
        int16_t *o = c + 64 * i;
        STORE(o, _mm256_cvtepi8_epi16(_mm256_castsi256_si128(a)));
        STORE(o + 16, _mm256_cvtepi8_epi16(_mm256_castsi256_si128(b)));
        STORE(o + 32, _mm256_cvtepi8_epi16(_mm256_extracti128_si256(a, 1)));
        STORE(o + 48, _mm256_cvtepi8_epi16(_mm256_extracti128_si256(b, 1)));
    }
}

/* Sixteen 12-bit values from 24 bytes at p (32 readable): bytes 0..11
 * into the low 128 bits, 12..23 into the high (at offset 4 there), and
 * each 3-byte group into the 16-bit words (b0 | b1 << 8) & 0xfff and
 * (b1 | b2 << 8) >> 4. */
static inline AVX2 __m256i unpack12(const uint8_t *p)
{
    const __m256i spread = _mm256_setr_epi8(0, 1, 1, 2, 3, 4, 4, 5, 6, 7, 7, 8, 9, 10, 10, 11,
                                            4, 5, 5, 6, 7, 8, 8, 9, 10, 11, 11, 12, 13, 14, 14, 15);
    __m256i x = _mm256_permute4x64_epi64(LOAD(p), 0x94); /* q0 q1 q1 q2 */
    x = _mm256_shuffle_epi8(x, spread);
    return _mm256_blend_epi16(_mm256_and_si256(x, _mm256_set1_epi16(0x0fff)),
                              _mm256_srli_epi16(x, 4), 0xaa);
}

AVX2 int cl_mlkem_avx2_decode12(int16_t c[CL_MLKEM_N], const uint8_t in[CL_MLKEM_POLY_BYTES])
{
    const __m256i qv = _mm256_set1_epi16(Q);
    __m256i bad = _mm256_setzero_si256();
    uint8_t last[32] = {0};
    memcpy(last, in + 24 * 15, 24); /* the last group: no reading past the end */
    for (unsigned g = 0; g < 16; g++) {
        __m256i x = unpack12(g < 15 ? in + 24 * g : last);
        __m256i r = _mm256_sub_epi16(x, qv); /* x - q, plus q back when negative */
        bad = _mm256_or_si256(bad, _mm256_cmpgt_epi16(x, _mm256_set1_epi16(Q - 1)));
        STORE(c + 16 * g, _mm256_add_epi16(r, _mm256_and_si256(_mm256_srai_epi16(r, 15), qv)));
    }
    cl_wipe(last, sizeof(last));
    return !_mm256_testz_si256(bad, bad);
}

/* Pairs (v0, v1) -> the 24-bit v0 | v1 << 12 in each 32-bit lane
 * (vpmaddwd by 1 and 4096), three bytes of each lane kept. */
AVX2 void cl_mlkem_avx2_encode12(uint8_t out[CL_MLKEM_POLY_BYTES], const int16_t c[CL_MLKEM_N])
{
    const __m256i join = _mm256_set1_epi32(1 | 4096 << 16);
    const __m256i squeeze = _mm256_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1,
                                             0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1);
    uint8_t last[28];
    for (unsigned g = 0; g < 16; g++) {
        __m256i x = _mm256_shuffle_epi8(_mm256_madd_epi16(canonical(LOAD(c + 16 * g)), join), squeeze);
        uint8_t *o = g < 15 ? out + 24 * g : last; /* 28 bytes written: the last group aside */
        _mm_storeu_si128((__m128i *)(void *)o, _mm256_castsi256_si128(x));
        _mm_storeu_si128((__m128i *)(void *)(o + 12), _mm256_extracti128_si256(x, 1));
    }
    memcpy(out + 24 * 15, last, 24);
    cl_wipe(last, sizeof(last));
}

/* Entry m: the positions of the set bits of m, lowest first, one per byte
 * (the rest 0): which of eight candidates to keep. */
static const uint64_t keep_index[256] = {
    0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000001ULL, 0x0000000000000100ULL,
    0x0000000000000002ULL, 0x0000000000000200ULL, 0x0000000000000201ULL, 0x0000000000020100ULL,
    0x0000000000000003ULL, 0x0000000000000300ULL, 0x0000000000000301ULL, 0x0000000000030100ULL,
    0x0000000000000302ULL, 0x0000000000030200ULL, 0x0000000000030201ULL, 0x0000000003020100ULL,
    0x0000000000000004ULL, 0x0000000000000400ULL, 0x0000000000000401ULL, 0x0000000000040100ULL,
    0x0000000000000402ULL, 0x0000000000040200ULL, 0x0000000000040201ULL, 0x0000000004020100ULL,
    0x0000000000000403ULL, 0x0000000000040300ULL, 0x0000000000040301ULL, 0x0000000004030100ULL,
    0x0000000000040302ULL, 0x0000000004030200ULL, 0x0000000004030201ULL, 0x0000000403020100ULL,
    0x0000000000000005ULL, 0x0000000000000500ULL, 0x0000000000000501ULL, 0x0000000000050100ULL,
    0x0000000000000502ULL, 0x0000000000050200ULL, 0x0000000000050201ULL, 0x0000000005020100ULL,
    0x0000000000000503ULL, 0x0000000000050300ULL, 0x0000000000050301ULL, 0x0000000005030100ULL,
    0x0000000000050302ULL, 0x0000000005030200ULL, 0x0000000005030201ULL, 0x0000000503020100ULL,
    0x0000000000000504ULL, 0x0000000000050400ULL, 0x0000000000050401ULL, 0x0000000005040100ULL,
    0x0000000000050402ULL, 0x0000000005040200ULL, 0x0000000005040201ULL, 0x0000000504020100ULL,
    0x0000000000050403ULL, 0x0000000005040300ULL, 0x0000000005040301ULL, 0x0000000504030100ULL,
    0x0000000005040302ULL, 0x0000000504030200ULL, 0x0000000504030201ULL, 0x0000050403020100ULL,
    0x0000000000000006ULL, 0x0000000000000600ULL, 0x0000000000000601ULL, 0x0000000000060100ULL,
    0x0000000000000602ULL, 0x0000000000060200ULL, 0x0000000000060201ULL, 0x0000000006020100ULL,
    0x0000000000000603ULL, 0x0000000000060300ULL, 0x0000000000060301ULL, 0x0000000006030100ULL,
    0x0000000000060302ULL, 0x0000000006030200ULL, 0x0000000006030201ULL, 0x0000000603020100ULL,
    0x0000000000000604ULL, 0x0000000000060400ULL, 0x0000000000060401ULL, 0x0000000006040100ULL,
    0x0000000000060402ULL, 0x0000000006040200ULL, 0x0000000006040201ULL, 0x0000000604020100ULL,
    0x0000000000060403ULL, 0x0000000006040300ULL, 0x0000000006040301ULL, 0x0000000604030100ULL,
    0x0000000006040302ULL, 0x0000000604030200ULL, 0x0000000604030201ULL, 0x0000060403020100ULL,
    0x0000000000000605ULL, 0x0000000000060500ULL, 0x0000000000060501ULL, 0x0000000006050100ULL,
    0x0000000000060502ULL, 0x0000000006050200ULL, 0x0000000006050201ULL, 0x0000000605020100ULL,
    0x0000000000060503ULL, 0x0000000006050300ULL, 0x0000000006050301ULL, 0x0000000605030100ULL,
    0x0000000006050302ULL, 0x0000000605030200ULL, 0x0000000605030201ULL, 0x0000060503020100ULL,
    0x0000000000060504ULL, 0x0000000006050400ULL, 0x0000000006050401ULL, 0x0000000605040100ULL,
    0x0000000006050402ULL, 0x0000000605040200ULL, 0x0000000605040201ULL, 0x0000060504020100ULL,
    0x0000000006050403ULL, 0x0000000605040300ULL, 0x0000000605040301ULL, 0x0000060504030100ULL,
    0x0000000605040302ULL, 0x0000060504030200ULL, 0x0000060504030201ULL, 0x0006050403020100ULL,
    0x0000000000000007ULL, 0x0000000000000700ULL, 0x0000000000000701ULL, 0x0000000000070100ULL,
    0x0000000000000702ULL, 0x0000000000070200ULL, 0x0000000000070201ULL, 0x0000000007020100ULL,
    0x0000000000000703ULL, 0x0000000000070300ULL, 0x0000000000070301ULL, 0x0000000007030100ULL,
    0x0000000000070302ULL, 0x0000000007030200ULL, 0x0000000007030201ULL, 0x0000000703020100ULL,
    0x0000000000000704ULL, 0x0000000000070400ULL, 0x0000000000070401ULL, 0x0000000007040100ULL,
    0x0000000000070402ULL, 0x0000000007040200ULL, 0x0000000007040201ULL, 0x0000000704020100ULL,
    0x0000000000070403ULL, 0x0000000007040300ULL, 0x0000000007040301ULL, 0x0000000704030100ULL,
    0x0000000007040302ULL, 0x0000000704030200ULL, 0x0000000704030201ULL, 0x0000070403020100ULL,
    0x0000000000000705ULL, 0x0000000000070500ULL, 0x0000000000070501ULL, 0x0000000007050100ULL,
    0x0000000000070502ULL, 0x0000000007050200ULL, 0x0000000007050201ULL, 0x0000000705020100ULL,
    0x0000000000070503ULL, 0x0000000007050300ULL, 0x0000000007050301ULL, 0x0000000705030100ULL,
    0x0000000007050302ULL, 0x0000000705030200ULL, 0x0000000705030201ULL, 0x0000070503020100ULL,
    0x0000000000070504ULL, 0x0000000007050400ULL, 0x0000000007050401ULL, 0x0000000705040100ULL,
    0x0000000007050402ULL, 0x0000000705040200ULL, 0x0000000705040201ULL, 0x0000070504020100ULL,
    0x0000000007050403ULL, 0x0000000705040300ULL, 0x0000000705040301ULL, 0x0000070504030100ULL,
    0x0000000705040302ULL, 0x0000070504030200ULL, 0x0000070504030201ULL, 0x0007050403020100ULL,
    0x0000000000000706ULL, 0x0000000000070600ULL, 0x0000000000070601ULL, 0x0000000007060100ULL,
    0x0000000000070602ULL, 0x0000000007060200ULL, 0x0000000007060201ULL, 0x0000000706020100ULL,
    0x0000000000070603ULL, 0x0000000007060300ULL, 0x0000000007060301ULL, 0x0000000706030100ULL,
    0x0000000007060302ULL, 0x0000000706030200ULL, 0x0000000706030201ULL, 0x0000070603020100ULL,
    0x0000000000070604ULL, 0x0000000007060400ULL, 0x0000000007060401ULL, 0x0000000706040100ULL,
    0x0000000007060402ULL, 0x0000000706040200ULL, 0x0000000706040201ULL, 0x0000070604020100ULL,
    0x0000000007060403ULL, 0x0000000706040300ULL, 0x0000000706040301ULL, 0x0000070604030100ULL,
    0x0000000706040302ULL, 0x0000070604030200ULL, 0x0000070604030201ULL, 0x0007060403020100ULL,
    0x0000000000070605ULL, 0x0000000007060500ULL, 0x0000000007060501ULL, 0x0000000706050100ULL,
    0x0000000007060502ULL, 0x0000000706050200ULL, 0x0000000706050201ULL, 0x0000070605020100ULL,
    0x0000000007060503ULL, 0x0000000706050300ULL, 0x0000000706050301ULL, 0x0000070605030100ULL,
    0x0000000706050302ULL, 0x0000070605030200ULL, 0x0000070605030201ULL, 0x0007060503020100ULL,
    0x0000000007060504ULL, 0x0000000706050400ULL, 0x0000000706050401ULL, 0x0000070605040100ULL,
    0x0000000706050402ULL, 0x0000070605040200ULL, 0x0000070605040201ULL, 0x0007060504020100ULL,
    0x0000000706050403ULL, 0x0000070605040300ULL, 0x0000070605040301ULL, 0x0007060504030100ULL,
    0x0000070605040302ULL, 0x0007060504030200ULL, 0x0007060504030201ULL, 0x0706050403020100ULL,
};

/* Eight int16 candidates -> the accepted ones (mask bits m) first. */
static inline AVX2 __m128i keep(__m128i v, unsigned m)
{
    __m128i idx = _mm_cvtepu8_epi16(_mm_cvtsi64_si128((long long)keep_index[m]));
    /* element e -> bytes 2e, 2e + 1 */
    idx = _mm_add_epi16(_mm_mullo_epi16(idx, _mm_set1_epi16(0x0202)), _mm_set1_epi16(0x0100));
    return _mm_shuffle_epi8(v, idx);
}

AVX2 size_t cl_mlkem_avx2_rej_uniform(int16_t *c, unsigned *n, const uint8_t *buf, size_t len)
{
    const __m256i qv = _mm256_set1_epi16(Q);
    size_t pos = 0;
    unsigned cnt = *n;
    while (pos + 32 <= len && cnt + 16 <= CL_MLKEM_N) {
        __m256i x = unpack12(buf + pos);
        __m256i ok = _mm256_cmpgt_epi16(qv, x);
        unsigned bits = (unsigned)_mm256_movemask_epi8(_mm256_packs_epi16(ok, _mm256_setzero_si256()));
        unsigned m0 = bits & 0xff, m1 = (bits >> 16) & 0xff;
        _mm_storeu_si128((__m128i *)(void *)(c + cnt), keep(_mm256_castsi256_si128(x), m0));
        cnt += (unsigned)__builtin_popcount(m0);
        _mm_storeu_si128((__m128i *)(void *)(c + cnt), keep(_mm256_extracti128_si256(x, 1), m1));
        cnt += (unsigned)__builtin_popcount(m1);
        pos += 24;
    }
    *n = cnt;
    return pos;
}
#else
typedef int cl_mlkem_avx2_unused; /* ISO C: no empty translation unit */
#endif
