/* SPDX-License-Identifier: Apache-2.0 */
/* The handshake's entry from the driver above (src/api): checks in one
 * place which message may come next, then hands it to the state machine of
 * the negotiated version and our role. Nothing in the handshake calls back
 * into this file. */
#include <stdio.h>
#include <stdlib.h>

#include "handshake/hs.h"

#define BIT(t) (1u << (t))

/* Which handshake messages each state accepts. */
static uint32_t allowed_messages(const clasp_conn *c)
{
    switch (c->state) {
    case CL_ST_C_WAIT_SH: return BIT(CL_HS_SERVER_HELLO);
    case CL_ST_C_WAIT_EE: return BIT(CL_HS_ENCRYPTED_EXTENSIONS);
    case CL_ST_C_WAIT_CERT_CR: return BIT(CL_HS_CERTIFICATE) | BIT(CL_HS_CERTIFICATE_REQUEST);
    case CL_ST_C_WAIT_CERT: return BIT(CL_HS_CERTIFICATE);
    case CL_ST_C_WAIT_CV: return BIT(CL_HS_CERTIFICATE_VERIFY);
    case CL_ST_C_WAIT_FINISHED: return BIT(CL_HS_FINISHED);
    case CL_ST_S_WAIT_CH:
    case CL_ST_S_WAIT_CH2: return BIT(CL_HS_CLIENT_HELLO);
    case CL_ST_S_WAIT_CERT: return BIT(CL_HS_CERTIFICATE);
    case CL_ST_S_WAIT_CV: return BIT(CL_HS_CERTIFICATE_VERIFY);
    case CL_ST_S_WAIT_FINISHED: return BIT(CL_HS_FINISHED);
    case CL_ST_C12_WAIT_CERT: return BIT(CL_HS_CERTIFICATE);
    case CL_ST_C12_WAIT_SKE: return BIT(CL_HS_SERVER_KEY_EXCHANGE);
    case CL_ST_C12_WAIT_CR_SHD: return BIT(CL_HS_CERTIFICATE_REQUEST) | BIT(CL_HS_SERVER_HELLO_DONE);
    case CL_ST_C12_WAIT_SHD: return BIT(CL_HS_SERVER_HELLO_DONE);
    case CL_ST_C12_WAIT_FINISHED: return BIT(CL_HS_FINISHED);
    case CL_ST_C12_WAIT_STATUS: /* RFC 6066 8: the server may still send none */
        return BIT(CL_HS_CERTIFICATE_STATUS) |
               (c->hs && c->hs->after_status == CL_ST_C12_WAIT_SKE
                    ? BIT(CL_HS_SERVER_KEY_EXCHANGE)
                    : BIT(CL_HS_CERTIFICATE_REQUEST) | BIT(CL_HS_SERVER_HELLO_DONE));
    case CL_ST_C12_WAIT_CCS: /* a NewSessionTicket if the ServerHello promised one */
        return c->hs && c->hs->issue_ticket12 && !c->hs->got_ticket12 ? BIT(CL_HS_NEW_SESSION_TICKET) : 0;
    case CL_ST_S12_WAIT_CERT: return BIT(CL_HS_CERTIFICATE);
    case CL_ST_S12_WAIT_CKE: return BIT(CL_HS_CLIENT_KEY_EXCHANGE);
    case CL_ST_S12_WAIT_CV: return BIT(CL_HS_CERTIFICATE_VERIFY);
    case CL_ST_S12_WAIT_FINISHED: return BIT(CL_HS_FINISHED);
    case CL_ST_CONNECTED:
        if (c->version == CLASP_TLS1_2) /* renegotiation attempts, refused */
            return c->role == CLASP_CLIENT ? BIT(CL_HS_HELLO_REQUEST) : BIT(CL_HS_CLIENT_HELLO);
        return c->role == CLASP_CLIENT ? BIT(CL_HS_NEW_SESSION_TICKET) | BIT(CL_HS_KEY_UPDATE)
                                       : BIT(CL_HS_KEY_UPDATE);
    }
    return 0;
}

/* Who adds a received handshake message to the transcript, per message type
 * (RFC 8446 4.4.1, RFC 5246 7.4.9). The driver adds it here, before the
 * handler runs, unless the handler must first compute something over the
 * transcript without this message; then the handler adds it itself, at the
 * point named below. Post-handshake messages (TLS 1.3 NewSessionTicket and
 * KeyUpdate, refused TLS 1.2 renegotiation) are never hashed: they take the
 * CL_ST_CONNECTED path, which adds nothing. */
