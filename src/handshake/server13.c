/* SPDX-License-Identifier: Apache-2.0 */
/* TLS 1.3 server (RFC 8446 2):
 *
 *   ClientHello              -->
 *                            <--  HelloRetryRequest (no acceptable key share)
 *   ClientHello              -->
 *                            <--  ServerHello {EncryptedExtensions}
 *                                 {CertificateRequest}? {Certificate}
 *                                 {CertificateVerify} {Finished}
 *   {Certificate {CertificateVerify}}? {Finished}  -->
 */
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "handshake/hs.h"

/* What negotiate() decided for a ClientHello. */
typedef enum {
    SERVE_TLS13,     /* with the client's key share for c->group */
    SERVE_TLS12,     /* the TLS 1.2 server takes over */
    ASK_FOR_SHARE,   /* send a HelloRetryRequest for retry_group */
} server_choice_kind;

typedef struct {
    server_choice_kind kind;
    uint16_t retry_group; /* ASK_FOR_SHARE */
    cl_reader share;      /* SERVE_TLS13 */
} server_choice;


static int find_share(cl_reader shares, uint16_t group, cl_reader *key)
{
    uint16_t g;
    while (cl_rd_u16(&shares, &g) == 0 && cl_rd_vec(&shares, 2, key) == 0)
        if (g == group)
            return 1;
    return 0;
}

/* The client's key shares for the trace: each group with its size. */
static void describe_shares(cl_reader shares, char *out, size_t len)
{
    uint16_t g;
    cl_reader key;
    size_t at = 0;
    out[0] = 0;
    while (at < len && cl_rd_u16(&shares, &g) == 0 && cl_rd_vec(&shares, 2, &key) == 0) {
        const char *name = cl_group_name(g);
        int n = strcmp(name, "unknown") ? snprintf(out + at, len - at, "%s%s (%zu bytes)", at ? ", " : "", name, key.n)
                     : snprintf(out + at, len - at, "%s0x%04x (%zu bytes)", at ? ", " : "", g, key.n);
        if (n < 0)
            break;
        at += (size_t)n;
    }
    if (!out[0])
        snprintf(out, len, "none");
}

/* A peer's list for an error sentence. With a name function, only the
 * values it knows are named (each once) and the rest counted, so a list of
 * GREASE and unknown values does not crowd out the ones that matter. */
static void describe_u16_list(cl_reader list, const char *(*name)(uint16_t), char *out, size_t len)
{
    uint16_t v, named[32];
    size_t unknown = 0, more = 0, n_named = 0;
    out[0] = 0;
    while (cl_rd_u16(&list, &v) == 0) {
        const char *n = name ? name(v) : NULL;
        if (name && (!n || !strcmp(n, "unknown"))) {
            unknown++;
            continue;
        }
        size_t i = 0;
        while (i < n_named && named[i] != v)
            i++;
        if (i < n_named)
            continue; /* named already */
        if (n_named < sizeof named / sizeof named[0])
            named[n_named++] = v;
        size_t used = strlen(out);
        if (used + 48 >= len) {
            more++;
            continue;
        }
        if (n)
            snprintf(out + used, len - used, "%s%s", used ? ", " : "", n);
        else
            snprintf(out + used, len - used, "%s0x%04x", used ? ", " : "", v);
    }
    size_t used = strlen(out);
    if (more)
        snprintf(out + used, len - used, "%s%zu more", used ? " and " : "", more), used = strlen(out);
    if (unknown)
        snprintf(out + used, len - used, "%s%zu unknown value%s", used ? " and " : "", unknown,
                 unknown == 1 ? "" : "s");
    if (!out[0])
        snprintf(out, len, "none");
}

static const char *suite_name(uint16_t id)
{
    const cl_suite *s = cl_suite_by_id(id);
    return s ? s->iana : NULL;
}

