/* SPDX-License-Identifier: Apache-2.0 */
/* Certificate (both versions' formats) and the TLS 1.3 CertificateVerify,
 * sent and received by either role. Deciding whether a peer's chain is
 * accepted is src/x509's; this file parses the message and acts on the
 * verdict. The TLS 1.2 CertificateVerify is a step of client12.c (sent)
 * and server12.c (received). */
#include <stdio.h>
#include <stdlib.h>

#include "handshake/hs.h"
#include "x509/verify_cache.h"

int cl_send_certificate(clasp_conn *c, const cl_cert_key *ck, const uint8_t *context,
                        size_t context_len)
{
    int tls13 = c->version != CLASP_TLS1_2;
    cl_buf m;
    cl_hs_begin(&m, CL_HS_CERTIFICATE);
    if (tls13) {
        size_t ctx = cl_wr_begin_vec(&m, 1);
        cl_wr_bytes(&m, context, context_len);
        cl_wr_end_vec(&m, ctx, 1);
    }
    size_t list = cl_wr_begin_vec(&m, 3);
    for (size_t i = 0; ck && i < ck->n; i++) {
        size_t e = cl_wr_begin_vec(&m, 3);
        cl_wr_bytes(&m, ck->der[i], ck->der_len[i]);
        cl_wr_end_vec(&m, e, 3);
        if (tls13)
            cl_wr_u16(&m, 0); /* no per-certificate extensions */
    }
    cl_wr_end_vec(&m, list, 3);
    char detail[300] = "no certificate";
    if (ck && cl_trace_on(c)) {
        char subject[200];
        cr_cert_subject(ck->leaf, subject, sizeof subject);
        snprintf(detail, sizeof detail, "%s (%zu cert%s)", subject, ck->n, ck->n == 1 ? "" : "s");
    }
    return cl_hs_send(c, &m, NULL, detail);
}

/* The signed content of CertificateVerify (RFC 8446 4.4.3). */
static size_t cv_content(clasp_conn *c, int by_server, uint8_t *out)
{
    static const char srv[] = "TLS 1.3, server CertificateVerify";
    static const char cli[] = "TLS 1.3, client CertificateVerify";
    memset(out, 0x20, 64);
    memcpy(out + 64, by_server ? srv : cli, sizeof srv); /* includes the 0 separator */
    size_t n = 64 + sizeof srv;
    if (cl_transcript_hash(c, out + n))
        return 0;
    return n + cl_hash_len(c);
}

