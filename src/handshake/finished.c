/* SPDX-License-Identifier: Apache-2.0 */
/* Finished in both versions, and the ChangeCipherSpec that goes before it:
 * TLS 1.3's for middlebox compatibility, TLS 1.2's that switches keys. */
#include "handshake/hs.h"

cl_result cl_send_change_cipher_spec(clasp_conn *c)
{
    static const uint8_t one = 1;
    if (cl_send_record(c, CL_CT_CHANGE_CIPHER_SPEC, &one, 1))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "could not send ChangeCipherSpec");
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_SEND, "ChangeCipherSpec", "middlebox compatibility");
    return CL_OK;
}

cl_result cl_send_ccs12(clasp_conn *c)
{
    static const uint8_t one = 1;
    if (cl_send_record(c, CL_CT_CHANGE_CIPHER_SPEC, &one, 1) || cl_ks12_install(c, 1))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "could not send ChangeCipherSpec and switch to our new keys");
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_SEND, "ChangeCipherSpec", "our records are encrypted from here");
    return CL_OK;
}

cl_result cl_recv_change_cipher_spec12(clasp_conn *c)
{
    if (c->state == CL_ST_C12_WAIT_FINISHED || c->state == CL_ST_S12_WAIT_FINISHED)
        return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                       "the peer sent a second ChangeCipherSpec");
    if (c->state != CL_ST_C12_WAIT_CCS && c->state != CL_ST_S12_WAIT_CCS)
        return cl_fail(c, CL_ALERT_UNEXPECTED_MESSAGE, CLASP_E_PROTOCOL,
                       "the peer sent ChangeCipherSpec before the key exchange was complete");
    if (cl_ks12_install(c, 0))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "key derivation failed");
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_RECV, "ChangeCipherSpec", "the peer's records are encrypted from here");
    c->state = c->role == CLASP_CLIENT ? CL_ST_C12_WAIT_FINISHED : CL_ST_S12_WAIT_FINISHED;
    return CL_OK;
}

cl_result cl_send_finished(clasp_conn *c, const uint8_t *base)
{
    uint8_t vd[CR_MAX_HASH];
    if (cl_ks_finished(c, base, vd))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "could not compute our Finished");
    if (CL_TEST(c) && CL_TEST(c)->corrupt_finished)
        vd[0] ^= 1;
    cl_buf m;
    cl_hs_begin(&m, CL_HS_FINISHED);
    cl_wr_bytes(&m, vd, cl_hash_len(c));
    cl_wipe(vd, sizeof vd);
    return cl_hs_send(c, &m, NULL, "verify_data = HMAC(finished_key, transcript hash)");
}

cl_result cl_recv_finished(clasp_conn *c, const uint8_t *msg, size_t len, const uint8_t *base)
{
    size_t hl = cl_hash_len(c);
    if (len != hl)
        return CL_DECODE_FAIL(c, "Finished message (wrong length)");
    uint8_t vd[CR_MAX_HASH];
    if (cl_ks_finished_over(c, base, c->hs->th_before, vd))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "Finished computation failed");
    int bad = cl_ct_memcmp(vd, msg, hl);
    cl_wipe(vd, sizeof vd);
    if (bad)
        return cl_fail(c, CL_ALERT_DECRYPT_ERROR, CLASP_E_PROTOCOL,
                       "the %s's Finished does not match the handshake: the messages were "
                       "altered in transit or the keys disagree", cl_role_name(c, 1));
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_RECV, "Finished", "verify_data checked");
    return CL_OK;
}

cl_result cl_send_finished12(clasp_conn *c)
{
    uint8_t vd[12];
    if (cl_ks12_finished(c, c->role == CLASP_CLIENT, vd))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "could not compute our Finished");
    if (CL_TEST(c) && CL_TEST(c)->corrupt_finished)
        vd[0] ^= 1;
    cl_buf m;
    cl_hs_begin(&m, CL_HS_FINISHED);
    cl_wr_bytes(&m, vd, 12);
    return cl_hs_send(c, &m, NULL, "verify_data = PRF(master, finished label, transcript hash)");
}

cl_result cl_recv_finished12(clasp_conn *c, const uint8_t *msg, size_t len)
{
    if (len != 12)
        return CL_DECODE_FAIL(c, "Finished message (wrong length)");
    uint8_t vd[12];
    if (cl_ks12_finished_over(c, c->role != CLASP_CLIENT, c->hs->th_before, vd))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "Finished computation failed");
    if (cl_ct_memcmp(vd, msg, 12))
        return cl_fail(c, CL_ALERT_DECRYPT_ERROR, CLASP_E_PROTOCOL,
                       "the %s's Finished does not match the handshake: the messages were altered "
                       "in transit or the keys disagree",
                       c->role == CLASP_CLIENT ? "server" : "client");
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_RECV, "Finished", "verify_data checked");
    return CL_OK;
}
