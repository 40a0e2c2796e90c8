/* SPDX-License-Identifier: Apache-2.0 */
/* Out of memory in the session code: each allocation clasp makes during a
 * handshake that resumes (or makes) a session fails in turn, one per run.
 * Every run must end cleanly (a result or an error, never a crash) and,
 * in the ASan build, leak nothing: LSan checks at exit.
 *
 * Only clasp's own allocations fail: the program is linked with
 * -Wl,--wrap=malloc,calloc,realloc (tests/CMakeLists.txt), which reaches
 * the library's objects but not libcrypto's. */
#include <stdlib.h>
#include <string.h>

#include "pairutil.h"
#include "testutil.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);

static long countdown = -1; /* the allocation that fails: 0 is the next; -1 none */
static long allocations;    /* made since counting started */

static int fail_now(void)
{
    allocations++;
    if (countdown < 0)
        return 0;
    return countdown-- == 0;
}

void *__wrap_malloc(size_t n) { return fail_now() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t size) { return fail_now() ? NULL : __real_calloc(n, size); }
void *__wrap_realloc(void *p, size_t n) { return fail_now() ? NULL : __real_realloc(p, n); }

typedef struct {
    const char *name;
    uint16_t version;
    int client_auth; /* the server requires, the client has, a certificate */
    int resume;      /* offer the session of a first connection */
} scenario;

static clasp_config *make_server(const scenario *sc)
{
    static const uint8_t secret[32] = {7};
    clasp_config *cfg = server_config(pki_ecdsa);
    CHECK(clasp_config_set_versions(cfg, sc->version, sc->version) == 0);
    CHECK(clasp_config_set_ticket_secret(cfg, secret) == 0);
    if (sc->client_auth) {
        char ca[512];
        path_in(ca, sizeof ca, pki_ecdsa, "ca.pem");
        CHECK(clasp_config_load_ca_file(cfg, ca) == 0);
        CHECK(clasp_config_set_client_auth(cfg, CLASP_CLIENT_AUTH_REQUIRED) == 0);
    }
    return cfg;
}

static clasp_config *make_client(const scenario *sc)
{
    clasp_config *cfg = client_config(pki_ecdsa);
    if (sc->client_auth) {
        char cert[512], key[512];
        path_in(cert, sizeof cert, pki_ecdsa, "client.pem");
        path_in(key, sizeof key, pki_ecdsa, "client-key.pem");
        CHECK(clasp_config_load_cert_chain(cfg, cert, key) == 0);
    }
    return cfg;
}

/* One connection: handshake, a little data each way (the TLS 1.3 ticket),
 * the client's session. Returns 1 if all of it worked. */
static int connect_and_keep(clasp_config *cc, clasp_config *sc, const clasp_session *offer,
                            clasp_session **session)
{
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    int ok = cli && srv && clasp_conn_set_server_name(cli, "localhost") == 0 &&
             (!offer || clasp_conn_set_session(cli, offer) == 0);
    if (ok) {
        result r = run_handshake(cli, srv);
        ok = r.client_rc == CLASP_OK && r.server_rc == CLASP_OK;
    }
    for (int d = 0; ok && d < 2; d++) {
        clasp_conn *from = d ? srv : cli, *to = d ? cli : srv;
        uint8_t b[8];
        ok = clasp_conn_write(from, (const uint8_t *)"ping", 4) == 4;
        pump(from, to);
        ok = ok && clasp_conn_read(to, b, sizeof b) == 4;
    }
    if (session)
        *session = ok ? clasp_conn_get_session(cli) : NULL;
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    return ok;
}

static void run_scenario(const scenario *s)
{
    clasp_config *sc = make_server(s), *cc = make_client(s);
    clasp_session *first = NULL;
    if (s->resume) {
        CHECK(connect_and_keep(cc, sc, NULL, &first) == 1 && first != NULL);
        /* The session carries the server's chain: its copies must be freed. */
        CHECK(first && first->s.peer_chain_len > 0);
    }
    /* How many allocations a run makes when none fails. */
    clasp_session *got = NULL;
    allocations = 0;
    int ok = connect_and_keep(cc, sc, first, &got);
    long total = allocations;
    CHECK(ok && got != NULL);
    CHECK(!s->resume || (got && got->s.peer_chain_len == first->s.peer_chain_len));
    clasp_session_free(got);
    long worked = 0;
    for (long k = 0; k < total; k++) {
        got = NULL;
        countdown = k;
        worked += connect_and_keep(cc, sc, first, &got);
        countdown = -1;
        clasp_session_free(got);
    }
    printf("%-40s %ld allocations, each failed once (%ld runs still worked)\n", s->name, total,
           worked);
    clasp_session_free(first);
    clasp_config_free(sc);
    clasp_config_free(cc);
}

/* A session through bytes and back, as an application keeps it. */
static int round_trip(const clasp_session *s)
{
    uint8_t *bytes = NULL;
    size_t len = 0;
    if (clasp_session_to_bytes(s, &bytes, &len) != 0)
        return 0;
    clasp_session *back = clasp_session_from_bytes(bytes, len);
    free(bytes);
    int ok = back && back->s.peer_chain_len == s->s.peer_chain_len;
    clasp_session_free(back);
    return ok;
}

static void run_serialisation(void)
{
    scenario auth13 = {"session bytes", CLASP_TLS1_3, 1, 0};
    clasp_config *sc = make_server(&auth13), *cc = make_client(&auth13);
    clasp_session *s = NULL;
    CHECK(connect_and_keep(cc, sc, NULL, &s) == 1 && s != NULL);
    if (s) {
        allocations = 0;
        CHECK(round_trip(s) == 1);
        long total = allocations;
        for (long k = 0; k < total; k++) {
            countdown = k;
            CHECK(round_trip(s) == 0);
            countdown = -1;
        }
        printf("%-40s %ld allocations, each failed once\n", auth13.name, total);
    }
    clasp_session_free(s);
    clasp_config_free(sc);
    clasp_config_free(cc);
}

int main(void)
{
    make_pki(pki_ecdsa, "ecdsa");
    static const scenario scenarios[] = {
        {"TLS 1.2 full handshake", CLASP_TLS1_2, 0, 0},
        {"TLS 1.2 resumption", CLASP_TLS1_2, 0, 1},
        {"TLS 1.2 client auth", CLASP_TLS1_2, 1, 0},
        {"TLS 1.2 client auth, resumption", CLASP_TLS1_2, 1, 1},
        {"TLS 1.3 full handshake", CLASP_TLS1_3, 0, 0},
        {"TLS 1.3 resumption", CLASP_TLS1_3, 0, 1},
        {"TLS 1.3 client auth", CLASP_TLS1_3, 1, 0},
        {"TLS 1.3 client auth, resumption", CLASP_TLS1_3, 1, 1},
    };
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
        run_scenario(&scenarios[i]);
    run_serialisation();
    remove_pki(pki_ecdsa);
    return tu_finish("oom");
}
