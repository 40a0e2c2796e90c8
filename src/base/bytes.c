/* SPDX-License-Identifier: Apache-2.0 */
#include "base/bytes.h"

#include <stdlib.h>

void cl_buf_init(cl_buf *b, size_t limit)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->limit = limit;
    b->failed = 0;
    b->no_secrets = 0;
}

void cl_buf_free(cl_buf *b)
{
    if (b->data) {
        cl_wipe(b->data, b->cap);
        free(b->data);
    }
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
}

void cl_buf_release(cl_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0; /* no_secrets stays: it describes the buffer's use */
}

void cl_buf_reset(cl_buf *b)
{
    b->len = 0;
    b->failed = 0;
}

int cl_buf_reserve(cl_buf *b, size_t extra)
{
    if (b->failed)
        return -1;
    if (extra > SIZE_MAX - b->len || (b->limit && b->len + extra > b->limit)) {
        b->failed = 1;
        return -1;
    }
    size_t need = b->len + extra;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    if (b->limit && cap > b->limit)
        cap = b->limit;
    if (b->no_secrets) { /* ciphertext and public bytes: realloc may grow in place */
        uint8_t *q = realloc(b->data, cap);
        if (!q) {
            b->failed = 1;
            return -1;
        }
        b->data = q;
        b->cap = cap;
        return 0;
    }
    /* Grow through a fresh allocation so secrets never linger in freed memory. */
    uint8_t *p = malloc(cap);
    if (!p) {
        b->failed = 1;
        return -1;
    }
    if (b->data) {
        memcpy(p, b->data, b->len);
        cl_wipe(b->data, b->cap);
        free(b->data);
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

void cl_buf_consume(cl_buf *b, size_t n)
{
    if (n >= b->len) {
        b->len = 0;
        return;
    }
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
}

uint8_t *cl_wr_space(cl_buf *b, size_t n)
{
    if (cl_buf_reserve(b, n))
        return NULL;
    uint8_t *p = b->data + b->len;
    b->len += n;
    return p;
}

void cl_wr_bytes(cl_buf *b, const void *p, size_t n)
{
    if (n == 0)
        return;
    uint8_t *dst = cl_wr_space(b, n);
    if (dst)
        memcpy(dst, p, n);
}

void cl_wr_uint(cl_buf *b, size_t width, uint32_t v)
{
    uint8_t *dst = cl_wr_space(b, width);
    if (!dst)
        return;
    for (size_t i = 0; i < width; i++)
        dst[i] = (uint8_t)(v >> (8 * (width - 1 - i)));
}

size_t cl_wr_begin_vec(cl_buf *b, size_t width)
{
    size_t pos = b->len;
    cl_wr_uint(b, width, 0);
    return pos;
}

void cl_wr_end_vec(cl_buf *b, size_t pos, size_t width)
{
    if (b->failed)
        return;
    size_t body = b->len - pos - width;
    if (width < 4 && body >> (8 * width)) {
        b->failed = 1;
        return;
    }
    for (size_t i = 0; i < width; i++)
        b->data[pos + i] = (uint8_t)(body >> (8 * (width - 1 - i)));
}

void cl_wipe(void *p, size_t n)
{
    /* glibc's explicit_bzero is memset that the compiler may not drop. */
    if (n)
        explicit_bzero(p, n);
}

int cl_ct_memcmp(const void *a, const void *b, size_t n)
{
    const volatile uint8_t *x = a, *y = b;
    uint8_t d = 0;
    for (size_t i = 0; i < n; i++)
        d |= x[i] ^ y[i];
    return d != 0;
}
