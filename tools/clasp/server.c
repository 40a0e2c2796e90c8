/* SPDX-License-Identifier: Apache-2.0 */
/* clasp server: accept connections one at a time, handshake, print the
 * "handshake:" line, then answer HTTP (--www), echo (--echo) or print what
 * the client sends. */
#include "tool.h"
#include "crypto/testpki.h" /* the throw-away certificate without --cert */

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WWW_REQUEST_MAX 16384

typedef enum { SERVE_PRINT, SERVE_WWW, SERVE_ECHO } server_mode;

typedef struct {
    common_options common;
    unsigned long port;
    const char *client_ca_file; /* --verify-client */
    const char *ticket_key_file; /* --ticket-key: shared by a fleet */
    int no_resumption;
    int hrr_cookie;      /* --hrr-cookie */
    server_mode mode;
    unsigned long count; /* connections to handle; 0: no limit */
} server_options;

enum { PARSE_OK = 0, PARSE_HELP = -1 };

static int parse_server_options(server_options *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    options_init(&o->common, CLASP_SERVER);
    o->port = TOOL_DEFAULT_PORT;
    int www = 0, echo = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value;
        int r;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
            return PARSE_HELP;
        if ((r = options_parse_common(&o->common, argc, argv, &i)) != 0) {
            if (r == 1)
                continue;
            return r;
        }
        if (strcmp(arg, "--www") == 0) {
            www = 1;
            continue;
        }
        if (strcmp(arg, "--echo") == 0) {
            echo = 1;
            continue;
        }
        if ((r = options_take_value(argc, argv, &i, "--port", &value)) != 0) {
            if (r != 1 || options_parse_number("--port", value, 0, 65535, &o->port) != 0)
                return TOOL_EXIT_USAGE;
            continue;
        }
        if ((r = options_take_value(argc, argv, &i, "--count", &value)) != 0) {
            if (r != 1 || options_parse_number("--count", value, 1, 1000000000UL, &o->count) != 0)
                return TOOL_EXIT_USAGE;
            continue;
        }
        if ((r = options_take_value(argc, argv, &i, "--ticket-key", &value)) != 0) {
            if (r != 1)
                return r;
            o->ticket_key_file = value;
            continue;
        }
        if (strcmp(arg, "--no-resumption") == 0) {
            o->no_resumption = 1;
            continue;
        }
        if (strcmp(arg, "--hrr-cookie") == 0) {
            o->hrr_cookie = 1;
            continue;
        }
        if ((r = options_take_value(argc, argv, &i, "--verify-client", &value)) != 0) {
            if (r != 1)
                return r;
            o->client_ca_file = value;
            continue;
        }
        return options_unknown(arg);
    }
    if (www && echo)
        return tool_usage_error("--www and --echo cannot be used together");
    if (options_check_cert_pairs(&o->common) != 0)
        return TOOL_EXIT_USAGE;
    o->mode = www ? SERVE_WWW : echo ? SERVE_ECHO : SERVE_PRINT;
    return PARSE_OK;
}

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
    stop_signal = sig;
}

static void report_failure(const clasp_conn *c, long rc)
{
    char why[TOOL_ERROR_MAX];
    tool_conn_failure(c, rc, "client", why, sizeof why);
    tool_error("%s", why);
}

/* Where the request's headers end (just past the blank line), or 0. */
static size_t end_of_headers(const char *buf, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (buf[i] != '\n')
            continue;
        if (buf[i + 1] == '\n')
            return i + 2;
        if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
            return i + 3;
    }
    return 0;
}

