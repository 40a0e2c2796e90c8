/* SPDX-License-Identifier: Apache-2.0 */
/* PEM files: read a file and pull out the DER of each block of one kind. */
#ifndef CLASP_X509_PEM_H
#define CLASP_X509_PEM_H

#include <stddef.h>
#include <stdint.h>

#define CL_PEM_MAX_FILE (4u << 20)

/* Reads a whole file (at most CL_PEM_MAX_FILE). Returns malloc'd bytes. */
uint8_t *cl_read_file(const char *path, size_t *len);

/* Calls fn for each "-----BEGIN <label>-----" block in pem, with its decoded
 * DER. Stops and returns -1 if a block is malformed or fn fails; otherwise
 * returns the number of blocks. */
int cl_pem_each(const uint8_t *pem, size_t len, const char *label,
                int (*fn)(void *arg, const uint8_t *der, size_t der_len), void *arg);
#endif
