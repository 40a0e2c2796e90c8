/* SPDX-License-Identifier: Apache-2.0 */
/* TLS 1.3 client (RFC 8446 2):
 *
 *   ClientHello            -->
 *                          <--  ServerHello (or HelloRetryRequest, then again)
 *                          <--  {EncryptedExtensions}
 *                          <--  {CertificateRequest}?
 *                          <--  {Certificate} {CertificateVerify} {Finished}
 *   {Certificate {CertificateVerify}}? {Finished}  -->
 */
#include <stdio.h>
#include <stdlib.h>

#include "handshake/hs.h"

cl_result cl_client13_start(clasp_conn *c)
{
    cl_hs *hs = c->hs;
    const clasp_config *cfg = c->cfg;
    if (cfg->verify_peer && !c->server_name)
        return cl_fail(c, -1, CLASP_E_CONFIG,
                       "no server name to verify the certificate against: set one "
                       "(clasp_conn_set_server_name) or turn verification off explicitly");
    if (cfg->verify_peer && !cfg->trust)
        return cl_fail(c, -1, CLASP_E_CONFIG, "no trust anchors: the system CA store could not be "
                                              "loaded; give a CA file");
    if (cfg->n_groups == 0)
        return cl_fail(c, -1, CLASP_E_CONFIG, "no key exchange groups configured");
    int have13 = 0, have12 = 0;
    for (size_t i = 0; i < cfg->n_suites; i++) {
        const cl_suite *s = cl_suite_by_id(cfg->suites[i]);
        have13 |= s && s->version == CLASP_TLS1_3;
        have12 |= s && s->version == CLASP_TLS1_2;
    }
    hs->offer13 = have13 && cfg->max_version >= CLASP_TLS1_3;
    hs->offer12 = have12 && cfg->min_version <= CLASP_TLS1_2;
    if (!hs->offer13 && !hs->offer12)
        return cl_fail(c, -1, CLASP_E_CONFIG, "no cipher suite is enabled for the allowed "
                                              "versions (TLS 1.3 suites need --tls1.3, TLS 1.2 "
                                              "suites --tls1.2)");
    if (cl_random(c, hs->client_random, 32))
        return cl_fail(c, -1, CLASP_E_INTERNAL, "the random number generator failed");
    /* A TLS 1.2 session to resume: its id, or (with a ticket only) a random
     * one whose echo tells us the ticket was accepted (RFC 5077 3.4). */
    const cl_session *o = c->offer;
    /* Never a session without the extended master secret (RFC 7627 5.3),
     * nor one whose server was not verified the way we verify. */
    if (o && hs->offer12 && o->version == CLASP_TLS1_2 && cl_suite_offered(c, o->suite) &&
        !strcmp(o->server_name, c->server_name ? c->server_name : "") && o->ems &&
        cl_session_auth_ok(cfg, o) && (o->session_id_len || o->ticket_len)) {
        hs->offer12_session = 1;
        if (o->session_id_len) {
            memcpy(hs->session_id, o->session_id, o->session_id_len);
            hs->session_id_len = o->session_id_len;
        }
    }
    if (!hs->session_id_len && (cfg->middlebox_compat || hs->offer12_session)) {
        hs->session_id_len = 32;
        if (cl_random(c, hs->session_id, 32))
            return cl_fail(c, -1, CLASP_E_INTERNAL, "the random number generator failed");
    }
    hs->kx_group = cfg->groups[0];
    hs->client_version = CLASP_TLS1_2; /* our legacy_version, echoed in an RSA premaster */
    /* RFC 8446 5.1: the first ClientHello's record may say TLS 1.0, which
     * old middleboxes expect. */
    cl_set_record_version(c, 0x0301);
    c->state = CL_ST_C_WAIT_SH;
    return cl_send_client_hello(c);
}

/* RFC 8446 4.1.3: a server able to speak TLS 1.3 marks the random of a
 * ServerHello that selects TLS 1.2 ("DOWNGRD\1") or older ("DOWNGRD\0").
 * A client that offered TLS 1.3 checks both; one that offered only TLS 1.2
 * was not downgraded to 1.2, but checks the second mark when 1.1 or older
 * is selected. */
