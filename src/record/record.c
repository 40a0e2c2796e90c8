/* SPDX-License-Identifier: Apache-2.0 */
#include "record/record.h"

const char *cl_content_type_name(uint8_t type)
{
    switch (type) {
    case CL_CT_CHANGE_CIPHER_SPEC: return "ChangeCipherSpec";
    case CL_CT_ALERT: return "alert";
    case CL_CT_HANDSHAKE: return "handshake";
    case CL_CT_APPLICATION_DATA: return "application data";
    }
    return "unknown";
}

void cl_record_keys_clear(cl_record_keys *k)
{
    cr_aead_free(k->aead);
    cl_wipe(k, sizeof *k);
}

void cl_record_keys_set(cl_record_keys *k, cr_aead *aead, const uint8_t *iv, size_t iv_len,
                        int tls12)
{
    cl_record_keys_clear(k);
    k->aead = aead;
    memcpy(k->iv, iv, iv_len);
    k->iv_len = iv_len;
    k->tls12 = tls12;
    k->explicit_nonce = tls12 && iv_len == 4;
}

size_t cl_record_overhead(const cl_record_keys *k)
{
    if (!k->aead)
        return CL_RECORD_HEADER;
    return CL_RECORD_HEADER + CR_AEAD_TAG + (k->tls12 ? (k->explicit_nonce ? 8 : 0) : 1);
}

/* Per-record nonce: TLS 1.3 and ChaCha20 in TLS 1.2 XOR the sequence number
 * into the IV; TLS 1.2 GCM is salt || explicit part (we use the sequence). */
static void make_nonce(const cl_record_keys *k, uint8_t nonce[CR_AEAD_NONCE])
{
    if (k->explicit_nonce) {
        memcpy(nonce, k->iv, 4);
        for (int i = 0; i < 8; i++)
            nonce[4 + i] = (uint8_t)(k->seq >> (56 - 8 * i));
        return;
    }
    memcpy(nonce, k->iv, CR_AEAD_NONCE);
    for (int i = 0; i < 8; i++)
        nonce[4 + i] ^= (uint8_t)(k->seq >> (56 - 8 * i));
}

static void put_header(uint8_t *h, uint8_t type, size_t len, uint16_t version)
{
    h[0] = type;
    h[1] = (uint8_t)(version >> 8);
    h[2] = (uint8_t)version;
    h[3] = (uint8_t)(len >> 8);
    h[4] = (uint8_t)len;
}

/* TLS 1.2 AAD: seq_num || type || version || plaintext length. */
static void tls12_aad(const cl_record_keys *k, uint8_t type, size_t len, uint8_t aad[13])
{
    for (int i = 0; i < 8; i++)
        aad[i] = (uint8_t)(k->seq >> (56 - 8 * i));
    aad[8] = type;
    aad[9] = 3;
    aad[10] = 3;
    aad[11] = (uint8_t)(len >> 8);
    aad[12] = (uint8_t)len;
}

int cl_record_seal(cl_record_keys *k, uint8_t type, const uint8_t *payload, size_t len,
                   cl_buf *out)
{
    if (!k->aead) {
        uint8_t *h = cl_wr_space(out, CL_RECORD_HEADER + len);
        if (!h)
            return -1;
        put_header(h, type, len, k->plain_version ? k->plain_version : 0x0303);
        if (len)
            memcpy(h + CL_RECORD_HEADER, payload, len);
        return 0;
    }
    if (k->seq == UINT64_MAX)
        return -1; /* RFC 8446 5.3: never wrap; a key update must come first */
    size_t body = cl_record_overhead(k) - CL_RECORD_HEADER + len;
    uint8_t *h = cl_wr_space(out, CL_RECORD_HEADER + body);
    if (!h)
        return -1;
    uint8_t nonce[CR_AEAD_NONCE];
    make_nonce(k, nonce);
    int rc;
    if (k->tls12) {
        uint8_t aad[13];
        put_header(h, type, body, 0x0303);
        uint8_t *p = h + CL_RECORD_HEADER;
        if (k->explicit_nonce) {
            memcpy(p, nonce + 4, 8);
            p += 8;
        }
        tls12_aad(k, type, len, aad);
        rc = cr_aead_seal2(k->aead, nonce, aad, sizeof aad, payload, len, NULL, 0, p, p + len);
    } else {
        /* The outer type is always application_data; the AAD is the header. */
        put_header(h, CL_CT_APPLICATION_DATA, body, 0x0303);
        uint8_t *p = h + CL_RECORD_HEADER;
        rc = cr_aead_seal2(k->aead, nonce, h, CL_RECORD_HEADER, payload, len, &type, 1, p,
                           p + len + 1);
    }
    if (rc) {
        out->len -= CL_RECORD_HEADER + body;
        return -1;
    }
    k->seq++;
    return 0;
}

