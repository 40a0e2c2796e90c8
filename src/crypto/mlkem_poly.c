// SPDX-License-Identifier: Apache-2.0
/* ML-KEM polynomial arithmetic (FIPS 203 sections 4.2.1, 4.3), see
 * mlkem_poly.h. Reductions are multiplications and shifts only, so the
 * time never depends on a coefficient. */
#include "crypto/mlkem_poly.h"

#include <string.h>

#include "base/bytes.h"
#include "crypto/mlkem_poly_avx2.h"

#define Q CL_MLKEM_Q
#define QINV 62209u    /* q^-1 mod 2^16 */
#define BARRETT_V 20159 /* round(2^26 / q) */
#define MONT_R2 1353    /* 2^32 mod q */
#define INVNTT_F 1441   /* 2^32 / 128 mod q */

/* zetas[i] = 17^BitRev7(i) * 2^16 mod q and gammas[i] = 17^(2 BitRev7(i) + 1)
 * * 2^16 mod q (FIPS 203 Appendix A), as centred representatives. */
const int16_t cl_mlkem_zetas[128] = {
    -1044, -758, -359, -1517, 1493, 1422, 287, 202, -171, 622, 1577, 182,
    962, -1202, -1474, 1468, 573, -1325, 264, 383, -829, 1458, -1602, -130,
    -681, 1017, 732, 608, -1542, 411, -205, -1571, 1223, 652, -552, 1015,
    -1293, 1491, -282, -1544, 516, -8, -320, -666, -1618, -1162, 126, 1469,
    -853, -90, -271, 830, 107, -1421, -247, -951, -398, 961, -1508, -725,
    448, -1065, 677, -1275, -1103, 430, 555, 843, -1251, 871, 1550, 105,
    422, 587, 177, -235, -291, -460, 1574, 1653, -246, 778, 1159, -147,
    -777, 1483, -602, 1119, -1590, 644, -872, 349, 418, 329, -156, -75,
    817, 1097, 603, 610, 1322, -1285, -1465, 384, -1215, -136, 1218, -1335,
    -874, 220, -1187, -1659, -1185, -1530, -1278, 794, -1510, -854, -870, 478,
    -108, -308, 996, 991, 958, -1460, 1522, 1628,
};
const int16_t cl_mlkem_gammas[128] = {
    -1103, 1103, 430, -430, 555, -555, 843, -843, -1251, 1251, 871, -871,
    1550, -1550, 105, -105, 422, -422, 587, -587, 177, -177, -235, 235,
    -291, 291, -460, 460, 1574, -1574, 1653, -1653, -246, 246, 778, -778,
    1159, -1159, -147, 147, -777, 777, 1483, -1483, -602, 602, 1119, -1119,
    -1590, 1590, 644, -644, -872, 872, 349, -349, 418, -418, 329, -329,
    -156, 156, -75, 75, 817, -817, 1097, -1097, 603, -603, 610, -610,
    1322, -1322, -1285, 1285, -1465, 1465, 384, -384, -1215, 1215, -136, 136,
    1218, -1218, -1335, 1335, -874, 874, 220, -220, -1187, 1187, -1659, 1659,
    -1185, 1185, -1530, 1530, -1278, 1278, 794, -794, -1510, 1510, -854, 854,
    -870, 870, 478, -478, -108, 108, -308, 308, 996, -996, 991, -991,
    958, -958, -1460, 1460, 1522, -1522, 1628, -1628,
};

/* a / 2^16 mod q for |a| < q * 2^15; the result has |r| < q. */
static inline int16_t mont_reduce(int32_t a)
{
    int16_t t = (int16_t)(uint16_t)((uint32_t)(uint16_t)a * QINV);
    return (int16_t)((a - (int32_t)t * Q) >> 16);
}

static inline int16_t fqmul(int16_t a, int16_t b)
{
    return mont_reduce((int32_t)a * b);
}