CL_MUST_CHECK static cl_result check_downgrade(clasp_conn *c, const cl_server_hello *sh)
{
    const uint8_t *tail = sh->random + 24;
    int older = sh->legacy_version < CLASP_TLS1_2;
    if (c->hs->offer13 && memcmp(tail, cl_downgrade_tls12, 8) == 0)
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "downgrade attack detected: the server supports TLS 1.3, but the "
                       "ServerHello that arrived selects version 0x%04x (RFC 8446 4.1.3 sentinel)",
                       sh->legacy_version);
    if ((c->hs->offer13 || older) && memcmp(tail, cl_downgrade_tls11, 8) == 0)
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "downgrade attack detected: the server supports TLS 1.2 or newer, but the "
                       "ServerHello that arrived selects version 0x%04x (RFC 8446 4.1.3 "
                       "sentinel DOWNGRD\\0)", sh->legacy_version);
    return CL_OK;
}

/* Version, session id, suite and compression checks common to HRR and SH. */
CL_MUST_CHECK static cl_result check_hello_basics(clasp_conn *c, const cl_server_hello *sh, const char *what)
{
    cl_hs *hs = c->hs;
    if (!sh->has_versions) {
        /* The server picked TLS 1.2 or older through legacy_version. */
        CL_TRY(check_downgrade(c, sh));
        if (sh->legacy_version == CLASP_TLS1_2)
            return cl_fail(c, CL_ALERT_PROTOCOL_VERSION, CLASP_E_NEGOTIATION,
                           "the server chose TLS 1.2, but this client offered only TLS 1.3 (%s)",
                           c->cfg->min_version > CLASP_TLS1_2
                               ? "it is set to TLS 1.3 only; allow TLS 1.2 to connect"
                               : "no TLS 1.2 cipher suite is enabled; enable one to connect");
        if (sh->legacy_version > CLASP_TLS1_2)
            return cl_fail(c, CL_ALERT_PROTOCOL_VERSION, CLASP_E_NEGOTIATION,
                           "the server's %s names version 0x%04x in legacy_version without "
                           "supported_versions; TLS 1.3 is selected only through that extension",
                           what, sh->legacy_version);
        return cl_fail(c, CL_ALERT_PROTOCOL_VERSION, CLASP_E_NEGOTIATION,
                       "the server chose an obsolete protocol version (0x%04x); clasp refuses SSL "
                       "3.0, TLS 1.0 and TLS 1.1 (RFC 8996)", sh->legacy_version);
    }
    /* RFC 8446 4.2.1: with supported_versions, legacy_version is ignored,
     * except that SSL 3.0 there is always refused (D.5). */
    if (sh->legacy_version <= 0x0300)
        return cl_fail(c, CL_ALERT_PROTOCOL_VERSION, CLASP_E_NEGOTIATION,
                       "the server's %s has legacy_version 0x%04x (SSL 3.0 or older), which must "
                       "be refused (RFC 8446 D.5)", what, sh->legacy_version);
    if (sh->version != CLASP_TLS1_3)
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the server selected version 0x%04x in the supported_versions extension of "
                       "its %s; only TLS 1.3 (0x0304) can be selected there", sh->version, what);
    if (sh->session_id.n != hs->session_id_len ||
        memcmp(sh->session_id.p, hs->session_id, hs->session_id_len) != 0)
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the server's %s does not echo our legacy session id", what);
    const cl_suite *s = cl_suite_by_id(sh->suite);
    if (!s || s->version != CLASP_TLS1_3 || !cl_suite_offered(c, sh->suite))
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the server chose cipher suite 0x%04x, which this client did not offer",
                       sh->suite);
    if (c->suite && c->suite != s)
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the server changed the cipher suite after its HelloRetryRequest");
    if (sh->compression != 0)
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the server chose compression method %u; TLS 1.3 allows none",
                       sh->compression);
    c->suite = s;
    return CL_OK;
}

