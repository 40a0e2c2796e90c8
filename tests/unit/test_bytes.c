/* SPDX-License-Identifier: Apache-2.0 */
/* The bounded reader and the back-patching writer. */
#include <stdlib.h>
#include <string.h>

#include "base/bytes.h"
#include "testutil.h"

static void test_reader(void)
{
    static const uint8_t msg[] = {0x01, 0x02, 0x03, 0x00, 0x02, 0xaa, 0xbb, 0x00, 0x00, 0x01, 0xcc};
    cl_reader r = cl_reader_init(msg, sizeof msg), body, empty;
    uint8_t u8;
    uint16_t u16;
    uint32_t u24;
    CHECK(cl_rd_u8(&r, &u8) == 0 && u8 == 1);
    CHECK(cl_rd_u16(&r, &u16) == 0 && u16 == 0x0203);
    CHECK(cl_rd_vec(&r, 2, &body) == 0 && body.n == 2 && body.p[0] == 0xaa);
    CHECK(cl_rd_vec(&r, 1, &empty) == 0 && empty.n == 0);
    CHECK(cl_rd_u24(&r, &u24) == 0 && u24 == 0x0001cc); /* the 3 bytes left */
    CHECK(cl_rd_empty(&r) && cl_rd_u8(&r, &u8) != 0);

    /* A vector whose length runs past the end fails and consumes nothing. */
    static const uint8_t over[] = {0x00, 0x05, 1, 2, 3};
    r = cl_reader_init(over, sizeof over);
    CHECK(cl_rd_vec(&r, 2, &body) != 0);
    CHECK(r.n == 3); /* the length prefix was read, the body was not */

    /* Every width at every truncation point fails cleanly. */
    static const uint8_t four[] = {1, 2, 3, 4};
    for (size_t n = 0; n <= 4; n++) {
        uint32_t v;
        cl_reader t = cl_reader_init(four, n);
        CHECK((cl_rd_u32(&t, &v) == 0) == (n == 4));
        t = cl_reader_init(four, n);
        CHECK((cl_rd_u24(&t, &v) == 0) == (n >= 3));
        if (n >= 3)
            CHECK(v == 0x010203);
    }
    const uint8_t *p;
    r = cl_reader_init(four, 4);
    CHECK(cl_rd_bytes(&r, 5, &p) != 0);
    CHECK(cl_rd_bytes(&r, 4, &p) == 0 && p == four && cl_rd_empty(&r));
    uint8_t copy[4];
    r = cl_reader_init(four, 4);
    CHECK(cl_rd_copy(&r, copy, 4) == 0 && !memcmp(copy, four, 4));
    /* Nested vectors narrow the view: the inner one cannot read the outer tail. */
    static const uint8_t nested[] = {0x00, 0x03, 0x01, 0x09, 0x09, 0x77};
    r = cl_reader_init(nested, sizeof nested);
    cl_reader outer, inner;
    CHECK(cl_rd_vec(&r, 2, &outer) == 0 && outer.n == 3);
    CHECK(cl_rd_vec(&outer, 1, &inner) == 0 && inner.n == 1);
    CHECK(!cl_rd_empty(&outer)); /* one byte of outer left: the caller must notice */
    CHECK(r.n == 1 && r.p[0] == 0x77);
}

static void test_writer(void)
{
    cl_buf b;
    cl_buf_init(&b, 0);
    cl_wr_u8(&b, 1);
    size_t v = cl_wr_begin_vec(&b, 2);
    cl_wr_u16(&b, 0xbeef);
    size_t w = cl_wr_begin_vec(&b, 3);
    cl_wr_bytes(&b, "abc", 3);
    cl_wr_end_vec(&b, w, 3);
    cl_wr_end_vec(&b, v, 2);
    cl_wr_u32(&b, 0x01020304);
    static const uint8_t want[] = {1, 0x00, 0x08, 0xbe, 0xef, 0, 0, 3, 'a', 'b', 'c', 1, 2, 3, 4};
    CHECK(!b.failed && b.len == sizeof want);
    CHECK_MEM(b.data, want, sizeof want);

    /* A 1-byte prefix cannot hold 256 bytes: the buffer fails, stickily. */
    cl_buf_reset(&b);
    v = cl_wr_begin_vec(&b, 1);
    uint8_t big[256] = {0};
    cl_wr_bytes(&b, big, sizeof big);
    cl_wr_end_vec(&b, v, 1);
    CHECK(b.failed);
    cl_wr_u8(&b, 1);
    CHECK(b.failed);
    cl_buf_free(&b);

    /* A limit caps the size. */
    cl_buf_init(&b, 10);
    cl_wr_bytes(&b, big, 10);
    CHECK(!b.failed);
    cl_wr_u8(&b, 1);
    CHECK(b.failed && b.len == 10);
    cl_buf_free(&b);

    /* Growth keeps the contents; consume drops from the front. */
    cl_buf_init(&b, 0);
    for (int i = 0; i < 10000; i++)
        cl_wr_u8(&b, (uint8_t)i);
    CHECK(b.len == 10000 && b.data[9999] == (uint8_t)9999);
    cl_buf_consume(&b, 9000);
    CHECK(b.len == 1000 && b.data[0] == (uint8_t)9000);
    cl_buf_free(&b);
    CHECK(b.data == NULL && b.len == 0);
}

static void test_ct(void)
{
    uint8_t a[32] = {0}, c[32] = {0};
    CHECK(cl_ct_memcmp(a, c, 32) == 0);
    c[31] = 1;
    CHECK(cl_ct_memcmp(a, c, 32) != 0);
    c[31] = 0;
    c[0] = 0x80;
    CHECK(cl_ct_memcmp(a, c, 32) != 0);
    uint8_t s[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    cl_wipe(s, sizeof s);
    CHECK(s[0] == 0 && s[7] == 0);
}

int main(void)
{
    test_reader();
    test_writer();
    test_ct();
    return tu_finish("bytes");
}
