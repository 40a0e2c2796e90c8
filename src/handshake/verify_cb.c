// SPDX-License-Identifier: Apache-2.0
/* The application's say on the peer's certificate chain, both roles: a
 * verifier that replaces path validation (clasp_config_set_custom_verify)
 * and a check after clasp's own (clasp_config_set_verify_callback). */
#include <stdio.h>

#include "handshake/hs.h"

CL_MUST_CHECK static cl_result run(clasp_conn *c, clasp_verify_fn *fn, void *arg, const char *which)
{
    char why[256] = "";
    const uint8_t *der[CL_MAX_CHAIN];
    for (size_t i = 0; i < c->n_peer; i++)
        der[i] = c->peer_der[i];
    if (fn(arg, c, der, c->peer_der_len, c->n_peer, why, sizeof why) == 0)
        return CL_OK;
    why[sizeof why - 1] = 0;
    return cl_fail(c, CL_ALERT_BAD_CERTIFICATE, CLASP_E_CERTIFICATE,
                   "the %s's certificate was refused by the application's %s%s%s",
                   cl_role_name(c, 1), which, why[0] ? ": " : "", why);
}

cl_result cl_verify_by_callbacks(clasp_conn *c)
{
    const clasp_config *cfg = c->cfg;
    cl_result rc = CL_OK;
    if (cfg->custom_verify_fn)
        rc = run(c, cfg->custom_verify_fn, cfg->custom_verify_arg, "certificate verifier");
    if (rc == CL_OK && cfg->verify_fn)
        rc = run(c, cfg->verify_fn, cfg->verify_arg, "verify callback");
    if (rc == CL_OK && cl_trace_on(c) && (cfg->custom_verify_fn || cfg->verify_fn))
        cl_trace(c, CLASP_TRACE_NOTE, "certificate", "accepted by the application's %s",
                 cfg->custom_verify_fn ? "verifier" : "verify callback");
    return rc;
}
