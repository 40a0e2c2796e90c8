/* SPDX-License-Identifier: Apache-2.0 */
/* The connection core's narrow interface, what the handshake drives:
 * failing with an alert, tracing and key logging, queueing handshake
 * messages, sealing records and alerts into the output, and installing
 * record keys. Nothing here calls the handshake or the public API above. */
#include <stdio.h>
#include <stdlib.h>

#include "core/conn.h"

/* ------------------------------------------------------------- errors */

cl_result cl_fail(clasp_conn *c, int alert, clasp_error_kind kind, const char *fmt, ...)
{
    if (c->dead)
        return CL_FAILED;
    c->dead = 1;
    c->err_kind = kind;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err_msg, sizeof c->err_msg, fmt, ap);
    va_end(ap);
    if (alert >= 0) {
        c->fatal_alert = 1;
        /* RFC 5246 7.2.2: the session of a failed connection is forgotten. */
        cl_forget_session(c);
    }
    if (alert >= 0 && !c->we_closed) {
        /* Best effort: the alert goes out under whatever keys we write with. */
        if (cl_send_alert(c, 2, alert) == 0)
            c->alert_sent = alert;
        c->we_closed = 1;
    }
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_NOTE, "error", "%s", c->err_msg);
    return CL_FAILED;
}

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
    if (CL_TEST(c) && CL_TEST(c)->secret_cb)
        CL_TEST(c)->secret_cb(CL_TEST(c)->secret_arg, label, secret, len);
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

const char *cl_conn_group_name(const clasp_conn *c)
{
    if (c->group_label[0])
        return c->group_label;
    return c->group ? cl_group_name(c->group) : NULL;
}

/* ------------------------------------------------------------ sending */

int cl_queue_handshake(clasp_conn *c, const uint8_t *msg, size_t len)
{
    cl_wr_bytes(&c->hs_out, msg, len);
    return c->hs_out.failed ? -1 : 0;
}

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

int cl_send_record(clasp_conn *c, uint8_t type, const uint8_t *data, size_t len)
{
    if (type != CL_CT_HANDSHAKE && cl_flush_handshake(c))
        return -1;
    return cl_record_seal_fragments(&c->wr, type, data, len, cl_max_fragment(c), &c->out);
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

void cl_set_record_version(clasp_conn *c, uint16_t version) { c->wr.plain_version = version; }

int cl_install_keys(clasp_conn *c, int for_write, cr_aead_alg alg, const uint8_t *key,
                     const uint8_t *iv, size_t iv_len, int tls12)
{
    /* What is queued was written for the old key: it goes out under it. */
    if (for_write && cl_flush_handshake(c))
        return -1;
    cr_aead *a = cr_aead_new(alg, key, for_write);
    if (!a)
        return -1;
    cl_record_keys_set(for_write ? &c->wr : &c->rd, a, iv, iv_len, tls12);
    return 0;
}