/* Picks version, suite, group and certificate, or decides to hand over to
 * TLS 1.2 or to ask for another key share (*out). */
CL_MUST_CHECK static cl_result negotiate(clasp_conn *c, const cl_client_hello *ch,
                                         server_choice *out)
{
    cl_hs *hs = c->hs;
    const clasp_config *cfg = c->cfg;
    char list[256];

    /* Version (RFC 8446 4.2.1; RFC 8996 for the old ones). */
    /* RFC 8446 D.5: SSL 3.0 in legacy_version is refused even next to
     * supported_versions (without it, the RFC 8996 refusal below applies). */
    if (ch->has_versions && ch->legacy_version <= 0x0300)
        return cl_fail(c, CL_ALERT_PROTOCOL_VERSION, CLASP_E_NEGOTIATION,
                       "the client's ClientHello has legacy_version 0x%04x (SSL 3.0 or older), "
                       "which must be refused (RFC 8446 D.5)", ch->legacy_version);
    int has13 = ch->has_versions && cl_list_has_u16(ch->versions, CLASP_TLS1_3);
    if (!has13 || cfg->max_version < CLASP_TLS1_3) {
        uint16_t best = ch->has_versions ? 0 : ch->legacy_version;
        if (ch->has_versions && cl_list_has_u16(ch->versions, CLASP_TLS1_2))
            best = CLASP_TLS1_2;
        if (!ch->has_versions && best > CLASP_TLS1_2)
            best = CLASP_TLS1_2; /* a newer client without supported_versions */
        if (best == CLASP_TLS1_2 && cfg->min_version <= CLASP_TLS1_2 && !hs->hrr) {
            out->kind = SERVE_TLS12;
            return CL_OK;
        }
        if (best == 0 && ch->has_versions) {
            describe_u16_list(ch->versions, NULL, list, sizeof list);
            return cl_fail(c, CL_ALERT_PROTOCOL_VERSION, CLASP_E_NEGOTIATION,
                           "the client offers versions %s, none of which this server accepts "
                           "(it is set to %s)", list,
                           cfg->min_version == cfg->max_version
                               ? (cfg->max_version == CLASP_TLS1_3 ? "TLS 1.3 only" : "TLS 1.2 only")
                               : "TLS 1.2 and 1.3");
        }
        if (best < CLASP_TLS1_2)
            return cl_fail(c, CL_ALERT_PROTOCOL_VERSION, CLASP_E_NEGOTIATION,
                           "the client offered only %s, which is obsolete and refused (RFC 8996); "
                           "clasp speaks TLS 1.2 and 1.3",
                           best == 0x0300 ? "SSL 3.0" : best == 0x0301 ? "TLS 1.0"
                                                      : best == 0x0302 ? "TLS 1.1" : "an SSL/TLS version older than TLS 1.2");
        return cl_fail(c, CL_ALERT_PROTOCOL_VERSION, CLASP_E_NEGOTIATION,
                       cfg->max_version < CLASP_TLS1_3
                           ? "the client offered only TLS 1.3, and this server is set to TLS 1.2 only"
                           : "the client offered only TLS 1.2, and this server is set to TLS 1.3 only");
    }
    if (ch->compression.n != 1 || ch->compression.p[0] != 0)
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the client offered compression; TLS 1.3 requires exactly the null method");

    /* Suite: ours first. After a HelloRetryRequest it must not change. */
    const cl_suite *suite = NULL;
    for (size_t i = 0; i < cfg->n_suites && !suite; i++) {
        const cl_suite *s = cl_suite_by_id(cfg->suites[i]);
        if (s && s->version == CLASP_TLS1_3 && cl_list_has_u16(ch->suites, s->id))
            suite = s;
    }
    if (!suite) {
        describe_u16_list(ch->suites, suite_name, list, sizeof list);
        return cl_fail(c, CL_ALERT_HANDSHAKE_FAILURE, CLASP_E_NEGOTIATION,
                       "no cipher suite in common: the client offers %s", list);
    }
    if (c->suite && c->suite != suite)
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the client's second ClientHello changed the cipher suites");
    c->suite = suite;

    /* Certificate and signature scheme. */
    if (!ch->has_sigalgs)
        return cl_fail(c, CL_ALERT_MISSING_EXTENSION, CLASP_E_PROTOCOL,
                       "the client sent no signature_algorithms, which TLS 1.3 requires");
    uint16_t peer[CL_MAX_SIGALGS];
    size_t n_peer = cl_read_sigalgs(ch->sigalgs, peer, CL_MAX_SIGALGS);
    hs->cert = NULL;
    int can_sign = 0;
    for (size_t i = 0; i < cfg->n_certs && !hs->cert; i++) {
        /* keyUsage must allow signing (RFC 8446 4.4.2.2). */
        if (!(cfg->certs[i].uses & CR_KEY_USE_SIGN))
            continue;
        can_sign = 1;
        uint16_t s = cl_choose_sigalg(cfg->certs[i].key, peer, n_peer);
        if (s) {
            hs->cert = &cfg->certs[i];
            hs->sigalg = s;
        }
    }
    if (!cfg->n_certs)
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_CONFIG,
                       "this server has no certificate configured");
    if (!can_sign)
        return cl_fail(c, CL_ALERT_HANDSHAKE_FAILURE, CLASP_E_CONFIG,
                       "no certificate of this server allows digital signatures (keyUsage), "
                       "which TLS 1.3 needs; such a certificate serves only TLS 1.2 RSA key "
                       "exchange");
    if (!hs->cert) {
        describe_u16_list(ch->sigalgs, cl_sigalg_name, list, sizeof list);
        return cl_fail(c, CL_ALERT_HANDSHAKE_FAILURE, CLASP_E_NEGOTIATION,
                       "no signature algorithm in common: the client accepts %s, none of which "
                       "fits our certificate's key", list);
    }

    /* Key exchange: a share the client already sent, in our order; else ask
     * for our most preferred group the client supports. */
    if (!ch->has_key_share || !ch->has_groups)
        return cl_fail(c, CL_ALERT_MISSING_EXTENSION, CLASP_E_PROTOCOL,
                       "the client sent no %s; this server needs (EC)DHE key exchange",
                       ch->has_groups ? "key_share" : "supported_groups");
    for (size_t i = 0; i < cfg->n_groups; i++) {
        if (find_share(ch->key_shares, cfg->groups[i], &out->share)) {
            if (!cl_list_has_u16(ch->groups, cfg->groups[i]))
                return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                               "the client sent a key share for a group it does not list");
            c->group = cfg->groups[i];
            out->kind = SERVE_TLS13;
            return CL_OK;
        }
    }
    for (size_t i = 0; i < cfg->n_groups; i++) {
        if (cl_list_has_u16(ch->groups, cfg->groups[i])) {
            if (hs->hrr)
                return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                               "the client's second ClientHello lacks the %s key share we asked for",
                               cl_group_name(hs->kx_group));
            out->kind = ASK_FOR_SHARE;
            out->retry_group = cfg->groups[i];
            return CL_OK;
        }
    }
    describe_u16_list(ch->groups, cl_group_name, list, sizeof list);
    char ours[128] = "";
    for (size_t i = 0; i < cfg->n_groups; i++)
        snprintf(ours + strlen(ours), sizeof ours - strlen(ours), "%s%s", i ? ", " : "",
                 cl_group_name(cfg->groups[i]));
    return cl_fail(c, CL_ALERT_HANDSHAKE_FAILURE, CLASP_E_NEGOTIATION,
                   "no key exchange group in common: the client offers %s; this server accepts %s",
                   list, ours);
}