/* The representative of a mod q in about [-(q-1)/2, (q-1)/2]. */
static inline int16_t barrett_reduce(int16_t a)
{
    int16_t t = (int16_t)(((int32_t)BARRETT_V * a + (1 << 25)) >> 26);
    return (int16_t)(a - t * Q);
}

/* The representative in [0, q) of any int16_t. */
static inline uint16_t canonical(int16_t a)
{
    int32_t r = barrett_reduce(a);
    r += (r >> 31) & Q;
    return (uint16_t)r;
}

/* The AVX2 versions when the CPU (and OS) has AVX2: a public fact, the
 * same for every call, so the branch leaks nothing. */
#if CL_MLKEM_AVX2_BUILT
#ifdef CLASP_TEST_HOOKS
static int force_portable;
void cl_mlkem_poly_force_portable(int on) { force_portable = on; }
#define PORTABLE_FORCED force_portable
#else
#define PORTABLE_FORCED 0
#endif
int cl_mlkem_poly_avx2(void)
{
    return !PORTABLE_FORCED && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
}
#else
#ifdef CLASP_TEST_HOOKS
void cl_mlkem_poly_force_portable(int on) { (void)on; }
#endif
int cl_mlkem_poly_avx2(void) { return 0; }
#endif

/* Algorithm 9. Input |c| < q: seven layers add at most 7q, within int16. */
void cl_mlkem_ntt(cl_mlkem_poly *p)
{
    if (cl_mlkem_poly_avx2()) {
        cl_mlkem_avx2_ntt(p->c);
        return;
    }
    int16_t *r = p->c;
    unsigned k = 1;
    for (unsigned len = 128; len >= 2; len >>= 1) {
        for (unsigned start = 0; start < CL_MLKEM_N; start += 2 * len) {
            int16_t zeta = cl_mlkem_zetas[k++];
            for (unsigned j = start; j < start + len; j++) {
                int16_t t = fqmul(zeta, r[j + len]);
                r[j + len] = (int16_t)(r[j] - t);
                r[j] = (int16_t)(r[j] + t);
            }
        }
    }
    cl_mlkem_poly_reduce(p);
}

/* Algorithm 10, then times 2^16 / 128 (one Montgomery multiply by 1441),
 * which both divides by 128 and undoes the 1/2^16 of the products.
 * Sums double their bound per layer and differences go through fqmul
 * (below q): from |c| < q, three layers stay below 8q, so the sums are
 * reduced only in the third and sixth layers (len 8 and 64), and the
 * seventh leaves them below 2q. */
void cl_mlkem_invntt_tomont(cl_mlkem_poly *p)
{
    if (cl_mlkem_poly_avx2()) {
        cl_mlkem_avx2_invntt_tomont(p->c);
        return;
    }
    int16_t *r = p->c;
    unsigned k = 127;
    for (unsigned len = 2; len <= 128; len <<= 1) {
        int reduce = len == 8 || len == 64;
        for (unsigned start = 0; start < CL_MLKEM_N; start += 2 * len) {
            int16_t zeta = cl_mlkem_zetas[k--];
            if (reduce) {
                for (unsigned j = start; j < start + len; j++) {
                    int16_t t = r[j];
                    r[j] = barrett_reduce((int16_t)(t + r[j + len]));
                    r[j + len] = fqmul(zeta, (int16_t)(r[j + len] - t));
                }
            } else {
                for (unsigned j = start; j < start + len; j++) {
                    int16_t t = r[j];
                    r[j] = (int16_t)(t + r[j + len]);
                    r[j + len] = fqmul(zeta, (int16_t)(r[j + len] - t));
                }
            }
        }
    }
    for (unsigned j = 0; j < CL_MLKEM_N; j++)
        r[j] = fqmul(r[j], INVNTT_F);
}

void cl_mlkem_poly_reduce(cl_mlkem_poly *p)
{
    for (unsigned i = 0; i < CL_MLKEM_N; i++)
        p->c[i] = barrett_reduce(p->c[i]);
}

void cl_mlkem_poly_canonical(cl_mlkem_poly *p)
{
    for (unsigned i = 0; i < CL_MLKEM_N; i++)
        p->c[i] = (int16_t)canonical(p->c[i]);
}

