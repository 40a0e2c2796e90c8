/* SPDX-License-Identifier: Apache-2.0 */
/* TLS 1.2 client (RFC 5246 7.3), picked up after a ServerHello that
 * selects TLS 1.2:
 *
 *                          <--  ServerHello Certificate
 *                               ServerKeyExchange (ECDHE, DHE; not RSA)
 *                               CertificateRequest? ServerHelloDone
 *   Certificate? ClientKeyExchange CertificateVerify?
 *   [ChangeCipherSpec] Finished  -->
 *                          <--  [ChangeCipherSpec] Finished
 */
#include <stdio.h>
#include <stdlib.h>

#include "handshake/hs.h"

/* Minimum finite-field group size we accept from a server. */
#define MIN_DH_BITS 2048

static int offered(const uint16_t *list, size_t n, uint16_t v)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == v)
            return 1;
    return 0;
}

static const char *kx_name(cl_kx_kind kx)
{
    switch (kx) {
    case CL_KX_ECDHE: return "ECDHE";
    case CL_KX_DHE: return "DHE";
    case CL_KX_RSA: return "RSA";
    default: return "?";
    }
}

cl_result cl_client12_server_hello(clasp_conn *c, const cl_server_hello *sh)
{
    cl_hs *hs = c->hs;
    hs->ocsp_acked = sh->has_status_request;
    const cl_suite *s = cl_suite_by_id(sh->suite);
    if (!hs->offer12 || !s || s->version != CLASP_TLS1_2 ||
        !offered(c->cfg->suites, c->cfg->n_suites, sh->suite))
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the server chose cipher suite 0x%04x for TLS 1.2, which this client did "
                       "not offer", sh->suite);
    if (sh->compression != 0)
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the server chose compression method %u; clasp allows none", sh->compression);
    if (sh->has_key_share || sh->has_cookie || sh->has_psk)
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the server's TLS 1.2 ServerHello carries TLS 1.3 extensions");
    /* RFC 5746 3.4: on an initial handshake the extension must be empty. */
    if (sh->has_reneg && (sh->reneg.n != 1 || sh->reneg.p[0] != 0))
        return cl_fail(c, CL_ALERT_HANDSHAKE_FAILURE, CLASP_E_PROTOCOL,
                       "the server's renegotiation_info is not empty on a first handshake");
    hs->ems = sh->has_ems;
    if (c->cfg->require_ems && !hs->ems)
        return cl_fail(c, CL_ALERT_HANDSHAKE_FAILURE, CLASP_E_NEGOTIATION,
                       "the server does not support the extended master secret (RFC 7627), "
                       "which this configuration requires");
    /* An ALPN we never offered was refused with the other unsolicited
     * extensions (cl_parse_server_hello). */
    if (sh->has_alpn && cl_accept_server_alpn(c, sh->alpn) != CL_OK)
        return CL_FAILED;
    c->version = CLASP_TLS1_2;
    c->suite = s;
    cl_set_record_version(c, 0);
    cr_kx_free(hs->kx); /* the TLS 1.3 key shares are not needed */
    hs->kx = NULL;
    cr_kx_free(hs->kx2);
    hs->kx2 = NULL;
    memcpy(hs->server_random, sh->random, 32);
    hs->issue_ticket12 = sh->has_session_ticket;
    /* The server echoing the session id we offered means it resumes. */
    if (hs->offer12_session && sh->session_id.n == hs->session_id_len && sh->session_id.n &&
        memcmp(sh->session_id.p, hs->session_id, hs->session_id_len) == 0) {
        const cl_session *o = c->offer;
        if (o->suite != sh->suite)
            return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                           "the server resumed our session with another cipher suite");
        /* RFC 7627 5.3: the resumed session's EMS state must not change. */
        if (o->ems != hs->ems)
            return cl_fail(c, CL_ALERT_HANDSHAKE_FAILURE, CLASP_E_PROTOCOL,
                           "the server resumed a session with a different extended master secret "
                           "setting");
        memcpy(hs->master, o->secret, 48);
        hs->abbreviated = 1;
        c->resumed = 1;
        c->peer_sigalg = 0;
        /* The server's certificate, as the session recorded it. */
        if (cl_session_restore_peer(c, o))
            return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_NOMEM, "out of memory");
        if (cl_transcript_start(c))
            return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "transcript update failed");
        if (cl_trace_on(c))
            cl_trace(c, CLASP_TRACE_RECV, "ServerHello", "TLS 1.2; %s; session resumed (%s)",
                     s->iana, o->ticket_len ? "ticket" : "session id");
        c->state = CL_ST_C12_WAIT_CCS;
        return CL_OK;
    }
    memcpy(hs->session_id, sh->session_id.p, sh->session_id.n);
    hs->session_id_len = sh->session_id.n;
    hs->keep_raw = 1; /* a CertificateRequest may come: CertificateVerify signs the messages */
    if (cl_transcript_start(c))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "transcript update failed");
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_RECV, "ServerHello", "TLS 1.2; %s; %s key exchange%s%s", s->iana,
                 kx_name(s->kx), hs->ems ? "; extended master secret" : "",
                 sh->has_reneg ? "; secure renegotiation" : "");
    c->state = CL_ST_C12_WAIT_CERT;
    return CL_OK;
}