static void write_server_hello_head(cl_buf *m, const uint8_t *random, const cl_client_hello *ch,
                                    uint16_t suite)
{
    cl_wr_u16(m, CLASP_TLS1_2);
    cl_wr_bytes(m, random, 32);
    size_t v = cl_wr_begin_vec(m, 1);
    cl_wr_bytes(m, ch->session_id, ch->session_id_len);
    cl_wr_end_vec(m, v, 1);
    cl_wr_u16(m, suite);
    cl_wr_u8(m, 0);
}

CL_MUST_CHECK static cl_result send_hrr(clasp_conn *c, const cl_client_hello *ch, uint16_t group)
{
    cl_hs *hs = c->hs;
    hs->hrr = 1;
    hs->kx_group = group;
    /* On request, a cookie the client must echo; we keep state, so it only
     * proves the client saw this HelloRetryRequest. */
    cl_buf_reset(&hs->cookie);
    if (c->cfg->hrr_cookie) {
        uint8_t *ck = cl_wr_space(&hs->cookie, 32);
        if (!ck || cl_random(c, ck, 32))
            return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL,
                           "random number generator failed");
    }
    if (cl_transcript_start(c) || cl_transcript_hrr_restart(c, 0))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "transcript update failed");
    cl_buf m;
    cl_hs_begin(&m, CL_HS_SERVER_HELLO);
    write_server_hello_head(&m, cl_hrr_random, ch, c->suite->id);
    size_t exts = cl_wr_begin_vec(&m, 2);
    size_t e = cl_ext_open(&m, CL_EXT_SUPPORTED_VERSIONS);
    cl_wr_u16(&m, CLASP_TLS1_3);
    cl_ext_close(&m, e);
    e = cl_ext_open(&m, CL_EXT_KEY_SHARE);
    cl_wr_u16(&m, group);
    cl_ext_close(&m, e);
    if (hs->cookie.len) {
        e = cl_ext_open(&m, CL_EXT_COOKIE);
        size_t v = cl_wr_begin_vec(&m, 2);
        cl_wr_bytes(&m, hs->cookie.data, hs->cookie.len);
        cl_wr_end_vec(&m, v, 2);
        cl_ext_close(&m, e);
    }
    cl_wr_end_vec(&m, exts, 2);
    char detail[128] = "";
    if (cl_trace_on(c))
        snprintf(detail, sizeof detail, "%s; wants key_share %s%s", c->suite->iana,
                 cl_group_name(group), hs->cookie.len ? "; cookie" : "");
    CL_TRY(cl_hs_send(c, &m, "HelloRetryRequest", detail));
    if (ch->session_id_len)
        CL_TRY(cl_send_change_cipher_spec(c));
    c->state = CL_ST_S_WAIT_CH2;
    return CL_OK;
}

