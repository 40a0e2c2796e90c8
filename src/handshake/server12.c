/* SPDX-License-Identifier: Apache-2.0 */
/* TLS 1.2 server (RFC 5246 7.3), taken when the ClientHello offers no TLS
 * 1.3 (or this server allows only 1.2):
 *
 *   ClientHello  -->
 *                <--  ServerHello Certificate ServerKeyExchange?
 *                     CertificateRequest? ServerHelloDone
 *   Certificate? ClientKeyExchange CertificateVerify?
 *   [ChangeCipherSpec] Finished  -->
 *                <--  [ChangeCipherSpec] Finished
 */
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "handshake/hs.h"



static int is_ffdhe(uint16_t g) { return g >= 0x0100 && g <= 0x01ff; }

/* Does the client name a curve of RFC 8422 (or leave the choice to us)? */
static int lists_ec_curve(const cl_client_hello *ch)
{
    static const uint16_t curves[] = {23, 24, 25, 29, 30};
    for (size_t i = 0; i < sizeof curves / sizeof curves[0]; i++)
        if (!ch->has_groups || cl_list_has_u16(ch->groups, curves[i]))
            return 1;
    return 0;
}

/* The group for an ECDHE or DHE suite, in our order; 0 if none fits. */
static uint16_t pick_group(const clasp_conn *c, const cl_client_hello *ch, cl_kx_kind kx)
{
    const clasp_config *cfg = c->cfg;
    int client_lists_ffdhe = 0;
    if (ch->has_groups) {
        cl_reader l = ch->groups;
        uint16_t g;
        while (cl_rd_u16(&l, &g) == 0)
            client_lists_ffdhe |= is_ffdhe(g);
    }
    for (size_t i = 0; i < cfg->n_groups; i++) {
        uint16_t g = cfg->groups[i];
        /* The hybrid post-quantum groups are TLS 1.3 only. */
        if ((kx == CL_KX_DHE) != is_ffdhe(g) || cr_group_is_hybrid(g))
            continue;
        /* RFC 8422 4: without supported_groups the server may pick any
         * curve; secp256r1 is the one every ECC client implements (X25519
         * and the rest came later), so that is the one taken. RFC 7919 4:
         * a client naming no FFDHE group takes the server's. */
        if (kx == CL_KX_ECDHE &&
            (ch->has_groups ? cl_list_has_u16(ch->groups, g) : g == CR_GROUP_SECP256R1))
            return g;
        if (kx == CL_KX_DHE && (!client_lists_ffdhe || cl_list_has_u16(ch->groups, g)))
            return g;
    }
    return 0;
}

/* The session as a ticket, or into the cache: -1 if it cannot be kept
 * (out of memory, or a client chain too big), and then is not resumable. */
static int session_of(const clasp_conn *c, cl_session *s)
{
    memset(s, 0, sizeof *s);
    s->version = CLASP_TLS1_2;
    s->suite = c->suite->id;
    memcpy(s->secret, c->hs->master, 48);
    s->secret_len = 48;
    s->ems = c->hs->ems;
    memcpy(s->session_id, c->hs->session_id, c->hs->session_id_len);
    s->session_id_len = c->hs->session_id_len;
    if (c->has_alpn)
        snprintf(s->alpn, sizeof s->alpn, "%s", c->alpn);
    if (c->server_name)
        snprintf(s->server_name, sizeof s->server_name, "%s", c->server_name);
    return cl_session_take_peer(s, c);
}

/* RFC 5077 3.3: NewSessionTicket goes before our ChangeCipherSpec. */
CL_MUST_CHECK static cl_result send_ticket12(clasp_conn *c)
{
    if (!c->hs->issue_ticket12)
        return CL_OK;
    cl_session s;
    /* A session we cannot keep gets an empty ticket (RFC 5077 3.3). */
    int keep = session_of(c, &s) == 0;
    cl_buf m;
    cl_hs_begin(&m, CL_HS_NEW_SESSION_TICKET);
    cl_wr_u32(&m, keep ? c->cfg->ticket_lifetime : 0);
    size_t v = cl_wr_begin_vec(&m, 2);
    int rc = keep ? cl_ticket_issue(c, &s, &m) : 0;
    cl_session_clear(&s);
    cl_wr_end_vec(&m, v, 2);
    if (rc) {
        cl_buf_free(&m);
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "could not seal a session ticket");
    }
    char detail[96];
    snprintf(detail, sizeof detail, "lifetime hint %u s; sealed, stateless", c->cfg->ticket_lifetime);
    return cl_hs_send(c, &m, NULL, detail);
}