enum transcript_rule {
    NOT_HASHED,          /* never reaches a handshake handler */
    ADD_BEFORE_HANDLER,  /* the handler sees the transcript with this message */
    SNAPSHOT_THEN_ADD,   /* as above; hs->th_before/raw_before_len keep it without */
    HANDLER_ADDS,        /* the handler adds it, after the step named below */
};

static const uint8_t transcript_rules[32] = {
    /* The server checks a PSK binder over the transcript before this
     * ClientHello plus its truncated self (RFC 8446 4.2.11.2). */
    [CL_HS_CLIENT_HELLO] = HANDLER_ADDS,
    /* Until the ServerHello names the suite the transcript is raw bytes
     * (hs->pending); a HelloRetryRequest's handler then replaces
     * ClientHello1 by its message_hash, keeping itself after it (RFC 8446
     * 4.4.1, cl_transcript_hrr_restart). */
    [CL_HS_SERVER_HELLO] = ADD_BEFORE_HANDLER,
    [CL_HS_NEW_SESSION_TICKET] = ADD_BEFORE_HANDLER, /* TLS 1.2 only, see above */
    [CL_HS_ENCRYPTED_EXTENSIONS] = ADD_BEFORE_HANDLER,
    [CL_HS_CERTIFICATE] = ADD_BEFORE_HANDLER,
    [CL_HS_SERVER_KEY_EXCHANGE] = ADD_BEFORE_HANDLER,
    [CL_HS_CERTIFICATE_REQUEST] = ADD_BEFORE_HANDLER,
    [CL_HS_SERVER_HELLO_DONE] = ADD_BEFORE_HANDLER,
    [CL_HS_CERTIFICATE_STATUS] = ADD_BEFORE_HANDLER,
    /* The signature covers the transcript up to the Certificate (TLS 1.3)
     * or the messages before it (TLS 1.2). */
    [CL_HS_CERTIFICATE_VERIFY] = SNAPSHOT_THEN_ADD,
    [CL_HS_CLIENT_KEY_EXCHANGE] = ADD_BEFORE_HANDLER,
    /* verify_data covers the transcript before this Finished; what follows
     * it (application secrets, our Finished) covers it too. */
    [CL_HS_FINISHED] = SNAPSHOT_THEN_ADD,
};

static int add_to_transcript(clasp_conn *c, uint8_t type, const uint8_t *msg, size_t len)
{
    cl_hs *hs = c->hs;
    switch (transcript_rules[type]) {
    case SNAPSHOT_THEN_ADD:
        hs->raw_before_len = hs->pending.len;
        if (cl_transcript_hash(c, hs->th_before))
            return -1;
        return cl_transcript_add(c, msg, len);
    case ADD_BEFORE_HANDLER: return cl_transcript_add(c, msg, len);
    default: return 0; /* the handler adds it, or it is never hashed */
    }
}

/* What each state waits for, as the wait's reason in error sentences,
 * clasp_conn_awaiting() and the tool's timeouts. Static text: it outlives
 * the connection. */
static const char *awaiting_text(const clasp_conn *c)
{
    switch (c->state) {
    case CL_ST_C_WAIT_SH: return "ServerHello";
    case CL_ST_C_WAIT_EE: return "EncryptedExtensions";
    case CL_ST_C_WAIT_CERT_CR: return "Certificate or CertificateRequest";
    case CL_ST_C_WAIT_CERT:
    case CL_ST_C12_WAIT_CERT:
    case CL_ST_S_WAIT_CERT:
    case CL_ST_S12_WAIT_CERT: return "Certificate";
    case CL_ST_C_WAIT_CV:
    case CL_ST_S_WAIT_CV:
    case CL_ST_S12_WAIT_CV: return "CertificateVerify";
    case CL_ST_C_WAIT_FINISHED:
    case CL_ST_S_WAIT_FINISHED:
    case CL_ST_C12_WAIT_FINISHED:
    case CL_ST_S12_WAIT_FINISHED: return "Finished";
    case CL_ST_S_WAIT_CH: return "ClientHello";
    case CL_ST_S_WAIT_CH2: return "second ClientHello (after our HelloRetryRequest)";
    case CL_ST_C12_WAIT_SKE: return "ServerKeyExchange";
    case CL_ST_C12_WAIT_CR_SHD: return "CertificateRequest or ServerHelloDone";
    case CL_ST_C12_WAIT_SHD: return "ServerHelloDone";
    case CL_ST_C12_WAIT_STATUS: return "CertificateStatus";
    case CL_ST_C12_WAIT_CCS:
        return c->hs && c->hs->issue_ticket12 && !c->hs->got_ticket12 ? "NewSessionTicket"
                                                                       : "ChangeCipherSpec";
    case CL_ST_S12_WAIT_CKE: return "ClientKeyExchange";
    case CL_ST_S12_WAIT_CCS: return "ChangeCipherSpec";
    }
    return NULL; /* not started, or connected */
}

