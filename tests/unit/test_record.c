/* SPDX-License-Identifier: Apache-2.0 */
/* Record protection: TLS 1.3 (inner type, padding, header as AAD) and TLS
 * 1.2 AEAD framing (explicit nonce for GCM, XOR nonce for ChaCha20), with
 * the RFC 8448 application-data record as a known answer. */
#include <string.h>

#include "record/record.h"
#include "rfc8448_vectors.h"
#include "testutil.h"

static void keys(cl_record_keys *k, cr_aead_alg alg, int enc, int tls12)
{
    uint8_t key[32], iv[12];
    memset(key, 0x42, sizeof key);
    memset(iv, 0x24, sizeof iv);
    memset(k, 0, sizeof *k);
    size_t iv_len = tls12 && alg != CR_CHACHA20POLY1305 ? 4 : 12;
    cl_record_keys_set(k, cr_aead_new(alg, key, enc), iv, iv_len, tls12);
}

static void round_trip(cr_aead_alg alg, int tls12)
{
    cl_record_keys w, r;
    keys(&w, alg, 1, tls12);
    keys(&r, alg, 0, tls12);
    cl_buf out;
    cl_buf_init(&out, 0);
    static uint8_t payload[CL_MAX_PLAINTEXT];
    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = (uint8_t)i;
    size_t sizes[] = {0, 1, 100, CL_MAX_PLAINTEXT};
    for (size_t s = 0; s < 4; s++) {
        cl_buf_reset(&out);
        CHECK(cl_record_seal(&w, CL_CT_HANDSHAKE, payload, sizes[s], &out) == 0);
        CHECK(out.len == sizes[s] + cl_record_overhead(&w));
        CHECK(out.data[0] == (tls12 ? CL_CT_HANDSHAKE : CL_CT_APPLICATION_DATA));
        uint8_t type, *plain;
        size_t n;
        CHECK(cl_record_open(&r, out.data, out.len, &type, &plain, &n) == CL_REC_OK);
        CHECK(type == CL_CT_HANDSHAKE && n == sizes[s]);
        CHECK(n == 0 || !memcmp(plain, payload, n));
    }
    /* A flipped bit anywhere, a replay (wrong sequence number), or a
     * truncated tag: bad_record_mac. */
    cl_buf_reset(&out);
    CHECK(cl_record_seal(&w, CL_CT_APPLICATION_DATA, payload, 50, &out) == 0);
    uint8_t copy[128], type, *plain;
    size_t n;
    for (size_t i = 0; i < out.len; i++) {
        if (i >= 1 && i <= 4 && tls12)
            continue; /* TLS 1.2 authenticates its own view of version and length (the AAD) */
        memcpy(copy, out.data, out.len);
        copy[i] ^= 0x01;
        cl_record_keys r2;
        keys(&r2, alg, 0, tls12);
        r2.seq = r.seq;
        CHECK(cl_record_open(&r2, copy, out.len, &type, &plain, &n) == CL_REC_BAD_MAC);
        cl_record_keys_clear(&r2);
    }
    memcpy(copy, out.data, out.len);
    CHECK(cl_record_open(&r, copy, out.len, &type, &plain, &n) == CL_REC_OK);
    memcpy(copy, out.data, out.len);
    CHECK(cl_record_open(&r, copy, out.len, &type, &plain, &n) == CL_REC_BAD_MAC); /* replay */
    CHECK(cl_record_open(&r, copy, 5 + 10, &type, &plain, &n) == CL_REC_BAD_MAC);   /* too short */
    cl_buf_free(&out);
    cl_record_keys_clear(&w);
    cl_record_keys_clear(&r);
}

static void tls13_padding_and_limits(void)
{
    cl_record_keys w, r;
    keys(&w, CR_AES128GCM, 1, 0);
    keys(&r, CR_AES128GCM, 0, 0);
    /* A record of only zero padding has no content type. */
    uint8_t rec[5 + 10 + 16] = {23, 3, 3, 0, 26};
    uint8_t nonce[12];
    memcpy(nonce, w.iv, 12);
    CHECK(cr_aead_seal(w.aead, nonce, rec, 5, rec + 5, 10, rec + 15) == 0);
    uint8_t type, *plain;
    size_t n;
    CHECK(cl_record_open(&r, rec, sizeof rec, &type, &plain, &n) == CL_REC_NO_CONTENT);
    /* Padding after the type is stripped. */
    cl_record_keys_clear(&r);
    keys(&r, CR_AES128GCM, 0, 0);
    uint8_t padded[5 + 4 + 16] = {23, 3, 3, 0, 20, 'h', 'i', CL_CT_HANDSHAKE, 0};
    CHECK(cr_aead_seal(w.aead, nonce, padded, 5, padded + 5, 4, padded + 9) == 0);
    CHECK(cl_record_open(&r, padded, sizeof padded, &type, &plain, &n) == CL_REC_OK);
    CHECK(type == CL_CT_HANDSHAKE && n == 2 && plain[0] == 'h');
    /* Plaintext above 2^14 inside a record within the ciphertext limit. */
    static uint8_t big[5 + CL_MAX_PLAINTEXT + 2 + 16];
    size_t body = CL_MAX_PLAINTEXT + 2 + 16;
    big[0] = 23, big[1] = 3, big[2] = 3, big[3] = (uint8_t)(body >> 8), big[4] = (uint8_t)body;
    memset(big + 5, 'x', CL_MAX_PLAINTEXT + 1);
    big[5 + CL_MAX_PLAINTEXT + 1] = CL_CT_APPLICATION_DATA;
    cl_record_keys_clear(&r);
    keys(&r, CR_AES128GCM, 0, 0);
    CHECK(cr_aead_seal(w.aead, nonce, big, 5, big + 5, CL_MAX_PLAINTEXT + 2, big + 5 + CL_MAX_PLAINTEXT + 2) == 0);
    CHECK(cl_record_open(&r, big, sizeof big, &type, &plain, &n) == CL_REC_OVERFLOW);
    cl_record_keys_clear(&w);
    cl_record_keys_clear(&r);
}

/* RFC 8448 3: the client's application data record under its traffic key. */
static void known_answer(void)
{
    static const char key_hex[] = "17422dda596ed5d9acd890e3c63f5051";
    static const char iv_hex[] = "5b78923dee08579033e523d9";
    uint8_t key[16], iv[12];
    tu_hex(key_hex, key, sizeof key);
    tu_hex(iv_hex, iv, sizeof iv);
    cl_record_keys w;
    memset(&w, 0, sizeof w);
    cl_record_keys_set(&w, cr_aead_new(CR_AES128GCM, key, 1), iv, 12, 0);
    cl_buf out;
    cl_buf_init(&out, 0);
    CHECK(cl_record_seal(&w, CL_CT_APPLICATION_DATA, rfc8448_client_app_payload,
                         sizeof rfc8448_client_app_payload, &out) == 0);
    CHECK(out.len == sizeof rfc8448_client_app_record);
    CHECK_MEM(out.data, rfc8448_client_app_record, sizeof rfc8448_client_app_record);
    cl_buf_free(&out);
    cl_record_keys_clear(&w);
}

int main(void)
{
    for (int tls12 = 0; tls12 < 2; tls12++) {
        round_trip(CR_AES128GCM, tls12);
        round_trip(CR_AES256GCM, tls12);
        round_trip(CR_CHACHA20POLY1305, tls12);
    }
    tls13_padding_and_limits();
    known_answer();
    return tu_finish("record");
}
