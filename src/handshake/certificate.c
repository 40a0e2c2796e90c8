/* SPDX-License-Identifier: Apache-2.0 */
/* Certificate (both versions' formats) and the TLS 1.3 CertificateVerify,
 * sent and received by either role. Deciding whether a peer's chain is
 * accepted is src/x509's; this file parses the message and acts on the
 * verdict. The TLS 1.2 CertificateVerify is a step of client12.c (sent)
 * and server12.c (received). */
#include <stdio.h>
#include <stdlib.h>

#include "handshake/hs.h"
#include "x509/chain.h"

cl_result cl_send_certificate(clasp_conn *c, const cl_cert_key *ck, const uint8_t *context,
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
        if (tls13 && i == 0 && c->role == CLASP_SERVER && c->hs->ocsp_staple && ck->ocsp_len)
            cl_write_status_entry_ext(&m, ck);
        else if (tls13)
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

/* The signed content of CertificateVerify (RFC 8446 4.4.3) over the
 * transcript hash th (NULL: the transcript as it stands). */
static size_t cv_content(clasp_conn *c, int by_server, const uint8_t *th, uint8_t *out)
{
    static const char srv[] = "TLS 1.3, server CertificateVerify";
    static const char cli[] = "TLS 1.3, client CertificateVerify";
    memset(out, 0x20, 64);
    memcpy(out + 64, by_server ? srv : cli, sizeof srv); /* includes the 0 separator */
    size_t n = 64 + sizeof srv;
    if (th)
        memcpy(out + n, th, cl_hash_len(c));
    else if (cl_transcript_hash(c, out + n))
        return 0;
    return n + cl_hash_len(c);
}

cl_result cl_send_certificate_verify(clasp_conn *c)
{
    cl_hs *hs = c->hs;
    uint8_t content[64 + 34 + CR_MAX_HASH];
    size_t n = cv_content(c, c->role == CLASP_SERVER, NULL, content);
    if (!n)
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "could not build the content our CertificateVerify signs");
    cl_buf m;
    cl_hs_begin(&m, CL_HS_CERTIFICATE_VERIFY);
    cl_wr_u16(&m, hs->sigalg);
    size_t v = cl_wr_begin_vec(&m, 2);
    if (CL_TEST(c) && CL_TEST(c)->signature) {
        cl_wr_bytes(&m, CL_TEST(c)->signature, CL_TEST(c)->signature_len);
        cl_wr_end_vec(&m, v, 2);
        return cl_hs_send(c, &m, NULL, cl_sigalg_name(hs->sigalg));
    }
    /* With our key, or the application's callback (which may answer later). */
    return cl_key_sign(c, CL_KEY_STEP_CV13, &m, v, content, n, cl_sigalg_name(hs->sigalg));
}

static int rsa_key_exchange(const clasp_conn *c)
{
    return c->version == CLASP_TLS1_2 && c->role == CLASP_CLIENT && c->suite &&
           c->suite->kx == CL_KX_RSA;
}

/* What the peer's key does in this handshake, which its keyUsage must allow. */
static cl_key_purpose peer_key_purpose(const clasp_conn *c)
{
    if (rsa_key_exchange(c))
        return CL_KEY_FOR_RSA_PREMASTER;
    if (c->version == CLASP_TLS1_2 && c->role == CLASP_CLIENT)
        return CL_KEY_FOR_SERVER_KEY_EXCHANGE;
    return CL_KEY_FOR_CERTIFICATE_VERIFY;
}

_Static_assert(CL_MAX_CHAIN <= CL_X509_MAX_CHAIN, "x509 takes every chain the handshake keeps");

cl_result cl_recv_certificate(clasp_conn *c, const uint8_t *msg, size_t len)
{
    cl_hs *hs = c->hs;
    const char *peer = cl_role_name(c, 1);
    int tls13 = c->version != CLASP_TLS1_2;
    cl_reader r = cl_reader_init(msg, len), ctx = cl_reader_init(NULL, 0), list;
    if ((tls13 && cl_rd_vec(&r, 1, &ctx)) || cl_rd_vec(&r, 3, &list) || !cl_rd_empty(&r))
        return CL_DECODE_FAIL(c, "Certificate message");
    /* The server's context is empty; the client echoes ours (RFC 8446 4.4.2). */
    size_t want = c->role == CLASP_SERVER ? hs->cr_context.len : 0;
    if (ctx.n != want || (ctx.n && memcmp(ctx.p, hs->cr_context.data, ctx.n) != 0))
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the %s's Certificate has the wrong request context", peer);
    size_t n = 0;
    cl_result rc = CL_FAILED;
    /* First the raw certificates: a chain verified before needs no parsing. */
    while (!cl_rd_empty(&list)) {
        cl_reader der, exts = cl_reader_init(NULL, 0);
        if (cl_rd_vec_nonempty(&list, 3, &der) || (tls13 && cl_rd_vec(&list, 2, &exts))) {
            rc = CL_DECODE_FAIL(c, "Certificate message");
            goto out;
        }
        /* Only the leaf's OCSP response, when we asked (ocsp.c). */
        if (exts.n && (rc = cl_certificate_entry_exts(c, exts, n)) != CL_OK)
            goto out;
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
        rc = CL_OK;
        goto out;
    }
    hs->peer_sent_cert = 1;
    int verify = c->role == CLASP_CLIENT ? c->cfg->verify_peer : 1;
    if (CL_TEST(c) && CL_TEST(c)->skip_verify_time)
        verify = 0;
    /* The application's verifier replaces path validation (verify_cb.c). */
    int custom = verify && c->cfg->custom_verify_fn;
    cl_chain_policy policy = {
        .role = c->role,
        .version = c->version,
        .name = c->role == CLASP_CLIENT ? c->server_name : NULL,
        .verify = verify && !custom,
        .usage_only = custom,
        .trust = c->cfg->trust,
        .cache = c->cfg->verified,
        .now = (int64_t)cl_now(c->cfg),
        .key_purpose = peer_key_purpose(c),
        .suite_name = c->suite ? c->suite->iana : NULL,
        .want_subject = cl_trace_on(c),
    };
    cl_chain_verdict verdict;
    cl_chain_accept(&policy, c->peer_der, c->peer_der_len, n, &verdict);
    hs->peer_key = verdict.key;
    if (verdict.have_subject)
        cl_trace(c, CLASP_TRACE_RECV, "Certificate", "%s (%zu cert%s)%s", verdict.subject, n,
                 n == 1 ? "" : "s", verdict.from_cache ? "; chain verified before (cache)" : "");
    if (verdict.alert >= 0) {
        rc = cl_fail(c, verdict.alert, verdict.kind, "%s", verdict.sentence);
        goto out;
    }
    if (verify && (rc = cl_verify_by_callbacks(c)) != CL_OK)
        goto out;
    if (c->role == CLASP_CLIENT && (rc = cl_check_ocsp(c, tls13)) != CL_OK)
        goto out;
    c->peer_verified = verify; /* a session made from this connection records it */
    rc = CL_OK;
out:
    return rc;
}

cl_result cl_recv_certificate_verify(clasp_conn *c, const uint8_t *msg, size_t len)
{
    cl_hs *hs = c->hs;
    const char *peer = cl_role_name(c, 1);
    cl_reader r = cl_reader_init(msg, len), sig;
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
    size_t n = cv_content(c, c->role == CLASP_CLIENT, hs->th_before, content);
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
    return CL_OK;
}