int cl_send_certificate_verify(clasp_conn *c)
{
    cl_hs *hs = c->hs;
    uint8_t content[64 + 34 + CR_MAX_HASH];
    size_t n = cv_content(c, c->role == CLASP_SERVER, content);
    if (!n)
        return -1;
    cl_buf m;
    cl_hs_begin(&m, CL_HS_CERTIFICATE_VERIFY);
    cl_wr_u16(&m, hs->sigalg);
    size_t v = cl_wr_begin_vec(&m, 2);
    if (CL_TEST(c) && CL_TEST(c)->signature) {
        cl_wr_bytes(&m, CL_TEST(c)->signature, CL_TEST(c)->signature_len);
    } else {
        size_t max = cr_pkey_max_sig_len(hs->cert->key), len = max;
        uint8_t *sig = cl_wr_space(&m, max);
        if (!sig || cr_sign(hs->cert->key, hs->sigalg, content, n, sig, &len)) {
            cl_buf_free(&m);
            return -1;
        }
        m.len -= max - len;
    }
    cl_wr_end_vec(&m, v, 2);
    return cl_hs_send(c, &m, NULL, cl_sigalg_name(hs->sigalg));
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
static int chain_id(clasp_conn *c, const char *name, uint8_t id[32])
{
    cr_hash *h = cr_hash_new(CR_SHA256);
    uint8_t head[2] = {(uint8_t)c->role, (uint8_t)c->version};
    int rc = -1;
    if (h && cr_hash_update(h, head, 2) == 0 &&
        cr_hash_update(h, name ? name : "", name ? strlen(name) + 1 : 1) == 0) {
        rc = 0;
        for (size_t i = 0; i < c->n_peer && rc == 0; i++) {
            uint8_t len[3] = {(uint8_t)(c->peer_der_len[i] >> 16), (uint8_t)(c->peer_der_len[i] >> 8),
                              (uint8_t)c->peer_der_len[i]};
            rc = cr_hash_update(h, len, 3) || cr_hash_update(h, c->peer_der[i], c->peer_der_len[i]);
        }
        if (rc == 0)
            rc = cr_hash_peek(h, id);
    }
    cr_hash_free(h);
    return rc;
}

static int rsa_key_exchange(const clasp_conn *c)
{
    return c->version == CLASP_TLS1_2 && c->role == CLASP_CLIENT && c->suite &&
           c->suite->kx == CL_KX_RSA;
}

/* RFC 8446 4.4.2.2, RFC 5246 7.4.2 / 7.4.6, RFC 5280 4.2.1.3: the peer's
 * keyUsage (when present) must allow what its key does in this handshake:
 * sign (CertificateVerify, ServerKeyExchange) or, in TLS 1.2 RSA key
 * exchange, take the encrypted premaster secret. unsupported_certificate:
 * the certificate is sound and trusted, but not of a kind this use takes
 * (libssl sends the same for a purpose its verifier refuses). */
static unsigned key_use_needed(const clasp_conn *c)
{
    return rsa_key_exchange(c) ? CR_KEY_USE_ENCRYPT : CR_KEY_USE_SIGN;
}

static int refuse_key_usage(clasp_conn *c, const cr_cert *leaf)
{
    int tls13 = c->version != CLASP_TLS1_2, rsa_kx = rsa_key_exchange(c);
    unsigned need = key_use_needed(c);
    char subject[200], usage[200], what[160];
    cr_cert_subject(leaf, subject, sizeof subject);
    cr_cert_key_usage_names(leaf, usage, sizeof usage);
    if (rsa_kx)
        snprintf(what, sizeof what, "which RSA key exchange (%s) needs to receive the premaster "
                 "secret", c->suite->iana);
    else if (!tls13 && c->role == CLASP_CLIENT)
        snprintf(what, sizeof what, "which %s needs to sign the ServerKeyExchange",
                 c->suite ? c->suite->iana : "this cipher suite");
    else
        snprintf(what, sizeof what, "which TLS 1.%d needs for the %s's CertificateVerify",
                 tls13 ? 3 : 2, cl_role_name(c, 1));
    return cl_fail(c, CL_ALERT_UNSUPPORTED_CERTIFICATE, CLASP_E_CERTIFICATE,
                   "the %s's certificate '%s' does not allow %s (keyUsage: %s), %s",
                   cl_role_name(c, 1), subject,
                   need == CR_KEY_USE_SIGN ? "digital signatures" : "key encipherment",
                   usage[0] ? usage : "(unreadable)", what);
}

int cl_recv_certificate(clasp_conn *c, const uint8_t *msg, size_t len)
{
    cl_hs *hs = c->hs;
    const char *peer = cl_role_name(c, 1);
    int tls13 = c->version != CLASP_TLS1_2;
    cl_reader r = cl_reader_init(msg + 4, len - 4), ctx = cl_reader_init(NULL, 0), list;
    if ((tls13 && cl_rd_vec(&r, 1, &ctx)) || cl_rd_vec(&r, 3, &list) || !cl_rd_empty(&r))
        return CL_DECODE_FAIL(c, "Certificate message");
    /* The server's context is empty; the client echoes ours (RFC 8446 4.4.2). */
    size_t want = c->role == CLASP_SERVER ? hs->cr_context.len : 0;
    if (ctx.n != want || (ctx.n && memcmp(ctx.p, hs->cr_context.data, ctx.n) != 0))
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the %s's Certificate has the wrong request context", peer);
    cr_cert *chain[CL_MAX_CHAIN] = {NULL};
    size_t n = 0, parsed = 0;
    int rc = CLASP_ERROR;
    /* First the raw certificates: a chain verified before needs no parsing. */
    while (!cl_rd_empty(&list)) {
        cl_reader der, exts = cl_reader_init(NULL, 0);
        if (cl_rd_vec_nonempty(&list, 3, &der) || (tls13 && cl_rd_vec(&list, 2, &exts))) {
            rc = CL_DECODE_FAIL(c, "Certificate message");
            goto out;
        }
        /* We ask for no OCSP or SCT data, so no entry may carry extensions. */
        if (exts.n) {
            rc = cl_fail(c, CL_ALERT_UNSUPPORTED_EXTENSION, CLASP_E_PROTOCOL,
                         "the %s sent certificate extensions we did not ask for", peer);
            goto out;
        }
        if (n == CL_MAX_CHAIN) {
            rc = cl_fail(c, CL_ALERT_BAD_CERTIFICATE, CLASP_E_CERTIFICATE,
                         "the %s's certificate chain is longer than %d certificates", peer,
                         CL_MAX_CHAIN);
            goto out;
        }
        c->peer_der[n] = malloc(der.n);
        if (!c->peer_der[n]) {
            rc = cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_NOMEM, "out of memory");
            goto out;
        }
        memcpy(c->peer_der[n], der.p, der.n);
        c->peer_der_len[n] = der.n;
        c->n_peer = ++n;
    }
    if (n == 0) {
        if (cl_trace_on(c))
            cl_trace(c, CLASP_TRACE_RECV, "Certificate", "no certificate");
        if (c->role == CLASP_CLIENT) {
            rc = cl_fail(c, CL_ALERT_DECODE_ERROR, CLASP_E_PROTOCOL,
                         "the server sent an empty certificate chain");
            goto out;
        }
        if (c->cfg->client_auth == CLASP_CLIENT_AUTH_REQUIRED) {
            /* TLS 1.2 has no certificate_required alert (RFC 5246 7.4.6). */
            rc = cl_fail(c, tls13 ? CL_ALERT_CERTIFICATE_REQUIRED : CL_ALERT_HANDSHAKE_FAILURE,
                         CLASP_E_CERTIFICATE,
                         "the client sent no certificate, but this server requires one");
            goto out;
        }
        hs->peer_sent_cert = 0;
        rc = cl_transcript_add(c, msg, len) ? cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "transcript")
                                            : CLASP_OK;
        goto out;
    }
    hs->peer_sent_cert = 1;
    int verify = c->role == CLASP_CLIENT ? c->cfg->verify_peer : 1;
    if (CL_TEST(c) && CL_TEST(c)->skip_verify_time)
        verify = 0;
    const char *name = c->role == CLASP_CLIENT ? c->server_name : NULL;
    uint8_t id[32];
    int cacheable = verify && chain_id(c, name, id) == 0;
    int64_t now = (int64_t)cl_now(c->cfg);
    unsigned key_uses = 0;
    if (cacheable)
        hs->peer_key = cl_vcache_lookup(c->cfg->verified, id, now, &key_uses);
    /* Parse what is needed: the whole chain to verify it, else the leaf. */
    size_t need = hs->peer_key ? (cl_trace_on(c) ? 1 : 0) : (verify ? n : 1);
    for (; parsed < need; parsed++) {
        chain[parsed] = cr_cert_parse(c->peer_der[parsed], c->peer_der_len[parsed]);
        if (!chain[parsed]) {
            rc = cl_fail(c, CL_ALERT_BAD_CERTIFICATE, CLASP_E_CERTIFICATE,
                         "certificate %zu of the %s's chain cannot be parsed", parsed + 1, peer);
            goto out;
        }
    }
    if (cl_trace_on(c)) {
        char subject[200];
        cr_cert_subject(chain[0], subject, sizeof subject);
        cl_trace(c, CLASP_TRACE_RECV, "Certificate", "%s (%zu cert%s)%s", subject, n,
                 n == 1 ? "" : "s", hs->peer_key ? "; chain verified before (cache)" : "");
    }
    if (hs->peer_key)
        goto usage;
    int64_t valid_until = INT64_MAX;
    if (verify) {
        char why[400];
        cr_verify_result vr = cr_verify_chain_at(
            c->cfg->trust, chain, n, c->role == CLASP_CLIENT ? CR_PURPOSE_SERVER : CR_PURPOSE_CLIENT,
            name, now, &valid_until, why, sizeof why);
        if (vr != CR_VERIFY_OK) {
            rc = cl_fail(c, verify_alert(vr), CLASP_E_CERTIFICATE, "%s certificate rejected: %s",
                         peer, why);
            goto out;
        }
    }
    hs->peer_key = cr_cert_pubkey(chain[0]);
    if (!hs->peer_key) {
        rc = cl_fail(c, CL_ALERT_UNSUPPORTED_CERTIFICATE, CLASP_E_CERTIFICATE,
                     "the %s's certificate has a key type clasp cannot use", peer);
        goto out;
    }
    key_uses = cr_cert_key_uses(chain[0]);
    /* Until the first notAfter of the path that was verified, trust anchor
     * included (it need not be in the peer's chain). */
    if (cacheable)
        cl_vcache_store(c->cfg->verified, id, hs->peer_key, key_uses, valid_until);
