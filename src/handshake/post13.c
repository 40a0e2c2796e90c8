/* SPDX-License-Identifier: Apache-2.0 */
/* TLS 1.3 after the handshake (RFC 8446 4.6): NewSessionTicket (sent by
 * the server, kept by the client) and KeyUpdate in both directions. */
#include <stdio.h>
#include <stdlib.h>

#include "handshake/hs.h"

/* KeyUpdates accepted in a row without application data between them. */
#define MAX_KEY_UPDATES 32

CL_MUST_CHECK static cl_result handle_ticket(clasp_conn *c, const uint8_t *msg, size_t len)
{
    cl_reader r = cl_reader_init(msg, len), nonce, ticket, exts;
    uint32_t lifetime, age_add;
    if (cl_rd_u32(&r, &lifetime) || cl_rd_u32(&r, &age_add) || cl_rd_vec(&r, 1, &nonce) ||
        cl_rd_vec_nonempty(&r, 2, &ticket) || cl_rd_vec(&r, 2, &exts) || !cl_rd_empty(&r))
        return CL_DECODE_FAIL(c, "NewSessionTicket");
    if (lifetime > 604800)
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the server's ticket lifetime of %u s exceeds the 7-day maximum", lifetime);
    /* RFC 8446 4.6.1 and 4.2: a ticket may carry extensions we did not ask
     * for, and unknown ones are ignored; of the known ones only early_data
     * belongs here. */
    cl_ext_iter it;
    cl_ext_begin(&it, exts);
    uint16_t type;
    cl_reader body;
    int got;
    while ((got = cl_ext_next(&it, &type, &body)) != CL_EXT_END) {
        if (got == CL_EXT_MALFORMED)
            return CL_DECODE_FAIL(c, "NewSessionTicket extensions");
        if (got == CL_EXT_DUPLICATE)
            return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                           "the server sent extension %u twice in a NewSessionTicket", type);
        if (type == CL_EXT_EARLY_DATA) {
            uint32_t max_early_data;
            if (cl_rd_u32(&body, &max_early_data) || !cl_rd_empty(&body))
                return CL_DECODE_FAIL(c, "early_data extension of a NewSessionTicket");
        } else if (*cl_ext_name(type)) {
            return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                           "the server sent extension %u (%s) in a NewSessionTicket, where it is "
                           "not allowed", type, cl_ext_name(type));
        }
    }
    /* The ticket's PSK (RFC 8446 4.6.1) and what resuming needs. */
    cl_session *s = calloc(1, sizeof *s);
    if (!s || !(s->ticket = malloc(ticket.n))) {
        free(s);
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_NOMEM, "out of memory");
    }
    size_t hl = cr_hash_len(c->suite->hash);
    if (cr_hkdf_expand_label(c->suite->hash, c->resumption_secret, "resumption", nonce.p, nonce.n,
                             s->secret, hl)) {
        cl_session_clear(s);
        free(s);
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "key derivation failed");
    }
    s->secret_len = hl;
    memcpy(s->ticket, ticket.p, ticket.n);
    s->ticket_len = ticket.n;
    s->version = CLASP_TLS1_3;
    s->suite = c->suite->id;
    s->lifetime = lifetime;
    s->age_add = age_add;
    s->received_ms = cl_now_ms();
    if (c->server_name)
        snprintf(s->server_name, sizeof s->server_name, "%s", c->server_name);
    if (c->has_alpn)
        snprintf(s->alpn, sizeof s->alpn, "%s", c->alpn);
    /* How the server was authenticated, for the connection that resumes. A
     * server chain too big to keep: the ticket is dropped. */
    if (cl_session_take_peer(s, c)) {
        cl_session_clear(s);
        free(s);
        return CL_OK;
    }
    if (c->session) {
        cl_session_clear(c->session);
        free(c->session);
    }
    c->session = s;
    c->tickets++;
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_RECV, "NewSessionTicket", "lifetime %u s, %zu-byte ticket; stored",
                 lifetime, ticket.n);
    return CL_OK;
}

cl_result cl_send_key_update(clasp_conn *c, int request)
{
    uint8_t msg[5] = {CL_HS_KEY_UPDATE, 0, 0, 1, (uint8_t)(request != 0)};
    /* The KeyUpdate goes behind any handshake messages still queued (the
     * NewSessionTickets): installing the new key seals them all under the
     * old one first, so the peer reads them before it switches keys. */
    if (cl_queue_handshake(c, msg, sizeof msg) || cl_ks_update(c, c->traffic_wr) ||
        cl_ks_install(c, c->traffic_wr, 1))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "could not send a KeyUpdate: out of memory or the key derivation failed");
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_SEND, "KeyUpdate", "%s; our sending keys updated",
                 request ? "update_requested" : "update_not_requested");
    return CL_OK;
}

