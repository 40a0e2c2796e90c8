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
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

#include "handshake/hs.h"


static int is_ip_literal(const char *name)
{
    uint8_t buf[16];
    return inet_pton(AF_INET, name, buf) == 1 || inet_pton(AF_INET6, name, buf) == 1;
}

static int suite_offered(const clasp_conn *c, uint16_t id)
{
    for (size_t i = 0; i < c->cfg->n_suites; i++)
        if (c->cfg->suites[i] == id)
            return 1;
    return 0;
}

static int make_key_share(clasp_conn *c, uint16_t group, uint8_t *pub, size_t *pub_len)
{
    cl_hs *hs = c->hs;
    cr_kx_free(hs->kx);
    hs->kx = NULL;
    hs->kx_group = group;
    return cl_ephemeral_key(c, group, &hs->kx, pub, pub_len);
}

static void add_empty_ext(cl_buf *m, uint16_t type, const uint8_t *body, size_t len)
{
    cl_wr_u16(m, type);
    size_t v = cl_wr_begin_vec(m, 2);
    cl_wr_bytes(m, body, len);
    cl_wr_end_vec(m, v, 2);
}

/* The session to resume with a TLS 1.3 PSK, if it fits this connection. */
static const cl_session *psk_to_offer(const clasp_conn *c)
{
    const cl_session *s = c->offer;
    const cl_hs *hs = c->hs;
    if (!s || !hs->offer13 || s->version != CLASP_TLS1_3 || !s->ticket_len)
        return NULL;
    if (strcmp(s->server_name, c->server_name ? c->server_name : "") != 0)
        return NULL; /* a ticket is for the server that issued it */
    if (!cl_session_auth_ok(c->cfg, s))
        return NULL; /* its server was not verified the way we verify */
    if (cl_now_ms() - s->received_ms >= (uint64_t)s->lifetime * 1000u)
        return NULL;
    const cl_suite *ps = cl_suite_by_id(s->suite);
    if (!ps || !suite_offered(c, s->suite))
        return NULL;
    /* After a HelloRetryRequest the suite is fixed: its hash must match. */
    if (hs->hrr && c->suite && c->suite->hash != ps->hash)
        return NULL;
    return s;
}

/* Notes which extensions the ClientHello just built carries: a server may
 * answer only those (RFC 8446 4.2, RFC 5246 7.4.1.4). */
static void note_sent_extensions(cl_hs *hs, const uint8_t *body, size_t len)
{
    cl_reader r = cl_reader_init(body, len), skip, exts, ext;
    const uint8_t *fixed;
    uint16_t type;
    hs->n_sent_ext = 0;
    if (cl_rd_bytes(&r, 2 + 32, &fixed) || cl_rd_vec(&r, 1, &skip) || cl_rd_vec(&r, 2, &skip) ||
        cl_rd_vec(&r, 1, &skip) || cl_rd_vec(&r, 2, &exts))
        return;
    while (hs->n_sent_ext < sizeof hs->sent_ext / sizeof hs->sent_ext[0] &&
           cl_rd_u16(&exts, &type) == 0 && cl_rd_vec(&exts, 2, &ext) == 0)
        hs->sent_ext[hs->n_sent_ext++] = type;
}

/* " (name)" after an extension number in a sentence, when it has one. */
static const char *ext_label(uint16_t type, char *buf, size_t len)
{
    const char *name = cl_ext_name(type);
    snprintf(buf, len, "%s%s%s", *name ? " (" : "", name, *name ? ")" : "");
    return buf;
}

