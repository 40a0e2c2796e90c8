/* SPDX-License-Identifier: Apache-2.0 */
/* The connection's public API and the driver above the handshake. Bytes
 * from the peer go in through clasp_conn_feed; the core (src/core) cuts them
 * into records and opens them, and this file decides what each is for:
 * handshake messages and a TLS 1.2 ChangeCipherSpec go down to the state
 * machines (src/handshake), alerts to the core, data to the application.
 * Everything we send is sealed straight into the output buffer. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/conn.h"
#include "handshake/handshake.h"

/* The core's results become the public codes unchanged (base/result.h). */
_Static_assert((int)CL_OK == CLASP_OK && (int)CL_WAIT_PEER == CLASP_WANT_READ &&
                   (int)CL_PEER_CLOSED == CLASP_CLOSED && (int)CL_FAILED == CLASP_ERROR &&
                   (int)CL_WAIT_KEY == CLASP_WANT_PRIVATE_KEY,
               "cl_result values must equal the public codes they become");

/* Raw input kept at most: one record being read by the application plus one
 * arriving behind it. */
#define IN_LIMIT (2 * CL_MAX_RECORD)
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
    /* Connections of one config may be made on several threads at once. */
    __atomic_store_n(&cfg->frozen, 1, __ATOMIC_RELAXED);
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
    free(c->ocsp);
#ifdef CLASP_TEST_HOOKS
    free(c->test);
#endif
    clasp_config_free(c->cfg);
    clasp_config_free(c->base_cfg);
    cl_wipe(c, sizeof *c);
    free(c);
}

/* A name the caller gave is refused with a sentence in the connection's
 * error slot, which stays usable: another name may be set. */
/* A call the connection refuses without failing (a bad server name, an
 * export it cannot make): the sentence goes to the error slot as
 * CLASP_E_CONFIG and the connection stays usable; the next call of the
 * kind that succeeds clears it. */
__attribute__((format(printf, 2, 3))) static void refuse_call(clasp_conn *c, const char *fmt, ...)
{
    if (c->dead) /* the failure's own sentence stays */
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err_msg, sizeof c->err_msg, fmt, ap);
    va_end(ap);
    c->err_kind = CLASP_E_CONFIG;
}

static void clear_refusal(clasp_conn *c)
{
    if (!c->dead && c->err_kind == CLASP_E_CONFIG) {
        c->err_kind = CLASP_E_NONE; /* an earlier refusal no longer matters */
        c->err_msg[0] = 0;
    }
}

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
            char shown[72]; /* the caller's bytes, made printable */
            size_t n = 0;
            for (; n < 64 && name[n]; n++)
                shown[n] = name[n] >= 0x20 && name[n] < 0x7f ? name[n] : '?';
            snprintf(shown + n, sizeof shown - n, "%s", name[n] ? "..." : "");
            refuse_call(c, "cannot use '%s' as the server name: it %s", shown, why);
            return -1;
        }
    }
    char *copy = strndup(name, len);
    if (!copy)
        return -1;
    free(c->server_name);
    c->server_name = copy;
    clear_refusal(c);
    return 0;
}

/* ------------------------------------------------------------- errors */

clasp_error_kind clasp_conn_error(const clasp_conn *c) { return c ? c->err_kind : CLASP_E_INTERNAL; }
const char *clasp_conn_error_text(const clasp_conn *c) { return c ? c->err_msg : "no connection"; }
const char *clasp_conn_awaiting(const clasp_conn *c) { return c && !c->dead ? c->awaiting : NULL; }
int clasp_conn_alert_sent(const clasp_conn *c) { return c->alert_sent; }
int clasp_conn_alert_received(const clasp_conn *c) { return c->alert_recv; }

/* TLS 1.3 application data: time for a new sending key (RFC 8446 5.5)?
 * The key's last record is the KeyUpdate itself. */
static int key_update_due(const clasp_conn *c)
{
    return c->version == CLASP_TLS1_3 && c->handshake_done && c->wr.aead && !c->wr.tls12 &&
           c->suite && c->suite->aead != CR_CHACHA20POLY1305 &&
           c->wr.seq >= AES_GCM_RECORD_LIMIT - 1;
}

/* Application data, cut into records; an AES-GCM key that reaches its
 * limit is updated between two of them. */
