/* SPDX-License-Identifier: Apache-2.0 */
/* The socket layer: moves bytes between a connection and a file descriptor,
 * blocking or non-blocking. Everything TLS happens in the sans-I/O core. */
#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/conn.h"

int clasp_fd_flush(clasp_conn *c, int fd)
{
    const uint8_t *out;
    size_t n;
    while ((n = clasp_conn_output(c, &out)) > 0) {
        ssize_t w = send(fd, out, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return CLASP_WANT_WRITE;
        if (w < 0) {
            /* A dead socket: nothing more can be sent, not even an alert. */
            c->we_closed = 1;
            clasp_conn_output_done(c, n);
            if (!c->dead) {
                c->dead = 1;
                c->err_kind = CLASP_E_IO;
                snprintf(c->err_msg, sizeof c->err_msg, "cannot send to the peer: %s",
                         strerror(errno));
            }
            return CLASP_ERROR;
        }
        clasp_conn_output_done(c, (size_t)w);
    }
    return CLASP_OK;
}

/* Bytes read onto the stack when the connection holds no input buffer: a
 * connection waiting for its peer (idle, or between handshake flights)
 * then owns no buffer at all, and one is made only for bytes that came. A
 * request or a ClientHello fits; a longer burst fills the buffer directly
 * on the next call. */
#define FD_FIRST_READ 4096

/* Reads what the socket has and feeds it: CLASP_OK when bytes (or the end
 * of the stream) arrived; the core then tells a clean close_notify from a
 * truncation. */
static int fill(clasp_conn *c, int fd)
{
    if (c->transport_eof) /* the core never waits for bytes after the end */
        return cl_fail(c, -1, CLASP_E_INTERNAL, "asked to read past the end of the stream");
    ssize_t r;
    if (!c->in.data && !c->dead) {
        uint8_t first[FD_FIRST_READ];
        do
            r = recv(fd, first, sizeof first, 0);
        while (r < 0 && errno == EINTR);
        if (r > 0) {
            size_t used;
            /* An empty buffer takes a whole FD_FIRST_READ. */
            if (clasp_conn_feed(c, first, (size_t)r, &used) != CLASP_OK || used != (size_t)r)
                return c->dead ? CLASP_ERROR
                               : cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL,
                                         "input buffer full");
            return CLASP_OK;
        }
    } else {
        uint8_t *buf;
        size_t room = clasp_conn_input_buffer(c, &buf);
        if (room == 0)
            return c->dead ? CLASP_ERROR : cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "input buffer full");
        do
            r = recv(fd, buf, room, 0); /* straight into the connection's buffer */
        while (r < 0 && errno == EINTR);
    }
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return CLASP_WANT_READ;
    if (r == 0) {
        clasp_conn_feed_eof(c);
        return CLASP_OK;
    }
    if (r < 0) {
        if (c->dead)
            return CLASP_ERROR;
        c->dead = 1;
        c->we_closed = 1;
        c->err_kind = CLASP_E_IO;
        snprintf(c->err_msg, sizeof c->err_msg, "cannot receive from the peer: %s", strerror(errno));
        return CLASP_ERROR;
    }
    clasp_conn_input_done(c, (size_t)r);
    return CLASP_OK;
}

int clasp_fd_handshake(clasp_conn *c, int fd)
{
    for (;;) {
        int rc = clasp_conn_handshake(c);
        int fl = clasp_fd_flush(c, fd);
        if (rc == CLASP_ERROR || rc == CLASP_WANT_PRIVATE_KEY)
            return rc; /* the output went as far as the socket took it */
        if (fl != CLASP_OK)
            return fl;
        if (rc == CLASP_OK)
            return CLASP_OK;
        if ((rc = fill(c, fd)) != CLASP_OK)
            return rc;
    }
}

long clasp_fd_read(clasp_conn *c, int fd, uint8_t *buf, size_t len)
{
    for (;;) {
        long n = clasp_conn_read(c, buf, len);
        /* Send what reading produced (alerts, KeyUpdate answers) and what
         * writes left queued, as far as the socket takes it now. A full
         * socket must not stop the read: two peers that both write would
         * otherwise each wait for the other to read first. */
        int fl = clasp_fd_flush(c, fd);
        if (n != CLASP_WANT_READ)
            return n;
        if (fl == CLASP_ERROR)
            return CLASP_ERROR;
        int rc = fill(c, fd);
        if (rc != CLASP_OK)
            return rc;
    }
}

/* Plaintext sealed per step of clasp_fd_write: when the socket stops
 * taking bytes, at most one step's records (plus overhead) stay queued. */
#define FD_WRITE_STEP (4 * CL_MAX_PLAINTEXT)

long clasp_fd_write(clasp_conn *c, int fd, const uint8_t *buf, size_t len)
{
    if (!c->handshake_done) {
        int rc = clasp_fd_handshake(c, fd);
        if (rc != CLASP_OK)
            return rc;
    }
    /* Earlier output goes first; while it is stuck, nothing new is taken,
     * so a retry with the same bytes can never send them twice. */
    int fl = clasp_fd_flush(c, fd);
    if (fl != CLASP_OK)
        return fl;
    size_t taken = 0;
    while (taken < len) {
        size_t step = len - taken < FD_WRITE_STEP ? len - taken : FD_WRITE_STEP;
        long n = clasp_conn_write(c, buf + taken, step);
        if (n < 0)
            return n;
        taken += (size_t)n;
        fl = clasp_fd_flush(c, fd);
        if (fl == CLASP_WANT_WRITE)
            break; /* taken: the rest of these records goes out on a later call */
        if (fl != CLASP_OK)
            return fl;
    }
    return (long)taken;
}

int clasp_fd_close(clasp_conn *c, int fd)
{
    if (c->dead) /* a fatal alert may still be queued */
        return clasp_fd_flush(c, fd);
    int rc = clasp_conn_close(c);
    int fl = clasp_fd_flush(c, fd);
    return rc != CLASP_OK ? rc : fl;
}