static int key_fits(const cr_pkey *k, cl_auth_kind auth)
{
    cr_key_type t = cr_pkey_type(k);
    if (auth == CL_AUTH_RSA)
        return t == CR_KEY_RSA;
    return t == CR_KEY_EC_P256 || t == CR_KEY_EC_P384 || t == CR_KEY_EC_P521 || t == CR_KEY_ED25519;
}

/* RFC 8422 5.1: a client's supported_groups also bounds the curve of an
 * ECDSA certificate (EdDSA keys are bound by signature_algorithms alone). */
static int cert_curve_offered(const cl_client_hello *ch, const cr_pkey *k)
{
    uint16_t curve;
    switch (cr_pkey_type(k)) {
    case CR_KEY_EC_P256: curve = CR_GROUP_SECP256R1; break;
    case CR_KEY_EC_P384: curve = CR_GROUP_SECP384R1; break;
    case CR_KEY_EC_P521: curve = CR_GROUP_SECP521R1; break;
    default: return 1;
    }
    return !ch->has_groups || cl_list_has_u16(ch->groups, curve);
}

/* Suite, certificate, signature scheme and group, in our preference order
 * with RSA key exchange always last. */
CL_MUST_CHECK static cl_result choose_suite(clasp_conn *c, const cl_client_hello *ch, uint16_t *group)
{
    cl_hs *hs = c->hs;
    const clasp_config *cfg = c->cfg;
    uint16_t peer[CL_MAX_SIGALGS];
    size_t n_peer = ch->has_sigalgs ? cl_read_sigalgs(ch->sigalgs, peer, CL_MAX_SIGALGS) : 0;
    int curve_refused = 0;
    for (int rsa_pass = 0; rsa_pass < 2; rsa_pass++) {
        for (size_t i = 0; i < cfg->n_suites; i++) {
            const cl_suite *s = cl_suite_by_id(cfg->suites[i]);
            if (!s || s->version != CLASP_TLS1_2 || (s->kx == CL_KX_RSA) != rsa_pass ||
                !cl_list_has_u16(ch->suites, s->id) || (s->kx == CL_KX_RSA && !cfg->rsa_kx))
                continue;
            uint16_t g = s->kx == CL_KX_RSA ? 0 : pick_group(c, ch, s->kx);
            if (s->kx != CL_KX_RSA && !g)
                continue;
            for (size_t k = 0; k < cfg->n_certs; k++) {
                const cl_cert_key *ck = &cfg->certs[k];
                /* keyUsage (RFC 5246 7.4.2): RSA key exchange encrypts to
                 * the key, the others sign with it. */
                if (!key_fits(ck->key, s->auth) ||
                    !(ck->uses & (s->kx == CL_KX_RSA ? CR_KEY_USE_ENCRYPT : CR_KEY_USE_SIGN)))
                    continue;
                if (s->auth == CL_AUTH_ECDSA && !cert_curve_offered(ch, ck->key)) {
                    curve_refused = 1;
                    continue;
                }
                uint16_t sig = s->kx == CL_KX_RSA ? 0 : cl_choose_sigalg12(ck->key, peer, n_peer);
                if (s->kx != CL_KX_RSA && !sig)
                    continue;
                c->suite = s;
                hs->cert = ck;
                hs->sigalg = sig;
                *group = g;
                return CL_OK;
            }
        }
    }
    char offered[256] = "";
    cl_reader l = ch->suites;
    uint16_t id;
    while (cl_rd_u16(&l, &id) == 0 && strlen(offered) < sizeof offered - 48) {
        const cl_suite *s = cl_suite_by_id(id);
        if (s && s->version == CLASP_TLS1_2)
            snprintf(offered + strlen(offered), sizeof offered - strlen(offered), "%s%s",
                     offered[0] ? ", " : "", s->iana);
    }
    return cl_fail(c, CL_ALERT_HANDSHAKE_FAILURE, CLASP_E_NEGOTIATION,
                   "no TLS 1.2 cipher suite in common that our certificate can serve: the client "
                   "offers %s%s", offered[0] ? offered : "no suite clasp knows",
                   curve_refused ? "; the curve of our ECDSA certificate is not in its "
                                   "supported_groups (RFC 8422 5.1)" : "");
}

