/* SPDX-License-Identifier: Apache-2.0 */
/* The mutations of the hostile-peer cases, grouped by what they change. A
 * mutator edits the flight the proxy holds (or, for a ClientHello with
 * IN_CLIENT, the client's unsent one) and returns 1 when it found what it
 * is meant to change; its comment says what the case's `msg` and `arg`
 * mean for it. */
#include "mutators.h"

/* ---- finding messages, splicing bytes ---- */

static item *find_msg(flight *f, int type)
{
    for (size_t i = 0; i < f->n; i++) {
        item *it = &f->it[i];
        if (it->ct != CL_CT_HANDSHAKE || it->raw || it->n < 4)
            continue;
        if (type == HRR ? is_hrr(it) : (it->p[0] == type && !is_hrr(it)))
            return it;
    }
    return NULL;
}

static item *find_ct(flight *f, uint8_t ct)
{
    for (size_t i = 0; i < f->n; i++)
        if (f->it[i].ct == ct && !f->it[i].raw)
            return &f->it[i];
    return NULL;
}

#define IDX(fl, x) ((size_t)((x) - (fl)->it))

typedef struct {
    size_t at;
    int width;
} lenfield;

/* Replaces `del` bytes at `pos` with ins[0..n), adds the size change to each
 * enclosing length field listed, then fixes the handshake header. */
static void splice(item *it, size_t pos, size_t del, const void *ins, size_t n, const lenfield *lf,
                   int nlf)
{
    size_t len = it->n - del + n;
    uint8_t *p = malloc(len + 1);
    memcpy(p, it->p, pos);
    if (n)
        memcpy(p + pos, ins, n);
    memcpy(p + pos + n, it->p + pos + del, it->n - pos - del);
    free(it->p);
    it->p = p;
    it->n = len;
    for (int i = 0; i < nlf; i++)
        put_be(p + lf[i].at, lf[i].width, get_be(p + lf[i].at, lf[i].width) + n - del);
    if (it->ct == CL_CT_HANDSHAKE && it->n >= 4)
        put_be(p + 1, 3, it->n - 4);
}

/* ---- extension blocks ---- */

/* Offset of a message's extension block (its 2-byte length), or 0. */
static size_t exts_at(const item *it)
{
    const uint8_t *p = it->p;
    size_t n = it->n, o;
    switch (p[0]) {
    case CL_HS_CLIENT_HELLO:
        if (n < 39)
            return 0;
        o = 39 + (size_t)p[38];
        if (o + 2 > n)
            return 0;
        o += 2 + get_be(p + o, 2);
        if (o + 1 > n)
            return 0;
        o += 1 + (size_t)p[o];
        return o + 2 <= n ? o : 0;
    case CL_HS_SERVER_HELLO:
        if (n < 39)
            return 0;
        o = 39 + (size_t)p[38] + 3;
        return o + 2 <= n ? o : 0;
    case CL_HS_ENCRYPTED_EXTENSIONS:
        return n >= 6 ? 4 : 0;
    case CL_HS_CERTIFICATE_REQUEST: /* TLS 1.3 */
        return n > 5 ? 5 + (size_t)p[4] : 0;
    case CL_HS_NEW_SESSION_TICKET: /* TLS 1.3: lifetime, age_add, nonce, ticket */
        if (n < 13 || 13 + (size_t)p[12] + 2 > n)
            return 0;
        o = 13 + (size_t)p[12];
        o += 2 + get_be(p + o, 2);
        return o + 2 <= n ? o : 0;
    }
    return 0;
}

static int ext_find(const item *it, uint16_t type, size_t *at)
{
    size_t o = exts_at(it);
    if (!o)
        return 0;
    size_t end = o + 2 + get_be(it->p + o, 2), q = o + 2;
    if (end > it->n)
        end = it->n;
    while (q + 4 <= end) {
        if (get_be(it->p + q, 2) == type) {
            *at = q;
            return 1;
        }
        q += 4 + get_be(it->p + q + 2, 2);
    }
    return 0;
}

static int ext_add(item *it, int first, uint16_t type, const void *body, size_t n)
{
    size_t o = exts_at(it);
    if (!o)
        return 0;
    uint8_t *e = malloc(4 + n);
    put_be(e, 2, type);
    put_be(e + 2, 2, n);
    if (n)
        memcpy(e + 4, body, n);
    lenfield lf[] = {{o, 2}};
    splice(it, first ? o + 2 : o + 2 + get_be(it->p + o, 2), 0, e, 4 + n, lf, 1);
    free(e);
    return 1;
}

/* Replaces an extension's body. */
static int ext_set_body(item *it, uint16_t type, const void *body, size_t n)
{
    size_t at, o = exts_at(it);
    if (!ext_find(it, type, &at))
        return 0;
    lenfield lf[] = {{o, 2}, {at + 2, 2}};
    splice(it, at + 4, get_be(it->p + at + 2, 2), body, n, lf, 2);
    return 1;
}

/* Prepends v to the list inside an extension whose length prefix has `width` bytes. */
static int ext_list_prepend(item *it, uint16_t type, int width, const void *v, size_t n)
{
    size_t at, o = exts_at(it);
    if (!ext_find(it, type, &at))
        return 0;
    lenfield lf[] = {{o, 2}, {at + 2, 2}, {at + 4, width}};
    splice(it, at + 4 + width, 0, v, n, lf, 3);
    return 1;
}

/* ---- framing of one message ---- */

/* Cuts `arg` bytes off the end of the body (0: half of it); the length is
 * fixed so the framing stays consistent. */
int m_cut(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg);
    if (!it || it->n <= 4)
        return 0;
    size_t body = it->n - 4, cut = r->hc->arg ? (size_t)r->hc->arg : (body + 1) / 2;
    if (cut > body)
        return 0;
    it->n -= cut;
    put_be(it->p + 1, 3, it->n - 4);
    return 1;
}

