/* SPDX-License-Identifier: Apache-2.0 */
/* The hostile-peer cases, one table per area (hostile/cases_*.c), and the
 * shorthand their lines use. */
#ifndef CLASP_HOSTILE_CASES_H
#define CLASP_HOSTILE_CASES_H
#include "mutators.h"

typedef struct {
    const hcase *rows;
    size_t n;
} case_table;

extern const case_table framing_cases;   /* cut, lengthened, oversized messages; chains; stalls */
extern const case_table extension_cases; /* duplicate, unknown, GREASE, unsolicited extensions */
extern const case_table parameter_cases; /* illegal values, negotiation lists, key shares, names */
extern const case_table order_cases;     /* messages out of order */
extern const case_table record_cases;    /* ChangeCipherSpec, record sizes and types, floods */

#define PROTO CLASP_E_PROTOCOL
#define NEGO CLASP_E_NEGOTIATION
#define CERT CLASP_E_CERTIFICATE
/* The expected outcome ends each line. */
#define ALERT(a, k, t) EXP_ALERT, a, k, t, NULL
#define STALL EXP_STALL, -1, CLASP_E_NONE, "", NULL
#define OK EXP_OK, -1, CLASP_E_NONE, "", NULL
#define OK_AFTER(post) EXP_OK, -1, CLASP_E_NONE, "", post
#define OK_GROUP(g) EXP_OK, -1, CLASP_E_NONE, g, NULL
#define OK_SNI(n) EXP_OK, -1, CLASP_E_NONE, "sni=" n, NULL
#define ALERT_AFTER(a, k, t, post) EXP_ALERT, a, k, t, post

#define SH CL_HS_SERVER_HELLO
#define CH CL_HS_CLIENT_HELLO
#define EE CL_HS_ENCRYPTED_EXTENSIONS
#define CRT CL_HS_CERTIFICATE
#define CR CL_HS_CERTIFICATE_REQUEST
#define CV CL_HS_CERTIFICATE_VERIFY
#define FIN CL_HS_FINISHED
#define NST CL_HS_NEW_SESSION_TICKET
#define SKE CL_HS_SERVER_KEY_EXCHANGE
#define SHD CL_HS_SERVER_HELLO_DONE
#define CKE CL_HS_CLIENT_KEY_EXCHANGE

/* Alerts (RFC 8446 6.2). */
#define A_UNEXPECTED 10
#define A_BAD_MAC 20
#define A_OVERFLOW 22
#define A_HANDSHAKE 40
#define A_BAD_CERT 42
#define A_ILLEGAL 47
#define A_DECODE 50
#define A_DECRYPT 51
#define A_VERSION 70
#define A_FALLBACK 86
#define A_MISSING 109
#define A_UNSUPPORTED_EXT 110

#define DECODE(what) ALERT(A_DECODE, PROTO, "malformed " what)
#define UNSOLICITED(t) ALERT(A_UNSUPPORTED_EXT, PROTO, t)
#define UNEXPECTED(t) ALERT(A_UNEXPECTED, PROTO, t)
#define ILLEGAL(t) ALERT(A_ILLEGAL, PROTO, t)
#endif
