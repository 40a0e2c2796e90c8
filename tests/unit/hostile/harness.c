/* SPDX-License-Identifier: Apache-2.0 */
/* The hostile-peer harness: an in-process man in the middle between a clasp
 * client and a clasp server that knows every traffic key (from the configs'
 * key log), so it can open each flight, cut it into handshake messages and
 * records, let a case mutate them, and re-frame and re-seal the result so
 * the receiver sees consistent framing; the run loop; and a case's checks
 * on the tested side's outcome. */
#include "harness.h"

/* The groups of CGROUP(i). */
static const char *const client_groups[] = {NULL,        "x448",           "secp521r1",
                                            "ffdhe2048", "ffdhe8192",      "X25519MLKEM768",
                                            "SecP256r1MLKEM768", "SecP384r1MLKEM1024"};
/* The client's groups unless a case sets them: the classic ones, so that
 * its ClientHello carries one key share (x25519), which the cases edit. */
static const char classic_groups[] =
    "x25519:secp256r1:secp384r1:x448:secp521r1:ffdhe2048:ffdhe3072:ffdhe4096:ffdhe6144:ffdhe8192";

static const uint8_t hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

/* ------------------------------------------------------------ bytes */

size_t get_be(const uint8_t *p, int w)
{
    size_t v = 0;
    for (int i = 0; i < w; i++)
        v = v << 8 | p[i];
    return v;
}

