// SPDX-License-Identifier: Apache-2.0
/* Server: the application's choice of configuration (certificates and all)
 * per connection, from what the first ClientHello asks for
 * (clasp_config_set_select_callback). Its choice of application protocol
 * is alpn.c's. */
#include <stdio.h>
#include <string.h>

#include "handshake/hs.h"


/* Alerts a callback may ask for: anything else becomes handshake_failure,
 * so a callback cannot make us send close_notify or a warning. */
static int refusal_alert(int alert)
{
    switch (alert) {
    case CL_ALERT_HANDSHAKE_FAILURE:
    case CL_ALERT_BAD_CERTIFICATE:
    case CL_ALERT_UNSUPPORTED_CERTIFICATE:
    case CL_ALERT_CERTIFICATE_UNKNOWN:
    case CL_ALERT_ACCESS_DENIED:
    case CL_ALERT_INSUFFICIENT_SECURITY:
    case CL_ALERT_INTERNAL_ERROR:
    case CL_ALERT_UNRECOGNIZED_NAME:
    case CL_ALERT_NO_APPLICATION_PROTOCOL:
        return alert;
    }
    return CL_ALERT_HANDSHAKE_FAILURE;
}

cl_result cl_select_config(clasp_conn *c, const cl_client_hello *ch)
{
    clasp_config *cfg = c->cfg;
    if (!cfg->select_fn || c->base_cfg)
        return CL_OK;
    uint16_t sigalgs[CL_MAX_SIGALGS];
    clasp_client_hello view = {
        .server_name = c->server_name,
        .alpn = NULL,
        .n_sigalgs = ch->has_sigalgs ? cl_read_sigalgs(ch->sigalgs, sigalgs, CL_MAX_SIGALGS) : 0,
        .offers_tls13 = ch->has_versions && cl_list_has_u16(ch->versions, CLASP_TLS1_3),
    };
    view.sigalgs = sigalgs;
    if (ch->has_alpn) {
        view.alpn = ch->alpn.p;
        view.alpn_len = ch->alpn.n;
    }
    clasp_config *use = NULL;
    char why[200] = "";
    int alert = cfg->select_fn(cfg->select_arg, c, &view, &use, why, sizeof why);
    why[sizeof why - 1] = 0;
    if (alert != 0)
        return cl_fail(c, refusal_alert(alert), CLASP_E_NEGOTIATION,
                       "the server's ClientHello callback refused the connection%s%s",
                       why[0] ? ": " : "", why);
    if (!use || use == cfg)
        return CL_OK;
    if (use->role != CLASP_SERVER)
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_CONFIG,
                       "the ClientHello callback chose a client configuration for a server "
                       "connection");
    __atomic_store_n(&use->frozen, 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&use->refs, 1, __ATOMIC_RELAXED);
    c->base_cfg = cfg;
    c->cfg = use;
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_NOTE, "configuration", "chosen by the ClientHello callback%s%s",
                 c->server_name ? " for " : "", c->server_name ? c->server_name : "");
    return CL_OK;
}
