/* SPDX-License-Identifier: Apache-2.0 */
/* PEM and DER containers: read a file, walk the PEM blocks of a buffer
 * (any order, any labels), and split back-to-back DER certificates. */
#ifndef CLASP_X509_PEM_H
#define CLASP_X509_PEM_H

#include <stddef.h>
#include <stdint.h>

#define CL_PEM_MAX_FILE (4u << 20)

/* Reads a whole file (at most CL_PEM_MAX_FILE). Returns malloc'd bytes. */
uint8_t *cl_read_file(const char *path, size_t *len);

/* What was wrong with a PEM buffer, for a sentence (cl_pem_problem_text). */
typedef enum {
    CL_PEM_OK = 0,
    CL_PEM_BAD_BASE64,  /* a character that is not base64, or data after '=' */
    CL_PEM_NO_END,      /* BEGIN without its END line */
    CL_PEM_EMPTY_BLOCK, /* a block with no data */
    CL_PEM_TOO_BIG      /* more than CL_PEM_MAX_FILE of data */
} cl_pem_problem_kind;

typedef struct {
    cl_pem_problem_kind kind;
    unsigned block;  /* 1 = the first PEM block of the buffer */
    unsigned line;   /* line of the buffer (1 = first) where it was found */
    char label[48];  /* the block's label, "CERTIFICATE" */
    char bad_char;   /* CL_PEM_BAD_BASE64: the offending character */
} cl_pem_problem;

/* Does the buffer hold a "-----BEGIN " line (PEM) rather than DER? */
int cl_pem_looks_like_pem(const uint8_t *data, size_t len);

/* Calls fn for each PEM block of pem, in order, with its label and decoded
 * DER. Encapsulated headers (RFC 1421 "Proc-Type:", "DEK-Info:", up to a
 * blank line) are skipped: fn gets only the base64 body. Returns the number
 * of blocks; -1 if fn failed; -2 if the buffer is malformed, with
 * *problem (may be NULL) saying where. */
int cl_pem_blocks(const uint8_t *pem, size_t len,
                  int (*fn)(void *arg, const char *label, const uint8_t *der, size_t der_len),
                  void *arg, cl_pem_problem *problem);

/* Calls fn for each "-----BEGIN <label>-----" block in pem, with its decoded
 * DER. Stops and returns -1 if any block is malformed or fn fails
 * (*problem, which may be NULL, says what was malformed); otherwise
 * returns the number of blocks with that label. */
int cl_pem_each_ex(const uint8_t *pem, size_t len, const char *label,
                   int (*fn)(void *arg, const uint8_t *der, size_t der_len), void *arg,
                   cl_pem_problem *problem);
int cl_pem_each(const uint8_t *pem, size_t len, const char *label,
                int (*fn)(void *arg, const uint8_t *der, size_t der_len), void *arg);

/* The problem as a sentence about `source` ("'chain.pem'", "the key
 * buffer"): "'chain.pem': the base64 of PEM block 2 (CERTIFICATE) is
 * broken at line 14: '*' is not a base64 character there". */
void cl_pem_problem_text(const cl_pem_problem *p, const char *source, char *buf, size_t len);

/* Is this the label of a private key block (PRIVATE KEY, ENCRYPTED PRIVATE
 * KEY, RSA PRIVATE KEY, EC PRIVATE KEY)? */
int cl_pem_is_key_label(const char *label);

/* Calls fn for each DER certificate (a SEQUENCE with a definite length) of
 * der, back to back. Returns the count, -1 if fn failed or the bytes are
 * not whole SEQUENCEs. */
int cl_der_each(const uint8_t *der, size_t len,
                int (*fn)(void *arg, const uint8_t *der, size_t der_len), void *arg);
#endif
