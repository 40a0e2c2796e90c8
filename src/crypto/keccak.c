// SPDX-License-Identifier: Apache-2.0
/* Keccak-f[1600] (FIPS 202 3.3), the lanes in locals and each round
 * written out: theta, then rho and pi for one output row at a time (five
 * lanes in b) and chi and iota on it, into a second set of lanes (a -> e,
 * then e -> a), so few values are live at once. */
#include "crypto/keccak.h"

#include <string.h>

#include "base/bytes.h"

static const uint64_t keccak_rc[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL,
    0x8000000080008000ULL, 0x000000000000808bULL, 0x0000000080000001ULL,
    0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL,
    0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
    0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL,
    0x000000000000800aULL, 0x800000008000000aULL, 0x8000000080008081ULL,
    0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

static inline uint64_t rotl64(uint64_t x, unsigned n)
{
    return (x << n) | (x >> (64 - n));
}

/* With x86-64-v3 (GCC 11+), andn and rorx save moves: a second copy the loader
 * picks on such CPUs. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11
__attribute__((target_clones("arch=x86-64-v3", "default")))
#endif
void cl_keccak_f1600(uint64_t s[25])
{
    uint64_t a00 = s[0];
    uint64_t a10 = s[1];
    uint64_t a20 = s[2];
    uint64_t a30 = s[3];
    uint64_t a40 = s[4];
    uint64_t a01 = s[5];
    uint64_t a11 = s[6];
    uint64_t a21 = s[7];
    uint64_t a31 = s[8];
    uint64_t a41 = s[9];
    uint64_t a02 = s[10];
    uint64_t a12 = s[11];
    uint64_t a22 = s[12];
    uint64_t a32 = s[13];
    uint64_t a42 = s[14];
    uint64_t a03 = s[15];
    uint64_t a13 = s[16];
    uint64_t a23 = s[17];
    uint64_t a33 = s[18];
    uint64_t a43 = s[19];
    uint64_t a04 = s[20];
    uint64_t a14 = s[21];
    uint64_t a24 = s[22];
    uint64_t a34 = s[23];
    uint64_t a44 = s[24];
    uint64_t b0, b1, b2, b3, b4, c0, c1, c2, c3, c4, d0, d1, d2, d3, d4;
    uint64_t e00, e10, e20, e30, e40, e01, e11, e21, e31, e41, e02, e12, e22, e32, e42, e03, e13, e23, e33, e43, e04, e14, e24, e34, e44;
    for (int round = 0; round < 24; round += 2) {
        c0 = a00 ^ a01 ^ a02 ^ a03 ^ a04;
        c1 = a10 ^ a11 ^ a12 ^ a13 ^ a14;
        c2 = a20 ^ a21 ^ a22 ^ a23 ^ a24;
        c3 = a30 ^ a31 ^ a32 ^ a33 ^ a34;
        c4 = a40 ^ a41 ^ a42 ^ a43 ^ a44;
        d0 = c4 ^ rotl64(c1, 1);
        d1 = c0 ^ rotl64(c2, 1);
        d2 = c1 ^ rotl64(c3, 1);
        d3 = c2 ^ rotl64(c4, 1);
        d4 = c3 ^ rotl64(c0, 1);
        b0 = a00 ^ d0;
        b1 = rotl64(a11 ^ d1, 44);
        b2 = rotl64(a22 ^ d2, 43);
        b3 = rotl64(a33 ^ d3, 21);
        b4 = rotl64(a44 ^ d4, 14);
        e00 = b0 ^ (~b1 & b2) ^ keccak_rc[round];
        e10 = b1 ^ (~b2 & b3);
        e20 = b2 ^ (~b3 & b4);
        e30 = b3 ^ (~b4 & b0);
        e40 = b4 ^ (~b0 & b1);
        b0 = rotl64(a30 ^ d3, 28);
        b1 = rotl64(a41 ^ d4, 20);
        b2 = rotl64(a02 ^ d0, 3);
        b3 = rotl64(a13 ^ d1, 45);
        b4 = rotl64(a24 ^ d2, 61);
        e01 = b0 ^ (~b1 & b2);
        e11 = b1 ^ (~b2 & b3);
        e21 = b2 ^ (~b3 & b4);
        e31 = b3 ^ (~b4 & b0);
        e41 = b4 ^ (~b0 & b1);
        b0 = rotl64(a10 ^ d1, 1);
        b1 = rotl64(a21 ^ d2, 6);
        b2 = rotl64(a32 ^ d3, 25);
        b3 = rotl64(a43 ^ d4, 8);
        b4 = rotl64(a04 ^ d0, 18);
        e02 = b0 ^ (~b1 & b2);
        e12 = b1 ^ (~b2 & b3);
        e22 = b2 ^ (~b3 & b4);
        e32 = b3 ^ (~b4 & b0);
        e42 = b4 ^ (~b0 & b1);
        b0 = rotl64(a40 ^ d4, 27);
        b1 = rotl64(a01 ^ d0, 36);
        b2 = rotl64(a12 ^ d1, 10);
        b3 = rotl64(a23 ^ d2, 15);
        b4 = rotl64(a34 ^ d3, 56);
        e03 = b0 ^ (~b1 & b2);
        e13 = b1 ^ (~b2 & b3);
        e23 = b2 ^ (~b3 & b4);
        e33 = b3 ^ (~b4 & b0);
        e43 = b4 ^ (~b0 & b1);
        b0 = rotl64(a20 ^ d2, 62);
        b1 = rotl64(a31 ^ d3, 55);
        b2 = rotl64(a42 ^ d4, 39);
        b3 = rotl64(a03 ^ d0, 41);
        b4 = rotl64(a14 ^ d1, 2);
        e04 = b0 ^ (~b1 & b2);
        e14 = b1 ^ (~b2 & b3);
        e24 = b2 ^ (~b3 & b4);
        e34 = b3 ^ (~b4 & b0);
        e44 = b4 ^ (~b0 & b1);
        c0 = e00 ^ e01 ^ e02 ^ e03 ^ e04;
        c1 = e10 ^ e11 ^ e12 ^ e13 ^ e14;
        c2 = e20 ^ e21 ^ e22 ^ e23 ^ e24;
        c3 = e30 ^ e31 ^ e32 ^ e33 ^ e34;
        c4 = e40 ^ e41 ^ e42 ^ e43 ^ e44;
        d0 = c4 ^ rotl64(c1, 1);
        d1 = c0 ^ rotl64(c2, 1);
        d2 = c1 ^ rotl64(c3, 1);
        d3 = c2 ^ rotl64(c4, 1);
        d4 = c3 ^ rotl64(c0, 1);
        b0 = e00 ^ d0;
        b1 = rotl64(e11 ^ d1, 44);
        b2 = rotl64(e22 ^ d2, 43);
        b3 = rotl64(e33 ^ d3, 21);
        b4 = rotl64(e44 ^ d4, 14);
        a00 = b0 ^ (~b1 & b2) ^ keccak_rc[round + 1];
        a10 = b1 ^ (~b2 & b3);
        a20 = b2 ^ (~b3 & b4);
        a30 = b3 ^ (~b4 & b0);
        a40 = b4 ^ (~b0 & b1);
        b0 = rotl64(e30 ^ d3, 28);
        b1 = rotl64(e41 ^ d4, 20);
        b2 = rotl64(e02 ^ d0, 3);
        b3 = rotl64(e13 ^ d1, 45);
        b4 = rotl64(e24 ^ d2, 61);
        a01 = b0 ^ (~b1 & b2);
        a11 = b1 ^ (~b2 & b3);
        a21 = b2 ^ (~b3 & b4);
        a31 = b3 ^ (~b4 & b0);
        a41 = b4 ^ (~b0 & b1);
        b0 = rotl64(e10 ^ d1, 1);
        b1 = rotl64(e21 ^ d2, 6);
        b2 = rotl64(e32 ^ d3, 25);
        b3 = rotl64(e43 ^ d4, 8);
        b4 = rotl64(e04 ^ d0, 18);
        a02 = b0 ^ (~b1 & b2);
        a12 = b1 ^ (~b2 & b3);
        a22 = b2 ^ (~b3 & b4);
        a32 = b3 ^ (~b4 & b0);
        a42 = b4 ^ (~b0 & b1);
        b0 = rotl64(e40 ^ d4, 27);
        b1 = rotl64(e01 ^ d0, 36);
        b2 = rotl64(e12 ^ d1, 10);
        b3 = rotl64(e23 ^ d2, 15);
        b4 = rotl64(e34 ^ d3, 56);
        a03 = b0 ^ (~b1 & b2);
        a13 = b1 ^ (~b2 & b3);
        a23 = b2 ^ (~b3 & b4);
        a33 = b3 ^ (~b4 & b0);
        a43 = b4 ^ (~b0 & b1);
        b0 = rotl64(e20 ^ d2, 62);
        b1 = rotl64(e31 ^ d3, 55);
        b2 = rotl64(e42 ^ d4, 39);
        b3 = rotl64(e03 ^ d0, 41);
        b4 = rotl64(e14 ^ d1, 2);
        a04 = b0 ^ (~b1 & b2);
        a14 = b1 ^ (~b2 & b3);
        a24 = b2 ^ (~b3 & b4);
        a34 = b3 ^ (~b4 & b0);
        a44 = b4 ^ (~b0 & b1);
    }
    s[0] = a00;
    s[1] = a10;
    s[2] = a20;
    s[3] = a30;
    s[4] = a40;
    s[5] = a01;
    s[6] = a11;
    s[7] = a21;
    s[8] = a31;
    s[9] = a41;
    s[10] = a02;
    s[11] = a12;
    s[12] = a22;
    s[13] = a32;
    s[14] = a42;
    s[15] = a03;
    s[16] = a13;
    s[17] = a23;
    s[18] = a33;
    s[19] = a43;
    s[20] = a04;
    s[21] = a14;
    s[22] = a24;
    s[23] = a34;
    s[24] = a44;
}

/* Lanes are little-endian (FIPS 202 B.1). */
static inline void xor_byte(uint64_t s[25], unsigned i, uint8_t v)
{
    s[i / 8] ^= (uint64_t)v << (8 * (i % 8));
}

static inline uint8_t get_byte(const uint64_t s[25], unsigned i)
{
    return (uint8_t)(s[i / 8] >> (8 * (i % 8)));
}

static inline uint64_t load64(const uint8_t *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
#else
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
#endif
}

static inline void store64(uint8_t *p, uint64_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(p, &v, 8);
#else
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
#endif
}

void cl_keccak_init(cl_keccak *k, unsigned rate)
{
    memset(k->s, 0, sizeof(k->s));
    k->rate = rate;
    k->pos = 0;
}

void cl_keccak_absorb(cl_keccak *k, const uint8_t *in, size_t len)
{
    while (len > 0) {
        if (k->pos == 0 && len >= k->rate) {
            for (unsigned i = 0; i < k->rate / 8; i++)
                k->s[i] ^= load64(in + 8 * i);
            cl_keccak_f1600(k->s);
            in += k->rate;
            len -= k->rate;
            continue;
        }
        unsigned take = k->rate - k->pos;
        if (take > len)
            take = (unsigned)len;
        for (unsigned i = 0; i < take; i++)
            xor_byte(k->s, k->pos + i, in[i]);
        k->pos += take;
        in += take;
        len -= take;
        if (k->pos == k->rate) {
            cl_keccak_f1600(k->s);
            k->pos = 0;
        }
    }
}

void cl_keccak_finish(cl_keccak *k, uint8_t domain)
{
    xor_byte(k->s, k->pos, domain);
    xor_byte(k->s, k->rate - 1, 0x80);
    cl_keccak_f1600(k->s);
    k->pos = 0;
}

void cl_keccak_squeeze_blocks(cl_keccak *k, uint8_t *out, size_t nblocks)
{
    for (size_t b = 0; b < nblocks; b++) {
        for (unsigned i = 0; i < k->rate / 8; i++)
            store64(out + 8 * i, k->s[i]);
        cl_keccak_f1600(k->s);
        out += k->rate;
    }
}

/* Squeezing keeps one block ready: pos counts the bytes already taken from
 * the current state, which is permuted again once all are taken. */
void cl_keccak_squeeze(cl_keccak *k, uint8_t *out, size_t len)
{
    while (len > 0) {
        if (k->pos == k->rate) {
            cl_keccak_f1600(k->s);
            k->pos = 0;
        }
        unsigned take = k->rate - k->pos;
        if (take > len)
            take = (unsigned)len;
        for (unsigned i = 0; i < take; i++)
            out[i] = get_byte(k->s, k->pos + i);
        k->pos += take;
        out += take;
        len -= take;
    }
}

/* ------------------------------------------------------------- four-way */

/* Macros, not functions: a 32-byte vector passed by value draws a GCC ABI
 * warning (-Wpsabi) when AVX is not enabled for the whole file. */
#define rotl_v4(x, n) (((x) << (n)) | ((x) >> (64 - (n))))
#define rc_v4(rc) ((cl_keccak_v4){(rc), (rc), (rc), (rc)})

/* The same rounds as cl_keccak_f1600 on vectors. On x86-64 (GCC) it is
 * compiled three times and the loader picks one: x86-64-v4 (AVX-512VL on
 * 256-bit vectors: a rotation is one vprolq, chi one vpternlogq), AVX2,
 * and the baseline (SSE2, two lanes at a time). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11
__attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#elif defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default"))) /* no x86-64-v4 before GCC 11 */
#endif
void cl_keccak_f1600_x4(cl_keccak_v4 s[25])
{
    cl_keccak_v4 a00 = s[0];
    cl_keccak_v4 a10 = s[1];
    cl_keccak_v4 a20 = s[2];
    cl_keccak_v4 a30 = s[3];
    cl_keccak_v4 a40 = s[4];
    cl_keccak_v4 a01 = s[5];
    cl_keccak_v4 a11 = s[6];
    cl_keccak_v4 a21 = s[7];
    cl_keccak_v4 a31 = s[8];
    cl_keccak_v4 a41 = s[9];
    cl_keccak_v4 a02 = s[10];
    cl_keccak_v4 a12 = s[11];
    cl_keccak_v4 a22 = s[12];
    cl_keccak_v4 a32 = s[13];
    cl_keccak_v4 a42 = s[14];
    cl_keccak_v4 a03 = s[15];
    cl_keccak_v4 a13 = s[16];
    cl_keccak_v4 a23 = s[17];
    cl_keccak_v4 a33 = s[18];
    cl_keccak_v4 a43 = s[19];
    cl_keccak_v4 a04 = s[20];
    cl_keccak_v4 a14 = s[21];
    cl_keccak_v4 a24 = s[22];
    cl_keccak_v4 a34 = s[23];
    cl_keccak_v4 a44 = s[24];
    cl_keccak_v4 b0, b1, b2, b3, b4, c0, c1, c2, c3, c4, d0, d1, d2, d3, d4;
    cl_keccak_v4 e00, e10, e20, e30, e40, e01, e11, e21, e31, e41, e02, e12, e22, e32, e42, e03, e13, e23, e33, e43, e04, e14, e24, e34, e44;
    for (int round = 0; round < 24; round += 2) {
        c0 = a00 ^ a01 ^ a02 ^ a03 ^ a04;
        c1 = a10 ^ a11 ^ a12 ^ a13 ^ a14;
        c2 = a20 ^ a21 ^ a22 ^ a23 ^ a24;
        c3 = a30 ^ a31 ^ a32 ^ a33 ^ a34;
        c4 = a40 ^ a41 ^ a42 ^ a43 ^ a44;
        d0 = c4 ^ rotl_v4(c1, 1);
        d1 = c0 ^ rotl_v4(c2, 1);
        d2 = c1 ^ rotl_v4(c3, 1);
        d3 = c2 ^ rotl_v4(c4, 1);
        d4 = c3 ^ rotl_v4(c0, 1);
        b0 = a00 ^ d0;
        b1 = rotl_v4(a11 ^ d1, 44);
        b2 = rotl_v4(a22 ^ d2, 43);
        b3 = rotl_v4(a33 ^ d3, 21);
        b4 = rotl_v4(a44 ^ d4, 14);
        e00 = b0 ^ (~b1 & b2) ^ rc_v4(keccak_rc[round]);
        e10 = b1 ^ (~b2 & b3);
        e20 = b2 ^ (~b3 & b4);
        e30 = b3 ^ (~b4 & b0);
        e40 = b4 ^ (~b0 & b1);
        b0 = rotl_v4(a30 ^ d3, 28);
        b1 = rotl_v4(a41 ^ d4, 20);
        b2 = rotl_v4(a02 ^ d0, 3);
        b3 = rotl_v4(a13 ^ d1, 45);
        b4 = rotl_v4(a24 ^ d2, 61);
        e01 = b0 ^ (~b1 & b2);
        e11 = b1 ^ (~b2 & b3);
        e21 = b2 ^ (~b3 & b4);
        e31 = b3 ^ (~b4 & b0);
        e41 = b4 ^ (~b0 & b1);
        b0 = rotl_v4(a10 ^ d1, 1);
        b1 = rotl_v4(a21 ^ d2, 6);
        b2 = rotl_v4(a32 ^ d3, 25);
        b3 = rotl_v4(a43 ^ d4, 8);
        b4 = rotl_v4(a04 ^ d0, 18);
        e02 = b0 ^ (~b1 & b2);
        e12 = b1 ^ (~b2 & b3);
        e22 = b2 ^ (~b3 & b4);
        e32 = b3 ^ (~b4 & b0);
        e42 = b4 ^ (~b0 & b1);
        b0 = rotl_v4(a40 ^ d4, 27);
        b1 = rotl_v4(a01 ^ d0, 36);
        b2 = rotl_v4(a12 ^ d1, 10);
        b3 = rotl_v4(a23 ^ d2, 15);
        b4 = rotl_v4(a34 ^ d3, 56);
        e03 = b0 ^ (~b1 & b2);
        e13 = b1 ^ (~b2 & b3);
        e23 = b2 ^ (~b3 & b4);
        e33 = b3 ^ (~b4 & b0);
        e43 = b4 ^ (~b0 & b1);
        b0 = rotl_v4(a20 ^ d2, 62);
        b1 = rotl_v4(a31 ^ d3, 55);
        b2 = rotl_v4(a42 ^ d4, 39);
        b3 = rotl_v4(a03 ^ d0, 41);
        b4 = rotl_v4(a14 ^ d1, 2);
        e04 = b0 ^ (~b1 & b2);
        e14 = b1 ^ (~b2 & b3);
        e24 = b2 ^ (~b3 & b4);
        e34 = b3 ^ (~b4 & b0);
        e44 = b4 ^ (~b0 & b1);
        c0 = e00 ^ e01 ^ e02 ^ e03 ^ e04;
        c1 = e10 ^ e11 ^ e12 ^ e13 ^ e14;
        c2 = e20 ^ e21 ^ e22 ^ e23 ^ e24;
        c3 = e30 ^ e31 ^ e32 ^ e33 ^ e34;
        c4 = e40 ^ e41 ^ e42 ^ e43 ^ e44;
        d0 = c4 ^ rotl_v4(c1, 1);
        d1 = c0 ^ rotl_v4(c2, 1);
        d2 = c1 ^ rotl_v4(c3, 1);
        d3 = c2 ^ rotl_v4(c4, 1);
        d4 = c3 ^ rotl_v4(c0, 1);
        b0 = e00 ^ d0;
        b1 = rotl_v4(e11 ^ d1, 44);
        b2 = rotl_v4(e22 ^ d2, 43);
        b3 = rotl_v4(e33 ^ d3, 21);
        b4 = rotl_v4(e44 ^ d4, 14);
        a00 = b0 ^ (~b1 & b2) ^ rc_v4(keccak_rc[round + 1]);
        a10 = b1 ^ (~b2 & b3);
        a20 = b2 ^ (~b3 & b4);
        a30 = b3 ^ (~b4 & b0);
        a40 = b4 ^ (~b0 & b1);
        b0 = rotl_v4(e30 ^ d3, 28);
        b1 = rotl_v4(e41 ^ d4, 20);
        b2 = rotl_v4(e02 ^ d0, 3);
        b3 = rotl_v4(e13 ^ d1, 45);
        b4 = rotl_v4(e24 ^ d2, 61);
        a01 = b0 ^ (~b1 & b2);
        a11 = b1 ^ (~b2 & b3);
        a21 = b2 ^ (~b3 & b4);
        a31 = b3 ^ (~b4 & b0);
        a41 = b4 ^ (~b0 & b1);
        b0 = rotl_v4(e10 ^ d1, 1);
        b1 = rotl_v4(e21 ^ d2, 6);
        b2 = rotl_v4(e32 ^ d3, 25);
        b3 = rotl_v4(e43 ^ d4, 8);
        b4 = rotl_v4(e04 ^ d0, 18);
        a02 = b0 ^ (~b1 & b2);
        a12 = b1 ^ (~b2 & b3);
        a22 = b2 ^ (~b3 & b4);
        a32 = b3 ^ (~b4 & b0);
        a42 = b4 ^ (~b0 & b1);
        b0 = rotl_v4(e40 ^ d4, 27);
        b1 = rotl_v4(e01 ^ d0, 36);
        b2 = rotl_v4(e12 ^ d1, 10);
        b3 = rotl_v4(e23 ^ d2, 15);
        b4 = rotl_v4(e34 ^ d3, 56);
        a03 = b0 ^ (~b1 & b2);
        a13 = b1 ^ (~b2 & b3);
        a23 = b2 ^ (~b3 & b4);
        a33 = b3 ^ (~b4 & b0);
        a43 = b4 ^ (~b0 & b1);
        b0 = rotl_v4(e20 ^ d2, 62);
        b1 = rotl_v4(e31 ^ d3, 55);
        b2 = rotl_v4(e42 ^ d4, 39);
        b3 = rotl_v4(e03 ^ d0, 41);
        b4 = rotl_v4(e14 ^ d1, 2);
        a04 = b0 ^ (~b1 & b2);
        a14 = b1 ^ (~b2 & b3);
        a24 = b2 ^ (~b3 & b4);
        a34 = b3 ^ (~b4 & b0);
        a44 = b4 ^ (~b0 & b1);
    }
    s[0] = a00;
    s[1] = a10;
    s[2] = a20;
    s[3] = a30;
    s[4] = a40;
    s[5] = a01;
    s[6] = a11;
    s[7] = a21;
    s[8] = a31;
    s[9] = a41;
    s[10] = a02;
    s[11] = a12;
    s[12] = a22;
    s[13] = a32;
    s[14] = a42;
    s[15] = a03;
    s[16] = a13;
    s[17] = a23;
    s[18] = a33;
    s[19] = a43;
    s[20] = a04;
    s[21] = a14;
    s[22] = a24;
    s[23] = a34;
    s[24] = a44;
}

/* Where one state of cl_keccak_x4_run stands in its job. */
typedef struct {
    const cl_keccak_job *job; /* NULL: idle */
    size_t blocks;            /* message blocks, the padding included */
    size_t next;              /* the next message block to absorb */
    size_t done;              /* bytes squeezed so far */
} x4_lane;

/* Message block b of a job (its two pieces back to back), padded when it
 * is the last one, into block[0..rate); returns the message bytes in it. */
static size_t job_block(const cl_keccak_job *j, size_t b, uint8_t block[CL_SHAKE128_RATE])
{
    size_t from = b * j->rate, end = from + j->rate, n = 0;
    memset(block, 0, j->rate);
    for (unsigned piece = 0; piece < 2; piece++) {
        size_t at = piece ? j->in_len[0] : 0; /* where the piece starts */
        size_t lo = from > at ? from : at, hi = at + j->in_len[piece];
        if (hi > end)
            hi = end;
        if (lo < hi) {
            memcpy(block + (lo - from), j->in[piece] + (lo - at), hi - lo);
            n += hi - lo;
        }
    }
    if (n < j->rate) {
        block[n] ^= j->domain;
        block[j->rate - 1] ^= 0x80;
    }
    return n;
}

static void lane_start(cl_keccak_v4 s[25], x4_lane *l, unsigned lane, const cl_keccak_job *j)
{
    for (unsigned i = 0; i < 25; i++)
        s[i][lane] = 0;
    l->job = j;
    l->blocks = (j->in_len[0] + j->in_len[1]) / j->rate + 1;
    l->next = 0;
    l->done = 0;
}

void cl_keccak_x4_run(const cl_keccak_job *jobs, size_t n)
{
    cl_keccak_v4 s[25];
    x4_lane lanes[4] = {{0}};
    uint8_t block[CL_SHAKE128_RATE], scratch[4][CL_KECCAK_X4_SCRATCH];
    size_t queued = 0;
    for (unsigned t = 0; t < 4 && queued < n; t++)
        lane_start(s, &lanes[t], t, &jobs[queued++]);
    for (;;) {
        int busy = 0;
        for (unsigned t = 0; t < 4; t++) {
            x4_lane *l = &lanes[t];
            if (!l->job)
                continue;
            busy = 1;
            if (l->next < l->blocks) {
                /* The last block is mostly zeros: only the words with the
                 * message and domain byte, and the last one (0x80). */
                unsigned words = l->job->rate / 8;
                size_t n_msg = job_block(l->job, l->next++, block);
                unsigned used = n_msg < l->job->rate ? (unsigned)(n_msg + 8) / 8 : words;
                for (unsigned i = 0; i < used; i++)
                    s[i][t] ^= load64(block + 8 * i);
                if (used < words)
                    s[words - 1][t] ^= load64(block + 8 * (words - 1));
            }
        }
        if (!busy)
            break;
        cl_keccak_f1600_x4(s);
        for (unsigned t = 0; t < 4; t++) {
            x4_lane *l = &lanes[t];
            const cl_keccak_job *j = l->job;
            if (!j || l->next < l->blocks)
                continue;
            /* Absorbed: one block of output per permutation (into the
             * runner's buffer never more than it holds). */
            size_t len = j->out || j->out_len <= CL_KECCAK_X4_SCRATCH ? j->out_len
                                                                      : CL_KECCAK_X4_SCRATCH;
            size_t take = len - l->done < j->rate ? len - l->done : j->rate;
            uint8_t *dst = j->out ? j->out : scratch[t], *o = dst + l->done;
            size_t i = 0;
            for (; 8 * i + 8 <= take; i++)
                store64(o + 8 * i, s[i][t]);
            if (8 * i < take) {
                uint8_t w[8];
                store64(w, s[i][t]);
                memcpy(o + 8 * i, w, take - 8 * i);
            }
            l->done += take;
            if (l->done < len)
                continue;
            if (j->done)
                j->done(j->arg, dst, len);
            l->job = NULL;
            if (queued < n)
                lane_start(s, l, t, &jobs[queued++]);
        }
    }
    cl_wipe(block, sizeof(block));
    cl_wipe(scratch, sizeof(scratch));
    cl_wipe(s, sizeof(s));
}

static void sha3(unsigned rate, const uint8_t *in, size_t len, uint8_t *out, size_t out_len)
{
    cl_keccak k;
    cl_keccak_init(&k, rate);
    cl_keccak_absorb(&k, in, len);
    cl_keccak_finish(&k, 0x06);
    cl_keccak_squeeze(&k, out, out_len);
    cl_wipe(&k, sizeof(k));
}

void cl_sha3_256(const uint8_t *in, size_t len, uint8_t out[32])
{
    sha3(CL_SHA3_256_RATE, in, len, out, 32);
}

void cl_sha3_512(const uint8_t *in, size_t len, uint8_t out[64])
{
    sha3(CL_SHA3_512_RATE, in, len, out, 64);
}

void cl_shake256(const uint8_t *in, size_t len, uint8_t *out, size_t out_len)
{
    cl_keccak k;
    cl_keccak_init(&k, CL_SHAKE256_RATE);
    cl_keccak_absorb(&k, in, len);
    cl_keccak_finish(&k, 0x1f);
    cl_keccak_squeeze(&k, out, out_len);
    cl_wipe(&k, sizeof(k));
}
