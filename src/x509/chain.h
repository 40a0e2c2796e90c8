/* SPDX-License-Identifier: Apache-2.0 */
/* Accepting a peer's certificate chain: the verified-chain cache, parsing,
 * path and host-name verification (libcrypto's verifier, through
 * src/crypto), the key the handshake will use and whether its keyUsage
 * allows that use; a refusal comes back as the alert it earns and a
 * sentence naming the cause, which the handshake turns into its failure. */
#ifndef CLASP_X509_CHAIN_H
#define CLASP_X509_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#include "clasp/clasp.h"
#include "crypto/crypto.h"
#include "x509/verify_cache.h"

/* The longest chain accepted (the handshake refuses longer ones first). */
#define CL_X509_MAX_CHAIN 10

/* What this handshake does with the peer's key, which its keyUsage must
 * allow (RFC 8446 4.4.2.2, RFC 5246 7.4.2 / 7.4.6, RFC 5280 4.2.1.3). */
typedef enum {
    CL_KEY_FOR_CERTIFICATE_VERIFY,  /* sign a CertificateVerify (either version) */
    CL_KEY_FOR_SERVER_KEY_EXCHANGE, /* sign a TLS 1.2 ServerKeyExchange */
    CL_KEY_FOR_RSA_PREMASTER        /* TLS 1.2 RSA key exchange: take the premaster */
} cl_key_purpose;

typedef struct {
    int role;                   /* ours (clasp_role): a client accepts a server's chain */
    int version;                /* CLASP_TLS1_2 or CLASP_TLS1_3 */
    const char *name;           /* the name the leaf must match (a client's server name), or NULL */
    int verify;                 /* 0: take the leaf's key with no check at all */
    int usage_only;             /* with verify 0: no path validation (the application's
                                 * verifier decides), but keyUsage is still checked */
    const cr_trust *trust;
    cl_verify_cache *cache;     /* chains verified before */
    int64_t now;                /* the config's clock */
    cl_key_purpose key_purpose;
    const char *suite_name;     /* TLS 1.2: the suite, for a keyUsage refusal (or NULL) */
    int want_subject;           /* fill in the leaf's subject (for the trace) */
} cl_chain_policy;

typedef struct {
    int alert;                  /* -1: accepted; else the alert to send */
    clasp_error_kind kind;      /* when refused */
    char sentence[512];         /* when refused: what is wrong, for a person */
    cr_pkey *key;               /* the leaf's key when one was obtained (also when keyUsage
                                 * then refuses it); the caller owns the reference */
    int from_cache;             /* the chain was verified before */
    int have_subject;           /* subject holds the leaf's subject */
    char subject[200];
} cl_chain_verdict;

/* Decides on the peer's chain der[0..n) (leaf first, n >= 1). A chain
 * verified before (same role, version, name and certificates) is taken
 * from the cache without parsing or path validation until the earliest
 * notAfter of its verified path; otherwise it is parsed, verified and
 * stored. The leaf's keyUsage is checked against the purpose every time. */
void cl_chain_accept(const cl_chain_policy *p, uint8_t *const *der, const size_t *der_len,
                     size_t n, cl_chain_verdict *v);

#endif