CL_MUST_CHECK static cl_result send_server_key_exchange(clasp_conn *c, uint16_t group)
{
    cl_hs *hs = c->hs;
    uint8_t pub[CR_MAX_KX_PUB];
    size_t pub_len = sizeof pub;
    if (cl_ephemeral_key(c, group, &hs->kx, pub, &pub_len))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "could not make our ephemeral key");
    cl_buf m;
    cl_hs_begin(&m, CL_HS_SERVER_KEY_EXCHANGE);
    size_t params = m.len;
    if (c->suite->kx == CL_KX_ECDHE) {
        cl_wr_u8(&m, 3); /* named_curve */
        cl_wr_u16(&m, group);
        size_t v = cl_wr_begin_vec(&m, 1);
        cl_wr_bytes(&m, pub, pub_len);
        cl_wr_end_vec(&m, v, 1);
    } else {
        uint8_t p[CR_MAX_KX_PUB], g[8];
        size_t p_len = sizeof p, g_len = sizeof g;
        if (cr_kx_dh_params(hs->kx, p, &p_len, g, &g_len)) {
            cl_buf_free(&m);
            return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "could not build our ServerKeyExchange");
        }
        size_t v = cl_wr_begin_vec(&m, 2);
        cl_wr_bytes(&m, p, p_len);
        cl_wr_end_vec(&m, v, 2);
        v = cl_wr_begin_vec(&m, 2);
        cl_wr_bytes(&m, g, g_len);
        cl_wr_end_vec(&m, v, 2);
        cl_write_dhe_share(c, &m, pub, pub_len);
    }
    if (m.failed) {
        cl_buf_free(&m);
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "could not build our ServerKeyExchange (out of memory)");
    }
    size_t params_len = m.len - params;
    uint8_t *signed_data = malloc(64 + params_len);
    if (!signed_data) {
        cl_buf_free(&m);
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "could not build our ServerKeyExchange (out of memory)");
    }
    memcpy(signed_data, hs->client_random, 32);
    memcpy(signed_data + 32, hs->server_random, 32);
    memcpy(signed_data + 64, m.data + params, params_len);
    cl_wr_u16(&m, hs->sigalg);
    size_t v = cl_wr_begin_vec(&m, 2);
    c->group = group;
    char detail[160];
    snprintf(detail, sizeof detail, "%s %s; signed with %s",
             c->suite->kx == CL_KX_ECDHE ? "ECDHE" : "DHE", cl_group_name(group),
             cl_sigalg_name(hs->sigalg));
    /* With our key, or the application's callback (which may answer later). */
    cl_result rc = cl_key_sign(c, CL_KEY_STEP_SKE12, &m, v, signed_data, 64 + params_len, detail);
    free(signed_data);
    return rc;
}

/* The server random and, with session_id, a fresh 32-byte session id:
 * one draw from the generator, which costs the same for 64 bytes as 32. */
static int make_server_random(clasp_conn *c, int session_id)
{
    cl_hs *hs = c->hs;
    uint8_t r[64];
    if (cl_random(c, r, session_id ? 64 : 32))
        return -1;
    memcpy(hs->server_random, r, 32);
    hs->session_id_len = 0;
    if (session_id) {
        memcpy(hs->session_id, r + 32, 32);
        hs->session_id_len = 32;
    }
    /* RFC 8446 4.1.3: tell a TLS 1.3 client that we could have done 1.3. */
    if (c->cfg->max_version >= CLASP_TLS1_3)
        memcpy(hs->server_random + 24, cl_downgrade_tls12, 8);
    return 0;
}

static void write_reneg_ems(clasp_conn *c, cl_buf *m, int secure_reneg)
{
    if (secure_reneg) {
        size_t e = cl_ext_open(m, CL_EXT_RENEGOTIATION_INFO);
        cl_wr_u8(m, 0); /* an empty renegotiated_connection */
        cl_ext_close(m, e);
    }
    if (c->hs->ems)
        cl_ext_close(m, cl_ext_open(m, CL_EXT_EXTENDED_MASTER_SECRET));
}

/* server_name acknowledgement (never when resuming: RFC 6066 3), ALPN,
 * and the promise of a ticket. */
