/* The socket layer: moves bytes between a connection and a file descriptor,
 * blocking or non-blocking. Everything TLS happens in the sans-I/O core. */
#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn/internal.h"

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

/* Reads what the socket has and feeds it. CLASP_OK when bytes arrived. */
static int fill(clasp_conn *c, int fd)
{
    uint8_t *buf;
    size_t room = clasp_conn_input_buffer(c, &buf);
    if (room == 0)
        return c->dead ? CLASP_ERROR : cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "input buffer full");
    ssize_t r;
    do
        r = recv(fd, buf, room, 0); /* straight into the connection's buffer */
    while (r < 0 && errno == EINTR);
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return CLASP_WANT_READ;
    if (r <= 0) {
        if (c->dead)
            return CLASP_ERROR;
        c->dead = 1;
        c->we_closed = 1;
        c->err_kind = CLASP_E_IO;
        if (r == 0)
            snprintf(c->err_msg, sizeof c->err_msg,
                     c->handshake_done ? "the peer closed the connection without close_notify"
                                       : "the peer closed the connection during the handshake");
        else
            snprintf(c->err_msg, sizeof c->err_msg, "cannot receive from the peer: %s",
                     strerror(errno));
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
        if (rc == CLASP_ERROR)
            return CLASP_ERROR;
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
        /* Send what reading produced (alerts, KeyUpdate answers). */
        int fl = clasp_fd_flush(c, fd);
        if (n != CLASP_WANT_READ)
            return n;
        if (fl != CLASP_OK)
            return fl;
        int rc = fill(c, fd);
        if (rc != CLASP_OK) {
            /* EOF after the handshake without close_notify: report it as a
             * close, but the error text says it was not clean. */
            if (c->err_kind == CLASP_E_IO && c->handshake_done && strstr(c->err_msg, "without"))
                return CLASP_CLOSED;
            return rc;
        }
    }
}

long clasp_fd_write(clasp_conn *c, int fd, const uint8_t *buf, size_t len)
{
    if (!c->handshake_done) {
        int rc = clasp_fd_handshake(c, fd);
        if (rc != CLASP_OK)
            return rc;
    }
    long n = clasp_conn_write(c, buf, len);
    if (n < 0)
        return n;
    int fl = clasp_fd_flush(c, fd);
    return fl == CLASP_OK ? n : fl;
}

int clasp_fd_close(clasp_conn *c, int fd)
{
    if (c->dead)
        return clasp_fd_flush(c, fd) == CLASP_OK ? CLASP_OK : CLASP_ERROR;
    int rc = clasp_conn_close(c);
    int fl = clasp_fd_flush(c, fd);
    return rc != CLASP_OK ? rc : fl;
}