CL_MUST_CHECK static cl_result send_flight(clasp_conn *c, const cl_client_hello *ch, cl_reader share)
{
    cl_hs *hs = c->hs;
    const clasp_config *cfg = c->cfg;
    uint8_t pub[CR_MAX_KX_PUB], dhe[CR_MAX_KX_SECRET];
    size_t pub_len = sizeof pub, dhe_len = sizeof dhe;
    int kx_rc;
    if (cr_group_is_hybrid(c->group)) {
        /* Encapsulation to the client's key: our share and the secret. */
        kx_rc = cl_kx_encap(c, c->group, share.p, share.n, pub, &pub_len, dhe, &dhe_len);
    } else {
        if (cl_ephemeral_key(c, c->group, &hs->kx, pub, &pub_len))
            return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "key generation failed");
        kx_rc = cr_kx_derive(hs->kx, share.p, share.n, dhe, &dhe_len);
        cr_kx_free(hs->kx);
        hs->kx = NULL;
    }
    if (kx_rc == -1)
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "%s key exchange failed",
                       cl_group_name(c->group));
    if (kx_rc)
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the client's %s key share is invalid (%zu bytes): %s",
                       cl_group_name(c->group), share.n, cl_kx_problem(kx_rc, c->group));

    if (cl_random(c, hs->server_random, 32))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "random number generator failed");

    cl_buf m;
    cl_hs_begin(&m, CL_HS_SERVER_HELLO);
    write_server_hello_head(&m, hs->server_random, ch, c->suite->id);
    size_t exts = cl_wr_begin_vec(&m, 2);
    size_t e = cl_ext_open(&m, CL_EXT_KEY_SHARE);
    cl_wr_u16(&m, c->group);
    size_t v = cl_wr_begin_vec(&m, 2);
    cl_wr_bytes(&m, pub, pub_len);
    cl_wr_end_vec(&m, v, 2);
    cl_ext_close(&m, e);
    e = cl_ext_open(&m, CL_EXT_SUPPORTED_VERSIONS);
    cl_wr_u16(&m, CLASP_TLS1_3);
    cl_ext_close(&m, e);
    if (hs->psk_accepted) {
        e = cl_ext_open(&m, CL_EXT_PRE_SHARED_KEY);
        cl_wr_u16(&m, 0); /* the first identity */
        cl_ext_close(&m, e);
    }
    cl_wr_end_vec(&m, exts, 2);
    char detail[400] = "";
    if (cl_trace_on(c))
        snprintf(detail, sizeof detail, "TLS 1.3; %s; key_share %s (%zu bytes)%s", c->suite->iana,
                 cl_group_name(c->group), pub_len,
                 hs->psk_accepted ? "; ticket accepted (PSK-DHE resumption)" : "");
    cl_result sent = cl_hs_send(c, &m, NULL, detail);
    int ks_failed = sent == CL_OK && (cl_ks_early(c, hs->psk_accepted ? hs->psk : NULL, hs->psk_len) ||
                                      cl_ks_handshake(c, dhe, dhe_len));
    cl_wipe(dhe, sizeof dhe);
    CL_TRY(sent);
    if (ks_failed)
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "key schedule failed");
    if (ch->session_id_len && !hs->hrr)
        CL_TRY(cl_send_change_cipher_spec(c));
    if (cl_ks_install(c, hs->s_hs, 1) || cl_ks_install(c, hs->c_hs, 0))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "key schedule failed");

    /* EncryptedExtensions. */
    cl_hs_begin(&m, CL_HS_ENCRYPTED_EXTENSIONS);
    exts = cl_wr_begin_vec(&m, 2);
    e = cl_ext_open(&m, CL_EXT_SUPPORTED_GROUPS);
    v = cl_wr_begin_vec(&m, 2);
    for (size_t i = 0; i < cfg->n_groups; i++)
        cl_wr_u16(&m, cfg->groups[i]);
    cl_wr_end_vec(&m, v, 2);
    cl_ext_close(&m, e);
    if (ch->has_record_size_limit) {
        /* We accept full-size records: 2^14 plus the inner type byte; and
         * from EncryptedExtensions on we keep to the client's limit. */
        e = cl_ext_open(&m, CL_EXT_RECORD_SIZE_LIMIT);
        cl_wr_u16(&m, CL_MAX_PLAINTEXT + 1);
        cl_ext_close(&m, e);
        c->peer_record_limit = ch->record_size_limit;
    }
    if (ch->sni)
        cl_ext_close(&m, cl_ext_open(&m, CL_EXT_SERVER_NAME));
    if (c->has_alpn)
        cl_write_alpn_ext(&m, c->alpn);
    cl_wr_end_vec(&m, exts, 2);
    snprintf(detail, sizeof detail, "alpn=%s%s", c->has_alpn ? c->alpn : "-",
             ch->sni ? "; server_name acknowledged" : "");
    CL_TRY(cl_hs_send(c, &m, NULL, detail));

    /* A resumed session carries its client's authentication, and
     * try_psk took it only if it meets our policy. */
    if (cfg->client_auth != CLASP_CLIENT_AUTH_NONE && !hs->psk_accepted) {
        cl_hs_begin(&m, CL_HS_CERTIFICATE_REQUEST);
        cl_wr_u8(&m, 0); /* empty context during the handshake */
        exts = cl_wr_begin_vec(&m, 2);
        e = cl_ext_open(&m, CL_EXT_SIGNATURE_ALGORITHMS);
        v = cl_wr_begin_vec(&m, 2);
        cl_write_sigalg_filler(c, &m, (65535 - 6) / 2 - cfg->n_sigalgs);
        for (size_t i = 0; i < cfg->n_sigalgs; i++)
            cl_wr_u16(&m, cfg->sigalgs[i]);
        cl_wr_end_vec(&m, v, 2);
        cl_ext_close(&m, e);
        cl_wr_end_vec(&m, exts, 2);
        hs->cert_requested = 1;
        CL_TRY(cl_hs_send(c, &m, NULL,
                          cfg->client_auth == CLASP_CLIENT_AUTH_REQUIRED ? "client certificate required"
                                                                        : "client certificate optional"));
    }
    if (!hs->psk_accepted) {
        CL_TRY(cl_send_certificate(c, hs->cert, NULL, 0));
        CL_TRY(cl_send_certificate_verify(c)); /* may wait for the key callback */
    }
    return cl_server13_after_certificate_verify(c);
}