static void write_common_extensions(clasp_conn *c, const cl_client_hello *ch, cl_buf *m)
{
    if (ch->sni && !c->hs->abbreviated)
        cl_ext_close(m, cl_ext_open(m, CL_EXT_SERVER_NAME));
    if (c->has_alpn)
        cl_write_alpn_ext(m, c->alpn);
    if (c->hs->issue_ticket12)
        cl_ext_close(m, cl_ext_open(m, CL_EXT_SESSION_TICKET));
}

/* A session to resume: from the client's ticket, else from our cache by
 * session id. It must be TLS 1.2, with the extended master secret (RFC
 * 7627 5.3: a session that had it and a ClientHello without it is an
 * abort; a session without it is never resumed), for a suite the client
 * still offers and we still allow, for the same server name (RFC 6066 3),
 * and with client authentication that meets our policy now; anything else
 * falls back to a full handshake. CL_OK and *resume (1: resume, 0: a full
 * handshake), or CL_FAILED after an abort. */
CL_MUST_CHECK static cl_result try_resume12(clasp_conn *c, const cl_client_hello *ch, int *resume)
{
    *resume = 0;
    cl_hs *hs = c->hs;
    const clasp_config *cfg = c->cfg;
    if (cfg->tickets_off)
        return CL_OK;
    cl_session *s = &hs->resumed12;
    uint64_t issued;
    int found = 0;
    if (ch->has_session_ticket && ch->session_ticket.n) {
        found = cl_ticket_resolve(c, ch->session_ticket.p, ch->session_ticket.n, s, &issued) == 0;
        /* A ticket in its first half-life is kept; an older one is renewed. */
        if (found && cl_now(cfg) - issued < cfg->ticket_lifetime / 2)
            hs->issue_ticket12 = 0;
    }
    int from_ticket = found;
    if (!found)
        found = cl_session_find12(c, ch->session_id, ch->session_id_len, s) == 0;
    if (!found)
        return CL_OK;
    if (s->version == CLASP_TLS1_2 && s->ems && !hs->ems) {
        cl_session_clear(s);
        return cl_fail(c, CL_ALERT_HANDSHAKE_FAILURE, CLASP_E_PROTOCOL,
                       "the client resumes a session made with the extended master secret but "
                       "no longer offers it (RFC 7627 5.3): an attack or a broken client");
    }
    const cl_suite *suite = cl_suite_by_id(s->suite);
    int allowed = 0;
    for (size_t i = 0; i < cfg->n_suites; i++)
        allowed |= cfg->suites[i] == s->suite;
    if (s->version != CLASP_TLS1_2 || !suite || !allowed || !cl_list_has_u16(ch->suites, s->suite) ||
        !s->ems || s->secret_len != 48 ||
        strcasecmp(s->server_name, c->server_name ? c->server_name : "") != 0 ||
        !cl_session_auth_ok(cfg, s)) {
        cl_session_clear(s);
        /* A full handshake: a fresh ticket, if the session can be one. */
        hs->issue_ticket12 = ch->has_session_ticket && hs->ems;
        return CL_OK;
    }
    c->suite = suite;
    memcpy(hs->master, s->secret, 48);
    /* The client's certificate, as the session recorded it. */
    if (cl_session_restore_peer(c, s))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_NOMEM, "out of memory");
    if (!from_ticket) {
        /* Resumed from the cache: forgotten if this connection fails. */
        memcpy(c->cached_id, s->session_id, s->session_id_len);
        c->cached_id_len = s->session_id_len;
    } else {
        cl_ticket_resumed(c, ch->session_ticket.p, ch->session_ticket.n);
    }
    *resume = 1;
    return CL_OK;
}

/* TLS 1.2 resumption (RFC 5246 7.3, RFC 5077 3.1): ServerHello echoing the
 * client's session id, a new ticket if asked, then our CCS and Finished;
 * the client's follow. */