static int send_client_hello(clasp_conn *c)
{
    cl_hs *hs = c->hs;
    const clasp_config *cfg = c->cfg;
    uint8_t pub[CR_MAX_KX_PUB];
    size_t pub_len = sizeof pub;
    if (hs->offer13 && make_key_share(c, hs->kx_group, pub, &pub_len))
        return cl_fail(c, -1, CLASP_E_INTERNAL, "could not make a %s key share",
                       cl_group_name(hs->kx_group));
    cl_buf m;
    cl_hs_begin(&m, CL_HS_CLIENT_HELLO);
    cl_wr_u16(&m, CLASP_TLS1_2); /* legacy_version */
    cl_wr_bytes(&m, hs->client_random, 32);
    size_t v = cl_wr_begin_vec(&m, 1);
    cl_wr_bytes(&m, hs->session_id, hs->session_id_len);
    cl_wr_end_vec(&m, v, 1);
    v = cl_wr_begin_vec(&m, 2);
    for (int pass = 0; pass < 2; pass++) {
        uint16_t version = pass == 0 ? CLASP_TLS1_3 : CLASP_TLS1_2;
        if ((version == CLASP_TLS1_3 && !hs->offer13) || (version == CLASP_TLS1_2 && !hs->offer12))
            continue;
        for (size_t i = 0; i < cfg->n_suites; i++) {
            const cl_suite *s = cl_suite_by_id(cfg->suites[i]);
            if (s && s->version == version)
                cl_wr_u16(&m, s->id);
        }
    }
    cl_wr_end_vec(&m, v, 2);
    cl_wr_u8(&m, 1); /* compression methods: null only */
    cl_wr_u8(&m, 0);

    size_t exts = cl_wr_begin_vec(&m, 2);
    if (c->server_name && !is_ip_literal(c->server_name)) {
        size_t len = strlen(c->server_name);
        cl_wr_u16(&m, CL_EXT_SERVER_NAME);
        size_t e = cl_wr_begin_vec(&m, 2);
        size_t list = cl_wr_begin_vec(&m, 2);
        cl_wr_u8(&m, 0); /* host_name */
        size_t n = cl_wr_begin_vec(&m, 2);
        cl_wr_bytes(&m, c->server_name, len);
        cl_wr_end_vec(&m, n, 2);
        cl_wr_end_vec(&m, list, 2);
        cl_wr_end_vec(&m, e, 2);
    }
    int legacy = CL_TEST(c) && CL_TEST(c)->legacy_client_extensions;
    if (hs->offer12) {
        /* TLS 1.2: uncompressed points only, extended master secret always. */
        add_empty_ext(&m, CL_EXT_EC_POINT_FORMATS, (const uint8_t *)"\x01\x00", 2);
        add_empty_ext(&m, CL_EXT_EXTENDED_MASTER_SECRET, NULL, 0);
    }
    if (legacy || hs->offer12) /* RFC 5746: an empty renegotiated_connection */
        add_empty_ext(&m, CL_EXT_RENEGOTIATION_INFO, (const uint8_t *)"", 1);
    cl_wr_u16(&m, CL_EXT_SUPPORTED_GROUPS);
    size_t e = cl_wr_begin_vec(&m, 2);
    size_t list = cl_wr_begin_vec(&m, 2);
    for (size_t i = 0; i < cfg->n_groups; i++)
        cl_wr_u16(&m, cfg->groups[i]);
    cl_wr_end_vec(&m, list, 2);
    cl_wr_end_vec(&m, e, 2);
    if (hs->offer12 && !legacy) {
        /* RFC 5077: our ticket, or an empty extension asking for one. */
        const cl_session *o = hs->offer12_session ? c->offer : NULL;
        add_empty_ext(&m, CL_EXT_SESSION_TICKET, o ? o->ticket : NULL, o ? o->ticket_len : 0);
    } else if (legacy) {
        add_empty_ext(&m, CL_EXT_SESSION_TICKET, NULL, 0);
    }
    if (cfg->alpn_len) {
        cl_wr_u16(&m, CL_EXT_ALPN);
        e = cl_wr_begin_vec(&m, 2);
        list = cl_wr_begin_vec(&m, 2);
        cl_wr_bytes(&m, cfg->alpn, cfg->alpn_len);
        cl_wr_end_vec(&m, list, 2);
        cl_wr_end_vec(&m, e, 2);
    }
    if (hs->offer13) {
        cl_wr_u16(&m, CL_EXT_KEY_SHARE);
        e = cl_wr_begin_vec(&m, 2);
        list = cl_wr_begin_vec(&m, 2);
        cl_wr_u16(&m, hs->kx_group);
        size_t k = cl_wr_begin_vec(&m, 2);
        cl_wr_bytes(&m, pub, pub_len);
        cl_wr_end_vec(&m, k, 2);
        cl_wr_end_vec(&m, list, 2);
        cl_wr_end_vec(&m, e, 2);
        cl_wr_u16(&m, CL_EXT_SUPPORTED_VERSIONS);
        e = cl_wr_begin_vec(&m, 2);
        list = cl_wr_begin_vec(&m, 1);
        cl_wr_u16(&m, CLASP_TLS1_3);
        if (hs->offer12)
            cl_wr_u16(&m, CLASP_TLS1_2);
        cl_wr_end_vec(&m, list, 1);
        cl_wr_end_vec(&m, e, 2);
    }
    cl_wr_u16(&m, CL_EXT_SIGNATURE_ALGORITHMS);
    e = cl_wr_begin_vec(&m, 2);
    list = cl_wr_begin_vec(&m, 2);
    for (size_t i = 0; i < cfg->n_sigalgs; i++)
        cl_wr_u16(&m, cfg->sigalgs[i]);
    cl_wr_end_vec(&m, list, 2);
    cl_wr_end_vec(&m, e, 2);
    if (hs->cookie.len) {
        cl_wr_u16(&m, CL_EXT_COOKIE);
        e = cl_wr_begin_vec(&m, 2);
        list = cl_wr_begin_vec(&m, 2);
        cl_wr_bytes(&m, hs->cookie.data, hs->cookie.len);
        cl_wr_end_vec(&m, list, 2);
        cl_wr_end_vec(&m, e, 2);
    }
    if (hs->offer13)
        add_empty_ext(&m, CL_EXT_PSK_KEY_EXCHANGE_MODES, (const uint8_t *)"\x01\x01", 2);
    if (legacy)
        add_empty_ext(&m, CL_EXT_RECORD_SIZE_LIMIT, (const uint8_t *)"\x40\x01", 2);
    else if (CL_TEST(c) && CL_TEST(c)->record_size_limit) {
        uint8_t limit[2] = {(uint8_t)(CL_TEST(c)->record_size_limit >> 8),
                            (uint8_t)CL_TEST(c)->record_size_limit};
        add_empty_ext(&m, CL_EXT_RECORD_SIZE_LIMIT, limit, 2);
    }
    /* Tests of a server that declines 0-RTT: only the extension (the test
     * adds the records), and never after a HelloRetryRequest. */
    if (CL_TEST(c) && CL_TEST(c)->offer_early_data && !hs->hrr)
        add_empty_ext(&m, CL_EXT_EARLY_DATA, NULL, 0);
    /* pre_shared_key goes last: its binder signs everything before it. */
    size_t binder_at = 0, hl = 0;
    const cl_session *offer = psk_to_offer(c);
    if (offer) {
        const cl_suite *ps = cl_suite_by_id(offer->suite);
        hs->psk_hash = ps->hash;
        hl = cr_hash_len(ps->hash);
        uint32_t age = (uint32_t)(cl_now_ms() - offer->received_ms) + offer->age_add;
        cl_wr_u16(&m, CL_EXT_PRE_SHARED_KEY);
        e = cl_wr_begin_vec(&m, 2);
        list = cl_wr_begin_vec(&m, 2);
        size_t id = cl_wr_begin_vec(&m, 2);
        cl_wr_bytes(&m, offer->ticket, offer->ticket_len);
        cl_wr_end_vec(&m, id, 2);
        cl_wr_u32(&m, age);
        cl_wr_end_vec(&m, list, 2);
        list = cl_wr_begin_vec(&m, 2);
        size_t b = cl_wr_begin_vec(&m, 1);
        binder_at = m.len;
        cl_wr_space(&m, hl);
        cl_wr_end_vec(&m, b, 1);
        cl_wr_end_vec(&m, list, 2);
        cl_wr_end_vec(&m, e, 2);
        memcpy(hs->psk, offer->secret, offer->secret_len);
        hs->psk_len = offer->secret_len;
        hs->psk_offered = 1;
    }
    cl_wr_end_vec(&m, exts, 2);
    if (!m.failed)
        note_sent_extensions(hs, m.data + 4, m.len - 4);
    if (offer && !m.failed) {
        /* The binder covers the ClientHello up to the binders list, with
         * its final length already in the header. */
        size_t body = m.len - 4;
        m.data[1] = (uint8_t)(body >> 16), m.data[2] = (uint8_t)(body >> 8), m.data[3] = (uint8_t)body;
        uint8_t th[CR_MAX_HASH];
        size_t truncated = binder_at - 1 - 2;
        if (cl_transcript_hash_with(c, hs->psk_hash, m.data, truncated, th) ||
            cl_ks_binder(hs->psk_hash, hs->psk, hs->psk_len, th, m.data + binder_at)) {
            cl_buf_free(&m);
            return cl_fail(c, -1, CLASP_E_INTERNAL, "could not compute the PSK binder");
        }
    }

    char detail[256] = "";
    if (cl_trace_on(c))
        snprintf(detail, sizeof detail, "%s; %zu suite(s); key_share %s; sni=%s%s%s%s",
                 hs->offer13 ? (hs->offer12 ? "TLS 1.3, 1.2" : "TLS 1.3") : "TLS 1.2",
                 cfg->n_suites, hs->offer13 ? cl_group_name(hs->kx_group) : "-",
                 c->server_name ? c->server_name : "-", hs->cookie.len ? "; cookie echoed" : "",
                 cfg->alpn_len ? "; alpn offered" : "", offer ? "; ticket offered (PSK)" : "");
    if (cl_hs_send(c, &m, NULL, detail))
        return cl_fail(c, -1, CLASP_E_INTERNAL, "could not build the ClientHello");
    return CLASP_OK;
}

