/* SPDX-License-Identifier: Apache-2.0 */
/* Records in: the connection core cuts whole records off the input buffer,
 * opens them and returns each one's content type and plaintext; alerts are
 * handled here, and handshake bytes are reassembled into whole messages.
 * What a plaintext is for is decided by the driver above (src/api), which
 * hands handshake messages to the state machines: nothing here calls them. */
#include <stdio.h>

#include "core/conn.h"

cl_result cl_record_failure(clasp_conn *c, int status)
{
    switch (status) {
    case CL_REC_BAD_MAC:
        return cl_fail(c, CL_ALERT_BAD_RECORD_MAC, CLASP_E_PROTOCOL,
                       "a record from the peer failed authentication (bad_record_mac): "
                       "it was corrupted or the keys disagree");
    case CL_REC_OVERFLOW:
        return cl_fail(c, CL_ALERT_RECORD_OVERFLOW, CLASP_E_PROTOCOL,
                       "the peer sent a record whose plaintext exceeds 2^14 bytes");
    case CL_REC_NO_CONTENT:
        return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                       "the peer sent an encrypted record with no content type");
    default:
        return cl_fail(c, CL_ALERT_DECODE_ERROR, CLASP_E_PROTOCOL, "the peer sent a malformed record");
    }
}

/* Server, TLS 1.3: drops one 0-RTT record of len bytes (RFC 8446 4.2.10).
 * What counts is its application data, which we cannot tell from padding:
 * everything but the tag and the inner content type byte. A record with
 * none counts as one byte, so empty records cannot be skipped forever. */
CL_MUST_CHECK static cl_result skip_early_data(clasp_conn *c, size_t len)
{
    c->early_data_skipped += len > CR_AEAD_TAG + 2 ? len - CR_AEAD_TAG - 1 : 1;
    if (c->early_data_skipped > CL_MAX_EARLY_DATA_SKIPPED)
        return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                       "the client sent more than %d bytes of early data (0-RTT), which this "
                       "server does not accept: it must send its data after the handshake",
                       CL_MAX_EARLY_DATA_SKIPPED);
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_NOTE, "early data",
                 "skipped a %zu-byte 0-RTT record (early data is not accepted)", len);
    return CL_OK;
}

/* Plain HTTP sent to a TLS port: its first bytes say so. */
static int looks_like_http(const uint8_t *p, size_t n)
{
    cl_reader r = cl_reader_init(p, n);
    const uint8_t *word;
    if (cl_rd_bytes(&r, 4, &word))
        return 0;
    return memcmp(word, "GET ", 4) == 0 || memcmp(word, "POST", 4) == 0 ||
           memcmp(word, "HEAD", 4) == 0;
}