CL_MUST_CHECK static cl_result send_abbreviated(clasp_conn *c, const cl_client_hello *ch, int secure_reneg)
{
    cl_hs *hs = c->hs;
    c->resumed = 1;
    hs->abbreviated = 1;
    if (make_server_random(c, 0) || cl_transcript_start(c))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "random number generator failed");
    memcpy(hs->session_id, ch->session_id, ch->session_id_len);
    hs->session_id_len = ch->session_id_len;
    cl_buf m;
    cl_hs_begin(&m, CL_HS_SERVER_HELLO);
    cl_wr_u16(&m, CLASP_TLS1_2);
    cl_wr_bytes(&m, hs->server_random, 32);
    size_t v = cl_wr_begin_vec(&m, 1);
    cl_wr_bytes(&m, hs->session_id, hs->session_id_len);
    cl_wr_end_vec(&m, v, 1);
    cl_wr_u16(&m, c->suite->id);
    cl_wr_u8(&m, 0);
    size_t exts = cl_wr_begin_vec(&m, 2);
    write_reneg_ems(c, &m, secure_reneg);
    write_common_extensions(c, ch, &m);
    cl_wr_end_vec(&m, exts, 2);
    char detail[160];
    snprintf(detail, sizeof detail, "TLS 1.2; %s; session resumed (%s)", c->suite->iana,
             ch->has_session_ticket && ch->session_ticket.n ? "ticket" : "session id");
    CL_TRY(cl_hs_send(c, &m, NULL, detail));
    CL_TRY(send_ticket12(c));
    CL_TRY(cl_send_ccs12(c));
    CL_TRY(cl_send_finished12(c));
    c->state = CL_ST_S12_WAIT_CCS;
    return CL_OK;
}

cl_result cl_server12_client_hello(clasp_conn *c, const cl_client_hello *ch)
{
    cl_hs *hs = c->hs;
    const clasp_config *cfg = c->cfg;
    /* RFC 7507: a client that fell back from a higher version while we
     * support it is being downgraded. */
    if (cl_list_has_u16(ch->suites, 0x5600) && cfg->max_version > CLASP_TLS1_2)
        return cl_fail(c, CL_ALERT_INAPPROPRIATE_FALLBACK, CLASP_E_NEGOTIATION,
                       "the client retried with TLS 1.2 (TLS_FALLBACK_SCSV) although both sides "
                       "support TLS 1.3: a downgrade attack or a broken client");
    if (!memchr(ch->compression.p, 0, ch->compression.n))
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the client does not offer the null compression method");
    /* RFC 8422 5.1.2: a client naming our curves must parse uncompressed points. */
    if (ch->has_point_formats && !memchr(ch->point_formats.p, 0, ch->point_formats.n) &&
        lists_ec_curve(ch))
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the client's ec_point_formats does not include uncompressed points");
    int secure_reneg = cl_list_has_u16(ch->suites, 0x00ff);
    if (ch->has_reneg) {
        if (ch->reneg.n != 1 || ch->reneg.p[0] != 0)
            return cl_fail(c, CL_ALERT_HANDSHAKE_FAILURE, CLASP_E_PROTOCOL,
                           "the client's renegotiation_info is not empty on a first handshake");
        secure_reneg = 1;
    }
    hs->ems = ch->has_ems;
    if (cfg->require_ems && !hs->ems)
        return cl_fail(c, CL_ALERT_HANDSHAKE_FAILURE, CLASP_E_NEGOTIATION,
                       "the client does not support the extended master secret (RFC 7627), which "
                       "this server requires");
    if (!cfg->n_certs)
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_CONFIG,
                       "this server has no certificate configured");
    c->version = CLASP_TLS1_2;
    hs->client_version = ch->legacy_version;
    memcpy(hs->client_random, ch->random, 32);
    /* A session without the extended master secret is never resumed (RFC
     * 7627 5.3), so none is made: no ticket, no session id. */
    hs->issue_ticket12 = ch->has_session_ticket && !cfg->tickets_off && hs->ems;
    int resume;
    CL_TRY(try_resume12(c, ch, &resume));
    if (resume)
        return send_abbreviated(c, ch, secure_reneg);
    uint16_t group = 0;
    CL_TRY(choose_suite(c, ch, &group));
    /* A fresh session id makes the session resumable from our cache. */
    if (make_server_random(c, !cfg->tickets_off && cfg->cache && hs->ems))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "random number generator failed");
    hs->keep_raw = cfg->client_auth != CLASP_CLIENT_AUTH_NONE;
    if (cl_transcript_start(c))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "transcript update failed");

    cl_buf m;
    cl_hs_begin(&m, CL_HS_SERVER_HELLO);
    cl_wr_u16(&m, CLASP_TLS1_2);
    cl_wr_bytes(&m, hs->server_random, 32);
    size_t sid = cl_wr_begin_vec(&m, 1);
    cl_wr_bytes(&m, hs->session_id, hs->session_id_len);
    cl_wr_end_vec(&m, sid, 1);
    cl_wr_u16(&m, c->suite->id);
    cl_wr_u8(&m, 0);
    size_t exts = cl_wr_begin_vec(&m, 2);
    write_reneg_ems(c, &m, secure_reneg);
    if (c->suite->kx == CL_KX_ECDHE && ch->has_point_formats) {
        size_t e = cl_ext_open(&m, CL_EXT_EC_POINT_FORMATS);
        cl_wr_u8(&m, 1);
        cl_wr_u8(&m, 0); /* uncompressed */
        cl_ext_close(&m, e);
    }
    write_common_extensions(c, ch, &m);
    hs->ocsp_staple = ch->has_status_request && hs->cert && hs->cert->ocsp_len;
    if (hs->ocsp_staple) /* RFC 6066 8: a CertificateStatus follows the Certificate */
        cl_ext_close(&m, cl_ext_open(&m, CL_EXT_STATUS_REQUEST));
    cl_wr_end_vec(&m, exts, 2);
    char detail[200];
    snprintf(detail, sizeof detail, "TLS 1.2; %s%s%s", c->suite->iana,
             hs->ems ? "; extended master secret" : "", secure_reneg ? "; secure renegotiation" : "");
    CL_TRY(cl_hs_send(c, &m, NULL, detail));
    CL_TRY(cl_send_certificate(c, hs->cert, NULL, 0));
    if (hs->ocsp_staple)
        CL_TRY(cl_send_certificate_status(c));
    if (c->suite->kx != CL_KX_RSA)
        CL_TRY(send_server_key_exchange(c, group)); /* may wait for the key callback */
    else
        snprintf(c->group_label, sizeof c->group_label, "rsa");
    return cl_server12_after_server_key_exchange(c);
}

