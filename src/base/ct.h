/* SPDX-License-Identifier: Apache-2.0 */
/* Constant-time helpers: masks instead of branches, for anything that
 * touches secrets (RSA premaster decoding, Finished and binder checks).
 * tests/ct checks them under valgrind with the secrets marked undefined. */
#ifndef CLASP_BASE_CT_H
#define CLASP_BASE_CT_H

#include <stddef.h>
#include <stdint.h>

/* Marks bytes computed from a secret that the algorithm then makes public
 * (ML-KEM's rho, which goes into the encapsulation key), so that the
 * valgrind check (tests/ct, built with CLASP_CT_VALGRIND) accepts branches
 * on them. Nothing in any other build. */
#ifdef CLASP_CT_VALGRIND
#include <valgrind/memcheck.h>
#define cl_ct_declassify(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))
#else
#define cl_ct_declassify(p, n) ((void)(p), (void)(n))
#endif

/* All ones when a == b, else 0. */
static inline uint32_t cl_ct_eq(uint32_t a, uint32_t b)
{
    uint32_t x = a ^ b;
    return ((x | (0u - x)) >> 31) - 1u;
}

/* out = mask ? a : b, byte by byte (mask is 0xff or 0). */
void cl_ct_select(uint8_t mask, const uint8_t *a, const uint8_t *b, uint8_t *out, size_t n);

/* 0xff when em (k bytes) is a PKCS#1 v1.5 encryption block
 * 00 02 <at least 8 non-zero bytes> 00 <msg_len bytes>, else 0, looking at
 * every byte the same way whatever their values. */
uint8_t cl_ct_pkcs1_type2_ok(const uint8_t *em, size_t k, size_t msg_len);

/* TLS 1.2 RSA key exchange (RFC 5246 7.4.7.1) from a raw RSA decryption:
 * out = the 48-byte message of the PKCS#1 v1.5 block em (k >= 59 bytes)
 * when valid is 0xff, the block is well formed and the message starts with
 * client_version; else fallback. Nothing branches on em's bytes. */
void cl_ct_rsa_premaster(const uint8_t *em, size_t k, uint8_t valid, uint16_t client_version,
                         const uint8_t fallback[48], uint8_t out[48]);
#endif
