// SPDX-License-Identifier: Apache-2.0
/* A stapled OCSP response (RFC 6960), checked for the peer's leaf with
 * libcrypto's OCSP functions: successful, signed by an authorised
 * responder, about this certificate, good, and current. */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509_vfy.h>

#include "crypto/internal.h"

#define OCSP_SKEW_SECONDS 300
/* A response without nextUpdate (openssl ocsp leaves it out by default)
 * says nothing of when to fetch a newer one; without a limit an old "good"
 * could be stapled for as long as the certificate lives. */
#define OCSP_NO_NEXT_UPDATE_MAX_AGE (7 * 86400)

static cr_ocsp_result say(cr_ocsp_result r, char *msg, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static cr_ocsp_result say(cr_ocsp_result r, char *msg, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, len, fmt, ap);
    va_end(ap);
    return r;
}

/* The leaf's issuer: the next certificate of the chain, else a trust anchor. */
static X509 *find_issuer(cr_cert *const *chain, size_t n, const cr_trust *trust)
{
    X509 *leaf = chain[0]->x;
    if (n > 1 && chain[1] && X509_check_issued(chain[1]->x, leaf) == X509_V_OK) {
        X509_up_ref(chain[1]->x);
        return chain[1]->x;
    }
    X509 *issuer = NULL;
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    if (ctx && trust && X509_STORE_CTX_init(ctx, trust->store, leaf, NULL) == 1 &&
        X509_STORE_CTX_get1_issuer(&issuer, ctx, leaf) != 1)
        issuer = NULL;
    X509_STORE_CTX_free(ctx);
    return issuer;
}

/* The response's entry for the leaf, whichever hash its CertID uses (SHA-1
 * or SHA-256 are both common): each entry's id is rebuilt with its own
 * hash and compared. NULL if none is about this certificate. */
static OCSP_SINGLERESP *find_single(OCSP_BASICRESP *bs, X509 *leaf, X509 *issuer)
{
    for (int i = 0; i < OCSP_resp_count(bs); i++) {
        OCSP_SINGLERESP *single = OCSP_resp_get0(bs, i);
        const OCSP_CERTID *cid = single ? OCSP_SINGLERESP_get0_id(single) : NULL;
        ASN1_OBJECT *md_oid = NULL;
        if (!cid || OCSP_id_get0_info(NULL, &md_oid, NULL, NULL, (OCSP_CERTID *)cid) != 1)
            continue;
        const EVP_MD *md = EVP_get_digestbyobj(md_oid);
        OCSP_CERTID *mine = md ? OCSP_cert_to_id(md, leaf, issuer) : NULL;
        int same = mine && OCSP_id_cmp(mine, cid) == 0;
        OCSP_CERTID_free(mine);
        if (same)
            return single;
    }
    return NULL;
}

/* Seconds since the epoch of an ASN1 time, or -1. */
static int64_t epoch_of(const ASN1_GENERALIZEDTIME *t)
{
    struct tm tm;
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
        return -1;
    return (int64_t)timegm(&tm);
}

cr_ocsp_result cr_ocsp_check(const uint8_t *resp, size_t len, cr_cert *const *chain, size_t n,
                             const cr_trust *trust, int64_t now, char *msg, size_t msg_len)
{
    cr_ocsp_result r;
    const unsigned char *p = resp;
    OCSP_RESPONSE *or = len && len < (size_t)INT32_MAX ? d2i_OCSP_RESPONSE(NULL, &p, (long)len) : NULL;
    OCSP_BASICRESP *bs = NULL;
    X509 *issuer = NULL;
    STACK_OF(X509) *certs = sk_X509_new_null();
    if (!or || p != resp + len) {
        r = say(CR_OCSP_MALFORMED, msg, msg_len, "the stapled OCSP response is not a DER OCSPResponse");
        goto out;
    }
    int status = OCSP_response_status(or);
    if (status != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
        r = say(CR_OCSP_UNSUCCESSFUL, msg, msg_len, "the stapled OCSP response says '%s', not successful",
                OCSP_response_status_str(status));
        goto out;
    }
    if (!(bs = OCSP_response_get1_basic(or))) {
        r = say(CR_OCSP_MALFORMED, msg, msg_len, "the stapled OCSP response is not a BasicOCSPResponse");
        goto out;
    }
    if (!n || !chain[0] || !certs || !trust) {
        r = say(CR_OCSP_MALFORMED, msg, msg_len, "no certificate to check the OCSP response against");
        goto out;
    }
    for (size_t i = 1; i < n; i++)
        if (chain[i] && !sk_X509_push(certs, chain[i]->x))
            goto nomem;
    /* The signature, and that the signer is the issuer or a responder it
     * authorised (id-kp-OCSPSigning), verified to our trust anchors. */
    if (OCSP_basic_verify(bs, certs, trust->store, 0) != 1) {
        r = say(CR_OCSP_BAD_SIGNATURE, msg, msg_len,
                "the stapled OCSP response is not signed by the certificate's issuer or a "
                "responder it authorised");
        goto out;
    }
    if (!(issuer = find_issuer(chain, n, trust))) {
        r = say(CR_OCSP_NO_MATCH, msg, msg_len,
                "the issuer of the certificate is unknown, so the OCSP response cannot be matched");
        goto out;
    }
    int cert_status, reason = -1;
    ASN1_GENERALIZEDTIME *revoked_at = NULL, *this_upd = NULL, *next_upd = NULL;
    OCSP_SINGLERESP *single = find_single(bs, chain[0]->x, issuer);
    if (!single) {
        r = say(CR_OCSP_NO_MATCH, msg, msg_len,
                "the stapled OCSP response is about another certificate (no status for this one)");
        goto out;
    }
    cert_status = OCSP_single_get0_status(single, &reason, &revoked_at, &this_upd, &next_upd);
    if (cert_status == V_OCSP_CERTSTATUS_REVOKED) {
        r = say(CR_OCSP_REVOKED, msg, msg_len, "the stapled OCSP response says the certificate is "
                "revoked (reason: %s)", reason >= 0 ? OCSP_crl_reason_str(reason) : "unspecified");
        goto out;
    }
    if (cert_status != V_OCSP_CERTSTATUS_GOOD) {
        r = say(CR_OCSP_UNKNOWN, msg, msg_len,
                "the stapled OCSP response says the responder does not know the certificate");
        goto out;
    }
    int64_t from = epoch_of(this_upd);
    int64_t until = next_upd ? epoch_of(next_upd)
                             : from >= 0 ? from + OCSP_NO_NEXT_UPDATE_MAX_AGE : -1;
    if (from < 0 || until < 0 || now + OCSP_SKEW_SECONDS < from || now - OCSP_SKEW_SECONDS > until) {
        r = say(CR_OCSP_STALE, msg, msg_len, "the stapled OCSP response is %s",
                from >= 0 && now + OCSP_SKEW_SECONDS < from ? "not yet valid (thisUpdate is ahead)"
                : next_upd ? "out of date (past its nextUpdate)"
                           : "out of date (it has no nextUpdate, and its thisUpdate is more than 7 "
                             "days old)");
        goto out;
    }
    r = CR_OCSP_GOOD;
    goto out;
nomem:
    r = say(CR_OCSP_MALFORMED, msg, msg_len, "out of memory checking the OCSP response");
out:
    X509_free(issuer);
    sk_X509_free(certs);
    OCSP_BASICRESP_free(bs);
    OCSP_RESPONSE_free(or);
    ERR_clear_error();
    return r;
}