/* The rest of our flight: Finished, and the switch to the application
 * key for sending (also where a CertificateVerify that waited for the
 * private-key callback resumes). */
cl_result cl_server13_after_certificate_verify(clasp_conn *c)
{
    cl_hs *hs = c->hs;
    CL_TRY(cl_send_finished(c, hs->s_hs));
    if (cl_ks_master(c) || cl_ks_install(c, hs->s_ap, 1))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "key schedule failed");
    c->version = CLASP_TLS1_3;
    if (!hs->psk_accepted)
        c->peer_sigalg = hs->sigalg; /* the line shows the server's signature */
    c->state = hs->cert_requested ? CL_ST_S_WAIT_CERT : CL_ST_S_WAIT_FINISHED;
    return CL_OK;
}

/* TLS 1.3 resumption (RFC 8446 4.2.11): the first identity, if it is one
 * of our tickets, fresh, for a suite with this hash, and its binder proves
 * the client knows the PSK. A ticket we cannot use means a full handshake;
 * a wrong binder is an attack (decrypt_error). */
CL_MUST_CHECK static cl_result try_psk(clasp_conn *c, const cl_client_hello *ch, const uint8_t *msg, size_t len)
{
    cl_hs *hs = c->hs;
    if (!ch->has_psk || c->cfg->tickets_off || !ch->has_psk_modes ||
        !memchr(ch->psk_modes.p, 1, ch->psk_modes.n)) /* psk_dhe_ke only */
        return CL_OK;
    cl_reader ids = ch->psk_identities, binders = ch->psk_binders, id, binder;
    uint32_t obfuscated_age;
    if (cl_rd_vec_nonempty(&ids, 2, &id) || cl_rd_u32(&ids, &obfuscated_age) ||
        cl_rd_vec(&binders, 1, &binder))
        return CL_DECODE_FAIL(c, "pre_shared_key extension");
    cl_session s;
    uint64_t issued;
    if (cl_ticket_resolve(c, id.p, id.n, &s, &issued) != 0)
        return CL_OK;
    const cl_suite *ticket_suite = cl_suite_by_id(s.suite);
    int usable = s.version == CLASP_TLS1_3 && ticket_suite && ticket_suite->hash == c->suite->hash;
    /* RFC 6066 3: only for the name it was made for; and only if the client
     * authentication it carries meets our policy now (a required client
     * certificate is not skipped by resuming a session that had none). */
    usable = usable && !strcasecmp(s.server_name, c->server_name ? c->server_name : "") &&
             cl_session_auth_ok(c->cfg, &s);
    /* The client's idea of the ticket's age must match ours (RFC 8446 8.3). */
    uint32_t client_age = obfuscated_age - s.age_add;
    uint64_t server_age = (cl_now(c->cfg) - issued) * 1000u;
    if ((uint64_t)client_age + 10000u < server_age || (uint64_t)client_age > server_age + 11000u)
        usable = 0;
    if (!usable) {
        cl_session_clear(&s);
        return CL_OK;
    }
    size_t hl = cl_hash_len(c);
    uint8_t th[CR_MAX_HASH], expected[CR_MAX_HASH];
    if (binder.n != hl || cl_transcript_hash_with(c, c->suite->hash, CL_HS_CLIENT_HELLO, msg, len, len - ch->psk_binders_len, th) ||
        cl_ks_binder(c->suite->hash, s.secret, s.secret_len, th, expected)) {
        cl_session_clear(&s);
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the client's PSK binder has the wrong length");
    }
    int bad = cl_ct_memcmp(expected, binder.p, hl);
    if (bad) {
        cl_session_clear(&s);
        return cl_fail(c, CL_ALERT_DECRYPT_ERROR, CLASP_E_PROTOCOL,
                       "the client's PSK binder does not verify: it does not hold the ticket's key");
    }
    memcpy(hs->psk, s.secret, s.secret_len);
    hs->psk_len = s.secret_len;
    hs->psk_accepted = 1;
    c->resumed = 1;
    cl_ticket_resumed(c, id.p, id.n);
    /* The client's certificate, as the session recorded it. */
    int rc = cl_session_restore_peer(c, &s);
    cl_session_clear(&s);
    if (rc)
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_NOMEM, "out of memory");
    return CL_OK;
}

