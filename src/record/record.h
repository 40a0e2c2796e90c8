/* SPDX-License-Identifier: Apache-2.0 */
/* Record protection for one direction: the AEAD key, the static IV and the
 * sequence number. TLS 1.3 (RFC 8446 5.2/5.3) hides the content type inside
 * the encrypted record; TLS 1.2 AEAD suites (RFC 5246 6.2.3.3, RFC 5288,
 * RFC 7905) carry it in the header and authenticate it in the AAD. */
#ifndef CLASP_RECORD_H
#define CLASP_RECORD_H

#include "base/bytes.h"
#include "crypto/crypto.h"

#define CL_CT_CHANGE_CIPHER_SPEC 20
#define CL_CT_ALERT 21
#define CL_CT_HANDSHAKE 22
#define CL_CT_APPLICATION_DATA 23

#define CL_RECORD_HEADER 5
#define CL_MAX_PLAINTEXT 16384
/* RFC 8446 5.2: ciphertext may exceed the plaintext limit by at most 256. */
#define CL_MAX_CIPHERTEXT (CL_MAX_PLAINTEXT + 256)
#define CL_MAX_RECORD (CL_RECORD_HEADER + CL_MAX_CIPHERTEXT)

/* A record header as it came from the peer (RFC 8446 5.1, RFC 5246 6.2.1). */
typedef struct {
    uint8_t type;
    uint8_t version_major, version_minor;
    size_t len;           /* of the fragment that follows the header */
} cl_record_header;

/* Reads the header at the front of p[0..avail) through the bounded reader:
 * 0, or -1 when fewer than CL_RECORD_HEADER bytes are there. Inline: it runs
 * once per record. */
CL_MUST_CHECK static inline int cl_record_header_read(const uint8_t *p, size_t avail,
                                                      cl_record_header *h)
{
    cl_reader r = cl_reader_init(p, avail);
    uint16_t len;
    if (cl_rd_u8(&r, &h->type) || cl_rd_u8(&r, &h->version_major) ||
        cl_rd_u8(&r, &h->version_minor) || cl_rd_u16(&r, &len))
        return -1;
    h->len = len;
    return 0;
}

/* "handshake", "alert", ... for error sentences ("unknown" otherwise). */
const char *cl_content_type_name(uint8_t type);

typedef struct {
    cr_aead *aead;        /* NULL: records go in plaintext */
    uint8_t iv[CR_AEAD_NONCE];
    size_t iv_len;        /* 12, or 4 for TLS 1.2 GCM (implicit salt) */
    uint64_t seq;
    int tls12;            /* TLS 1.2 AEAD framing */
    int explicit_nonce;   /* TLS 1.2 GCM: 8-byte explicit nonce on the wire */
    uint16_t plain_version; /* header version of unprotected records; 0 means 0x0303 */
} cl_record_keys;

void cl_record_keys_clear(cl_record_keys *k);
/* Installs a key; takes ownership of aead. */
void cl_record_keys_set(cl_record_keys *k, cr_aead *aead, const uint8_t *iv, size_t iv_len,
                        int tls12);

/* Bytes a sealed record adds around its payload (header, nonce, type, tag). */
size_t cl_record_overhead(const cl_record_keys *k);

/* Appends one record carrying payload to out, protected when keys are set.
 * Returns 0, or -1 when the sequence number would wrap or sealing failed. */
CL_MUST_CHECK int cl_record_seal(cl_record_keys *k, uint8_t type, const uint8_t *payload,
                                 size_t len, cl_buf *out);

/* Appends payload cut into records of at most max_fragment bytes each (one
 * empty record when len is 0). Returns 0, or -1 as cl_record_seal. */
CL_MUST_CHECK int cl_record_seal_fragments(cl_record_keys *k, uint8_t type, const uint8_t *payload,
                                           size_t len, size_t max_fragment, cl_buf *out);

/* Record-layer failures, each naming the alert it calls for. */
typedef enum {
    CL_REC_OK = 0,
    CL_REC_BAD_MAC,        /* bad_record_mac */
    CL_REC_OVERFLOW,       /* record_overflow */
    CL_REC_NO_CONTENT,     /* unexpected_message: TLS 1.3 record of all padding */
    CL_REC_DECODE          /* decode_error */
} cl_record_status;

/* Opens a protected record in place: rec points at the header, rec_len is the
 * whole record. On success *type is the true content type and the plaintext
 * is at *plain, *plain_len bytes (inside rec). */
cl_record_status cl_record_open(cl_record_keys *k, uint8_t *rec, size_t rec_len, uint8_t *type,
                                uint8_t **plain, size_t *plain_len);
/* The same, decrypting into dst (room for the whole ciphertext body) instead
 * of in place: the application's own buffer, saving a copy. */
cl_record_status cl_record_open_to(cl_record_keys *k, uint8_t *rec, size_t rec_len, uint8_t *dst,
                                   uint8_t *type, uint8_t **plain, size_t *plain_len);
#endif