void cl_mlkem_poly_add(cl_mlkem_poly *r, const cl_mlkem_poly *a)
{
    for (unsigned i = 0; i < CL_MLKEM_N; i++)
        r->c[i] = (int16_t)(r->c[i] + a->c[i]);
}

void cl_mlkem_poly_sub(cl_mlkem_poly *r, const cl_mlkem_poly *a)
{
    for (unsigned i = 0; i < CL_MLKEM_N; i++)
        r->c[i] = (int16_t)(r->c[i] - a->c[i]);
}

void cl_mlkem_poly_tomont(cl_mlkem_poly *r)
{
    for (unsigned i = 0; i < CL_MLKEM_N; i++)
        r->c[i] = fqmul(r->c[i], MONT_R2);
}

/* MultiplyNTTs (Algorithm 11) is BaseCaseMultiply (Algorithm 12) on each
 * pair: c0 = a0 b0 + a1 b1 gamma_i, c1 = a0 b1 + a1 b0. b1 gamma_i is
 * computed once here for all the a it meets. */
void cl_mlkem_prepare(cl_mlkem_mulprep *m, const cl_mlkem_poly *b)
{
    if (cl_mlkem_poly_avx2()) {
        cl_mlkem_avx2_prepare(m->even, m->odd, b->c);
        return;
    }
    for (unsigned i = 0; i < CL_MLKEM_N / 2; i++) {
        int16_t b0 = b->c[2 * i], b1 = b->c[2 * i + 1];
        m->even[2 * i] = b0;
        m->even[2 * i + 1] = fqmul(b1, cl_mlkem_gammas[i]);
        m->odd[2 * i] = b1;
        m->odd[2 * i + 1] = b0;
    }
}

/* With a in [0, q), |b| <= q/2 and |b1 gamma| < q, one term is below
 * 1.5 q^2 and four below q * 2^15, the bound of mont_reduce. */
void cl_mlkem_dot(cl_mlkem_poly *r, const cl_mlkem_poly *const a[], const cl_mlkem_mulprep *b,
                  unsigned k)
{
    if (cl_mlkem_poly_avx2()) {
        const int16_t *ac[4];
        for (unsigned j = 0; j < k; j++)
            ac[j] = a[j]->c;
        cl_mlkem_avx2_dot(r->c, ac, b, k);
        return;
    }
    for (unsigned i = 0; i < CL_MLKEM_N; i += 2) {
        int32_t c0 = 0, c1 = 0;
        for (unsigned j = 0; j < k; j++) {
            int32_t a0 = a[j]->c[i], a1 = a[j]->c[i + 1];
            c0 += a0 * b[j].even[i] + a1 * b[j].even[i + 1];
            c1 += a0 * b[j].odd[i] + a1 * b[j].odd[i + 1];
        }
        r->c[i] = mont_reduce(c0);
        r->c[i + 1] = mont_reduce(c1);
    }
}

/* Rejection sampling of 12-bit values below q (public data: the matrix).
 * Each candidate is written and the count advanced by the comparison, so
 * the unpredictable accept/reject costs no mispredicted branch. */
unsigned cl_mlkem_rej_uniform(int16_t *c, unsigned n, const uint8_t *buf, size_t len)
{
    size_t pos = 0;
    if (cl_mlkem_poly_avx2()) {
        size_t used = cl_mlkem_avx2_rej_uniform(c, &n, buf, len);
        pos = used;
    }
    for (; pos + 3 <= len && n + 2 <= CL_MLKEM_N; pos += 3) {
        uint16_t d1 = (uint16_t)(buf[pos] | ((buf[pos + 1] & 0x0f) << 8));
        uint16_t d2 = (uint16_t)((buf[pos + 1] >> 4) | (buf[pos + 2] << 4));
        c[n] = (int16_t)d1;
        n += d1 < Q;
        c[n] = (int16_t)d2;
        n += d2 < Q;
    }
    /* One slot left: the next accepted value fills it. */
    for (; pos + 3 <= len && n < CL_MLKEM_N; pos += 3) {
        uint16_t d1 = (uint16_t)(buf[pos] | ((buf[pos + 1] & 0x0f) << 8));
        uint16_t d2 = (uint16_t)((buf[pos + 1] >> 4) | (buf[pos + 2] << 4));
        if (d1 < Q)
            c[n++] = (int16_t)d1;
        if (d2 < Q && n < CL_MLKEM_N)
            c[n++] = (int16_t)d2;
    }
    return n;
}

