/* In-memory client/server helpers for the pair tests. */
#ifndef CLASP_PAIRUTIL_H
#define CLASP_PAIRUTIL_H
#include "conn/internal.h"

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
#endif
