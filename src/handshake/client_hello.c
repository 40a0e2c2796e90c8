/* SPDX-License-Identifier: Apache-2.0 */
/* The ClientHello of both versions: built by the client (what it offers:
 * versions, suites, groups and key shares, a session to resume) and parsed
 * by the server (every extension checked, nothing decided yet: server13.c
 * negotiates, server12.c continues a TLS 1.2 hello). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

#include "handshake/hs.h"

static int is_ip_literal(const char *name)
{
    uint8_t buf[16];
    return inet_pton(AF_INET, name, buf) == 1 || inet_pton(AF_INET6, name, buf) == 1;
}

int cl_suite_offered(const clasp_conn *c, uint16_t id)
{
    for (size_t i = 0; i < c->cfg->n_suites; i++)
        if (c->cfg->suites[i] == id)
            return 1;
    return 0;
}

/* The classic group whose share goes beside a hybrid one: the first
 * elliptic curve we list (x25519 by default); 0 if none. After a
 * HelloRetryRequest there is only the share the server asked for. */
static uint16_t second_share_group(const clasp_conn *c)
{
    const cl_hs *hs = c->hs;
    if (hs->hrr || !cr_group_is_hybrid(hs->kx_group))
        return 0;
    for (size_t i = 0; i < c->cfg->n_groups; i++) {
        uint16_t g = c->cfg->groups[i];
        if (g < 0x0100) /* the curves; the finite-field groups cost too much */
            return g;
    }
    return 0;
}

static int make_key_shares(clasp_conn *c, uint8_t *pub, size_t *pub_len, uint8_t *pub2,
                           size_t *pub2_len)
{
    cl_hs *hs = c->hs;
    cr_kx_free(hs->kx);
    cr_kx_free(hs->kx2);
    hs->kx = hs->kx2 = NULL;
    hs->kx2_group = second_share_group(c);
    if (cl_ephemeral_key(c, hs->kx_group, &hs->kx, pub, pub_len))
        return -1;
    if (!hs->kx2_group)
        return 0;
#ifdef CLASP_TEST_HOOKS
    if (CL_TEST(c) && CL_TEST(c)->kx_private_len) /* a fixed key for the classic share */
        return cl_ephemeral_key(c, hs->kx2_group, &hs->kx2, pub2, pub2_len);
#endif
    /* x25519 beside X25519MLKEM768 is the hybrid's own X25519 key: one
     * key generation less. */
    return cr_kx_generate_beside(hs->kx2_group, hs->kx, &hs->kx2, pub2, pub2_len);
}