/* SamplePolyCBD_2 of 128 bytes: each coefficient is (b0 + b1) - (b2 + b3)
 * of four consecutive bits; the bit pairs of a 32-bit word are summed at
 * once. */
void cl_mlkem_cbd2(cl_mlkem_poly *p, const uint8_t buf[128])
{
    if (cl_mlkem_poly_avx2()) {
        cl_mlkem_avx2_cbd2(p->c, buf);
        return;
    }
    for (unsigned i = 0; i < 32; i++) {
        uint32_t t = (uint32_t)buf[4 * i] | (uint32_t)buf[4 * i + 1] << 8 |
                     (uint32_t)buf[4 * i + 2] << 16 | (uint32_t)buf[4 * i + 3] << 24;
        uint32_t d = (t & 0x55555555u) + ((t >> 1) & 0x55555555u);
        for (unsigned j = 0; j < 8; j++) {
            int16_t a = (int16_t)((d >> (4 * j)) & 3);
            int16_t b = (int16_t)((d >> (4 * j + 2)) & 3);
            p->c[8 * i + j] = (int16_t)(a - b);
        }
    }
}

void cl_mlkem_poly_encode12(uint8_t out[CL_MLKEM_POLY_BYTES], const cl_mlkem_poly *p)
{
    if (cl_mlkem_poly_avx2()) {
        cl_mlkem_avx2_encode12(out, p->c);
        return;
    }
    for (unsigned i = 0; i < CL_MLKEM_N / 2; i++) {
        uint16_t t0 = canonical(p->c[2 * i]), t1 = canonical(p->c[2 * i + 1]);
        out[3 * i] = (uint8_t)t0;
        out[3 * i + 1] = (uint8_t)((t0 >> 8) | (t1 << 4));
        out[3 * i + 2] = (uint8_t)(t1 >> 4);
    }
}

/* x in [0, 4096) to x mod q, without a branch. */
static inline int16_t reduce_once(uint16_t x)
{
    int32_t r = (int32_t)x - Q;
    r += (r >> 31) & Q;
    return (int16_t)r;
}

/* Both at once, for ek (public): decodes, and says whether every value
 * was below q. */
int cl_mlkem_poly_decode12_check(cl_mlkem_poly *p, const uint8_t in[CL_MLKEM_POLY_BYTES])
{
    if (cl_mlkem_poly_avx2())
        return cl_mlkem_avx2_decode12(p->c, in) ? -1 : 0;
    unsigned bad = 0;
    for (unsigned i = 0; i < CL_MLKEM_N / 2; i++) {
        uint16_t t0 = (uint16_t)(in[3 * i] | ((in[3 * i + 1] & 0x0f) << 8));
        uint16_t t1 = (uint16_t)((in[3 * i + 1] >> 4) | (in[3 * i + 2] << 4));
        bad |= (unsigned)(t0 >= Q) | (unsigned)(t1 >= Q);
        p->c[2 * i] = reduce_once(t0);
        p->c[2 * i + 1] = reduce_once(t1);
    }
    return -(int)bad;
}

/* For dk_PKE too: the verdict is never looked at here. */
void cl_mlkem_poly_decode12(cl_mlkem_poly *p, const uint8_t in[CL_MLKEM_POLY_BYTES])
{
    if (cl_mlkem_poly_avx2()) {
        (void)cl_mlkem_avx2_decode12(p->c, in);
        return;
    }
    for (unsigned i = 0; i < CL_MLKEM_N / 2; i++) {
        uint16_t t0 = (uint16_t)(in[3 * i] | ((in[3 * i + 1] & 0x0f) << 8));
        uint16_t t1 = (uint16_t)((in[3 * i + 1] >> 4) | (in[3 * i + 2] << 4));
        p->c[2 * i] = reduce_once(t0);
        p->c[2 * i + 1] = reduce_once(t1);
    }
}