int cl_client13_start(clasp_conn *c)
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
    if (o && hs->offer12 && o->version == CLASP_TLS1_2 && suite_offered(c, o->suite) &&
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
    return send_client_hello(c);
}


static int parse_server_hello(clasp_conn *c, const uint8_t *msg, size_t len, cl_server_hello *sh,
                              int is_hrr)
{
    memset(sh, 0, sizeof *sh);
    cl_reader r = cl_reader_init(msg + 4, len - 4), exts;
    if (cl_rd_u16(&r, &sh->legacy_version) || cl_rd_bytes(&r, 32, &sh->random) ||
        cl_rd_vec(&r, 1, &sh->session_id) || sh->session_id.n > 32 || cl_rd_u16(&r, &sh->suite) ||
        cl_rd_u8(&r, &sh->compression))
        return CL_DECODE_FAIL(c, "ServerHello");
    if (cl_rd_empty(&r))
        return CLASP_OK; /* TLS 1.2 and older may omit extensions */
    if (cl_rd_vec(&r, 2, &exts) || !cl_rd_empty(&r))
        return CL_DECODE_FAIL(c, "ServerHello");
    uint32_t seen = 0;
    while (!cl_rd_empty(&exts)) {
        uint16_t type;
        cl_reader body;
        if (cl_rd_u16(&exts, &type) || cl_rd_vec(&exts, 2, &body))
            return CL_DECODE_FAIL(c, "ServerHello extension block");
        /* An answer to something we never asked (the cookie of a
         * HelloRetryRequest is the one exception, RFC 8446 4.2). */
        char label[48];
        if (!cl_client_sent_ext(c->hs, type) && !(is_hrr && type == CL_EXT_COOKIE))
            return cl_fail(c, CL_ALERT_UNSUPPORTED_EXTENSION, CLASP_E_PROTOCOL,
                           "the server sent extension %u%s in its %s, which this client did not "
                           "offer", type, ext_label(type, label, sizeof label),
                           is_hrr ? "HelloRetryRequest" : "ServerHello");
        int bit;
        switch (type) {
        case CL_EXT_SUPPORTED_VERSIONS:
            bit = 0;
            sh->has_versions = 1;
            if (cl_rd_u16(&body, &sh->version) || !cl_rd_empty(&body))
                return CL_DECODE_FAIL(c, "supported_versions extension");
            break;
        case CL_EXT_KEY_SHARE:
            bit = 1;
            sh->has_key_share = 1;
            if (cl_rd_u16(&body, &sh->share_group))
                return CL_DECODE_FAIL(c, "key_share extension");
            if (is_hrr) {
                if (!cl_rd_empty(&body))
                    return CL_DECODE_FAIL(c, "key_share extension");
            } else if (cl_rd_vec_nonempty(&body, 2, &sh->share) || !cl_rd_empty(&body)) {
                return CL_DECODE_FAIL(c, "key_share extension");
            }
            break;
        case CL_EXT_COOKIE:
            bit = 2;
            if (!is_hrr)
                return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                               "the server sent a cookie outside a HelloRetryRequest");
            sh->has_cookie = 1;
            if (cl_rd_vec_nonempty(&body, 2, &sh->cookie) || !cl_rd_empty(&body))
                return CL_DECODE_FAIL(c, "cookie extension");
            break;
        case CL_EXT_PRE_SHARED_KEY: {
            bit = 8;
            uint16_t selected;
            if (is_hrr)
                return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                               "the server sent pre_shared_key in a HelloRetryRequest, where it "
                               "is not allowed");
            if (cl_rd_u16(&body, &selected) || !cl_rd_empty(&body))
                return CL_DECODE_FAIL(c, "pre_shared_key extension");
            if (selected != 0)
                return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                               "the server selected PSK identity %u; we offered one", selected);
            sh->has_psk = 1;
            break;
        }
        /* TLS 1.2 ServerHello extensions: checked once the version is known. */
        case CL_EXT_RENEGOTIATION_INFO:
            bit = 3;
            sh->has_reneg = 1;
            sh->reneg = body;
            break;
        case CL_EXT_EXTENDED_MASTER_SECRET:
            bit = 4;
            sh->has_ems = 1;
            if (!cl_rd_empty(&body))
                return CL_DECODE_FAIL(c, "extended_master_secret extension");
            break;
        case CL_EXT_EC_POINT_FORMATS: {
            bit = 5;
            cl_reader formats;
            sh->has_point_formats = 1;
            if (cl_rd_vec_nonempty(&body, 1, &formats) || !cl_rd_empty(&body))
                return CL_DECODE_FAIL(c, "ec_point_formats extension");
            if (!memchr(formats.p, 0, formats.n))
                return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                               "the server does not accept uncompressed points");
            break;
        }
        case CL_EXT_ALPN:
            bit = 6;
            sh->has_alpn = 1;
            sh->alpn = body;
            break;
        case CL_EXT_SESSION_TICKET:
            bit = 9;
            sh->has_session_ticket = 1;
            if (!cl_rd_empty(&body))
                return CL_DECODE_FAIL(c, "session_ticket extension");
            break;
        case CL_EXT_SERVER_NAME:
            bit = 7;
            sh->has_sni = 1;
            if (!cl_rd_empty(&body))
                return CL_DECODE_FAIL(c, "server_name acknowledgement");
            break;
        default: /* one we sent that has no place in a ServerHello */
            return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                           "the server sent extension %u%s in its %s, where it is not allowed",
                           type, ext_label(type, label, sizeof label),
                           is_hrr ? "HelloRetryRequest" : "ServerHello");
        }
        /* A HelloRetryRequest carries only supported_versions, key_share and cookie. */
        if (is_hrr && bit >= 3)
            return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                           "the server sent extension %u%s in a HelloRetryRequest, where it is "
                           "not allowed", type, ext_label(type, label, sizeof label));
        if (seen & (1u << bit))
            return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                           "the server sent extension %u twice", type);
        seen |= 1u << bit;
    }
    return CLASP_OK;
}