void put_be(uint8_t *p, int w, size_t v)
{
    for (int i = w - 1; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

item *insert_item(flight *f, size_t pos, uint8_t ct, int epoch, const void *p, size_t n)
{
    if (f->n == MAX_ITEMS) {
        fprintf(stderr, "hostile: too many items in a flight\n");
        abort();
    }
    memmove(&f->it[pos + 1], &f->it[pos], (f->n - pos) * sizeof(item));
    f->n++;
    item *it = &f->it[pos];
    memset(it, 0, sizeof *it);
    it->ct = ct;
    it->epoch = epoch;
    it->rec_version = 0x0303;
    it->p = malloc(n + 1);
    if (n)
        memcpy(it->p, p, n);
    it->n = n;
    return it;
}

static item *push_item(flight *f, uint8_t ct, int epoch, const void *p, size_t n)
{
    return insert_item(f, f->n, ct, epoch, p, n);
}

void remove_item(flight *f, size_t pos)
{
    free(f->it[pos].p);
    memmove(&f->it[pos], &f->it[pos + 1], (f->n - pos - 1) * sizeof(item));
    f->n--;
}

static void free_flight(flight *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->it[i].p);
    f->n = 0;
}

/* -------------------------------------------------------------- keys */

static const char *secret_label[4] = {"CLIENT_HANDSHAKE_TRAFFIC_SECRET",
                                      "SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0",
                                      "SERVER_TRAFFIC_SECRET_0"};

/* Both endpoints log; the last one wins, which is the receiver's view when a
 * mutation made the two disagree. */
static void keylog(void *arg, const char *line)
{
    run *r = arg;
    const char *sp = strchr(line, ' ');
    const char *sec = sp ? strchr(sp + 1, ' ') : NULL;
    if (!sec)
        return;
    size_t label_len = (size_t)(sp - line);
    uint8_t buf[CR_MAX_HASH];
    size_t n = tu_hex(sec + 1, buf, sizeof buf);
    if (label_len == 13 && !strncmp(line, "CLIENT_RANDOM", 13) && n == 48) {
        memcpy(r->master, buf, 48);
        r->have_master = 1;
        return;
    }
    for (int i = 0; i < 4; i++)
        if (strlen(secret_label[i]) == label_len && !strncmp(line, secret_label[i], label_len) &&
            n <= CR_MAX_HASH) {
            memcpy(r->secret[i], buf, n);
            r->have_secret[i] = 1;
        }
}

/* The record keys of one direction's key generation. */
static int epoch_keys(run *r, int dir, int epoch, uint8_t *key, size_t *kl, uint8_t *iv,
                      size_t *ivl)
{
    const cl_suite *s = cl_suite_by_id(r->suite);
    if (!s)
        return -1;
    *kl = cr_aead_key_len(s->aead);
    if (r->version == CLASP_TLS1_3) {
        int idx = (epoch == 0 ? 0 : 2) + (dir == S2C);
        if (!r->have_secret[idx])
            return -1;
        size_t hl = cr_hash_len(s->hash);
        uint8_t sec[CR_MAX_HASH], next[CR_MAX_HASH];
        memcpy(sec, r->secret[idx], hl);
        for (int e = 1; e < epoch; e++) {
            if (cr_hkdf_expand_label(s->hash, sec, "traffic upd", NULL, 0, next, hl))
                return -1;
            memcpy(sec, next, hl);
        }
        *ivl = 12;
        if (cr_hkdf_expand_label(s->hash, sec, "key", NULL, 0, key, *kl) ||
            cr_hkdf_expand_label(s->hash, sec, "iv", NULL, 0, iv, 12))
            return -1;
        return 0;
    }
    if (!r->have_master)
        return -1;
    *ivl = s->aead == CR_CHACHA20POLY1305 ? 12 : 4;
    uint8_t block[2 * 32 + 2 * 12], seed[64];
    memcpy(seed, r->server_random, 32);
    memcpy(seed + 32, r->client_random, 32);
    if (cr_tls12_prf(s->hash, r->master, 48, "key expansion", seed, 64, block, 2 * *kl + 2 * *ivl))
        return -1;
    int client = dir == C2S;
    memcpy(key, block + (client ? 0 : *kl), *kl);
    memcpy(iv, block + 2 * *kl + (client ? 0 : *ivl), *ivl);
    return 0;
}

static int set_keys(run *r, int dir, int epoch, int for_write)
{
    pdir *d = &r->d[dir];
    int *have = for_write ? &d->wr_epoch : &d->rd_epoch;
    if (*have == epoch)
        return 0;
    uint8_t key[CR_MAX_KEY], iv[CR_AEAD_NONCE];
    size_t kl, ivl;
    if (epoch_keys(r, dir, epoch, key, &kl, iv, &ivl))
        return -1;
    cr_aead *a = cr_aead_new(cl_suite_by_id(r->suite)->aead, key, for_write);
    if (!a)
        return -1;
    cl_record_keys_set(for_write ? &d->wr : &d->rd, a, iv, ivl, r->version == CLASP_TLS1_2);
    *have = epoch;
    return 0;
}

/* ------------------------------------------------------- proxy: in */

int is_hrr(const item *it)
{
    return it->ct == CL_CT_HANDSHAKE && it->n >= 38 && it->p[0] == CL_HS_SERVER_HELLO &&
           !memcmp(it->p + 6, hrr_random, 32);
}

/* What the proxy needs from the hellos: the randoms and the suite. */
static void note_message(run *r, int dir, const item *it)
{
    pdir *d = &r->d[dir];
    const uint8_t *p = it->p;
    if (it->epoch < 0 && it->n >= 39) {
        if (dir == C2S && p[0] == CL_HS_CLIENT_HELLO) {
            memcpy(r->client_random, p + 6, 32);
            r->n_client_hello++;
        }
        if (dir == S2C && p[0] == CL_HS_SERVER_HELLO) {
            size_t o = 39 + (size_t)p[38];
            if (o + 2 <= it->n)
                r->suite = (uint16_t)get_be(p + o, 2);
            if (!is_hrr(it))
                memcpy(r->server_random, p + 6, 32);
        }
    }
    /* TLS 1.3 key changes in the sender's stream. */
    if (r->version == CLASP_TLS1_3 && it->epoch >= 0) {
        if (p[0] == CL_HS_FINISHED && it->epoch == 0)
            d->in_epoch = 1;
        if (p[0] == CL_HS_KEY_UPDATE)
            d->in_epoch = it->epoch + 1;
    }
}

static void add_content(run *r, int dir, flight *f, uint8_t ct, int epoch, const uint8_t *p,
                        size_t n, uint16_t ver)
{
    pdir *d = &r->d[dir];
    if (ct != CL_CT_HANDSHAKE) {
        item *it = push_item(f, ct, epoch, p, n);
        it->rec_version = ver;
        if (ct == CL_CT_ALERT && n == 2) {
            d->wire_level = p[0];
            d->wire_desc = p[1];
        }
        return;
    }
    if (d->hs_acc.len && d->hs_acc_epoch != epoch) {
        /* A fragment left over from another key generation: pass it on. */
        push_item(f, CL_CT_HANDSHAKE, d->hs_acc_epoch, d->hs_acc.data, d->hs_acc.len)->own_record = 1;
        cl_buf_reset(&d->hs_acc);
    }
    d->hs_acc_epoch = epoch;
    cl_wr_bytes(&d->hs_acc, p, n);
    size_t off = 0;
    while (d->hs_acc.len - off >= 4) {
        size_t body = get_be(d->hs_acc.data + off + 1, 3);
        if (d->hs_acc.len - off < 4 + body)
            break;
        item *it = push_item(f, CL_CT_HANDSHAKE, epoch, d->hs_acc.data + off, 4 + body);
        it->rec_version = ver;
        note_message(r, dir, it);
        off += 4 + body;
    }
    cl_buf_consume(&d->hs_acc, off);
}

/* Opens the sender's records into items. */
static void proxy_in(run *r, int dir, const uint8_t *buf, size_t n, flight *f)
{
    pdir *d = &r->d[dir];
    size_t off = 0;
    while (off + CL_RECORD_HEADER <= n) {
        size_t len = get_be(buf + off + 3, 2);
        if (off + CL_RECORD_HEADER + len > n)
            break;
        const uint8_t *rec = buf + off;
        size_t rec_len = CL_RECORD_HEADER + len;
        off += rec_len;
        uint8_t type = rec[0];
        if (r->version == CLASP_TLS1_3 && d->in_epoch < 0 && type == CL_CT_APPLICATION_DATA)
            d->in_epoch = 0;
        int plain = d->in_epoch < 0 || (r->version == CLASP_TLS1_3 && type == CL_CT_CHANGE_CIPHER_SPEC);
        if (plain) {
            add_content(r, dir, f, type, -1, rec + CL_RECORD_HEADER, len, (uint16_t)get_be(rec + 1, 2));
            if (r->version == CLASP_TLS1_2 && type == CL_CT_CHANGE_CIPHER_SPEC)
                d->in_epoch = 0;
            continue;
        }
        uint8_t *copy = malloc(rec_len);
        memcpy(copy, rec, rec_len);
        uint8_t t, *pt;
        size_t pt_len;
        int epoch = d->in_epoch;
        if (set_keys(r, dir, epoch, 0) == 0 &&
            cl_record_open(&d->rd, copy, rec_len, &t, &pt, &pt_len) == CL_REC_OK) {
            add_content(r, dir, f, t, epoch, pt, pt_len, 0x0303);
        } else {
            item *it = push_item(f, type, epoch, rec, rec_len);
            it->raw = 1;
        }
        free(copy);
    }
}

/* ------------------------------------------------------ proxy: out */

static void seal(run *r, int dir, uint8_t ct, int epoch, uint16_t ver, const uint8_t *p, size_t n,
                 size_t pad, cl_buf *out)
{
    if (epoch < 0) {
        cl_record_keys plain;
        memset(&plain, 0, sizeof plain);
        plain.plain_version = ver ? ver : 0x0303;
        if (cl_record_seal(&plain, ct, p, n, out))
            CHECK(!"plaintext record");
        return;
    }
    if (set_keys(r, dir, epoch, 1)) {
        fprintf(stderr, "[%s] hostile: no keys for direction %d generation %d\n", r->hc->name, dir,
                epoch);
        CHECK(!"keys for re-sealing");
        return;
    }
    cl_record_keys *k = &r->d[dir].wr;
    if (pad && r->version == CLASP_TLS1_3) {
        /* inner plaintext = content || type || zeros(pad) */
        uint8_t *q = calloc(1, n + pad);
        if (n)
            memcpy(q, p, n);
        q[n] = ct;
        if (cl_record_seal(k, 0, q, n + pad, out))
            CHECK(!"padded record");
        free(q);
        return;
    }
    if (cl_record_seal(k, ct, p, n, out))
        CHECK(!"record");
}

static void seal_split(run *r, int dir, uint8_t ct, int epoch, uint16_t ver, const uint8_t *p,
                       size_t n, cl_buf *out)
{
    do {
        size_t take = n < CL_MAX_PLAINTEXT ? n : CL_MAX_PLAINTEXT;
        seal(r, dir, ct, epoch, ver, p, take, 0, out);
        p += take;
        n -= take;
    } while (n > 0);
}

/* Re-frames a flight: handshake messages of one key generation share
 * records (as clasp sends them), everything else is a record of its own. */
static void emit(run *r, int dir, flight *f)
{
    cl_buf out;
    cl_buf_init(&out, 0);
    for (size_t i = 0; i < f->n;) {
        item *it = &f->it[i];
        if (it->raw) {
            cl_wr_bytes(&out, it->p, it->n);
            i++;
            continue;
        }
        if (it->own_record || it->pad) {
            seal(r, dir, it->ct, it->epoch, it->rec_version, it->p, it->n, it->pad, &out);
            i++;
            continue;
        }
        if (it->ct == CL_CT_HANDSHAKE) {
            cl_buf hs;
            cl_buf_init(&hs, 0);
            size_t j = i;
            for (; j < f->n; j++) {
                item *x = &f->it[j];
                if (x->ct != CL_CT_HANDSHAKE || x->raw || x->own_record || x->pad || x->epoch != it->epoch)
                    break;
                cl_wr_bytes(&hs, x->p, x->n);
            }
            seal_split(r, dir, CL_CT_HANDSHAKE, it->epoch, it->rec_version, hs.data, hs.len, &out);
            cl_buf_free(&hs);
            i = j;
            continue;
        }
        seal_split(r, dir, it->ct, it->epoch, it->rec_version, it->p, it->n, &out);
        i++;
    }
    size_t keep = out.len;
    if (r->cut_half[dir]) {
        keep = out.len / 2;
        r->drop[dir] = 1;
    }
    cl_wr_bytes(&r->d[dir].out, out.data, keep);
    cl_buf_free(&out);
}

/* ---------------------------------------------------------- driving */

static void drive(run *r, int side)
{
    clasp_conn *c = r->ep[side];
    if (r->rc[side] == CLASP_ERROR || r->rc[side] == CLASP_CLOSED)
        return;
    if (!clasp_conn_handshake_done(c)) {
        r->rc[side] = clasp_conn_handshake(c);
        if (r->rc[side] != CLASP_OK)
            return;
    }
    uint8_t buf[4096];
    for (;;) {
        long n = clasp_conn_read(c, buf, sizeof buf);
        if (n > 0) {
            r->got[side] += n;
            continue;
        }
        r->rc[side] = n == CLASP_WANT_READ ? CLASP_OK : (int)n;
        return;
    }
}

/* The ClientHello still sits unsent in the client, and its transcript is
 * still the raw bytes: change both the same way. */
static void rewrite_client_hello(run *r)
{
    clasp_conn *c = r->ep[CLI];
    cl_buf *pending = &c->hs->pending;
    CCHECK(r, c->hs_out.len > 4 && pending->len == c->hs_out.len &&
                  !memcmp(pending->data, c->hs_out.data, pending->len));
    static flight f;
    f.n = 0;
    push_item(&f, CL_CT_HANDSHAKE, -1, c->hs_out.data, c->hs_out.len);
    r->applied += r->hc->mutate(r, &f);
    CCHECK(r, f.n == 1);
    cl_buf_reset(&c->hs_out);
    cl_wr_bytes(&c->hs_out, f.it[0].p, f.it[0].n);
    cl_buf_reset(pending);
    cl_wr_bytes(pending, f.it[0].p, f.it[0].n);
    free_flight(&f);
}

/* Takes what `side` wants to send through the proxy; 1 if there was any. */
static int pump_out(run *r, int side)
{
    clasp_conn *c = r->ep[side];
    const hcase *hc = r->hc;
    if (side == CLI && (hc->flags & IN_CLIENT) && !r->applied && c->hs && c->hs_out.len)
        rewrite_client_hello(r);
    const uint8_t *out;
    size_t n = clasp_conn_output(c, &out);
    if (n == 0)
        return 0;
    if (r->drop[side]) {
        clasp_conn_output_done(c, n);
        return 1;
    }
    static flight f; /* large: not on the stack */
    f.n = 0;
    proxy_in(r, side, out, n, &f);
    clasp_conn_output_done(c, n);
    if (!(hc->flags & IN_CLIENT) && hc->mutate && side == hc->dir && r->phase == hc->when &&
        !r->applied)
        r->applied += hc->mutate(r, &f);
    emit(r, side, &f);
    free_flight(&f);
    return 1;
}

/* Feeds the receiver what the proxy has for it, letting it process as it goes. */
static int deliver(run *r, int dir)
{
    pdir *d = &r->d[dir];
    int to = !dir, stuck = 0;
    size_t off = 0;
    while (off < d->out.len && stuck < 2) {
        size_t used = 0;
        if (clasp_conn_feed(r->ep[to], d->out.data + off, d->out.len - off, &used) != CLASP_OK) {
            off = d->out.len; /* the receiver is dead: the rest is lost */
            break;
        }
        off += used;
        stuck = used ? 0 : stuck + 1;
        drive(r, to);
    }
    cl_buf_consume(&d->out, off);
    return off > 0;
}

static void run_loop(run *r)
{
    for (int iter = 0; iter < 64; iter++) {
        int moved = 0;
        for (int side = 0; side < 2; side++) {
            drive(r, side);
            moved |= pump_out(r, side);
            moved |= deliver(r, side);
        }
        if (!moved)
            break;
    }
}

void post_write(run *r)
{
    CCHECK(r, clasp_conn_write(r->ep[r->hc->dir], (const uint8_t *)"ping", 4) == 4);
}

void post_key_updates(run *r)
{
    clasp_conn *c = r->ep[r->hc->dir];
    for (int i = 0; i < r->hc->arg; i++)
        CCHECK(r, clasp_conn_key_update(c, 0) == CLASP_OK);
    post_write(r);
}

static void setup(run *r, const hcase *hc)
{
    memset(r, 0, sizeof *r);
    r->hc = hc;
    unsigned fl = hc->flags;
    r->version = fl & (V12 | PURE12 | RSAKX | DHE | ECRSA) ? CLASP_TLS1_2 : CLASP_TLS1_3;
    const char *pki = fl & (RSAKX | DHE | ECRSA) ? pki_rsa : pki_ecdsa;
    r->cfg[SRV] = server_config(pki);
    r->cfg[CLI] = client_config(pki);
    if (r->version == CLASP_TLS1_2 && !(fl & SRV13))
        CHECK(clasp_config_set_versions(r->cfg[SRV], CLASP_TLS1_2, CLASP_TLS1_2) == 0);
    if (fl & PURE12)
        CHECK(clasp_config_set_versions(r->cfg[CLI], CLASP_TLS1_2, CLASP_TLS1_2) == 0);
    if (fl & RSAKX)
        CHECK(clasp_config_set_ciphers(r->cfg[CLI], "AES128-GCM-SHA256") == 0);
    if (fl & ONESUITE)
        CHECK(clasp_config_set_ciphers(r->cfg[CLI], r->version == CLASP_TLS1_3
                                                        ? "TLS_AES_128_GCM_SHA256"
                                                        : "ECDHE-ECDSA-AES128-GCM-SHA256") == 0);
    if (fl & DHE)
        CHECK(clasp_config_set_ciphers(r->cfg[CLI], "DHE-RSA-AES128-GCM-SHA256") == 0);
    if (fl & ECRSA)
        CHECK(clasp_config_set_ciphers(r->cfg[CLI], "ECDHE-RSA-AES128-GCM-SHA256") == 0);
    if (fl & HRRCOOKIE)
        clasp_config_set_hrr_cookie(r->cfg[SRV], 1);
    CHECK(clasp_config_set_groups(r->cfg[CLI], classic_groups) == 0);
    if (CGROUP_OF(fl)) {
        CHECK(CGROUP_OF(fl) < sizeof client_groups / sizeof client_groups[0]);
        CHECK(clasp_config_set_groups(r->cfg[CLI], client_groups[CGROUP_OF(fl)]) == 0);
    }
    if (fl & OCSP) {
        static const uint8_t unauthorized[] = {0x30, 0x03, 0x0a, 0x01, 0x06};
        CHECK(clasp_config_set_ocsp_response(r->cfg[SRV], unauthorized, sizeof unauthorized) == 0);
        CHECK(clasp_config_set_ocsp(r->cfg[CLI], CLASP_OCSP_REQUEST) == 0);
    }
    if (fl & ONEGROUP)
        CHECK(clasp_config_set_groups(r->cfg[CLI], "x25519") == 0);
    if (fl & HRRSET) {
        CHECK(clasp_config_set_groups(r->cfg[SRV], "secp384r1") == 0);
        CHECK(clasp_config_set_groups(r->cfg[CLI], "x25519:secp384r1") == 0);
    }
    if (fl & ALPN) {
        CHECK(clasp_config_set_alpn(r->cfg[SRV], "h2") == 0);
        CHECK(clasp_config_set_alpn(r->cfg[CLI], "h2") == 0);
    }
    if (fl & CAUTH) {
        char ca[512], cert[512], key[512];
        path_in(ca, sizeof ca, pki, "ca.pem");
        path_in(cert, sizeof cert, pki, "client.pem");
        path_in(key, sizeof key, pki, "client-key.pem");
        CHECK(clasp_config_load_ca_file(r->cfg[SRV], ca) == 0);
        CHECK(clasp_config_set_client_auth(r->cfg[SRV], CLASP_CLIENT_AUTH_REQUIRED) == 0);
        CHECK(clasp_config_load_cert_chain(r->cfg[CLI], cert, key) == 0);
    }
    for (int s = 0; s < 2; s++) {
        clasp_config_set_keylog(r->cfg[s], keylog, r);
        r->ep[s] = clasp_conn_new(r->cfg[s]);
        if (s == CLI && (fl & EARLY)) {
            r->ep[s]->test = calloc(1, sizeof *r->ep[s]->test);
            r->ep[s]->test->offer_early_data = 1;
        }
        if (s == SRV && (fl & CRFILL)) {
            r->ep[s]->test = calloc(1, sizeof *r->ep[s]->test);
            r->ep[s]->test->cr_sigalg_filler = (size_t)hc->arg;
        }
        r->rc[s] = CLASP_WANT_READ;
        r->d[s].in_epoch = -1;
        r->d[s].rd_epoch = r->d[s].wr_epoch = -2;
        r->d[s].wire_level = r->d[s].wire_desc = -1;
        cl_buf_init(&r->d[s].hs_acc, 0);
        cl_buf_init(&r->d[s].out, 0);
    }
    CHECK(clasp_conn_set_server_name(r->ep[CLI], fl & NOSNI ? "127.0.0.1" : "localhost") == 0);
}

static void teardown(run *r)
{
    for (int s = 0; s < 2; s++) {
        clasp_conn_free(r->ep[s]);
        clasp_config_free(r->cfg[s]);
        cl_record_keys_clear(&r->d[s].rd);
        cl_record_keys_clear(&r->d[s].wr);
        cl_buf_free(&r->d[s].hs_acc);
        cl_buf_free(&r->d[s].out);
    }
}

void run_case(const hcase *hc)
{
    static run r;
    setup(&r, hc);
    run_loop(&r);
    int both_ok = r.rc[CLI] == CLASP_OK && r.rc[SRV] == CLASP_OK;
    if (hc->when == POST) {
        CCHECK(&r, both_ok);
        if (both_ok) {
            r.phase = POST;
            (hc->post ? hc->post : post_write)(&r);
            if (!hc->mutate)
                r.applied++; /* the sender itself misbehaves */
            run_loop(&r);
        }
    } else if (hc->expect == EXP_OK && both_ok) {
        /* The connection works both ways after the handshake. */
        r.phase = POST;
        for (int s = 0; s < 2; s++)
            CCHECK(&r, clasp_conn_write(r.ep[s], (const uint8_t *)"ping", 4) == 4);
        run_loop(&r);
        CCHECK(&r, r.got[CLI] >= 4 && r.got[SRV] >= 4);
    }
    CCHECK(&r, r.applied > 0); /* the mutation found what it was meant to change */

    int v = !hc->dir;
    clasp_conn *c = r.ep[v];
    const char *who = v == CLI ? "client" : "server";
    int sent = clasp_conn_alert_sent(c);
    printf("%-52s %s: rc %d, alert %d (%s), kind %d: %s\n", hc->name, who, r.rc[v], sent,
           sent >= 0 ? clasp_alert_name(sent) : "-", clasp_conn_error(c), clasp_conn_error_text(c));
    switch (hc->expect) {
    case EXP_ALERT:
        CCHECK(&r, r.rc[v] == CLASP_ERROR);
        CCHECK(&r, sent == hc->alert);
        CCHECK(&r, clasp_conn_error(c) == hc->kind);
        CCHECK(&r, strstr(clasp_conn_error_text(c), hc->text) != NULL);
        if (hc->alert >= 0) /* and it went out, as a fatal alert */
            CCHECK(&r, r.d[v].wire_level == 2 && r.d[v].wire_desc == hc->alert);
        break;
    case EXP_PEER_ALERT:
        CCHECK(&r, r.rc[v] == CLASP_ERROR);
        CCHECK(&r, sent == -1);
        CCHECK(&r, clasp_conn_alert_received(c) == hc->alert);
        CCHECK(&r, clasp_conn_error(c) == CLASP_E_PEER_ALERT);
        CCHECK(&r, strstr(clasp_conn_error_text(c), hc->text) != NULL);
        break;
    case EXP_STALL:
        /* No error, nothing sent: the peer just went quiet, and asking again
         * changes nothing. */
        CCHECK(&r, r.rc[v] == CLASP_WANT_READ || (r.rc[v] == CLASP_OK && clasp_conn_handshake_done(c)));
        CCHECK(&r, clasp_conn_error(c) == CLASP_E_NONE && sent == -1);
        for (int i = 0; i < 3 && !clasp_conn_handshake_done(c); i++)
            CCHECK(&r, clasp_conn_handshake(c) == CLASP_WANT_READ);
        break;
    case EXP_OK:
        CCHECK(&r, both_ok);
        if (!strncmp(hc->text, "sni=", 4)) { /* OK_SNI: what the server took as the name */
            const char *sni = clasp_conn_sni(r.ep[SRV]);
            CCHECK(&r, !strcmp(sni ? sni : "-", hc->text + 4));
        } else if (hc->text[0]) { /* OK_GROUP: the group both sides agreed on */
            CCHECK(&r, !strcmp(clasp_conn_group_name(r.ep[CLI]), hc->text) &&
                           !strcmp(clasp_conn_group_name(r.ep[SRV]), hc->text));
        }
        CCHECK(&r, clasp_conn_error(r.ep[CLI]) == CLASP_E_NONE && clasp_conn_error(r.ep[SRV]) == CLASP_E_NONE);
        CCHECK(&r, hc->when != POST || r.got[v] >= 4);
        break;
    }
    teardown(&r);
}