CL_MUST_CHECK static cl_result handle_hrr(clasp_conn *c, const uint8_t *msg, size_t len)
{
    cl_hs *hs = c->hs;
    cl_server_hello sh;
    CL_TRY(cl_parse_server_hello(c, msg, len, &sh, 1));
    if (hs->hrr)
        return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                       "the server sent a second HelloRetryRequest");
    CL_TRY(check_hello_basics(c, &sh, "HelloRetryRequest"));
    hs->hrr = 1;
    if (!sh.has_key_share && !sh.has_cookie)
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the server's HelloRetryRequest asks for no change");
    if (sh.has_key_share) {
        int ours = 0;
        for (size_t i = 0; i < c->cfg->n_groups; i++)
            ours |= c->cfg->groups[i] == sh.share_group;
        int sent = sh.share_group == hs->kx_group || (hs->kx2_group && sh.share_group == hs->kx2_group);
        if (!ours || sent)
            return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                           "the server's HelloRetryRequest asks for group %s (0x%04x), which is "
                           "%s", cl_group_name(sh.share_group), sh.share_group,
                           ours ? "the one we already sent a key share for" : "not one we offered");
        hs->kx_group = sh.share_group;
    }
    if (sh.has_cookie) {
        cl_buf_reset(&hs->cookie);
        cl_wr_bytes(&hs->cookie, sh.cookie.p, sh.cookie.n);
    }
    cl_set_record_version(c, 0);
    if (cl_transcript_hrr_restart(c, 4 + len)) /* the HRR with its header */
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "transcript update failed");
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_RECV, "HelloRetryRequest", "%s; wants key_share %s%s",
                 c->suite->iana, cl_group_name(hs->kx_group), sh.has_cookie ? "; cookie" : "");
    if (c->cfg->middlebox_compat)
        CL_TRY(cl_send_change_cipher_spec(c));
    return cl_send_client_hello(c);
}

/* RFC 8446 4.1.3: a ServerHello whose random is the special value is a
 * HelloRetryRequest. */
static int is_hello_retry_request(const uint8_t *msg, size_t len)
{
    cl_reader r = cl_reader_init(msg, len);
    uint16_t legacy_version;
    const uint8_t *random;
    return cl_rd_u16(&r, &legacy_version) == 0 && cl_rd_bytes(&r, 32, &random) == 0 &&
           memcmp(random, cl_hrr_random, 32) == 0;
}

