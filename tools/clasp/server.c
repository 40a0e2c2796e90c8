/* SPDX-License-Identifier: Apache-2.0 */
/* clasp server: parses the command line, builds the one configuration
 * every connection shares, listens (IPv4 and IPv6), and runs the worker
 * threads (server_loop.c) until SIGTERM/SIGINT or --count connections.
 * Each connection prints its "handshake:" line (--quiet: none), then gets
 * HTTP (--www), an echo (--echo), or its data printed. */
#include "server.h"
#include "crypto/testpki.h" /* the throw-away certificate without --cert */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

enum { PARSE_OK = 0, PARSE_HELP = -1 };

static int parse_server_options(server_options *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    options_init(&o->common, CLASP_SERVER);
    o->port = TOOL_DEFAULT_PORT;
    limits_defaults(&o->limits);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o->workers = cores > 0 ? (unsigned long)cores : 1;
    if (o->workers > SERVER_MAX_WORKERS)
        o->workers = SERVER_MAX_WORKERS;
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
        if ((r = limits_parse(&o->limits, argc, argv, &i)) != 0) {
            if (r == 1)
                continue;
            return r;
        }
        if ((r = options_take_value(argc, argv, &i, "--workers", &value)) != 0) {
            if (r != 1 || options_parse_number("--workers", value, 1, SERVER_MAX_WORKERS, &o->workers) != 0)
                return TOOL_EXIT_USAGE;
            continue;
        }
        if (strcmp(arg, "--quiet") == 0) {
            o->quiet = 1;
            continue;
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

/* Runs the workers until a stop signal or --count connections, then
 * waits for them to drain. TOOL_EXIT_OK, or TOOL_EXIT_FAILURE if they
 * could not start. */
static int run_workers(const server_options *o, clasp_config *cfg, int listen_fd, unsigned port)
{
    server_shared s;
    memset(&s, 0, sizeof s);
    s.opt = o;
    s.cfg = cfg;
    s.listen_fd = listen_fd;
    atomic_init(&s.stopping, 0);
    atomic_init(&s.open, 0);
    atomic_init(&s.accepted, 0);
    atomic_init(&s.finished, 0);
    atomic_init(&s.last_refusal_note_ms, 0);
    s.stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (s.stop_fd < 0) {
        tool_error("cannot create an eventfd: %s", strerror(errno));
        return TOOL_EXIT_FAILURE;
    }

    /* Only this thread takes SIGTERM/SIGINT (the workers inherit the
     * mask): it turns them into a stop the workers see in their loops. */
    sigset_t stop_set;
    sigemptyset(&stop_set);
    sigaddset(&stop_set, SIGINT);
    sigaddset(&stop_set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_set, NULL);

    pthread_t threads[SERVER_MAX_WORKERS];
    unsigned long started = 0;
    for (; started < o->workers; started++) {
        int e = pthread_create(&threads[started], NULL, server_worker_run, &s);
        if (e != 0) {
            tool_error("cannot start worker thread %lu: %s", started + 1, strerror(e));
            break;
        }
    }
    int status = started == o->workers ? TOOL_EXIT_OK : TOOL_EXIT_FAILURE;
    if (status == TOOL_EXIT_OK) {
        printf("listening on port %u\n", port);
        fflush(stdout);
    } else {
        server_request_stop(&s);
    }

    /* Wait for a signal, or for the workers to stop by themselves (--count). */
    while (!atomic_load(&s.stopping)) {
        struct timespec tick = {.tv_sec = 0, .tv_nsec = 100 * 1000 * 1000};
        int sig = sigtimedwait(&stop_set, NULL, &tick);
        if (sig == SIGINT || sig == SIGTERM) {
            if (!o->quiet)
                fprintf(stderr, "clasp: %s: no new connections; finishing the open ones (at most %lu s)\n",
                        sig == SIGINT ? "SIGINT" : "SIGTERM", o->limits.drain_timeout_ms / 1000);
            server_request_stop(&s);
        }
    }
    for (unsigned long i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    close(s.stop_fd);
    /* The mask stays: a second SIGTERM during the drain must not kill us
     * now that it is done. */
    return status;
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
    if (net_set_nonblocking(listen_fd, 1) != 0) {
        tool_error("cannot make the listening socket non-blocking: %s", strerror(errno));
        goto done;
    }
    if (o.common.n_cert_files == 0 && use_ephemeral_pki(cfg, pki_dir, sizeof pki_dir) != 0)
        goto done;
    limits_fit_descriptors(&o.limits, o.workers);
    status = run_workers(&o, cfg, listen_fd, port);

done:
    if (listen_fd >= 0)
        close(listen_fd);
    if (cfg)
        clasp_config_free(cfg);
    options_cleanup(&o.common);
    if (pki_dir[0])
        tool_remove_tree(pki_dir);
    return status;
}