/* m_cut on the second ClientHello only (after a HelloRetryRequest). */
int m_cut_ch2(run *r, flight *f)
{
    return find_msg(f, CL_HS_CLIENT_HELLO) && r->n_client_hello >= 2 ? m_cut(r, f) : 0;
}

/* The length field says `arg` bytes more (or fewer) than the body has. */
int m_len(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg);
    if (!it)
        return 0;
    put_be(it->p + 1, 3, get_be(it->p + 1, 3) + (size_t)(long)r->hc->arg);
    return 1;
}

/* One byte of trailing garbage, framed consistently. */
int m_extend(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg);
    if (!it)
        return 0;
    splice(it, it->n, 0, "\x00", 1, NULL, 0);
    return 1;
}

int m_drop(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg);
    if (!it)
        return 0;
    remove_item(f, IDX(f, it));
    return 1;
}

int m_dup(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg);
    if (!it)
        return 0;
    size_t i = IDX(f, it);
    insert_item(f, i + 1, it->ct, it->epoch, it->p, it->n);
    return 1;
}

/* Moves message `msg` in front of message `arg`. */
int m_move_before(run *r, flight *f)
{
    item *a = find_msg(f, r->hc->msg), *b = find_msg(f, r->hc->arg);
    if (!a || !b || a < b)
        return 0;
    item tmp = *a;
    size_t ia = IDX(f, a), ib = IDX(f, b);
    memmove(&f->it[ib + 1], &f->it[ib], (ia - ib) * sizeof(item));
    f->it[ib] = tmp;
    return 1;
}

/* Flips the last byte of the message. */
int m_flip_last(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg);
    if (!it || it->n <= 4)
        return 0;
    it->p[it->n - 1] ^= 0x01;
    return 1;
}

/* Inserts a message the sender never sent in front of message `msg`:
 * arg 11 a Certificate with an empty chain, 20 a Finished of zeros, 0 a
 * HelloRequest (msg 0x100 | type: `arg` inserted 9 times). */
int m_insert_before(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg & 0xff);
    if (!it)
        return 0;
    uint8_t m[4 + 64] = {(uint8_t)r->hc->arg};
    size_t body = 0;
    if (r->hc->arg == CL_HS_CERTIFICATE)
        body = r->version == CLASP_TLS1_3 ? 4 : 3; /* (context,) empty list */
    else if (r->hc->arg == CL_HS_FINISHED)
        body = r->version == CLASP_TLS1_3 ? 32 : 12;
    put_be(m + 1, 3, body);
    size_t at = IDX(f, it);
    int epoch = it->epoch;
    for (int k = 0; k < (r->hc->msg > 0xff ? 9 : 1); k++)
        insert_item(f, at, CL_CT_HANDSHAKE, epoch, m, 4 + body);
    return 1;
}

/* Stops the flight after message `msg` (0: half way through its bytes,
 * usually inside a record) and loses everything the sender sends later. */
int m_stall_after(run *r, flight *f)
{
    if (r->hc->msg == 0) {
        r->cut_half[r->hc->dir] = 1;
        return 1;
    }
    item *it = find_msg(f, r->hc->msg);
    if (!it)
        return 0;
    for (size_t i = f->n; i > IDX(f, it) + 1; i--)
        remove_item(f, i - 1);
    r->drop[r->hc->dir] = 1;
    return 1;
}

/* ---- extensions, in any message ---- */

/* An extension of type `arg` (body: one zero byte, none for GREASE) added
 * last to message `msg`. */
int m_add_ext(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg);
    int grease = (r->hc->arg & 0x0f0f) == 0x0a0a;
    if (it && r->hc->arg == CL_EXT_KEY_SHARE) /* a well-formed ServerHello key_share */
        return ext_add(it, 0, CL_EXT_KEY_SHARE, "\x00\x1d\x00\x01\x09", 5);
    return it && ext_add(it, 0, (uint16_t)r->hc->arg, "\x00", grease ? 0 : 1);
}

/* The same, twice. */
int m_add_ext_twice(run *r, flight *f) { return m_add_ext(r, f) && m_add_ext(r, f); }

/* The same, as the first extension. */
int m_add_ext_first(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg);
    int grease = (r->hc->arg & 0x0f0f) == 0x0a0a;
    return it && ext_add(it, 1, (uint16_t)r->hc->arg, "\x00", grease ? 0 : 1);
}

/* Extension `arg` of message `msg` appears twice in a row. */
int m_dup_ext(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg);
    size_t at;
    if (!it || !ext_find(it, (uint16_t)r->hc->arg, &at))
        return 0;
    size_t len = 4 + get_be(it->p + at + 2, 2), o = exts_at(it);
    uint8_t *copy = malloc(len);
    memcpy(copy, it->p + at, len);
    lenfield lf[] = {{o, 2}};
    splice(it, at + len, 0, copy, len, lf, 1);
    free(copy);
    return 1;
}

/* Extension `arg` disappears from message `msg`. */
int m_drop_ext(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg);
    size_t at;
    if (!it || !ext_find(it, (uint16_t)r->hc->arg, &at))
        return 0;
    lenfield lf[] = {{exts_at(it), 2}};
    splice(it, at, 4 + get_be(it->p + at + 2, 2), NULL, 0, lf, 1);
    return 1;
}

/* Extension `arg` added last to message `msg`, with a well-formed body. */
int m_add_ext_body(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg);
    const char *body = "";
    size_t n = 0;
    switch (r->hc->arg) {
    case CL_EXT_SUPPORTED_VERSIONS: body = "\x03\x04", n = 2; break;
    case CL_EXT_RECORD_SIZE_LIMIT: body = "\x40\x00", n = 2; break;
    case CL_EXT_PRE_SHARED_KEY: body = "\x00\x00", n = 2; break;
    case CL_EXT_EC_POINT_FORMATS: body = "\x01\x00", n = 2; break;
    case CL_EXT_KEY_SHARE: body = "\x00\x1d\x00\x01\x09", n = 5; break;
    }
    return it && ext_add(it, 0, (uint16_t)r->hc->arg, body, n);
}