/* The server's key must be of the kind its suite signs or encrypts with. */
CL_MUST_CHECK static cl_result check_key_fits_suite(clasp_conn *c)
{
    cr_key_type t = cr_pkey_type(c->hs->peer_key);
    int ok = c->suite->auth == CL_AUTH_RSA ? t == CR_KEY_RSA
                                           : (t == CR_KEY_EC_P256 || t == CR_KEY_EC_P384 ||
                                              t == CR_KEY_EC_P521 || t == CR_KEY_ED25519);
    if (!ok)
        return cl_fail(c, CL_ALERT_UNSUPPORTED_CERTIFICATE, CLASP_E_CERTIFICATE,
                       "the server's certificate key does not fit its cipher suite %s",
                       c->suite->iana);
    return CL_OK;
}

CL_MUST_CHECK static cl_result handle_server_key_exchange(clasp_conn *c, const uint8_t *msg, size_t len)
{
    cl_hs *hs = c->hs;
    cl_reader r = cl_reader_init(msg, len), share, sig;
    cl_reader p = cl_reader_init(NULL, 0), g = cl_reader_init(NULL, 0);
    uint8_t pub[CR_MAX_KX_PUB];
    size_t pub_len = sizeof pub;
    uint16_t named = 0;
    size_t bits = 0;
    if (c->suite->kx == CL_KX_ECDHE) {
        uint8_t curve_type;
        uint16_t group;
        if (cl_rd_u8(&r, &curve_type) || cl_rd_u16(&r, &group) || cl_rd_vec_nonempty(&r, 1, &share))
            return CL_DECODE_FAIL(c, "ServerKeyExchange");
        if (curve_type != 3 || !offered(c->cfg->groups, c->cfg->n_groups, group) || group >= 0x100)
            return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                           "the server chose curve 0x%04x (type %u), which this client did not "
                           "offer", group, curve_type);
        named = group;
    } else {
        if (cl_rd_vec_nonempty(&r, 2, &p) || cl_rd_vec_nonempty(&r, 2, &g) ||
            cl_rd_vec_nonempty(&r, 2, &share))
            return CL_DECODE_FAIL(c, "ServerKeyExchange");
    }
    size_t params_len = (size_t)(r.p - msg);
    uint16_t scheme;
    if (cl_rd_u16(&r, &scheme) || cl_rd_vec_nonempty(&r, 2, &sig) || !cl_rd_empty(&r))
        return CL_DECODE_FAIL(c, "ServerKeyExchange");
    if (!offered(c->cfg->sigalgs, c->cfg->n_sigalgs, scheme) || !cl_sigalg_allowed_tls12(scheme) ||
        !cr_pkey_matches_scheme12(hs->peer_key, scheme))
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the server signed its key exchange with %s (0x%04x), which was not offered "
                       "or does not fit its key", cl_sigalg_name(scheme), scheme);
    /* Signed: client_random + server_random + the parameters. */
    uint8_t *signed_data = malloc(64 + params_len);
    if (!signed_data)
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_NOMEM, "out of memory");
    memcpy(signed_data, hs->client_random, 32);
    memcpy(signed_data + 32, hs->server_random, 32);
    memcpy(signed_data + 64, msg, params_len);
    int bad = cr_verify12(hs->peer_key, scheme, signed_data, 64 + params_len, sig.p, sig.n);
    free(signed_data);
    if (bad)
        return cl_fail(c, CL_ALERT_DECRYPT_ERROR, CLASP_E_PROTOCOL,
                       "the server's ServerKeyExchange signature (%s) does not verify: the key "
                       "exchange parameters were altered or the server lacks its key",
                       cl_sigalg_name(scheme));
    c->peer_sigalg = scheme;

    int rc = c->suite->kx == CL_KX_ECDHE
                 ? cl_ephemeral_key(c, named, &hs->kx, pub, &pub_len)
                 : cl_ephemeral_dh_key(c, p.p, p.n, g.p, g.n, &hs->kx, pub, &pub_len, &named, &bits);
    if (rc)
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the server's key exchange parameters are unusable");
    if (c->suite->kx == CL_KX_DHE && bits < MIN_DH_BITS)
        return cl_fail(c, CL_ALERT_INSUFFICIENT_SECURITY, CLASP_E_NEGOTIATION,
                       "the server's Diffie-Hellman group has only %zu bits; clasp requires at "
                       "least %d", bits, MIN_DH_BITS);
    size_t pms_len = sizeof hs->pms;
    if (cr_kx_derive_dhe12(hs->kx, share.p, share.n, hs->pms, &pms_len))
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the server's key share is invalid");
    if (c->suite->kx == CL_KX_DHE)
        pms_len = cl_dhe_premaster(hs->pms, pms_len);
    hs->pms_len = pms_len;
    memcpy(hs->kx_pub, pub, pub_len);
    hs->kx_pub_len = pub_len;
    if (named)
        c->group = named;
    else
        snprintf(c->group_label, sizeof c->group_label, "dhe%zu", bits);
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_RECV, "ServerKeyExchange", "%s %s; signed with %s, verified",
                 kx_name(c->suite->kx), cl_conn_group_name(c), cl_sigalg_name(scheme));
    c->state = CL_ST_C12_WAIT_CR_SHD;
    return CL_OK;
}

