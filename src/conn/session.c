/* Sessions the client can resume: handed out after a handshake (and after
 * each TLS 1.3 ticket), given back for the next connection, and turned
 * into bytes so an application can keep them across processes. */
#include <stdlib.h>
#include <time.h>

#include "conn/internal.h"

#define SESSION_MAGIC 0x434c5331u /* "CLS1" */

uint64_t cl_now(const clasp_config *cfg)
{
    return (uint64_t)((int64_t)time(NULL) + cfg->test_time_offset);
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
    cl_wipe(s, sizeof *s);
}

int cl_session_copy(cl_session *dst, const cl_session *src)
{
    *dst = *src;
    dst->ticket = NULL;
    if (src->ticket_len) {
        dst->ticket = malloc(src->ticket_len);
        if (!dst->ticket)
            return -1;
        memcpy(dst->ticket, src->ticket, src->ticket_len);
    }
    return 0;
}

clasp_session *clasp_conn_get_session(const clasp_conn *c)
{
    if (!c || !c->session)
        return NULL;
    clasp_session *s = calloc(1, sizeof *s);
    if (!s || cl_session_copy(&s->s, c->session)) {
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
    if (b.failed) {
        cl_buf_free(&b);
        return -1;
    }
    *out = b.data;
    *len = b.len;
    return 0;
}

clasp_session *clasp_session_from_bytes(const uint8_t *in, size_t len)
{
    clasp_session *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    cl_session *x = &s->s;
    cl_reader r = cl_reader_init(in, len), secret, id, ticket, name, alpn;
    uint32_t magic, hi, lo, lifetime, age_add;
    uint8_t ems;
    if (cl_rd_u32(&r, &magic) || magic != SESSION_MAGIC || cl_rd_u16(&r, &x->version) ||
        cl_rd_u16(&r, &x->suite) || cl_rd_vec(&r, 1, &secret) || secret.n > sizeof x->secret ||
        cl_rd_vec(&r, 1, &id) || id.n > sizeof x->session_id || cl_rd_u8(&r, &ems) ||
        cl_rd_vec(&r, 2, &ticket) || cl_rd_u32(&r, &lifetime) || cl_rd_u32(&r, &age_add) ||
        cl_rd_u32(&r, &hi) || cl_rd_u32(&r, &lo) || cl_rd_vec(&r, 1, &name) ||
        cl_rd_vec(&r, 1, &alpn) || !cl_rd_empty(&r) || !cl_suite_by_id(x->suite) ||
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
    return s;
bad:
    clasp_session_free(s);
    return NULL;
}