/* Message `msg`'s ec_point_formats lists only ansiX962_compressed_prime. */
int m_point_formats(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg);
    return it && ext_set_body(it, CL_EXT_EC_POINT_FORMATS, "\x01\x01", 2);
}

/* ---- ClientHello ---- */

/* ClientHello: extension `msg` disappears. */
int m_ch_drop_ext(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_CLIENT_HELLO);
    size_t at;
    if (!it || !ext_find(it, (uint16_t)r->hc->msg, &at))
        return 0;
    lenfield lf[] = {{exts_at(it), 2}};
    splice(it, at, 4 + get_be(it->p + at + 2, 2), NULL, 0, lf, 1);
    return 1;
}

/* ClientHello: value `arg` goes first in the list of extension `msg`
 * (supported_groups, signature_algorithms, supported_versions, key_share,
 * ALPN, psk_key_exchange_modes), or of the cipher suites when msg is 0. */
int m_ch_prepend(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_CLIENT_HELLO);
    if (!it)
        return 0;
    uint8_t v[8];
    put_be(v, 2, (size_t)r->hc->arg);
    switch (r->hc->msg) {
    case 0: {
        size_t o = 39 + (size_t)it->p[38];
        lenfield lf[] = {{o, 2}};
        splice(it, o + 2, 0, v, 2, lf, 1);
        return 1;
    }
    case CL_EXT_SUPPORTED_GROUPS:
    case CL_EXT_SIGNATURE_ALGORITHMS:
        return ext_list_prepend(it, (uint16_t)r->hc->msg, 2, v, 2);
    case CL_EXT_SUPPORTED_VERSIONS:
        return ext_list_prepend(it, CL_EXT_SUPPORTED_VERSIONS, 1, v, 2);
    case CL_EXT_KEY_SHARE: /* group, a one-byte key */
        v[2] = 0, v[3] = 1, v[4] = 0;
        return ext_list_prepend(it, CL_EXT_KEY_SHARE, 2, v, 5);
    case CL_EXT_ALPN: /* a two-byte protocol name */
        v[2] = v[0], v[3] = v[1], v[0] = 0, v[1] = 2;
        return ext_list_prepend(it, CL_EXT_ALPN, 2, v + 1, 3);
    case CL_EXT_PSK_KEY_EXCHANGE_MODES:
        v[0] = (uint8_t)r->hc->arg;
        return ext_list_prepend(it, CL_EXT_PSK_KEY_EXCHANGE_MODES, 1, v, 1);
    }
    return 0;
}

/* ClientHello: the supported_versions list becomes just `arg`. */
int m_ch_versions(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_CLIENT_HELLO);
    uint8_t body[3] = {2};
    put_be(body + 1, 2, (size_t)r->hc->arg);
    return it && ext_set_body(it, CL_EXT_SUPPORTED_VERSIONS, body, 3);
}

/* ClientHello: X25519, whose key share is sent, is renamed in
 * supported_groups to secp521r1. */
int m_ch_unlist_group(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_CLIENT_HELLO);
    size_t at;
    (void)r;
    if (!it || !ext_find(it, CL_EXT_SUPPORTED_GROUPS, &at))
        return 0;
    size_t end = at + 4 + get_be(it->p + at + 2, 2);
    for (size_t q = at + 6; q + 2 <= end; q += 2)
        if (get_be(it->p + q, 2) == CR_GROUP_X25519) {
            put_be(it->p + q, 2, CR_GROUP_SECP521R1);
            return 1;
        }
    return 0;
}

/* ClientHello: the compression methods become `msg` bytes holding `arg`
 * (msg 2, arg 0x0001: {0, 1}). */
int m_ch_compression(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_CLIENT_HELLO);
    if (!it)
        return 0;
    size_t o = 39 + (size_t)it->p[38];
    o += 2 + get_be(it->p + o, 2);
    uint8_t v[3];
    size_t n = (size_t)r->hc->msg;
    v[0] = (uint8_t)n;
    put_be(v + 1, (int)n, (size_t)r->hc->arg);
    splice(it, o, 1 + (size_t)it->p[o], v, 1 + n, NULL, 0);
    return 1;
}

int m_ch_legacy_version(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_CLIENT_HELLO);
    if (!it)
        return 0;
    put_be(it->p + 4, 2, (size_t)r->hc->arg);
    return 1;
}

/* ClientHello: a well-formed pre_shared_key that is not the last extension. */
int m_ch_psk_first(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_CLIENT_HELLO);
    uint8_t body[44] = {0, 7, 0, 1, 'a', 0, 0, 0, 0, 0, 33, 32};
    (void)r;
    return it && ext_add(it, 1, CL_EXT_PRE_SHARED_KEY, body, sizeof body);
}

/* ClientHello: psk_key_exchange_modes gone, a well-formed pre_shared_key last. */
int m_ch_psk_no_modes(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_CLIENT_HELLO);
    size_t at;
    uint8_t body[44] = {0, 7, 0, 1, 'a', 0, 0, 0, 0, 0, 33, 32};
    (void)r;
    if (!it || !ext_find(it, CL_EXT_PSK_KEY_EXCHANGE_MODES, &at))
        return 0;
    lenfield lf[] = {{exts_at(it), 2}};
    splice(it, at, 4 + get_be(it->p + at + 2, 2), NULL, 0, lf, 1);
    return ext_add(it, 0, CL_EXT_PRE_SHARED_KEY, body, sizeof body);
}

/* ClientHello: the renegotiation_info is not empty (a first handshake). */
int m_ch_reneg(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_CLIENT_HELLO);
    (void)r;
    return it && ext_set_body(it, CL_EXT_RENEGOTIATION_INFO, "\x02\xaa\xbb", 3);
}

