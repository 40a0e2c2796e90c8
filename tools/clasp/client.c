/* SPDX-License-Identifier: Apache-2.0 */
/* clasp client HOST:PORT: connect, handshake, print the "handshake:" line,
 * then fetch a path (--get), send a line (--send) or relay stdin. */
#include "tool.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef enum { CLIENT_RELAY, CLIENT_GET, CLIENT_SEND } client_mode;

typedef struct {
    common_options common;
    const char *target; /* HOST:PORT as given */
    const char *server_name;
    const char *ca_file;
    int insecure;
    client_mode mode;
    const char *get_path;
    const char *send_text;
    int resume;
} client_options;

enum { PARSE_OK = 0, PARSE_HELP = -1 };

static int parse_client_options(client_options *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    options_init(&o->common, CLASP_CLIENT);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        int r;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
            return PARSE_HELP;
        if ((r = options_parse_common(&o->common, argc, argv, &i)) != 0) {
            if (r == 1)
                continue;
            return r;
        }
        if (strcmp(arg, "--insecure") == 0) {
            o->insecure = 1;
            continue;
        }
        if (strcmp(arg, "--resume") == 0) {
            o->resume = 1;
            continue;
        }
        const char *value;
        if ((r = options_take_value(argc, argv, &i, "--servername", &value)) != 0) {
            if (r != 1)
                return r;
            o->server_name = value;
            continue;
        }
        if ((r = options_take_value(argc, argv, &i, "--cafile", &value)) != 0) {
            if (r != 1)
                return r;
            o->ca_file = value;
            continue;
        }
        if ((r = options_take_value(argc, argv, &i, "--get", &value)) != 0) {
            if (r != 1)
                return r;
            o->get_path = value;
            continue;
        }
        if ((r = options_take_value(argc, argv, &i, "--send", &value)) != 0) {
            if (r != 1)
                return r;
            o->send_text = value;
            continue;
        }
        if (arg[0] == '-' && arg[1] != '\0')
            return options_unknown(arg);
        if (o->target)
            return options_unknown(arg);
        o->target = arg;
    }
    if (!o->target)
        return tool_usage_error("clasp client needs HOST:PORT (see clasp --help)");
    if (o->get_path && o->send_text)
        return tool_usage_error("--get and --send cannot be used together");
    if (options_check_cert_pairs(&o->common) != 0)
        return TOOL_EXIT_USAGE;
    o->mode = o->get_path ? CLIENT_GET : o->send_text ? CLIENT_SEND : CLIENT_RELAY;
    return PARSE_OK;
}

static void report_failure(const clasp_conn *c, long rc)
{
    char why[TOOL_ERROR_MAX];
    tool_conn_failure(c, rc, "server", why, sizeof why);
    tool_error("%s", why);
}

static int write_stdout(const uint8_t *buf, size_t len)
{
    if (tool_write_all(STDOUT_FILENO, buf, len) != 0) {
        tool_error("cannot write to standard output: %s", strerror(errno));
        return -1;
    }
    return 0;
}

static int send_all(clasp_conn *c, int fd, const uint8_t *buf, size_t len)
{
    long r = tool_tls_write_all(c, fd, buf, len);
    if (r < 0) {
        report_failure(c, r);
        return -1;
    }
    return 0;
}

/* Copies the server's data to stdout until its close_notify. A TCP close
 * without one (CLASP_TRUNCATED) fails: what was printed may be cut short. */
static int read_to_end(clasp_conn *c, int fd)
{
    uint8_t buf[16384];
    for (;;) {
        long n = clasp_fd_read(c, fd, buf, sizeof buf);
        if (n > 0) {
            if (write_stdout(buf, (size_t)n) != 0)
                return -1;
            continue;
        }
        if (n == CLASP_CLOSED)
            return 0;
        report_failure(c, n);
        return -1;
    }
}

static int run_get(clasp_conn *c, int fd, const char *path, const char *name)
{
    /* An IPv6 literal needs brackets in a Host header. */
    int bracket = strchr(name, ':') != NULL;
    size_t cap = strlen(path) + strlen(name) + 64;
    char *request = malloc(cap);
    if (!request) {
        tool_error("out of memory");
        return -1;
    }
    int len = snprintf(request, cap, "GET %s HTTP/1.1\r\nHost: %s%s%s\r\nConnection: close\r\n\r\n",
                       path, bracket ? "[" : "", name, bracket ? "]" : "");
    int r = send_all(c, fd, (const uint8_t *)request, (size_t)len);
    free(request);
    if (r != 0)
        return -1;
    return read_to_end(c, fd);
}

