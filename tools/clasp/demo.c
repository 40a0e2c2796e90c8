/* SPDX-License-Identifier: Apache-2.0 */
/* clasp demo: a server thread and a client in one process, over loopback,
 * with a throw-away CA. Each scenario is one row of demo_scenarios; TLS 1.2
 * or other key types are new rows, not new code. */
#include "tool.h"
#include "crypto/testpki.h" /* the demo's throw-away PKI */

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    const char *title;
    const char *key_type; /* test PKI: "ecdsa", "rsa" or "ed25519" */
    uint16_t min_version, max_version;
    int client_auth;      /* server requires, client presents client.pem */
    const char *ciphers;  /* NULL: the library's defaults */
    const char *groups;
    const char *alpn;     /* offered by the client and accepted by the server */
} demo_scenario;

static const demo_scenario demo_scenarios[] = {
    {
        .title = "TLS 1.3 handshake, server authenticated by an ephemeral CA",
        .key_type = "ecdsa",
        .min_version = CLASP_TLS1_3,
        .max_version = CLASP_TLS1_3,
        .alpn = "h2,http/1.1",
    },
    {
        .title = "TLS 1.3 handshake with client authentication",
        .key_type = "ecdsa",
        .min_version = CLASP_TLS1_3,
        .max_version = CLASP_TLS1_3,
        .client_auth = 1,
        .alpn = "h2,http/1.1",
    },
    {
        .title = "TLS 1.2 handshake with RSA key exchange (premaster secret encrypted to the server's key)",
        .key_type = "rsa",
        .min_version = CLASP_TLS1_2,
        .max_version = CLASP_TLS1_2,
        .ciphers = "TLS_RSA_WITH_AES_128_GCM_SHA256",
    },
    {
        .title = "TLS 1.2 handshake with ECDHE and client authentication",
        .key_type = "ecdsa",
        .min_version = CLASP_TLS1_2,
        .max_version = CLASP_TLS1_2,
        .client_auth = 1,
        .ciphers = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        .alpn = "http/1.1",
    },
};

static const char demo_client_line[] = "ping from the client";
static const char demo_server_line[] = "pong from the server";

/* What the server thread found out; read by the main thread after join. */
typedef struct {
    clasp_config *cfg;
    int listen_fd;
    int ok;
    char error[TOOL_ERROR_MAX];
    char summary[512];
    char received[128];
    size_t peer_certs;
} demo_server;

/* Reads up to a newline (dropped) into line; > 0, or the failing result. */
static long read_line(clasp_conn *c, int fd, char *line, size_t cap)
{
    size_t used = 0;
    while (used < cap - 1 && !memchr(line, '\n', used)) {
        long n = clasp_fd_read(c, fd, (uint8_t *)line + used, cap - 1 - used);
        if (n == 0)
            n = CLASP_CLOSED;
        if (n < 0)
            return n;
        used += (size_t)n;
    }
    line[used] = '\0';
    char *newline = strchr(line, '\n');
    if (newline)
        *newline = '\0';
    return (long)used;
}

/* Lets the peer's close_notify arrive (and be traced); its absence is no
 * failure here. */
static void finish_connection(clasp_conn *c, int fd)
{
    uint8_t sink[256];
    long n;
    while ((n = clasp_fd_read(c, fd, sink, sizeof sink)) > 0)
        ;
}

static void *demo_server_run(void *arg)
{
    demo_server *s = arg;
    clasp_conn *c = NULL;
    int fd = net_accept(s->listen_fd, TOOL_CONNECT_TIMEOUT_S * 1000);
    if (fd < 0) {
        snprintf(s->error, sizeof s->error, "the server saw no connection: %s", strerror(errno));
        return NULL;
    }
    c = clasp_conn_new(s->cfg);
    if (!c) {
        snprintf(s->error, sizeof s->error, "out of memory");
        goto out;
    }
    long rc = clasp_fd_handshake(c, fd);
    if (rc != CLASP_OK)
        goto failed;
    handshake_summary(c, s->summary, sizeof s->summary);
    size_t len;
    while (clasp_conn_peer_cert(c, s->peer_certs, &len))
        s->peer_certs++;

    rc = read_line(c, fd, s->received, sizeof s->received);
    if (rc < 0)
        goto failed;
    char reply[sizeof demo_server_line + 1];
    snprintf(reply, sizeof reply, "%s\n", demo_server_line);
    rc = clasp_fd_write(c, fd, (const uint8_t *)reply, strlen(reply));
    if (rc < 0)
        goto failed;
    finish_connection(c, fd);
    clasp_fd_close(c, fd);
    s->ok = 1;
    goto out;

failed:
    tool_conn_failure(c, rc, "client", s->error, sizeof s->error);
out:
    if (c)
        clasp_conn_free(c);
    net_close_gracefully(fd);
    return NULL;
}

