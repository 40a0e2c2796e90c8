/* SPDX-License-Identifier: Apache-2.0 */
/* ALPN (RFC 7301), both versions: the server's choice (its own, or the
 * application's callback, clasp_config_set_alpn_callback) and its
 * extension, and the client's check that the choice was one it offered. */
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

/* Whether an ALPN protocol_name_list (what is left of `list`) names p. */
static int list_has_protocol(cl_reader list, const uint8_t *p, size_t n)
{
    cl_reader proto;
    while (cl_rd_vec(&list, 1, &proto) == 0)
        if (proto.n == n && memcmp(proto.p, p, n) == 0)
            return 1;
    return 0;
}

/* The protocol agreed (at most 255 bytes: a protocol_name's length). */
static void keep_alpn(clasp_conn *c, const uint8_t *p, size_t n)
{
    memcpy(c->alpn, p, n);
    c->alpn[n] = 0;
    c->has_alpn = 1;
}

/* The application's choice, which must be one the client offered (RFC 7301
 * 3.2). */
CL_MUST_CHECK static cl_result choose_by_callback(clasp_conn *c, const cl_client_hello *ch)
{
    const clasp_config *cfg = c->cfg;
    const uint8_t *proto = NULL;
    size_t n = 0;
    if (cfg->alpn_fn(cfg->alpn_arg, c, ch->alpn.p, ch->alpn.n, &proto, &n) != 0)
        return cl_fail(c, CL_ALERT_NO_APPLICATION_PROTOCOL, CLASP_E_NEGOTIATION,
                       "the server's ALPN callback found no application protocol to accept");
    if (!proto)
        return CL_OK;
    if (!n || n > 255 || !list_has_protocol(ch->alpn, proto, n))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_CONFIG,
                       "the server's ALPN callback chose a protocol the client did not offer");
    keep_alpn(c, proto, n);
    return CL_OK;
}

cl_result cl_choose_alpn(clasp_conn *c, const cl_client_hello *ch)
{
    if (ch->has_alpn && c->cfg->alpn_fn)
        return choose_by_callback(c, ch);
    if (!ch->has_alpn || !c->cfg->alpn_len)
        return CL_OK;
    cl_reader ours = cl_reader_init(c->cfg->alpn, c->cfg->alpn_len), p;
    while (cl_rd_vec(&ours, 1, &p) == 0) {
        if (list_has_protocol(ch->alpn, p.p, p.n)) {
            keep_alpn(c, p.p, p.n);
            return CL_OK;
        }
    }
    return cl_fail(c, CL_ALERT_NO_APPLICATION_PROTOCOL, CLASP_E_NEGOTIATION,
                   "no application protocol (ALPN) in common with the client");
}

int cl_alpn_offered(const clasp_conn *c, const uint8_t *p, size_t n)
{
    return list_has_protocol(cl_reader_init(c->cfg->alpn, c->cfg->alpn_len), p, n);
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
    keep_alpn(c, proto.p, proto.n);
    return CL_OK;
}