cl_result cl_next_record(clasp_conn *c, uint8_t *direct, size_t direct_cap, cl_inbound_record *out)
{
    for (;;) {
        size_t avail = c->in.len - c->in_off;
        uint8_t *rec = avail ? c->in.data + c->in_off : NULL; /* the buffer may be released */
        cl_record_header h;
        if (cl_record_header_read(rec, avail, &h))
            return CL_WAIT_PEER;
        uint8_t type = h.type;
        size_t len = h.len;
        if (type < CL_CT_CHANGE_CIPHER_SPEC || type > CL_CT_APPLICATION_DATA)
            return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                           "the peer does not speak TLS: it sent a record of unknown type %u%s",
                           type, looks_like_http(rec, avail) ? " (it looks like plain HTTP)" : "");
        if (h.version_major != 3)
            return cl_fail(c, CL_ALERT_PROTOCOL_VERSION, CLASP_E_PROTOCOL,
                           "the peer sent a record with version %u.%u, which is not TLS",
                           h.version_major, h.version_minor);
        if (len > (c->rd.aead ? CL_MAX_CIPHERTEXT : CL_MAX_PLAINTEXT))
            return cl_fail(c, CL_ALERT_RECORD_OVERFLOW, CLASP_E_PROTOCOL,
                           "the peer sent a %s record of %zu bytes, over the limit of %d",
                           cl_content_type_name(type), len,
                           c->rd.aead ? CL_MAX_CIPHERTEXT : CL_MAX_PLAINTEXT);
        if (avail < CL_RECORD_HEADER + len)
            return CL_WAIT_PEER;
        c->in_off += CL_RECORD_HEADER + len;

        uint8_t *plain = rec + CL_RECORD_HEADER;
        size_t plain_len = len;
        int protected_record = c->rd.aead && !(type == CL_CT_CHANGE_CIPHER_SPEC && !c->rd.tls12);
        /* 0-RTT records all precede the second ClientHello: one inside it
         * is no early data (the driver refuses it). */
        if (!protected_record && type == CL_CT_APPLICATION_DATA &&
            c->early_data_skip == CL_SKIP_APP_RECORDS && !c->hs_in.len) {
            if (skip_early_data(c, len) != CL_OK)
                return CL_FAILED;
            continue;
        }
        if (protected_record) {
            if (!c->rd.tls12 && type != CL_CT_APPLICATION_DATA)
                return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                               "the peer sent an unencrypted %s record after encryption began",
                               cl_content_type_name(type));
            uint8_t *dst = direct && direct_cap >= len && c->handshake_done ? direct : NULL;
            int st = cl_record_open_to(&c->rd, rec, CL_RECORD_HEADER + len, dst, &type, &plain,
                                       &plain_len);
            if (c->early_data_skip == CL_SKIP_UNOPENED) {
                /* Records that do not open under the handshake key are 0-RTT;
                 * the first that opens starts the client's second flight. */
                if (st == CL_REC_BAD_MAC) {
                    if (skip_early_data(c, len) != CL_OK)
                        return CL_FAILED;
                    continue;
                }
                c->early_data_skip = CL_SKIP_NONE;
            }
            if (st != CL_REC_OK)
                return cl_record_failure(c, st);
        }
        out->type = type;
        out->plain = plain;
        out->len = plain_len;
        out->protected_record = protected_record;
        return CL_OK;
    }
}

