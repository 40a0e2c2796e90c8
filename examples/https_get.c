/* SPDX-License-Identifier: Apache-2.0 */
/* https_get: fetch one URL path over HTTPS with a blocking socket and the
 * clasp fd layer, and print the response (headers and body) on stdout.
 *
 *   https_get HOST PORT [PATH [CA.pem]]
 *
 * Without CA.pem the system's trust store is used. The certificate must be
 * valid for HOST (verification is on by default). Exit status 0 when the
 * whole response came (the server closed with close_notify), 1 otherwise.
 *
 * Build against an installed clasp:
 *   cc https_get.c $(pkg-config --cflags --libs clasp) -o https_get
 * or in CMake: find_package(clasp) and target_link_libraries(app clasp::clasp). */
#define _POSIX_C_SOURCE 200809L
#include <clasp/clasp.h>

#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* A blocking TCP connection to host:port, or -1. */
static int tcp_connect(const char *host, const char *port)
{
    struct addrinfo hints = {0}, *res, *ai;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "https_get: cannot resolve %s: %s\n", host, gai_strerror(rc));
        return -1;
    }
    int fd = -1;
    for (ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0)
        fprintf(stderr, "https_get: cannot connect to %s port %s\n", host, port);
    return fd;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 5) {
        fprintf(stderr, "usage: https_get HOST PORT [PATH [CA.pem]]\n");
        return 2;
    }
    const char *host = argv[1], *port = argv[2];
    const char *path = argc > 3 ? argv[3] : "/";
    const char *ca_file = argc > 4 ? argv[4] : NULL;

    /* One config may serve any number of connections (and threads). */
    clasp_config *cfg = clasp_config_new(CLASP_CLIENT);
    if (!cfg) {
        fprintf(stderr, "https_get: out of memory\n");
        return 1;
    }
    if ((ca_file && clasp_config_load_ca_file(cfg, ca_file) != 0) ||
        clasp_config_set_alpn(cfg, "http/1.1") != 0) {
        fprintf(stderr, "https_get: %s\n", clasp_config_error(cfg));
        clasp_config_free(cfg);
        return 1;
    }

    int status = 1;
    clasp_conn *conn = clasp_conn_new(cfg);
    int fd = conn ? tcp_connect(host, port) : -1;
    if (fd < 0)
        goto out;
    /* Bound every wait: a silent server gives CLASP_WANT_READ, not a hang. */
    struct timeval timeout = {.tv_sec = 10};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);

    if (clasp_conn_set_server_name(conn, host) != 0 || clasp_fd_handshake(conn, fd) != CLASP_OK) {
        fprintf(stderr, "https_get: %s\n", clasp_conn_error_text(conn));
        goto out;
    }
    fprintf(stderr, "https_get: %s, %s\n", clasp_conn_version_name(conn),
            clasp_conn_cipher_name(conn));

    char request[1024];
    int n = snprintf(request, sizeof request,
                     "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", path, host);
    if (n < 0 || (size_t)n >= sizeof request) {
        fprintf(stderr, "https_get: the path is too long\n");
        goto out;
    }
    /* A blocking socket without a send timeout takes all of it at once;
     * with one, clasp_fd_write may take less: loop. */
    for (size_t sent = 0; sent < (size_t)n;) {
        long w = clasp_fd_write(conn, fd, (const uint8_t *)request + sent, (size_t)n - sent);
        if (w < 0) {
            fprintf(stderr, "https_get: %s\n", clasp_conn_error_text(conn));
            goto out;
        }
        sent += (size_t)w;
    }

    uint8_t buf[16384];
    for (;;) {
        long r = clasp_fd_read(conn, fd, buf, sizeof buf);
        if (r > 0) {
            fwrite(buf, 1, (size_t)r, stdout);
            continue;
        }
        if (r == CLASP_CLOSED) {
            status = 0;
        } else if (r == CLASP_TRUNCATED) {
            fprintf(stderr, "https_get: the server closed the connection without close_notify: "
                            "the response may be incomplete\n");
        } else if (r == CLASP_WANT_READ) {
            fprintf(stderr, "https_get: the server sent nothing for 10 seconds\n");
        } else {
            fprintf(stderr, "https_get: %s\n", clasp_conn_error_text(conn));
        }
        break;
    }
    fflush(stdout);
    clasp_fd_close(conn, fd);
out:
    if (fd >= 0)
        close(fd);
    clasp_conn_free(conn);
    clasp_config_free(cfg);
    return status;
}