CL_MUST_CHECK static cl_result handle_client_hello(clasp_conn *c, const uint8_t *msg, size_t len)
{
    cl_hs *hs = c->hs;
    cl_client_hello ch;
    CL_TRY(cl_parse_client_hello(c, msg, len, &ch));
    if (c->state == CL_ST_S_WAIT_CH) {
        memcpy(hs->client_random, ch.random, 32);
    } else {
        /* RFC 8446 4.1.2: the second ClientHello repeats the first apart from
         * the key share, and a cookie only if the HelloRetryRequest had one. */
        if (hs->cookie.len && (!ch.has_cookie || ch.cookie.n != hs->cookie.len ||
                               cl_ct_memcmp(ch.cookie.p, hs->cookie.data, hs->cookie.len)))
            return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                           "the client's second ClientHello does not echo our cookie");
        if (!hs->cookie.len && ch.has_cookie)
            return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                           "the client's second ClientHello carries a cookie our "
                           "HelloRetryRequest did not send");
        if (memcmp(ch.random, hs->client_random, 32) != 0)
            return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                           "the client's second ClientHello has a different random");
    }
    if (ch.sni && c->state == CL_ST_S_WAIT_CH) {
        free(c->server_name);
        c->server_name = strndup((const char *)ch.sni, ch.sni_len);
        if (!c->server_name) /* not silently nameless: the name picks the certificate */
            return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_NOMEM,
                           "out of memory keeping the client's server name");
    }
    if (c->state == CL_ST_S_WAIT_CH)
        CL_TRY(cl_select_config(c, &ch));
    hs->ocsp_staple = ch.has_status_request; /* and our chain has a response: ocsp.c */
    if (cl_trace_on(c)) {
        char shares[160];
        describe_shares(ch.key_shares, shares, sizeof shares);
        cl_trace(c, CLASP_TRACE_RECV, "ClientHello", "%s; key_share %s; sni=%s%s",
                 ch.has_versions && cl_list_has_u16(ch.versions, CLASP_TLS1_3) ? "offers TLS 1.3" : "no TLS 1.3",
                 shares, c->server_name ? c->server_name : "-", ch.has_cookie ? "; cookie echoed" : "");
    }
    server_choice choice = {SERVE_TLS13, 0, cl_reader_init(NULL, 0)};
    CL_TRY(negotiate(c, &ch, &choice));
    if (choice.kind == SERVE_TLS12) {
        CL_TRY(cl_choose_alpn(c, &ch));
        if (cl_transcript_add_message(c, CL_HS_CLIENT_HELLO, msg, len))
            return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "transcript update failed");
        return cl_server12_client_hello(c, &ch);
    }
    /* RFC 8446 4.2.9: a PSK offer must say which modes it may be used in. */
    if (ch.has_psk && !ch.has_psk_modes)
        return cl_fail(c, CL_ALERT_MISSING_EXTENSION, CLASP_E_PROTOCOL,
                       "the client offers a pre_shared_key without psk_key_exchange_modes");
    if (c->state == CL_ST_S_WAIT_CH2 && c->group != hs->kx_group)
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the client's second ClientHello has a key share for %s, not the %s we "
                       "asked for", cl_group_name(c->group), cl_group_name(hs->kx_group));
    CL_TRY(cl_choose_alpn(c, &ch));
    /* We never accept early data (RFC 8446 4.2.10): its records are skipped
     * until the second ClientHello, or those the handshake key cannot open. */
    if (c->state == CL_ST_S_WAIT_CH2) {
        if (ch.has_early_data)
            return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                           "the client's second ClientHello offers early data (RFC 8446 4.2.10 "
                           "forbids it after a HelloRetryRequest)");
        c->early_data_skip = CL_SKIP_NONE;
    } else if (ch.has_early_data) {
        c->early_data_skip = choice.kind == ASK_FOR_SHARE ? CL_SKIP_APP_RECORDS : CL_SKIP_UNOPENED;
    }
    if (choice.kind == ASK_FOR_SHARE) {
        if (cl_transcript_add_message(c, CL_HS_CLIENT_HELLO, msg, len))
            return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "transcript update failed");
        return send_hrr(c, &ch, choice.retry_group);
    }
    if (cl_transcript_start(c))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "transcript update failed");
    CL_TRY(try_psk(c, &ch, msg, len));
    if (cl_transcript_add_message(c, CL_HS_CLIENT_HELLO, msg, len))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "transcript update failed");
    return send_flight(c, &ch, choice.share);
}