/* ClientHello: `arg` two-byte values go in front of the cipher suites (msg
 * 0) or of the list of extension `msg` (added if the client did not send
 * it, e.g. signature_algorithms_cert, with a copy of signature_algorithms
 * behind the filler); arg -1: as many as the vector or the extension block
 * can hold (2^16-2 bytes of suites, a 65535-byte extension block). The
 * values are GREASE, unknown code points, a value repeated over and over
 * and (signature_algorithms) rsa_pkcs1_sha1, which no key here can use:
 * the usable entries come only after the filler. */
static void filler(uint8_t *v, size_t count, uint16_t ext)
{
    for (size_t i = 0; i < count; i++) {
        size_t val;
        switch (i % 4) {
        case 0: val = 0x0a0a + 0x1010 * ((i / 4) % 16); break; /* GREASE */
        case 1: val = 0xfe00 | (i & 0xff); break;              /* unknown */
        case 2: val = 0xeeee; break;                           /* repeated */
        default: val = ext == CL_EXT_SIGNATURE_ALGORITHMS ? 0x0201 : 0xeeef; break;
        }
        put_be(v + 2 * i, 2, val);
    }
}

int m_ch_long_list(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_CLIENT_HELLO);
    if (!it)
        return 0;
    uint16_t ext = (uint16_t)r->hc->msg;
    size_t o = exts_at(it), at;
    if (!o)
        return 0;
    if (ext && !ext_find(it, ext, &at)) {
        size_t sa;
        if (!ext_find(it, CL_EXT_SIGNATURE_ALGORITHMS, &sa))
            return 0;
        size_t n = get_be(it->p + sa + 2, 2);
        uint8_t *copy = malloc(n);
        memcpy(copy, it->p + sa + 4, n);
        ext_add(it, 0, ext, copy, n);
        free(copy);
        o = exts_at(it);
        if (!ext_find(it, ext, &at))
            return 0;
    }
    size_t count = (size_t)r->hc->arg;
    if (r->hc->arg < 0) {
        size_t room = ext ? 65535 - get_be(it->p + o, 2)
                          : 65534 - get_be(it->p + 39 + it->p[38], 2);
        count = room / 2;
    }
    uint8_t *v = malloc(2 * count + 1);
    filler(v, count, ext);
    if (ext) {
        lenfield lf[] = {{o, 2}, {at + 2, 2}, {at + 4, 2}};
        splice(it, at + 6, 0, v, 2 * count, lf, 3);
    } else {
        size_t s = 39 + (size_t)it->p[38];
        lenfield lf[] = {{s, 2}};
        splice(it, s + 2, 0, v, 2 * count, lf, 1);
    }
    free(v);
    return 1;
}

/* ClientHello: signature_algorithms holds only `arg` filler values. */
int m_ch_sigalgs_filler_only(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_CLIENT_HELLO);
    size_t count = (size_t)r->hc->arg;
    uint8_t *body = malloc(2 + 2 * count);
    put_be(body, 2, 2 * count);
    filler(body + 2, count, CL_EXT_SIGNATURE_ALGORITHMS);
    int ok = it && ext_set_body(it, CL_EXT_SIGNATURE_ALGORITHMS, body, 2 + 2 * count);
    free(body);
    return ok;
}

/* ClientHello: `arg` key shares for unknown groups (each a one-byte key) go
 * in front of the client's own; msg 1: and the last of them again at the
 * end (past any fixed-size table of groups seen). */
int m_ch_many_shares(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_CLIENT_HELLO);
    size_t at, count = (size_t)r->hc->arg;
    if (!it || !ext_find(it, CL_EXT_KEY_SHARE, &at))
        return 0;
    uint8_t *v = malloc(5 * count + 1);
    for (size_t i = 0; i < count; i++) {
        put_be(v + 5 * i, 2, 0xfc00 + i);
        put_be(v + 5 * i + 2, 2, 1);
        v[5 * i + 4] = 0x42;
    }
    size_t o = exts_at(it);
    lenfield lf[] = {{o, 2}, {at + 2, 2}, {at + 4, 2}};
    splice(it, at + 6, 0, v, 5 * count, lf, 3);
    if (r->hc->msg) {
        size_t end = at + 6 + get_be(it->p + at + 4, 2);
        lenfield lf2[] = {{o, 2}, {at + 2, 2}, {at + 4, 2}};
        splice(it, end, 0, v + 5 * (count - 1), 5, lf2, 3);
    }
    free(v);
    return 1;
}

/* ClientHello: the host name in server_name becomes sni_names[arg]. */
static const struct {
    const char *name;
    size_t len;
} sni_names[] = {
    {"local\nhost", 10},      {"local\0host", 10}, {"l\xc3\xb6" "calhost", 11},
    {"a..localhost", 12},     {"localhost.", 10},   {".localhost", 10},
    {"local host", 10},
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.localhost", 74},
    {"127.0.0.1", 9},         {"::1", 3},           {"my_host.example", 15},
    {"xn--bcher-kva.example", 21},
};
int m_ch_sni(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_CLIENT_HELLO);
    size_t at;
    if (!it || !ext_find(it, CL_EXT_SERVER_NAME, &at))
        return 0;
    size_t o = exts_at(it), old = get_be(it->p + at + 7, 2);
    lenfield lf[] = {{o, 2}, {at + 2, 2}, {at + 4, 2}, {at + 7, 2}};
    splice(it, at + 9, old, sni_names[r->hc->arg].name, sni_names[r->hc->arg].len, lf, 4);
    return 1;
}

/* Extension `arg` (a 2-byte cookie of zeros for the cookie) is added to the
 * second ClientHello only. */
int m_ch2_add_ext(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_CLIENT_HELLO);
    if (!it || r->n_client_hello < 2)
        return 0;
    return ext_add(it, 0, (uint16_t)r->hc->arg, "\x00\x02\x00\x00", 4);
}

/* The second ClientHello (after a HelloRetryRequest) offers early_data. */
int m_ch2_early_data(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_CLIENT_HELLO);
    return it && r->n_client_hello >= 2 && ext_add(it, 0, CL_EXT_EARLY_DATA, "", 0);
}