CL_MUST_CHECK static cl_result handle_certificate_request(clasp_conn *c, const uint8_t *msg, size_t len)
{
    cl_hs *hs = c->hs;
    cl_reader r = cl_reader_init(msg, len), types, sigalgs, cas;
    if (cl_rd_vec_nonempty(&r, 1, &types) || cl_rd_vec_nonempty(&r, 2, &sigalgs) ||
        sigalgs.n % 2 || cl_rd_vec(&r, 2, &cas) || !cl_rd_empty(&r))
        return CL_DECODE_FAIL(c, "CertificateRequest");
    hs->n_peer_sigalgs = cl_read_sigalgs(sigalgs, hs->peer_sigalgs, CL_MAX_SIGALGS);
    hs->cert_requested = 1;
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_RECV, "CertificateRequest", "%zu signature algorithms accepted",
                 hs->n_peer_sigalgs);
    c->state = CL_ST_C12_WAIT_SHD;
    return CL_OK;
}

CL_MUST_CHECK static cl_result send_client_key_exchange(clasp_conn *c)
{
    cl_hs *hs = c->hs;
    cl_buf m;
    cl_hs_begin(&m, CL_HS_CLIENT_KEY_EXCHANGE);
    char detail[128];
    if (c->suite->kx == CL_KX_RSA) {
        /* RFC 5246 7.4.7.1: the version we offered, then 46 random bytes,
         * encrypted to the server's RSA key. */
        hs->pms[0] = (uint8_t)(hs->client_version >> 8);
        hs->pms[1] = (uint8_t)hs->client_version;
        if (cl_random_secret(c, hs->pms + 2, 46)) {
            cl_buf_free(&m);
            return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "the random number generator failed");
        }
        hs->pms_len = 48;
        size_t max = cr_pkey_max_sig_len(hs->peer_key), n = max;
        size_t v = cl_wr_begin_vec(&m, 2);
        uint8_t *out = cl_wr_space(&m, max);
        if (!out || cr_rsa_encrypt_pkcs1(hs->peer_key, hs->pms, 48, out, &n)) {
            cl_buf_free(&m);
            return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "could not encrypt the premaster secret to the server's RSA key");
        }
        m.len -= max - n;
        cl_wr_end_vec(&m, v, 2);
        snprintf(c->group_label, sizeof c->group_label, "rsa");
        snprintf(detail, sizeof detail, "RSA: premaster secret encrypted to the server's key (%zu bytes)", n);
    } else if (c->suite->kx == CL_KX_DHE) {
        cl_write_dhe_share(c, &m, hs->kx_pub, hs->kx_pub_len);
        snprintf(detail, sizeof detail, "DHE: our %s public share", cl_conn_group_name(c));
    } else {
        size_t v = cl_wr_begin_vec(&m, 1);
        cl_wr_bytes(&m, hs->kx_pub, hs->kx_pub_len);
        cl_wr_end_vec(&m, v, 1);
        snprintf(detail, sizeof detail, "%s: our %s public share", kx_name(c->suite->kx),
                 cl_conn_group_name(c));
    }
    return cl_hs_send(c, &m, NULL, detail);
}