/* The rest of our first flight: CertificateRequest if we ask, and
 * ServerHelloDone (also where a ServerKeyExchange that waited for the
 * private-key callback resumes). */
cl_result cl_server12_after_server_key_exchange(clasp_conn *c)
{
    cl_hs *hs = c->hs;
    const clasp_config *cfg = c->cfg;
    cl_buf m;
    if (c->suite->kx != CL_KX_RSA)
        c->peer_sigalg = hs->sigalg;
    if (cfg->client_auth != CLASP_CLIENT_AUTH_NONE) {
        cl_hs_begin(&m, CL_HS_CERTIFICATE_REQUEST);
        cl_wr_u8(&m, 2);
        cl_wr_u8(&m, 1);  /* rsa_sign */
        cl_wr_u8(&m, 64); /* ecdsa_sign */
        size_t v = cl_wr_begin_vec(&m, 2);
        cl_write_sigalg_filler(c, &m, 65534 / 2 - cfg->n_sigalgs);
        for (size_t i = 0; i < cfg->n_sigalgs; i++)
            if (cl_sigalg_allowed_tls12(cfg->sigalgs[i]))
                cl_wr_u16(&m, cfg->sigalgs[i]);
        cl_wr_end_vec(&m, v, 2);
        cl_wr_u16(&m, 0); /* no certificate_authorities */
        hs->cert_requested = 1;
        CL_TRY(cl_hs_send(c, &m, NULL,
                          cfg->client_auth == CLASP_CLIENT_AUTH_REQUIRED ? "client certificate required"
                                                                        : "client certificate optional"));
    }
    cl_hs_begin(&m, CL_HS_SERVER_HELLO_DONE);
    CL_TRY(cl_hs_send(c, &m, NULL, ""));
    c->state = hs->cert_requested ? CL_ST_S12_WAIT_CERT : CL_ST_S12_WAIT_CKE;
    return CL_OK;
}

CL_MUST_CHECK static cl_result handle_client_key_exchange(clasp_conn *c, const uint8_t *msg, size_t len)
{
    cl_hs *hs = c->hs;
    cl_reader r = cl_reader_init(msg, len), v;
    if (c->suite->kx == CL_KX_RSA) {
        if (cl_rd_vec(&r, 2, &v) || !cl_rd_empty(&r))
            return CL_DECODE_FAIL(c, "ClientKeyExchange");
        /* RFC 5246 7.4.7.1: no branch on the padding or the version; a
         * wrong premaster only shows up as a Finished that does not match.
         * With our key, or the application's callback (which may answer
         * later). */
        CL_TRY(cl_key_decrypt_premaster(c, v.p, v.n));
    } else {
        size_t pms_len = sizeof hs->pms;
        if (cl_rd_vec_nonempty(&r, c->suite->kx == CL_KX_ECDHE ? 1 : 2, &v) || !cl_rd_empty(&r))
            return CL_DECODE_FAIL(c, "ClientKeyExchange");
        if (cr_kx_derive_dhe12(hs->kx, v.p, v.n, hs->pms, &pms_len))
            return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                           "the client's %s key share is invalid", cl_group_name(c->group));
        if (c->suite->kx == CL_KX_DHE)
            pms_len = cl_dhe_premaster(hs->pms, pms_len);
        hs->pms_len = pms_len;
    }
    return cl_server12_after_premaster(c);
}

