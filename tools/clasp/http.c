/* SPDX-License-Identifier: Apache-2.0 */
/* The HTTP/1.1 that `clasp server --www` speaks: enough for browsers,
 * curl and load generators (RFC 9112): keep-alive, Connection: close,
 * pipelined requests, Content-Length bodies (read and ignored). No
 * chunked request bodies: those are refused with 501. */
#include "server.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define BODY_MAX (SERVER_REQUEST_MAX / 2)

/* Where the headers end (just past the blank line), or 0. Bare LF line
 * ends are taken too, as RFC 9112 2.2 allows. */
static size_t end_of_headers(const uint8_t *buf, size_t len)
{
    const uint8_t *p = buf, *end = buf + len;
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        p++;
        if (p < end && *p == '\n')
            return (size_t)(p + 1 - buf);
        if (p + 1 < end && p[0] == '\r' && p[1] == '\n')
            return (size_t)(p + 2 - buf);
    }
    return 0;
}

static int eq_nocase(const uint8_t *a, size_t alen, const char *b)
{
    size_t blen = strlen(b);
    if (alen != blen)
        return 0;
    for (size_t i = 0; i < alen; i++)
        if (tolower(a[i]) != b[i])
            return 0;
    return 1;
}

/* Whether the comma-separated token list v (a Connection value) holds tok. */
static int has_token(const uint8_t *v, size_t len, const char *tok)
{
    size_t i = 0;
    while (i < len) {
        while (i < len && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
            i++;
        size_t start = i;
        while (i < len && v[i] != ',' && v[i] != ' ' && v[i] != '\t')
            i++;
        if (i > start && eq_nocase(v + start, i - start, tok))
            return 1;
    }
    return 0;
}

static void copy_line(http_request *req, const uint8_t *p, size_t n)
{
    if (n > sizeof req->line - 1)
        n = sizeof req->line - 1;
    for (size_t i = 0; i < n; i++)
        req->line[i] = (p[i] < 0x20 || p[i] >= 0x7f) ? '?' : (char)p[i];
    req->line[n] = '\0';
}

int http_parse_request(const uint8_t *buf, size_t len, http_request *req)
{
    memset(req, 0, sizeof *req);
    /* Empty lines before a request are ignored (RFC 9112 2.2). */
    size_t skip = 0;
    while (skip < len && (buf[skip] == '\r' || buf[skip] == '\n'))
        skip++;
    size_t head = end_of_headers(buf + skip, len - skip);
    if (!head)
        return 0;
    const uint8_t *p = buf + skip, *end = p + head;

    /* Request line: METHOD SP TARGET [SP HTTP/x.y] */
    const uint8_t *eol = memchr(p, '\n', head);
    size_t line_len = (size_t)(eol - p);
    if (line_len && p[line_len - 1] == '\r')
        line_len--;
    copy_line(req, p, line_len);
    const uint8_t *sp1 = memchr(p, ' ', line_len);
    const uint8_t *sp2 = sp1 ? memchr(sp1 + 1, ' ', line_len - (size_t)(sp1 + 1 - p)) : NULL;
    int minor = -1; /* no version: HTTP/0.9 style, one request per connection */
    if (!sp1 || sp1 == p) {
        req->status = 400;
    } else if (sp2) {
        size_t vlen = line_len - (size_t)(sp2 + 1 - p);
        const uint8_t *v = sp2 + 1;
        if (vlen == 8 && memcmp(v, "HTTP/1.", 7) == 0 && (v[7] == '0' || v[7] == '1'))
            minor = v[7] - '0';
        else
            req->status = 505;
    }

    int conn_close = 0, conn_keep = 0;
    unsigned long content_length = 0;
    int have_length = 0;
    for (const uint8_t *h = eol + 1; h < end;) {
        const uint8_t *nl = memchr(h, '\n', (size_t)(end - h));
        size_t hl = (size_t)(nl - h);
        if (hl && h[hl - 1] == '\r')
            hl--;
        if (hl == 0)
            break;
        const uint8_t *colon = memchr(h, ':', hl);
        if (!colon || colon == h) {
            req->status = 400;
        } else {
            size_t nlen = (size_t)(colon - h);
            const uint8_t *v = colon + 1, *vend = h + hl;
            while (v < vend && (*v == ' ' || *v == '\t'))
                v++;
            while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t'))
                vend--;
            size_t vlen = (size_t)(vend - v);
            if (eq_nocase(h, nlen, "connection")) {
                conn_close |= has_token(v, vlen, "close");
                conn_keep |= has_token(v, vlen, "keep-alive");
            } else if (eq_nocase(h, nlen, "content-length")) {
                unsigned long n = 0;
                size_t k = 0;
                for (; k < vlen && isdigit(v[k]) && n <= BODY_MAX; k++)
                    n = n * 10 + (unsigned long)(v[k] - '0');
                if (vlen == 0 || k != vlen || (have_length && n != content_length))
                    req->status = 400; /* RFC 9112 6.3: an invalid length is unrecoverable */
                else if (n > BODY_MAX)
                    req->status = 413;
                content_length = n;
                have_length = 1;
            } else if (eq_nocase(h, nlen, "transfer-encoding")) {
                req->status = 501;
            }
        }
        h = nl + 1;
    }

    req->keep_alive = minor == 1 ? !conn_close : minor == 0 ? (conn_keep && !conn_close) : 0;
    if (req->status) {
        /* The framing cannot be trusted any more: answer and close. */
        req->keep_alive = 0;
        req->length = skip + head;
        return 1;
    }
    if (skip + head + content_length > len)
        return 0;
    req->length = skip + head + content_length;
    return 1;
}

const char *http_reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 413: return "Content Too Large";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Error";
    }
}

size_t http_format_response(char *out, size_t cap, int status, int keep_alive, const char *body,
                            size_t body_len)
{
    char code[24], length[24];
    size_t n = tool_concat(out, cap, "HTTP/1.1 ", tool_decimal((unsigned long)status, code), " ",
                           http_reason(status), "\r\nContent-Type: text/plain\r\nContent-Length: ",
                           tool_decimal(body_len, length), "\r\nConnection: ",
                           keep_alive ? "keep-alive" : "close", "\r\n\r\n", (const char *)NULL);
    if (n >= cap || body_len > cap - n)
        return 0;
    memcpy(out + n, body, body_len);
    return n + body_len;
}
