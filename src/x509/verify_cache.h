/* SPDX-License-Identifier: Apache-2.0 */
/* A small cache of chains already verified for a name, per config. A client
 * that reconnects to the same server sees the same chain every time; parsing
 * and verifying it again costs more than the rest of its handshake. A hit
 * needs the exact same certificates (by SHA-256 of their DER), the same name
 * and purpose, and every certificate of the verified path (trust anchor
 * included) still within its validity; the CertificateVerify signature and
 * the leaf's keyUsage are still checked on every handshake. */
#ifndef CLASP_X509_VERIFY_CACHE_H
#define CLASP_X509_VERIFY_CACHE_H

#include <stdint.h>

#include "crypto/crypto.h"

typedef struct cl_verify_cache cl_verify_cache;

cl_verify_cache *cl_vcache_new(void);
void cl_vcache_free(cl_verify_cache *v);
/* The leaf's public key (a new reference) and what its keyUsage allows
 * (CR_KEY_USE_*) if this chain was verified and has not lapsed. */
cr_pkey *cl_vcache_lookup(cl_verify_cache *v, const uint8_t id[32], int64_t now,
                          unsigned *key_uses);
/* Remembers a verified chain until not_after (the earliest notAfter of the
 * verified path). Takes a reference to key. */
void cl_vcache_store(cl_verify_cache *v, const uint8_t id[32], cr_pkey *key, unsigned key_uses,
                     int64_t not_after);
#endif
