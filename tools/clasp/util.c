/* SPDX-License-Identifier: Apache-2.0 */
/* Messages, temporary directories and small I/O helpers for the tool. */
#include "tool.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void vreport(const char *kind, const char *fmt, va_list ap)
{
    /* One fprintf per piece could interleave with the demo's server thread;
     * build the line first and write it at once. */
    char line[TOOL_ERROR_MAX + 64];
    int n = snprintf(line, sizeof line, "clasp: %s: ", kind);
    if (n < 0)
        return;
    vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    fflush(stdout);
    fprintf(stderr, "%s\n", line);
    fflush(stderr);
}

void tool_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("error", fmt, ap);
    va_end(ap);
}

void tool_warning(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("warning", fmt, ap);
    va_end(ap);
}

int tool_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("error", fmt, ap);
    va_end(ap);
    return TOOL_EXIT_USAGE;
}

void tool_conn_failure(const clasp_conn *c, long rc, const char *peer, char *buf, size_t len)
{
    /* The sockets are blocking with SO_RCVTIMEO/SO_SNDTIMEO, so "would block"
     * can only mean a timeout ran out. */
    if (rc == CLASP_WANT_READ) {
        const char *what = c ? clasp_conn_awaiting(c) : NULL;
        snprintf(buf, len, "timed out after %d s waiting for the %s%s%s", TOOL_IO_TIMEOUT_S, peer,
                 what ? "'s " : "", what ? what : "");
        return;
    }
    if (rc == CLASP_WANT_WRITE) {
        snprintf(buf, len, "timed out after %d s sending to the %s", TOOL_IO_TIMEOUT_S, peer);
        return;
    }
    const char *text = c ? clasp_conn_error_text(c) : NULL;
    if (text && *text) {
        snprintf(buf, len, "%s", text);
        return;
    }
    if (rc == CLASP_CLOSED)
        snprintf(buf, len, "the %s closed the connection", peer);
    else if (rc == CLASP_TRUNCATED)
        snprintf(buf, len, "the %s closed the connection without close_notify; the data may be "
                 "truncated", peer);
    else
        snprintf(buf, len, "the TLS connection with the %s failed", peer);
}

int tool_make_temp_dir(char *path, size_t len)
{
    const char *base = getenv("TMPDIR");
    if (!base || !*base)
        base = "/tmp";
    int n = snprintf(path, len, "%s/clasp-XXXXXX", base);
    if (n < 0 || (size_t)n >= len) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return mkdtemp(path) ? 0 : -1;
}

void tool_remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        unlink(path);
        return;
    }
    DIR *dir = opendir(path);
    if (dir) {
        struct dirent *entry;
        while ((entry = readdir(dir)) != NULL) {
            if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
                continue;
            char child[4096];
            int n = snprintf(child, sizeof child, "%s/%s", path, entry->d_name);
            if (n > 0 && (size_t)n < sizeof child)
                tool_remove_tree(child);
        }
        closedir(dir);
    }
    rmdir(path);
}

long tool_tls_write_all(clasp_conn *c, int fd, const uint8_t *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        long n = clasp_fd_write(c, fd, buf + done, len - done);
        if (n <= 0)
            return n < 0 ? n : CLASP_ERROR;
        done += (size_t)n;
    }
    return (long)len;
}

size_t tool_concat(char *buf, size_t cap, ...)
{
    va_list ap;
    va_start(ap, cap);
    size_t len = 0;
    const char *s;
    while ((s = va_arg(ap, const char *)) != NULL) {
        size_t n = strlen(s);
        if (len + 1 < cap) {
            size_t room = cap - 1 - len;
            memcpy(buf + len, s, n < room ? n : room);
        }
        len += n;
    }
    va_end(ap);
    if (cap)
        buf[len < cap ? len : cap - 1] = '\0';
    return len;
}

const char *tool_decimal(unsigned long v, char out[24])
{
    char tmp[24];
    size_t n = 0;
    do
        tmp[n++] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
    return out;
}

int tool_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}
