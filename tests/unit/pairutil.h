/* SPDX-License-Identifier: Apache-2.0 */
/* In-memory client/server helpers for the pair tests. */
#ifndef CLASP_PAIRUTIL_H
#define CLASP_PAIRUTIL_H
#include "core/conn.h"

extern char pki_ecdsa[256], pki_rsa[256], pki_ed25519[256], pki_other[256];

typedef struct {
    int client_rc, server_rc;
} result;

void make_pki(char *dir, const char *type);
void remove_pki(const char *dir);
void path_in(char *out, size_t len, const char *dir, const char *file);
clasp_config *server_config(const char *pki);
clasp_config *client_config(const char *ca_pki);
/* Moves everything `from` wants to send into `to`. */
void pump(clasp_conn *from, clasp_conn *to);
result run_handshake(clasp_conn *cli, clasp_conn *srv);
/* Exchanges `size` bytes each way and checks they arrive intact. */
void exchange(clasp_conn *cli, clasp_conn *srv, size_t size);

/* One connection from a fresh client and server (offering `offer`, if
 * any), and what each side saw. */
typedef struct {
    int client_rc, server_rc;
    int client_resumed, server_resumed;
    int server_alert, client_alert;    /* sent by the server / received by the client */
    size_t srv_certs, cli_certs;       /* the peer chain each side shows */
    uint8_t srv_leaf[4096], cli_leaf[4096];
    size_t srv_leaf_len, cli_leaf_len;
    char server_error[512];
    clasp_session *session;            /* the client's, afterwards (caller frees) */
} conn_outcome;
conn_outcome connect_once(clasp_config *cc, clasp_config *sc, const clasp_session *offer,
                          const char *name);
/* Resumption never bypasses client authentication, shows the original
 * chains again, keeps to one server name (version: CLASP_TLS1_2 / 1_3). */
void test_resumption_auth(uint16_t version);
/* No session after a fatal alert, sent or received. */
void test_no_session_after_fatal_alert(uint16_t version);
#endif