static int send_application_data(clasp_conn *c, const uint8_t *data, size_t len)
{
    if (c->hs_out.len && cl_flush_handshake(c))
        return -1;
    size_t max = cl_max_fragment(c); /* a KeyUpdate leaves it as it is */
    do {
        if (key_update_due(c) && cl_send_key_update(c, 0) != CL_OK)
            return -1;
        size_t n = len < max ? len : max;
        if (cl_record_seal(&c->wr, CL_CT_APPLICATION_DATA, data, n, &c->out))
            return -1;
        data += n;
        len -= n;
    } while (len > 0);
    return 0;
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

/* Room for input, at most `want` bytes of it allocated now: the caller's
 * recv takes all the room there is (clasp_conn_input_buffer), a feed only
 * what it brings, so a few bytes never cost a buffer for two records. */
static size_t input_room(clasp_conn *c, size_t want, uint8_t **buf)
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
    if (want < room)
        room = want;
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

size_t clasp_conn_input_buffer(clasp_conn *c, uint8_t **buf)
{
    return input_room(c, IN_LIMIT, buf);
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
    size_t room = input_room(c, len, &dst);
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

/* RFC 8446 5.1: a message that changes keys must end its record, so no
 * handshake bytes (rest of them) may follow it under the old keys. */
CL_MUST_CHECK static cl_result key_change_ends_record(clasp_conn *c, const cr_aead *keys_before,
                                                      size_t rest)
{
    if (c->rd.aead != keys_before && rest)
        return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                       "the peer sent handshake data across a key change");
    return CL_OK;
}

/* The whole handshake messages buffered go to the handshake, one at a
 * time. A step that waits for the private-key callback (CL_WAIT_KEY) stops
 * it: the messages after it stay buffered until the step has resumed. */
CL_MUST_CHECK static cl_result handle_buffered_messages(clasp_conn *c)
{
    size_t off = 0;
    uint8_t type;
    const uint8_t *msg;
    size_t msg_len;
    cl_result rc;
    while ((rc = cl_hs_in_next(c, &off, &type, &msg, &msg_len)) == CL_OK) {
        const cr_aead *keys_before = c->rd.aead;
        cl_result step = cl_hs_message(c, type, msg, msg_len);
        if (step != CL_OK && step != CL_WAIT_KEY)
            return step;
        CL_TRY(key_change_ends_record(c, keys_before, c->hs_in.len - off));
        if (step == CL_WAIT_KEY) {
            cl_hs_in_consume(c, off);
            return CL_WAIT_KEY;
        }
    }
    if (rc != CL_WAIT_PEER) /* the rest of a message is still to come */
        return rc;
    cl_hs_in_consume(c, off);
    return CL_OK;
}

/* Handshake bytes. Out of line, so that dispatch_record stays as lean for
 * application data as it was before the message framing moved to the core. */
__attribute__((noinline)) CL_MUST_CHECK static cl_result
handle_handshake_bytes(clasp_conn *c, const uint8_t *p, size_t len)
{
    CL_TRY(cl_hs_in_append(c, p, len));
    return handle_buffered_messages(c);
}

/* The step that waited for the private-key callback resumes once the
 * result has come, then the messages buffered behind it go on. */
CL_MUST_CHECK static cl_result resume_key_step(clasp_conn *c)
{
    const cr_aead *keys_before = c->rd.aead;
    CL_TRY(cl_hs_key_resume(c));
    CL_TRY(key_change_ends_record(c, keys_before, c->hs_in.len));
    return c->hs_in.len ? handle_buffered_messages(c) : CL_OK;
}

/* A ChangeCipherSpec's body: the single byte 1 (RFC 5246 7.1, RFC 8446 5). */
static int is_change_cipher_spec(const uint8_t *p, size_t len)
{
    cl_reader r = cl_reader_init(p, len);
    uint8_t v;
    return cl_rd_u8(&r, &v) == 0 && v == 1 && cl_rd_empty(&r);
}

/* What a record's plaintext is for: the handshake, an alert, a ChangeCipherSpec
 * or the application. CL_OK to go on (*app_ready: application data was
 * delivered), CL_PEER_CLOSED after close_notify, or CL_FAILED. */
CL_MUST_CHECK static cl_result dispatch_record(clasp_conn *c, uint8_t type, uint8_t *plain,
                                               size_t plain_len, int protected_record,
                                               uint8_t *direct, size_t *direct_got, int *app_ready)
{
    cl_result rc = CL_OK;
    /* RFC 8446 5.1 (and RFC 5246 6.2.1): a handshake message split across
     * records has no records of another type between its fragments. */
    if (type != CL_CT_HANDSHAKE && c->hs_in.len)
        return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                       "the peer sent a%s %s record in the middle of a handshake message "
                       "(its fragments must follow each other)",
                       type == CL_CT_ALERT || type == CL_CT_APPLICATION_DATA ? "n" : "",
                       cl_content_type_name(type));
    switch (type) {
    case CL_CT_CHANGE_CIPHER_SPEC:
        if (c->version == CLASP_TLS1_2 && !c->handshake_done) {
            /* TLS 1.2: the peer switches to the new keys here. */
            if (plain_len == 0) /* RFC 5246 6.2.1: no zero-length fragments */
                return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                               "the peer sent an empty ChangeCipherSpec record");
            if (!is_change_cipher_spec(plain, plain_len))
                return cl_fail(c, CL_ALERT_DECODE_ERROR, CLASP_E_PROTOCOL,
                               "the peer sent a malformed ChangeCipherSpec");
            return cl_hs12_change_cipher_spec(c);
        }
        /* RFC 8446 5: a single byte 0x01, only while handshaking, and
         * never encrypted; it is ignored. Not before the first
         * ClientHello either: a server has no suite until then. */
        if (c->handshake_done || !is_change_cipher_spec(plain, plain_len) || protected_record ||
            (c->role == CLASP_SERVER && !c->suite))
            return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                           "the peer sent a ChangeCipherSpec where none is allowed");
        if (++c->empty_records > CL_MAX_IDLE_RECORDS || c->ccs_seen++)
            return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                           "the peer sent more than one ChangeCipherSpec");
        if (cl_trace_on(c))
            cl_trace(c, CLASP_TRACE_RECV, "ChangeCipherSpec", "middlebox compatibility, ignored");
        return CL_OK;
    case CL_CT_ALERT:
        rc = cl_handle_alert(c, plain, plain_len);
        if (rc == CL_OK && ++c->empty_records > CL_MAX_IDLE_RECORDS)
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
            if (++c->empty_records > CL_MAX_IDLE_RECORDS)
                return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                               "the peer sent too many empty records");
            return CL_OK;
        }
        c->empty_records = c->warning_alerts = 0;
        c->key_updates = 0;
        *app_ready = 1;
        if (direct && plain == direct) {
            *direct_got = plain_len;
            return CL_OK;
        }
        c->app = plain;
        c->app_len = plain_len;
        return CL_OK;
    default: /* only a TLS 1.3 inner type gets here: outer types are checked */
        return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                       "the peer sent an encrypted record of unknown content type %u", type);
    }
    return rc;
}