CL_MUST_CHECK static cl_result handle_server_hello(clasp_conn *c, const uint8_t *msg, size_t len)
{
    cl_hs *hs = c->hs;
    /* A client that offered no TLS 1.3 knows no HelloRetryRequest. */
    if (hs->offer13 && is_hello_retry_request(msg, len))
        return handle_hrr(c, msg, len);
    cl_server_hello sh;
    CL_TRY(cl_parse_server_hello(c, msg, len, &sh, 0));
    if (!sh.has_versions && sh.legacy_version == CLASP_TLS1_2 && hs->offer12) {
        CL_TRY(check_downgrade(c, &sh));
        if (hs->hrr)
            return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                           "the server chose TLS 1.2 after a TLS 1.3 HelloRetryRequest");
        return cl_client12_server_hello(c, &sh);
    }
    CL_TRY(check_hello_basics(c, &sh, "ServerHello"));
    if (sh.has_reneg || sh.has_ems || sh.has_point_formats || sh.has_alpn || sh.has_sni ||
        sh.has_session_ticket || sh.has_status_request)
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the server's TLS 1.3 ServerHello carries TLS 1.2 extensions");
    if (!sh.has_key_share)
        return cl_fail(c, CL_ALERT_MISSING_EXTENSION, CLASP_E_PROTOCOL,
                       "the server's ServerHello has no key_share (PSK-only handshakes are not "
                       "offered)");
    /* The share must answer one of ours (both, beside a hybrid). */
    cr_kx *mine = sh.share_group == hs->kx_group ? hs->kx
                  : hs->kx2_group && sh.share_group == hs->kx2_group ? hs->kx2 : NULL;
    if (!mine) {
        char sent[64];
        snprintf(sent, sizeof sent, "%s%s%s", cl_group_name(hs->kx_group),
                 hs->kx2_group ? " and " : "", hs->kx2_group ? cl_group_name(hs->kx2_group) : "");
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the server answered with a key share for %s (0x%04x), but we sent %s",
                       cl_group_name(sh.share_group), sh.share_group, sent);
    }
    memcpy(hs->server_random, sh.random, 32);
    cl_set_record_version(c, 0);
    c->version = CLASP_TLS1_3;
    c->group = sh.share_group;
    uint8_t dhe[CR_MAX_KX_SECRET];
    size_t dhe_len = sizeof dhe;
    int kx_rc = cr_kx_derive(mine, sh.share.p, sh.share.n, dhe, &dhe_len);
    if (kx_rc == -1)
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "%s key exchange failed",
                       cl_group_name(c->group));
    if (kx_rc)
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL, "the server's %s key share is invalid (%zu bytes): %s",
                       cl_group_name(c->group), sh.share.n, cl_kx_problem(kx_rc, c->group));
    cr_kx_free(hs->kx);
    cr_kx_free(hs->kx2);
    hs->kx = hs->kx2 = NULL;
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_RECV, "ServerHello", "TLS 1.3; %s; key_share %s (%zu bytes)%s",
                 c->suite->iana, cl_group_name(c->group), sh.share.n,
                 sh.has_psk ? "; our ticket accepted (resumption)" : "");
    if (sh.has_psk) {
        if (c->suite->hash != hs->psk_hash)
            return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                           "the server resumed our ticket with a suite of another hash");
        hs->psk_accepted = 1;
        c->resumed = 1;
        /* The server's certificate, as the session recorded it. */
        if (cl_session_restore_peer(c, c->offer))
            return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_NOMEM, "out of memory");
    }
    cl_result rc = CL_OK;
    if (cl_transcript_start(c) ||
        cl_ks_early(c, hs->psk_accepted ? hs->psk : NULL, hs->psk_len) ||
        cl_ks_handshake(c, dhe, dhe_len) || cl_ks_install(c, hs->s_hs, 0))
        rc = cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "key schedule failed");
    cl_wipe(dhe, sizeof dhe);
    if (rc != CL_OK)
        return rc;
    /* Our compatibility CCS goes before anything encrypted (RFC 8446 D.4). */
    if (c->cfg->middlebox_compat && !hs->hrr)
        CL_TRY(cl_send_change_cipher_spec(c));
    if (cl_ks_install(c, hs->c_hs, 1))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "key schedule failed");
    c->state = CL_ST_C_WAIT_EE;
    return CL_OK;
}

