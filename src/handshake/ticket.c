/* SPDX-License-Identifier: Apache-2.0 */
/* Session tickets, sealed statelessly (RFC 5077 4's recommended shape):
 *
 *   key_name[8] | nonce[12] | AES-256-GCM(state) | tag[16]
 *
 * The key for period p = floor(time / lifetime) is derived from the
 * config's ticket secret, so every server holding the same secret (a fleet
 * behind a load balancer) seals and opens the same tickets, keys rotate on
 * their own, and a ticket from the previous period still opens: each key
 * lives for one more lifetime after it stops sealing.
 *
 * The key also derives from the server's client-authentication policy
 * (whether it asks for client certificates, and the CAs it trusts for
 * them): servers that share a ticket secret but not that policy cannot
 * open each other's tickets, so a session made where no certificate was
 * asked for never resumes where one is required. The sealed state carries
 * the client's chain and how it was verified besides, checked against the
 * policy on every resumption (cl_session_auth_ok). */
#include <stdlib.h>

#include "handshake/hs.h"

#define NAME_LEN 8
#define OVERHEAD (NAME_LEN + CR_AEAD_NONCE + CR_AEAD_TAG)
#define STATE_VERSION 2 /* 2: server name, client authentication and chain */
#define MAX_TICKET 0xffff   /* the wire's limit (RFC 8446 4.6.1, RFC 5077 3.2) */

static uint64_t period_len(const clasp_config *cfg)
{
    return cfg->ticket_lifetime >= 60 ? cfg->ticket_lifetime : 60;
}

/* The key and its name for one period. */
static int period_key(const clasp_config *cfg, uint64_t period, uint8_t key[32], uint8_t name[NAME_LEN])
{
    uint8_t info[64] = "clasp ticket key ";
    size_t n = 17;
    for (int i = 0; i < 8; i++)
        info[n + i] = (uint8_t)(period >> (56 - 8 * i));
    n += 8;
    /* The client-authentication policy this key serves (see the top). */
    info[n++] = cfg->client_auth != CLASP_CLIENT_AUTH_NONE;
    if (cfg->client_auth != CLASP_CLIENT_AUTH_NONE) {
        memcpy(info + n, cfg->trust_id, 32);
        n += 32;
    }
    uint8_t both[32 + NAME_LEN];
    if (cr_hkdf_expand(CR_SHA256, cfg->ticket_master, 32, info, n, both, sizeof both))
        return -1;
    memcpy(key, both, 32);
    memcpy(name, both + 32, NAME_LEN);
    cl_wipe(both, sizeof both);
    return 0;
}

int cl_ticket_seal(const clasp_config *cfg, const cl_session *s, cl_buf *out)
{
    uint64_t now = cl_now(cfg);
    uint8_t key[32], name[NAME_LEN], nonce[CR_AEAD_NONCE];
    if (period_key(cfg, now / period_len(cfg), key, name) || cr_random(nonce, sizeof nonce))
        return -1;
    cl_buf st;
    cl_buf_init(&st, 0);
    cl_wr_u8(&st, STATE_VERSION);
    cl_wr_u16(&st, s->version);
    cl_wr_u16(&st, s->suite);
    cl_wr_u32(&st, (uint32_t)(now >> 32));
    cl_wr_u32(&st, (uint32_t)now);
    cl_wr_u32(&st, s->age_add);
    cl_wr_u8(&st, (uint8_t)s->ems);
    size_t v = cl_wr_begin_vec(&st, 1);
    cl_wr_bytes(&st, s->secret, s->secret_len);
    cl_wr_end_vec(&st, v, 1);
    v = cl_wr_begin_vec(&st, 1);
    cl_wr_bytes(&st, s->alpn, strlen(s->alpn));
    cl_wr_end_vec(&st, v, 1);
    v = cl_wr_begin_vec(&st, 1);
    cl_wr_bytes(&st, s->server_name, strlen(s->server_name));
    cl_wr_end_vec(&st, v, 1);
    cl_wr_u8(&st, (uint8_t)s->peer_verified);
    cl_wr_bytes(&st, s->trust_id, sizeof s->trust_id);
    v = cl_wr_begin_vec(&st, 3);
    cl_wr_bytes(&st, s->peer_chain, s->peer_chain_len);
    cl_wr_end_vec(&st, v, 3);
    int rc = -1;
    cr_aead *a = NULL;
    size_t start = out->len;
    uint8_t *p = st.failed || OVERHEAD + st.len > MAX_TICKET ? NULL : cl_wr_space(out, OVERHEAD + st.len);
    if (p && (a = cr_aead_new(CR_AES256GCM, key, 1))) {
        memcpy(p, name, NAME_LEN);
        memcpy(p + NAME_LEN, nonce, CR_AEAD_NONCE);
        uint8_t *body = p + NAME_LEN + CR_AEAD_NONCE;
        memcpy(body, st.data, st.len);
        rc = cr_aead_seal(a, nonce, name, NAME_LEN, body, st.len, body + st.len);
    }
    if (rc)
        out->len = start;
    cr_aead_free(a);
    cl_buf_free(&st);
    cl_wipe(key, sizeof key);
    return rc;
}