/* Processes whole records until application data is ready, the input runs
 * out, or (while handshaking) the handshake completes. With a direct
 * buffer big enough for a record, application data is decrypted straight
 * into it (*direct_got bytes) instead of in place and copied later. */
CL_MUST_CHECK static cl_result process_records_to(clasp_conn *c, uint8_t *direct,
                                                  size_t direct_cap, size_t *direct_got);

CL_MUST_CHECK static cl_result process_records(clasp_conn *c)
{
    return process_records_to(c, NULL, 0, NULL);
}

CL_MUST_CHECK static cl_result process_records_to(clasp_conn *c, uint8_t *direct,
                                                  size_t direct_cap, size_t *direct_got)
{
    while (!c->dead && c->app_len == 0 && !c->peer_closed) {
        cl_inbound_record rec;
        CL_TRY(cl_next_record(c, direct, direct_cap, &rec));
        int app_ready = 0;
        CL_TRY(dispatch_record(c, rec.type, rec.plain, rec.len, rec.protected_record, direct,
                               direct_got, &app_ready));
        if (app_ready && direct && *direct_got)
            return CL_OK;
    }
    if (c->dead)
        return CL_FAILED;
    if (c->peer_closed)
        return CL_PEER_CLOSED;
    return CL_OK;
}

int clasp_conn_handshake(clasp_conn *c)
{
    if (c->dead)
        return CLASP_ERROR;
    if (c->handshake_done)
        return CLASP_OK;
    /* Our close_notify has gone out: nothing of the handshake may follow it. */
    if (c->we_closed)
        return cl_fail(c, -1, CLASP_E_CONFIG,
                       "the handshake cannot go on after clasp_conn_close(): the connection was "
                       "closed before the handshake completed");
    if (c->state == 0) {
        int rc = cl_hs_start(c);
        if (rc != CLASP_OK)
            return rc;
    }
    /* Nothing the peer sent is handled while our key is busy. */
    if (c->key_pending) {
        int rc = resume_key_step(c);
        if (rc != CLASP_OK)
            return c->dead ? CLASP_ERROR : rc;
    }
    while (!c->handshake_done) {
        int rc = process_records(c);
        if (rc == CLASP_CLOSED || rc == CLASP_ERROR || rc == CLASP_WANT_PRIVATE_KEY)
            return c->dead ? CLASP_ERROR : rc;
        if (rc == CLASP_WANT_READ && !c->handshake_done) {
            if (c->transport_eof)
                return cl_fail(c, -1, CLASP_E_IO,
                               "the peer closed the connection during the handshake%s%s",
                               c->awaiting ? ", while we waited for its " : "",
                               c->awaiting ? c->awaiting : "");
            release_input_if_idle(c); /* between flights: no buffer while the peer thinks */
            return CLASP_WANT_READ;
        }
        if (c->app_len && !c->handshake_done)
            return CLASP_ERROR; /* unreachable: app data is refused above */
    }
    release_input_if_idle(c);
    /* The storage kept between flights: a server without tickets sent its
     * last flight before the client's Finished. */
    if (c->hs_out.len == 0)
        cl_buf_free(&c->hs_out);
    if (c->out.len == 0)
        cl_buf_release(&c->out);
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
        cl_record_header h;
        if (cl_record_header_read(rec, in_len - *used, &h) || h.type != CL_CT_APPLICATION_DATA ||
            h.version_major != 3 || h.len > CL_MAX_CIPHERTEXT ||
            in_len - *used < CL_RECORD_HEADER + h.len || len < h.len)
            break;
        size_t rlen = h.len;
        uint8_t type, *plain;
        size_t n;
        /* cl_record_open_to only reads the record when the output is elsewhere. */
        int st = cl_record_open_to(&c->rd, (uint8_t *)rec, CL_RECORD_HEADER + rlen, buf, &type,
                                   &plain, &n);
        if (st != CL_REC_OK)
            return cl_record_failure(c, st);
        *used += CL_RECORD_HEADER + rlen;
        size_t got = 0;
        int app_ready = 0;
        cl_result rc = dispatch_record(c, type, plain, n, 1, buf, &got, &app_ready);
        if (rc != CL_OK)
            return rc == CL_PEER_CLOSED ? CLASP_CLOSED : CLASP_ERROR;
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
    if (send_application_data(c, buf, len))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL,
                       "could not encrypt application data");
    return (long)len;
}

