/* SPDX-License-Identifier: Apache-2.0 */
/* Extension helpers every message uses: their names (alone, and as the
 * " (name)" label of a sentence), and which ones our last ClientHello
 * carried. */
#include <stdio.h>
#include <string.h>

#include "handshake/hs.h"

const char *cl_ext_name(uint16_t type)
{
    switch (type) {
    case CL_EXT_SERVER_NAME: return "server_name";
    case 1: return "max_fragment_length";
    case CL_EXT_STATUS_REQUEST: return "status_request";
    case CL_EXT_SUPPORTED_GROUPS: return "supported_groups";
    case CL_EXT_EC_POINT_FORMATS: return "ec_point_formats";
    case CL_EXT_SIGNATURE_ALGORITHMS: return "signature_algorithms";
    case 14: return "use_srtp";
    case 15: return "heartbeat";
    case CL_EXT_ALPN: return "ALPN";
    case CL_EXT_SCT: return "signed_certificate_timestamp";
    case 19: return "client_certificate_type";
    case 20: return "server_certificate_type";
    case CL_EXT_PADDING: return "padding";
    case CL_EXT_EXTENDED_MASTER_SECRET: return "extended_master_secret";
    case CL_EXT_RECORD_SIZE_LIMIT: return "record_size_limit";
    case CL_EXT_SESSION_TICKET: return "session_ticket";
    case CL_EXT_PRE_SHARED_KEY: return "pre_shared_key";
    case CL_EXT_EARLY_DATA: return "early_data";
    case CL_EXT_SUPPORTED_VERSIONS: return "supported_versions";
    case CL_EXT_COOKIE: return "cookie";
    case CL_EXT_PSK_KEY_EXCHANGE_MODES: return "psk_key_exchange_modes";
    case CL_EXT_CERTIFICATE_AUTHORITIES: return "certificate_authorities";
    case 48: return "oid_filters";
    case CL_EXT_POST_HANDSHAKE_AUTH: return "post_handshake_auth";
    case CL_EXT_SIGNATURE_ALGORITHMS_CERT: return "signature_algorithms_cert";
    case CL_EXT_KEY_SHARE: return "key_share";
    case CL_EXT_RENEGOTIATION_INFO: return "renegotiation_info";
    }
    return "";
}

int cl_client_sent_ext(const cl_hs *hs, uint16_t type)
{
    for (size_t i = 0; i < hs->n_sent_ext; i++)
        if (hs->sent_ext[i] == type)
            return 1;
    return 0;
}

/* " (name)" after an extension number in a sentence, when it has one. */
const char *cl_ext_label(uint16_t type, char *buf, size_t len)
{
    const char *name = cl_ext_name(type);
    snprintf(buf, len, "%s%s%s", *name ? " (" : "", name, *name ? ")" : "");
    return buf;
}

void cl_ext_begin(cl_ext_iter *it, cl_reader exts)
{
    it->rest = exts;
    memset(it->seen, 0, sizeof it->seen); /* not a wipe: the iterator lives on */
}

int cl_ext_next(cl_ext_iter *it, uint16_t *type, cl_reader *body)
{
    if (cl_rd_empty(&it->rest))
        return CL_EXT_END;
    if (cl_rd_u16(&it->rest, type) || cl_rd_vec(&it->rest, 2, body))
        return CL_EXT_MALFORMED;
    if (it->seen[*type >> 3] & (1u << (*type & 7)))
        return CL_EXT_DUPLICATE;
    it->seen[*type >> 3] |= (uint8_t)(1u << (*type & 7));
    return CL_EXT_NEXT;
}