/* RFC 8446 4.1.3: a server able to speak TLS 1.3 marks the random of a
 * ServerHello that selects TLS 1.2 ("DOWNGRD\1") or older ("DOWNGRD\0").
 * A client that offered TLS 1.3 checks both; one that offered only TLS 1.2
 * was not downgraded to 1.2, but checks the second mark when 1.1 or older
 * is selected. */
static int check_downgrade(clasp_conn *c, const cl_server_hello *sh)
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
    return CLASP_OK;
}

/* Version, session id, suite and compression checks common to HRR and SH. */
static int check_hello_basics(clasp_conn *c, const cl_server_hello *sh, const char *what)
{
    cl_hs *hs = c->hs;
    if (!sh->has_versions) {
        /* The server picked TLS 1.2 or older through legacy_version. */
        int rc = check_downgrade(c, sh);
        if (rc != CLASP_OK)
            return rc;
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
    if (!s || s->version != CLASP_TLS1_3 || !suite_offered(c, sh->suite))
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
    return CLASP_OK;
}

static int handle_hrr(clasp_conn *c, const uint8_t *msg, size_t len)
{
    cl_hs *hs = c->hs;
    cl_server_hello sh;
    int rc = parse_server_hello(c, msg, len, &sh, 1);
    if (rc != CLASP_OK)
        return rc;
    if (hs->hrr)
        return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                       "the server sent a second HelloRetryRequest");
    if ((rc = check_hello_basics(c, &sh, "HelloRetryRequest")) != CLASP_OK)
        return rc;
    hs->hrr = 1;
    if (!sh.has_key_share && !sh.has_cookie)
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the server's HelloRetryRequest asks for no change");
    if (sh.has_key_share) {
        int ours = 0;
        for (size_t i = 0; i < c->cfg->n_groups; i++)
            ours |= c->cfg->groups[i] == sh.share_group;
        if (!ours || sh.share_group == hs->kx_group)
            return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                           "the server's HelloRetryRequest asks for group %s (0x%04x), which is "
                           "%s", cl_group_name(sh.share_group), sh.share_group,
                           ours ? "the one we already sent" : "not one we offered");
        hs->kx_group = sh.share_group;
    }
    if (sh.has_cookie) {
        cl_buf_reset(&hs->cookie);
        cl_wr_bytes(&hs->cookie, sh.cookie.p, sh.cookie.n);
    }
    cl_set_record_version(c, 0);
    if (cl_transcript_hrr_restart(c) || cl_transcript_add(c, msg, len))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "transcript update failed");
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_RECV, "HelloRetryRequest", "%s; wants key_share %s%s",
                 c->suite->iana, cl_group_name(hs->kx_group), sh.has_cookie ? "; cookie" : "");
    if (c->cfg->middlebox_compat && cl_send_change_cipher_spec(c))
        return cl_fail(c, -1, CLASP_E_INTERNAL, "could not send ChangeCipherSpec");
    return send_client_hello(c);
}