/* Changes nothing: the ClientHello went through the proxy. */
int m_observe_ch(run *r, flight *f)
{
    (void)r;
    return find_msg(f, CL_HS_CLIENT_HELLO) != NULL;
}

/* ---- ServerHello and HelloRetryRequest ---- */

/* ServerHello/HRR: the first u16 of extension key_share (the group) or
 * supported_versions (the version) becomes `arg`. */
static int set_ext_u16(run *r, flight *f, uint16_t ext)
{
    item *it = find_msg(f, r->hc->msg);
    size_t at;
    if (!it || !ext_find(it, ext, &at))
        return 0;
    put_be(it->p + at + 4, 2, (size_t)r->hc->arg);
    return 1;
}
int m_sh_group(run *r, flight *f) { return set_ext_u16(r, f, CL_EXT_KEY_SHARE); }
int m_sh_version(run *r, flight *f) { return set_ext_u16(r, f, CL_EXT_SUPPORTED_VERSIONS); }

int m_sh_legacy_version(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_SERVER_HELLO);
    if (!it)
        return 0;
    put_be(it->p + 4, 2, (size_t)r->hc->arg);
    return 1;
}

int m_sh_suite(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_SERVER_HELLO);
    if (!it)
        return 0;
    put_be(it->p + 39 + it->p[38], 2, (size_t)r->hc->arg);
    return 1;
}

int m_sh_compression(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_SERVER_HELLO);
    if (!it)
        return 0;
    it->p[41 + it->p[38]] = (uint8_t)r->hc->arg;
    return 1;
}

int m_sh_session_id(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_SERVER_HELLO);
    (void)r;
    if (!it || it->p[38] == 0)
        return 0;
    it->p[39] ^= 0x80;
    return 1;
}

/* ServerHello: the random ends with "DOWNGRD" and byte `arg`; msg != 0
 * also sets legacy_version to msg. */
int m_sentinel(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_SERVER_HELLO);
    if (!it)
        return 0;
    memcpy(it->p + 6 + 24, "DOWNGRD", 7);
    it->p[6 + 31] = (uint8_t)r->hc->arg;
    if (r->hc->msg)
        put_be(it->p + 4, 2, (size_t)r->hc->msg);
    return 1;
}

/* Changes nothing, but finds the server's "DOWNGRD\1" in its ServerHello. */
int m_expect_sentinel(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_SERVER_HELLO);
    (void)r;
    return it && !memcmp(it->p + 6 + 24, "DOWNGRD\x01", 8);
}

/* ---- key shares ---- */

/* The key share in a ClientHello or ServerHello becomes all zeros (an X25519
 * low-order point: the shared secret would be zero). */
int m_zero_share(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg);
    size_t at;
    if (!it || !ext_find(it, CL_EXT_KEY_SHARE, &at))
        return 0;
    size_t k = at + 4 + (it->p[0] == CL_HS_CLIENT_HELLO ? 2 : 0); /* the (first) entry */
    size_t klen = get_be(it->p + k + 2, 2);
    memset(it->p + k + 4, 0, klen);
    return 1;
}

/* The sender's key share, in a ClientHello or ServerHello (its first entry)
 * or a TLS 1.2 ClientKeyExchange (msg), becomes: arg 0 all zeros, 1 its
 * last byte flipped (off the curve), 2 the number 1, 3 all ones, 4 the
 * number 1 little-endian (the u-coordinate 1 of X448); for the hybrid
 * groups: 7 its last 32 bytes zero (X25519MLKEM768's X25519 part), 8 byte
 * 64 flipped (SecP256r1MLKEM768's P-256 point off the curve), 100 + N 384
 * bytes of 0xff from offset N (ML-KEM key coefficients 4095 >= q). */
int m_share_value(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg);
    size_t k, klen, at;
    if (!it)
        return 0;
    if (it->p[0] == CL_HS_CLIENT_KEY_EXCHANGE) {
        int w = r->hc->flags & DHE ? 2 : 1;
        klen = get_be(it->p + 4, w);
        k = 4 + (size_t)w;
    } else {
        if (!ext_find(it, CL_EXT_KEY_SHARE, &at))
            return 0;
        size_t e = at + 4 + (it->p[0] == CL_HS_CLIENT_HELLO ? 2 : 0);
        klen = get_be(it->p + e + 2, 2);
        k = e + 4;
    }
    if (k + klen > it->n || klen == 0)
        return 0;
    switch (r->hc->arg) {
    case 0: memset(it->p + k, 0, klen); break;
    case 1: it->p[k + klen - 1] ^= 1; break;
    case 2: memset(it->p + k, 0, klen), it->p[k + klen - 1] = 1; break;
    case 4: memset(it->p + k, 0, klen), it->p[k] = 1; break; /* 1 little-endian (X448) */
    case 7: if (klen < 32) return 0; memset(it->p + k + klen - 32, 0, 32); break;
    case 8: if (klen < 65) return 0; it->p[k + 64] ^= 1; break;
    default:
        if (r->hc->arg >= 100) {
            size_t off = (size_t)r->hc->arg - 100;
            if (off + 384 > klen)
                return 0;
            memset(it->p + k + off, 0xff, 384);
        } else {
            memset(it->p + k, 0xff, klen);
        }
        break;
    }
    return 1;
}

/* The first key share of a ClientHello or ServerHello (msg) loses its last
 * byte: every length around it shrinks with it. */
