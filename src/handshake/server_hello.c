/* SPDX-License-Identifier: Apache-2.0 */
/* The ServerHello (and HelloRetryRequest) of both versions as the client
 * parses it: every extension checked against the version it selects and
 * against what our ClientHello offered. What the client then does with it
 * is client13.c's (and client12.c's for TLS 1.2); the servers build theirs
 * in server13.c and server12.c. */
#include <stdio.h>

#include "handshake/hs.h"

cl_result cl_parse_server_hello(clasp_conn *c, const uint8_t *msg, size_t len, cl_server_hello *sh,
                          int is_hrr)
{
    memset(sh, 0, sizeof *sh);
    cl_reader r = cl_reader_init(msg, len), exts;
    if (cl_rd_u16(&r, &sh->legacy_version) || cl_rd_bytes(&r, 32, &sh->random) ||
        cl_rd_vec(&r, 1, &sh->session_id) || sh->session_id.n > 32 || cl_rd_u16(&r, &sh->suite) ||
        cl_rd_u8(&r, &sh->compression))
        return CL_DECODE_FAIL(c, "ServerHello");
    if (cl_rd_empty(&r))
        return CL_OK; /* TLS 1.2 and older may omit extensions */
    if (cl_rd_vec(&r, 2, &exts) || !cl_rd_empty(&r))
        return CL_DECODE_FAIL(c, "ServerHello");
    cl_ext_iter it;
    cl_ext_begin(&it, exts);
    uint16_t type;
    cl_reader body;
    int got;
    while ((got = cl_ext_next(&it, &type, &body)) != CL_EXT_END) {
        if (got == CL_EXT_MALFORMED)
            return CL_DECODE_FAIL(c, "ServerHello extension block");
        /* A repeated type is reported after the checks below, as always. */
        /* An answer to something we never asked (the cookie of a
         * HelloRetryRequest is the one exception, RFC 8446 4.2). */
        char label[48];
        if (!cl_client_sent_ext(c->hs, type) && !(is_hrr && type == CL_EXT_COOKIE))
            return cl_fail(c, CL_ALERT_UNSUPPORTED_EXTENSION, CLASP_E_PROTOCOL,
                           "the server sent extension %u%s in its %s, which this client did not "
                           "offer", type, cl_ext_label(type, label, sizeof label),
                           is_hrr ? "HelloRetryRequest" : "ServerHello");
        int bit;
        switch (type) {
        case CL_EXT_SUPPORTED_VERSIONS:
            bit = 0;
            sh->has_versions = 1;
            if (cl_rd_u16(&body, &sh->version) || !cl_rd_empty(&body))
                return CL_DECODE_FAIL(c, "supported_versions extension");
            break;
        case CL_EXT_KEY_SHARE:
            bit = 1;
            sh->has_key_share = 1;
            if (cl_rd_u16(&body, &sh->share_group))
                return CL_DECODE_FAIL(c, "key_share extension");
            if (is_hrr) {
                if (!cl_rd_empty(&body))
                    return CL_DECODE_FAIL(c, "key_share extension");
            } else if (cl_rd_vec_nonempty(&body, 2, &sh->share) || !cl_rd_empty(&body)) {
                return CL_DECODE_FAIL(c, "key_share extension");
            }
            break;
        case CL_EXT_COOKIE:
            bit = 2;
            if (!is_hrr)
                return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                               "the server sent a cookie outside a HelloRetryRequest");
            sh->has_cookie = 1;
            if (cl_rd_vec_nonempty(&body, 2, &sh->cookie) || !cl_rd_empty(&body))
                return CL_DECODE_FAIL(c, "cookie extension");
            break;
        case CL_EXT_PRE_SHARED_KEY: {
            bit = 8;
            uint16_t selected;
            if (is_hrr)
                return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                               "the server sent pre_shared_key in a HelloRetryRequest, where it "
                               "is not allowed");
            if (cl_rd_u16(&body, &selected) || !cl_rd_empty(&body))
                return CL_DECODE_FAIL(c, "pre_shared_key extension");
            if (selected != 0)
                return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                               "the server selected PSK identity %u; we offered one", selected);
            sh->has_psk = 1;
            break;
        }
        /* TLS 1.2 ServerHello extensions: checked once the version is known. */
        case CL_EXT_RENEGOTIATION_INFO:
            bit = 3;
            sh->has_reneg = 1;
            sh->reneg = body;
            break;
        case CL_EXT_EXTENDED_MASTER_SECRET:
            bit = 4;
            sh->has_ems = 1;
            if (!cl_rd_empty(&body))
                return CL_DECODE_FAIL(c, "extended_master_secret extension");
            break;
        case CL_EXT_EC_POINT_FORMATS: {
            bit = 5;
            cl_reader formats;
            sh->has_point_formats = 1;
            if (cl_rd_vec_nonempty(&body, 1, &formats) || !cl_rd_empty(&body))
                return CL_DECODE_FAIL(c, "ec_point_formats extension");
            if (!memchr(formats.p, 0, formats.n))
                return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                               "the server does not accept uncompressed points");
            break;
        }
        case CL_EXT_ALPN:
            bit = 6;
            sh->has_alpn = 1;
            sh->alpn = body;
            break;
        case CL_EXT_SESSION_TICKET:
            bit = 9;
            sh->has_session_ticket = 1;
            if (!cl_rd_empty(&body))
                return CL_DECODE_FAIL(c, "session_ticket extension");
            break;
        case CL_EXT_SERVER_NAME:
            bit = 7;
            sh->has_sni = 1;
            if (!cl_rd_empty(&body))
                return CL_DECODE_FAIL(c, "server_name acknowledgement");
            break;
        case CL_EXT_STATUS_REQUEST: /* TLS 1.2: a CertificateStatus may follow */
            bit = 10;
            sh->has_status_request = 1;
            if (!cl_rd_empty(&body))
                return CL_DECODE_FAIL(c, "status_request acknowledgement");
            break;
        default: /* one we sent that has no place in a ServerHello */
            return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                           "the server sent extension %u%s in its %s, where it is not allowed",
                           type, cl_ext_label(type, label, sizeof label),
                           is_hrr ? "HelloRetryRequest" : "ServerHello");
        }
        /* A HelloRetryRequest carries only supported_versions, key_share and cookie. */
        if (is_hrr && bit >= 3)
            return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                           "the server sent extension %u%s in a HelloRetryRequest, where it is "
                           "not allowed", type, cl_ext_label(type, label, sizeof label));
        if (got == CL_EXT_DUPLICATE)
            return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                           "the server sent extension %u twice", type);
    }
    return CL_OK;
}
