/* SPDX-License-Identifier: Apache-2.0 */
/* Keying-material exporters: TLS 1.3 (RFC 8446 7.5) from the
 * exporter_master_secret, TLS 1.2 (RFC 5705) from the master secret, which
 * must have been made with the extended master secret (RFC 7627 6.3: a
 * master secret an attacker can synchronise across two connections makes
 * an exported key that is not unique to this one). */
#include <stdio.h>
#include <stdlib.h>

#include "handshake/handshake.h"
#include "handshake/hs.h"

/* Labels the TLS 1.2 PRF already uses: an exporter with one of them could
 * reproduce the connection's own keys or Finished (RFC 5705 4). */
static const char *const reserved12[] = {"client finished", "server finished", "master secret",
                                         "key expansion", "extended master secret"};

static int export13(const clasp_conn *c, const char *label, const uint8_t *context,
                    size_t context_len, uint8_t *out, size_t out_len)
{
    cr_hash_alg alg = c->suite->hash;
    size_t hl = cr_hash_len(alg);
    uint8_t empty_hash[CR_MAX_HASH], context_hash[CR_MAX_HASH], derived[CR_MAX_HASH];
    /* Derive-Secret(exporter_master_secret, label, "") =
     *   HKDF-Expand-Label(Secret, label, Hash(""), Hash.length) */
    int rc = cr_hash_once(alg, "", 0, empty_hash) ||
             cr_hkdf_expand_label(alg, c->exporter_secret, label, empty_hash, hl, derived, hl) ||
             cr_hash_once(alg, context ? (const void *)context : "", context_len, context_hash) ||
             cr_hkdf_expand_label(alg, derived, "exporter", context_hash, hl, out, out_len);
    cl_wipe(derived, sizeof derived);
    return rc ? -1 : 0;
}

static int export12(const clasp_conn *c, const char *label, const uint8_t *context,
                    size_t context_len, int use_context, uint8_t *out, size_t out_len)
{
    /* seed = client_random + server_random [+ uint16 length + context] */
    size_t seed_len = 64 + (use_context ? 2 + context_len : 0);
    uint8_t *seed = malloc(seed_len);
    if (!seed)
        return -1;
    memcpy(seed, c->exporter_randoms, 64);
    if (use_context) {
        seed[64] = (uint8_t)(context_len >> 8);
        seed[65] = (uint8_t)context_len;
        if (context_len)
            memcpy(seed + 66, context, context_len);
    }
    int rc = cr_tls12_prf(c->suite->hash, c->exporter_secret, 48, label, seed, seed_len, out,
                          out_len);
    free(seed);
    return rc ? -1 : 0;
}

int cl_export_keying_material(const clasp_conn *c, const char *label, size_t label_len,
                              const uint8_t *context, size_t context_len, int use_context,
                              uint8_t *out, size_t out_len, char *why, size_t why_len)
{
    if (!c->handshake_done || !c->exporter_ready || !c->suite) {
        snprintf(why, why_len, "keying material can be exported only once the handshake is "
                               "complete");
        return -1;
    }
    if (!label || label_len == 0 || memchr(label, 0, label_len)) {
        snprintf(why, why_len, "the exporter label must be a non-empty string without NUL "
                               "bytes (RFC 5705 4)");
        return -1;
    }
    if (!out || out_len == 0) {
        snprintf(why, why_len, "no room for the exported keying material (length 0)");
        return -1;
    }
    if (use_context && context_len && !context) {
        snprintf(why, why_len, "the exporter context is NULL but its length is %zu", context_len);
        return -1;
    }
    /* HkdfLabel.label is "tls13 " + label in at most 255 bytes; the HKDF
     * output is at most 255 hash lengths (RFC 5869 2.3). */
    size_t hl = cr_hash_len(c->suite->hash);
    if (c->version == CLASP_TLS1_3) {
        if (label_len > 249) {
            snprintf(why, why_len, "a TLS 1.3 exporter label is at most 249 bytes, not %zu",
                     label_len);
            return -1;
        }
        if (out_len > 255 * hl) {
            snprintf(why, why_len, "TLS 1.3 exports at most %zu bytes with this suite's hash, "
                                   "not %zu", 255 * hl, out_len);
            return -1;
        }
    } else {
        if (!c->exporter_ems) {
            snprintf(why, why_len, "this TLS 1.2 connection has no extended master secret "
                                   "(RFC 7627): keying material exported from it would not be "
                                   "unique to it, so none is");
            return -1;
        }
        if (use_context && context_len > 0xffff) {
            snprintf(why, why_len, "a TLS 1.2 exporter context is at most 65535 bytes, not %zu",
                     context_len);
            return -1;
        }
        if (label_len > 1024 || out_len > (1u << 24)) {
            snprintf(why, why_len, "the exporter label or length is too large");
            return -1;
        }
    }
    char *name = malloc(label_len + 1);
    if (!name) {
        snprintf(why, why_len, "out of memory");
        return -1;
    }
    memcpy(name, label, label_len);
    name[label_len] = 0;
    int rc = -1;
    if (c->version == CLASP_TLS1_2) {
        for (size_t i = 0; i < sizeof reserved12 / sizeof reserved12[0]; i++)
            if (strcmp(name, reserved12[i]) == 0) {
                snprintf(why, why_len, "the exporter label '%s' is one the TLS 1.2 key schedule "
                                       "uses itself (RFC 5705 4); use one that begins with "
                                       "EXPORTER", name);
                goto out;
            }
        rc = export12(c, name, context, context_len, use_context, out, out_len);
    } else {
        /* RFC 8446 7.5: no context computes the same as an empty one. */
        rc = export13(c, name, use_context ? context : NULL, use_context ? context_len : 0, out,
                      out_len);
    }
    if (rc)
        snprintf(why, why_len, "the keying-material exporter failed in libcrypto");
out:
    free(name);
    if (rc)
        cl_wipe(out, out_len);
    return rc;
}