int m_share_short(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg);
    size_t at;
    if (!it || !ext_find(it, CL_EXT_KEY_SHARE, &at))
        return 0;
    int ch = it->p[0] == CL_HS_CLIENT_HELLO;
    size_t e = at + 4 + (ch ? 2 : 0);
    size_t klen = get_be(it->p + e + 2, 2);
    if (klen == 0 || e + 4 + klen > it->n)
        return 0;
    size_t last = e + 4 + klen - 1;
    memmove(it->p + last, it->p + last + 1, it->n - last - 1);
    it->n--;
    put_be(it->p + e + 2, 2, klen - 1);
    if (ch)
        put_be(it->p + at + 4, 2, get_be(it->p + at + 4, 2) - 1);
    put_be(it->p + at + 2, 2, get_be(it->p + at + 2, 2) - 1);
    put_be(it->p + 1, 3, get_be(it->p + 1, 3) - 1);
    /* The extensions block's length: right after the fixed fields. */
    size_t x = 4 + 2 + 32;
    x += 1 + it->p[x]; /* session id */
    if (ch) {
        x += 2 + get_be(it->p + x, 2); /* suites */
        x += 1 + it->p[x];             /* compression */
    } else {
        x += 2 + 1; /* suite, compression */
    }
    put_be(it->p + x, 2, get_be(it->p + x, 2) - 1);
    return 1;
}

/* TLS 1.2 ClientKeyExchange (ECDHE): the point becomes all zeros. */
int m_cke_zero(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_CLIENT_KEY_EXCHANGE);
    (void)r;
    if (!it || it->n < 6)
        return 0;
    memset(it->p + 5, 0, it->n - 5);
    return 1;
}

/* ---- later messages ---- */

/* TLS 1.3 Certificate: the first entry carries an extension (`arg`, empty). */
int m_cert_entry_ext(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_CERTIFICATE);
    if (!it)
        return 0;
    size_t ctx = it->p[4], list = 5 + ctx, e = list + 3;
    size_t exts = e + 3 + get_be(it->p + e, 3);
    uint8_t ext[4];
    put_be(ext, 2, (size_t)r->hc->arg);
    put_be(ext + 2, 2, 0);
    lenfield lf[] = {{list, 3}, {exts, 2}};
    splice(it, exts + 2, 0, ext, 4, lf, 2);
    return 1;
}

/* A Certificate message rebuilt with `count` copies of the sender's leaf. */
static void rebuild_chain(run *r, item *it, size_t count)
{
    int tls13 = r->version == CLASP_TLS1_3;
    size_t ctx = tls13 ? it->p[4] : 0, list = tls13 ? 5 + ctx : 4, e = list + 3;
    size_t der_len = get_be(it->p + e, 3);
    size_t entry = 3 + der_len + (tls13 ? 2 : 0);
    size_t len = list + 3 + count * entry;
    uint8_t *m = malloc(len);
    memcpy(m, it->p, list);
    put_be(m + list, 3, count * entry);
    for (size_t i = 0; i < count; i++) {
        uint8_t *q = m + list + 3 + i * entry;
        memcpy(q, it->p + e, 3 + der_len);
        if (tls13)
            q[3 + der_len] = q[4 + der_len] = 0;
    }
    put_be(m + 1, 3, len - 4);
    free(it->p);
    it->p = m;
    it->n = len;
}

/* The Certificate holds `arg` copies of the leaf (arg > 1000: enough for at
 * least arg bytes). */
int m_chain(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_CERTIFICATE);
    if (!it)
        return 0;
    size_t count = (size_t)r->hc->arg;
    if (count > 1000) {
        size_t off = r->version == CLASP_TLS1_3 ? 8 + it->p[4] : 7;
        count = count / get_be(it->p + off, 3) + 1;
    }
    rebuild_chain(r, it, count);
    return 1;
}

/* A Certificate of exactly the handshake message limit whose certificate is
 * garbage; the messages behind it share its last record. */
int m_cert_at_limit(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_CERTIFICATE);
    if (!it)
        return 0;
    int tls13 = r->version == CLASP_TLS1_3;
    size_t body = CL_MAX_HANDSHAKE_MSG, list = tls13 ? 5 : 4;
    uint8_t *m = calloc(1, 4 + body);
    m[0] = CL_HS_CERTIFICATE;
    put_be(m + 1, 3, body);
    put_be(m + list, 3, body - (list - 4) - 3);
    put_be(m + list + 3, 3, body - (list - 4) - 3 - 3 - (tls13 ? 2 : 0));
    m[list + 6] = 0x30; /* starts like DER, is not */
    free(it->p);
    it->p = m;
    it->n = 4 + body;
    return 1;
}

/* TLS 1.3 CertificateRequest or Certificate: a one-byte request context. */
int m_context(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg);
    if (!it || it->n < 5 || it->p[4] != 0)
        return 0;
    splice(it, 4, 1, "\x01\x2a", 2, NULL, 0);
    return 1;
}

int m_cv_scheme(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_CERTIFICATE_VERIFY);
    if (!it)
        return 0;
    put_be(it->p + 4, 2, (size_t)r->hc->arg);
    return 1;
}

/* Changes nothing: checks the CertificateRequest carries more than `arg`
 * signature schemes (CRFILL made it so). */
int m_cr_is_long(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_CERTIFICATE_REQUEST);
    return it && it->n > 2 * (size_t)r->hc->arg;
}

/* TLS 1.2 ServerKeyExchange (ECDHE): byte `msg` of the parameters (0: curve
 * type, 1: named curve, 2: signature scheme) becomes `arg`. */
int m_ske(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_SERVER_KEY_EXCHANGE);
    if (!it)
        return 0;
    switch (r->hc->msg) {
    case 0: it->p[4] = (uint8_t)r->hc->arg; break;
    case 1: put_be(it->p + 5, 2, (size_t)r->hc->arg); break;
    default: put_be(it->p + 8 + it->p[7], 2, (size_t)r->hc->arg); break;
    }
    return 1;
}

/* ---- records ---- */

/* The first ChangeCipherSpec is sent again right after itself, in key
 * generation `arg` (-1: plaintext). */
int m_dup_ccs(run *r, flight *f)
{
    item *it = find_ct(f, CL_CT_CHANGE_CIPHER_SPEC);
    if (!it)
        return 0;
    insert_item(f, IDX(f, it) + 1, CL_CT_CHANGE_CIPHER_SPEC, r->hc->arg, "\x01", 1);
    return 1;
}

/* The first ChangeCipherSpec's body becomes `arg` bytes of 0x01 (arg < 0:
 * one byte 0x02). */
