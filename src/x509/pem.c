/* SPDX-License-Identifier: Apache-2.0 */
#include "x509/pem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/bytes.h"

uint8_t *cl_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    cl_buf b;
    cl_buf_init(&b, CL_PEM_MAX_FILE);
    uint8_t chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        cl_wr_bytes(&b, chunk, n);
    int bad = ferror(f) || b.failed;
    fclose(f);
    cl_wipe(chunk, sizeof chunk);
    if (bad) {
        cl_buf_free(&b);
        return NULL;
    }
    *len = b.len;
    if (!b.data)
        b.data = calloc(1, 1);
    return b.data;
}

static int b64_value(uint8_t ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9')
        return ch - '0' + 52;
    if (ch == '+')
        return 62;
    if (ch == '/')
        return 63;
    return -1;
}

static unsigned lines_before(const uint8_t *start, const uint8_t *at)
{
    unsigned line = 1;
    for (const uint8_t *p = start; p < at; p++)
        line += *p == '\n';
    return line;
}

/* Decodes base64 text (whitespace ignored, '=' padding) into out. -1: *bad
 * points at a byte that is not base64 there; -2: the text is cut short,
 * *bad points at its last character. */
static int b64_decode(const uint8_t *in, size_t len, cl_buf *out, const uint8_t **bad)
{
    uint32_t acc = 0;
    int bits = 0, pad = 0;
    const uint8_t *last = in;
    for (size_t i = 0; i < len; i++) {
        uint8_t ch = in[i];
        if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t')
            continue;
        last = in + i;
        if (ch == '=') {
            pad++;
            if (pad > 2) {
                *bad = in + i;
                return -1;
            }
            continue;
        }
        int v = b64_value(ch);
        if (v < 0 || pad) {
            *bad = in + i;
            return -1;
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            cl_wr_u8(out, (uint8_t)(acc >> bits));
        }
    }
    /* A lone 6 bits cannot encode a byte: the text was cut. */
    if (bits >= 6) {
        *bad = last;
        return -2;
    }
    return 0;
}

static const uint8_t *find(const uint8_t *hay, size_t hay_len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= hay_len; i++)
        if (memcmp(hay + i, needle, n) == 0)
            return hay + i;
    return NULL;
}

int cl_pem_looks_like_pem(const uint8_t *data, size_t len)
{
    return data && find(data, len, "-----BEGIN ") != NULL;
}

/* RFC 1421 encapsulated headers ("Proc-Type: 4,ENCRYPTED", "DEK-Info: ...")
 * end at a blank line: the body starts after it. */
static const uint8_t *skip_headers(const uint8_t *b, const uint8_t *e)
{
    const uint8_t *p = b;
    while (p < e && (*p == '\r' || *p == '\n'))
        p++;
    const uint8_t *eol = p;
    while (eol < e && *eol != '\n')
        eol++;
    if (!memchr(p, ':', (size_t)(eol - p)))
        return b;
    for (const uint8_t *q = p; q + 1 < e; q++) {
        if (q[0] == '\n' && (q[1] == '\n' || (q[1] == '\r' && q + 2 < e && q[2] == '\n')))
            return q + 1;
    }
    return b;
}

static int pem_fail(cl_pem_problem *problem, cl_pem_problem_kind kind, unsigned block,
                    const char *label, size_t label_len, unsigned line)
{
    if (problem) {
        memset(problem, 0, sizeof *problem);
        problem->kind = kind;
        problem->block = block;
        problem->line = line;
        if (label_len >= sizeof problem->label)
            label_len = sizeof problem->label - 1;
        memcpy(problem->label, label, label_len);
    }
    return -2;
}

int cl_pem_blocks(const uint8_t *pem, size_t len,
                  int (*fn)(void *arg, const char *label, const uint8_t *der, size_t der_len),
                  void *arg, cl_pem_problem *problem)
{
    static const char begin[] = "-----BEGIN ", dashes[] = "-----";
    if (problem)
        memset(problem, 0, sizeof *problem);
    unsigned count = 0;
    const uint8_t *p = pem, *stop = pem + len;
    for (;;) {
        const uint8_t *b = find(p, (size_t)(stop - p), begin);
        if (!b)
            break;
        unsigned block = count + 1;
        const uint8_t *label = b + strlen(begin);
        const uint8_t *label_end = find(label, (size_t)(stop - label), dashes);
        const uint8_t *eol = label;
        while (eol < stop && *eol != '\n')
            eol++;
        if (!label_end || label_end > eol || label_end - label > 40)
            return pem_fail(problem, CL_PEM_NO_END, block, "", 0, lines_before(pem, b));
        size_t label_len = (size_t)(label_end - label);
        char name[48], end_line[64];
        memcpy(name, label, label_len);
        name[label_len] = 0;
        snprintf(end_line, sizeof end_line, "-----END %s-----", name);
        const uint8_t *body = label_end + strlen(dashes);
        const uint8_t *e = find(body, (size_t)(stop - body), end_line);
        /* A BEGIN of another block before our END: ours never ended. */
        const uint8_t *next = find(body, (size_t)(stop - body), begin);
        if (!e || (next && next < e))
            return pem_fail(problem, CL_PEM_NO_END, block, name, label_len, lines_before(pem, b));
        body = skip_headers(body, e);
        cl_buf der;
        cl_buf_init(&der, CL_PEM_MAX_FILE);
        const uint8_t *bad = NULL;
        int rc = b64_decode(body, (size_t)(e - body), &der, &bad);
        if (rc != 0 || der.failed || der.len == 0) {
            cl_pem_problem_kind kind = der.failed ? CL_PEM_TOO_BIG
                                       : rc != 0  ? CL_PEM_BAD_BASE64
                                                  : CL_PEM_EMPTY_BLOCK;
            cl_buf_free(&der);
            pem_fail(problem, kind, block, name, label_len,
                     lines_before(pem, kind == CL_PEM_BAD_BASE64 && bad ? bad : b));
            if (problem && kind == CL_PEM_BAD_BASE64 && rc == -1 && bad)
                problem->bad_char = (char)*bad;
            return -2;
        }
        rc = fn(arg, name, der.data, der.len);
        cl_wipe(der.data, der.len); /* a key's DER is a secret */
        cl_buf_free(&der);
        if (rc)
            return -1;
        count++;
        p = e + strlen(end_line);
    }
    return (int)count;
}

