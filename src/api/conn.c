/* SPDX-License-Identifier: Apache-2.0 */
/* The connection: the sans-I/O core. Bytes from the peer go in through
 * clasp_conn_feed, are cut into records, opened in place and dispatched to
 * the handshake, the alert handler or the application; everything we send is
 * sealed straight into the output buffer. */
#include <stdio.h>
#include <stdlib.h>

#include "core/conn.h"
#include "handshake/handshake.h"

/* Raw input kept at most: one record being read by the application plus one
 * arriving behind it. */
#define IN_LIMIT (2 * CL_MAX_RECORD)
/* Records that move nothing forward (empty application data, warning
 * alerts, ChangeCipherSpec) allowed in a row; the next one is a flood and
 * ends the connection with unexpected_message. Data or handshake bytes
 * start the count again. */
#define MAX_IDLE_RECORDS 32
/* RFC 8446 5.5: AES-GCM keys should protect at most 2^24.5 full-size
 * records; we send a KeyUpdate when our sequence number reaches this.
 * ChaCha20-Poly1305's limit is beyond the 2^64 sequence numbers. The limit
 * binds senders: records we receive are not held to it (most peers never
 * update their keys, and refusing them would only break connections). */
#define AES_GCM_RECORD_LIMIT 23726566u /* floor(2^24.5) */

clasp_conn *clasp_conn_new(clasp_config *cfg)
{
    if (!cfg || cr_init())
        return NULL;
    clasp_conn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    cfg->frozen = 1;
    /* A verifying client with no CA file uses the system store, loaded once
     * per config; a lost race just frees its copy. */
    if (cfg->role == CLASP_CLIENT && cfg->verify_peer &&
        !__atomic_load_n(&cfg->trust, __ATOMIC_ACQUIRE)) {
        cr_trust *t = cr_trust_new();
        cr_trust *expected = NULL;
        if (t && cr_trust_add_system(t) == 0 &&
            __atomic_compare_exchange_n(&cfg->trust, &expected, t, 0, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE))
            t = NULL;
        cr_trust_free(t);
    }
    __atomic_add_fetch(&cfg->refs, 1, __ATOMIC_RELAXED);
    c->cfg = cfg;
    c->role = cfg->role;
    c->alert_sent = c->alert_recv = -1;
    cl_buf_init(&c->in, IN_LIMIT);
    cl_buf_init(&c->out, 0);
    c->in.no_secrets = c->out.no_secrets = 1;
    /* A message of the largest size plus the record that completes it
     * (which may carry the next messages too). */
    cl_buf_init(&c->hs_in, CL_MAX_HANDSHAKE_MSG + 4 + CL_MAX_PLAINTEXT);
    cl_buf_init(&c->hs_out, 0);
    return c;
}

void clasp_conn_free(clasp_conn *c)
{
    if (!c)
        return;
    cl_hs_free(c);
    cl_record_keys_clear(&c->rd);
    cl_record_keys_clear(&c->wr);
    cl_buf_free(&c->in);
    cl_buf_free(&c->out);
    cl_buf_free(&c->hs_in);
    cl_buf_free(&c->hs_out);
    if (c->offer)
        cl_session_clear(c->offer);
    if (c->session)
        cl_session_clear(c->session);
    free(c->offer);
    free(c->session);
    for (size_t i = 0; i < c->n_peer; i++)
        free(c->peer_der[i]);
    free(c->server_name);
    free(c->test);
    clasp_config_free(c->cfg);
    cl_wipe(c, sizeof *c);
    free(c);
}

/* A name the caller gave is refused with a sentence in the connection's
 * error slot, which stays usable: another name may be set. */
