/* SPDX-License-Identifier: Apache-2.0 */
/* The crypto layer: the only code that includes OpenSSL headers. Everything
 * above it sees these small typed functions and opaque handles, so another
 * backend could be dropped in without touching the protocol.
 *
 * Conventions: functions return 0 on success and -1 on failure (every
 * libcrypto result is checked). Algorithms are fetched once per process
 * (cr_init, idempotent and thread-safe) and contexts are reused. */
#ifndef CLASP_CRYPTO_H
#define CLASP_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"

CL_MUST_CHECK int cr_init(void);

/* ------------------------------------------------------------ random */
/* Values the peer may see (randoms, session ids, nonces). */
CL_MUST_CHECK int cr_random(void *out, size_t n);
/* Secrets (private keys, key material): OpenSSL's private generator. */
CL_MUST_CHECK int cr_random_private(void *out, size_t n);

/* ------------------------------------------------------------ hashes */
typedef enum { CR_SHA256 = 0, CR_SHA384 = 1, CR_SHA512 = 2, CR_SHA1 = 3 } cr_hash_alg;
#define CR_MAX_HASH 64
size_t cr_hash_len(cr_hash_alg alg);

/* Incremental hash, e.g. the handshake transcript. */
typedef struct cr_hash cr_hash;
cr_hash *cr_hash_new(cr_hash_alg alg);
void cr_hash_free(cr_hash *h);
CL_MUST_CHECK int cr_hash_update(cr_hash *h, const void *data, size_t len);
/* The digest of everything so far, leaving the hash open for more. */
CL_MUST_CHECK int cr_hash_peek(const cr_hash *h, uint8_t *out);
/* A copy of the running state (for a transcript forked at a point). */
cr_hash *cr_hash_dup(const cr_hash *h);
CL_MUST_CHECK int cr_hash_once(cr_hash_alg alg, const void *data, size_t len, uint8_t *out);

CL_MUST_CHECK int cr_hmac(cr_hash_alg alg, const uint8_t *key, size_t key_len,
                          const uint8_t *data, size_t data_len, uint8_t *out);
/* HKDF (RFC 5869). prk/out lengths are cr_hash_len(alg) for extract. A NULL
 * salt means hash-length zeros; a NULL ikm means hash-length zeros. */
CL_MUST_CHECK int cr_hkdf_extract(cr_hash_alg alg, const uint8_t *salt, size_t salt_len,
                                  const uint8_t *ikm, size_t ikm_len, uint8_t *prk);
CL_MUST_CHECK int cr_hkdf_expand(cr_hash_alg alg, const uint8_t *prk, size_t prk_len,
                                 const uint8_t *info, size_t info_len, uint8_t *out,
                                 size_t out_len);
/* TLS 1.3 HKDF-Expand-Label (RFC 8446 7.1); label without the "tls13 ". */
CL_MUST_CHECK int cr_hkdf_expand_label(cr_hash_alg alg, const uint8_t *secret,
                                       const char *label, const uint8_t *context,
                                       size_t context_len, uint8_t *out, size_t out_len);
/* TLS 1.2 PRF (RFC 5246 5) with the given hash. */
CL_MUST_CHECK int cr_tls12_prf(cr_hash_alg alg, const uint8_t *secret, size_t secret_len,
                               const char *label, const uint8_t *seed, size_t seed_len,
                               uint8_t *out, size_t out_len);

/* ------------------------------------------------------------- AEAD */
typedef enum { CR_AES128GCM = 0, CR_AES256GCM = 1, CR_CHACHA20POLY1305 = 2 } cr_aead_alg;
#define CR_AEAD_TAG 16
#define CR_AEAD_NONCE 12
#define CR_MAX_KEY 32
size_t cr_aead_key_len(cr_aead_alg alg);

/* A keyed AEAD context for one direction; reused for every record. */
typedef struct cr_aead cr_aead;
cr_aead *cr_aead_new(cr_aead_alg alg, const uint8_t *key, int encrypt);
void cr_aead_free(cr_aead *a);
/* Encrypts buf[0..len) in place and writes the 16-byte tag to tag. */
CL_MUST_CHECK int cr_aead_seal(cr_aead *a, const uint8_t nonce[CR_AEAD_NONCE],
                               const uint8_t *aad, size_t aad_len, uint8_t *buf,
                               size_t len, uint8_t tag[CR_AEAD_TAG]);
/* Encrypts in[0..len) followed by in2[0..len2) into out (which may be in):
 * the record payload and, for TLS 1.3, its inner content type. */
