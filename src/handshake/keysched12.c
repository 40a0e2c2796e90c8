/* SPDX-License-Identifier: Apache-2.0 */
/* TLS 1.2 secrets (RFC 5246 6.3, 8.1; RFC 7627): master secret from the
 * premaster, the key block, and Finished's verify_data. */
#include "handshake/hs.h"

int cl_ks12_master(clasp_conn *c, const uint8_t *pms, size_t pms_len)
{
    cl_hs *hs = c->hs;
    int rc;
    if (CL_TEST(c) && CL_TEST(c)->secret_cb) /* tests check the DHE premaster's form */
        CL_TEST(c)->secret_cb(CL_TEST(c)->secret_arg, "PREMASTER", pms, pms_len);
    if (hs->ems) {
        /* RFC 7627 4: the session hash covers everything through the
         * ClientKeyExchange. */
        uint8_t session_hash[CR_MAX_HASH];
        if (cl_transcript_hash(c, session_hash))
            return -1;
        rc = cr_tls12_prf(c->suite->hash, pms, pms_len, "extended master secret", session_hash,
                          cl_hash_len(c), hs->master, 48);
    } else {
        uint8_t seed[64];
        memcpy(seed, hs->client_random, 32);
        memcpy(seed + 32, hs->server_random, 32);
        rc = cr_tls12_prf(c->suite->hash, pms, pms_len, "master secret", seed, 64, hs->master, 48);
    }
    if (rc)
        return -1;
    cl_keylog(c, "CLIENT_RANDOM", hs->client_random, hs->master, 48);
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_KEY, "master secret",
                 "PRF(premaster, \"%s\", %s) -> key block (client/server write keys and IVs)",
                 hs->ems ? "extended master secret" : "master secret",
                 hs->ems ? "session hash" : "client_random + server_random");
    return 0;
}

/* Installs one direction's keys from the key block:
 * client_write_key, server_write_key, client_write_IV, server_write_IV. */
int cl_ks12_install(clasp_conn *c, int for_write)
{
    cl_hs *hs = c->hs;
    size_t kl = cr_aead_key_len(c->suite->aead);
    size_t ivl = c->suite->aead == CR_CHACHA20POLY1305 ? 12 : 4;
    uint8_t *block = hs->key_block;
    int rc = -1;
    /* One key block serves both directions: derived at the first install. */
    if (!hs->have_key_block) {
        uint8_t seed[64];
        memcpy(seed, hs->server_random, 32);
        memcpy(seed + 32, hs->client_random, 32);
        if (cr_tls12_prf(c->suite->hash, hs->master, 48, "key expansion", seed, 64, block,
                         2 * kl + 2 * ivl))
            goto out;
        hs->have_key_block = 1;
    }
    int client_side = (c->role == CLASP_CLIENT) == (for_write != 0);
    const uint8_t *key = block + (client_side ? 0 : kl);
    const uint8_t *iv = block + 2 * kl + (client_side ? 0 : ivl);
    rc = cl_install_keys(c, for_write, c->suite->aead, key, iv, ivl, 1);
out:
    return rc;
}

int cl_ks12_finished(clasp_conn *c, int by_client, uint8_t out[12])
{
    uint8_t th[CR_MAX_HASH];
    if (cl_transcript_hash(c, th))
        return -1;
    return cl_ks12_finished_over(c, by_client, th, out);
}

int cl_ks12_finished_over(clasp_conn *c, int by_client, const uint8_t *th, uint8_t out[12])
{
    return cr_tls12_prf(c->suite->hash, c->hs->master, 48,
                        by_client ? "client finished" : "server finished", th, cl_hash_len(c), out,
                        12);
}

size_t cl_dhe_premaster(uint8_t *z, size_t len)
{
    /* RFC 5246 8.1.2: leading zero bytes of Z are stripped. */
    size_t skip = 0;
    while (skip < len - 1 && z[skip] == 0)
        skip++;
    memmove(z, z + skip, len - skip);
    return len - skip;
}