int clasp_conn_set_server_name(clasp_conn *c, const char *name)
{
    if (!c || c->role != CLASP_CLIENT || !name)
        return -1;
    size_t len = strlen(name);
    char why[128];
    if (!cl_is_ip_literal(name, len)) {
        if (len > 1 && name[len - 1] == '.')
            len--; /* "example.com." is example.com; SNI has no trailing dot */
        if (cl_check_host_name(name, len, why, sizeof why)) {
            if (!c->dead) {
                char shown[72]; /* the caller's bytes, made printable */
                size_t n = 0;
                for (; n < 64 && name[n]; n++)
                    shown[n] = name[n] >= 0x20 && name[n] < 0x7f ? name[n] : '?';
                snprintf(shown + n, sizeof shown - n, "%s", name[n] ? "..." : "");
                c->err_kind = CLASP_E_CONFIG;
                snprintf(c->err_msg, sizeof c->err_msg,
                         "cannot use '%s' as the server name: it %s", shown, why);
            }
            return -1;
        }
    }
    char *copy = strndup(name, len);
    if (!copy)
        return -1;
    free(c->server_name);
    c->server_name = copy;
    if (!c->dead && c->err_kind == CLASP_E_CONFIG) {
        c->err_kind = CLASP_E_NONE; /* an earlier refused name no longer matters */
        c->err_msg[0] = 0;
    }
    return 0;
}

/* ------------------------------------------------------------- errors */

int cl_fail(clasp_conn *c, int alert, clasp_error_kind kind, const char *fmt, ...)
{
    if (c->dead)
        return CLASP_ERROR;
    c->dead = 1;
    c->err_kind = kind;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err_msg, sizeof c->err_msg, fmt, ap);
    va_end(ap);
    if (alert >= 0) {
        c->fatal_alert = 1;
        /* RFC 5246 7.2.2: the session of a failed connection is forgotten. */
        if (c->cached_id_len)
            cl_cache_remove(c->cfg->cache, c->cached_id, c->cached_id_len);
    }
    if (alert >= 0 && !c->we_closed) {
        /* Best effort: the alert goes out under whatever keys we write with. */
        if (cl_send_alert(c, 2, alert) == 0)
            c->alert_sent = alert;
        c->we_closed = 1;
    }
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_NOTE, "error", "%s", c->err_msg);
    return CLASP_ERROR;
}

clasp_error_kind clasp_conn_error(const clasp_conn *c) { return c ? c->err_kind : CLASP_E_INTERNAL; }
const char *clasp_conn_error_text(const clasp_conn *c) { return c ? c->err_msg : "no connection"; }
int clasp_conn_alert_sent(const clasp_conn *c) { return c->alert_sent; }
int clasp_conn_alert_received(const clasp_conn *c) { return c->alert_recv; }

/* ------------------------------------------------------------ tracing */

int cl_trace_on(const clasp_conn *c) { return c->cfg->trace != NULL; }

void cl_trace(const clasp_conn *c, clasp_trace_kind kind, const char *what, const char *fmt, ...)
{
    if (!c->cfg->trace)
        return;
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    c->cfg->trace(c->cfg->trace_arg, kind, what, detail);
}

void cl_keylog(const clasp_conn *c, const char *label, const uint8_t *client_random,
               const uint8_t *secret, size_t len)
{
    if (c->test && c->test->secret_cb)
        c->test->secret_cb(c->test->secret_arg, label, secret, len);
    if (!c->cfg->keylog)
        return;
    static const char hex[] = "0123456789abcdef";
    char line[64 + 1 + 64 + 1 + 2 * CR_MAX_HASH + 1];
    size_t n = (size_t)snprintf(line, sizeof line, "%s ", label);
    for (int i = 0; i < 32 && n + 2 < sizeof line; i++) {
        line[n++] = hex[client_random[i] >> 4];
        line[n++] = hex[client_random[i] & 15];
    }
    line[n++] = ' ';
    for (size_t i = 0; i < len && n + 2 < sizeof line; i++) {
        line[n++] = hex[secret[i] >> 4];
        line[n++] = hex[secret[i] & 15];
    }
    line[n] = 0;
    c->cfg->keylog(c->cfg->keylog_arg, line);
    cl_wipe(line, sizeof line);
}

/* ------------------------------------------------------------ sending */

