// SPDX-License-Identifier: Apache-2.0
/* Where a server keeps resumable sessions: sealed into the ticket itself
 * (ticket.c) and, for TLS 1.2 session ids, in the config's cache; or, when
 * the application set a session store (clasp_config_set_session_store), in
 * that store under a random 32-byte id, which is then the ticket (stateful
 * tickets) or the session id. The stored bytes are the sealed ticket form,
 * so the store holds no secret in the clear and lifetime and policy checks
 * are the ticket's. */
#include <stdlib.h>

#include "handshake/hs.h"

#define STORE_ID_LEN 32

static int has_store(const clasp_config *cfg) { return cfg->store.store != NULL; }

/* Seals s and keeps it in the store under id. */
static int store_put(const clasp_config *cfg, const uint8_t *id, size_t id_len, const cl_session *s)
{
    cl_buf sealed;
    cl_buf_init(&sealed, 0);
    int rc = cl_ticket_seal(cfg, s, &sealed);
    if (rc == 0)
        rc = cfg->store.store(cfg->store.arg, id, id_len, sealed.data, sealed.len,
                              cfg->ticket_lifetime) == 0 ? 0 : -1;
    cl_buf_free(&sealed);
    return rc;
}

/* Looks id up and opens what the store returns. */
static int store_get(const clasp_config *cfg, const uint8_t *id, size_t id_len, cl_session *s,
                     uint64_t *issued)
{
    memset(s, 0, sizeof *s);
    uint8_t *buf = malloc(CLASP_SESSION_DATA_MAX);
    if (!buf)
        return -1;
    long n = cfg->store.lookup(cfg->store.arg, id, id_len, buf, CLASP_SESSION_DATA_MAX);
    int rc = n > 0 && n <= CLASP_SESSION_DATA_MAX ? cl_ticket_open(cfg, buf, (size_t)n, s, issued) : -1;
    free(buf);
    return rc;
}

int cl_ticket_issue(clasp_conn *c, const cl_session *s, cl_buf *out)
{
    const clasp_config *cfg = c->cfg;
    if (!has_store(cfg))
        return cl_ticket_seal(cfg, s, out);
    uint8_t id[STORE_ID_LEN];
    if (cr_random(id, sizeof id))
        return -1;
    /* A store that fails costs a full handshake later (the id resolves to
     * nothing), never this connection. */
    (void)store_put(cfg, id, sizeof id, s);
    cl_wr_bytes(out, id, sizeof id);
    return 0;
}

int cl_ticket_resolve(clasp_conn *c, const uint8_t *t, size_t len, cl_session *s, uint64_t *issued)
{
    const clasp_config *cfg = c->cfg;
    if (!has_store(cfg))
        return cl_ticket_open(cfg, t, len, s, issued);
    if (len != STORE_ID_LEN || store_get(cfg, t, len, s, issued))
        return -1;
    return 0;
}

void cl_ticket_resumed(clasp_conn *c, const uint8_t *t, size_t len)
{
    if (!has_store(c->cfg) || len != STORE_ID_LEN)
        return;
    memcpy(c->cached_id, t, len);
    c->cached_id_len = len;
}

int cl_session_keep12(clasp_conn *c, const cl_session *s)
{
    const clasp_config *cfg = c->cfg;
    if (s->session_id_len != STORE_ID_LEN)
        return -1;
    if (has_store(cfg)) {
        if (store_put(cfg, s->session_id, s->session_id_len, s))
            return -1;
    } else {
        cl_cache_put(cfg->cache, s, cl_now(cfg));
    }
    memcpy(c->cached_id, s->session_id, s->session_id_len);
    c->cached_id_len = s->session_id_len;
    return 0;
}

int cl_session_find12(clasp_conn *c, const uint8_t *id, size_t id_len, cl_session *s)
{
    const clasp_config *cfg = c->cfg;
    if (id_len != STORE_ID_LEN)
        return -1;
    if (!has_store(cfg))
        return cfg->cache ? cl_cache_get(cfg->cache, id, id_len, cl_now(cfg), cfg->ticket_lifetime, s)
                          : -1;
    uint64_t issued;
    if (store_get(cfg, id, id_len, s, &issued))
        return -1;
    memcpy(s->session_id, id, id_len);
    s->session_id_len = id_len;
    return 0;
}
