/* SPDX-License-Identifier: Apache-2.0 */
/* Signature schemes: which ones each version allows, choosing ours from the
 * peer's list, reading a peer's list and (test hook) padding ours. */
#include "handshake/hs.h"

int cl_sigalg_allowed_tls13(uint16_t s)
{
    switch (s) {
    case CR_SIG_ECDSA_SECP256R1_SHA256:
    case CR_SIG_ECDSA_SECP384R1_SHA384:
    case CR_SIG_ECDSA_SECP521R1_SHA512:
    case CR_SIG_ED25519:
    case CR_SIG_RSA_PSS_RSAE_SHA256:
    case CR_SIG_RSA_PSS_RSAE_SHA384:
    case CR_SIG_RSA_PSS_RSAE_SHA512:
    case CR_SIG_RSA_PSS_PSS_SHA256:
    case CR_SIG_RSA_PSS_PSS_SHA384:
    case CR_SIG_RSA_PSS_PSS_SHA512:
        return 1;
    }
    return 0;
}

int cl_sigalg_allowed_tls12(uint16_t s)
{
    return cl_sigalg_allowed_tls13(s) || s == CR_SIG_RSA_PKCS1_SHA256 ||
           s == CR_SIG_RSA_PKCS1_SHA384 || s == CR_SIG_RSA_PKCS1_SHA512;
}

uint16_t cl_choose_sigalg(const cr_pkey *key, const uint16_t *peer, size_t n_peer)
{
    /* Our preference order; the first the key can make and the peer takes. */
    static const uint16_t prefs[] = {
        CR_SIG_ECDSA_SECP256R1_SHA256, CR_SIG_ECDSA_SECP384R1_SHA384, CR_SIG_ECDSA_SECP521R1_SHA512,
        CR_SIG_ED25519, CR_SIG_RSA_PSS_RSAE_SHA256, CR_SIG_RSA_PSS_RSAE_SHA384,
        CR_SIG_RSA_PSS_RSAE_SHA512, CR_SIG_RSA_PSS_PSS_SHA256, CR_SIG_RSA_PSS_PSS_SHA384,
        CR_SIG_RSA_PSS_PSS_SHA512,
    };
    for (size_t i = 0; i < sizeof prefs / sizeof prefs[0]; i++) {
        if (!cr_pkey_matches_scheme(key, prefs[i]))
            continue;
        for (size_t j = 0; j < n_peer; j++)
            if (peer[j] == prefs[i])
                return prefs[i];
    }
    return 0;
}

uint16_t cl_choose_sigalg12(const cr_pkey *key, const uint16_t *peer, size_t n_peer)
{
    uint16_t s = cl_choose_sigalg(key, peer, n_peer);
    /* TLS 1.2 ECDSA schemes fit any curve: take the first ECDSA scheme the
     * peer lists when ours (curve-bound) is not there. */
    static const uint16_t ecdsa[] = {CR_SIG_ECDSA_SECP256R1_SHA256, CR_SIG_ECDSA_SECP384R1_SHA384,
                                     CR_SIG_ECDSA_SECP521R1_SHA512};
    for (size_t i = 0; !s && i < 3; i++) {
        if (!cr_pkey_matches_scheme12(key, ecdsa[i]))
            continue;
        for (size_t j = 0; j < n_peer && !s; j++)
            if (peer[j] == ecdsa[i])
                s = ecdsa[i];
    }
    static const uint16_t pkcs1[] = {CR_SIG_RSA_PKCS1_SHA256, CR_SIG_RSA_PKCS1_SHA384,
                                     CR_SIG_RSA_PKCS1_SHA512};
    for (size_t i = 0; !s && i < 3; i++) {
        if (!cr_pkey_matches_scheme(key, pkcs1[i]))
            continue;
        for (size_t j = 0; j < n_peer && !s; j++)
            if (peer[j] == pkcs1[i])
                s = pkcs1[i];
    }
    return s;
}

size_t cl_read_sigalgs(cl_reader r, uint16_t *out, size_t max)
{
    size_t n = 0;
    uint16_t v;
    while (cl_rd_u16(&r, &v) == 0) {
        if (!strcmp(cl_sigalg_name(v), "unknown"))
            continue;
        size_t i = 0;
        while (i < n && out[i] != v)
            i++;
        if (i == n && n < max)
            out[n++] = v;
    }
    return n;
}

void cl_write_sigalg_filler(const clasp_conn *c, cl_buf *m, size_t room)
{
    size_t n = CL_TEST(c) ? CL_TEST(c)->cr_sigalg_filler : 0;
    for (size_t i = 0; i < n && i < room; i++) {
        static const uint16_t values[4] = {0x0a0a, 0xfe01, 0xeeee, CR_SIG_RSA_PKCS1_SHA1};
        cl_wr_u16(m, values[i % 4]);
    }
}