int cl_flush_handshake(clasp_conn *c)
{
    if (c->hs_out.len == 0)
        return 0;
    cl_buf pending = c->hs_out;
    cl_buf_init(&c->hs_out, 0);
    int rc = cl_send_record(c, CL_CT_HANDSHAKE, pending.data, pending.len);
    if (c->handshake_done) {
        cl_buf_free(&pending);
    } else {
        cl_buf_reset(&pending); /* keep the storage for the next flight */
        c->hs_out = pending;
    }
    return rc;
}

size_t cl_max_fragment(const clasp_conn *c)
{
    size_t max = CL_MAX_PLAINTEXT;
    /* RFC 8449 4: only protected records; in TLS 1.3 the limit counts the
     * inner content type byte too (we add no padding). */
    if (c->peer_record_limit && c->wr.aead) {
        size_t limit = c->wr.tls12 ? c->peer_record_limit : (size_t)c->peer_record_limit - 1u;
        if (limit < max)
            max = limit;
    }
    return max;
}

/* TLS 1.3 application data: time for a new sending key (RFC 8446 5.5)?
 * The key's last record is the KeyUpdate itself. */
static int key_update_due(const clasp_conn *c)
{
    return c->version == CLASP_TLS1_3 && c->handshake_done && c->wr.aead && !c->wr.tls12 &&
           c->suite && c->suite->aead != CR_CHACHA20POLY1305 &&
           c->wr.seq >= AES_GCM_RECORD_LIMIT - 1;
}

int cl_send_record(clasp_conn *c, uint8_t type, const uint8_t *data, size_t len)
{
    if (type != CL_CT_HANDSHAKE && cl_flush_handshake(c))
        return -1;
    do {
        if (type == CL_CT_APPLICATION_DATA && key_update_due(c) && cl_send_key_update(c, 0))
            return -1;
        size_t max = cl_max_fragment(c);
        size_t n = len < max ? len : max;
        if (cl_record_seal(&c->wr, type, data, n, &c->out))
            return -1;
        data += n;
        len -= n;
    } while (len > 0);
    return 0;
}

int cl_send_alert(clasp_conn *c, int level, int desc)
{
    /* RFC 8446 6: in TLS 1.3 the level is ignored, but the fatal ones are
     * still sent as fatal for TLS 1.2 peers. */
    uint8_t a[2] = {(uint8_t)level, (uint8_t)desc};
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_SEND, "Alert", "%s %s", level == 2 ? "fatal" : "warning",
                 clasp_alert_name(desc));
    return cl_send_record(c, CL_CT_ALERT, a, 2);
}

size_t clasp_conn_output(clasp_conn *c, const uint8_t **out)
{
    if (c->hs_out.len && cl_flush_handshake(c))
        cl_fail(c, -1, CLASP_E_INTERNAL, "could not seal handshake messages");
    size_t n = c->out.len - c->out_off;
    *out = n ? c->out.data + c->out_off : NULL; /* no pointer arithmetic on NULL */
    return n;
}

void clasp_conn_output_done(clasp_conn *c, size_t n)
{
    c->out_off += n;
    if (c->out_off >= c->out.len) {
        c->out_off = 0;
        c->out.len = 0;
        /* An idle connection keeps no record buffers (the output holds only
         * ciphertext, so it need not be wiped). */
        if (c->handshake_done)
            cl_buf_release(&c->out);
    }
}

/* Drops the input buffer once everything in it has been used. */
static void release_input_if_idle(clasp_conn *c)
{
    if (c->app_len == 0 && c->in_off == c->in.len && c->in.data) {
        cl_buf_release(&c->in);
        c->in_off = 0;
    }
}

/* ----------------------------------------------------------- receiving */