int cl_record_seal_fragments(cl_record_keys *k, uint8_t type, const uint8_t *payload,
                             size_t len, size_t max_fragment, cl_buf *out)
{
    do {
        size_t n = len < max_fragment ? len : max_fragment;
        if (cl_record_seal(k, type, payload, n, out))
            return -1;
        payload += n;
        len -= n;
    } while (len > 0);
    return 0;
}

cl_record_status cl_record_open(cl_record_keys *k, uint8_t *rec, size_t rec_len, uint8_t *type,
                                uint8_t **plain, size_t *plain_len)
{
    return cl_record_open_to(k, rec, rec_len, NULL, type, plain, plain_len);
}

cl_record_status cl_record_open_to(cl_record_keys *k, uint8_t *rec, size_t rec_len, uint8_t *dst,
                                   uint8_t *type, uint8_t **plain, size_t *plain_len)
{
    uint8_t *body = rec + CL_RECORD_HEADER;
    size_t body_len = rec_len - CL_RECORD_HEADER;
    if (!k->aead) {
        if (body_len > CL_MAX_PLAINTEXT)
            return CL_REC_OVERFLOW;
        *type = rec[0];
        *plain = body;
        *plain_len = body_len;
        return CL_REC_OK;
    }
    if (body_len > CL_MAX_CIPHERTEXT)
        return CL_REC_OVERFLOW;
    size_t min = cl_record_overhead(k) - CL_RECORD_HEADER;
    if (body_len < min)
        return CL_REC_BAD_MAC; /* too short to hold a tag: cannot authenticate */
    if (k->seq == UINT64_MAX)
        return CL_REC_BAD_MAC;
    uint8_t nonce[CR_AEAD_NONCE];
    make_nonce(k, nonce);
    if (k->tls12) {
        uint8_t aad[13];
        uint8_t *p = body;
        size_t n = body_len - CR_AEAD_TAG;
        if (k->explicit_nonce) {
            memcpy(nonce + 4, p, 8);
            p += 8;
            n -= 8;
        }
        tls12_aad(k, rec[0], n, aad);
        uint8_t *out = dst ? dst : p;
        if (cr_aead_open_to(k->aead, nonce, aad, sizeof aad, p, n, out, p + n))
            return CL_REC_BAD_MAC;
        if (n > CL_MAX_PLAINTEXT)
            return CL_REC_OVERFLOW;
        k->seq++;
        *type = rec[0];
        *plain = out;
        *plain_len = n;
        return CL_REC_OK;
    }
    size_t n = body_len - CR_AEAD_TAG;
    uint8_t *out = dst ? dst : body;
    if (cr_aead_open_to(k->aead, nonce, rec, CL_RECORD_HEADER, body, n, out, body + n))
        return CL_REC_BAD_MAC;
    k->seq++;
    /* RFC 8446 5.4: padding included, the inner plaintext is at most 2^14 + 1. */
    if (n > CL_MAX_PLAINTEXT + 1)
        return CL_REC_OVERFLOW;
    /* Strip the zero padding; the last non-zero byte is the real type. */
    while (n > 0 && out[n - 1] == 0)
        n--;
    if (n == 0)
        return CL_REC_NO_CONTENT;
    n--;
    if (n > CL_MAX_PLAINTEXT)
        return CL_REC_OVERFLOW;
    *type = out[n];
    *plain = out;
    *plain_len = n;
    return CL_REC_OK;
}
