/* SPDX-License-Identifier: Apache-2.0 */
/* A throw-away PKI for `clasp demo`, `clasp server` without --cert, the
 * tests, the fuzzers and the benchmark. Not part of the library (neither
 * libclasp.a nor libclasp.so holds it): it is its own static library,
 * clasp_testpki, built from testpki.c with libcrypto alone, so a program
 * linked against either form of the library can use it. */
#ifndef CLASP_CRYPTO_TESTPKI_H
#define CLASP_CRYPTO_TESTPKI_H

#include <stddef.h>

/* Writes a throw-away CA and a certificate for "localhost", 127.0.0.1 and ::1
 * signed by it into dir (created if missing): ca.pem, cert.pem (the leaf
 * alone), key.pem, and a client certificate client.pem / client-key.pem.
 * key_type: "ecdsa" (P-256), "ecdsa384" (P-384), "rsa" (2048), "ed25519".
 * 0, or -1 and a sentence in err. For demos and tests, never for
 * production. */
int cl_testpki_make(const char *dir, const char *key_type, char *err, size_t errlen);

#endif