static int run_send(clasp_conn *c, int fd, const char *text, int *close_sent)
{
    size_t len = strlen(text);
    char *line = malloc(len + 1);
    if (!line) {
        tool_error("out of memory");
        return -1;
    }
    memcpy(line, text, len);
    line[len] = '\n';
    int r = send_all(c, fd, (const uint8_t *)line, len + 1);
    free(line);
    if (r != 0)
        return -1;
    /* Close our side first so an echo server knows we are done; its answer
     * still arrives (TLS lets each direction close on its own). */
    long rc = clasp_fd_close(c, fd);
    if (rc < 0) {
        report_failure(c, rc);
        return -1;
    }
    *close_sent = 1;
    return read_to_end(c, fd);
}

/* fd_write/fd_close on the relay's non-blocking socket: made
 * blocking for the call, so a line of stdin is sent whole before the next
 * is read (only the send timeout can stop it). */
enum blocking_op { OP_WRITE, OP_CLOSE };

static long blocking_call(clasp_conn *c, int fd, enum blocking_op op, const uint8_t *buf,
                          size_t len)
{
    net_set_nonblocking(fd, 0);
    long r;
    if (op == OP_WRITE)
        r = tool_tls_write_all(c, fd, buf, len);
    else
        r = clasp_fd_close(c, fd);
    net_set_nonblocking(fd, 1);
    return r;
}

/* Copies stdin to the server and the server's data to stdout. At stdin's
 * EOF sends close_notify and waits (bounded) for the server to close. */
static int run_relay(clasp_conn *c, int fd, int *close_sent)
{
    uint8_t buf[16384];
    int stdin_open = 1;
    if (net_set_nonblocking(fd, 1) != 0) {
        tool_error("cannot make the socket non-blocking: %s", strerror(errno));
        return -1;
    }
    for (;;) {
        /* Drain first: the connection may hold decrypted data that poll
         * cannot see, e.g. records that came with the last handshake flight. */
        for (;;) {
            long n = clasp_fd_read(c, fd, buf, sizeof buf);
            if (n > 0) {
                if (write_stdout(buf, (size_t)n) != 0)
                    return -1;
                continue;
            }
            if (n == CLASP_WANT_READ)
                break;
            if (n == CLASP_CLOSED)
                return 0;
            if (*close_sent && n == CLASP_ERROR && clasp_conn_error(c) == CLASP_E_IO)
                return 0; /* we had finished; the server reset the connection */
            report_failure(c, n);
            return -1;
        }

        /* Reading may have queued an answer (a KeyUpdate, say) the socket
         * did not take at once: wait for room to send it too. */
        long pending = clasp_fd_flush(c, fd);
        if (pending == CLASP_ERROR) {
            report_failure(c, pending);
            return -1;
        }
        short tls_events = POLLIN | (pending == CLASP_WANT_WRITE ? POLLOUT : 0);
        struct pollfd p[2] = {{.fd = fd, .events = tls_events}, {.fd = STDIN_FILENO, .events = POLLIN}};
        int r = poll(p, stdin_open ? 2 : 1, stdin_open ? -1 : TOOL_IO_TIMEOUT_S * 1000);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            tool_error("cannot wait for input: %s", strerror(errno));
            return -1;
        }
        if (r == 0) {
            tool_error("timed out after %d s waiting for the server to close the connection",
                       TOOL_IO_TIMEOUT_S);
            return -1;
        }
        if (stdin_open && p[1].revents) {
            ssize_t got = read(STDIN_FILENO, buf, sizeof buf);
            if (got < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            if (got > 0) {
                long w = blocking_call(c, fd, OP_WRITE, buf, (size_t)got);
                if (w < 0) {
                    report_failure(c, w);
                    return -1;
                }
            } else {
                stdin_open = 0;
                long w = blocking_call(c, fd, OP_CLOSE, NULL, 0);
                if (w < 0) {
                    report_failure(c, w);
                    return -1;
                }
                *close_sent = 1;
            }
        }
    }
}

/* TLS 1.3 tickets come after the handshake: read (up to a second) until
 * one arrives, printing any data the server sends meanwhile. */
static int wait_for_ticket(clasp_conn *c, int fd)
{
    uint8_t buf[4096];
    for (int i = 0; i < 10; i++) {
        clasp_session *s = clasp_conn_get_session(c);
        if (s) {
            clasp_session_free(s);
            return 0;
        }
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 100) <= 0)
            continue;
        long n = clasp_fd_read(c, fd, buf, sizeof buf);
        if (n > 0) {
            if (write_stdout(buf, (size_t)n) != 0)
                return -1;
        } else if (n == CLASP_CLOSED) {
            return 0; /* whatever session there is will do */
        } else if (n != CLASP_WANT_READ) {
            report_failure(c, n); /* what was printed may be cut short */
            return -1;
        }
    }
    return 0;
}

/* One connection: connect, handshake (resuming *session if set), print the
 * handshake line, then the chosen mode. With first_of_two, the mode is
 * only run if it does not need stdin, and the session is kept. */
