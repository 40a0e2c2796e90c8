/* SPDX-License-Identifier: Apache-2.0 */
/* Our private key at work: the signatures of CertificateVerify (both
 * versions) and ServerKeyExchange, and the TLS 1.2 RSA premaster. With a
 * key in memory libcrypto does them; with a certificate added by
 * clasp_config_add_cert_chain_with_key_callback the application's callback
 * does, now or later. A later result waits in hs->key_wait: the step
 * returns CL_WAIT_KEY, the application hands the result over
 * (cl_hs_key_result), and the driver resumes the step (cl_hs_key_resume in
 * dispatch.c finishes it here, then runs the rest of the state machine's
 * step). What the callback makes is checked before it is sent. */
#include <stdio.h>
#include <stdlib.h>

#include "base/ct.h"
#include "handshake/hs.h"

static const char *signed_message(cl_key_step step)
{
    return step == CL_KEY_STEP_SKE12 ? "ServerKeyExchange" : "CertificateVerify";
}

static int is_ecdsa(uint16_t scheme)
{
    return scheme == CR_SIG_ECDSA_SHA1 || scheme == CR_SIG_ECDSA_SECP256R1_SHA256 ||
           scheme == CR_SIG_ECDSA_SECP384R1_SHA384 || scheme == CR_SIG_ECDSA_SECP521R1_SHA512;
}


/* The signature the callback made (NULL: the operation failed), checked
 * with the certificate's public key over what it signs, then written into
 * the message, which goes out. */
CL_MUST_CHECK static cl_result send_with_signature(clasp_conn *c, cl_key_step step, cl_buf *m,
                                                   size_t sig_vec, const uint8_t *sig, size_t len,
                                                   const uint8_t *in, size_t in_len,
                                                   const char *detail)
{
    cl_hs *hs = c->hs;
    cr_pkey *pub = hs->cert->key;
    const char *what = signed_message(step), *scheme = cl_sigalg_name(hs->sigalg);
    size_t max = cr_pkey_max_sig_len(pub);
    int tls12 = c->version == CLASP_TLS1_2;
    cl_result rc = CL_OK;
    if (!sig)
        rc = cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL,
                     "could not sign our %s: the private-key callback failed (%s)", what, scheme);
    else if (len == 0 || len > max)
        rc = cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL,
                     "the private-key callback returned %zu bytes as the %s signature of our "
                     "%s, where the certificate's key makes at most %zu",
                     len, scheme, what, max);
    /* RSA and EdDSA signatures have one size; an ECDSA one is DER. */
    else if (!is_ecdsa(hs->sigalg) && len != max)
        rc = cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL,
                     "the private-key callback returned a %zu-byte %s signature for our %s; the "
                     "certificate's key makes signatures of exactly %zu bytes",
                     len, scheme, what, max);
    else if ((tls12 ? cr_verify12 : cr_verify)(pub, hs->sigalg, in, in_len, sig, len))
        rc = cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL,
                     "the private-key callback's %s signature of our %s does not verify with "
                     "the certificate's public key: the callback signed something else, or with "
                     "another key",
                     scheme, what);
    if (rc != CL_OK) {
        cl_buf_free(m);
        return rc;
    }
    cl_wr_bytes(m, sig, len);
    cl_wr_end_vec(m, sig_vec, 2);
    return cl_hs_send(c, m, NULL, detail);
}