size_t clasp_conn_input_buffer(clasp_conn *c, uint8_t **buf)
{
    *buf = NULL;
    if (c->dead)
        return 0;
    /* Slide unread bytes (and any unread application data) to the front. */
    size_t keep_from = c->in_off;
    if (c->app_len && (size_t)(c->app - c->in.data) < keep_from)
        keep_from = (size_t)(c->app - c->in.data);
    if (keep_from > 0) {
        memmove(c->in.data, c->in.data + keep_from, c->in.len - keep_from);
        c->in.len -= keep_from;
        c->in_off -= keep_from;
        if (c->app_len)
            c->app -= keep_from;
    }
    size_t room = IN_LIMIT - c->in.len;
    if (room == 0)
        return 0;
    uint8_t *before = c->in.data;
    if (cl_buf_reserve(&c->in, room)) {
        cl_fail(c, -1, CLASP_E_NOMEM, "out of memory for the input buffer");
        return 0;
    }
    if (c->app_len)
        c->app = c->in.data + (c->app - before);
    *buf = c->in.data + c->in.len;
    return room;
}

void clasp_conn_input_done(clasp_conn *c, size_t n)
{
    if (n <= IN_LIMIT - c->in.len && n <= c->in.cap - c->in.len)
        c->in.len += n;
}

int clasp_conn_feed(clasp_conn *c, const uint8_t *in, size_t len, size_t *used)
{
    *used = 0;
    if (c->dead)
        return CLASP_ERROR;
    if (len == 0) /* nothing to take: no input buffer for it either */
        return CLASP_OK;
    uint8_t *dst;
    size_t room = clasp_conn_input_buffer(c, &dst);
    if (c->dead)
        return CLASP_ERROR;
    size_t n = len < room ? len : room;
    if (n) {
        memcpy(dst, in, n);
        clasp_conn_input_done(c, n);
    }
    *used = n;
    return CLASP_OK;
}

int clasp_conn_feed_eof(clasp_conn *c)
{
    c->transport_eof = 1;
    return c->dead ? CLASP_ERROR : CLASP_OK;
}

/* The stream ended before close_notify (RFC 8446 6.1): what was read is
 * authentic but may not be all that was sent. The connection is over. */
static long truncated(clasp_conn *c)
{
    int mid_record = c->in.len > c->in_off;
    cl_fail(c, -1, CLASP_E_IO, "the peer closed the connection %swithout close_notify; the data may "
            "be truncated", mid_record ? "in the middle of a record, " : "");
    c->truncated = 1;
    return CLASP_TRUNCATED;
}

static const char *content_type_name(uint8_t t)
{
    switch (t) {
    case CL_CT_CHANGE_CIPHER_SPEC: return "ChangeCipherSpec";
    case CL_CT_ALERT: return "alert";
    case CL_CT_HANDSHAKE: return "handshake";
    case CL_CT_APPLICATION_DATA: return "application data";
    }
    return "unknown";
}

static int handle_alert(clasp_conn *c, const uint8_t *p, size_t len)
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
                           "the peer closed the connection during the handshake");
        return CLASP_CLOSED;
    }
    if (desc == CL_ALERT_USER_CANCELED || (level == 1 && c->version != CLASP_TLS1_3)) {
        if (++c->warning_alerts > MAX_IDLE_RECORDS)
            return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                           "the peer sent too many warning alerts (%d in a row with no data "
                           "between them): a flood",
                           MAX_IDLE_RECORDS + 1);
        return CLASP_OK;
    }
    c->alert_recv = desc;
    c->we_closed = 1; /* never answer a fatal alert */
    c->fatal_alert = 1;
    if (c->cached_id_len)
        cl_cache_remove(c->cfg->cache, c->cached_id, c->cached_id_len);
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

static int handle_handshake_bytes(clasp_conn *c, const uint8_t *p, size_t len)
{
    if (len == 0)
        return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                       "the peer sent an empty handshake record");
    cl_wr_bytes(&c->hs_in, p, len);
    if (c->hs_in.failed) /* its limit fits any message the check below lets through */
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_NOMEM,
                       "out of memory for a handshake message");
    size_t off = 0;
    while (c->hs_in.len - off >= 4) {
        const uint8_t *h = c->hs_in.data + off;
        size_t body = (size_t)h[1] << 16 | (size_t)h[2] << 8 | h[3];
        if (body > CL_MAX_HANDSHAKE_MSG) /* illegal_parameter, as OpenSSL and BoringSSL */
            return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                           "the peer announced a handshake message of %zu bytes (limit %d)",
                           body, CL_MAX_HANDSHAKE_MSG);
        if (c->hs_in.len - off < 4 + body)
            break;
        const cr_aead *keys_before = c->rd.aead;
        int rc = cl_hs_message(c, h[0], h, 4 + body);
        if (rc != CLASP_OK)
            return rc;
        off += 4 + body;
        /* RFC 8446 5.1: a message that changes keys must end its record. */
        if (c->rd.aead != keys_before && c->hs_in.len > off)
            return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                           "the peer sent handshake data across a key change");
    }
    cl_buf_consume(&c->hs_in, off);
    if (c->handshake_done && c->hs_in.len == 0)
        cl_buf_free(&c->hs_in); /* post-handshake messages are rare: no buffer kept */
    return CLASP_OK;
}