/* RFC 8446 4.1.3: a ServerHello whose random is the special value is a
 * HelloRetryRequest. */
static int is_hello_retry_request(const uint8_t *msg, size_t len)
{
    cl_reader r = cl_reader_init(msg + 4, len - 4);
    uint16_t legacy_version;
    const uint8_t *random;
    return cl_rd_u16(&r, &legacy_version) == 0 && cl_rd_bytes(&r, 32, &random) == 0 &&
           memcmp(random, cl_hrr_random, 32) == 0;
}

static int handle_server_hello(clasp_conn *c, const uint8_t *msg, size_t len)
{
    cl_hs *hs = c->hs;
    /* A client that offered no TLS 1.3 knows no HelloRetryRequest. */
    if (hs->offer13 && is_hello_retry_request(msg, len))
        return handle_hrr(c, msg, len);
    cl_server_hello sh;
    int rc = parse_server_hello(c, msg, len, &sh, 0);
    if (rc != CLASP_OK)
        return rc;
    if (!sh.has_versions && sh.legacy_version == CLASP_TLS1_2 && hs->offer12) {
        if ((rc = check_downgrade(c, &sh)) != CLASP_OK)
            return rc;
        if (hs->hrr)
            return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                           "the server chose TLS 1.2 after a TLS 1.3 HelloRetryRequest");
        return cl_client12_server_hello(c, &sh, msg, len);
    }
    if ((rc = check_hello_basics(c, &sh, "ServerHello")) != CLASP_OK)
        return rc;
    if (sh.has_reneg || sh.has_ems || sh.has_point_formats || sh.has_alpn || sh.has_sni ||
        sh.has_session_ticket)
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the server's TLS 1.3 ServerHello carries TLS 1.2 extensions");
    if (!sh.has_key_share)
        return cl_fail(c, CL_ALERT_MISSING_EXTENSION, CLASP_E_PROTOCOL,
                       "the server's ServerHello has no key_share (PSK-only handshakes are not "
                       "offered)");
    if (sh.share_group != hs->kx_group)
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the server answered with a key share for %s (0x%04x), but we sent %s",
                       cl_group_name(sh.share_group), sh.share_group, cl_group_name(hs->kx_group));
    memcpy(hs->server_random, sh.random, 32);
    cl_set_record_version(c, 0);
    c->version = CLASP_TLS1_3;
    c->group = hs->kx_group;
    uint8_t dhe[CR_MAX_KX_SECRET];
    size_t dhe_len = sizeof dhe;
    if (cr_kx_derive(hs->kx, sh.share.p, sh.share.n, dhe, &dhe_len)) {
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the server's %s key share is invalid", cl_group_name(c->group));
    }
    cr_kx_free(hs->kx);
    hs->kx = NULL;
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_RECV, "ServerHello", "TLS 1.3; %s; key_share %s%s", c->suite->iana,
                 cl_group_name(c->group), sh.has_psk ? "; our ticket accepted (resumption)" : "");
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
    rc = CLASP_OK;
    if (cl_transcript_start(c) || cl_transcript_add(c, msg, len) ||
        cl_ks_early(c, hs->psk_accepted ? hs->psk : NULL, hs->psk_len) ||
        cl_ks_handshake(c, dhe, dhe_len) || cl_ks_install(c, hs->s_hs, 0))
        rc = cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "key schedule failed");
    cl_wipe(dhe, sizeof dhe);
    if (rc != CLASP_OK)
        return rc;
    /* Our compatibility CCS goes before anything encrypted (RFC 8446 D.4). */
    if (c->cfg->middlebox_compat && !hs->hrr && cl_send_change_cipher_spec(c))
        return cl_fail(c, -1, CLASP_E_INTERNAL, "could not send ChangeCipherSpec");
    if (cl_ks_install(c, hs->c_hs, 1))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "key schedule failed");
    c->state = CL_ST_C_WAIT_EE;
    return CLASP_OK;
}