CL_MUST_CHECK static cl_result handle_key_update(clasp_conn *c, const uint8_t *msg, size_t len)
{
    cl_reader r = cl_reader_init(msg, len);
    uint8_t request;
    if (cl_rd_u8(&r, &request) || !cl_rd_empty(&r))
        return CL_DECODE_FAIL(c, "KeyUpdate");
    if (request > 1)
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the peer's KeyUpdate has request_update=%u (only 0 or 1 are valid)", request);
    if (++c->key_updates > MAX_KEY_UPDATES)
        return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                       "the peer sent more than %d KeyUpdates without data between them",
                       MAX_KEY_UPDATES);
    if (cl_ks_update(c, c->traffic_rd) || cl_ks_install(c, c->traffic_rd, 0))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "key update failed");
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_RECV, "KeyUpdate", "%s; peer's sending keys updated",
                 request ? "update_requested" : "update_not_requested");
    /* Answer a request once; after close_notify we send nothing. */
    if (request && !c->we_closed)
        return cl_send_key_update(c, 0);
    return CL_OK;
}

cl_result cl_post13_message(clasp_conn *c, uint8_t type, const uint8_t *msg, size_t len)
{
    if (type == CL_HS_NEW_SESSION_TICKET)
        return handle_ticket(c, msg, len);
    return handle_key_update(c, msg, len);
}

cl_result cl_server13_send_tickets(clasp_conn *c)
{
    const clasp_config *cfg = c->cfg;
    if (cfg->tickets_off)
        return CL_OK;
    size_t hl = cr_hash_len(c->suite->hash);
    for (unsigned i = 0; i < cfg->ticket_count; i++) {
        /* Each ticket's PSK derives from its nonce, so a nonce never
         * repeats on a connection (RFC 8446 4.6.1): the count of tickets
         * sent, big-endian in as few bytes as it needs (0..255 in one). */
        uint64_t count = c->ticket_nonce++;
        uint8_t nonce[8];
        size_t nonce_len = 1;
        while (nonce_len < 8 && count >> (8 * nonce_len))
            nonce_len++;
        for (size_t k = 0; k < nonce_len; k++)
            nonce[k] = (uint8_t)(count >> (8 * (nonce_len - 1 - k)));
        cl_session s;
        memset(&s, 0, sizeof s);
        s.version = CLASP_TLS1_3;
        s.suite = c->suite->id;
        s.secret_len = hl;
        if (c->has_alpn)
            snprintf(s.alpn, sizeof s.alpn, "%s", c->alpn);
        if (c->server_name)
            snprintf(s.server_name, sizeof s.server_name, "%s", c->server_name);
        if (cl_session_take_peer(&s, c)) {
            cl_session_clear(&s);
            return CL_OK; /* a client chain too big to keep: not resumable */
        }
        if (cr_random(&s.age_add, sizeof s.age_add) ||
            cr_hkdf_expand_label(c->suite->hash, c->resumption_secret, "resumption", nonce,
                                 nonce_len, s.secret, hl)) {
            cl_session_clear(&s);
            return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "could not derive a ticket's resumption secret");
        }
        cl_buf m;
        cl_hs_begin(&m, CL_HS_NEW_SESSION_TICKET);
        cl_wr_u32(&m, cfg->ticket_lifetime);
        cl_wr_u32(&m, s.age_add);
        size_t nv = cl_wr_begin_vec(&m, 1);
        cl_wr_bytes(&m, nonce, nonce_len);
        cl_wr_end_vec(&m, nv, 1);
        size_t v = cl_wr_begin_vec(&m, 2);
        int rc = cl_ticket_issue(c, &s, &m);
        cl_session_clear(&s);
        cl_wr_end_vec(&m, v, 2);
        cl_wr_u16(&m, 0); /* no extensions: no early data */
        char detail[80];
        snprintf(detail, sizeof detail, "lifetime %u s; resumable on any server with our ticket secret",
                 cfg->ticket_lifetime);
        if (rc) {
            cl_buf_free(&m);
            return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "could not seal a session ticket");
        }
        CL_TRY(cl_hs_send(c, &m, NULL, detail));
    }
    return CL_OK;
}
