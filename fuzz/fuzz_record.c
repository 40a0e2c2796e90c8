/* SPDX-License-Identifier: Apache-2.0 */
/* The record layer on its own: cl_record_seal / cl_record_open with keys
 * taken from the input, in TLS 1.3 and TLS 1.2 framing.
 *
 * Input layout:
 *   [0]      bits 0-1: AEAD (0 AES-128-GCM, 1 AES-256-GCM, 2 ChaCha20-Poly1305,
 *            3 none: plaintext records); bit 2: TLS 1.2 framing; bit 3: TLS 1.2
 *            with a 12-byte IV even for GCM (no explicit nonce); bit 4: start
 *            the sequence number next to 2^64-1; bit 5: plain_version 0x0301;
 *            bit 6: open into a separate buffer (cl_record_open_to, as
 *            clasp_conn_read does for application data)
 *   [1]      content type for the round trip
 *   [2..33]  key, [34..45] IV, [46..47] where to flip a bit
 *   [48..]   payload: sealed then opened (must round-trip), sealed and
 *            corrupted (must fail), and opened as a raw record (anything but
 *            a crash).
 * Every record is copied into a buffer of exactly its size, so ASan sees
 * any read past it. */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_common.h"
#include "record/record.h"

#define HEAD 48

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    if (cr_init())
        abort();
    return 0;
}

/* One direction's keys as the input describes them. */
static void make_keys(cl_record_keys *k, const uint8_t *in, int encrypt)
{
    memset(k, 0, sizeof *k);
    unsigned alg = in[0] & 3;
    int tls12 = (in[0] >> 2) & 1;
    if (alg != 3) {
        cr_aead *a = cr_aead_new((cr_aead_alg)alg, in + 2, encrypt);
        FZ_CHECK(a != NULL);
        size_t iv_len = tls12 && alg != CR_CHACHA20POLY1305 && !(in[0] & 8) ? 4 : 12;
        cl_record_keys_set(k, a, in + 34, iv_len, tls12);
    }
    if (in[0] & 16)
        k->seq = UINT64_MAX - 1;
    if (in[0] & 32)
        k->plain_version = 0x0301;
}

static uint8_t *dup_bytes(const uint8_t *p, size_t n)
{
    uint8_t *d = malloc(n ? n : 1);
    FZ_CHECK(d != NULL);
    if (n)
        memcpy(d, p, n);
    return d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < HEAD)
        return 0;
    const uint8_t *payload = data + HEAD;
    size_t len = size - HEAD;
    if (len > CL_MAX_PLAINTEXT)
        len = CL_MAX_PLAINTEXT;
    int aead = (data[0] & 3) != 3;
    int to_buffer = (data[0] >> 6) & 1;
    int tls12 = (data[0] >> 2) & 1;
    uint8_t type = data[1];
    if (aead && !tls12 && type == 0)
        type = CL_CT_APPLICATION_DATA; /* TLS 1.3 inner type 0 is padding */

    cl_record_keys wr, rd;
    make_keys(&wr, data, 1);
    make_keys(&rd, data, 0);

    /* 1. Round trip. */
    cl_buf out;
    cl_buf_init(&out, 0);
    uint64_t seq = wr.seq;
    int rc = cl_record_seal(&wr, type, payload, len, &out);
    if (aead && seq == UINT64_MAX) {
        FZ_CHECK(rc == -1);
    } else {
        FZ_CHECK(rc == 0);
        FZ_CHECK(out.len == cl_record_overhead(&wr) + len);
        FZ_CHECK(((size_t)out.data[3] << 8 | out.data[4]) == out.len - CL_RECORD_HEADER);
        uint8_t *rec = dup_bytes(out.data, out.len);
        uint8_t *dst = to_buffer ? malloc(out.len) : NULL; /* a record body's worth */
        uint8_t got_type, *plain;
        size_t plain_len;
        cl_record_status st =
            cl_record_open_to(&rd, rec, out.len, dst, &got_type, &plain, &plain_len);
        FZ_CHECK(st == CL_REC_OK);
        FZ_CHECK(got_type == type);
        FZ_CHECK(plain_len == len);
        if (dst && aead)
            FZ_CHECK(plain == dst);
        else
            FZ_CHECK(plain >= rec && plain + plain_len <= rec + out.len);
        FZ_CHECK(len == 0 || memcmp(plain, payload, len) == 0);
        free(dst);
        if (aead)
            FZ_CHECK(rd.seq == wr.seq);
        free(rec);
    }

    /* 2. A flipped bit in the protected part must be caught, and must not
     * advance the sequence number. */
    if (aead) {
        cl_buf_reset(&out);
        if (cl_record_seal(&wr, type, payload, len, &out) == 0) {
            FZ_CHECK(wr.seq == rd.seq + 1 || rd.seq == UINT64_MAX);
            uint8_t *rec = dup_bytes(out.data, out.len);
            size_t body = out.len - CL_RECORD_HEADER;
            size_t at = CL_RECORD_HEADER + ((size_t)data[46] << 8 | data[47]) % body;
            rec[at] ^= (uint8_t)(1u << (data[46] & 7));
            uint64_t before = rd.seq;
            uint8_t *dst = to_buffer ? malloc(out.len) : NULL;
            if (dst)
                memset(dst, 0xa5, out.len);
            uint8_t got_type, *plain;
            size_t plain_len;
            FZ_CHECK(cl_record_open_to(&rd, rec, out.len, dst, &got_type, &plain, &plain_len) !=
                  CL_REC_OK);
            FZ_CHECK(rd.seq == before);
            /* Unauthenticated plaintext must not be left behind where it
             * was decrypted (it is wiped to zeros). */
            int nonzero = 0;
            for (size_t i = 0; i < len; i++)
                nonzero |= payload[i];
            if (nonzero) {
                uint8_t *where = dst ? dst : rec + CL_RECORD_HEADER + (wr.explicit_nonce ? 8 : 0);
                FZ_CHECK(memcmp(where, payload, len) != 0);
            }
            free(dst);
            free(rec);
        }
    }
    cl_buf_free(&out);

    /* 3. The payload as a record off the wire: whatever it says. */
    if (size - HEAD >= CL_RECORD_HEADER) {
        size_t rec_len = size - HEAD;
        if (rec_len > CL_MAX_RECORD + 64)
            rec_len = CL_MAX_RECORD + 64;
        uint8_t *rec = dup_bytes(payload, rec_len);
        uint8_t got_type, *plain;
        size_t plain_len;
        cl_record_keys_clear(&rd);
        make_keys(&rd, data, 0);
        uint8_t *dst = to_buffer ? malloc(rec_len) : NULL;
        if (cl_record_open_to(&rd, rec, rec_len, dst, &got_type, &plain, &plain_len) ==
            CL_REC_OK) {
            if (dst && aead)
                FZ_CHECK(plain == dst && plain_len < rec_len);
            else
                FZ_CHECK(plain >= rec + CL_RECORD_HEADER && plain + plain_len <= rec + rec_len);
            FZ_CHECK(plain_len <= CL_MAX_PLAINTEXT);
        }
        free(dst);
        free(rec);
    }
    cl_record_keys_clear(&wr);
    cl_record_keys_clear(&rd);
    return 0;
}