cl_result cl_key_sign(clasp_conn *c, cl_key_step step, cl_buf *m, size_t sig_vec, const uint8_t *in,
                      size_t in_len, const char *detail)
{
    cl_hs *hs = c->hs;
    const cl_cert_key *ck = hs->cert;
    int tls12 = c->version == CLASP_TLS1_2;
    size_t max = cr_pkey_max_sig_len(ck->key), len = max;
    if (!ck->key_fn) {
        uint8_t *sig = cl_wr_space(m, max);
        if (!sig || (tls12 ? cr_sign12 : cr_sign)(ck->key, hs->sigalg, in, in_len, sig, &len)) {
            cl_buf_free(m);
            return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL,
                           "could not sign our %s: the private key operation failed",
                           signed_message(step));
        }
        m->len -= max - len;
        cl_wr_end_vec(m, sig_vec, 2);
        return cl_hs_send(c, m, NULL, detail);
    }
    /* A device that signs digests gets the digest too. */
    uint8_t digest[CR_MAX_HASH];
    cr_hash_alg alg;
    size_t digest_len = 0;
    if (cr_sig_scheme_hash(hs->sigalg, &alg) == 0) {
        if (cr_hash_once(alg, in, in_len, digest)) {
            cl_buf_free(m);
            return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL,
                           "could not hash our %s for the private-key callback",
                           signed_message(step));
        }
        digest_len = cr_hash_len(alg);
    }
    clasp_key_operation op = {
        .op = CLASP_KEY_SIGN,
        .scheme = hs->sigalg,
        .version = tls12 ? CLASP_TLS1_2 : CLASP_TLS1_3,
        .input = in,
        .input_len = in_len,
        .digest = digest_len ? digest : NULL,
        .digest_len = digest_len,
        .max_output = max,
    };
    cl_key_wait *kw = &hs->key_wait;
    cl_key_wait_clear(kw);
    kw->max = max;
    /* The result's buffer now, so that handing it over cannot fail later;
     * the input is kept to check what a pending operation returns. */
    kw->result = malloc(max ? max : 1);
    if (!kw->result) {
        cl_buf_free(m);
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_NOMEM, "out of memory");
    }
    size_t out_len = 0;
    int r = ck->key_fn(ck->key_arg, c, &op, kw->result, &out_len);
    if (r == CLASP_KEY_PENDING) {
        kw->input = malloc(in_len ? in_len : 1);
        if (!kw->input) {
            cl_buf_free(m);
            cl_key_wait_clear(kw);
            return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_NOMEM, "out of memory");
        }
        memcpy(kw->input, in, in_len);
        kw->input_len = in_len;
        kw->msg = *m; /* the message waits here, up to its signature */
        cl_buf_init(m, 0);
        kw->sig_vec = sig_vec;
        kw->step = step;
        snprintf(kw->detail, sizeof kw->detail, "%s", detail ? detail : "");
        c->key_pending = 1;
        if (cl_trace_on(c))
            cl_trace(c, CLASP_TRACE_NOTE, "private key", "the callback signs our %s (%s) later",
                     signed_message(step), cl_sigalg_name(hs->sigalg));
        return CL_WAIT_KEY;
    }
    cl_result rc = send_with_signature(c, step, m, sig_vec, r == CLASP_KEY_DONE ? kw->result : NULL,
                                       r == CLASP_KEY_DONE ? out_len : 0, in, in_len, detail);
    cl_key_wait_clear(kw);
    return rc;
}

/* RFC 5246 7.4.7.1: the premaster starts with the version the client
 * offered; a wrong one, like any other failure, leaves the random
 * fallback, chosen without a branch. */
static void check_premaster_version(cl_hs *hs, const uint8_t fallback[48])
{
    uint8_t mask = (uint8_t)cl_ct_eq((uint32_t)hs->pms[0] << 8 | hs->pms[1], hs->client_version);
    cl_ct_select(mask, hs->pms, fallback, hs->pms, 48);
    hs->pms_len = 48;
}

/* The callback's raw RSA result (em, NULL when it failed): the PKCS#1 v1.5
 * block and the version are checked without a branch on its bytes
 * (cl_ct_rsa_premaster; tests/ct holds it to that under valgrind). */
static void take_raw_premaster(cl_hs *hs, const uint8_t *em, size_t len, size_t k,
                               const uint8_t fallback[48])
{
    /* The smallest block that holds 48 bytes: 00 02, 8 bytes of padding, 00. */
    size_t n = k >= 48 + 11 ? k : 48 + 11;
    uint8_t *block = calloc(1, n);
    hs->pms_len = 48;
    if (!block) { /* nothing to decode: the fallback, as for any failure */
        memcpy(hs->pms, fallback, 48);
        return;
    }
    /* The length is the callback's, not the secret's: a correct raw
     * decryption always returns k bytes. */
    int usable = em && len == k && k == n;
    if (usable)
        memcpy(block, em, k);
    cl_ct_rsa_premaster(block, n, (uint8_t)(0u - (uint32_t)usable), hs->client_version, fallback,
                        hs->pms);
    cl_wipe(block, n);
    free(block);
}