static int offered_alpn(const clasp_conn *c, const uint8_t *p, size_t n)
{
    cl_reader r = cl_reader_init(c->cfg->alpn, c->cfg->alpn_len), proto;
    while (cl_rd_vec(&r, 1, &proto) == 0)
        if (proto.n == n && memcmp(proto.p, p, n) == 0)
            return 1;
    return 0;
}

static int handle_encrypted_extensions(clasp_conn *c, const uint8_t *msg, size_t len)
{
    cl_reader r = cl_reader_init(msg + 4, len - 4), exts;
    if (cl_rd_vec(&r, 2, &exts) || !cl_rd_empty(&r))
        return CL_DECODE_FAIL(c, "EncryptedExtensions");
    uint8_t seen[8192] = {0};
    while (!cl_rd_empty(&exts)) {
        uint16_t type;
        cl_reader body, list, proto;
        if (cl_rd_u16(&exts, &type) || cl_rd_vec(&exts, 2, &body))
            return CL_DECODE_FAIL(c, "EncryptedExtensions");
        if (seen[type >> 3] & (1u << (type & 7)))
            return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                           "the server sent extension %u twice in EncryptedExtensions", type);
        seen[type >> 3] |= (uint8_t)(1u << (type & 7));
        char label[48];
        if (!cl_client_sent_ext(c->hs, type))
            return cl_fail(c, CL_ALERT_UNSUPPORTED_EXTENSION, CLASP_E_PROTOCOL,
                           "the server sent extension %u%s in EncryptedExtensions, which this "
                           "client did not offer", type, ext_label(type, label, sizeof label));
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
            if (cl_rd_vec(&body, 2, &list) || !cl_rd_empty(&body) ||
                cl_rd_vec_nonempty(&list, 1, &proto) || !cl_rd_empty(&list))
                return CL_DECODE_FAIL(c, "ALPN extension (it must name exactly one protocol)");
            if (!offered_alpn(c, proto.p, proto.n))
                return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                               "the server selected ALPN protocol '%.*s', which we did not offer",
                               (int)proto.n, (const char *)proto.p);
            memcpy(c->alpn, proto.p, proto.n);
            c->alpn[proto.n] = 0;
            c->has_alpn = 1;
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
                           "not allowed", type, ext_label(type, label, sizeof label));
        }
    }
    if (cl_transcript_add(c, msg, len))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "transcript update failed");
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_RECV, "EncryptedExtensions", "alpn=%s",
                 c->has_alpn ? c->alpn : "-");
    /* Resumption: the ticket's PSK stands in for the certificate. */
    c->state = c->hs->psk_accepted ? CL_ST_C_WAIT_FINISHED : CL_ST_C_WAIT_CERT_CR;
    return CLASP_OK;
}