CL_MUST_CHECK static cl_result send_certificate_verify12(clasp_conn *c)
{
    cl_hs *hs = c->hs;
    cl_buf m;
    cl_hs_begin(&m, CL_HS_CERTIFICATE_VERIFY);
    cl_wr_u16(&m, hs->sigalg);
    size_t v = cl_wr_begin_vec(&m, 2);
    /* TLS 1.2 signs the handshake messages themselves (RFC 5246 7.4.8),
     * with our key or the application's callback (which may answer later). */
    return cl_key_sign(c, CL_KEY_STEP_CV12, &m, v, hs->pending.data, hs->pending.len,
                       cl_sigalg_name(hs->sigalg));
}

CL_MUST_CHECK static cl_result handle_server_hello_done(clasp_conn *c, const uint8_t *msg, size_t len)
{
    cl_hs *hs = c->hs;
    if (len != 0)
        return CL_DECODE_FAIL(c, "ServerHelloDone");
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_RECV, "ServerHelloDone", "%s",
                 hs->cert_requested ? "the server wants our certificate" : "our turn");
    if (hs->cert_requested) {
        hs->cert = NULL;
        for (size_t i = 0; i < c->cfg->n_certs && !hs->cert; i++) {
            uint16_t s = cl_choose_sigalg12(c->cfg->certs[i].key, hs->peer_sigalgs, hs->n_peer_sigalgs);
            if (s) {
                hs->cert = &c->cfg->certs[i];
                hs->sigalg = s;
            }
        }
        CL_TRY(cl_send_certificate(c, hs->cert, NULL, 0));
    }
    CL_TRY(send_client_key_exchange(c));
    int rc = cl_ks12_master(c, hs->pms, hs->pms_len);
    cl_wipe(hs->pms, sizeof hs->pms);
    if (rc)
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "key derivation failed");
    if (hs->cert_requested && hs->cert)
        CL_TRY(send_certificate_verify12(c)); /* may wait for the key callback */
    return cl_client12_after_certificate_verify(c);
}

/* Our ChangeCipherSpec and Finished (also where a CertificateVerify that
 * waited for the private-key callback resumes). */
cl_result cl_client12_after_certificate_verify(clasp_conn *c)
{
    CL_TRY(cl_send_ccs12(c));
    CL_TRY(cl_send_finished12(c));
    c->state = CL_ST_C12_WAIT_CCS;
    return CL_OK;
}

/* RFC 5077 3.3: the server's new ticket, before its ChangeCipherSpec. */
CL_MUST_CHECK static cl_result handle_ticket12(clasp_conn *c, const uint8_t *msg, size_t len)
{
    cl_hs *hs = c->hs;
    cl_reader r = cl_reader_init(msg, len), ticket;
    uint32_t hint;
    if (cl_rd_u32(&r, &hint) || cl_rd_vec(&r, 2, &ticket) || !cl_rd_empty(&r))
        return CL_DECODE_FAIL(c, "NewSessionTicket");
    hs->got_ticket12 = 1;
    if (ticket.n) {
        free(hs->ticket12);
        if (!(hs->ticket12 = malloc(ticket.n)))
            return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_NOMEM, "out of memory");
        memcpy(hs->ticket12, ticket.p, ticket.n);
        hs->ticket12_len = ticket.n;
        hs->ticket12_hint = hint;
    }
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_RECV, "NewSessionTicket", "lifetime hint %u s, %zu-byte ticket; stored",
                 hint, ticket.n);
    c->tickets++;
    return CL_OK;
}

/* The session this handshake makes resumable (or renewed). One without
 * the extended master secret is not kept: it must not be resumed (RFC 7627
 * 5.3). Nor is one whose server chain is too big to keep. */