int cl_mlkem_poly_check12(const uint8_t in[CL_MLKEM_POLY_BYTES])
{
    cl_mlkem_poly scratch;
    return cl_mlkem_poly_decode12_check(&scratch, in);
}

/* Compress_d(x) = round(2^d x / q) mod 2^d, the division by q a multiply
 * by ceil(2^33 / q) and a shift (exact for every dividend below 2^23). */
static inline uint32_t compress(int16_t x, unsigned d)
{
    uint32_t t = ((uint32_t)canonical(x) << d) + Q / 2;
    return (uint32_t)(((uint64_t)t * 2580335u) >> 33) & ((1u << d) - 1);
}

/* Packs 256 d-bit values, eight (d bytes) at a time. Inlined with a
 * constant d, the shifts and stores are fixed: no data-dependent control. */
static inline void pack_bits(uint8_t *out, const uint16_t *v, unsigned d)
{
    for (unsigned g = 0; g < CL_MLKEM_N / 8; g++) {
        uint64_t acc = 0;
        unsigned bits = 0;
        uint8_t *o = out + g * d;
        for (unsigned j = 0; j < 8; j++) {
            acc |= (uint64_t)v[8 * g + j] << bits;
            bits += d;
            if (bits >= 32) {
                for (unsigned b = 0; b < 4; b++)
                    *o++ = (uint8_t)(acc >> (8 * b));
                acc >>= 32;
                bits -= 32;
            }
        }
        for (unsigned b = 0; b < bits / 8; b++)
            *o++ = (uint8_t)(acc >> (8 * b));
    }
}

void cl_mlkem_poly_compress(uint8_t *out, const cl_mlkem_poly *p, unsigned d)
{
    uint16_t v[CL_MLKEM_N];
    if (cl_mlkem_poly_avx2())
        cl_mlkem_avx2_compress(v, p->c, d);
    else
        for (unsigned i = 0; i < CL_MLKEM_N; i++)
            v[i] = (uint16_t)compress(p->c[i], d);
    switch (d) {
    case 1: pack_bits(out, v, 1); break;
    case 4: pack_bits(out, v, 4); break;
    case 5: pack_bits(out, v, 5); break;
    case 10: pack_bits(out, v, 10); break;
    default: pack_bits(out, v, 11); break;
    }
    cl_wipe(v, sizeof(v));
}

/* Decompress_d(y) = round(q y / 2^d). Value i sits at bit i d, inside
 * the three bytes from (i d) / 8 (d <= 11): read from a copy with room
 * after the end. Inlined with a constant d. */
static inline void unpack_decompress(cl_mlkem_poly *p, const uint8_t *in, unsigned d)
{
    uint8_t buf[32 * 11 + 2] = {0};
    memcpy(buf, in, 32 * d);
    for (unsigned i = 0; i < CL_MLKEM_N; i++) {
        unsigned at = i * d;
        const uint8_t *b = buf + at / 8;
        uint32_t w = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16;
        uint32_t y = (w >> (at % 8)) & ((1u << d) - 1);
        p->c[i] = (int16_t)((y * Q + (1u << (d - 1))) >> d);
    }
    cl_wipe(buf, sizeof(buf));
}

void cl_mlkem_poly_decompress(cl_mlkem_poly *p, const uint8_t *in, unsigned d)
{
    switch (d) {
    case 1: unpack_decompress(p, in, 1); break;
    case 4: unpack_decompress(p, in, 4); break;
    case 5: unpack_decompress(p, in, 5); break;
    case 10: unpack_decompress(p, in, 10); break;
    default: unpack_decompress(p, in, 11); break;
    }
}