CL_MUST_CHECK int cr_aead_seal2(cr_aead *a, const uint8_t nonce[CR_AEAD_NONCE],
                                const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len,
                                const uint8_t *in2, size_t len2, uint8_t *out,
                                uint8_t tag[CR_AEAD_TAG]);
/* Decrypts in[0..len) into out (which may be in); -1 and out wiped if the
 * tag does not verify. */
CL_MUST_CHECK int cr_aead_open_to(cr_aead *a, const uint8_t nonce[CR_AEAD_NONCE],
                                  const uint8_t *aad, size_t aad_len, const uint8_t *in,
                                  size_t len, uint8_t *out, const uint8_t tag[CR_AEAD_TAG]);
/* Decrypts buf[0..len) in place; -1 if the tag does not verify. */
CL_MUST_CHECK int cr_aead_open(cr_aead *a, const uint8_t nonce[CR_AEAD_NONCE],
                               const uint8_t *aad, size_t aad_len, uint8_t *buf,
                               size_t len, const uint8_t tag[CR_AEAD_TAG]);

/* ------------------------------------------------------ key exchange */
/* Groups by IANA code point. */
#define CR_GROUP_SECP256R1 0x0017
#define CR_GROUP_SECP384R1 0x0018
#define CR_GROUP_SECP521R1 0x0019
#define CR_GROUP_X25519 0x001d
#define CR_GROUP_X448 0x001e
#define CR_GROUP_FFDHE2048 0x0100
#define CR_GROUP_FFDHE3072 0x0101
#define CR_GROUP_FFDHE4096 0x0102
#define CR_GROUP_FFDHE6144 0x0103
#define CR_GROUP_FFDHE8192 0x0104
/* Hybrids of ECDH and ML-KEM (draft-ietf-tls-ecdhe-mlkem), TLS 1.3 only. */
#define CR_GROUP_SECP256R1MLKEM768 0x11eb
#define CR_GROUP_X25519MLKEM768 0x11ec
#define CR_GROUP_SECP384R1MLKEM1024 0x11ed
#define CR_MAX_KX_PUB 1665 /* SecP384r1MLKEM1024 shares; ffdhe8192: 1024 */
#define CR_MAX_KX_SECRET 1024

/* Why cr_kx_derive or cr_kx_encap refused the peer's share (other
 * failures are -1): each means an illegal_parameter alert in TLS. */
#define CR_KX_BAD_LENGTH (-2) /* not the group's share length */
#define CR_KX_BAD_KEM_KEY (-3) /* ML-KEM encapsulation key fails the FIPS 203 7.2 check */
#define CR_KX_BAD_POINT (-4)  /* invalid ECDH/DH value, or an all-zero X25519/X448 result */

int cr_group_supported(uint16_t group);
/* A hybrid ECDH + ML-KEM group (TLS 1.3 only). */
int cr_group_is_hybrid(uint16_t group);
typedef struct cr_kx cr_kx;
/* Makes an ephemeral key pair; writes the public share in TLS wire form
 * (x25519: 32 bytes, x448: 56; NIST curves: uncompressed point; FFDHE: Y
 * left-padded to the length of p) to pub. */
CL_MUST_CHECK int cr_kx_generate(uint16_t group, cr_kx **key, uint8_t *pub, size_t *pub_len);
#ifdef CLASP_TEST_HOOKS
/* The same from a given private key (test vectors and hooks; test builds
 * only). For a hybrid group priv is the ECDH key and, repeated, the ML-KEM
 * key generation seed. */
CL_MUST_CHECK int cr_kx_from_private(uint16_t group, const uint8_t *priv, size_t priv_len,
                                     cr_kx **key, uint8_t *pub, size_t *pub_len);
#endif
/* Validates the peer's share (length; point on the curve; 1 < Y < p-1;
 * no all-zero X25519/X448 result) and computes the shared secret (FFDHE:
 * left-padded to the length of p, RFC 8446 7.4.1). For a hybrid group
 * (the client's side) the peer's share holds an ML-KEM ciphertext, which
 * is decapsulated. Returns 0, a CR_KX_BAD_* reason, or -1. */
CL_MUST_CHECK int cr_kx_derive(cr_kx *key, const uint8_t *peer, size_t peer_len,
                               uint8_t *secret, size_t *secret_len);
/* The server's side in one step: from the client's share, our share (an
 * ML-KEM ciphertext with our ECDH share, for a hybrid group) and the
 * shared secret. Returns 0, a CR_KX_BAD_* reason, or -1. */