/* The premaster is in hs->pms: the master secret, and what may come next
 * (also where an RSA decryption that waited for the private-key callback
 * resumes). */
cl_result cl_server12_after_premaster(clasp_conn *c)
{
    cl_hs *hs = c->hs;
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_RECV, "ClientKeyExchange", "%s",
                 c->suite->kx == CL_KX_RSA     ? "RSA: premaster secret decrypted (constant time)"
                 : c->suite->kx == CL_KX_ECDHE ? "ECDHE: the client's public share"
                                               : "DHE: the client's public share");
    int rc = cl_ks12_master(c, hs->pms, hs->pms_len);
    cl_wipe(hs->pms, sizeof hs->pms);
    if (rc)
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "key derivation failed");
    c->state = hs->peer_sent_cert ? CL_ST_S12_WAIT_CV : CL_ST_S12_WAIT_CCS;
    return CL_OK;
}

CL_MUST_CHECK static cl_result handle_certificate_verify(clasp_conn *c, const uint8_t *msg, size_t len)
{
    cl_hs *hs = c->hs;
    cl_reader r = cl_reader_init(msg, len), sig;
    uint16_t scheme;
    if (cl_rd_u16(&r, &scheme) || cl_rd_vec(&r, 2, &sig) || !cl_rd_empty(&r))
        return CL_DECODE_FAIL(c, "CertificateVerify");
    int offered = 0;
    for (size_t i = 0; i < c->cfg->n_sigalgs; i++)
        offered |= c->cfg->sigalgs[i] == scheme;
    if (!offered || !cl_sigalg_allowed_tls12(scheme) || !cr_pkey_matches_scheme12(hs->peer_key, scheme))
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the client signed with %s (0x%04x), which was not offered or does not fit "
                       "its key", cl_sigalg_name(scheme), scheme);
    if (cr_verify12(hs->peer_key, scheme, hs->pending.data, hs->raw_before_len, sig.p, sig.n))
        return cl_fail(c, CL_ALERT_DECRYPT_ERROR, CLASP_E_PROTOCOL,
                       "the client's CertificateVerify signature (%s) does not verify: it does not "
                       "hold the private key of its certificate", cl_sigalg_name(scheme));
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_RECV, "CertificateVerify", "%s, signature verified",
                 cl_sigalg_name(scheme));
    c->state = CL_ST_S12_WAIT_CCS;
    return CL_OK;
}

cl_result cl_server12_message(clasp_conn *c, uint8_t type, const uint8_t *msg, size_t len)
{
    switch (type) {
    case CL_HS_CERTIFICATE:
        CL_TRY(cl_recv_certificate(c, msg, len));
        c->state = CL_ST_S12_WAIT_CKE;
        return CL_OK;
    case CL_HS_CLIENT_KEY_EXCHANGE:
        return handle_client_key_exchange(c, msg, len);
    case CL_HS_CERTIFICATE_VERIFY:
        return handle_certificate_verify(c, msg, len);
    case CL_HS_FINISHED:
        CL_TRY(cl_recv_finished12(c, msg, len));
        if (!c->hs->abbreviated) {
            CL_TRY(send_ticket12(c));
            CL_TRY(cl_send_ccs12(c));
            CL_TRY(cl_send_finished12(c));
            if (c->hs->session_id_len) {
                cl_session s;
                if (session_of(c, &s) == 0)
                    (void)cl_session_keep12(c, &s); /* not kept: no resumption */
                cl_session_clear(&s);
            }
        }
        if (cl_trace_on(c))
            cl_trace(c, CLASP_TRACE_KEY, "application keys", "both directions use the key block's keys");
        cl_hs_finish(c);
        return CL_OK;
    }
    return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL, "unexpected %s",
                   cl_hs_type_name(type));
}