cl_result cl_server13_message(clasp_conn *c, uint8_t type, const uint8_t *msg, size_t len)
{
    cl_hs *hs = c->hs;
    switch (type) {
    case CL_HS_CLIENT_HELLO:
        return handle_client_hello(c, msg, len);
    case CL_HS_CERTIFICATE:
        CL_TRY(cl_recv_certificate(c, msg, len));
        c->state = hs->peer_sent_cert ? CL_ST_S_WAIT_CV : CL_ST_S_WAIT_FINISHED;
        return CL_OK;
    case CL_HS_CERTIFICATE_VERIFY:
        CL_TRY(cl_recv_certificate_verify(c, msg, len));
        c->state = CL_ST_S_WAIT_FINISHED;
        return CL_OK;
    case CL_HS_FINISHED:
        CL_TRY(cl_recv_finished(c, msg, len, hs->c_hs));
        /* The resumption secret only matters if we issue tickets. */
        int tickets = !c->cfg->tickets_off && c->cfg->ticket_count > 0;
        if (cl_ks_install(c, hs->c_ap, 0) || (tickets && cl_ks_resumption(c)))
            return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "key schedule failed");
        if (cl_trace_on(c))
            cl_trace(c, CLASP_TRACE_KEY, "application keys",
                     "both directions now use application traffic keys");
        cl_hs_finish(c);
        return cl_server13_send_tickets(c);
    }
    return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL, "unexpected %s",
                   cl_hs_type_name(type));
}
