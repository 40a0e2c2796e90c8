/* SPDX-License-Identifier: Apache-2.0 */
/* Chain acceptance: what is decided about a peer's chain (cache, parse,
 * verify, key and keyUsage) and which alert and sentence a refusal earns.
 * The libcrypto calls themselves are src/crypto/cert.c's. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/alert.h"
#include "x509/chain.h"

static const char *peer_role_name(const cl_chain_policy *p)
{
    return p->role == CLASP_CLIENT ? "server" : "client";
}

static void refuse(cl_chain_verdict *v, int alert, clasp_error_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void refuse(cl_chain_verdict *v, int alert, clasp_error_kind kind, const char *fmt, ...)
{
    v->alert = alert;
    v->kind = kind;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->sentence, sizeof v->sentence, fmt, ap);
    va_end(ap);
}

static int verify_alert(cr_verify_result r)
{
    switch (r) {
    case CR_VERIFY_OK: return -1;
    case CR_VERIFY_UNTRUSTED: return CL_ALERT_UNKNOWN_CA;
    case CR_VERIFY_EXPIRED:
    case CR_VERIFY_NOT_YET_VALID: return CL_ALERT_CERTIFICATE_EXPIRED;
    case CR_VERIFY_BAD_USAGE: return CL_ALERT_UNSUPPORTED_CERTIFICATE;
    case CR_VERIFY_REVOKED: return CL_ALERT_CERTIFICATE_REVOKED;
    case CR_VERIFY_NAME_MISMATCH:
    case CR_VERIFY_BAD_SIGNATURE:
    case CR_VERIFY_MALFORMED: return CL_ALERT_BAD_CERTIFICATE;
    default: return CL_ALERT_CERTIFICATE_UNKNOWN;
    }
}

/* What identifies a verification: purpose, name, and every certificate. */
static int chain_id(const cl_chain_policy *p, uint8_t *const *der, const size_t *der_len,
                    size_t n, const char *name, uint8_t id[32])
{
    cr_hash *h = cr_hash_new(CR_SHA256);
    uint8_t head[2] = {(uint8_t)p->role, (uint8_t)p->version};
    int rc = -1;
    if (h && cr_hash_update(h, head, 2) == 0 &&
        cr_hash_update(h, name ? name : "", name ? strlen(name) + 1 : 1) == 0) {
        rc = 0;
        for (size_t i = 0; i < n && rc == 0; i++) {
            uint8_t len[3] = {(uint8_t)(der_len[i] >> 16), (uint8_t)(der_len[i] >> 8),
                              (uint8_t)der_len[i]};
            rc = cr_hash_update(h, len, 3) || cr_hash_update(h, der[i], der_len[i]);
        }
        if (rc == 0)
            rc = cr_hash_peek(h, id);
    }
    cr_hash_free(h);
    return rc;
}

/* RFC 8446 4.4.2.2, RFC 5246 7.4.2 / 7.4.6, RFC 5280 4.2.1.3: the peer's
 * keyUsage (when present) must allow what its key does in this handshake:
 * sign (CertificateVerify, ServerKeyExchange) or, in TLS 1.2 RSA key
 * exchange, take the encrypted premaster secret. unsupported_certificate:
 * the certificate is sound and trusted, but not of a kind this use takes
 * (libssl sends the same for a purpose its verifier refuses). */
static unsigned key_use_needed(const cl_chain_policy *p)
{
    return p->key_purpose == CL_KEY_FOR_RSA_PREMASTER ? CR_KEY_USE_ENCRYPT : CR_KEY_USE_SIGN;
}

