// SPDX-License-Identifier: Apache-2.0
/* A TLS peer for the callback tests (tests/interop/test_callbacks.sh): a
 * server or a client built on the public API only, whose options switch on
 * clasp's application callbacks.
 *
 *   callback_peer server --port P --cert C --key K [--name HOST C K]...
 *       [--refuse-unknown] [--alpn-prefer PROTO] [--ca F] [--client-auth]
 *       [--pin DER] [--custom-pin DER] [--count N] [--crl F] [--ocsp RESPONSE.der]
 *   callback_peer client --port P --servername N [--ca F] [--cert C --key K]
 *       [--alpn LIST] [--pin DER] [--custom-pin DER] [--tls1.2] [--crl F]
 *       [--ocsp-request | --ocsp-require]
 *
 * --name: connections asking for HOST (SNI) get a configuration of their
 * own with that chain (the select callback); --refuse-unknown: other names
 * are refused with unrecognized_name. --alpn-prefer: the ALPN callback picks
 * PROTO when offered, else the client's first. --pin DER: the verify
 * callback accepts only a leaf equal to that DER file; --custom-pin DER:
 * the custom verifier (no path validation) does the same.
 * --crl loads CRLs (after --ca); --ocsp staples a response for the chain
 * given before it; --ocsp-request / --ocsp-require ask for one (client).
 * The server serves N connections (default 1): after the handshake it
 * prints "handshake: sni=... alpn=...", echoes one line and closes. The
 * client sends "hello", prints what comes back, and "error: ..." on failure. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "clasp/clasp.h"

#define MAX_NAMES 4

static struct {
    const char *host;
    clasp_config *cfg;
} names[MAX_NAMES];
static size_t n_names;
static int refuse_unknown;
static const char *alpn_prefer;
static uint8_t *pin, *custom_pin;
static size_t pin_len, custom_pin_len;

static void die(const char *what, const char *why)
{
    fprintf(stderr, "callback_peer: %s: %s\n", what, why);
    exit(2);
}

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die(path, "cannot open");
    uint8_t *buf = malloc(1 << 16);
    *len = fread(buf, 1, 1 << 16, f);
    fclose(f);
    return buf;
}

static int select_config(void *arg, clasp_conn *c, const clasp_client_hello *hello,
                         clasp_config **use, char *why, size_t why_len)
{
    (void)arg;
    (void)c;
    printf("select: sni=%s sigalgs=%zu tls13=%d alpn_len=%zu\n",
           hello->server_name ? hello->server_name : "-", hello->n_sigalgs, hello->offers_tls13,
           hello->alpn_len);
    for (size_t i = 0; i < n_names; i++)
        if (hello->server_name && strcmp(hello->server_name, names[i].host) == 0) {
            *use = names[i].cfg;
            return 0;
        }
    if (refuse_unknown) {
        snprintf(why, why_len, "no certificate for '%s'",
                 hello->server_name ? hello->server_name : "(no name)");
        return CLASP_ALERT_UNRECOGNIZED_NAME;
    }
    return 0;
}

static int choose_alpn(void *arg, clasp_conn *c, const uint8_t *offered, size_t offered_len,
                       const uint8_t **proto, size_t *proto_len)
{
    (void)arg;
    (void)c;
    size_t want = strlen(alpn_prefer);
    for (size_t i = 0; i < offered_len; i += 1 + offered[i])
        if (offered[i] == want && i + 1 + want <= offered_len &&
            memcmp(offered + i + 1, alpn_prefer, want) == 0) {
            *proto = offered + i + 1;
            *proto_len = want;
            return 0;
        }
    if (strcmp(alpn_prefer, "none") == 0)
        return -1; /* refuse: no_application_protocol */
    *proto = offered + 1;
    *proto_len = offered[0];
    return 0;
}