static int serve_www(clasp_conn *c, int fd, const char *summary)
{
    char request[WWW_REQUEST_MAX];
    size_t used = 0;
    /* Read up to the blank line; a longer request is answered as it stands. */
    while (used < sizeof request && !end_of_headers(request, used)) {
        long n = clasp_fd_read(c, fd, (uint8_t *)request + used, sizeof request - used);
        if (n > 0) {
            used += (size_t)n;
            continue;
        }
        if (n == CLASP_CLOSED) {
            clasp_fd_close(c, fd); /* gone before asking: nothing to answer */
            return 0;
        }
        /* Browsers drop spare connections without close_notify; with not
         * a byte of a request there is nothing to distrust. */
        if (n == CLASP_TRUNCATED && used == 0)
            return 0;
        report_failure(c, n); /* CLASP_TRUNCATED: the request was cut short */
        return -1;
    }

    char request_line[256];
    size_t k = 0;
    while (k < used && k < sizeof request_line - 1 && request[k] != '\r' && request[k] != '\n') {
        unsigned char ch = (unsigned char)request[k];
        request_line[k] = (ch < 0x20 || ch >= 0x7f) ? '?' : (char)ch;
        k++;
    }
    request_line[k] = '\0';

    const char *sni = clasp_conn_sni(c);
    char body[1024];
    int body_len = snprintf(body, sizeof body, "clasp server\nrequest: %s\nserver name: %s\n%s\n",
                            request_line, sni && *sni ? sni : "-", summary);
    if (body_len < 0 || (size_t)body_len >= sizeof body)
        body_len = (int)strlen(body);
    char response[1280];
    int len = snprintf(response, sizeof response,
                       "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
                       "Connection: close\r\n\r\n%s",
                       body_len, body);
    long r = tool_tls_write_all(c, fd, (const uint8_t *)response, (size_t)len);
    if (r < 0) {
        report_failure(c, r);
        return -1;
    }
    r = clasp_fd_close(c, fd);
    if (r < 0) {
        report_failure(c, r);
        return -1;
    }
    return 0;
}

/* Echoes (echo) or prints on stdout what the client sends until it closes. */
static int serve_stream(clasp_conn *c, int fd, int echo)
{
    uint8_t buf[16384];
    for (;;) {
        long n = clasp_fd_read(c, fd, buf, sizeof buf);
        if (n > 0) {
            long w = echo ? tool_tls_write_all(c, fd, buf, (size_t)n) : 0;
            if (w < 0) {
                report_failure(c, w);
                return -1;
            }
            if (!echo && tool_write_all(STDOUT_FILENO, buf, (size_t)n) != 0) {
                tool_error("cannot write to standard output: %s", strerror(errno));
                return -1;
            }
            continue;
        }
        if (n == CLASP_CLOSED) {
            clasp_fd_close(c, fd); /* answer close_notify; the client may be gone */
            return 0;
        }
        report_failure(c, n); /* CLASP_TRUNCATED: what it sent may be cut short */
        return -1;
    }
}

static void serve_connection(server_options *o, clasp_config *cfg, int fd)
{
    clasp_conn *c = clasp_conn_new(cfg);
    if (!c) {
        tool_error("out of memory");
        return;
    }
    trace_begin_connection(&o->common.ladder);
    int hr = clasp_fd_handshake(c, fd);
    if (hr != CLASP_OK) {
        report_failure(c, hr);
        clasp_conn_free(c);
        return;
    }
    char summary[512];
    handshake_summary(c, summary, sizeof summary);
    fflush(stdout);
    fprintf(stderr, "%s\n", summary);
    fflush(stderr);
    options_print_export(&o->common, c);

    if (o->mode == SERVE_WWW)
        serve_www(c, fd, summary);
    else
        serve_stream(c, fd, o->mode == SERVE_ECHO);
    clasp_conn_free(c);
}

static int config_error(const clasp_config *cfg, const char *fallback)
{
    const char *text = clasp_config_error(cfg);
    tool_error("%s", text && *text ? text : fallback);
    return -1;
}

/* No --cert: a throw-away CA and certificate, announced so clients can
 * trust it with --cafile. */
