/* SPDX-License-Identifier: Apache-2.0 */
/* uv_client: fetch one URL path over HTTPS on a libuv event loop, with the
 * clasp sans-I/O core: libuv owns the socket, clasp never touches it.
 *
 *   uv_client HOST PORT [PATH [CA.pem]]
 *
 * Prints the response (headers and body) on stdout and, on stderr, the
 * protocol and how many bytes went into clasp without a copy. Without
 * CA.pem the system's trust store is used; the certificate must be valid
 * for HOST. Exit status 0 when the whole response came (the server closed
 * with close_notify), 1 otherwise.
 *
 * Zero-copy input: libuv asks the program for a buffer before each read
 * (the alloc callback). This one hands libuv the free space of the
 * connection's own input buffer (clasp_conn_input_buffer), so the socket's
 * bytes land where clasp parses and decrypts them, and the read callback
 * only says how many arrived (clasp_conn_input_done). clasp_conn_read then
 * decrypts a whole record straight into the caller's buffer when it is
 * large enough. The pointer clasp_conn_input_buffer returns is valid only
 * until the next call on the connection: libuv calls the read callback
 * right after the alloc callback, with nothing in between.
 *
 * Output: clasp_conn_output points into the connection's output buffer,
 * which later calls may move. uv_try_write sends from it directly when the
 * socket takes the bytes at once (the usual case); whatever it does not
 * take is copied into the write request, because uv_write finishes later.
 *
 * Build against an installed clasp:
 *   cc uv_client.c $(pkg-config --cflags --libs clasp libuv) -o uv_client */
#include <clasp/clasp.h>
#include <uv.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uv_tcp_t tcp;
    uv_getaddrinfo_t resolve;
    uv_connect_t connect;
    uv_shutdown_t shutdown;
    clasp_config *cfg;
    clasp_conn *tls;
    const char *host, *path;
    int tcp_open;     /* tcp was initialised: it must be closed */
    int request_sent;
    int finished;
    int status;       /* the exit status */
    unsigned long long fed, reads, copied_out;
    uint8_t page[16384 + 256]; /* room for a whole record: decrypted straight into it */
} fetch;

typedef struct {
    uv_write_t req;
    uv_buf_t buf;
    uint8_t bytes[]; /* what uv_try_write did not take */
} write_req;

static void on_closed(uv_handle_t *handle) { (void)handle; }

static void on_shutdown(uv_shutdown_t *req, int status)
{
    (void)status; /* the peer may be gone already; nothing more to do */
    uv_close((uv_handle_t *)req->handle, on_closed);
}

static void on_written(uv_write_t *req, int status)
{
    if (status < 0 && status != UV_ECANCELED)
        fprintf(stderr, "uv_client: cannot send: %s\n", uv_strerror(status));
    free(req);
}

/* Hands what clasp wants sent to libuv. */
static void flush_output(fetch *f)
{
    const uint8_t *out;
    size_t n;
    while ((n = clasp_conn_output(f->tls, &out)) > 0) {
        uv_buf_t direct = uv_buf_init((char *)out, (unsigned)n);
        int sent = uv_try_write((uv_stream_t *)&f->tcp, &direct, 1);
        if (sent > 0) {
            clasp_conn_output_done(f->tls, (size_t)sent);
            continue;
        }
        /* Not now (or an earlier write is still queued): copy and queue. */
        write_req *w = malloc(sizeof *w + n);
        if (!w) {
            fprintf(stderr, "uv_client: out of memory\n");
            return;
        }
        memcpy(w->bytes, out, n);
        w->buf = uv_buf_init((char *)w->bytes, (unsigned)n);
        clasp_conn_output_done(f->tls, n);
        f->copied_out += n;
        int rc = uv_write(&w->req, (uv_stream_t *)&f->tcp, &w->buf, 1, on_written);
        if (rc < 0) {
            fprintf(stderr, "uv_client: cannot send: %s\n", uv_strerror(rc));
            free(w);
            return;
        }
    }
}

/* Ends the fetch: what clasp still has to send (an alert, our close_notify)
 * goes out before the socket is shut down and closed. */
static void finish(fetch *f, int status)
{
    if (f->finished)
        return;
    f->finished = 1;
    f->status = status;
    if (!f->tcp_open)
        return;
    uv_read_stop((uv_stream_t *)&f->tcp);
    if (f->tls)
        flush_output(f);
    if (uv_shutdown(&f->shutdown, (uv_stream_t *)&f->tcp, on_shutdown) != 0)
        uv_close((uv_handle_t *)&f->tcp, on_closed);
}

static void fail(fetch *f, const char *what)
{
    fprintf(stderr, "uv_client: %s\n", what);
    finish(f, 1);
}

