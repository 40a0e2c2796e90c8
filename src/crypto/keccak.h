/* SPDX-License-Identifier: Apache-2.0 */
/* Keccak-f[1600] and the FIPS 202 sponges ML-KEM needs (SHA3-256, SHA3-512,
 * SHAKE128, SHAKE256). Our own rather than libcrypto's EVP: ML-KEM makes
 * dozens of tiny hash calls per operation (each matrix entry is one
 * SHAKE128 stream), and EVP's per-call fetch/context overhead would cost
 * more than the permutations themselves. Constant time: no branch or index
 * depends on the data. */
#ifndef CLASP_CRYPTO_KECCAK_H
#define CLASP_CRYPTO_KECCAK_H

#include <stddef.h>
#include <stdint.h>

#define CL_SHAKE128_RATE 168
#define CL_SHAKE256_RATE 136
#define CL_SHA3_256_RATE 136
#define CL_SHA3_512_RATE 72

/* A sponge: absorb any number of pieces, finish once, then squeeze. */
typedef struct {
    uint64_t s[25];
    unsigned rate; /* bytes */
    unsigned pos;  /* bytes absorbed into, or squeezed from, the block */
} cl_keccak;

void cl_keccak_f1600(uint64_t s[25]);

void cl_keccak_init(cl_keccak *k, unsigned rate);
void cl_keccak_absorb(cl_keccak *k, const uint8_t *in, size_t len);
/* Pads with the domain byte: 0x06 for SHA-3, 0x1f for SHAKE. */
void cl_keccak_finish(cl_keccak *k, uint8_t domain);
void cl_keccak_squeeze(cl_keccak *k, uint8_t *out, size_t len);
/* Whole blocks straight after cl_keccak_finish (or earlier whole blocks). */
void cl_keccak_squeeze_blocks(cl_keccak *k, uint8_t *out, size_t nblocks);

/* Four Keccak states side by side, lane i of every vector being state i
 * (GNU C vector types: the compiler uses SIMD registers, AVX2 where the
 * CPU has it). Four permutations cost about as much as one, so ML-KEM
 * runs its many independent hashes (matrix entries, noise, H(ek), J)
 * through cl_keccak_x4_run. */
typedef uint64_t cl_keccak_v4 __attribute__((vector_size(32)));

void cl_keccak_f1600_x4(cl_keccak_v4 s[25]);

/* One hash for cl_keccak_x4_run: the message in[0] || in[1] padded with
 * the domain byte (0x06 SHA-3, 0x1f SHAKE), out_len bytes squeezed into
 * out. With out NULL the bytes go to a buffer of the runner's (out_len at
 * most CL_KECCAK_X4_SCRATCH), which done sees; with done set it is called
 * as soon as the output is complete, before the state takes another job.
 * Lengths are public. */
#define CL_KECCAK_X4_SCRATCH (3 * CL_SHAKE128_RATE)
typedef struct {
    const uint8_t *in[2];
    size_t in_len[2];
    unsigned rate;
    uint8_t domain;
    uint8_t *out;
    size_t out_len;
    void (*done)(void *arg, const uint8_t *out, size_t len);
    void *arg;
} cl_keccak_job;

/* Runs the jobs four at a time: a state that finishes takes the next job
 * before the next permutation, so put the long jobs first. */
void cl_keccak_x4_run(const cl_keccak_job *jobs, size_t n);

void cl_sha3_256(const uint8_t *in, size_t len, uint8_t out[32]);
void cl_sha3_512(const uint8_t *in, size_t len, uint8_t out[64]);
void cl_shake256(const uint8_t *in, size_t len, uint8_t *out, size_t out_len);
#endif
