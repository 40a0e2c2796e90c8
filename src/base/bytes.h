/* SPDX-License-Identifier: Apache-2.0 */
/* Bounded reader and back-patching writer: the only way wire bytes are read
 * or produced. A reader narrows to each length-prefixed body; callers check
 * that bodies are consumed exactly. A writer keeps a sticky failure flag so a
 * builder checks once at the end instead of after every push. */
#ifndef CLASP_BASE_BYTES_H
#define CLASP_BASE_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/result.h"

typedef struct {
    const uint8_t *p;
    size_t n;
} cl_reader;

static inline cl_reader cl_reader_init(const uint8_t *p, size_t n)
{
    cl_reader r = {p, n};
    return r;
}

static inline int cl_rd_empty(const cl_reader *r) { return r->n == 0; }

CL_MUST_CHECK static inline int cl_rd_bytes(cl_reader *r, size_t n, const uint8_t **out)
{
    if (r->n < n)
        return -1;
    *out = r->p;
    r->p += n;
    r->n -= n;
    return 0;
}

CL_MUST_CHECK static inline int cl_rd_copy(cl_reader *r, void *dst, size_t n)
{
    const uint8_t *p;
    if (cl_rd_bytes(r, n, &p))
        return -1;
    memcpy(dst, p, n);
    return 0;
}

CL_MUST_CHECK static inline int cl_rd_uint(cl_reader *r, size_t width, uint32_t *v)
{
    const uint8_t *p;
    if (cl_rd_bytes(r, width, &p))
        return -1;
    uint32_t x = 0;
    for (size_t i = 0; i < width; i++)
        x = (x << 8) | p[i];
    *v = x;
    return 0;
}

CL_MUST_CHECK static inline int cl_rd_u8(cl_reader *r, uint8_t *v)
{
    uint32_t x;
    if (cl_rd_uint(r, 1, &x))
        return -1;
    *v = (uint8_t)x;
    return 0;
}

CL_MUST_CHECK static inline int cl_rd_u16(cl_reader *r, uint16_t *v)
{
    uint32_t x;
    if (cl_rd_uint(r, 2, &x))
        return -1;
    *v = (uint16_t)x;
    return 0;
}

/* Whether a list of 16-bit values (what is left of `list`) holds `want`;
 * a trailing odd byte is ignored. The list is read from a copy. */
static inline int cl_list_has_u16(cl_reader list, uint16_t want)
{
    uint16_t v;
    while (cl_rd_u16(&list, &v) == 0)
        if (v == want)
            return 1;
    return 0;
}

CL_MUST_CHECK static inline int cl_rd_u24(cl_reader *r, uint32_t *v) { return cl_rd_uint(r, 3, v); }
CL_MUST_CHECK static inline int cl_rd_u32(cl_reader *r, uint32_t *v) { return cl_rd_uint(r, 4, v); }

/* Reads a length prefix of `width` bytes and narrows `body` to exactly that
 * many following bytes. */
CL_MUST_CHECK static inline int cl_rd_vec(cl_reader *r, size_t width, cl_reader *body)
{
    uint32_t len;
    const uint8_t *p;
    if (cl_rd_uint(r, width, &len) || cl_rd_bytes(r, len, &p))
        return -1;
    *body = cl_reader_init(p, len);
    return 0;
}

/* Like cl_rd_vec, but the body must be non-empty (the "<1..2^k-1>" vectors). */
CL_MUST_CHECK static inline int cl_rd_vec_nonempty(cl_reader *r, size_t width, cl_reader *body)
{
    if (cl_rd_vec(r, width, body) || body->n == 0)
        return -1;
    return 0;
}

/* ---- growable writer ---- */

typedef struct {
    uint8_t *data;
    size_t len;
    size_t cap;
    size_t limit; /* 0: no limit besides memory */
    int failed;   /* sticky: set on overflow or allocation failure */
    int no_secrets; /* record buffers: grow with realloc, never wiped */
} cl_buf;

void cl_buf_init(cl_buf *b, size_t limit);
void cl_buf_free(cl_buf *b);      /* wipes then frees */
/* Frees without wiping: for record buffers, which hold ciphertext or data
 * the application already has. */
void cl_buf_release(cl_buf *b);
void cl_buf_reset(cl_buf *b);     /* len = 0, keeps storage */
int cl_buf_reserve(cl_buf *b, size_t extra) CL_MUST_CHECK;
void cl_buf_consume(cl_buf *b, size_t n); /* drops n bytes from the front */

void cl_wr_bytes(cl_buf *b, const void *p, size_t n);
void cl_wr_uint(cl_buf *b, size_t width, uint32_t v);
static inline void cl_wr_u8(cl_buf *b, uint8_t v) { cl_wr_uint(b, 1, v); }
static inline void cl_wr_u16(cl_buf *b, uint16_t v) { cl_wr_uint(b, 2, v); }
static inline void cl_wr_u24(cl_buf *b, uint32_t v) { cl_wr_uint(b, 3, v); }
static inline void cl_wr_u32(cl_buf *b, uint32_t v) { cl_wr_uint(b, 4, v); }
/* Opens a vector with a `width`-byte length prefix; returns its position for
 * cl_wr_end_vec, which back-patches the length (failing if it does not fit). */
size_t cl_wr_begin_vec(cl_buf *b, size_t width);
void cl_wr_end_vec(cl_buf *b, size_t pos, size_t width);
/* Appends n bytes and returns where they are, for callers that fill in place. */
uint8_t *cl_wr_space(cl_buf *b, size_t n);

/* Wipes memory in a way the compiler may not elide. */
void cl_wipe(void *p, size_t n);
/* Constant-time comparison: 0 when equal. */
int cl_ct_memcmp(const void *a, const void *b, size_t n);

#endif