static void refuse_key_usage(const cl_chain_policy *p, const cr_cert *leaf, cl_chain_verdict *v)
{
    int tls13 = p->version != CLASP_TLS1_2;
    unsigned need = key_use_needed(p);
    char subject[200], usage[200], what[160];
    cr_cert_subject(leaf, subject, sizeof subject);
    cr_cert_key_usage_names(leaf, usage, sizeof usage);
    if (p->key_purpose == CL_KEY_FOR_RSA_PREMASTER)
        snprintf(what, sizeof what, "which RSA key exchange (%s) needs to receive the premaster "
                 "secret", p->suite_name);
    else if (p->key_purpose == CL_KEY_FOR_SERVER_KEY_EXCHANGE)
        snprintf(what, sizeof what, "which %s needs to sign the ServerKeyExchange",
                 p->suite_name ? p->suite_name : "this cipher suite");
    else
        snprintf(what, sizeof what, "which TLS 1.%d needs for the %s's CertificateVerify",
                 tls13 ? 3 : 2, peer_role_name(p));
    refuse(v, CL_ALERT_UNSUPPORTED_CERTIFICATE, CLASP_E_CERTIFICATE,
           "the %s's certificate '%s' does not allow %s (keyUsage: %s), %s", peer_role_name(p),
           subject, need == CR_KEY_USE_SIGN ? "digital signatures" : "key encipherment",
           usage[0] ? usage : "(unreadable)", what);
}

void cl_chain_accept(const cl_chain_policy *p, uint8_t *const *der, const size_t *der_len,
                     size_t n, cl_chain_verdict *v)
{
    const char *peer = peer_role_name(p);
    int verify = p->verify;
    const char *name = p->name;
    cr_cert *chain[CL_X509_MAX_CHAIN] = {NULL};
    size_t parsed = 0;
    v->alert = -1;
    v->key = NULL;
    v->from_cache = 0;
    v->have_subject = 0;
    if (n == 0 || n > CL_X509_MAX_CHAIN) {
        refuse(v, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "cannot accept a chain of %zu certificates", n);
        return;
    }
    uint8_t id[32];
    int cacheable = verify && chain_id(p, der, der_len, n, name, id) == 0;
    int64_t now = p->now;
    unsigned key_uses = 0;
    if (cacheable)
        v->key = cl_vcache_lookup(p->cache, id, now, &key_uses);
    v->from_cache = v->key != NULL;
    /* Parse what is needed: the whole chain to verify it, else the leaf. */
    size_t need = v->key ? (p->want_subject ? 1 : 0) : (verify ? n : 1);
    for (; parsed < need; parsed++) {
        chain[parsed] = cr_cert_parse(der[parsed], der_len[parsed]);
        if (!chain[parsed]) {
            refuse(v, CL_ALERT_BAD_CERTIFICATE, CLASP_E_CERTIFICATE,
                   "certificate %zu of the %s's chain cannot be parsed", parsed + 1, peer);
            goto out;
        }
    }
    if (p->want_subject) {
        cr_cert_subject(chain[0], v->subject, sizeof v->subject);
        v->have_subject = 1;
    }
    if (v->key)
        goto usage;
    int64_t valid_until = INT64_MAX;
    if (verify) {
        char why[400];
        cr_verify_result vr = cr_verify_chain_at(
            p->trust, chain, n, p->role == CLASP_CLIENT ? CR_PURPOSE_SERVER : CR_PURPOSE_CLIENT,
            name, now, &valid_until, why, sizeof why);
        if (vr != CR_VERIFY_OK) {
            refuse(v, verify_alert(vr), CLASP_E_CERTIFICATE, "%s certificate rejected: %s", peer,
                   why);
            goto out;
        }
    }
    v->key = cr_cert_pubkey(chain[0]);
    if (!v->key) {
        refuse(v, CL_ALERT_UNSUPPORTED_CERTIFICATE, CLASP_E_CERTIFICATE,
               "the %s's certificate has a key type clasp cannot use", peer);
        goto out;
    }
    key_uses = cr_cert_key_uses(chain[0]);
    /* Until the first notAfter of the path that was verified, trust anchor
     * included (it need not be in the peer's chain). */
    if (cacheable)
        cl_vcache_store(p->cache, id, v->key, key_uses, valid_until);
usage:
    /* With verification off (an insecure client), no certificate check at all. */
    if ((verify || p->usage_only) && !(key_uses & key_use_needed(p))) {
        /* A chain verified before has not been parsed: the message needs the leaf. */
        if (!parsed && !(chain[parsed++] = cr_cert_parse(der[0], der_len[0])))
            refuse(v, CL_ALERT_INTERNAL_ERROR, CLASP_E_NOMEM, "out of memory");
        else
            refuse_key_usage(p, chain[0], v);
    }
out:
    for (size_t i = 0; i < parsed; i++)
        cr_cert_free(chain[i]);
}