static int use_ephemeral_pki(clasp_config *cfg, char *dir, size_t dirlen)
{
    if (tool_make_temp_dir(dir, dirlen) != 0) {
        tool_error("cannot create a temporary directory: %s", strerror(errno));
        dir[0] = '\0';
        return -1;
    }
    char err[TOOL_ERROR_MAX] = "";
    if (cl_testpki_make(dir, "ecdsa", err, sizeof err) != 0) {
        tool_error("cannot create a test certificate: %s", err[0] ? err : "unknown failure");
        return -1;
    }
    char cert[4200], key[4200];
    snprintf(cert, sizeof cert, "%s/cert.pem", dir);
    snprintf(key, sizeof key, "%s/key.pem", dir);
    if (clasp_config_load_cert_chain(cfg, cert, key) != 0)
        return config_error(cfg, "cannot load the test certificate");
    fprintf(stderr, "clasp: no --cert given; using an ephemeral CA: %s/ca.pem\n", dir);
    fflush(stderr);
    return 0;
}

int server_main(int argc, char **argv)
{
    server_options o;
    int r = parse_server_options(&o, argc, argv);
    if (r == PARSE_HELP) {
        usage_print(stdout);
        return TOOL_EXIT_OK;
    }
    if (r != PARSE_OK)
        return r;

    int status = TOOL_EXIT_FAILURE;
    int listen_fd = -1;
    char pki_dir[4096] = "";
    clasp_config *cfg = clasp_config_new(CLASP_SERVER);
    if (!cfg) {
        tool_error("out of memory");
        goto done;
    }
    if (options_apply(&o.common, cfg) != 0)
        goto done;
    if (o.ticket_key_file && clasp_config_load_ticket_secret(cfg, o.ticket_key_file) != 0) {
        tool_error("%s", clasp_config_error(cfg));
        goto done;
    }
    if (o.no_resumption)
        clasp_config_set_resumption(cfg, 0);
    clasp_config_set_hrr_cookie(cfg, o.hrr_cookie);
    if (o.client_ca_file) {
        if (clasp_config_load_ca_file(cfg, o.client_ca_file) != 0) {
            config_error(cfg, "cannot load the client CA file");
            goto done;
        }
        if (clasp_config_set_client_auth(cfg, CLASP_CLIENT_AUTH_REQUIRED) != 0) {
            config_error(cfg, "cannot require client certificates");
            goto done;
        }
    }

    /* Listen before making a test PKI: a busy port is the likelier failure. */
    char err[TOOL_ERROR_MAX];
    unsigned port = 0;
    listen_fd = net_listen(NULL, (unsigned)o.port, &port, err, sizeof err);
    if (listen_fd < 0) {
        tool_error("%s", err);
        goto done;
    }
    if (o.common.n_cert_files == 0 && use_ephemeral_pki(cfg, pki_dir, sizeof pki_dir) != 0)
        goto done;
    printf("listening on port %u\n", port);
    fflush(stdout);

    /* No SA_RESTART: a blocked accept returns so the temporary PKI can be
     * removed before we go. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    unsigned long handled = 0;
    while (!stop_signal && (o.count == 0 || handled < o.count)) {
        int fd = net_accept(listen_fd, -1);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            tool_error("cannot accept a connection: %s", strerror(errno));
            poll(NULL, 0, 100); /* e.g. out of descriptors: do not spin */
            continue;
        }
        serve_connection(&o, cfg, fd);
        net_close_gracefully(fd);
        handled++;
    }
    if (!stop_signal)
        status = TOOL_EXIT_OK;

done:
    if (listen_fd >= 0)
        close(listen_fd);
    if (cfg)
        clasp_config_free(cfg);
    options_cleanup(&o.common);
    if (pki_dir[0])
        tool_remove_tree(pki_dir);
    if (stop_signal) {
        /* Die of the signal as if we had not caught it. */
        signal((int)stop_signal, SIG_DFL);
        raise((int)stop_signal);
    }
    return status;
}
