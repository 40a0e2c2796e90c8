/* SPDX-License-Identifier: Apache-2.0 */
/* Sessions the client can resume: handed out after a handshake (and after
 * each TLS 1.3 ticket), given back for the next connection, and turned
 * into bytes so an application can keep them across processes. */
#include <stdlib.h>
#include <time.h>

#include "core/conn.h"

/* "CLS2": CLS1 plus how the server was authenticated (its chain, whether
 * it was verified and against which trust anchors). A CLS1 session is
 * refused: resuming it would show no certificate. */
#define SESSION_MAGIC 0x434c5332u

uint64_t cl_now(const clasp_config *cfg)
{
#ifdef CLASP_TEST_HOOKS
    return (uint64_t)((int64_t)time(NULL) + cfg->test_time_offset);
#else
    (void)cfg;
    return (uint64_t)time(NULL);
#endif
}

uint64_t cl_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void cl_session_clear(cl_session *s)
{
    free(s->ticket);
    free(s->peer_chain);
    cl_wipe(s, sizeof *s);
}

int cl_session_copy(cl_session *dst, const cl_session *src)
{
    *dst = *src;
    dst->ticket = NULL;
    dst->peer_chain = NULL;
    if (src->ticket_len) {
        dst->ticket = malloc(src->ticket_len);
        if (!dst->ticket)
            goto fail;
        memcpy(dst->ticket, src->ticket, src->ticket_len);
    }
    if (src->peer_chain_len) {
        dst->peer_chain = malloc(src->peer_chain_len);
        if (!dst->peer_chain)
            goto fail;
        memcpy(dst->peer_chain, src->peer_chain, src->peer_chain_len);
    }
    return 0;
fail:
    free(dst->ticket);
    dst->ticket = NULL;
    dst->ticket_len = 0;
    dst->peer_chain_len = 0; /* dst->peer_chain is NULL: cl_session_clear is safe */
    return -1;
}

int cl_session_take_peer(cl_session *s, const clasp_conn *c)
{
    size_t total = 0;
    for (size_t i = 0; i < c->n_peer; i++)
        total += 3 + c->peer_der_len[i];
    if (total > CL_MAX_SESSION_CHAIN)
        return -1;
    free(s->peer_chain);
    s->peer_chain = NULL;
    s->peer_chain_len = 0;
    if (total && !(s->peer_chain = malloc(total)))
        return -1;
    uint8_t *p = s->peer_chain;
    for (size_t i = 0; i < c->n_peer; i++) {
        size_t n = c->peer_der_len[i];
        p[0] = (uint8_t)(n >> 16), p[1] = (uint8_t)(n >> 8), p[2] = (uint8_t)n;
        memcpy(p + 3, c->peer_der[i], n);
        p += 3 + n;
    }
    s->peer_chain_len = total;
    s->peer_verified = c->peer_verified && c->n_peer > 0;
    memcpy(s->trust_id, c->cfg->trust_id, sizeof s->trust_id);
    return 0;
}

int cl_session_restore_peer(clasp_conn *c, const cl_session *s)
{
    for (size_t i = 0; i < c->n_peer; i++)
        free(c->peer_der[i]);
    c->n_peer = 0;
    c->peer_verified = 0;
    cl_reader r = cl_reader_init(s->peer_chain, s->peer_chain_len), der;
    while (!cl_rd_empty(&r)) {
        if (c->n_peer == CL_MAX_CHAIN || cl_rd_vec_nonempty(&r, 3, &der) ||
            !(c->peer_der[c->n_peer] = malloc(der.n)))
            return -1;
        memcpy(c->peer_der[c->n_peer], der.p, der.n);
        c->peer_der_len[c->n_peer++] = der.n;
    }
    c->peer_verified = s->peer_verified && c->n_peer > 0;
    return 0;
}

int cl_session_auth_ok(const clasp_config *cfg, const cl_session *s)
{
    int same_trust = memcmp(s->trust_id, cfg->trust_id, sizeof s->trust_id) == 0;
    if (cfg->role == CLASP_SERVER) {
        if (cfg->client_auth == CLASP_CLIENT_AUTH_NONE)
            return !s->peer_chain_len; /* we never asked: show no certificate */
        if (!s->peer_chain_len)
            return cfg->client_auth == CLASP_CLIENT_AUTH_OPTIONAL;
        return s->peer_verified && same_trust;
    }
    if (!cfg->verify_peer)
        return 1;
    return s->peer_verified && s->peer_chain_len && same_trust;
}

int cl_conn_failed(const clasp_conn *c) { return c->fatal_alert; }

clasp_session *clasp_conn_get_session(const clasp_conn *c)
{
    /* RFC 5246 7.2.2: a connection that ended with a fatal alert must not
     * be resumed. */
    if (!c || !c->session || cl_conn_failed(c))
        return NULL;
    clasp_session *s = calloc(1, sizeof *s);
    if (!s || cl_session_copy(&s->s, c->session)) {
        if (s)
            cl_session_clear(&s->s); /* wipes the secret copied before the failure */
        free(s);
        return NULL;
    }
    return s;
}

int clasp_conn_set_session(clasp_conn *c, const clasp_session *s)
{
    if (!c || !s || c->role != CLASP_CLIENT || c->state != 0)
        return -1;
    cl_session *copy = calloc(1, sizeof *copy);
    if (!copy || cl_session_copy(copy, &s->s)) {
        if (copy)
            cl_session_clear(copy);
        free(copy);
        return -1;
    }
    if (c->offer) {
        cl_session_clear(c->offer);
        free(c->offer);
    }
    c->offer = copy;
    return 0;
}