static int check_pin(const uint8_t *want, size_t want_len, const uint8_t *const *der,
                     const size_t *der_len, size_t n, char *why, size_t why_len)
{
    printf("verify: %zu certificate(s)\n", n);
    if (der_len[0] == want_len && memcmp(der[0], want, want_len) == 0)
        return 0;
    snprintf(why, why_len, "the leaf is not the pinned certificate");
    return -1;
}

static int verify_pin(void *arg, clasp_conn *c, const uint8_t *const *der, const size_t *der_len,
                      size_t n, char *why, size_t why_len)
{
    (void)arg;
    (void)c;
    return check_pin(pin, pin_len, der, der_len, n, why, why_len);
}

static int verify_custom(void *arg, clasp_conn *c, const uint8_t *const *der,
                         const size_t *der_len, size_t n, char *why, size_t why_len)
{
    (void)arg;
    (void)c;
    return check_pin(custom_pin, custom_pin_len, der, der_len, n, why, why_len);
}

static void load(clasp_config *cfg, const char *cert, const char *key)
{
    if (clasp_config_load_cert_chain(cfg, cert, key))
        die(cert, clasp_config_error(cfg));
}

static void report_failure(clasp_conn *c)
{
    printf("error: %s (alert sent %d, received %d)\n", clasp_conn_error_text(c),
           clasp_conn_alert_sent(c), clasp_conn_alert_received(c));
}

static int run_server(clasp_config *cfg, int port, int count)
{
    int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 8))
        die("listen", "cannot bind");
    printf("listening on port %d\n", port);
    fflush(stdout);
    for (int i = 0; i < count; i++) {
        int fd = accept(ls, NULL, NULL);
        if (fd < 0)
            continue;
        struct timeval tv = {10, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        clasp_conn *c = clasp_conn_new(cfg);
        if (clasp_fd_handshake(c, fd) != CLASP_OK) {
            report_failure(c);
        } else {
            const uint8_t *leaf;
            size_t leaf_len;
            leaf = clasp_conn_peer_cert(c, 0, &leaf_len);
            printf("handshake: version=%s sni=%s alpn=%s client_cert=%s\n",
                   clasp_conn_version_name(c), clasp_conn_sni(c) ? clasp_conn_sni(c) : "-",
                   clasp_conn_alpn(c) ? clasp_conn_alpn(c) : "-", leaf ? "yes" : "no");
            uint8_t buf[1024];
            long n = clasp_fd_read(c, fd, buf, sizeof buf);
            if (n > 0)
                clasp_fd_write(c, fd, buf, (size_t)n);
            clasp_fd_close(c, fd);
        }
        fflush(stdout);
        clasp_conn_free(c);
        close(fd);
    }
    close(ls);
    return 0;
}