cl_result cl_handle_alert(clasp_conn *c, const uint8_t *p, size_t len)
{
    cl_reader r = cl_reader_init(p, len);
    uint8_t level, desc;
    /* RFC 5246 6.2.1, RFC 8446 5.1: never a zero-length alert fragment. */
    if (len == 0)
        return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                       "the peer sent an empty alert record");
    /* An alert never spans records and carries exactly two bytes. */
    if (cl_rd_u8(&r, &level) || cl_rd_u8(&r, &desc) || !cl_rd_empty(&r))
        return cl_fail(c, CL_ALERT_DECODE_ERROR, CLASP_E_PROTOCOL,
                       "the peer sent a malformed alert record (%zu bytes)", len);
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_RECV, "Alert", "%s %s", level == 2 ? "fatal" : "warning",
                 clasp_alert_name(desc));
    if (desc == CL_ALERT_CLOSE_NOTIFY) {
        c->alert_recv = desc;
        c->peer_closed = 1;
        if (!c->handshake_done)
            return cl_fail(c, -1, CLASP_E_PEER_ALERT,
                           "the peer closed the connection (close_notify) during the handshake%s%s",
                           c->awaiting ? ", while we waited for its " : "",
                           c->awaiting ? c->awaiting : "");
        return CL_PEER_CLOSED;
    }
    if (desc == CL_ALERT_USER_CANCELED || (level == 1 && c->version != CLASP_TLS1_3)) {
        if (++c->warning_alerts > CL_MAX_IDLE_RECORDS)
            return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                           "the peer sent too many warning alerts (%d in a row with no data "
                           "between them): a flood",
                           CL_MAX_IDLE_RECORDS + 1);
        return CL_OK;
    }
    c->alert_recv = desc;
    c->we_closed = 1; /* never answer a fatal alert */
    c->fatal_alert = 1;
    cl_forget_session(c);
    const char *hint = "";
    switch (desc) {
    case CL_ALERT_PROTOCOL_VERSION:
        if (c->cfg->min_version == CLASP_TLS1_3)
            hint = " (no TLS version in common: this side allows only TLS 1.3, so the peer "
                   "probably speaks only TLS 1.2 or older; allow TLS 1.2 to connect)";
        else if (c->cfg->max_version == CLASP_TLS1_2)
            hint = " (no TLS version in common: this side allows only TLS 1.2, so the peer "
                   "probably speaks only TLS 1.3; allow TLS 1.3 to connect)";
        else
            hint = " (no TLS version in common: the peer speaks neither TLS 1.2 nor TLS 1.3)";
        break;
    case CL_ALERT_HANDSHAKE_FAILURE:
        hint = " (no cipher suite, group or signature algorithm in common, or a required certificate is missing)";
        break;
    case CL_ALERT_UNKNOWN_CA:
        hint = " (the peer does not trust the CA that issued our certificate)";
        break;
    case CL_ALERT_BAD_CERTIFICATE:
    case CL_ALERT_CERTIFICATE_UNKNOWN:
    case CL_ALERT_CERTIFICATE_EXPIRED:
    case CL_ALERT_UNSUPPORTED_CERTIFICATE:
        hint = " (the peer rejected our certificate)";
        break;
    case CL_ALERT_CERTIFICATE_REQUIRED:
        hint = " (the server requires a client certificate: use --cert and --key)";
        break;
    case CL_ALERT_NO_APPLICATION_PROTOCOL:
        hint = " (no ALPN protocol in common)";
        break;
    case CL_ALERT_UNRECOGNIZED_NAME:
        hint = " (the server has no certificate for the name we asked for)";
        break;
    }
    return cl_fail(c, -1, CLASP_E_PEER_ALERT, "the peer sent a fatal alert: %s (%d)%s",
                   clasp_alert_name(desc), desc, hint);
}

/* ------------------------------------------- handshake message framing */

cl_result cl_hs_in_append(clasp_conn *c, const uint8_t *p, size_t len)
{
    if (len == 0)
        return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                       "the peer sent an empty handshake record");
    cl_wr_bytes(&c->hs_in, p, len);
    if (c->hs_in.failed) /* its limit fits any message cl_hs_in_next lets through */
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_NOMEM,
                       "out of memory for a handshake message");
    return CL_OK;
}

cl_result cl_hs_in_next(clasp_conn *c, size_t *off, uint8_t *type, const uint8_t **msg, size_t *len)
{
    size_t avail = c->hs_in.len - *off;
    cl_reader r = cl_reader_init(avail ? c->hs_in.data + *off : NULL, avail);
    const uint8_t *body;
    uint32_t body_len;
    if (cl_rd_u8(&r, type) || cl_rd_u24(&r, &body_len))
        return CL_WAIT_PEER;
    if (body_len > CL_MAX_HANDSHAKE_MSG) /* illegal_parameter, as OpenSSL and BoringSSL */
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the peer announced a handshake message of %zu bytes (limit %d)",
                       (size_t)body_len, CL_MAX_HANDSHAKE_MSG);
    if (cl_rd_bytes(&r, body_len, &body))
        return CL_WAIT_PEER;
    *msg = c->hs_in.data + *off;
    *len = 4 + (size_t)body_len;
    *off += *len;
    return CL_OK;
}

void cl_hs_in_consume(clasp_conn *c, size_t off)
{
    cl_buf_consume(&c->hs_in, off);
    if (c->handshake_done && c->hs_in.len == 0)
        cl_buf_free(&c->hs_in); /* post-handshake messages are rare: no buffer kept */
}
