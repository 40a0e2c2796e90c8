/* SPDX-License-Identifier: Apache-2.0 */
/* The one result every step of the connection core and the handshake
 * returns. A failure is recorded where it happens (cl_fail: the alert to
 * send, the kind and the sentence), so a result only says how to go on:
 * carry on, unwind, or wait and name what for. Every function returning
 * it is CL_MUST_CHECK; CL_TRY passes anything but CL_OK up.
 *
 * Lower layers (base, crypto, x509, record) do not know a connection:
 * they return 0 or -1 (or a verdict), and the caller above names the
 * alert and the sentence.
 *
 * The values equal the public CLASP_* codes they become (src/api checks
 * that at compile time), so the API passes them on unchanged. */
#ifndef CLASP_BASE_RESULT_H
#define CLASP_BASE_RESULT_H

#define CL_MUST_CHECK __attribute__((warn_unused_result))

typedef enum {
    CL_OK = 0,            /* done: go on */
    CL_WAIT_PEER = -1,    /* waits for bytes from the peer (the state says which message) */
    CL_PEER_CLOSED = -3,  /* the peer sent close_notify */
    CL_FAILED = -4,       /* failed and recorded (cl_fail): unwind */
    /* waits for the application's private-key operation (a callback that
     * returned pending, handshake/key_op.c): the step's state is kept in
     * the handshake, and the driver resumes it once the result is given */
    CL_WAIT_KEY = -6,
} cl_result;

/* Evaluates a step and returns its result from the calling function
 * unless it is CL_OK. */
#define CL_TRY(step)                                                                               \
    do {                                                                                           \
        cl_result cl_try_result_ = (step);                                                         \
        if (cl_try_result_ != CL_OK)                                                               \
            return cl_try_result_;                                                                 \
    } while (0)

#endif