void clasp_session_free(clasp_session *s)
{
    if (!s)
        return;
    cl_session_clear(&s->s);
    free(s);
}

uint16_t clasp_session_version(const clasp_session *s) { return s ? s->s.version : 0; }

int clasp_session_to_bytes(const clasp_session *s, uint8_t **out, size_t *len)
{
    const cl_session *x = &s->s;
    cl_buf b;
    cl_buf_init(&b, 0);
    cl_wr_u32(&b, SESSION_MAGIC);
    cl_wr_u16(&b, x->version);
    cl_wr_u16(&b, x->suite);
    size_t v = cl_wr_begin_vec(&b, 1);
    cl_wr_bytes(&b, x->secret, x->secret_len);
    cl_wr_end_vec(&b, v, 1);
    v = cl_wr_begin_vec(&b, 1);
    cl_wr_bytes(&b, x->session_id, x->session_id_len);
    cl_wr_end_vec(&b, v, 1);
    cl_wr_u8(&b, (uint8_t)x->ems);
    v = cl_wr_begin_vec(&b, 2);
    cl_wr_bytes(&b, x->ticket, x->ticket_len);
    cl_wr_end_vec(&b, v, 2);
    cl_wr_u32(&b, x->lifetime);
    cl_wr_u32(&b, x->age_add);
    cl_wr_u32(&b, (uint32_t)(x->received_ms >> 32));
    cl_wr_u32(&b, (uint32_t)x->received_ms);
    v = cl_wr_begin_vec(&b, 1);
    cl_wr_bytes(&b, x->server_name, strlen(x->server_name));
    cl_wr_end_vec(&b, v, 1);
    v = cl_wr_begin_vec(&b, 1);
    cl_wr_bytes(&b, x->alpn, strlen(x->alpn));
    cl_wr_end_vec(&b, v, 1);
    cl_wr_u8(&b, (uint8_t)x->peer_verified);
    cl_wr_bytes(&b, x->trust_id, sizeof x->trust_id);
    v = cl_wr_begin_vec(&b, 3);
    cl_wr_bytes(&b, x->peer_chain, x->peer_chain_len);
    cl_wr_end_vec(&b, v, 3);
    if (b.failed) {
        cl_buf_free(&b);
        return -1;
    }
    *out = b.data;
    *len = b.len;
    return 0;
}

/* Does a stored peer chain parse as cl_session_restore_peer reads it? */
static int chain_well_formed(cl_reader chain)
{
    cl_reader der;
    for (size_t n = 0; !cl_rd_empty(&chain); n++)
        if (n == CL_MAX_CHAIN || cl_rd_vec_nonempty(&chain, 3, &der))
            return 0;
    return 1;
}

clasp_session *clasp_session_from_bytes(const uint8_t *in, size_t len)
{
    clasp_session *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    cl_session *x = &s->s;
    cl_reader r = cl_reader_init(in, len), secret, id, ticket, name, alpn, chain;
    uint32_t magic, hi, lo, lifetime, age_add;
    uint8_t ems, verified;
    if (cl_rd_u32(&r, &magic) || magic != SESSION_MAGIC || cl_rd_u16(&r, &x->version) ||
        cl_rd_u16(&r, &x->suite) || cl_rd_vec(&r, 1, &secret) || secret.n > sizeof x->secret ||
        cl_rd_vec(&r, 1, &id) || id.n > sizeof x->session_id || cl_rd_u8(&r, &ems) ||
        cl_rd_vec(&r, 2, &ticket) || cl_rd_u32(&r, &lifetime) || cl_rd_u32(&r, &age_add) ||
        cl_rd_u32(&r, &hi) || cl_rd_u32(&r, &lo) || cl_rd_vec(&r, 1, &name) ||
        cl_rd_vec(&r, 1, &alpn) || cl_rd_u8(&r, &verified) ||
        cl_rd_copy(&r, x->trust_id, sizeof x->trust_id) || cl_rd_vec(&r, 3, &chain) ||
        chain.n > CL_MAX_SESSION_CHAIN || !chain_well_formed(chain) || !cl_rd_empty(&r) ||
        !cl_suite_by_id(x->suite) ||
        (x->version != CLASP_TLS1_2 && x->version != CLASP_TLS1_3))
        goto bad;
    memcpy(x->secret, secret.p, secret.n);
    x->secret_len = secret.n;
    memcpy(x->session_id, id.p, id.n);
    x->session_id_len = id.n;
    x->ems = ems != 0;
    if (ticket.n) {
        if (!(x->ticket = malloc(ticket.n)))
            goto bad;
        memcpy(x->ticket, ticket.p, ticket.n);
        x->ticket_len = ticket.n;
    }
    x->lifetime = lifetime;
    x->age_add = age_add;
    x->received_ms = (uint64_t)hi << 32 | lo;
    memcpy(x->server_name, name.p, name.n);
    memcpy(x->alpn, alpn.p, alpn.n);
    x->peer_verified = verified != 0;
    if (chain.n) {
        if (!(x->peer_chain = malloc(chain.n)))
            goto bad;
        memcpy(x->peer_chain, chain.p, chain.n);
        x->peer_chain_len = chain.n;
    }
    return s;
bad:
    clasp_session_free(s);
    return NULL;
}