cl_result cl_key_decrypt_premaster(clasp_conn *c, const uint8_t *in, size_t in_len)
{
    cl_hs *hs = c->hs;
    const cl_cert_key *ck = hs->cert;
    uint8_t fallback[48];
    if (cr_random_private(fallback, 48))
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL,
                       "random number generator failed");
    if (!ck->key_fn) {
        if (cr_rsa_decrypt_pms(ck->key, in, in_len, fallback, hs->pms)) {
            cl_wipe(fallback, sizeof fallback);
            return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL, "RSA decryption failed");
        }
        check_premaster_version(hs, fallback);
        cl_wipe(fallback, sizeof fallback);
        return CL_OK;
    }
    size_t k = cr_pkey_max_sig_len(ck->key);
    clasp_key_operation op = {
        .op = CLASP_KEY_RSA_DECRYPT,
        .version = CLASP_TLS1_2,
        .input = in,
        .input_len = in_len,
        .max_output = k,
    };
    cl_key_wait *kw = &hs->key_wait;
    cl_key_wait_clear(kw);
    kw->max = k;
    kw->result = calloc(1, k ? k : 1);
    if (!kw->result) {
        cl_wipe(fallback, sizeof fallback);
        return cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_NOMEM, "out of memory");
    }
    size_t out_len = 0;
    int r = ck->key_fn(ck->key_arg, c, &op, kw->result, &out_len);
    if (r == CLASP_KEY_PENDING) {
        cl_wipe(fallback, sizeof fallback); /* a fresh one when the result comes */
        kw->step = CL_KEY_STEP_PMS12;
        c->key_pending = 1;
        if (cl_trace_on(c))
            cl_trace(c, CLASP_TRACE_NOTE, "private key",
                     "the callback decrypts the RSA premaster secret later");
        return CL_WAIT_KEY;
    }
    take_raw_premaster(hs, r == CLASP_KEY_DONE ? kw->result : NULL, out_len, k, fallback);
    cl_wipe(fallback, sizeof fallback);
    cl_key_wait_clear(kw);
    return CL_OK;
}

int cl_hs_key_result(clasp_conn *c, const uint8_t *result, size_t len)
{
    if (!c->key_pending || !c->hs || c->hs->key_wait.answered)
        return -1;
    cl_key_wait *kw = &c->hs->key_wait;
    kw->answered = 1;
    kw->failed = !result;
    kw->result_len = len;
    if (result && len <= kw->max)
        memcpy(kw->result, result, len);
    return 0;
}

cl_result cl_key_complete(clasp_conn *c, cl_key_step *step)
{
    cl_hs *hs = c->hs;
    cl_key_wait *kw = &hs->key_wait;
    if (!kw->answered)
        return CL_WAIT_KEY;
    c->key_pending = 0;
    *step = kw->step;
    cl_result rc = CL_OK;
    if (kw->step == CL_KEY_STEP_PMS12) {
        uint8_t fallback[48];
        if (cr_random_private(fallback, 48)) {
            rc = cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_INTERNAL,
                         "random number generator failed");
        } else {
            int fits = !kw->failed && kw->result_len <= kw->max;
            take_raw_premaster(hs, fits ? kw->result : NULL, kw->result_len, kw->max, fallback);
        }
        cl_wipe(fallback, sizeof fallback);
    } else {
        cl_buf m = kw->msg;
        cl_buf_init(&kw->msg, 0);
        /* A result too long for the buffer was not copied: its length alone fails it. */
        rc = send_with_signature(c, kw->step, &m, kw->sig_vec, kw->failed ? NULL : kw->result,
                                 kw->result_len, kw->input, kw->input_len, kw->detail);
    }
    cl_key_wait_clear(kw);
    return rc;
}
