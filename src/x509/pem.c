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

/* Decodes base64 text (whitespace ignored, '=' padding) into out. */
static int b64_decode(const uint8_t *in, size_t len, cl_buf *out)
{
    uint32_t acc = 0;
    int bits = 0, pad = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t ch = in[i];
        if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t')
            continue;
        if (ch == '=') {
            pad++;
            continue;
        }
        int v = b64_value(ch);
        if (v < 0 || pad)
            return -1;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            cl_wr_u8(out, (uint8_t)(acc >> bits));
        }
    }
    return out->failed || pad > 2 ? -1 : 0;
}

static const uint8_t *find(const uint8_t *hay, size_t hay_len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= hay_len; i++)
        if (memcmp(hay + i, needle, n) == 0)
            return hay + i;
    return NULL;
}

int cl_pem_each(const uint8_t *pem, size_t len, const char *label,
                int (*fn)(void *arg, const uint8_t *der, size_t der_len), void *arg)
{
    char begin[80], end[80];
    snprintf(begin, sizeof begin, "-----BEGIN %s-----", label);
    snprintf(end, sizeof end, "-----END %s-----", label);
    int count = 0;
    const uint8_t *p = pem, *stop = pem + len;
    for (;;) {
        const uint8_t *b = find(p, (size_t)(stop - p), begin);
        if (!b)
            break;
        b += strlen(begin);
        const uint8_t *e = find(b, (size_t)(stop - b), end);
        if (!e)
            return -1;
        cl_buf der;
        cl_buf_init(&der, CL_PEM_MAX_FILE);
        int rc = b64_decode(b, (size_t)(e - b), &der);
        if (rc == 0 && der.len)
            rc = fn(arg, der.data, der.len);
        else
            rc = -1;
        cl_buf_free(&der);
        if (rc)
            return -1;
        count++;
        p = e + strlen(end);
    }
    return count;
}