int cl_ticket_open(const clasp_config *cfg, const uint8_t *t, size_t len, cl_session *s,
                   uint64_t *issued)
{
    memset(s, 0, sizeof *s);
    if (len <= OVERHEAD || len > MAX_TICKET)
        return -1;
    uint64_t now = cl_now(cfg), period = now / period_len(cfg);
    uint8_t key[32], name[NAME_LEN];
    int found = 0;
    /* The current key, or the previous one for a lifetime after rotation. */
    for (uint64_t p = period; p + 2 > period && !found; p--) {
        if (period_key(cfg, p, key, name))
            return -1;
        found = memcmp(name, t, NAME_LEN) == 0;
        if (p == 0)
            break;
    }
    if (!found) {
        cl_wipe(key, sizeof key);
        return -1;
    }
    size_t n = len - OVERHEAD;
    uint8_t *body = malloc(n);
    cr_aead *a = cr_aead_new(CR_AES256GCM, key, 0);
    cl_wipe(key, sizeof key);
    int rc = -1;
    if (!body || !a)
        goto out;
    memcpy(body, t + NAME_LEN + CR_AEAD_NONCE, n);
    if (cr_aead_open(a, t + NAME_LEN, t, NAME_LEN, body, n, t + NAME_LEN + CR_AEAD_NONCE + n))
        goto out;
    cl_reader r = cl_reader_init(body, n), secret, alpn, sni, chain;
    uint8_t ver, ems, verified;
    uint32_t hi, lo;
    if (cl_rd_u8(&r, &ver) || ver != STATE_VERSION || cl_rd_u16(&r, &s->version) ||
        cl_rd_u16(&r, &s->suite) || cl_rd_u32(&r, &hi) || cl_rd_u32(&r, &lo) ||
        cl_rd_u32(&r, &s->age_add) || cl_rd_u8(&r, &ems) || cl_rd_vec(&r, 1, &secret) ||
        secret.n > sizeof s->secret || cl_rd_vec(&r, 1, &alpn) || cl_rd_vec(&r, 1, &sni) ||
        cl_rd_u8(&r, &verified) || cl_rd_copy(&r, s->trust_id, sizeof s->trust_id) ||
        cl_rd_vec(&r, 3, &chain) || !cl_rd_empty(&r))
        goto out;
    *issued = (uint64_t)hi << 32 | lo;
    if (*issued > now + 60 || now - *issued > cfg->ticket_lifetime)
        goto out; /* expired (or from the future) */
    memcpy(s->secret, secret.p, secret.n);
    s->secret_len = secret.n;
    memcpy(s->alpn, alpn.p, alpn.n);
    memcpy(s->server_name, sni.p, sni.n);
    s->ems = ems;
    s->peer_verified = verified != 0;
    if (chain.n) {
        if (!(s->peer_chain = malloc(chain.n)))
            goto out;
        memcpy(s->peer_chain, chain.p, chain.n);
        s->peer_chain_len = chain.n;
    }
    s->lifetime = cfg->ticket_lifetime;
    rc = 0;
out:
    if (rc)
        cl_session_clear(s);
    if (body) {
        cl_wipe(body, n);
        free(body);
    }
    cr_aead_free(a);
    return rc;
}