/* Every entry point ends here: the step's result, and the reason of the
 * wait that follows it (none once the handshake is over or failed). */
static cl_result note_wait(clasp_conn *c, cl_result rc)
{
    /* While our private key works (CL_WAIT_KEY) nothing is awaited from the peer. */
    c->awaiting = rc == CL_FAILED || rc == CL_WAIT_KEY || c->handshake_done ? NULL : awaiting_text(c);
    return rc;
}

static const char *expected_names(uint32_t mask, char *buf, size_t len)
{
    buf[0] = 0;
    for (int t = 0; t < 32; t++) {
        if (!(mask & BIT(t)))
            continue;
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%s", used ? " or " : "", cl_hs_type_name((uint8_t)t));
    }
    return buf[0] ? buf : "nothing";
}

CL_MUST_CHECK static cl_result start(clasp_conn *c)
{
    if (!c->hs) {
        c->hs = calloc(1, sizeof *c->hs);
        if (!c->hs)
            return cl_fail(c, -1, CLASP_E_NOMEM, "out of memory");
        cl_buf_init(&c->hs->pending, 0);
        cl_buf_init(&c->hs->cookie, 0);
        cl_buf_init(&c->hs->cr_context, 255);
        cl_buf_init(&c->hs->ch1_ext_fingerprint, 0);
    }
    if (c->role == CLASP_SERVER) {
        c->state = CL_ST_S_WAIT_CH;
        return CL_OK;
    }
    return cl_client13_start(c);
}

CL_MUST_CHECK static cl_result handle_message(clasp_conn *c, uint8_t type, const uint8_t *msg, size_t len)
{
    /* RFC 5246 7.4.1.1: a TLS 1.2 client ignores a HelloRequest while it
     * negotiates (it is not hashed); a server that insists is cut off. */
    if (type == CL_HS_HELLO_REQUEST && len == 4 && c->role == CLASP_CLIENT &&
        c->version == CLASP_TLS1_2 && c->state != CL_ST_CONNECTED) {
        if (++c->key_updates > 8)
            return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                           "the peer keeps asking to renegotiate, which clasp never does");
        return CL_OK;
    }
    uint32_t allowed = type < 32 ? allowed_messages(c) & BIT(type) : 0;
    if (!allowed) {
        char exp[128];
        return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                       "the peer sent %s (type %u) where %s was expected", cl_hs_type_name(type),
                       type, expected_names(allowed_messages(c), exp, sizeof exp));
    }
    int tls12 = c->version == CLASP_TLS1_2;
    /* The handlers get the body: the 4-byte header is dealt with here. */
    const uint8_t *body = msg + 4;
    size_t body_len = len - 4;
    if (c->state == CL_ST_CONNECTED)
        return tls12 ? cl_post12_message(c, type, body, body_len)
                     : cl_post13_message(c, type, body, body_len);
    if (add_to_transcript(c, type, msg, len))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "transcript update failed");
    if (c->role == CLASP_CLIENT)
        return tls12 ? cl_client12_message(c, type, body, body_len)
                     : cl_client13_message(c, type, body, body_len);
    return tls12 ? cl_server12_message(c, type, body, body_len)
                 : cl_server13_message(c, type, body, body_len);
}

CL_MUST_CHECK static cl_result key_resume(clasp_conn *c)
{
    cl_key_step step = CL_KEY_STEP_NONE;
    if (!c->hs)
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL,
                       "a private-key result came with no handshake waiting for it");
    CL_TRY(cl_key_complete(c, &step));
    switch (step) {
    case CL_KEY_STEP_CV13:
        return c->role == CLASP_SERVER ? cl_server13_after_certificate_verify(c)
                                       : cl_client13_after_certificate_verify(c);
    case CL_KEY_STEP_SKE12: return cl_server12_after_server_key_exchange(c);
    case CL_KEY_STEP_CV12: return cl_client12_after_certificate_verify(c);
    case CL_KEY_STEP_PMS12: return cl_server12_after_premaster(c);
    case CL_KEY_STEP_NONE: break;
    }
    return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL,
                   "a private-key result came with no step waiting for it");
}

cl_result cl_hs_start(clasp_conn *c) { return note_wait(c, start(c)); }

cl_result cl_hs_message(clasp_conn *c, uint8_t type, const uint8_t *msg, size_t len)
{
    return note_wait(c, handle_message(c, type, msg, len));
}

cl_result cl_hs12_change_cipher_spec(clasp_conn *c)
{
    return note_wait(c, cl_recv_change_cipher_spec12(c));
}

cl_result cl_hs_key_resume(clasp_conn *c)
{
    return note_wait(c, key_resume(c));
}
