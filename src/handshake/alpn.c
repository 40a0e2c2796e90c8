/* SPDX-License-Identifier: Apache-2.0 */
/* ALPN (RFC 7301), both versions: the server's choice and its extension,
 * and the client's check that the choice was one it offered. */
#include <string.h>

#include "handshake/hs.h"

void cl_write_alpn_ext(cl_buf *m, const char *proto)
{
    size_t n = strlen(proto);
    size_t e = cl_ext_open(m, CL_EXT_ALPN);
    size_t list = cl_wr_begin_vec(m, 2);
    cl_wr_u8(m, (uint8_t)n);
    cl_wr_bytes(m, proto, n);
    cl_wr_end_vec(m, list, 2);
    cl_ext_close(m, e);
}

cl_result cl_choose_alpn(clasp_conn *c, const cl_client_hello *ch)
{
    if (ch->has_alpn && c->cfg->alpn_fn)
        return cl_alpn_by_callback(c, ch);
    if (!ch->has_alpn || !c->cfg->alpn_len)
        return CL_OK;
    cl_reader ours = cl_reader_init(c->cfg->alpn, c->cfg->alpn_len), p;
    while (cl_rd_vec(&ours, 1, &p) == 0) {
        cl_reader theirs = ch->alpn, q;
        while (cl_rd_vec(&theirs, 1, &q) == 0) {
            if (p.n == q.n && memcmp(p.p, q.p, p.n) == 0) {
                memcpy(c->alpn, p.p, p.n);
                c->alpn[p.n] = 0;
                c->has_alpn = 1;
                return CL_OK;
            }
        }
    }
    return cl_fail(c, CL_ALERT_NO_APPLICATION_PROTOCOL, CLASP_E_NEGOTIATION,
                   "no application protocol (ALPN) in common with the client");
}

int cl_alpn_offered(const clasp_conn *c, const uint8_t *p, size_t n)
{
    cl_reader r = cl_reader_init(c->cfg->alpn, c->cfg->alpn_len), proto;
    while (cl_rd_vec(&r, 1, &proto) == 0)
        if (proto.n == n && memcmp(proto.p, p, n) == 0)
            return 1;
    return 0;
}

cl_result cl_accept_server_alpn(clasp_conn *c, cl_reader body)
{
    cl_reader list, proto;
    if (cl_rd_vec(&body, 2, &list) || !cl_rd_empty(&body) ||
        cl_rd_vec_nonempty(&list, 1, &proto) || !cl_rd_empty(&list))
        return CL_DECODE_FAIL(c, "ALPN extension (it must name exactly one protocol)");
    if (!cl_alpn_offered(c, proto.p, proto.n))
        return cl_fail(c, CL_ALERT_ILLEGAL_PARAMETER, CLASP_E_PROTOCOL,
                       "the server selected ALPN protocol '%.*s', which we did not offer",
                       (int)proto.n, (const char *)proto.p);
    memcpy(c->alpn, proto.p, proto.n);
    c->alpn[proto.n] = 0;
    c->has_alpn = 1;
    return CL_OK;
}