static int record_failure(clasp_conn *c, int status)
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
 * everything but the tag and the inner content type byte. */
static int skip_early_data(clasp_conn *c, size_t len)
{
    c->early_data_skipped += len > CR_AEAD_TAG + 1 ? len - CR_AEAD_TAG - 1 : 0;
    if (c->early_data_skipped > CL_MAX_EARLY_DATA_SKIPPED)
        return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                       "the client sent more than %d bytes of early data (0-RTT), which this "
                       "server does not accept: it must send its data after the handshake",
                       CL_MAX_EARLY_DATA_SKIPPED);
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_NOTE, "early data",
                 "skipped a %zu-byte 0-RTT record (early data is not accepted)", len);
    return CLASP_OK;
}

/* What a record's plaintext is for: the handshake, an alert, a ChangeCipherSpec
 * or the application. Returns DISPATCH_NEXT to go on with the next record,
 * DISPATCH_APP when application data was delivered, or a failure. */
#define DISPATCH_NEXT 0
#define DISPATCH_APP 1
static int dispatch_record(clasp_conn *c, uint8_t type, uint8_t *plain, size_t plain_len,
                           int protected_record, uint8_t *direct, size_t *direct_got)
{
    int rc = CLASP_OK;
    /* RFC 8446 5.1 (and RFC 5246 6.2.1): a handshake message split across
     * records has no records of another type between its fragments. */
    if (type != CL_CT_HANDSHAKE && c->hs_in.len)
        return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                       "the peer sent a%s %s record in the middle of a handshake message "
                       "(its fragments must follow each other)",
                       type == CL_CT_ALERT || type == CL_CT_APPLICATION_DATA ? "n" : "",
                       content_type_name(type));
    switch (type) {
    case CL_CT_CHANGE_CIPHER_SPEC:
        if (c->version == CLASP_TLS1_2 && !c->handshake_done) {
            /* TLS 1.2: the peer switches to the new keys here. */
            if (plain_len == 0) /* RFC 5246 6.2.1: no zero-length fragments */
                return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                               "the peer sent an empty ChangeCipherSpec record");
            if (plain_len != 1 || plain[0] != 1)
                return cl_fail(c, CL_ALERT_DECODE_ERROR, CLASP_E_PROTOCOL,
                               "the peer sent a malformed ChangeCipherSpec");
            rc = cl_hs12_change_cipher_spec(c);
            if (rc != CLASP_OK)
                return rc;
        return DISPATCH_NEXT;
        }
        /* RFC 8446 5: a single byte 0x01, only while handshaking, and
         * never encrypted; it is ignored. Not before the first
         * ClientHello either: a server has no suite until then. */
        if (c->handshake_done || plain_len != 1 || plain[0] != 1 || protected_record ||
            (c->role == CLASP_SERVER && !c->suite))
            return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                           "the peer sent a ChangeCipherSpec where none is allowed");
        if (++c->empty_records > MAX_IDLE_RECORDS || c->ccs_seen++)
            return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                           "the peer sent more than one ChangeCipherSpec");
        if (cl_trace_on(c))
            cl_trace(c, CLASP_TRACE_RECV, "ChangeCipherSpec", "middlebox compatibility, ignored");
        return DISPATCH_NEXT;
    case CL_CT_ALERT:
        rc = handle_alert(c, plain, plain_len);
        if (rc == CLASP_OK && ++c->empty_records > MAX_IDLE_RECORDS)
            return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                           "the peer sent too many records that carry nothing");
        break;
    case CL_CT_HANDSHAKE:
        c->empty_records = c->warning_alerts = 0;
        rc = handle_handshake_bytes(c, plain, plain_len);
        break;
    case CL_CT_APPLICATION_DATA:
        if (!c->handshake_done || !c->rd.aead)
            return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                           "the peer sent application data before the handshake finished");
        if (plain_len == 0) {
            if (++c->empty_records > MAX_IDLE_RECORDS)
                return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                               "the peer sent too many empty records");
            return DISPATCH_NEXT;
        }
        c->empty_records = c->warning_alerts = 0;
        c->key_updates = 0;
        if (direct && plain == direct) {
            *direct_got = plain_len;
            return DISPATCH_APP;
        }
        c->app = plain;
        c->app_len = plain_len;
        return DISPATCH_APP;
    default: /* only a TLS 1.3 inner type gets here: outer types are checked */
        return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                       "the peer sent an encrypted record of unknown content type %u", type);
    }
    return rc == CLASP_OK ? DISPATCH_NEXT : rc;
}