int m_ccs_body(run *r, flight *f)
{
    item *it = find_ct(f, CL_CT_CHANGE_CIPHER_SPEC);
    if (!it)
        return 0;
    free(it->p);
    size_t n = r->hc->arg < 0 ? 1 : (size_t)r->hc->arg;
    it->p = malloc(n + 1);
    memset(it->p, r->hc->arg < 0 ? 2 : 1, n);
    it->n = n;
    return 1;
}

/* The first ChangeCipherSpec goes in front of message `msg`. */
int m_move_ccs(run *r, flight *f)
{
    item *ccs = find_ct(f, CL_CT_CHANGE_CIPHER_SPEC), *m = find_msg(f, r->hc->msg);
    if (!ccs || !m || ccs < m)
        return 0;
    item tmp = *ccs;
    size_t ic = IDX(f, ccs), im = IDX(f, m);
    memmove(&f->it[im + 1], &f->it[im], (ic - im) * sizeof(item));
    f->it[im] = tmp;
    return 1;
}

/* A record of content type `arg` in front of message `msg`, in that
 * message's key generation (arg + 0x100: forced plaintext). Its content: a
 * ChangeCipherSpec 0x01, an alert of 3 bytes, or empty. */
int m_record_before(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg);
    if (!it)
        return 0;
    uint8_t ct = (uint8_t)r->hc->arg;
    int epoch = r->hc->arg > 0xff ? -1 : it->epoch;
    const char *body = ct == CL_CT_CHANGE_CIPHER_SPEC ? "\x01" : ct == CL_CT_ALERT ? "\x02\x28\x00" : "";
    size_t n = strlen(body);
    if (ct == CL_CT_ALERT)
        n = 3;
    insert_item(f, IDX(f, it), ct, epoch, body, n)->own_record = 1;
    return 1;
}

/* An empty record of type `arg` in front of message `msg`. */
int m_empty_before(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg);
    if (!it)
        return 0;
    int epoch = r->hc->arg > 0xff ? -1 : it->epoch;
    insert_item(f, IDX(f, it), (uint8_t)r->hc->arg, epoch, "", 0)->own_record = 1;
    return 1;
}

/* Message `msg` split over two records with a plaintext ChangeCipherSpec between. */
int m_split_ccs(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg);
    if (!it || it->n < 8)
        return 0;
    size_t i = IDX(f, it), half = it->n / 2;
    item *b = insert_item(f, i + 1, CL_CT_HANDSHAKE, it->epoch, it->p + half, it->n - half);
    b->own_record = 1;
    insert_item(f, i + 1, CL_CT_CHANGE_CIPHER_SPEC, -1, "\x01", 1);
    it = &f->it[i];
    it->n = half;
    it->own_record = 1;
    return 1;
}

/* Message `msg` split over two records of its key generation, with a
 * record of content type `arg` between them (an alert: a warning
 * user_canceled; application data: one byte; arg + 0x100: plaintext). */
int m_split_record(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg);
    if (!it || it->n < 2)
        return 0;
    uint8_t ct = (uint8_t)r->hc->arg;
    const char *body = ct == CL_CT_ALERT ? "\x01\x5a" : ct == CL_CT_CHANGE_CIPHER_SPEC ? "\x01" : "x";
    size_t i = IDX(f, it), half = it->n / 2;
    int epoch = it->epoch;
    insert_item(f, i + 1, CL_CT_HANDSHAKE, epoch, it->p + half, it->n - half)->own_record = 1;
    insert_item(f, i + 1, ct, r->hc->arg > 0xff ? -1 : epoch, body, strlen(body))->own_record = 1;
    it = &f->it[i];
    it->n = half;
    it->own_record = 1;
    return 1;
}

/* Message `msg` sent in a record of exactly `arg` bytes of content (zero
 * filled), unsplit: over 2^14 when arg is. */
int m_oversize(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg);
    if (!it || (size_t)r->hc->arg < it->n)
        return 0;
    uint8_t *p = calloc(1, (size_t)r->hc->arg);
    memcpy(p, it->p, it->n);
    free(it->p);
    it->p = p;
    it->n = (size_t)r->hc->arg;
    it->own_record = 1;
    return 1;
}

/* TLS 1.3: message `msg` in a record of its own with `arg` bytes of padding. */
int m_pad(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg);
    if (!it)
        return 0;
    it->pad = (size_t)r->hc->arg;
    it->own_record = 1;
    return 1;
}

/* 0-RTT records the server cannot open, `arg` bytes of application data
 * by its count (the body less tag and content type), right behind the
 * first ClientHello, as a client resuming with early data sends them. */
int m_early_records(run *r, flight *f)
{
    item *ch = find_msg(f, CL_HS_CLIENT_HELLO);
    if (!ch)
        return 0;
    size_t at = IDX(f, ch) + 1, left = (size_t)r->hc->arg;
    while (left > 0) {
        size_t n = left < 4000 ? left : 4000, body = n + CR_AEAD_TAG + 1;
        uint8_t *rec = malloc(CL_RECORD_HEADER + body);
        put_be(rec, 1, CL_CT_APPLICATION_DATA);
        put_be(rec + 1, 2, 0x0303);
        put_be(rec + 3, 2, body);
        for (size_t k = 0; k < body; k++)
            rec[CL_RECORD_HEADER + k] = (uint8_t)(k * 31 + left);
        item *it = insert_item(f, at++, CL_CT_APPLICATION_DATA, 0, rec, CL_RECORD_HEADER + body);
        it->raw = 1;
        free(rec);
        left -= n;
    }
    return 1;
}

/* trust review: `arg` 0-RTT records that carry no data by the skip count
 * (body = tag + content type, as an empty record has), one after another
 * right behind the first ClientHello. Each still costs the server an
 * attempt to open it, so their number is bounded too. */