CL_MUST_CHECK int cr_kx_encap(uint16_t group, const uint8_t *peer, size_t peer_len, uint8_t *pub,
                              size_t *pub_len, uint8_t *secret, size_t *secret_len);
/* A classic share to send beside a hybrid one: when group is the hybrid
 * key's own ECDH group (x25519 beside X25519MLKEM768), the same key pair
 * and share, which saves a key generation (draft-ietf-tls-hybrid-design
 * allows a client to reuse a component share; the server uses one of the
 * two); otherwise a fresh key, as cr_kx_generate. */
CL_MUST_CHECK int cr_kx_generate_beside(uint16_t group, const cr_kx *hybrid, cr_kx **key,
                                        uint8_t *pub, size_t *pub_len);
#ifdef CLASP_TEST_HOOKS
/* The same with our key from a given private key (the test hooks; for a
 * hybrid group the ML-KEM seed and encapsulation randomness derive from it
 * too, so the result is the same every run). Test builds only. */
CL_MUST_CHECK int cr_kx_encap_from_private(uint16_t group, const uint8_t *priv, size_t priv_len,
                                           const uint8_t *peer, size_t peer_len, uint8_t *pub,
                                           size_t *pub_len, uint8_t *secret, size_t *secret_len);
#endif
void cr_kx_free(cr_kx *key);
/* TLS 1.2 DHE: a key pair in the server's group (p, g big-endian). *named
 * is the RFC 7919 group when p is one of them (else 0), *bits the size of
 * p. The public share is left-padded to the length of p. */
CL_MUST_CHECK int cr_kx_generate_dh(const uint8_t *p, size_t p_len, const uint8_t *g, size_t g_len,
                                    cr_kx **key, uint8_t *pub, size_t *pub_len, uint16_t *named,
                                    size_t *bits);
/* cr_kx_derive for a TLS 1.2 key exchange: a DHE peer value shorter than p
 * (no left padding) or with extra leading zeros is the same integer. */
CL_MUST_CHECK int cr_kx_derive_dhe12(cr_kx *key, const uint8_t *peer, size_t peer_len,
                                     uint8_t *secret, size_t *secret_len);
/* The group of a DH key, for the server's ServerKeyExchange. */
CL_MUST_CHECK int cr_kx_dh_params(const cr_kx *key, uint8_t *p, size_t *p_len, uint8_t *g,
                                  size_t *g_len);

/* ------------------------------------------------------- signatures */
/* Signature schemes by IANA code point (RFC 8446 4.2.3). */
#define CR_SIG_RSA_PKCS1_SHA1 0x0201
#define CR_SIG_ECDSA_SHA1 0x0203
#define CR_SIG_RSA_PKCS1_SHA256 0x0401
#define CR_SIG_RSA_PKCS1_SHA384 0x0501
#define CR_SIG_RSA_PKCS1_SHA512 0x0601
#define CR_SIG_ECDSA_SECP256R1_SHA256 0x0403
#define CR_SIG_ECDSA_SECP384R1_SHA384 0x0503
#define CR_SIG_ECDSA_SECP521R1_SHA512 0x0603
#define CR_SIG_RSA_PSS_RSAE_SHA256 0x0804
#define CR_SIG_RSA_PSS_RSAE_SHA384 0x0805
#define CR_SIG_RSA_PSS_RSAE_SHA512 0x0806
#define CR_SIG_ED25519 0x0807
#define CR_SIG_RSA_PSS_PSS_SHA256 0x0809
#define CR_SIG_RSA_PSS_PSS_SHA384 0x080a
#define CR_SIG_RSA_PSS_PSS_SHA512 0x080b

typedef enum { CR_KEY_RSA = 1, CR_KEY_EC_P256, CR_KEY_EC_P384, CR_KEY_EC_P521, CR_KEY_ED25519, CR_KEY_OTHER } cr_key_type;

/* A private key (ours) or a public key (from a peer certificate). */
typedef struct cr_pkey cr_pkey;
/* Loads a private key from PEM or DER bytes (PKCS#8, or traditional RSA/EC). */
cr_pkey *cr_pkey_load_private(const uint8_t *data, size_t len);
/* Asked for the passphrase of an encrypted key: writes it (at most size
 * bytes) to buf, returns its length, or -1 to give up. */