static int handle_certificate_request(clasp_conn *c, const uint8_t *msg, size_t len)
{
    cl_hs *hs = c->hs;
    cl_reader r = cl_reader_init(msg + 4, len - 4), ctx, exts;
    if (cl_rd_vec(&r, 1, &ctx) || cl_rd_vec(&r, 2, &exts) || !cl_rd_empty(&r))
        return CL_DECODE_FAIL(c, "CertificateRequest");
    /* RFC 8446 4.3.2: empty except in post-handshake authentication,
     * which clasp does not offer. */
    if (ctx.n)
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the server's CertificateRequest has a %zu-byte certificate_request_context; "
                       "in the handshake it must be empty", ctx.n);
    int have_sigalgs = 0;
    uint8_t seen[8192] = {0};
    while (!cl_rd_empty(&exts)) {
        uint16_t type;
        cl_reader body, list;
        char label[48];
        if (cl_rd_u16(&exts, &type) || cl_rd_vec(&exts, 2, &body))
            return CL_DECODE_FAIL(c, "CertificateRequest");
        if (seen[type >> 3] & (1u << (type & 7)))
            return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                           "the server sent extension %u%s twice in its CertificateRequest", type,
                           ext_label(type, label, sizeof label));
        seen[type >> 3] |= (uint8_t)(1u << (type & 7));
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
                               "it is not allowed", type, ext_label(type, label, sizeof label));
            break;
        }
    }
    if (!have_sigalgs)
        return cl_fail(c, CL_ALERT_MISSING_EXTENSION, CLASP_E_PROTOCOL,
                       "the server's CertificateRequest has no signature_algorithms");
    cl_buf_reset(&hs->cr_context);
    cl_wr_bytes(&hs->cr_context, ctx.p, ctx.n);
    hs->cert_requested = 1;
    if (cl_transcript_add(c, msg, len))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "transcript update failed");
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_RECV, "CertificateRequest", "%zu signature algorithms accepted",
                 hs->n_peer_sigalgs);
    c->state = CL_ST_C_WAIT_CERT;
    return CLASP_OK;
}

