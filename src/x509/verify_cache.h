/* A small cache of chains already verified for a name, per config. A client
 * that reconnects to the same server sees the same chain every time; parsing
 * and verifying it again costs more than the rest of its handshake. A hit
 * needs the exact same certificates (by SHA-256 of their DER), the same name
 * and purpose, and every certificate still within its validity; the
 * CertificateVerify signature is still checked on every handshake. */
#ifndef CLASP_X509_VERIFY_CACHE_H
#define CLASP_X509_VERIFY_CACHE_H

#include <stdint.h>

#include "crypto/crypto.h"

typedef struct cl_verify_cache cl_verify_cache;

cl_verify_cache *cl_vcache_new(void);
void cl_vcache_free(cl_verify_cache *v);
/* The leaf's public key (a new reference) if this chain was verified. */
cr_pkey *cl_vcache_lookup(cl_verify_cache *v, const uint8_t id[32], int64_t now);
/* Remembers a verified chain until not_after. Takes a reference to key. */
void cl_vcache_store(cl_verify_cache *v, const uint8_t id[32], cr_pkey *key, int64_t not_after);
#endif