int clasp_conn_private_key_done(clasp_conn *c, const uint8_t *result, size_t len)
{
    if (!c || c->dead)
        return CLASP_ERROR;
    return cl_hs_key_result(c, result, len) ? CLASP_ERROR : CLASP_OK;
}

/* A refusal leaves the connection usable (refuse_call). */
int clasp_conn_export_keying_material(clasp_conn *c, const char *label, size_t label_len,
                                      const uint8_t *context, size_t context_len,
                                      int use_context, uint8_t *out, size_t out_len)
{
    if (!c)
        return CLASP_ERROR;
    if (c->dead)
        return CLASP_ERROR; /* clasp_conn_error_text() already says why */
    char why[256];
    if (cl_export_keying_material(c, label, label_len, context, context_len, use_context, out,
                                  out_len, why, sizeof why)) {
        refuse_call(c, "%s", why);
        return CLASP_ERROR;
    }
    clear_refusal(c);
    return CLASP_OK;
}

int clasp_conn_key_update(clasp_conn *c, int request_peer)
{
    if (c->dead)
        return CLASP_ERROR;
    if (!c->handshake_done || c->version != CLASP_TLS1_3 || c->we_closed)
        return cl_fail(c, -1, CLASP_E_INTERNAL,
                       "KeyUpdate needs an open TLS 1.3 connection whose handshake is done");
    return cl_send_key_update(c, request_peer);
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
const char *clasp_conn_group_name(const clasp_conn *c) { return cl_conn_group_name(c); }
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

const uint8_t *clasp_conn_ocsp_response(const clasp_conn *c, size_t *len)
{
    if (len)
        *len = c && c->ocsp ? c->ocsp_len : 0;
    return c ? c->ocsp : NULL;
}