typedef int cr_passphrase_fn(void *arg, char *buf, size_t size);
typedef enum {
    CR_KEY_LOADED = 0,
    CR_KEY_NOT_A_KEY,        /* no private key in the bytes (or not one we read) */
    CR_KEY_NEEDS_PASSPHRASE, /* encrypted, and no passphrase function */
    CR_KEY_BAD_PASSPHRASE    /* encrypted, and the passphrase did not open it */
} cr_key_load_status;
/* cr_pkey_load_private, plus encrypted keys: PEM "ENCRYPTED PRIVATE KEY"
 * (PKCS#8) or a traditional key with "Proc-Type: 4,ENCRYPTED", and DER
 * EncryptedPrivateKeyInfo; fn (may be NULL) gives the passphrase. *status
 * says why it returned NULL. */
cr_pkey *cr_pkey_load_private_pw(const uint8_t *data, size_t len, cr_passphrase_fn *fn, void *arg,
                                 cr_key_load_status *status);
/* Takes a reference (keys are shared by configs and connections). */
cr_pkey *cr_pkey_ref(cr_pkey *k);
void cr_pkey_free(cr_pkey *k);
cr_key_type cr_pkey_type(const cr_pkey *k);
size_t cr_pkey_bits(const cr_pkey *k);
/* Whether this key can make/verify signatures with the scheme (key type and
 * curve match; RSA keys allow rsa_pss_rsae_* and rsa_pkcs1_*). */
int cr_pkey_matches_scheme(const cr_pkey *k, uint16_t scheme);
/* TLS 1.2 flavours: an ECDSA scheme names only the hash; any curve fits. */
int cr_pkey_matches_scheme12(const cr_pkey *k, uint16_t scheme);
CL_MUST_CHECK int cr_sign12(cr_pkey *k, uint16_t scheme, const uint8_t *msg, size_t msg_len,
                            uint8_t *sig, size_t *sig_len);
CL_MUST_CHECK int cr_verify12(cr_pkey *k, uint16_t scheme, const uint8_t *msg, size_t msg_len,
                              const uint8_t *sig, size_t sig_len);
/* The hash a scheme signs with: 0 and *alg, or -1 for a scheme that signs
 * the message itself (Ed25519) or one clasp does not know. */
int cr_sig_scheme_hash(uint16_t scheme, cr_hash_alg *alg);
/* Signs the message (hashing is part of the scheme). sig must have room for
 * cr_pkey_max_sig_len. */
size_t cr_pkey_max_sig_len(const cr_pkey *k);
CL_MUST_CHECK int cr_sign(cr_pkey *k, uint16_t scheme, const uint8_t *msg, size_t msg_len,
                          uint8_t *sig, size_t *sig_len);
CL_MUST_CHECK int cr_verify(cr_pkey *k, uint16_t scheme, const uint8_t *msg, size_t msg_len,
                            const uint8_t *sig, size_t sig_len);
/* RSA key exchange (TLS 1.2). cr_rsa_encrypt_pkcs1: PKCS#1 v1.5 encryption.
 * cr_rsa_decrypt_pms: decrypts a 48-byte premaster without any branch on the
 * padding result: on any failure out holds `fallback` (random bytes the
 * caller made), selected in constant time; the version check is the caller's,
 * also constant-time. Returns -1 only on misuse (not on bad padding). */
CL_MUST_CHECK int cr_rsa_encrypt_pkcs1(cr_pkey *pub, const uint8_t *in, size_t in_len,
                                       uint8_t *out, size_t *out_len);
CL_MUST_CHECK int cr_rsa_decrypt_pms(cr_pkey *k, const uint8_t *in, size_t in_len,
                                     const uint8_t fallback[48], uint8_t out[48]);

/* ------------------------------------------------------ certificates */
typedef struct cr_cert cr_cert;
/* Parses one DER certificate. */
cr_cert *cr_cert_parse(const uint8_t *der, size_t len);
void cr_cert_free(cr_cert *c);
/* The subject public key (a new reference). */
cr_pkey *cr_cert_pubkey(const cr_cert *c);
/* Does this certificate's key belong with this private key? */
int cr_cert_matches_key(const cr_cert *c, const cr_pkey *k);
/* notAfter as seconds since the epoch (0 if unreadable). */
int64_t cr_cert_not_after(const cr_cert *c);
/* What the certificate's key may be used for (RFC 5280 4.2.1.3): signing
 * (digitalSignature) and key transport (keyEncipherment). Without a keyUsage
 * extension, both. */
enum { CR_KEY_USE_SIGN = 1, CR_KEY_USE_ENCRYPT = 2 };
unsigned cr_cert_key_uses(const cr_cert *c);
/* The keyUsage bits by name ("digitalSignature, keyEncipherment"), or
 * "(none)" for an empty extension; "" without the extension. */