static void add_empty_ext(cl_buf *m, uint16_t type, const uint8_t *body, size_t len)
{
    size_t e = cl_ext_open(m, type);
    cl_wr_bytes(m, body, len);
    cl_ext_close(m, e);
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
    if (!ps || !cl_suite_offered(c, s->suite))
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

cl_result cl_send_client_hello(clasp_conn *c)
{
    cl_hs *hs = c->hs;
    const clasp_config *cfg = c->cfg;
    uint8_t pub[CR_MAX_KX_PUB], pub2[CR_MAX_KX_PUB];
    size_t pub_len = sizeof pub, pub2_len = sizeof pub2;
    if (hs->offer13 && make_key_shares(c, pub, &pub_len, pub2, &pub2_len))
        return cl_fail(c, -1, CLASP_E_INTERNAL, "could not make a %s key share",
                       cl_group_name(hs->kx ? hs->kx2_group : hs->kx_group));
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
        size_t e = cl_ext_open(&m, CL_EXT_SERVER_NAME);
        size_t list = cl_wr_begin_vec(&m, 2);
        cl_wr_u8(&m, 0); /* host_name */
        size_t n = cl_wr_begin_vec(&m, 2);
        cl_wr_bytes(&m, c->server_name, len);
        cl_wr_end_vec(&m, n, 2);
        cl_wr_end_vec(&m, list, 2);
        cl_ext_close(&m, e);
    }
    int legacy = CL_TEST(c) && CL_TEST(c)->legacy_client_extensions;
    if (hs->offer12) {
        /* TLS 1.2: uncompressed points only, extended master secret always. */
        add_empty_ext(&m, CL_EXT_EC_POINT_FORMATS, (const uint8_t *)"\x01\x00", 2);
        add_empty_ext(&m, CL_EXT_EXTENDED_MASTER_SECRET, NULL, 0);
    }
    if (legacy || hs->offer12) /* RFC 5746: an empty renegotiated_connection */
        add_empty_ext(&m, CL_EXT_RENEGOTIATION_INFO, (const uint8_t *)"", 1);
    size_t e = cl_ext_open(&m, CL_EXT_SUPPORTED_GROUPS);
    size_t list = cl_wr_begin_vec(&m, 2);
    for (size_t i = 0; i < cfg->n_groups; i++)
        if (hs->offer13 || !cr_group_is_hybrid(cfg->groups[i])) /* hybrids: TLS 1.3 only */
            cl_wr_u16(&m, cfg->groups[i]);
    cl_wr_end_vec(&m, list, 2);
    cl_ext_close(&m, e);
    if (hs->offer12 && !legacy) {
        /* RFC 5077: our ticket, or an empty extension asking for one. */
        const cl_session *o = hs->offer12_session ? c->offer : NULL;
        add_empty_ext(&m, CL_EXT_SESSION_TICKET, o ? o->ticket : NULL, o ? o->ticket_len : 0);
    } else if (legacy) {
        add_empty_ext(&m, CL_EXT_SESSION_TICKET, NULL, 0);
    }
    if (cfg->alpn_len) {
        e = cl_ext_open(&m, CL_EXT_ALPN);
        list = cl_wr_begin_vec(&m, 2);
        cl_wr_bytes(&m, cfg->alpn, cfg->alpn_len);
        cl_wr_end_vec(&m, list, 2);
        cl_ext_close(&m, e);
    }
    if (hs->offer13) {
        e = cl_ext_open(&m, CL_EXT_KEY_SHARE);
        list = cl_wr_begin_vec(&m, 2);
        cl_wr_u16(&m, hs->kx_group);
        size_t k = cl_wr_begin_vec(&m, 2);
        cl_wr_bytes(&m, pub, pub_len);
        cl_wr_end_vec(&m, k, 2);
        if (hs->kx2_group) {
            cl_wr_u16(&m, hs->kx2_group);
            k = cl_wr_begin_vec(&m, 2);
            cl_wr_bytes(&m, pub2, pub2_len);
            cl_wr_end_vec(&m, k, 2);
        }
        cl_wr_end_vec(&m, list, 2);
        cl_ext_close(&m, e);
        e = cl_ext_open(&m, CL_EXT_SUPPORTED_VERSIONS);
        list = cl_wr_begin_vec(&m, 1);
        cl_wr_u16(&m, CLASP_TLS1_3);
        if (hs->offer12)
            cl_wr_u16(&m, CLASP_TLS1_2);
        cl_wr_end_vec(&m, list, 1);
        cl_ext_close(&m, e);
    }
    e = cl_ext_open(&m, CL_EXT_SIGNATURE_ALGORITHMS);
    list = cl_wr_begin_vec(&m, 2);
    for (size_t i = 0; i < cfg->n_sigalgs; i++)
        cl_wr_u16(&m, cfg->sigalgs[i]);
    cl_wr_end_vec(&m, list, 2);
    cl_ext_close(&m, e);
    if (hs->cookie.len) {
        e = cl_ext_open(&m, CL_EXT_COOKIE);
        list = cl_wr_begin_vec(&m, 2);
        cl_wr_bytes(&m, hs->cookie.data, hs->cookie.len);
        cl_wr_end_vec(&m, list, 2);
        cl_ext_close(&m, e);
    }
    if (hs->offer13)
        add_empty_ext(&m, CL_EXT_PSK_KEY_EXCHANGE_MODES, (const uint8_t *)"\x01\x01", 2);
    cl_write_status_request(c, &m);
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
        uint64_t now = cl_now_ms();
        if (CL_TEST(c) && CL_TEST(c)->now_ms)
            now = CL_TEST(c)->now_ms; /* a replayed ClientHello carries the same age */
        uint32_t age = (uint32_t)(now - offer->received_ms) + offer->age_add;
        e = cl_ext_open(&m, CL_EXT_PRE_SHARED_KEY);
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
        cl_ext_close(&m, e);
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
        if (cl_transcript_hash_with(c, hs->psk_hash, CL_HS_CLIENT_HELLO, m.data + 4, body, truncated - 4, th) ||
            cl_ks_binder(hs->psk_hash, hs->psk, hs->psk_len, th, m.data + binder_at)) {
            cl_buf_free(&m);
            return cl_fail(c, -1, CLASP_E_INTERNAL, "could not compute the PSK binder");
        }
    }

    char detail[320] = "", shares[96] = "-";
    if (cl_trace_on(c) && hs->offer13) {
        int n = snprintf(shares, sizeof shares, "%s (%zu bytes)", cl_group_name(hs->kx_group),
                         pub_len);
        if (hs->kx2_group && n > 0 && (size_t)n < sizeof shares)
            snprintf(shares + n, sizeof shares - (size_t)n, ", %s (%zu bytes)",
                     cl_group_name(hs->kx2_group), pub2_len);
    }
    if (cl_trace_on(c))
        snprintf(detail, sizeof detail, "%s; %zu suite(s); key_share %s; sni=%s%s%s%s",
                 hs->offer13 ? (hs->offer12 ? "TLS 1.3, 1.2" : "TLS 1.3") : "TLS 1.2",
                 cfg->n_suites, shares,
                 c->server_name ? c->server_name : "-", hs->cookie.len ? "; cookie echoed" : "",
                 cfg->alpn_len ? "; alpn offered" : "", offer ? "; ticket offered (PSK)" : "");
    return cl_hs_send(c, &m, NULL, detail);
}