/* After the server's Finished: our certificate if asked, our Finished, and
 * the switch to application keys. */
static int send_second_flight(clasp_conn *c)
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
        if (cl_send_certificate(c, chosen, hs->cr_context.data, hs->cr_context.len))
            return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "could not send Certificate");
        if (chosen && cl_send_certificate_verify(c))
            return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL,
                           "could not sign CertificateVerify with our key");
    }
    if (cl_send_finished(c, hs->c_hs) || cl_ks_install(c, hs->c_ap, 1) || cl_ks_resumption(c))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "could not send Finished");
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_KEY, "application keys", "both directions now use application traffic keys");
    cl_hs_finish(c);
    return CLASP_OK;
}

int cl_client13_message(clasp_conn *c, uint8_t type, const uint8_t *msg, size_t len)
{
    cl_hs *hs = c->hs;
    int rc;
    switch (type) {
    case CL_HS_SERVER_HELLO:
        return handle_server_hello(c, msg, len);
    case CL_HS_ENCRYPTED_EXTENSIONS:
        return handle_encrypted_extensions(c, msg, len);
    case CL_HS_CERTIFICATE_REQUEST:
        return handle_certificate_request(c, msg, len);
    case CL_HS_CERTIFICATE:
        if ((rc = cl_recv_certificate(c, msg, len)) != CLASP_OK)
            return rc;
        c->state = CL_ST_C_WAIT_CV;
        return CLASP_OK;
    case CL_HS_CERTIFICATE_VERIFY:
        if ((rc = cl_recv_certificate_verify(c, msg, len)) != CLASP_OK)
            return rc;
        c->state = CL_ST_C_WAIT_FINISHED;
        return CLASP_OK;
    case CL_HS_FINISHED:
        if ((rc = cl_recv_finished(c, msg, len, hs->s_hs)) != CLASP_OK)
            return rc;
        if (cl_ks_master(c) || cl_ks_install(c, hs->s_ap, 0))
            return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "key schedule failed");
        return send_second_flight(c);
    }
    return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL, "unexpected %s",
                   cl_hs_type_name(type));
}
