// SPDX-License-Identifier: Apache-2.0
/* OCSP stapling (status_request, RFC 6066 8; RFC 8446 4.4.2.1), both
 * versions: the server staples the response configured for its chain (TLS
 * 1.2: a CertificateStatus message after the Certificate; TLS 1.3: an
 * extension of the leaf's CertificateEntry); the client asks for it, keeps
 * it (clasp_conn_ocsp_response) and checks it against the verified chain,
 * or, when it requires one, refuses a server that sends none. */
#include <stdlib.h>

#include "handshake/hs.h"

#define STATUS_TYPE_OCSP 1

void cl_write_status_request(const clasp_conn *c, cl_buf *m)
{
    if (c->cfg->ocsp_mode == CLASP_OCSP_OFF)
        return;
    size_t e = cl_ext_open(m, CL_EXT_STATUS_REQUEST);
    cl_wr_u8(m, STATUS_TYPE_OCSP);
    cl_wr_u16(m, 0); /* responder_id_list: any responder */
    cl_wr_u16(m, 0); /* request_extensions: none */
    cl_ext_close(m, e);
}

/* CertificateStatus: status_type ocsp, then the response with a 24-bit length. */
static void write_status(cl_buf *m, const cl_cert_key *ck)
{
    cl_wr_u8(m, STATUS_TYPE_OCSP);
    size_t v = cl_wr_begin_vec(m, 3);
    cl_wr_bytes(m, ck->ocsp, ck->ocsp_len);
    cl_wr_end_vec(m, v, 3);
}

void cl_write_status_entry_ext(cl_buf *m, const cl_cert_key *ck)
{
    size_t exts = cl_wr_begin_vec(m, 2);
    size_t e = cl_ext_open(m, CL_EXT_STATUS_REQUEST);
    write_status(m, ck);
    cl_ext_close(m, e);
    cl_wr_end_vec(m, exts, 2);
}

cl_result cl_send_certificate_status(clasp_conn *c)
{
    cl_buf m;
    cl_hs_begin(&m, CL_HS_CERTIFICATE_STATUS);
    write_status(&m, c->hs->cert);
    return cl_hs_send(c, &m, NULL, "stapled OCSP response");
}

cl_result cl_take_certificate_status(clasp_conn *c, cl_reader body)
{
    uint8_t type;
    cl_reader resp;
    if (cl_rd_u8(&body, &type) || type != STATUS_TYPE_OCSP || cl_rd_vec_nonempty(&body, 3, &resp) ||
        !cl_rd_empty(&body))
        return CL_DECODE_FAIL(c, "CertificateStatus (an OCSP response)");
    free(c->ocsp);
    c->ocsp_len = 0;
    if (!(c->ocsp = malloc(resp.n)))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_NOMEM, "out of memory");
    memcpy(c->ocsp, resp.p, resp.n);
    c->ocsp_len = resp.n;
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_RECV, "CertificateStatus", "stapled OCSP response, %zu bytes", resp.n);
    return CL_OK;
}

cl_result cl_certificate_entry_exts(clasp_conn *c, cl_reader exts, size_t index)
{
    /* RFC 8446 4.4.2: only extensions we asked for, and status_request
     * belongs to the leaf (index 0) of a server's chain. */
    int asked = c->role == CLASP_CLIENT && index == 0 && cl_client_sent_ext(c->hs, CL_EXT_STATUS_REQUEST);
    cl_ext_iter it;
    cl_ext_begin(&it, exts);
    uint16_t type;
    cl_reader body;
    int got;
    while ((got = cl_ext_next(&it, &type, &body)) != CL_EXT_END) {
        if (got == CL_EXT_MALFORMED)
            return CL_DECODE_FAIL(c, "CertificateEntry extension block");
        if (got == CL_EXT_DUPLICATE)
            return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                           "the %s sent certificate extension %u twice", cl_role_name(c, 1), type);
        if (type != CL_EXT_STATUS_REQUEST || !asked)
            return cl_fail(c, CL_ALERT_UNSUPPORTED_EXTENSION, CLASP_E_PROTOCOL,
                           "the %s sent certificate extensions we did not ask for",
                           cl_role_name(c, 1));
        CL_TRY(cl_take_certificate_status(c, body));
    }
    return CL_OK;
}

static int ocsp_alert(cr_ocsp_result r)
{
    return r == CR_OCSP_REVOKED ? CL_ALERT_CERTIFICATE_REVOKED : CL_ALERT_BAD_CERTIFICATE_STATUS_RESPONSE;
}

cl_result cl_check_ocsp(clasp_conn *c, int final)
{
    const clasp_config *cfg = c->cfg;
    if (cfg->ocsp_mode == CLASP_OCSP_OFF || !cfg->verify_peer)
        return CL_OK; /* an insecure client checks nothing (the response stays readable) */
    if (!c->ocsp) {
        if (final && cfg->ocsp_mode == CLASP_OCSP_REQUIRE)
            return cl_fail(c, CL_ALERT_BAD_CERTIFICATE_STATUS_RESPONSE, CLASP_E_CERTIFICATE,
                           "the server stapled no OCSP response, and this client requires one");
        return CL_OK;
    }
    cr_cert *chain[CL_MAX_CHAIN] = {NULL};
    size_t n = 0;
    while (n < c->n_peer && (chain[n] = cr_cert_parse(c->peer_der[n], c->peer_der_len[n])))
        n++;
    char why[300] = "";
    cr_ocsp_result r = n ? cr_ocsp_check(c->ocsp, c->ocsp_len, chain, n, cfg->trust,
                                         (int64_t)cl_now(cfg), why, sizeof why)
                         : CR_OCSP_MALFORMED;
    for (size_t i = 0; i < n; i++)
        cr_cert_free(chain[i]);
    if (r != CR_OCSP_GOOD)
        return cl_fail(c, ocsp_alert(r), CLASP_E_CERTIFICATE, "server certificate rejected: %s",
                       why[0] ? why : "its chain cannot be read to check the OCSP response");
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_NOTE, "OCSP", "the stapled response says the certificate is good");
    return CL_OK;
}

cl_result cl_recv_certificate_status12(clasp_conn *c, const uint8_t *msg, size_t len)
{
    CL_TRY(cl_take_certificate_status(c, cl_reader_init(msg, len)));
    return cl_check_ocsp(c, 1);
}