CL_MUST_CHECK static cl_result handle_encrypted_extensions(clasp_conn *c, const uint8_t *msg, size_t len)
{
    cl_reader r = cl_reader_init(msg, len), exts;
    if (cl_rd_vec(&r, 2, &exts) || !cl_rd_empty(&r))
        return CL_DECODE_FAIL(c, "EncryptedExtensions");
    cl_ext_iter it;
    cl_ext_begin(&it, exts);
    uint16_t type;
    cl_reader body;
    int got;
    while ((got = cl_ext_next(&it, &type, &body)) != CL_EXT_END) {
        cl_reader list;
        if (got == CL_EXT_MALFORMED)
            return CL_DECODE_FAIL(c, "EncryptedExtensions");
        if (got == CL_EXT_DUPLICATE)
            return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                           "the server sent extension %u twice in EncryptedExtensions", type);
        char label[48];
        if (!cl_client_sent_ext(c->hs, type))
            return cl_fail(c, CL_ALERT_UNSUPPORTED_EXTENSION, CLASP_E_PROTOCOL,
                           "the server sent extension %u%s in EncryptedExtensions, which this "
                           "client did not offer", type, cl_ext_label(type, label, sizeof label));
        switch (type) {
        case CL_EXT_SERVER_NAME:
            if (body.n != 0)
                return CL_DECODE_FAIL(c, "server_name acknowledgement (it must be empty)");
            break;
        case CL_EXT_SUPPORTED_GROUPS: /* the server's preferences: noted, not needed */
            if (cl_rd_vec_nonempty(&body, 2, &list) || !cl_rd_empty(&body) || list.n % 2)
                return CL_DECODE_FAIL(c, "supported_groups extension");
            break;
        case CL_EXT_ALPN:
            if (cl_accept_server_alpn(c, body) != CL_OK)
                return CL_FAILED;
            break;
        case CL_EXT_RECORD_SIZE_LIMIT: {
            uint16_t limit;
            if (!CL_TEST(c) ||
                (!CL_TEST(c)->legacy_client_extensions && !CL_TEST(c)->record_size_limit))
                return cl_fail(c, CL_ALERT_UNSUPPORTED_EXTENSION, CLASP_E_PROTOCOL,
                               "the server sent extension %u, which this client did not offer", type);
            if (cl_rd_u16(&body, &limit) || !cl_rd_empty(&body))
                return CL_DECODE_FAIL(c, "record_size_limit extension");
            if (limit < 64)
                return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                               "the server asked for records of at most %u bytes (minimum 64)", limit);
            c->peer_record_limit = limit; /* for every protected record we send (RFC 8449 4) */
            break;
        }
        default: /* one we sent that has no place here (RFC 8446 4.2) */
            return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                           "the server sent extension %u%s in EncryptedExtensions, where it is "
                           "not allowed", type, cl_ext_label(type, label, sizeof label));
        }
    }
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_RECV, "EncryptedExtensions", "alpn=%s",
                 c->has_alpn ? c->alpn : "-");
    /* Resumption: the ticket's PSK stands in for the certificate. */
    c->state = c->hs->psk_accepted ? CL_ST_C_WAIT_FINISHED : CL_ST_C_WAIT_CERT_CR;
    return CL_OK;
}

CL_MUST_CHECK static cl_result handle_certificate_request(clasp_conn *c, const uint8_t *msg, size_t len)
{
    cl_hs *hs = c->hs;
    cl_reader r = cl_reader_init(msg, len), ctx, exts;
    if (cl_rd_vec(&r, 1, &ctx) || cl_rd_vec(&r, 2, &exts) || !cl_rd_empty(&r))
        return CL_DECODE_FAIL(c, "CertificateRequest");
    /* RFC 8446 4.3.2: empty except in post-handshake authentication,
     * which clasp does not offer. */
    if (ctx.n)
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the server's CertificateRequest has a %zu-byte certificate_request_context; "
                       "in the handshake it must be empty", ctx.n);
    int have_sigalgs = 0;
    cl_ext_iter it;
    cl_ext_begin(&it, exts);
    uint16_t type;
    cl_reader body;
    int got;
    while ((got = cl_ext_next(&it, &type, &body)) != CL_EXT_END) {
        cl_reader list;
        char label[48];
        if (got == CL_EXT_MALFORMED)
            return CL_DECODE_FAIL(c, "CertificateRequest");
        if (got == CL_EXT_DUPLICATE)
            return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                           "the server sent extension %u%s twice in its CertificateRequest", type,
                           cl_ext_label(type, label, sizeof label));
        switch (type) {
        case CL_EXT_SIGNATURE_ALGORITHMS:
            have_sigalgs = 1;
            if (cl_rd_vec_nonempty(&body, 2, &list) || !cl_rd_empty(&body) || list.n % 2)
                return CL_DECODE_FAIL(c, "signature_algorithms extension");
            hs->n_peer_sigalgs = cl_read_sigalgs(list, hs->peer_sigalgs, CL_MAX_SIGALGS);
            break;
        /* The others a CertificateRequest may carry: we have at most a few
         * certificates, so we do not filter by them. */
        case CL_EXT_STATUS_REQUEST:
        case CL_EXT_SCT:
        case CL_EXT_CERTIFICATE_AUTHORITIES:
        case 48: /* oid_filters */
        case CL_EXT_SIGNATURE_ALGORITHMS_CERT:
            break;
        default:
            /* Unknown ones are ignored (RFC 8446 4.3.2); known ones that
             * belong elsewhere are refused (4.2). */
            if (*cl_ext_name(type))
                return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                               "the server sent extension %u%s in its CertificateRequest, where "
                               "it is not allowed", type, cl_ext_label(type, label, sizeof label));
            break;
        }
    }
    if (!have_sigalgs)
        return cl_fail(c, CL_ALERT_MISSING_EXTENSION, CLASP_E_PROTOCOL,
                       "the server's CertificateRequest has no signature_algorithms");
    cl_buf_reset(&hs->cr_context);
    cl_wr_bytes(&hs->cr_context, ctx.p, ctx.n);
    hs->cert_requested = 1;
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_RECV, "CertificateRequest", "%zu signature algorithms accepted",
                 hs->n_peer_sigalgs);
    c->state = CL_ST_C_WAIT_CERT;
    return CL_OK;
}