void cr_cert_key_usage_names(const cr_cert *c, char *out, size_t out_len);
/* Human-readable subject ("CN=localhost"), for messages. */
void cr_cert_subject(const cr_cert *c, char *out, size_t out_len);

/* A set of trust anchors. */
typedef struct cr_trust cr_trust;
cr_trust *cr_trust_new(void);
void cr_trust_free(cr_trust *t);
/* Adds every certificate in a PEM file; -1 if none could be read. */
CL_MUST_CHECK int cr_trust_add_pem_file(cr_trust *t, const char *path);
/* Adds every CRL in a PEM file and turns revocation checking on: from then
 * on a leaf verifies only if its issuer's CRL is loaded and does not list
 * it (CR_VERIFY_REVOKED). -1 if the file holds no CRL. */
CL_MUST_CHECK int cr_trust_add_crl_file(cr_trust *t, const char *path);
/* Adds the system's default store (OpenSSL's default paths). */
CL_MUST_CHECK int cr_trust_add_system(cr_trust *t);

/* The outcome of verifying a peer chain. */
typedef enum {
    CR_VERIFY_OK = 0,
    CR_VERIFY_UNTRUSTED,        /* no path to a trust anchor */
    CR_VERIFY_EXPIRED,          /* a certificate's notAfter has passed */
    CR_VERIFY_NOT_YET_VALID,
    CR_VERIFY_NAME_MISMATCH,    /* host name / IP not in the leaf */
    CR_VERIFY_BAD_SIGNATURE,    /* a signature in the chain does not verify */
    CR_VERIFY_BAD_USAGE,        /* key usage / extended key usage forbid this use */
    CR_VERIFY_REVOKED,
    CR_VERIFY_MALFORMED,        /* a certificate could not be parsed */
    CR_VERIFY_OTHER
} cr_verify_result;

typedef enum { CR_PURPOSE_SERVER = 0, CR_PURPOSE_CLIENT = 1 } cr_purpose;

/* Verifies chain[0] (leaf) through chain[1..n) to an anchor in trust, for the
 * given purpose, and (if name is non-NULL) that the leaf is valid for name (a
 * DNS name or an IP literal). On failure writes a sentence naming the cause
 * into msg, e.g. "certificate 'CN=x' expired on 2024-01-01 00:00:00 UTC",
 * "certificate for 'a.example' does not match 'b.example'". */
cr_verify_result cr_verify_chain(const cr_trust *trust, cr_cert *const *chain, size_t n,
                                 cr_purpose purpose, const char *name, char *msg,
                                 size_t msg_len);
/* The same at a given time (seconds since the epoch; 0: now). It also checks
 * extendedKeyUsage on the leaf and every CA below the trust anchor: when
 * present it must list serverAuth (CR_PURPOSE_SERVER) or clientAuth, or
 * anyExtendedKeyUsage. On success *valid_until (if not NULL) is the earliest
 * notAfter in the verified path, trust anchor included: when the verdict
 * lapses. */
cr_verify_result cr_verify_chain_at(const cr_trust *trust, cr_cert *const *chain, size_t n,
                                    cr_purpose purpose, const char *name, int64_t at_time,
                                    int64_t *valid_until, char *msg, size_t msg_len);

/* ------------------------------------------------------ OCSP (ocsp.c) */
typedef enum {
    CR_OCSP_GOOD = 0,
    CR_OCSP_MALFORMED,      /* not a DER OCSPResponse */
    CR_OCSP_UNSUCCESSFUL,   /* responseStatus is not successful (tryLater, ...) */
    CR_OCSP_BAD_SIGNATURE,  /* the responder's signature or authority does not verify */
    CR_OCSP_NO_MATCH,       /* no SingleResponse for this certificate */
    CR_OCSP_REVOKED,
    CR_OCSP_UNKNOWN,        /* the responder does not know the certificate */
    CR_OCSP_STALE           /* outside thisUpdate .. nextUpdate (5 minutes of skew) */
} cr_ocsp_result;
/* Checks a stapled OCSP response (RFC 6960) for chain[0]: it is a
 * successful BasicOCSPResponse, signed by the issuer or by a responder the
 * issuer authorised (id-kp-OCSPSigning) that verifies to trust; its
 * SingleResponse for the leaf's CertID (issuer: chain[1], else found in
 * trust) says good; now (seconds since the epoch) is within its validity.
 * On failure writes a sentence into msg. */
cr_ocsp_result cr_ocsp_check(const uint8_t *resp, size_t len, cr_cert *const *chain, size_t n,
                             const cr_trust *trust, int64_t now, char *msg, size_t msg_len);
#endif