/* Moves the connection on after new input: handshake, request, response. */
static void advance(fetch *f)
{
    if (!clasp_conn_handshake_done(f->tls)) {
        int rc = clasp_conn_handshake(f->tls);
        if (rc == CLASP_WANT_READ) {
            flush_output(f);
            return;
        }
        if (rc != CLASP_OK) {
            fail(f, clasp_conn_error_text(f->tls));
            return;
        }
        fprintf(stderr, "uv_client: %s, %s\n", clasp_conn_version_name(f->tls),
                clasp_conn_cipher_name(f->tls));
    }
    if (!f->request_sent) {
        char request[1024];
        int n = snprintf(request, sizeof request,
                         "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", f->path,
                         f->host);
        if (n < 0 || (size_t)n >= sizeof request) {
            fail(f, "the path is too long");
            return;
        }
        if (clasp_conn_write(f->tls, (const uint8_t *)request, (size_t)n) != n) {
            fail(f, clasp_conn_error_text(f->tls));
            return;
        }
        f->request_sent = 1;
    }
    /* Everything the input holds now: a record never waits for the next
     * read, which might not come. */
    for (;;) {
        long r = clasp_conn_read(f->tls, f->page, sizeof f->page);
        if (r > 0) {
            fwrite(f->page, 1, (size_t)r, stdout);
            continue;
        }
        if (r == CLASP_WANT_READ)
            break;
        if (r == CLASP_CLOSED) {
            clasp_conn_close(f->tls); /* our close_notify in answer */
            finish(f, 0);
        } else if (r == CLASP_TRUNCATED) {
            fail(f, "the server closed the connection without close_notify: the response may "
                    "be incomplete");
        } else {
            fail(f, clasp_conn_error_text(f->tls));
        }
        return;
    }
    flush_output(f);
}

static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
    fetch *f = handle->data;
    (void)suggested;
    uint8_t *room;
    size_t n = clasp_conn_input_buffer(f->tls, &room);
    /* 0 bytes (a full buffer, which advance() never leaves behind): libuv
     * then reports UV_ENOBUFS. */
    *buf = uv_buf_init((char *)room, (unsigned)(n > 0x7fffffff ? 0x7fffffff : n));
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
    fetch *f = stream->data;
    (void)buf; /* it is clasp's own input buffer */
    if (f->finished)
        return;
    if (nread > 0) {
        clasp_conn_input_done(f->tls, (size_t)nread); /* no copy: the bytes are in place */
        f->fed += (unsigned long long)nread;
        f->reads++;
        advance(f);
    } else if (nread == UV_EOF) {
        clasp_conn_feed_eof(f->tls);
        advance(f); /* CLASP_CLOSED, or CLASP_TRUNCATED without close_notify */
        if (!f->finished)
            fail(f, clasp_conn_error_text(f->tls));
    } else if (nread < 0) {
        fprintf(stderr, "uv_client: cannot receive: %s\n", uv_strerror((int)nread));
        finish(f, 1);
    }
}

static void on_connected(uv_connect_t *req, int status)
{
    fetch *f = req->data;
    if (status < 0) {
        fprintf(stderr, "uv_client: cannot connect: %s\n", uv_strerror(status));
        finish(f, 1);
        return;
    }
    f->tls = clasp_conn_new(f->cfg);
    if (!f->tls) {
        fail(f, "out of memory");
        return;
    }
    if (clasp_conn_set_server_name(f->tls, f->host) != 0) {
        fail(f, clasp_conn_error_text(f->tls));
        return;
    }
    advance(f); /* the ClientHello */
    if (!f->finished) {
        int rc = uv_read_start((uv_stream_t *)&f->tcp, on_alloc, on_read);
        if (rc < 0) {
            fprintf(stderr, "uv_client: cannot read: %s\n", uv_strerror(rc));
            finish(f, 1);
        }
    }
}

static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
    fetch *f = req->data;
    if (status < 0) {
        fprintf(stderr, "uv_client: cannot resolve %s: %s\n", f->host, uv_strerror(status));
        f->status = 1;
        return;
    }
    int rc = uv_tcp_init(req->loop, &f->tcp);
    if (rc == 0) {
        f->tcp_open = 1;
        f->tcp.data = f;
        f->connect.data = f;
        rc = uv_tcp_connect(&f->connect, &f->tcp, res->ai_addr, on_connected);
    }
    uv_freeaddrinfo(res);
    if (rc < 0) {
        fprintf(stderr, "uv_client: cannot connect: %s\n", uv_strerror(rc));
        finish(f, 1);
    }
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 5) {
        fprintf(stderr, "usage: uv_client HOST PORT [PATH [CA.pem]]\n");
        return 2;
    }
    fetch f = {.host = argv[1], .path = argc > 3 ? argv[3] : "/", .status = 1};
    const char *ca_file = argc > 4 ? argv[4] : NULL;

    f.cfg = clasp_config_new(CLASP_CLIENT);
    if (!f.cfg) {
        fprintf(stderr, "uv_client: out of memory\n");
        return 1;
    }
    if ((ca_file && clasp_config_load_ca_file(f.cfg, ca_file) != 0) ||
        clasp_config_set_alpn(f.cfg, "http/1.1") != 0) {
        fprintf(stderr, "uv_client: %s\n", clasp_config_error(f.cfg));
        clasp_config_free(f.cfg);
        return 1;
    }

    uv_loop_t loop;
    int rc = uv_loop_init(&loop);
    if (rc < 0) {
        fprintf(stderr, "uv_client: %s\n", uv_strerror(rc));
        clasp_config_free(f.cfg);
        return 1;
    }
    struct addrinfo hints = {0};
    hints.ai_socktype = SOCK_STREAM;
    f.resolve.data = &f;
    rc = uv_getaddrinfo(&loop, &f.resolve, on_resolved, argv[1], argv[2], &hints);
    if (rc < 0)
        fprintf(stderr, "uv_client: cannot resolve %s: %s\n", argv[1], uv_strerror(rc));
    else
        uv_run(&loop, UV_RUN_DEFAULT);
    fflush(stdout);
    if (f.reads)
        fprintf(stderr, "uv_client: %llu bytes in %llu reads went straight into clasp's input "
                        "buffer; %llu bytes of output were copied for a queued write\n",
                f.fed, f.reads, f.copied_out);
    uv_loop_close(&loop);
    clasp_conn_free(f.tls);
    clasp_config_free(f.cfg);
    return f.status;
}