static int run_client(clasp_config *cfg, int port, const char *servername)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&a, sizeof a))
        die("connect", "refused");
    clasp_conn *c = clasp_conn_new(cfg);
    if (servername && clasp_conn_set_server_name(c, servername))
        die("server name", clasp_conn_error_text(c));
    int rc = 1;
    if (clasp_fd_handshake(c, fd) != CLASP_OK) {
        report_failure(c);
    } else {
        size_t ocsp_len;
        const uint8_t *ocsp = clasp_conn_ocsp_response(c, &ocsp_len);
        printf("handshake: version=%s alpn=%s ocsp=%zu\n", clasp_conn_version_name(c),
               clasp_conn_alpn(c) ? clasp_conn_alpn(c) : "-", ocsp ? ocsp_len : 0);
        uint8_t buf[256];
        long n = clasp_fd_write(c, fd, (const uint8_t *)"hello\n", 6);
        if (n == 6 && (n = clasp_fd_read(c, fd, buf, sizeof buf - 1)) > 0) {
            buf[n] = 0;
            printf("received: %s", (char *)buf);
            rc = 0;
        } else {
            report_failure(c);
        }
        clasp_fd_close(c, fd);
    }
    clasp_conn_free(c);
    close(fd);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        die("usage", "callback_peer server|client OPTIONS");
    setvbuf(stdout, NULL, _IOLBF, 0);
    int server = strcmp(argv[1], "server") == 0;
    clasp_config *cfg = clasp_config_new(server ? CLASP_SERVER : CLASP_CLIENT);
    int port = 0, count = 1;
    const char *servername = NULL, *cert = NULL, *ca = NULL;
    for (int i = 2; i < argc; i++) {
        const char *o = argv[i];
        int more = argc - i - 1;
        if (!strcmp(o, "--port") && more)
            port = atoi(argv[++i]);
        else if (!strcmp(o, "--count") && more)
            count = atoi(argv[++i]);
        else if (!strcmp(o, "--servername") && more)
            servername = argv[++i];
        else if (!strcmp(o, "--cert") && more)
            cert = argv[++i];
        else if (!strcmp(o, "--key") && more && cert)
            load(cfg, cert, argv[++i]);
        else if (!strcmp(o, "--ca") && more) {
            ca = argv[++i];
            if (clasp_config_load_ca_file(cfg, ca))
                die(ca, clasp_config_error(cfg));
        } else if (!strcmp(o, "--crl") && more) {
            if (clasp_config_load_crl_file(cfg, argv[++i]))
                die(argv[i], clasp_config_error(cfg));
        } else if (!strcmp(o, "--ocsp") && more) {
            if (clasp_config_load_ocsp_response(cfg, argv[++i]))
                die(argv[i], clasp_config_error(cfg));
        } else if (!strcmp(o, "--ocsp-request") || !strcmp(o, "--ocsp-require")) {
            if (clasp_config_set_ocsp(cfg, !strcmp(o, "--ocsp-request") ? CLASP_OCSP_REQUEST
                                                                         : CLASP_OCSP_REQUIRE))
                die(o, clasp_config_error(cfg));
        } else if (!strcmp(o, "--client-auth"))
            clasp_config_set_client_auth(cfg, CLASP_CLIENT_AUTH_REQUIRED);
        else if (!strcmp(o, "--tls1.2"))
            clasp_config_set_versions(cfg, CLASP_TLS1_2, CLASP_TLS1_2);
        else if (!strcmp(o, "--alpn") && more)
            clasp_config_set_alpn(cfg, argv[++i]);
        else if (!strcmp(o, "--alpn-prefer") && more) {
            alpn_prefer = argv[++i];
            clasp_config_set_alpn_callback(cfg, choose_alpn, NULL);
        } else if (!strcmp(o, "--refuse-unknown"))
            refuse_unknown = 1;
        else if (!strcmp(o, "--pin") && more) {
            pin = read_file(argv[++i], &pin_len);
            clasp_config_set_verify_callback(cfg, verify_pin, NULL);
        } else if (!strcmp(o, "--custom-pin") && more) {
            custom_pin = read_file(argv[++i], &custom_pin_len);
            clasp_config_set_custom_verify(cfg, verify_custom, NULL);
        } else if (!strcmp(o, "--name") && more >= 3 && n_names < MAX_NAMES) {
            clasp_config *named = clasp_config_new(CLASP_SERVER);
            load(named, argv[i + 2], argv[i + 3]);
            if (alpn_prefer)
                clasp_config_set_alpn_callback(named, choose_alpn, NULL);
            names[n_names].host = argv[i + 1];
            names[n_names++].cfg = named;
            i += 3;
        } else
            die(o, "unknown option or missing value");
    }
    if (n_names || refuse_unknown)
        clasp_config_set_select_callback(cfg, select_config, NULL);
    int rc = server ? run_server(cfg, port, count) : run_client(cfg, port, servername);
    clasp_config_free(cfg);
    for (size_t i = 0; i < n_names; i++)
        clasp_config_free(names[i].cfg);
    free(pin);
    free(custom_pin);
    return rc;
}