int m_empty_early_records(run *r, flight *f)
{
    item *ch = find_msg(f, CL_HS_CLIENT_HELLO);
    if (!ch)
        return 0;
    size_t body = CR_AEAD_TAG + 1, one = CL_RECORD_HEADER + body, n = (size_t)r->hc->arg;
    uint8_t *recs = calloc(n, one);
    for (size_t i = 0; i < n; i++) {
        uint8_t *rec = recs + i * one;
        put_be(rec, 1, CL_CT_APPLICATION_DATA);
        put_be(rec + 1, 2, 0x0303);
        put_be(rec + 3, 2, body);
        rec[CL_RECORD_HEADER] = (uint8_t)i;
    }
    item *it = insert_item(f, IDX(f, ch) + 1, CL_CT_APPLICATION_DATA, 0, recs, n * one);
    it->raw = 1;
    free(recs);
    return 1;
}

/* trust review: the second ClientHello split over two records with a
 * plaintext application_data record between them (m_split_record, arg
 * 0x100 | 23), where a server that declined 0-RTT skips such records. */
int m_split_ch2(run *r, flight *f)
{
    return r->n_client_hello >= 2 && m_split_record(r, f);
}

/* ---- after the handshake: the data flight ("ping") ---- */

static item *data_item(flight *f) { return find_ct(f, CL_CT_APPLICATION_DATA); }

/* `arg` empty application-data records before the data. */
int m_post_empty(run *r, flight *f)
{
    item *d = data_item(f);
    if (!d)
        return 0;
    size_t i = IDX(f, d);
    int epoch = d->epoch;
    for (int k = 0; k < r->hc->arg; k++)
        insert_item(f, i, CL_CT_APPLICATION_DATA, epoch, "", 0)->own_record = 1;
    return 1;
}

/* `arg` alerts (level 1, description `msg`) before the data. */
int m_post_warnings(run *r, flight *f)
{
    item *d = data_item(f);
    if (!d)
        return 0;
    size_t i = IDX(f, d);
    int epoch = d->epoch;
    uint8_t a[2] = {1, (uint8_t)r->hc->msg};
    for (int k = 0; k < r->hc->arg; k++)
        insert_item(f, i, CL_CT_ALERT, epoch, a, 2);
    return 1;
}

/* `arg` warning alerts (description `msg`), a copy of the data, `arg` more
 * warnings, then the data: two runs, each within the bound. */
int m_post_warnings_twice(run *r, flight *f)
{
    item *d = data_item(f);
    if (!d)
        return 0;
    size_t i = IDX(f, d);
    int epoch = d->epoch;
    uint8_t a[2] = {1, (uint8_t)r->hc->msg};
    for (int k = 0; k < r->hc->arg; k++)
        insert_item(f, i, CL_CT_ALERT, epoch, a, 2);
    insert_item(f, i, CL_CT_APPLICATION_DATA, epoch, "pong", 4);
    for (int k = 0; k < r->hc->arg; k++)
        insert_item(f, i, CL_CT_ALERT, epoch, a, 2);
    return 1;
}

/* A ChangeCipherSpec before the data: encrypted (arg 0) or in plaintext (arg -1). */
int m_post_ccs(run *r, flight *f)
{
    item *d = data_item(f);
    if (!d)
        return 0;
    insert_item(f, IDX(f, d), CL_CT_CHANGE_CIPHER_SPEC, r->hc->arg < 0 ? -1 : d->epoch, "\x01", 1);
    return 1;
}

/* Handshake message bytes before the data, `arg` times: a KeyUpdate with
 * request_update 2 (msg 24), a truncated KeyUpdate (msg 25), a HelloRequest (msg 0). */
int m_post_hs(run *r, flight *f)
{
    item *d = data_item(f);
    if (!d)
        return 0;
    size_t i = IDX(f, d);
    int epoch = d->epoch;
    static const uint8_t ku_bad[5] = {CL_HS_KEY_UPDATE, 0, 0, 1, 2}, ku_short[4] = {CL_HS_KEY_UPDATE};
    static const uint8_t hello_request[4] = {CL_HS_HELLO_REQUEST};
    const uint8_t *m = r->hc->msg == 24 ? ku_bad : r->hc->msg == 25 ? ku_short : hello_request;
    size_t n = r->hc->msg == 24 ? 5 : 4;
    for (int k = 0; k < (r->hc->arg ? r->hc->arg : 1); k++)
        insert_item(f, i, CL_CT_HANDSHAKE, epoch, m, n)->own_record = 1;
    return 1;
}

/* TLS 1.3: a record whose inner plaintext is `arg` zero bytes (no content type). */
int m_post_zero_inner(run *r, flight *f)
{
    item *d = data_item(f);
    if (!d)
        return 0;
    item *z = insert_item(f, IDX(f, d), 0, d->epoch, "", 0);
    z->pad = (size_t)r->hc->arg;
    return 1;
}

/* A record of (TLS 1.3 inner) content type `arg` before the data: one
 * byte, or empty when msg is 1. */
int m_post_inner_type(run *r, flight *f)
{
    item *d = data_item(f);
    if (!d)
        return 0;
    insert_item(f, IDX(f, d), (uint8_t)r->hc->arg, d->epoch, "x", r->hc->msg == 1 ? 0 : 1)->own_record = 1;
    return 1;
}

/* The data record carries `arg` bytes (unsplit), or (msg != 0) `arg`
 * bytes of TLS 1.3 padding after its 4 bytes. */
int m_post_big(run *r, flight *f)
{
    item *d = data_item(f);
    if (!d)
        return 0;
    if (r->hc->msg) {
        d->pad = (size_t)r->hc->arg;
        return 1;
    }
    uint8_t *p = calloc(1, (size_t)r->hc->arg);
    free(d->p);
    d->p = p;
    d->n = (size_t)r->hc->arg;
    d->own_record = 1;
    return 1;
}

/* The sender updates its keys once, then writes "ping". */
void post_one_key_update(run *r)
{
    CCHECK(r, clasp_conn_key_update(r->ep[r->hc->dir], 0) == CLASP_OK);
    post_write(r);
}
