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

/* The rounds are keccak_f1600_body.inc's, here on one state. With x86-64-v3
 * (GCC 11+), andn and rorx save moves: a second copy the loader picks on
 * such CPUs. */
#define LANE uint64_t
#define ROTL(x, n) rotl64(x, n)
#define RC(i) keccak_rc[i]
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11
__attribute__((target_clones("arch=x86-64-v3", "default")))
#endif
void cl_keccak_f1600(uint64_t s[25])
#include "crypto/keccak_f1600_body.inc"
#undef LANE
#undef ROTL
#undef RC

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
#define LANE cl_keccak_v4
#define ROTL(x, n) rotl_v4(x, n)
#define RC(i) rc_v4(keccak_rc[i])
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11
__attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#elif defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default"))) /* no x86-64-v4 before GCC 11 */
#endif
void cl_keccak_f1600_x4(cl_keccak_v4 s[25])
#include "crypto/keccak_f1600_body.inc"
#undef LANE
#undef ROTL
#undef RC

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