static int keep_session12(clasp_conn *c)
{
    cl_hs *hs = c->hs;
    const cl_session *o = hs->abbreviated ? c->offer : NULL;
    if ((!hs->ticket12_len && !hs->session_id_len && !o) || !hs->ems)
        return 0;
    cl_session *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    if (cl_session_take_peer(s, c)) {
        cl_session_clear(s);
        free(s);
        return 0;
    }
    s->version = CLASP_TLS1_2;
    s->suite = c->suite->id;
    memcpy(s->secret, hs->master, 48);
    s->secret_len = 48;
    s->ems = hs->ems;
    s->received_ms = cl_now_ms();
    s->lifetime = hs->ticket12_hint ? hs->ticket12_hint : 7200;
    if (hs->ticket12_len) { /* a new ticket replaces the old one */
        s->ticket = hs->ticket12;
        s->ticket_len = hs->ticket12_len;
        hs->ticket12 = NULL;
        hs->ticket12_len = 0;
    } else if (o && o->ticket_len && !hs->got_ticket12) {
        if (!(s->ticket = malloc(o->ticket_len))) {
            cl_session_clear(s); /* the server's chain, and the master secret wiped */
            free(s);
            return -1;
        }
        memcpy(s->ticket, o->ticket, o->ticket_len);
        s->ticket_len = o->ticket_len;
    }
    /* The server's session id (full handshake) or the one we resumed; a
     * ticket-only resumption's id was our random and is not kept. */
    if (!o || o->session_id_len) {
        memcpy(s->session_id, hs->session_id, hs->session_id_len);
        s->session_id_len = hs->session_id_len;
    }
    if (c->server_name)
        snprintf(s->server_name, sizeof s->server_name, "%s", c->server_name);
    if (c->has_alpn)
        snprintf(s->alpn, sizeof s->alpn, "%s", c->alpn);
    if (c->session) {
        cl_session_clear(c->session);
        free(c->session);
    }
    c->session = s;
    return 0;
}

cl_result cl_client12_message(clasp_conn *c, uint8_t type, const uint8_t *msg, size_t len)
{
    /* The server sent no CertificateStatus after all (RFC 6066 8 allows it). */
    if (c->state == CL_ST_C12_WAIT_STATUS && type != CL_HS_CERTIFICATE_STATUS) {
        c->state = c->hs->after_status;
        CL_TRY(cl_check_ocsp(c, 1));
    }
    switch (type) {
    case CL_HS_CERTIFICATE:
        CL_TRY(cl_recv_certificate(c, msg, len));
        CL_TRY(check_key_fits_suite(c));
        c->state = c->suite->kx == CL_KX_RSA ? CL_ST_C12_WAIT_CR_SHD : CL_ST_C12_WAIT_SKE;
        if (c->hs->ocsp_acked) {
            c->hs->after_status = c->state;
            c->state = CL_ST_C12_WAIT_STATUS;
            return CL_OK;
        }
        return cl_check_ocsp(c, 1); /* no status will come: is one required? */
    case CL_HS_CERTIFICATE_STATUS:
        c->state = c->hs->after_status;
        return cl_recv_certificate_status12(c, msg, len);
    case CL_HS_SERVER_KEY_EXCHANGE:
        return handle_server_key_exchange(c, msg, len);
    case CL_HS_CERTIFICATE_REQUEST:
        return handle_certificate_request(c, msg, len);
    case CL_HS_SERVER_HELLO_DONE:
        return handle_server_hello_done(c, msg, len);
    case CL_HS_NEW_SESSION_TICKET:
        return handle_ticket12(c, msg, len);
    case CL_HS_FINISHED:
        CL_TRY(cl_recv_finished12(c, msg, len));
        /* Resuming, the server finished first; now our CCS and Finished. */
        if (c->hs->abbreviated) {
            CL_TRY(cl_send_ccs12(c));
            CL_TRY(cl_send_finished12(c));
        }
        if (cl_trace_on(c))
            cl_trace(c, CLASP_TRACE_KEY, "application keys", "both directions use the key block's keys");
        if (keep_session12(c))
            return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_NOMEM, "out of memory");
        cl_hs_finish(c);
        return CL_OK;
    }
    return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL, "unexpected %s",
                   cl_hs_type_name(type));
}

/* RFC 5746 / RFC 5246 7.4.1.1: renegotiation is refused with a warning and
 * the connection goes on; a peer that insists is cut off. */
cl_result cl_post12_message(clasp_conn *c, uint8_t type, const uint8_t *msg, size_t len)
{
    if (type == CL_HS_HELLO_REQUEST && len != 0)
        return CL_DECODE_FAIL(c, "HelloRequest");
    if (++c->key_updates > 8)
        return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                       "the peer keeps asking to renegotiate, which clasp never does");
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_RECV, cl_hs_type_name(type), "renegotiation attempt: refused");
    if (cl_send_alert(c, 1, CL_ALERT_NO_RENEGOTIATION))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "could not send an alert");
    return CL_OK;
}
