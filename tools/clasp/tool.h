/* SPDX-License-Identifier: Apache-2.0 */
/* Private declarations shared by the files of the clasp command-line tool.
 * The tool is written only against the public API in <clasp/clasp.h>. */
#ifndef CLASP_TOOL_H
#define CLASP_TOOL_H

#include <clasp/clasp.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __GNUC__
#define TOOL_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define TOOL_PRINTF(fmt, args)
#endif

enum { TOOL_EXIT_OK = 0, TOOL_EXIT_FAILURE = 1, TOOL_EXIT_USAGE = 2 };

#define TOOL_CONNECT_TIMEOUT_S 10
#define TOOL_IO_TIMEOUT_S 30
#define TOOL_DEFAULT_PORT 4433
#define TOOL_ERROR_MAX 512
/* --cert/--key pairs one command line may give (the library may hold fewer:
 * it says so when loading). */
#define TOOL_MAX_CERTS 8

/* ------------------------------------------------------------ subcommands */

int client_main(int argc, char **argv);
int server_main(int argc, char **argv);
int demo_main(int argc, char **argv);
void usage_print(FILE *out);

/* ------------------------------------------------------------ util.c */

/* "clasp: error: <message>" on stderr. */
void tool_error(const char *fmt, ...) TOOL_PRINTF(1, 2);
void tool_warning(const char *fmt, ...) TOOL_PRINTF(1, 2);
/* Prints a usage error and returns TOOL_EXIT_USAGE. */
int tool_usage_error(const char *fmt, ...) TOOL_PRINTF(1, 2);

/* The sentence explaining why a clasp_fd_* call returned rc (< 0). peer is
 * "server" or "client", used when the library has nothing to say. */
void tool_conn_failure(const clasp_conn *c, long rc, const char *peer, char *buf, size_t len);

/* Creates a fresh private directory under $TMPDIR (or /tmp). */
int tool_make_temp_dir(char *path, size_t len);
/* Deletes a directory and everything below it (best effort). */
void tool_remove_tree(const char *path);

/* Writes all of buf to a file descriptor (stdout), retrying short writes. */
int tool_write_all(int fd, const void *buf, size_t len);
/* Joins the strings up to a NULL into buf, cut to fit and terminated, as
 * snprintf("%s%s...") would, with its return value (the full length), at a
 * fraction of its cost: the server builds a response this way per request. */
size_t tool_concat(char *buf, size_t cap, ...);
/* v in decimal, in out; returns out. */
const char *tool_decimal(unsigned long v, char out[24]);
/* clasp_fd_write until the connection took all of buf (a blocking socket
 * takes less only when its send timeout ran out): len, or the failing
 * result. */
long tool_tls_write_all(clasp_conn *c, int fd, const uint8_t *buf, size_t len);

/* ------------------------------------------------------------ trace.c */

/* Draws handshake events as a ladder: client on the left, server on the
 * right, whichever side we are. */
typedef struct {
    FILE *out;
    clasp_role role;
    int header_done;
} trace_ladder;

void trace_init(trace_ladder *t, FILE *out, clasp_role role);
/* Starts a new picture (header line) for the next connection. */
void trace_begin_connection(trace_ladder *t);
/* A clasp_trace_fn; arg is a trace_ladder. */
void trace_event(void *arg, clasp_trace_kind kind, const char *what, const char *detail);
/* An application-data arrow (drawn with '='), sent or received by us. */
void trace_data(trace_ladder *t, int sent, const char *label, const char *detail);

/* "handshake: version=... cipher=... group=... sigalg=... alpn=... resumed=..."
 * without a newline. */
void handshake_summary(const clasp_conn *c, char *buf, size_t len);

/* ------------------------------------------------------------ options.c */

/* The flags client and server share, and what applying them opened. */
typedef struct {
    clasp_role role;
    int want_tls12, want_tls13;
    const char *ciphers, *groups, *alpn;
    /* --cert/--key, repeatable: the Nth --key belongs to the Nth --cert. */
    const char *cert_files[TOOL_MAX_CERTS], *key_files[TOOL_MAX_CERTS];
    size_t n_cert_files, n_key_files;
    int trace;
    const char *keylog_file; /* --keylog, else $SSLKEYLOGFILE */
    /* --export LABEL:LEN: after each handshake, "exporter: HEX" */
    char export_label[256];
    size_t export_len;

    FILE *keylog;            /* opened by options_apply */
    trace_ladder ladder;
} common_options;

void options_init(common_options *o, clasp_role role);
/* Tries argv[*i] as a shared option: 1 when consumed (*i is left on its last
 * word), 0 when it is not one, TOOL_EXIT_USAGE after printing a usage error. */
int options_parse_common(common_options *o, int argc, char **argv, int *i);
/* Matches "--name VALUE" or "--name=VALUE": 1 with *value set, 0 when argv[*i]
 * is another word, TOOL_EXIT_USAGE when the value is missing. */
int options_take_value(int argc, char **argv, int *i, const char *name, const char **value);
/* Parses a decimal number in [min, max]; usage error on failure. */
int options_parse_number(const char *name, const char *text, unsigned long min,
                         unsigned long max, unsigned long *out);
/* The usage error for an unknown option or a stray argument. */
int options_unknown(const char *arg);
/* After parsing: each --cert has its --key. 0, or TOOL_EXIT_USAGE after
 * printing a usage error. */
int options_check_cert_pairs(const common_options *o);
/* Applies the shared options to cfg: 0, or -1 after printing the error. */
int options_apply(common_options *o, clasp_config *cfg);
void options_cleanup(common_options *o);
/* With --export: prints "exporter: HEX" on stderr for this connection (or
 * the library's sentence). 0, or -1 when it could not export. */
int options_print_export(const common_options *o, clasp_conn *c);

/* ------------------------------------------------------------ net.c */

/* Splits "host:port" or "[v6addr]:port". 0 or -1. */
int net_split_host_port(const char *arg, char *host, size_t hostlen, char *port, size_t portlen);
/* Connects within timeout_s and returns a blocking socket with I/O timeouts,
 * or -1 with a sentence in err. display names the target in messages. */
int net_connect(const char *host, const char *port, const char *display, int timeout_s,
                char *err, size_t errlen);
/* Listens on address (NULL: every address, dual-stack IPv6 when available)
 * and port (0: any free one); returns the socket and the port it got. */
int net_listen(const char *address, unsigned port, unsigned *bound_port, char *err, size_t errlen);
/* Accepts one connection, waiting at most timeout_ms (-1: forever). -1 on
 * failure or timeout (errno says which: ETIMEDOUT on timeout). */
int net_accept(int listen_fd, int timeout_ms);
int net_set_io_timeouts(int fd, int seconds);
int net_set_nonblocking(int fd, int on);
/* Closes a socket after a FIN, draining what the peer still sends for a
 * moment, so unread input does not turn our close into a reset that could
 * destroy the data we just sent. */
void net_close_gracefully(int fd);

#endif