/* Processes whole records until application data is ready, the input runs
 * out, or (while handshaking) the handshake completes. With a direct
 * buffer big enough for a record, application data is decrypted straight
 * into it (*direct_got bytes) instead of in place and copied later. */
static int process_records_to(clasp_conn *c, uint8_t *direct, size_t direct_cap, size_t *direct_got);

static int process_records(clasp_conn *c) { return process_records_to(c, NULL, 0, NULL); }

static int process_records_to(clasp_conn *c, uint8_t *direct, size_t direct_cap, size_t *direct_got)
{
    while (!c->dead && c->app_len == 0 && !c->peer_closed) {
        size_t avail = c->in.len - c->in_off;
        if (avail < CL_RECORD_HEADER)
            return CLASP_WANT_READ;
        uint8_t *rec = c->in.data + c->in_off;
        uint8_t type = rec[0];
        size_t len = (size_t)rec[3] << 8 | rec[4];
        if (type < CL_CT_CHANGE_CIPHER_SPEC || type > CL_CT_APPLICATION_DATA) {
            int looks_http = memcmp(rec, "GET ", 4) == 0 || memcmp(rec, "POST", 4) == 0 ||
                             memcmp(rec, "HEAD", 4) == 0;
            return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                           "the peer does not speak TLS: it sent a record of unknown type %u%s",
                           type, looks_http ? " (it looks like plain HTTP)" : "");
        }
        if (rec[1] != 3)
            return cl_fail(c, CL_ALERT_PROTOCOL_VERSION, CLASP_E_PROTOCOL,
                           "the peer sent a record with version %u.%u, which is not TLS",
                           rec[1], rec[2]);
        if (len > (c->rd.aead ? CL_MAX_CIPHERTEXT : CL_MAX_PLAINTEXT))
            return cl_fail(c, CL_ALERT_RECORD_OVERFLOW, CLASP_E_PROTOCOL,
                           "the peer sent a %s record of %zu bytes, over the limit of %d",
                           content_type_name(type), len,
                           c->rd.aead ? CL_MAX_CIPHERTEXT : CL_MAX_PLAINTEXT);
        if (avail < CL_RECORD_HEADER + len)
            return CLASP_WANT_READ;
        c->in_off += CL_RECORD_HEADER + len;

        uint8_t *plain = rec + CL_RECORD_HEADER;
        size_t plain_len = len;
        int protected_record = c->rd.aead && !(type == CL_CT_CHANGE_CIPHER_SPEC && !c->rd.tls12);
        if (!protected_record && type == CL_CT_APPLICATION_DATA &&
            c->early_data_skip == CL_SKIP_APP_RECORDS) {
            if (skip_early_data(c, len) != CLASP_OK)
                return CLASP_ERROR;
            continue;
        }
        if (protected_record) {
            if (!c->rd.tls12 && type != CL_CT_APPLICATION_DATA)
                return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                               "the peer sent an unencrypted %s record after encryption began",
                               content_type_name(type));
            uint8_t *dst = direct && direct_cap >= len && c->handshake_done ? direct : NULL;
            int st = cl_record_open_to(&c->rd, rec, CL_RECORD_HEADER + len, dst, &type, &plain,
                                       &plain_len);
            if (c->early_data_skip == CL_SKIP_UNOPENED) {
                /* Records that do not open under the handshake key are 0-RTT;
                 * the first that opens starts the client's second flight. */
                if (st == CL_REC_BAD_MAC) {
                    if (skip_early_data(c, len) != CLASP_OK)
                        return CLASP_ERROR;
                    continue;
                }
                c->early_data_skip = CL_SKIP_NONE;
            }
            if (st != CL_REC_OK)
                return record_failure(c, st);
        }

        int rc = dispatch_record(c, type, plain, plain_len, protected_record, direct, direct_got);
        if (rc == DISPATCH_APP && direct && *direct_got)
            return CLASP_OK;
        if (rc < 0)
            return rc;
    }
    if (c->dead)
        return CLASP_ERROR;
    if (c->peer_closed)
        return CLASP_CLOSED;
    return CLASP_OK;
}