/* The scenario's settings, shared by both ends. */
static int apply_scenario(clasp_config *cfg, const demo_scenario *sc)
{
    if (clasp_config_set_versions(cfg, sc->min_version, sc->max_version) != 0 ||
        (sc->ciphers && clasp_config_set_ciphers(cfg, sc->ciphers) != 0) ||
        (sc->groups && clasp_config_set_groups(cfg, sc->groups) != 0) ||
        (sc->alpn && clasp_config_set_alpn(cfg, sc->alpn) != 0)) {
        tool_error("%s", clasp_config_error(cfg));
        return -1;
    }
    return 0;
}

static int load_files(clasp_config *cfg, const char *dir, const char *chain, const char *key,
                      const char *ca)
{
    char chain_path[4200], key_path[4200], ca_path[4200];
    snprintf(chain_path, sizeof chain_path, "%s/%s", dir, chain ? chain : "");
    snprintf(key_path, sizeof key_path, "%s/%s", dir, key ? key : "");
    snprintf(ca_path, sizeof ca_path, "%s/%s", dir, ca ? ca : "");
    if ((chain && clasp_config_load_cert_chain(cfg, chain_path, key_path) != 0) ||
        (ca && clasp_config_load_ca_file(cfg, ca_path) != 0)) {
        tool_error("%s", clasp_config_error(cfg));
        return -1;
    }
    return 0;
}

static clasp_config *make_server_config(const demo_scenario *sc, const char *pki)
{
    clasp_config *cfg = clasp_config_new(CLASP_SERVER);
    if (!cfg) {
        tool_error("out of memory");
        return NULL;
    }
    if (apply_scenario(cfg, sc) != 0 ||
        load_files(cfg, pki, "cert.pem", "key.pem", sc->client_auth ? "ca.pem" : NULL) != 0)
        goto fail;
    if (sc->client_auth && clasp_config_set_client_auth(cfg, CLASP_CLIENT_AUTH_REQUIRED) != 0) {
        tool_error("%s", clasp_config_error(cfg));
        goto fail;
    }
    return cfg;
fail:
    clasp_config_free(cfg);
    return NULL;
}

static clasp_config *make_client_config(const demo_scenario *sc, const char *pki,
                                        trace_ladder *ladder)
{
    clasp_config *cfg = clasp_config_new(CLASP_CLIENT);
    if (!cfg) {
        tool_error("out of memory");
        return NULL;
    }
    if (apply_scenario(cfg, sc) != 0 ||
        load_files(cfg, pki, sc->client_auth ? "client.pem" : NULL,
                   sc->client_auth ? "client-key.pem" : NULL, "ca.pem") != 0) {
        clasp_config_free(cfg);
        return NULL;
    }
    clasp_config_set_trace(cfg, trace_event, ladder);
    return cfg;
}

/* The client's half of a scenario, drawn on stdout as it happens. */
static int demo_client_run(clasp_config *cfg, unsigned port, trace_ladder *ladder)
{
    char port_text[16], display[32], err[TOOL_ERROR_MAX];
    snprintf(port_text, sizeof port_text, "%u", port);
    snprintf(display, sizeof display, "127.0.0.1:%u", port);
    int fd = net_connect("127.0.0.1", port_text, display, TOOL_CONNECT_TIMEOUT_S, err, sizeof err);
    if (fd < 0) {
        tool_error("%s", err);
        return -1;
    }
    int result = -1;
    long rc = CLASP_ERROR;
    clasp_conn *c = clasp_conn_new(cfg);
    if (!c) {
        tool_error("out of memory");
        goto out;
    }
    /* The test certificate is for "localhost"; the name is what is verified. */
    if (clasp_conn_set_server_name(c, "localhost") != 0)
        goto failed;
    trace_begin_connection(ladder);
    rc = clasp_fd_handshake(c, fd);
    if (rc != CLASP_OK)
        goto failed;
    char summary[512];
    handshake_summary(c, summary, sizeof summary);
    printf("%s\n", summary);

    char line[128], shown[160];
    snprintf(line, sizeof line, "%s\n", demo_client_line);
    rc = clasp_fd_write(c, fd, (const uint8_t *)line, strlen(line));
    if (rc < 0)
        goto failed;
    snprintf(shown, sizeof shown, "\"%s\"", demo_client_line);
    trace_data(ladder, 1, "application data", shown);

    rc = read_line(c, fd, line, sizeof line);
    if (rc < 0)
        goto failed;
    snprintf(shown, sizeof shown, "\"%s\"", line);
    trace_data(ladder, 0, "application data", shown);
    if (strcmp(line, demo_server_line) != 0) {
        tool_error("the client received \"%s\" instead of \"%s\"", line, demo_server_line);
        goto out;
    }
    rc = clasp_fd_close(c, fd);
    if (rc < 0)
        goto failed;
    finish_connection(c, fd);
    result = 0;
    goto out;

failed:;
    char why[TOOL_ERROR_MAX];
    tool_conn_failure(c, rc, "server", why, sizeof why);
    tool_error("%s", why);
out:
    if (c)
        clasp_conn_free(c);
    close(fd);
    fflush(stdout);
    return result;
}

