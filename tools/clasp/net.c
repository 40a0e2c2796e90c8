/* SPDX-License-Identifier: Apache-2.0 */
/* Socket helpers: bounded connect, dual-stack listen, timeouts. */
#include "tool.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* Bursts of connections (load tools open dozens at once) wait in the
 * kernel rather than being refused; the kernel caps it (somaxconn). */
#define LISTEN_BACKLOG 4096

int net_split_host_port(const char *arg, char *host, size_t hostlen, char *port, size_t portlen)
{
    const char *host_start, *host_end, *port_start;
    if (arg[0] == '[') {
        host_start = arg + 1;
        host_end = strchr(host_start, ']');
        if (!host_end || host_end[1] != ':')
            return -1;
        port_start = host_end + 2;
    } else {
        /* A bare IPv6 address has several colons and is ambiguous. */
        host_end = strrchr(arg, ':');
        if (!host_end || memchr(arg, ':', (size_t)(host_end - arg)))
            return -1;
        host_start = arg;
        port_start = host_end + 1;
    }
    size_t host_len = (size_t)(host_end - host_start);
    size_t port_len = strlen(port_start);
    if (host_len == 0 || host_len >= hostlen || port_len == 0 || port_len >= portlen)
        return -1;
    if (strspn(port_start, "0123456789") != port_len)
        return -1;
    memcpy(host, host_start, host_len);
    host[host_len] = '\0';
    memcpy(port, port_start, port_len + 1);
    return 0;
}

int net_set_io_timeouts(int fd, int seconds)
{
    struct timeval tv = {.tv_sec = seconds, .tv_usec = 0};
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0)
        return -1;
    return setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

int net_set_nonblocking(int fd, int on)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0)
        return -1;
    flags = on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
    return fcntl(fd, F_SETFL, flags);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Connects one address before the deadline; -1 with errno set on failure. */
static int connect_one(const struct addrinfo *ai, long long deadline)
{
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0)
        return -1;
    /* Non-blocking connect so the wait can be bounded with poll. */
    if (net_set_nonblocking(fd, 1) != 0)
        goto fail;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        if (errno != EINPROGRESS)
            goto fail;
        for (;;) {
            long long left = deadline - now_ms();
            if (left <= 0) {
                errno = ETIMEDOUT;
                goto fail;
            }
            struct pollfd p = {.fd = fd, .events = POLLOUT};
            int r = poll(&p, 1, (int)left);
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0)
                goto fail;
            if (r == 0) {
                errno = ETIMEDOUT;
                goto fail;
            }
            break;
        }
        int so_error = 0;
        socklen_t so_len = sizeof so_error;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &so_len) != 0)
            goto fail;
        if (so_error != 0) {
            errno = so_error;
            goto fail;
        }
    }
    if (net_set_nonblocking(fd, 0) != 0 || net_set_io_timeouts(fd, TOOL_IO_TIMEOUT_S) != 0)
        goto fail;
    /* Handshake flights are small and latency-bound. */
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;

fail:;
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
}

int net_connect(const char *host, const char *port, const char *display, int timeout_s,
                char *err, size_t errlen)
{
    struct addrinfo hints, *list = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    /* No AI_ADDRCONFIG: it hides ::1 on hosts whose only IPv6 is loopback.
     * An address family that does not work fails fast and the next is tried. */
    int gai = getaddrinfo(host, port, &hints, &list);
    if (gai != 0) {
        snprintf(err, errlen, "cannot resolve %s: %s", host,
                 gai == EAI_SYSTEM ? strerror(errno) : gai_strerror(gai));
        return -1;
    }
    long long deadline = now_ms() + (long long)timeout_s * 1000;
    int fd = -1, last_errno = ECONNREFUSED;
    for (const struct addrinfo *ai = list; ai; ai = ai->ai_next) {
        fd = connect_one(ai, deadline);
        if (fd >= 0)
            break;
        last_errno = errno;
        if (last_errno == ETIMEDOUT)
            break;
    }
    freeaddrinfo(list);
    if (fd < 0)
        snprintf(err, errlen, "cannot connect to %s: %s", display, strerror(last_errno));
    return fd;
}

static int listen_on(int family, const char *address, unsigned port)
{
    struct sockaddr_storage ss;
    socklen_t len;
    memset(&ss, 0, sizeof ss);
    if (family == AF_INET6) {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons((uint16_t)port);
        sin6->sin6_addr = in6addr_any;
        if (address && inet_pton(AF_INET6, address, &sin6->sin6_addr) != 1) {
            errno = EINVAL;
            return -1;
        }
        len = sizeof *sin6;
    } else {
        struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
        sin->sin_family = AF_INET;
        sin->sin_port = htons((uint16_t)port);
        sin->sin_addr.s_addr = htonl(INADDR_ANY);
        if (address && inet_pton(AF_INET, address, &sin->sin_addr) != 1) {
            errno = EINVAL;
            return -1;
        }
        len = sizeof *sin;
    }

    int fd = socket(family, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    int one = 1, zero = 0;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    /* One socket for IPv4 and IPv6 clients alike. */
    if (family == AF_INET6 && !address)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, LISTEN_BACKLOG) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

int net_listen(const char *address, unsigned port, unsigned *bound_port, char *err, size_t errlen)
{
    int fd;
    if (address) {
        struct in6_addr probe;
        int family = inet_pton(AF_INET6, address, &probe) == 1 ? AF_INET6 : AF_INET;
        fd = listen_on(family, address, port);
    } else {
        fd = listen_on(AF_INET6, NULL, port);
        /* No IPv6 on this host: plain IPv4 then. A port in use is final. */
        if (fd < 0 && errno != EADDRINUSE && errno != EACCES)
            fd = listen_on(AF_INET, NULL, port);
    }
    if (fd < 0) {
        if (address)
            snprintf(err, errlen, "cannot listen on %s port %u: %s", address, port, strerror(errno));
        else
            snprintf(err, errlen, "cannot listen on port %u: %s", port, strerror(errno));
        return -1;
    }
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0) {
        snprintf(err, errlen, "cannot read the listening port: %s", strerror(errno));
        close(fd);
        return -1;
    }
    if (ss.ss_family == AF_INET6)
        *bound_port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    else
        *bound_port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
    return fd;
}

int net_accept(int listen_fd, int timeout_ms)
{
    if (timeout_ms >= 0) {
        struct pollfd p = {.fd = listen_fd, .events = POLLIN};
        int r = poll(&p, 1, timeout_ms);
        if (r < 0)
            return -1;
        if (r == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
    }
    int fd = accept(listen_fd, NULL, NULL);
    if (fd < 0)
        return -1;
    if (net_set_io_timeouts(fd, TOOL_IO_TIMEOUT_S) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

void net_close_gracefully(int fd)
{
    if (fd < 0)
        return;
    shutdown(fd, SHUT_WR);
    /* Read until the peer closes too, for at most about a second. */
    long long deadline = now_ms() + 1000;
    char sink[4096];
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0)
            break;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int r = poll(&p, 1, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        ssize_t n = recv(fd, sink, sizeof sink, MSG_DONTWAIT);
        if (n <= 0 && !(n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)))
            break;
    }
    close(fd);
}