int clasp_conn_handshake(clasp_conn *c)
{
    if (c->dead)
        return CLASP_ERROR;
    if (c->handshake_done)
        return CLASP_OK;
    if (c->state == 0) {
        int rc = cl_hs_start(c);
        if (rc != CLASP_OK)
            return rc;
    }
    while (!c->handshake_done) {
        int rc = process_records(c);
        if (rc == CLASP_CLOSED || rc == CLASP_ERROR)
            return c->dead ? CLASP_ERROR : rc;
        if (rc == CLASP_WANT_READ && !c->handshake_done)
            return c->transport_eof ? cl_fail(c, -1, CLASP_E_IO,
                                              "the peer closed the connection during the handshake")
                                    : CLASP_WANT_READ;
        if (c->app_len && !c->handshake_done)
            return CLASP_ERROR; /* unreachable: app data is refused above */
    }
    release_input_if_idle(c);
    return CLASP_OK;
}

int clasp_conn_handshake_done(const clasp_conn *c) { return c->handshake_done; }

long clasp_conn_read(clasp_conn *c, uint8_t *buf, size_t len)
{
    if (c->truncated)
        return CLASP_TRUNCATED;
    if (c->dead)
        return CLASP_ERROR;
    if (!c->handshake_done) {
        int rc = clasp_conn_handshake(c);
        if (rc != CLASP_OK)
            return rc;
    }
    if (c->app_len == 0) {
        size_t got = 0;
        int rc = process_records_to(c, buf, len, &got);
        if (rc == CLASP_ERROR)
            return CLASP_ERROR;
        if (got)
            return (long)got;
        if (c->app_len == 0) {
            release_input_if_idle(c);
            if (c->peer_closed)
                return CLASP_CLOSED;
            return c->transport_eof ? truncated(c) : CLASP_WANT_READ;
        }
    }
    size_t n = len < c->app_len ? len : c->app_len;
    memcpy(buf, c->app, n);
    c->app += n;
    c->app_len -= n;
    return (long)n;
}