/* After the server's Finished: our certificate if asked, our Finished, and
 * the switch to application keys. */
CL_MUST_CHECK static cl_result send_second_flight(clasp_conn *c)
{
    cl_hs *hs = c->hs;
    if (hs->cert_requested) {
        const cl_cert_key *chosen = NULL;
        for (size_t i = 0; i < c->cfg->n_certs && !chosen; i++) {
            uint16_t s = cl_choose_sigalg(c->cfg->certs[i].key, hs->peer_sigalgs, hs->n_peer_sigalgs);
            if (s) {
                chosen = &c->cfg->certs[i];
                hs->sigalg = s;
            }
        }
        hs->cert = chosen;
        CL_TRY(cl_send_certificate(c, chosen, hs->cr_context.data, hs->cr_context.len));
        if (chosen)
            CL_TRY(cl_send_certificate_verify(c)); /* may wait for the key callback */
    }
    return cl_client13_after_certificate_verify(c);
}

/* Our Finished and the application keys (also where a CertificateVerify
 * that waited for the private-key callback resumes). */
cl_result cl_client13_after_certificate_verify(clasp_conn *c)
{
    cl_hs *hs = c->hs;
    CL_TRY(cl_send_finished(c, hs->c_hs));
    if (cl_ks_install(c, hs->c_ap, 1) || cl_ks_resumption(c))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "key schedule failed");
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_KEY, "application keys", "both directions now use application traffic keys");
    cl_hs_finish(c);
    return CL_OK;
}

cl_result cl_client13_message(clasp_conn *c, uint8_t type, const uint8_t *msg, size_t len)
{
    cl_hs *hs = c->hs;
    switch (type) {
    case CL_HS_SERVER_HELLO:
        return handle_server_hello(c, msg, len);
    case CL_HS_ENCRYPTED_EXTENSIONS:
        return handle_encrypted_extensions(c, msg, len);
    case CL_HS_CERTIFICATE_REQUEST:
        return handle_certificate_request(c, msg, len);
    case CL_HS_CERTIFICATE:
        CL_TRY(cl_recv_certificate(c, msg, len));
        c->state = CL_ST_C_WAIT_CV;
        return CL_OK;
    case CL_HS_CERTIFICATE_VERIFY:
        CL_TRY(cl_recv_certificate_verify(c, msg, len));
        c->state = CL_ST_C_WAIT_FINISHED;
        return CL_OK;
    case CL_HS_FINISHED:
        CL_TRY(cl_recv_finished(c, msg, len, hs->s_hs));
        if (cl_ks_master(c) || cl_ks_install(c, hs->s_ap, 0))
            return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "key schedule failed");
        return send_second_flight(c);
    }
    return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL, "unexpected %s",
                   cl_hs_type_name(type));
}