/* The test PKI for a key type, made on first use under root. */
static int demo_pki(const char *root, const char *key_type, char *dir, size_t len)
{
    if ((size_t)snprintf(dir, len, "%s/%s", root, key_type) >= len) {
        tool_error("path too long: %s/%s", root, key_type);
        return -1;
    }
    struct stat st;
    if (stat(dir, &st) == 0)
        return 0;
    if (mkdir(dir, 0700) != 0) {
        tool_error("cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    char err[TOOL_ERROR_MAX] = "";
    if (cl_testpki_make(dir, key_type, err, sizeof err) != 0) {
        tool_error("cannot create a %s test PKI: %s", key_type, err[0] ? err : "unknown failure");
        return -1;
    }
    return 0;
}

static int run_scenario(const demo_scenario *sc, const char *root)
{
    printf("== %s ==\n", sc->title);
    fflush(stdout);

    char pki[4096];
    if (demo_pki(root, sc->key_type, pki, sizeof pki) != 0)
        return -1;
    trace_ladder ladder;
    trace_init(&ladder, stdout, CLASP_CLIENT);

    demo_server server;
    memset(&server, 0, sizeof server);
    clasp_config *client_cfg = NULL;
    server.cfg = make_server_config(sc, pki);
    if (!server.cfg)
        return -1;
    client_cfg = make_client_config(sc, pki, &ladder);
    if (!client_cfg) {
        clasp_config_free(server.cfg);
        return -1;
    }

    int result = -1;
    char err[TOOL_ERROR_MAX];
    unsigned port = 0;
    server.listen_fd = net_listen("127.0.0.1", 0, &port, err, sizeof err);
    if (server.listen_fd < 0) {
        tool_error("%s", err);
        goto out;
    }
    pthread_t thread;
    int perr = pthread_create(&thread, NULL, demo_server_run, &server);
    if (perr != 0) {
        tool_error("cannot start the server thread: %s", strerror(perr));
        close(server.listen_fd);
        goto out;
    }
    int client_result = demo_client_run(client_cfg, port, &ladder);
    /* Wakes the server if the client never got as far as connecting. */
    shutdown(server.listen_fd, SHUT_RDWR);
    pthread_join(thread, NULL);
    close(server.listen_fd);

    if (server.ok) {
        printf("server's view (client certificates: %zu):\n  %s\n", server.peer_certs,
               server.summary);
        if (strcmp(server.received, demo_client_line) != 0)
            tool_error("the server received \"%s\" instead of \"%s\"", server.received,
                       demo_client_line);
        else if (client_result == 0)
            result = 0;
    } else {
        /* Even after a client failure the server's side often says more
         * (e.g. why it refused the client's certificate). */
        tool_error("server: %s", server.error[0] ? server.error : "failed");
    }

out:
    clasp_config_free(client_cfg);
    clasp_config_free(server.cfg);
    printf("\n");
    fflush(stdout);
    return result;
}

int demo_main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage_print(stdout);
            return TOOL_EXIT_OK;
        }
        return options_unknown(argv[i]);
    }

    char root[4096];
    if (tool_make_temp_dir(root, sizeof root) != 0) {
        tool_error("cannot create a temporary directory: %s", strerror(errno));
        return TOOL_EXIT_FAILURE;
    }
    printf("clasp demo: a server thread and a client in this process, over loopback.\n"
           "The arrows are the client's trace; the test CA lives in %s until the end.\n\n",
           root);

    size_t total = sizeof demo_scenarios / sizeof demo_scenarios[0];
    size_t passed = 0;
    for (size_t k = 0; k < total; k++) {
        if (run_scenario(&demo_scenarios[k], root) == 0)
            passed++;
    }
    tool_remove_tree(root);

    printf("demo: %zu of %zu scenarios succeeded\n", passed, total);
    fflush(stdout);
    return passed == total ? TOOL_EXIT_OK : TOOL_EXIT_FAILURE;
}