long clasp_conn_receive(clasp_conn *c, const uint8_t *in, size_t in_len, size_t *used,
                        uint8_t *buf, size_t len)
{
    *used = 0;
    if (c->truncated)
        return CLASP_TRUNCATED;
    if (c->dead)
        return CLASP_ERROR;
    /* Fast path: nothing buffered and a whole application-data record at
     * the front of `in`: decrypt from the caller's input straight into the
     * caller's output, no copy at all. */
    while (c->handshake_done && c->rd.aead && c->app_len == 0 && c->in_off == c->in.len &&
           c->hs_in.len == 0 && !c->peer_closed && in_len - *used >= CL_RECORD_HEADER) {
        const uint8_t *rec = in + *used;
        size_t rlen = (size_t)rec[3] << 8 | rec[4];
        if (rec[0] != CL_CT_APPLICATION_DATA || rec[1] != 3 || rlen > CL_MAX_CIPHERTEXT ||
            in_len - *used < CL_RECORD_HEADER + rlen || len < rlen)
            break;
        uint8_t type, *plain;
        size_t n;
        /* cl_record_open_to only reads the record when the output is elsewhere. */
        int st = cl_record_open_to(&c->rd, (uint8_t *)rec, CL_RECORD_HEADER + rlen, buf, &type,
                                   &plain, &n);
        if (st != CL_REC_OK)
            return record_failure(c, st);
        *used += CL_RECORD_HEADER + rlen;
        size_t got = 0;
        int rc = dispatch_record(c, type, plain, n, 1, buf, &got);
        if (rc < 0)
            return rc == CLASP_CLOSED ? CLASP_CLOSED : CLASP_ERROR;
        if (got)
            return (long)got;
        if (c->dead)
            return CLASP_ERROR;
    }
    /* Otherwise the ordinary way: buffer what fits, then read. */
    size_t fed = 0;
    if (clasp_conn_feed(c, in + *used, in_len - *used, &fed) != CLASP_OK)
        return CLASP_ERROR;
    *used += fed;
    return clasp_conn_read(c, buf, len);
}

long clasp_conn_write(clasp_conn *c, const uint8_t *buf, size_t len)
{
    if (c->dead)
        return CLASP_ERROR;
    if (!c->handshake_done) {
        int rc = clasp_conn_handshake(c);
        if (rc != CLASP_OK)
            return rc;
    }
    if (c->we_closed)
        return cl_fail(c, -1, CLASP_E_INTERNAL, "write after close");
    if (len == 0)
        return 0;
    /* One growth of the output for the whole write, not one per record. */
    size_t max = cl_max_fragment(c);
    size_t records = (len + max - 1) / max;
    if (cl_buf_reserve(&c->out, len + records * cl_record_overhead(&c->wr)))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_NOMEM, "out of memory for the output");
    if (cl_send_record(c, CL_CT_APPLICATION_DATA, buf, len))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL,
                       "could not encrypt application data");
    return (long)len;
}

int clasp_conn_close(clasp_conn *c)
{
    if (c->dead)
        return CLASP_ERROR;
    if (c->we_closed)
        return CLASP_OK;
    c->we_closed = 1;
    if (cl_send_alert(c, 1, CL_ALERT_CLOSE_NOTIFY))
        return CLASP_ERROR;
    return CLASP_OK;
}

/* ------------------------------------------------------------ getters */

uint16_t clasp_conn_version(const clasp_conn *c) { return c->version; }

const char *clasp_conn_version_name(const clasp_conn *c)
{
    switch (c->version) {
    case CLASP_TLS1_3: return "TLSv1.3";
    case CLASP_TLS1_2: return "TLSv1.2";
    }
    return NULL;
}

const char *clasp_conn_cipher_name(const clasp_conn *c) { return c->suite ? c->suite->iana : NULL; }
const char *clasp_conn_group_name(const clasp_conn *c)
{
    if (c->group_label[0])
        return c->group_label;
    return c->group ? cl_group_name(c->group) : NULL;
}
const char *clasp_conn_sigalg_name(const clasp_conn *c)
{
    return c->peer_sigalg ? cl_sigalg_name(c->peer_sigalg) : NULL;
}
const char *clasp_conn_alpn(const clasp_conn *c) { return c->has_alpn ? c->alpn : NULL; }
const char *clasp_conn_sni(const clasp_conn *c) { return c->server_name; }
int clasp_conn_resumed(const clasp_conn *c) { return c->resumed; }
unsigned clasp_conn_tickets_received(const clasp_conn *c) { return c->tickets; }

const uint8_t *clasp_conn_peer_cert(const clasp_conn *c, size_t index, size_t *len)
{
    if (index >= c->n_peer)
        return NULL;
    *len = c->peer_der_len[index];
    return c->peer_der[index];
}