static int connect_once(client_options *o, clasp_config *cfg, const char *host, const char *port,
                        int first_of_two, clasp_session **session, int *fd_out, clasp_conn **c_out,
                        int *close_sent)
{
    char err[TOOL_ERROR_MAX];
    int fd = net_connect(host, port, o->target, TOOL_CONNECT_TIMEOUT_S, err, sizeof err);
    *fd_out = fd;
    if (fd < 0) {
        tool_error("%s", err);
        return -1;
    }
    clasp_conn *c = clasp_conn_new(cfg);
    *c_out = c;
    if (!c) {
        tool_error("out of memory");
        return -1;
    }
    const char *name = o->server_name ? o->server_name : host;
    if (clasp_conn_set_server_name(c, name) != 0) {
        const char *text = clasp_conn_error_text(c);
        if (text && *text)
            tool_error("%s", text);
        else
            tool_error("cannot use '%s' as the server name", name);
        return -1;
    }
    if (*session && clasp_conn_set_session(c, *session) != 0) {
        tool_error("cannot use the saved session");
        return -1;
    }

    trace_begin_connection(&o->common.ladder);
    int hr = clasp_fd_handshake(c, fd);
    if (hr != CLASP_OK) {
        report_failure(c, hr);
        return -1;
    }
    char summary[512];
    handshake_summary(c, summary, sizeof summary);
    fflush(stdout);
    fprintf(stderr, "%s\n", summary);
    fflush(stderr);
    options_print_export(&o->common, c);

    int r;
    switch (first_of_two && o->mode == CLIENT_RELAY ? CLIENT_SEND + 1 : (int)o->mode) {
    case CLIENT_GET:
        r = run_get(c, fd, o->get_path, name);
        break;
    case CLIENT_SEND:
        r = run_send(c, fd, o->send_text, close_sent);
        break;
    case CLIENT_RELAY:
        r = run_relay(c, fd, close_sent);
        break;
    default:
        r = wait_for_ticket(c, fd);
        break;
    }
    if (r != 0)
        return -1;
    /* Answer the server's close_notify; it may be gone already, which is fine. */
    if (!*close_sent) {
        net_set_nonblocking(fd, 0);
        clasp_fd_close(c, fd);
    }
    if (first_of_two) {
        *session = clasp_conn_get_session(c);
        if (!*session) {
            tool_error("the server gave no resumable session (no ticket or session id)");
            return -1;
        }
    }
    return 0;
}

static int config_error(const clasp_config *cfg, const char *fallback)
{
    const char *text = clasp_config_error(cfg);
    tool_error("%s", text && *text ? text : fallback);
    return -1;
}

int client_main(int argc, char **argv)
{
    client_options o;
    int r = parse_client_options(&o, argc, argv);
    if (r == PARSE_HELP) {
        usage_print(stdout);
        return TOOL_EXIT_OK;
    }
    if (r != PARSE_OK)
        return r;

    char host[256], port[16];
    if (net_split_host_port(o.target, host, sizeof host, port, sizeof port) != 0)
        return tool_usage_error("expected HOST:PORT (like localhost:4433 or [::1]:4433), not '%s'",
                                o.target);

    int status = TOOL_EXIT_FAILURE;
    int fd = -1, close_sent = 0;
    clasp_conn *c = NULL;
    clasp_session *session = NULL; /* before any goto done, which frees it */
    clasp_config *cfg = clasp_config_new(CLASP_CLIENT);
    if (!cfg) {
        tool_error("out of memory");
        goto done;
    }
    if (options_apply(&o.common, cfg) != 0)
        goto done;
    if (o.ca_file && clasp_config_load_ca_file(cfg, o.ca_file) != 0) {
        config_error(cfg, "cannot load the CA file");
        goto done;
    }
    if (o.insecure) {
        clasp_config_set_verify_peer(cfg, 0);
        tool_warning("--insecure: the server's certificate and name are not checked");
    }

    /* With --resume: connect, keep the session, connect again with it. */
    for (int attempt = 0; attempt < (o.resume ? 2 : 1); attempt++) {
        if (attempt > 0) {
            if (c)
                clasp_conn_free(c);
            c = NULL;
            close(fd);
            fd = -1;
            close_sent = 0;
            status = TOOL_EXIT_FAILURE;
        }
        if (connect_once(&o, cfg, host, port, attempt == 0 && o.resume, &session, &fd, &c,
                         &close_sent) != 0)
            goto done;
        status = TOOL_EXIT_OK;
    }

done:
    clasp_session_free(session);
    if (c)
        clasp_conn_free(c);
    if (fd >= 0)
        close(fd);
    if (cfg)
        clasp_config_free(cfg);
    options_cleanup(&o.common);
    return status;
}