usage:
    /* With verification off (an insecure client), no certificate check at all. */
    if (verify && !(key_uses & key_use_needed(c))) {
        /* A chain verified before has not been parsed: the message needs the leaf. */
        if (!parsed && !(chain[parsed++] = cr_cert_parse(c->peer_der[0], c->peer_der_len[0])))
            rc = cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_NOMEM, "out of memory");
        else
            rc = refuse_key_usage(c, chain[0]);
        goto out;
    }
    if (cl_transcript_add(c, msg, len)) {
        rc = cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "transcript update failed");
        goto out;
    }
    c->peer_verified = verify; /* a session made from this connection records it */
    rc = CLASP_OK;
out:
    for (size_t i = 0; i < parsed; i++)
        cr_cert_free(chain[i]);
    return rc;
}

int cl_recv_certificate_verify(clasp_conn *c, const uint8_t *msg, size_t len)
{
    cl_hs *hs = c->hs;
    const char *peer = cl_role_name(c, 1);
    cl_reader r = cl_reader_init(msg + 4, len - 4), sig;
    uint16_t scheme;
    if (cl_rd_u16(&r, &scheme) || cl_rd_vec(&r, 2, &sig) || !cl_rd_empty(&r))
        return CL_DECODE_FAIL(c, "CertificateVerify message");
    int offered = 0;
    for (size_t i = 0; i < c->cfg->n_sigalgs; i++)
        offered |= c->cfg->sigalgs[i] == scheme;
    if (!offered || !cl_sigalg_allowed_tls13(scheme) || !cr_pkey_matches_scheme(hs->peer_key, scheme))
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the %s signed with %s (0x%04x), which was not offered or does not fit "
                       "its key", peer, cl_sigalg_name(scheme), scheme);
    uint8_t content[64 + 34 + CR_MAX_HASH];
    size_t n = cv_content(c, c->role == CLASP_CLIENT, content);
    if (!n)
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "transcript hash failed");
    if (cr_verify(hs->peer_key, scheme, content, n, sig.p, sig.n))
        return cl_fail(c, CL_ALERT_DECRYPT_ERROR, CLASP_E_PROTOCOL,
                       "the %s's CertificateVerify signature (%s) does not verify: it does not "
                       "hold the private key of its certificate",
                       peer, cl_sigalg_name(scheme));
    if (c->role == CLASP_CLIENT)
        c->peer_sigalg = scheme;
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_RECV, "CertificateVerify", "%s, signature verified",
                 cl_sigalg_name(scheme));
    if (cl_transcript_add(c, msg, len))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "transcript update failed");
    return CLASP_OK;
}
