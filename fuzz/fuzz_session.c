/* SPDX-License-Identifier: Apache-2.0 */
/* Sessions and tickets: clasp_session_from_bytes on arbitrary bytes (an
 * application may keep sessions in files), and what a session that parsed
 * can do:
 *   - serialise again: to_bytes(from_bytes(to_bytes(s))) == to_bytes(s);
 *   - be offered by a client (clasp_conn_set_session, then the ClientHello
 *     with its pre_shared_key binder or TLS 1.2 ticket);
 *   - be sealed into a ticket that opens to the same session.
 * And cl_ticket_open on the raw input (the server's side of a ticket). */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_common.h"
#include "handshake/hs.h" /* cl_ticket_seal, cl_ticket_open */

static clasp_config *server_cfg, *client_cfg;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    server_cfg = fz_server_config(FZ_SRV_FIXED);
    client_cfg = fz_client_config(FZ_CLI_HOOKS);
    return 0;
}

static void check_ticket(const cl_session *s)
{
    cl_buf t;
    cl_buf_init(&t, 0);
    fz_pin_clock(server_cfg);
    FZ_CHECK(cl_ticket_seal(server_cfg, s, &t) == 0);
    cl_session back;
    uint64_t issued;
    FZ_CHECK(cl_ticket_open(server_cfg, t.data, t.len, &back, &issued) == 0);
    FZ_CHECK(back.version == s->version && back.suite == s->suite);
    FZ_CHECK(back.secret_len == s->secret_len && !memcmp(back.secret, s->secret, s->secret_len));
    FZ_CHECK(back.ems == s->ems && back.age_add == s->age_add);
    FZ_CHECK(!strcmp(back.alpn, s->alpn));
    cl_session_clear(&back);
    cl_buf_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    clasp_session *s = clasp_session_from_bytes(data, size);
    if (s) {
        uint16_t v = clasp_session_version(s);
        FZ_CHECK(v == CLASP_TLS1_2 || v == CLASP_TLS1_3);
        uint8_t *b1, *b2;
        size_t n1, n2;
        FZ_CHECK(clasp_session_to_bytes(s, &b1, &n1) == 0);
        clasp_session *s2 = clasp_session_from_bytes(b1, n1);
        FZ_CHECK(s2 != NULL);
        FZ_CHECK(clasp_session_to_bytes(s2, &b2, &n2) == 0);
        FZ_CHECK(n1 == n2 && !memcmp(b1, b2, n1));
        free(b1);
        free(b2);
        clasp_session_free(s2);

        /* Offered by a client. */
        clasp_conn *c = clasp_conn_new(client_cfg);
        FZ_CHECK(c && clasp_conn_set_server_name(c, "localhost") == 0);
        FZ_CHECK(clasp_conn_set_session(c, s) == 0);
        (void)clasp_conn_handshake(c);
        fz_drain(c);
        clasp_conn_free(c);

        check_ticket(&s->s);
        clasp_session_free(s);
    }

    /* The input as a ticket from a client. */
    cl_session t;
    uint64_t issued;
    fz_pin_clock(server_cfg);
    if (cl_ticket_open(server_cfg, data, size, &t, &issued) == 0)
        cl_session_clear(&t);
    return 0;
}