/* Parses a ClientHello into ch: every extension body is checked for exact
 * length; duplicates and a pre_shared_key that is not last are refused. */
cl_result cl_parse_client_hello(clasp_conn *c, const uint8_t *msg, size_t len, cl_client_hello *ch)
{
    memset(ch, 0, sizeof *ch);
    cl_reader r = cl_reader_init(msg, len), sid, exts;
    if (cl_rd_u16(&r, &ch->legacy_version) || cl_rd_bytes(&r, 32, &ch->random) ||
        cl_rd_vec(&r, 1, &sid) || sid.n > 32 || cl_rd_vec(&r, 2, &ch->suites) ||
        ch->suites.n < 2 || ch->suites.n % 2 || cl_rd_vec_nonempty(&r, 1, &ch->compression))
        return CL_DECODE_FAIL(c, "ClientHello");
    ch->session_id = sid.p;
    ch->session_id_len = sid.n;
    if (cl_rd_empty(&r))
        return CL_OK;
    if (cl_rd_vec(&r, 2, &exts) || !cl_rd_empty(&r))
        return CL_DECODE_FAIL(c, "ClientHello (extension block)");
    cl_ext_iter it;
    cl_ext_begin(&it, exts);
    uint16_t type;
    cl_reader body;
    int got;
    while ((got = cl_ext_next(&it, &type, &body)) != CL_EXT_END) {
        cl_reader list;
        if (got == CL_EXT_MALFORMED)
            return CL_DECODE_FAIL(c, "ClientHello (extension block)");
        if (got == CL_EXT_DUPLICATE)
            return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                           "the client sent extension %u twice", type);
        if (ch->has_psk)
            return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                           "the client's pre_shared_key extension is not the last one");
        int bad = 0;
        switch (type) {
        case CL_EXT_SERVER_NAME: {
            bad = cl_rd_vec_nonempty(&body, 2, &list) || !cl_rd_empty(&body);
            while (!bad && !cl_rd_empty(&list)) {
                uint8_t name_type;
                cl_reader name;
                bad = cl_rd_u8(&list, &name_type) || cl_rd_vec_nonempty(&list, 2, &name);
                if (!bad && name_type == 0) {
                    char why[128];
                    if (ch->sni || ch->sni_ip_literal)
                        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                                       "the client's server_name lists more than one host name");
                    /* RFC 6066 3 rules out IP literals, but some old clients
                     * send them: such a name is ignored, as if absent. */
                    if (cl_is_ip_literal((const char *)name.p, name.n)) {
                        ch->sni_ip_literal = 1;
                        continue;
                    }
                    if (cl_check_host_name((const char *)name.p, name.n, why, sizeof why))
                        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                                       "the client's server_name is not a valid host name "
                                       "(RFC 6066 3): it %s", why);
                    ch->sni = name.p;
                    ch->sni_len = name.n;
                }
            }
            break;
        }
        case CL_EXT_SUPPORTED_GROUPS:
            ch->has_groups = 1;
            bad = cl_rd_vec_nonempty(&body, 2, &ch->groups) || !cl_rd_empty(&body) || ch->groups.n % 2;
            break;
        case CL_EXT_SIGNATURE_ALGORITHMS:
            ch->has_sigalgs = 1;
            bad = cl_rd_vec_nonempty(&body, 2, &ch->sigalgs) || !cl_rd_empty(&body) || ch->sigalgs.n % 2;
            break;
        case CL_EXT_SIGNATURE_ALGORITHMS_CERT:
            ch->has_sigalgs_cert = 1;
            bad = cl_rd_vec_nonempty(&body, 2, &ch->sigalgs_cert) || !cl_rd_empty(&body) ||
                  ch->sigalgs_cert.n % 2;
            break;
        case CL_EXT_SUPPORTED_VERSIONS:
            ch->has_versions = 1;
            bad = cl_rd_vec_nonempty(&body, 1, &ch->versions) || !cl_rd_empty(&body) || ch->versions.n % 2;
            break;
        case CL_EXT_KEY_SHARE: {
            ch->has_key_share = 1;
            bad = cl_rd_vec(&body, 2, &ch->key_shares) || !cl_rd_empty(&body);
            /* Each entry well formed, and no group twice (RFC 8446 4.2.8),
             * however many entries: one bit per group. */
            cl_reader shares = ch->key_shares;
            uint8_t groups_seen[8192] = {0};
            while (!bad && !cl_rd_empty(&shares)) {
                uint16_t g;
                cl_reader key;
                bad = cl_rd_u16(&shares, &g) || cl_rd_vec_nonempty(&shares, 2, &key);
                if (!bad && (groups_seen[g >> 3] & (1u << (g & 7))))
                    return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                                   "the client sent two key shares for group 0x%04x", g);
                groups_seen[g >> 3] |= (uint8_t)(1u << (g & 7));
            }
            break;
        }
        case CL_EXT_ALPN:
            ch->has_alpn = 1;
            bad = cl_rd_vec_nonempty(&body, 2, &ch->alpn) || !cl_rd_empty(&body);
            for (cl_reader l = ch->alpn; !bad && !cl_rd_empty(&l);) {
                cl_reader proto;
                bad = cl_rd_vec_nonempty(&l, 1, &proto);
            }
            break;
        case CL_EXT_COOKIE:
            ch->has_cookie = 1;
            bad = cl_rd_vec_nonempty(&body, 2, &ch->cookie) || !cl_rd_empty(&body);
            break;
        case CL_EXT_PSK_KEY_EXCHANGE_MODES:
            ch->has_psk_modes = 1;
            bad = cl_rd_vec_nonempty(&body, 1, &ch->psk_modes) || !cl_rd_empty(&body);
            break;
        case CL_EXT_RECORD_SIZE_LIMIT:
            ch->has_record_size_limit = 1;
            bad = cl_rd_u16(&body, &ch->record_size_limit) || !cl_rd_empty(&body);
            if (!bad && ch->record_size_limit < 64)
                return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                               "the client's record_size_limit %u is below the minimum of 64",
                               ch->record_size_limit);
            break;
        case CL_EXT_STATUS_REQUEST: {
            /* RFC 6066 8: only the ocsp type (1) asks for what we staple;
             * its responder ids and request extensions are not used. */
            uint8_t status_type;
            cl_reader ids, req_exts;
            bad = cl_rd_u8(&body, &status_type);
            if (!bad && status_type == 1) {
                bad = cl_rd_vec(&body, 2, &ids) || cl_rd_vec(&body, 2, &req_exts) ||
                      !cl_rd_empty(&body);
                ch->has_status_request = !bad;
            }
            break;
        }
        case CL_EXT_EARLY_DATA:
            ch->has_early_data = 1;
            bad = !cl_rd_empty(&body);
            break;
        case CL_EXT_PRE_SHARED_KEY:
            ch->has_psk = 1;
            ch->psk_binders_len = body.n;
            bad = cl_rd_vec_nonempty(&body, 2, &ch->psk_identities);
            ch->psk_binders_len = body.n; /* what follows the identities */
            bad = bad || cl_rd_vec_nonempty(&body, 2, &ch->psk_binders) || !cl_rd_empty(&body);
            break;
        case CL_EXT_RENEGOTIATION_INFO:
            ch->has_reneg = 1;
            ch->reneg = body;
            break;
        case CL_EXT_EXTENDED_MASTER_SECRET:
            ch->has_ems = 1;
            bad = !cl_rd_empty(&body);
            break;
        case CL_EXT_EC_POINT_FORMATS:
            ch->has_point_formats = 1;
            bad = cl_rd_vec_nonempty(&body, 1, &ch->point_formats) || !cl_rd_empty(&body);
            break;
        case CL_EXT_SESSION_TICKET:
            ch->has_session_ticket = 1;
            ch->session_ticket = body;
            break;
        default:
            break; /* unknown extensions and GREASE are ignored (RFC 8446 4.1.2, RFC 8701) */
        }
        if (bad)
            return cl_fail(c, CL_ALERT_DECODE_ERROR, CLASP_E_PROTOCOL,
                           "the client sent a malformed extension %u", type);
    }
    return CL_OK;
}