typedef struct {
    const char *label;
    int (*fn)(void *arg, const uint8_t *der, size_t der_len);
    void *arg;
    int count;
} label_filter;

static int take_label(void *arg, const char *label, const uint8_t *der, size_t der_len)
{
    label_filter *f = arg;
    if (strcmp(label, f->label) != 0)
        return 0;
    f->count++;
    return f->fn(f->arg, der, der_len);
}

int cl_pem_each_ex(const uint8_t *pem, size_t len, const char *label,
                   int (*fn)(void *arg, const uint8_t *der, size_t der_len), void *arg,
                   cl_pem_problem *problem)
{
    label_filter f = {label, fn, arg, 0};
    if (cl_pem_blocks(pem, len, take_label, &f, problem) < 0)
        return -1;
    return f.count;
}

int cl_pem_each(const uint8_t *pem, size_t len, const char *label,
                int (*fn)(void *arg, const uint8_t *der, size_t der_len), void *arg)
{
    return cl_pem_each_ex(pem, len, label, fn, arg, NULL);
}

void cl_pem_problem_text(const cl_pem_problem *p, const char *source, char *buf, size_t len)
{
    char block[80];
    snprintf(block, sizeof block, "PEM block %u%s%s%s", p->block, p->label[0] ? " (" : "",
             p->label, p->label[0] ? ")" : "");
    switch (p->kind) {
    case CL_PEM_BAD_BASE64:
        if (p->bad_char > ' ' && p->bad_char < 127)
            snprintf(buf, len, "%s: the base64 of %s is broken at line %u: '%c' is not a base64 "
                               "character there", source, block, p->line, p->bad_char);
        else
            snprintf(buf, len, "%s: the base64 of %s is broken at line %u (cut short, or a "
                               "stray byte)", source, block, p->line);
        break;
    case CL_PEM_NO_END:
        snprintf(buf, len, "%s: %s, begun at line %u, has no END line to match", source, block,
                 p->line);
        break;
    case CL_PEM_EMPTY_BLOCK:
        snprintf(buf, len, "%s: %s, at line %u, holds no data", source, block, p->line);
        break;
    case CL_PEM_TOO_BIG:
        snprintf(buf, len, "%s: %s, at line %u, is larger than %u bytes", source, block, p->line,
                 CL_PEM_MAX_FILE);
        break;
    default:
        snprintf(buf, len, "%s: no PEM problem", source);
        break;
    }
}

int cl_pem_is_key_label(const char *label)
{
    return strcmp(label, "PRIVATE KEY") == 0 || strcmp(label, "ENCRYPTED PRIVATE KEY") == 0 ||
           strcmp(label, "RSA PRIVATE KEY") == 0 || strcmp(label, "EC PRIVATE KEY") == 0;
}

int cl_der_each(const uint8_t *der, size_t len,
                int (*fn)(void *arg, const uint8_t *der, size_t der_len), void *arg)
{
    cl_reader r = cl_reader_init(der, len);
    int count = 0;
    while (!cl_rd_empty(&r)) {
        const uint8_t *start = r.p;
        uint8_t tag, first;
        size_t body = 0;
        if (cl_rd_u8(&r, &tag) || tag != 0x30 || cl_rd_u8(&r, &first))
            return -1;
        if (first < 0x80) {
            body = first;
        } else {
            /* Long form, 1 to 3 length bytes (a certificate is < 16 MiB),
             * minimal (DER). */
            unsigned n = first & 0x7f;
            if (n == 0 || n > 3)
                return -1;
            for (unsigned i = 0; i < n; i++) {
                uint8_t b;
                if (cl_rd_u8(&r, &b) || (i == 0 && b == 0))
                    return -1;
                body = body << 8 | b;
            }
            if (body < 0x80)
                return -1;
        }
        const uint8_t *content;
        if (cl_rd_bytes(&r, body, &content))
            return -1;
        if (fn(arg, start, (size_t)(r.p - start)))
            return -1;
        count++;
    }
    return count;
}
