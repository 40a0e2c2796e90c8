/* Shared by the in-memory pair tests: test PKIs, configs, and moving bytes
 * between a client and a server. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pairutil.h"
#include "testutil.h"

char pki_ecdsa[256], pki_rsa[256], pki_ed25519[256], pki_other[256];

void make_pki(char *dir, const char *type)
{
    strcpy(dir, "/tmp/clasp-pair-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    char err[256];
    int rc = clasp_make_test_pki(dir, type, err, sizeof err);
    if (rc)
        fprintf(stderr, "make_test_pki(%s): %s\n", type, err);
    CHECK(rc == 0);
}

void remove_pki(const char *dir)
{
    static const char *files[] = {"ca.pem", "cert.pem", "key.pem", "client.pem", "client-key.pem"};
    char path[512];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}

void path_in(char *out, size_t len, const char *dir, const char *file)
{
    snprintf(out, len, "%s/%s", dir, file);
}

clasp_config *server_config(const char *pki)
{
    char cert[512], key[512];
    path_in(cert, sizeof cert, pki, "cert.pem");
    path_in(key, sizeof key, pki, "key.pem");
    clasp_config *cfg = clasp_config_new(CLASP_SERVER);
    int rc = clasp_config_load_cert_chain(cfg, cert, key);
    if (rc)
        fprintf(stderr, "%s\n", clasp_config_error(cfg));
    CHECK(rc == 0);
    return cfg;
}

clasp_config *client_config(const char *ca_pki)
{
    char ca[512];
    path_in(ca, sizeof ca, ca_pki, "ca.pem");
    clasp_config *cfg = clasp_config_new(CLASP_CLIENT);
    CHECK(clasp_config_load_ca_file(cfg, ca) == 0);
    return cfg;
}

/* Moves everything `from` wants to send into `to`. */
void pump(clasp_conn *from, clasp_conn *to)
{
    const uint8_t *out;
    size_t n;
    while ((n = clasp_conn_output(from, &out)) > 0) {
        size_t used = 0;
        if (clasp_conn_feed(to, out, n, &used) != CLASP_OK) {
            clasp_conn_output_done(from, n); /* the peer is dead: drop */
            return;
        }
        if (used == 0)
            return; /* the peer's buffer is full until it reads */
        clasp_conn_output_done(from, used);
    }
}

result run_handshake(clasp_conn *cli, clasp_conn *srv)
{
    result r = {CLASP_WANT_READ, CLASP_WANT_READ};
    for (int i = 0; i < 20; i++) {
        if (r.client_rc == CLASP_WANT_READ)
            r.client_rc = clasp_conn_handshake(cli);
        pump(cli, srv);
        if (r.server_rc == CLASP_WANT_READ)
            r.server_rc = clasp_conn_handshake(srv);
        pump(srv, cli);
        if (r.client_rc != CLASP_WANT_READ && r.server_rc != CLASP_WANT_READ)
            break;
    }
    /* A client that finished first still has to see the server fail (or not). */
    if (r.client_rc == CLASP_OK && r.server_rc == CLASP_WANT_READ)
        r.server_rc = clasp_conn_handshake(srv);
    return r;
}

/* Exchanges a message each way and checks it arrives intact. */
void exchange(clasp_conn *cli, clasp_conn *srv, size_t size)
{
    uint8_t *msg = malloc(size), *got = malloc(size);
    for (size_t i = 0; i < size; i++)
        msg[i] = (uint8_t)(i * 7 + 1);
    clasp_conn *pair[2][2] = {{cli, srv}, {srv, cli}};
    for (int d = 0; d < 2; d++) {
        CHECK(clasp_conn_write(pair[d][0], msg, size) == (long)size);
        size_t have = 0;
        for (int i = 0; i < 1000 && have < size; i++) {
            pump(pair[d][0], pair[d][1]);
            long n = clasp_conn_read(pair[d][1], got + have, size - have);
            if (n > 0)
                have += (size_t)n;
            else if (n != CLASP_WANT_READ)
                break;
        }
        CHECK(have == size);
        CHECK_MEM(got, msg, size);
        pump(pair[d][1], pair[d][0]); /* e.g. a KeyUpdate answer */
    }
    free(msg);
    free(got);
}

