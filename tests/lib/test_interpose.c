/* SPDX-License-Identifier: Apache-2.0 */
/* An application linked against libclasp.so may define functions whose names
 * happen to match the library's internal ones. Those must not replace the
 * library's: this program defines a few that every handshake uses (if one is
 * ever called, it fails loudly) and then runs TLS 1.3 and TLS 1.2 handshakes
 * and an exchange of data through the public API only. Linked against the
 * shared library (never clasp_static) so the dynamic linker decides. */
#include <clasp/clasp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/testpki.h" /* clasp_testpki: libcrypto only, not the library */

/* Same names as clasp internals (src/base/bytes.h, src/crypto/crypto.h,
 * src/handshake/hs.h). Reached only if libclasp.so exports and binds them. */
static void interposed(const char *name)
{
    static const char prefix[] = "FAIL: libclasp.so called the application's ";
    static const char suffix[] = "() instead of its own internal function of that name\n";
    /* write(2) and _exit: we may be deep inside the library. */
    if (write(STDERR_FILENO, prefix, sizeof prefix - 1) < 0 ||
        write(STDERR_FILENO, name, strlen(name)) < 0 ||
        write(STDERR_FILENO, suffix, sizeof suffix - 1) < 0) {
        /* nothing more to say */
    }
    _exit(1);
}
void cl_wipe(void *p, size_t n)
{
    (void)p;
    (void)n;
    interposed("cl_wipe");
}
int cl_random(void *conn, unsigned char *out, size_t n)
{
    (void)conn;
    (void)out;
    (void)n;
    interposed("cl_random");
    return -1;
}
int cl_transcript_add(void *conn, const unsigned char *msg, size_t len)
{
    (void)conn;
    (void)msg;
    (void)len;
    interposed("cl_transcript_add");
    return -1;
}
int cr_init(void)
{
    interposed("cr_init");
    return -1;
}

static int failures;
#define CHECK(cond, ...)                                                              \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);           \
            fprintf(stderr, __VA_ARGS__);                                             \
            fputc('\n', stderr);                                                      \
            failures++;                                                               \
        }                                                                             \
    } while (0)

/* Moves what `from` wants to send into `to`, as far as `to` takes it. */
static void pump(clasp_conn *from, clasp_conn *to)
{
    const uint8_t *out;
    size_t n;
    while ((n = clasp_conn_output(from, &out)) > 0) {
        size_t used = 0;
        if (clasp_conn_feed(to, out, n, &used) != CLASP_OK) {
            clasp_conn_output_done(from, n);
            return;
        }
        if (used == 0)
            return;
        clasp_conn_output_done(from, used);
    }
}

static void run(const char *pki, uint16_t version)
{
    char cert[512], key[512], ca[512];
    snprintf(cert, sizeof cert, "%s/cert.pem", pki);
    snprintf(key, sizeof key, "%s/key.pem", pki);
    snprintf(ca, sizeof ca, "%s/ca.pem", pki);

    clasp_config *scfg = clasp_config_new(CLASP_SERVER);
    clasp_config *ccfg = clasp_config_new(CLASP_CLIENT);
    CHECK(scfg && ccfg, "clasp_config_new failed");
    if (!scfg || !ccfg)
        exit(1);
    CHECK(clasp_config_set_versions(scfg, version, version) == 0, "%s", clasp_config_error(scfg));
    CHECK(clasp_config_set_versions(ccfg, version, version) == 0, "%s", clasp_config_error(ccfg));
    CHECK(clasp_config_load_cert_chain(scfg, cert, key) == 0, "%s", clasp_config_error(scfg));
    CHECK(clasp_config_load_ca_file(ccfg, ca) == 0, "%s", clasp_config_error(ccfg));

    clasp_conn *srv = clasp_conn_new(scfg);
    clasp_conn *cli = clasp_conn_new(ccfg);
    CHECK(srv && cli, "clasp_conn_new failed");
    if (!srv || !cli)
        exit(1);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0, "set_server_name failed");

    int crc = CLASP_WANT_READ, src = CLASP_WANT_READ;
    for (int round = 0; round < 50 && (crc == CLASP_WANT_READ || src == CLASP_WANT_READ); round++) {
        if (crc == CLASP_WANT_READ)
            crc = clasp_conn_handshake(cli);
        pump(cli, srv);
        if (src == CLASP_WANT_READ)
            src = clasp_conn_handshake(srv);
        pump(srv, cli);
    }
    CHECK(crc == CLASP_OK, "client handshake: %d (%s)", crc, clasp_conn_error_text(cli));
    CHECK(src == CLASP_OK, "server handshake: %d (%s)", src, clasp_conn_error_text(srv));
    CHECK(clasp_conn_version(cli) == version, "negotiated 0x%04x", clasp_conn_version(cli));

    static const uint8_t ping[] = "ping through libclasp.so";
    uint8_t got[64] = {0};
    CHECK(clasp_conn_write(cli, ping, sizeof ping) == (long)sizeof ping, "write failed");
    pump(cli, srv);
    long n = clasp_conn_read(srv, got, sizeof got);
    CHECK(n == (long)sizeof ping && memcmp(got, ping, sizeof ping) == 0,
          "server read %ld bytes, not the %zu sent", n, sizeof ping);

    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(ccfg);
    clasp_config_free(scfg);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    char dir[512];
    snprintf(dir, sizeof dir, "%s/clasp-interpose-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char err[256] = "";
    int pki_rc = cl_testpki_make(dir, "ecdsa", err, sizeof err);
    CHECK(pki_rc == 0, "cl_testpki_make: %s", err);
    if (pki_rc == 0) {
        run(dir, CLASP_TLS1_3);
        run(dir, CLASP_TLS1_2);
    }

    static const char *const files[] = {"ca.pem", "cert.pem", "key.pem", "client.pem",
                                        "client-key.pem"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[600];
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);

    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("ok: handshakes through libclasp.so used the library's own internals\n");
    return 0;
}
