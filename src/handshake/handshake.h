/* SPDX-License-Identifier: Apache-2.0 */
/* The handshake as the layer above it (src/api, the driver that takes
 * records' handshake messages to the state machines) sees it. Only that
 * layer includes this header: the handshake reaches down into the
 * connection core (core/conn.h), and the core never calls back up. */
#ifndef CLASP_HANDSHAKE_HANDSHAKE_H
#define CLASP_HANDSHAKE_HANDSHAKE_H

#include "core/conn.h"

/* Starts the handshake: a client sends its ClientHello, a server waits. */
CL_MUST_CHECK cl_result cl_hs_start(clasp_conn *c);
/* One whole handshake message (header included), in order. */
CL_MUST_CHECK cl_result cl_hs_message(clasp_conn *c, uint8_t type, const uint8_t *msg, size_t len);
/* A private-key operation left pending by the application's callback
 * (c->key_pending): cl_hs_key_result takes its result (NULL: it failed),
 * -1 when none is pending; cl_hs_key_resume then finishes the step that
 * waited and what follows it, exactly as if the result had come at once
 * (CL_WAIT_KEY while it has not come). */
int cl_hs_key_result(clasp_conn *c, const uint8_t *result, size_t len);
CL_MUST_CHECK cl_result cl_hs_key_resume(clasp_conn *c);
/* TLS 1.2: the peer's ChangeCipherSpec, which switches its keys. */
CL_MUST_CHECK cl_result cl_hs12_change_cipher_spec(clasp_conn *c);
/* TLS 1.3: sends a KeyUpdate after anything queued, then switches our keys. */
CL_MUST_CHECK cl_result cl_send_key_update(clasp_conn *c, int request);
/* The keying-material exporter once the handshake is done: TLS 1.3 (RFC
 * 8446 7.5; an absent context is the empty one) or TLS 1.2 (RFC 5705, with
 * the extended master secret only). 0, or -1 with a sentence in why. */
int cl_export_keying_material(const clasp_conn *c, const char *label, size_t label_len,
                              const uint8_t *context, size_t context_len, int use_context,
                              uint8_t *out, size_t out_len, char *why, size_t why_len);
/* Frees (and wipes) the handshake-only state. */
void cl_hs_free(clasp_conn *c);

#endif
