/* SPDX-License-Identifier: Apache-2.0 */
/* Hostile peers: a clasp client and a clasp server talk through an
 * in-process man in the middle that knows every traffic key (from the
 * configs' key log), so it can open each flight, cut it into handshake
 * messages and records, let a case mutate them, and re-frame and re-seal the
 * result so the receiver sees consistent framing. Each case names the
 * direction it tampers with; the receiving clasp endpoint is checked for the
 * exact alert it sends (and that the alert is on the wire), the error kind
 * and the sentence, and the run must neither crash, leak (ASan/LSan build)
 * nor hang.
 *
 * Cases that must succeed (GREASE and unknown extensions in a ClientHello)
 * are applied inside the client, to its unsent ClientHello and to the
 * transcript buffer that still holds it, so both sides hash the same bytes.
 *
 * Adding a case is one line in the table at the end: a name, the setup
 * flags, the direction, when (during the handshake or after it), a mutation
 * function with its message type and argument, and the expected outcome. */
#include <stdlib.h>
#include <string.h>

#include "handshake/hs.h"
#include "pairutil.h"
#include "testutil.h"

enum { CLI = 0, SRV = 1 };
/* A direction is named by its sender: C2S is what the client sends. */
enum { C2S = CLI, S2C = SRV };
enum { HS = 0, POST = 1 };
enum { EXP_ALERT, EXP_PEER_ALERT, EXP_STALL, EXP_OK };

/* Pseudo message type for the generic mutators: a HelloRetryRequest. */
#define HRR 0x102

/* Setup flags. */
#define V12 0x001       /* TLS 1.2: the server allows only 1.2 (the client offers 1.2 and 1.3) */
#define PURE12 0x002    /* TLS 1.2 and the client offers only 1.2 */
#define CAUTH 0x004     /* the server requires a client certificate, the client has one */
#define HRRSET 0x008    /* the server wants P-384, the client's first share is X25519 */
#define ONESUITE 0x010  /* the client offers a single suite (AES-128-GCM) */
#define IN_CLIENT 0x020 /* rewrite the ClientHello inside the client (transcripts agree) */
#define SRV13 0x040     /* with PURE12: the server still allows TLS 1.3 */
#define ALPN 0x080      /* both sides speak ALPN h2 */
#define RSAKX 0x100     /* TLS 1.2 RSA key exchange with an RSA certificate */
#define ONEGROUP 0x200  /* the client offers only X25519 */
#define EARLY 0x4000   /* the client's first ClientHello offers early_data (test hook) */
#define NOSNI 0x8000   /* the client connects to 127.0.0.1: no server_name sent */
#define CRFILL 0x400    /* with CAUTH: the server's CertificateRequest lists `arg` unusable
                         * values before its schemes (a test hook) */
#define DHE 0x800       /* TLS 1.2 DHE_RSA with an RSA certificate */
#define HRRCOOKIE 0x1000 /* the server puts a cookie in its HelloRetryRequest */
#define ECRSA 0x2000    /* TLS 1.2 ECDHE_RSA with an RSA certificate */
/* The client offers only (and shares) group i of the table in setup. */
#define CGROUP(i) ((unsigned)(i) << 16)
static const char *const client_groups[] = {NULL, "x448", "secp521r1", "ffdhe2048", "ffdhe8192"};

#define MAX_ITEMS 512

static const uint8_t hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

/* A unit the proxy moves: one whole handshake message, or the content of
 * one record of another type. */
typedef struct {
    uint8_t ct;           /* content type (the inner one for TLS 1.3) */
    int epoch;            /* -1: plaintext; 0, 1, ...: the sender's key generations */
    uint8_t *p;
    size_t n;
    uint16_t rec_version; /* plaintext record header version */
    int own_record;       /* emit in a record of its own, unsplit (even over 2^14) */
    size_t pad;           /* TLS 1.3: zero padding inside the record */
    int raw;              /* p is a whole record the proxy could not open: pass it on */
} item;

typedef struct {
    item it[MAX_ITEMS];
    size_t n;
} flight;

typedef struct {
    int in_epoch;         /* key generation of the sender's next protected record */
    int rd_epoch, wr_epoch;
    cl_record_keys rd, wr; /* opening the sender's records, sealing ours to the receiver */
    cl_buf hs_acc;        /* handshake bytes not yet a whole message */
    int hs_acc_epoch;
    cl_buf out;           /* re-sealed bytes waiting for the receiver */
    int wire_level, wire_desc; /* the last alert seen from this sender */
} pdir;

typedef struct hcase hcase;
typedef struct run run;
typedef int mutate_fn(run *r, flight *f);
typedef void post_fn(run *r);

struct hcase {
    const char *name;
    unsigned flags;
    int dir;            /* the sender whose bytes are changed; the other side is tested */
    int when;           /* HS: flights during the handshake; POST: a data flight after it */
    mutate_fn *mutate;
    int msg;            /* message type (or extension type, see each mutator) */
    int arg;
    int expect;
    int alert;          /* the alert the tested side must send (-1: none) */
    clasp_error_kind kind;
    const char *text;   /* must appear in clasp_conn_error_text */
    post_fn *post;      /* POST: what the sender does (default: writes "ping") */
};

struct run {
    const hcase *hc;
    uint16_t version;
    clasp_config *cfg[2];
    clasp_conn *ep[2];
    int rc[2];
    long got[2];
    pdir d[2];
    uint16_t suite;
    uint8_t client_random[32], server_random[32];
    uint8_t secret[4][CR_MAX_HASH];
    int have_secret[4];
    uint8_t master[48];
    int have_master;
    int phase;
    int applied;
    int n_client_hello; /* ClientHellos the proxy has seen */
    int drop[2];        /* stalls: everything further from this side is lost */
    int cut_half[2];    /* stalls: only half of this flight's bytes arrive */
};

#define CCHECK(r, cond)                                                                    \
    do {                                                                                   \
        tu_checks++;                                                                       \
        if (!(cond)) {                                                                     \
            tu_failures++;                                                                 \
            fprintf(stderr, "%s:%d: [%s] CHECK failed: %s\n", __FILE__, __LINE__,          \
                    (r)->hc->name, #cond);                                                 \
        }                                                                                  \
    } while (0)

/* ------------------------------------------------------------ bytes */

static size_t get_be(const uint8_t *p, int w)
{
    size_t v = 0;
    for (int i = 0; i < w; i++)
        v = v << 8 | p[i];
    return v;
}

static void put_be(uint8_t *p, int w, size_t v)
{
    for (int i = w - 1; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static item *insert_item(flight *f, size_t pos, uint8_t ct, int epoch, const void *p, size_t n)
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

static void remove_item(flight *f, size_t pos)
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

static int is_hrr(const item *it)
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

static void post_write(run *r)
{
    CCHECK(r, clasp_conn_write(r->ep[r->hc->dir], (const uint8_t *)"ping", 4) == 4);
}

static void post_key_updates(run *r)
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
    if (fl >> 16)
        CHECK(clasp_config_set_groups(r->cfg[CLI], client_groups[fl >> 16]) == 0);
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

static void run_case(const hcase *hc)
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

/* ======================================================== mutations */

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

/* ---- framing of one message ---- */

/* Cuts `arg` bytes off the end of the body (0: half of it); the length is
 * fixed so the framing stays consistent. */
static int m_cut(run *r, flight *f)
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
static int m_cut_ch2(run *r, flight *f)
{
    return find_msg(f, CL_HS_CLIENT_HELLO) && r->n_client_hello >= 2 ? m_cut(r, f) : 0;
}

/* The length field says `arg` bytes more (or fewer) than the body has. */
static int m_len(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg);
    if (!it)
        return 0;
    put_be(it->p + 1, 3, get_be(it->p + 1, 3) + (size_t)(long)r->hc->arg);
    return 1;
}

/* One byte of trailing garbage, framed consistently. */
static int m_extend(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg);
    if (!it)
        return 0;
    splice(it, it->n, 0, "\x00", 1, NULL, 0);
    return 1;
}

static int m_drop(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg);
    if (!it)
        return 0;
    remove_item(f, IDX(f, it));
    return 1;
}

static int m_dup(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg);
    if (!it)
        return 0;
    size_t i = IDX(f, it);
    insert_item(f, i + 1, it->ct, it->epoch, it->p, it->n);
    return 1;
}

/* Moves message `msg` in front of message `arg`. */
static int m_move_before(run *r, flight *f)
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
static int m_flip_last(run *r, flight *f)
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
static int m_insert_before(run *r, flight *f)
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
static int m_stall_after(run *r, flight *f)
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

/* ---- hello fields ---- */

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

/* An extension of type `arg` (body: one zero byte, none for GREASE) added
 * last to message `msg`. */
static int m_add_ext(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg);
    int grease = (r->hc->arg & 0x0f0f) == 0x0a0a;
    if (it && r->hc->arg == CL_EXT_KEY_SHARE) /* a well-formed ServerHello key_share */
        return ext_add(it, 0, CL_EXT_KEY_SHARE, "\x00\x1d\x00\x01\x09", 5);
    return it && ext_add(it, 0, (uint16_t)r->hc->arg, "\x00", grease ? 0 : 1);
}

/* The same, twice. */
static int m_add_ext_twice(run *r, flight *f) { return m_add_ext(r, f) && m_add_ext(r, f); }

/* The same, as the first extension. */
static int m_add_ext_first(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg);
    int grease = (r->hc->arg & 0x0f0f) == 0x0a0a;
    return it && ext_add(it, 1, (uint16_t)r->hc->arg, "\x00", grease ? 0 : 1);
}

/* Extension `arg` of message `msg` appears twice in a row. */
static int m_dup_ext(run *r, flight *f)
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

/* ClientHello: extension `msg` disappears. */
static int m_ch_drop_ext(run *r, flight *f)
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
static int m_ch_prepend(run *r, flight *f)
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
static int m_ch_versions(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_CLIENT_HELLO);
    uint8_t body[3] = {2};
    put_be(body + 1, 2, (size_t)r->hc->arg);
    return it && ext_set_body(it, CL_EXT_SUPPORTED_VERSIONS, body, 3);
}

/* ClientHello: X25519, whose key share is sent, is renamed in
 * supported_groups to secp521r1. */
static int m_ch_unlist_group(run *r, flight *f)
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
static int m_ch_compression(run *r, flight *f)
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

static int m_ch_legacy_version(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_CLIENT_HELLO);
    if (!it)
        return 0;
    put_be(it->p + 4, 2, (size_t)r->hc->arg);
    return 1;
}

/* ClientHello: a well-formed pre_shared_key that is not the last extension. */
static int m_ch_psk_first(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_CLIENT_HELLO);
    uint8_t body[44] = {0, 7, 0, 1, 'a', 0, 0, 0, 0, 0, 33, 32};
    (void)r;
    return it && ext_add(it, 1, CL_EXT_PRE_SHARED_KEY, body, sizeof body);
}

/* ClientHello: the renegotiation_info is not empty (a first handshake). */
static int m_ch_reneg(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_CLIENT_HELLO);
    (void)r;
    return it && ext_set_body(it, CL_EXT_RENEGOTIATION_INFO, "\x02\xaa\xbb", 3);
}

/* The key share in a ClientHello or ServerHello becomes all zeros (an X25519
 * low-order point: the shared secret would be zero). */
static int m_zero_share(run *r, flight *f)
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
static int m_sh_group(run *r, flight *f) { return set_ext_u16(r, f, CL_EXT_KEY_SHARE); }
static int m_sh_version(run *r, flight *f) { return set_ext_u16(r, f, CL_EXT_SUPPORTED_VERSIONS); }

static int m_sh_legacy_version(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_SERVER_HELLO);
    if (!it)
        return 0;
    put_be(it->p + 4, 2, (size_t)r->hc->arg);
    return 1;
}

static int m_sh_suite(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_SERVER_HELLO);
    if (!it)
        return 0;
    put_be(it->p + 39 + it->p[38], 2, (size_t)r->hc->arg);
    return 1;
}

static int m_sh_compression(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_SERVER_HELLO);
    if (!it)
        return 0;
    it->p[41 + it->p[38]] = (uint8_t)r->hc->arg;
    return 1;
}

static int m_sh_session_id(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_SERVER_HELLO);
    (void)r;
    if (!it || it->p[38] == 0)
        return 0;
    it->p[39] ^= 0x80;
    return 1;
}

/* ---- later messages ---- */

/* TLS 1.3 Certificate: the first entry carries an extension (`arg`, empty). */
static int m_cert_entry_ext(run *r, flight *f)
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
static int m_chain(run *r, flight *f)
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
static int m_cert_at_limit(run *r, flight *f)
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

static int m_cv_scheme(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_CERTIFICATE_VERIFY);
    if (!it)
        return 0;
    put_be(it->p + 4, 2, (size_t)r->hc->arg);
    return 1;
}

/* TLS 1.2 ServerKeyExchange (ECDHE): byte `msg` of the parameters (0: curve
 * type, 1: named curve, 2: signature scheme) becomes `arg`. */
static int m_ske(run *r, flight *f)
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

/* TLS 1.2 ClientKeyExchange (ECDHE): the point becomes all zeros. */
static int m_cke_zero(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_CLIENT_KEY_EXCHANGE);
    (void)r;
    if (!it || it->n < 6)
        return 0;
    memset(it->p + 5, 0, it->n - 5);
    return 1;
}

/* ---- records ---- */

/* The first ChangeCipherSpec is sent again right after itself, in key
 * generation `arg` (-1: plaintext). */
static int m_dup_ccs(run *r, flight *f)
{
    item *it = find_ct(f, CL_CT_CHANGE_CIPHER_SPEC);
    if (!it)
        return 0;
    insert_item(f, IDX(f, it) + 1, CL_CT_CHANGE_CIPHER_SPEC, r->hc->arg, "\x01", 1);
    return 1;
}

/* The first ChangeCipherSpec's body becomes `arg` bytes of 0x01 (arg < 0:
 * one byte 0x02). */
static int m_ccs_body(run *r, flight *f)
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
static int m_move_ccs(run *r, flight *f)
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
static int m_record_before(run *r, flight *f)
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
static int m_empty_before(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg);
    if (!it)
        return 0;
    int epoch = r->hc->arg > 0xff ? -1 : it->epoch;
    insert_item(f, IDX(f, it), (uint8_t)r->hc->arg, epoch, "", 0)->own_record = 1;
    return 1;
}

/* Message `msg` split over two records with a plaintext ChangeCipherSpec between. */
static int m_split_ccs(run *r, flight *f)
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

/* Message `msg` sent in a record of exactly `arg` bytes of content (zero
 * filled), unsplit: over 2^14 when arg is. */
static int m_oversize(run *r, flight *f)
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
static int m_pad(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg);
    if (!it)
        return 0;
    it->pad = (size_t)r->hc->arg;
    it->own_record = 1;
    return 1;
}

/* ---- after the handshake: the data flight ("ping") ---- */

static item *data_item(flight *f) { return find_ct(f, CL_CT_APPLICATION_DATA); }

/* `arg` empty application-data records before the data. */
static int m_post_empty(run *r, flight *f)
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
static int m_post_warnings(run *r, flight *f)
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

/* A ChangeCipherSpec before the data: encrypted (arg 0) or in plaintext (arg -1). */
static int m_post_ccs(run *r, flight *f)
{
    item *d = data_item(f);
    if (!d)
        return 0;
    insert_item(f, IDX(f, d), CL_CT_CHANGE_CIPHER_SPEC, r->hc->arg < 0 ? -1 : d->epoch, "\x01", 1);
    return 1;
}

/* Handshake message bytes before the data, `arg` times: a KeyUpdate with
 * request_update 2 (msg 24), a truncated KeyUpdate (msg 25), a HelloRequest (msg 0). */
static int m_post_hs(run *r, flight *f)
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
static int m_post_zero_inner(run *r, flight *f)
{
    item *d = data_item(f);
    if (!d)
        return 0;
    item *z = insert_item(f, IDX(f, d), 0, d->epoch, "", 0);
    z->pad = (size_t)r->hc->arg;
    return 1;
}

/* The data record carries `arg` bytes (unsplit), or (msg != 0) `arg`
 * bytes of TLS 1.3 padding after its 4 bytes. */
static int m_post_big(run *r, flight *f)
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

/* ---- trust: record layer ---- */

/* Message `msg` split over two records of its key generation, with a
 * record of content type `arg` between them (an alert: a warning
 * user_canceled; application data: one byte; arg + 0x100: plaintext). */
static int m_split_record(run *r, flight *f)
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

/* A record of (TLS 1.3 inner) content type `arg` before the data: one
 * byte, or empty when msg is 1. */
static int m_post_inner_type(run *r, flight *f)
{
    item *d = data_item(f);
    if (!d)
        return 0;
    insert_item(f, IDX(f, d), (uint8_t)r->hc->arg, d->epoch, "x", r->hc->msg == 1 ? 0 : 1)->own_record = 1;
    return 1;
}

/* `arg` warning alerts (description `msg`), a copy of the data, `arg` more
 * warnings, then the data: two runs, each within the bound. */
static int m_post_warnings_twice(run *r, flight *f)
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

/* 0-RTT records the server cannot open, `arg` bytes of application data
 * by its count (the body less tag and content type), right behind the
 * first ClientHello, as a client resuming with early data sends them. */
static int m_early_records(run *r, flight *f)
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

/* The second ClientHello (after a HelloRetryRequest) offers early_data. */
static int m_ch2_early_data(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_CLIENT_HELLO);
    return it && r->n_client_hello >= 2 && ext_add(it, 0, CL_EXT_EARLY_DATA, "", 0);
}

/* The sender updates its keys once, then writes "ping". */
static void post_one_key_update(run *r)
{
    CCHECK(r, clasp_conn_key_update(r->ep[r->hc->dir], 0) == CLASP_OK);
    post_write(r);
}

/* ---- trust: client-side checks (versions, extensions, sentinels,
 * contexts, point formats) ---- */

/* Extension `arg` disappears from message `msg`. */
static int m_drop_ext(run *r, flight *f)
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
static int m_add_ext_body(run *r, flight *f)
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

/* TLS 1.3 CertificateRequest or Certificate: a one-byte request context. */
static int m_context(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg);
    if (!it || it->n < 5 || it->p[4] != 0)
        return 0;
    splice(it, 4, 1, "\x01\x2a", 2, NULL, 0);
    return 1;
}

/* ServerHello: the random ends with "DOWNGRD" and byte `arg`; msg != 0
 * also sets legacy_version to msg. */
static int m_sentinel(run *r, flight *f)
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
static int m_expect_sentinel(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_SERVER_HELLO);
    (void)r;
    return it && !memcmp(it->p + 6 + 24, "DOWNGRD\x01", 8);
}

/* Message `msg`'s ec_point_formats lists only ansiX962_compressed_prime. */
static int m_point_formats(run *r, flight *f)
{
    item *it = find_msg(f, r->hc->msg);
    return it && ext_set_body(it, CL_EXT_EC_POINT_FORMATS, "\x01\x01", 2);
}

/* ClientHello: psk_key_exchange_modes gone, a well-formed pre_shared_key last. */
static int m_ch_psk_no_modes(run *r, flight *f)
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

/* ---- trust: negotiation lists, key exchange groups, server names ---- */

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

static int m_ch_long_list(run *r, flight *f)
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
static int m_ch_sigalgs_filler_only(run *r, flight *f)
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
static int m_ch_many_shares(run *r, flight *f)
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

/* Changes nothing: checks the CertificateRequest carries more than `arg`
 * signature schemes (CRFILL made it so). */
static int m_cr_is_long(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_CERTIFICATE_REQUEST);
    return it && it->n > 2 * (size_t)r->hc->arg;
}

/* The sender's key share, in a ClientHello or ServerHello (its first entry)
 * or a TLS 1.2 ClientKeyExchange (msg), becomes: arg 0 all zeros, 1 its
 * last byte flipped (off the curve), 2 the number 1, 3 all ones, 4 the
 * number 1 little-endian (the u-coordinate 1 of X448). */
static int m_share_value(run *r, flight *f)
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
    default: memset(it->p + k, 0xff, klen); break;
    }
    return 1;
}

/* Extension `arg` (a 2-byte cookie of zeros for the cookie) is added to the
 * second ClientHello only. */
static int m_ch2_add_ext(run *r, flight *f)
{
    item *it = find_msg(f, CL_HS_CLIENT_HELLO);
    if (!it || r->n_client_hello < 2)
        return 0;
    return ext_add(it, 0, (uint16_t)r->hc->arg, "\x00\x02\x00\x00", 4);
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
static int m_ch_sni(run *r, flight *f)
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

/* Changes nothing: the ClientHello went through the proxy. */
static int m_observe_ch(run *r, flight *f)
{
    (void)r;
    return find_msg(f, CL_HS_CLIENT_HELLO) != NULL;
}

/* ============================================================ cases */

#define PROTO CLASP_E_PROTOCOL
#define NEGO CLASP_E_NEGOTIATION
#define CERT CLASP_E_CERTIFICATE
/* The expected outcome ends each line. */
#define ALERT(a, k, t) EXP_ALERT, a, k, t, NULL
#define STALL EXP_STALL, -1, CLASP_E_NONE, "", NULL
#define OK EXP_OK, -1, CLASP_E_NONE, "", NULL
#define OK_AFTER(post) EXP_OK, -1, CLASP_E_NONE, "", post
#define OK_GROUP(g) EXP_OK, -1, CLASP_E_NONE, g, NULL
#define OK_SNI(n) EXP_OK, -1, CLASP_E_NONE, "sni=" n, NULL
#define ALERT_AFTER(a, k, t, post) EXP_ALERT, a, k, t, post

#define SH CL_HS_SERVER_HELLO
#define CH CL_HS_CLIENT_HELLO
#define EE CL_HS_ENCRYPTED_EXTENSIONS
#define CRT CL_HS_CERTIFICATE
#define CR CL_HS_CERTIFICATE_REQUEST
#define CV CL_HS_CERTIFICATE_VERIFY
#define FIN CL_HS_FINISHED
#define NST CL_HS_NEW_SESSION_TICKET
#define SKE CL_HS_SERVER_KEY_EXCHANGE
#define SHD CL_HS_SERVER_HELLO_DONE
#define CKE CL_HS_CLIENT_KEY_EXCHANGE

/* Alerts (RFC 8446 6.2). */
#define A_UNEXPECTED 10
#define A_BAD_MAC 20
#define A_OVERFLOW 22
#define A_HANDSHAKE 40
#define A_BAD_CERT 42
#define A_ILLEGAL 47
#define A_DECODE 50
#define A_DECRYPT 51
#define A_VERSION 70
#define A_FALLBACK 86
#define A_MISSING 109
#define A_UNSUPPORTED_EXT 110

#define DECODE(what) ALERT(A_DECODE, PROTO, "malformed " what)
#define UNSOLICITED(t) ALERT(A_UNSUPPORTED_EXT, PROTO, t)
#define UNEXPECTED(t) ALERT(A_UNEXPECTED, PROTO, t)
#define ILLEGAL(t) ALERT(A_ILLEGAL, PROTO, t)

static const hcase cases[] = {
    /* ---- TLS 1.3, clasp as client: every server message cut short, its
     * length too long / too short, and trailing bytes. */
    {"1.3 client: ServerHello cut by 1", 0, S2C, HS, m_cut, SH, 1, DECODE("ServerHello")},
    {"1.3 client: ServerHello cut in half", 0, S2C, HS, m_cut, SH, 0, DECODE("ServerHello")},
    {"1.3 client: ServerHello length +1", 0, S2C, HS, m_len, SH, 1, UNEXPECTED("ChangeCipherSpec record in the middle of a handshake message")},
    {"1.3 client: ServerHello length -1", 0, S2C, HS, m_len, SH, -1, DECODE("ServerHello")},
    {"1.3 client: ServerHello trailing byte", 0, S2C, HS, m_extend, SH, 0, DECODE("ServerHello")},
    {"1.3 client: HelloRetryRequest cut by 1", HRRSET, S2C, HS, m_cut, HRR, 1, DECODE("ServerHello")},
    {"1.3 client: HelloRetryRequest cut in half", HRRSET, S2C, HS, m_cut, HRR, 0, DECODE("ServerHello")},
    {"1.3 client: HelloRetryRequest length -1", HRRSET, S2C, HS, m_len, HRR, -1, DECODE("ServerHello")},
    {"1.3 client: EncryptedExtensions cut by 1", 0, S2C, HS, m_cut, EE, 1, DECODE("EncryptedExtensions")},
    {"1.3 client: EncryptedExtensions cut to nothing", 0, S2C, HS, m_cut, EE, 0, DECODE("EncryptedExtensions")},
    {"1.3 client: EncryptedExtensions length +1", 0, S2C, HS, m_len, EE, 1, DECODE("EncryptedExtensions")},
    {"1.3 client: EncryptedExtensions length -1", 0, S2C, HS, m_len, EE, -1, DECODE("EncryptedExtensions")},
    {"1.3 client: CertificateRequest cut by 1", CAUTH, S2C, HS, m_cut, CR, 1, DECODE("CertificateRequest")},
    {"1.3 client: CertificateRequest cut in half", CAUTH, S2C, HS, m_cut, CR, 0, DECODE("CertificateRequest")},
    {"1.3 client: CertificateRequest length -1", CAUTH, S2C, HS, m_len, CR, -1, DECODE("CertificateRequest")},
    {"1.3 client: Certificate cut by 1", 0, S2C, HS, m_cut, CRT, 1, DECODE("Certificate message")},
    {"1.3 client: Certificate cut in half", 0, S2C, HS, m_cut, CRT, 0, DECODE("Certificate message")},
    {"1.3 client: Certificate length +1", 0, S2C, HS, m_len, CRT, 1, DECODE("Certificate message")},
    {"1.3 client: Certificate length -1", 0, S2C, HS, m_len, CRT, -1, DECODE("Certificate message")},
    {"1.3 client: CertificateVerify cut by 1", 0, S2C, HS, m_cut, CV, 1, DECODE("CertificateVerify")},
    {"1.3 client: CertificateVerify cut in half", 0, S2C, HS, m_cut, CV, 0, DECODE("CertificateVerify")},
    {"1.3 client: CertificateVerify length +1", 0, S2C, HS, m_len, CV, 1, DECODE("CertificateVerify")},
    {"1.3 client: CertificateVerify length -1", 0, S2C, HS, m_len, CV, -1, DECODE("CertificateVerify")},
    {"1.3 client: Finished cut by 1", 0, S2C, HS, m_cut, FIN, 1, DECODE("Finished")},
    {"1.3 client: Finished cut in half", 0, S2C, HS, m_cut, FIN, 0, DECODE("Finished")},
    {"1.3 client: Finished length +1 (waits)", 0, S2C, HS, m_len, FIN, 1, STALL},
    {"1.3 client: Finished length -1", 0, S2C, HS, m_len, FIN, -1, DECODE("Finished")},
    {"1.3 client: Finished trailing byte", 0, S2C, HS, m_extend, FIN, 0, DECODE("Finished")},
    {"1.3 client: NewSessionTicket cut by 1", 0, S2C, HS, m_cut, NST, 1, DECODE("NewSessionTicket")},
    {"1.3 client: NewSessionTicket cut in half", 0, S2C, HS, m_cut, NST, 0, DECODE("NewSessionTicket")},
    {"1.3 client: NewSessionTicket length -1", 0, S2C, HS, m_len, NST, -1, DECODE("NewSessionTicket")},
    {"1.3 client: NewSessionTicket trailing byte", 0, S2C, HS, m_extend, NST, 0, DECODE("NewSessionTicket")},

    /* ---- TLS 1.3, clasp as server: every client message. */
    {"1.3 server: ClientHello cut by 1", 0, C2S, HS, m_cut, CH, 1, DECODE("ClientHello")},
    {"1.3 server: ClientHello cut in half", 0, C2S, HS, m_cut, CH, 0, DECODE("ClientHello")},
    {"1.3 server: ClientHello length +1 (waits)", 0, C2S, HS, m_len, CH, 1, STALL},
    {"1.3 server: ClientHello length -1", 0, C2S, HS, m_len, CH, -1, DECODE("ClientHello")},
    {"1.3 server: ClientHello trailing byte", 0, C2S, HS, m_extend, CH, 0, DECODE("ClientHello")},
    {"1.3 server: second ClientHello cut by 1", HRRSET, C2S, HS, m_cut_ch2, CH, 1, DECODE("ClientHello")},
    {"1.3 server: client Certificate cut by 1", CAUTH, C2S, HS, m_cut, CRT, 1, DECODE("Certificate message")},
    {"1.3 server: client Certificate cut in half", CAUTH, C2S, HS, m_cut, CRT, 0, DECODE("Certificate message")},
    {"1.3 server: client Certificate length -1", CAUTH, C2S, HS, m_len, CRT, -1, DECODE("Certificate message")},
    {"1.3 server: client CertificateVerify cut by 1", CAUTH, C2S, HS, m_cut, CV, 1, DECODE("CertificateVerify")},
    {"1.3 server: client CertificateVerify length +1", CAUTH, C2S, HS, m_len, CV, 1, DECODE("CertificateVerify")},
    {"1.3 server: client Finished cut by 1", 0, C2S, HS, m_cut, FIN, 1, DECODE("Finished")},
    {"1.3 server: client Finished cut to nothing", 0, C2S, HS, m_cut, FIN, 32, DECODE("Finished")},
    {"1.3 server: client Finished length +1 (waits)", 0, C2S, HS, m_len, FIN, 1, STALL},
    {"1.3 server: client Finished length -1", 0, C2S, HS, m_len, FIN, -1, DECODE("Finished")},
    {"1.3 server: KeyUpdate cut to nothing", 0, C2S, POST, m_post_hs, 25, 1, DECODE("KeyUpdate")},

    /* ---- TLS 1.2, clasp as client. */
    {"1.2 client: ServerHello cut by 1", V12, S2C, HS, m_cut, SH, 1, DECODE("ServerHello")},
    {"1.2 client: ServerHello cut in half", V12, S2C, HS, m_cut, SH, 0, DECODE("ServerHello")},
    {"1.2 client: ServerHello length -1", V12, S2C, HS, m_len, SH, -1, DECODE("ServerHello")},
    {"1.2 client: ServerHello length +1", V12, S2C, HS, m_len, SH, 1, DECODE("ServerHello")},
    {"1.2 client: Certificate cut by 1", V12, S2C, HS, m_cut, CRT, 1, DECODE("Certificate message")},
    {"1.2 client: Certificate cut in half", V12, S2C, HS, m_cut, CRT, 0, DECODE("Certificate message")},
    {"1.2 client: Certificate length +1", V12, S2C, HS, m_len, CRT, 1, DECODE("Certificate message")},
    {"1.2 client: ServerKeyExchange cut by 1", V12, S2C, HS, m_cut, SKE, 1, DECODE("ServerKeyExchange")},
    {"1.2 client: ServerKeyExchange cut in half", V12, S2C, HS, m_cut, SKE, 0, DECODE("ServerKeyExchange")},
    {"1.2 client: ServerKeyExchange length -1", V12, S2C, HS, m_len, SKE, -1, DECODE("ServerKeyExchange")},
    {"1.2 client: CertificateRequest cut by 1", V12 | CAUTH, S2C, HS, m_cut, CR, 1, DECODE("CertificateRequest")},
    {"1.2 client: CertificateRequest cut in half", V12 | CAUTH, S2C, HS, m_cut, CR, 0, DECODE("CertificateRequest")},
    {"1.2 client: ServerHelloDone with a body", V12, S2C, HS, m_extend, SHD, 0, DECODE("ServerHelloDone")},
    {"1.2 client: ServerHelloDone length +1 (waits)", V12, S2C, HS, m_len, SHD, 1, STALL},
    {"1.2 client: NewSessionTicket cut by 1", V12, S2C, HS, m_cut, NST, 1, DECODE("NewSessionTicket")},
    {"1.2 client: NewSessionTicket cut in half", V12, S2C, HS, m_cut, NST, 0, DECODE("NewSessionTicket")},
    {"1.2 client: Finished cut by 1", V12, S2C, HS, m_cut, FIN, 1, DECODE("Finished")},
    {"1.2 client: Finished cut in half", V12, S2C, HS, m_cut, FIN, 0, DECODE("Finished")},
    {"1.2 client: Finished length -1", V12, S2C, HS, m_len, FIN, -1, DECODE("Finished")},
    {"1.2 client: Finished length +1 (waits)", V12, S2C, HS, m_len, FIN, 1, STALL},

    /* ---- TLS 1.2, clasp as server. */
    {"1.2 server: ClientHello cut by 1", PURE12, C2S, HS, m_cut, CH, 1, DECODE("ClientHello")},
    {"1.2 server: ClientHello cut in half", PURE12, C2S, HS, m_cut, CH, 0, DECODE("ClientHello")},
    {"1.2 server: ClientHello length -1", PURE12, C2S, HS, m_len, CH, -1, DECODE("ClientHello")},
    {"1.2 server: ClientHello length +1 (waits)", PURE12, C2S, HS, m_len, CH, 1, STALL},
    {"1.2 server: client Certificate cut by 1", V12 | CAUTH, C2S, HS, m_cut, CRT, 1, DECODE("Certificate message")},
    {"1.2 server: ClientKeyExchange cut by 1", V12, C2S, HS, m_cut, CKE, 1, DECODE("ClientKeyExchange")},
    {"1.2 server: ClientKeyExchange cut in half", V12, C2S, HS, m_cut, CKE, 0, DECODE("ClientKeyExchange")},
    {"1.2 server: ClientKeyExchange length +1", V12, C2S, HS, m_len, CKE, 1, UNEXPECTED("in the middle of a handshake message")},
    {"1.2 server: RSA ClientKeyExchange cut by 1", RSAKX, C2S, HS, m_cut, CKE, 1, DECODE("ClientKeyExchange")},
    {"1.2 server: client CertificateVerify cut by 1", V12 | CAUTH, C2S, HS, m_cut, CV, 1, DECODE("CertificateVerify")},
    {"1.2 server: client Finished cut by 1", V12, C2S, HS, m_cut, FIN, 1, DECODE("Finished")},
    {"1.2 server: client Finished length -1", V12, C2S, HS, m_len, FIN, -1, DECODE("Finished")},

    /* ---- Extensions: duplicates, unknown and GREASE values. A server
     * ignores what it does not know (RFC 8446 4.1.2, RFC 8701 3.2); a client
     * refuses what it did not offer (RFC 8446 4.2, RFC 8701 3.1). */
    {"1.3 server: ClientHello unknown extension", IN_CLIENT, C2S, HS, m_add_ext, CH, 0x1234, OK},
    {"1.3 server: ClientHello GREASE extension first", IN_CLIENT, C2S, HS, m_add_ext_first, CH, 0x0a0a, OK},
    {"1.3 server: ClientHello GREASE extension last", IN_CLIENT, C2S, HS, m_add_ext, CH, 0xfafa, OK},
    {"1.3 server: ClientHello GREASE cipher suite", IN_CLIENT, C2S, HS, m_ch_prepend, 0, 0x1a1a, OK},
    {"1.3 server: ClientHello GREASE group", IN_CLIENT, C2S, HS, m_ch_prepend, CL_EXT_SUPPORTED_GROUPS, 0x2a2a, OK},
    {"1.3 server: ClientHello GREASE key share", IN_CLIENT, C2S, HS, m_ch_prepend, CL_EXT_KEY_SHARE, 0x3a3a, OK},
    {"1.3 server: ClientHello GREASE version", IN_CLIENT, C2S, HS, m_ch_prepend, CL_EXT_SUPPORTED_VERSIONS, 0x4a4a, OK},
    {"1.3 server: ClientHello GREASE signature algorithm", IN_CLIENT, C2S, HS, m_ch_prepend, CL_EXT_SIGNATURE_ALGORITHMS, 0x5a5a, OK},
    {"1.3 server: ClientHello GREASE ALPN protocol", IN_CLIENT | ALPN, C2S, HS, m_ch_prepend, CL_EXT_ALPN, 0x6a6a, OK},
    {"1.3 server: ClientHello GREASE PSK mode", IN_CLIENT, C2S, HS, m_ch_prepend, CL_EXT_PSK_KEY_EXCHANGE_MODES, 0x0b, OK},
    {"1.3 server: ClientHello GREASE group after HRR", IN_CLIENT | HRRSET, C2S, HS, m_ch_prepend, CL_EXT_SUPPORTED_GROUPS, 0x2a2a, OK},
    {"1.2 server: ClientHello unknown extension", IN_CLIENT | PURE12, C2S, HS, m_add_ext, CH, 0x1234, OK},
    {"1.2 server: ClientHello GREASE extension", IN_CLIENT | PURE12, C2S, HS, m_add_ext_first, CH, 0x0a0a, OK},
    {"1.2 server: ClientHello GREASE cipher suite", IN_CLIENT | PURE12, C2S, HS, m_ch_prepend, 0, 0x1a1a, OK},
    {"1.2 server: ClientHello GREASE group", IN_CLIENT | PURE12, C2S, HS, m_ch_prepend, CL_EXT_SUPPORTED_GROUPS, 0x2a2a, OK},
    {"1.2 server: ClientHello GREASE signature algorithm", IN_CLIENT | PURE12, C2S, HS, m_ch_prepend, CL_EXT_SIGNATURE_ALGORITHMS, 0x5a5a, OK},
    {"1.2 server: 1.3 ClientHello with GREASE to a 1.2 server", IN_CLIENT | V12, C2S, HS, m_ch_prepend, CL_EXT_SUPPORTED_VERSIONS, 0x4a4a, OK},
    {"1.2 server: ClientHello extra compression method", IN_CLIENT | PURE12, C2S, HS, m_ch_compression, 2, 0x0100, OK},
    {"1.3 server: ClientHello extension twice", 0, C2S, HS, m_dup_ext, CH, CL_EXT_SUPPORTED_GROUPS, ILLEGAL("extension 10 twice")},
    {"1.3 server: ClientHello psk_key_exchange_modes twice", 0, C2S, HS, m_dup_ext, CH, CL_EXT_PSK_KEY_EXCHANGE_MODES, ILLEGAL("extension 45 twice")},
    {"1.3 server: ClientHello unknown extension twice", 0, C2S, HS, m_add_ext_twice, CH, 0x1234, ILLEGAL("extension 4660 twice")},
    {"1.2 server: ClientHello extension twice", PURE12, C2S, HS, m_dup_ext, CH, CL_EXT_EXTENDED_MASTER_SECRET, ILLEGAL("extension 23 twice")},
    {"1.3 client: ServerHello extension twice", 0, S2C, HS, m_dup_ext, SH, CL_EXT_SUPPORTED_VERSIONS, ILLEGAL("extension 43 twice")},
    {"1.3 client: ServerHello unknown extension", 0, S2C, HS, m_add_ext, SH, 0x1234, ALERT(A_UNSUPPORTED_EXT, PROTO, "extension 4660 in its ServerHello")},
    {"1.3 client: ServerHello GREASE extension", 0, S2C, HS, m_add_ext, SH, 0x0a0a, ALERT(A_UNSUPPORTED_EXT, PROTO, "extension 2570 in its ServerHello")},
    {"1.3 client: HelloRetryRequest GREASE extension", HRRSET, S2C, HS, m_add_ext, HRR, 0x1a1a, ALERT(A_UNSUPPORTED_EXT, PROTO, "HelloRetryRequest")},
    {"1.3 client: EncryptedExtensions extension twice", 0, S2C, HS, m_dup_ext, EE, CL_EXT_SUPPORTED_GROUPS, ILLEGAL("extension 10 twice in EncryptedExtensions")},
    {"1.3 client: EncryptedExtensions ALPN twice", ALPN, S2C, HS, m_dup_ext, EE, CL_EXT_ALPN, ILLEGAL("extension 16 twice")},
    {"1.3 client: EncryptedExtensions unknown extension", 0, S2C, HS, m_add_ext, EE, 0x1234, ALERT(A_UNSUPPORTED_EXT, PROTO, "extension 4660")},
    {"1.3 client: EncryptedExtensions GREASE extension", 0, S2C, HS, m_add_ext_first, EE, 0x2a2a, ALERT(A_UNSUPPORTED_EXT, PROTO, "extension 10794")},
    {"1.3 client: EncryptedExtensions with key_share", 0, S2C, HS, m_add_ext, EE, CL_EXT_KEY_SHARE, ILLEGAL("not allowed")},
    {"1.3 client: Certificate entry GREASE extension", 0, S2C, HS, m_cert_entry_ext, 0, 0x3a3a, ALERT(A_UNSUPPORTED_EXT, PROTO, "certificate extensions")},
    {"1.2 client: ServerHello extension twice", V12, S2C, HS, m_dup_ext, SH, CL_EXT_EXTENDED_MASTER_SECRET, ILLEGAL("extension 23 twice")},
    {"1.2 client: ServerHello unknown extension", V12, S2C, HS, m_add_ext, SH, 0x1234, ALERT(A_UNSUPPORTED_EXT, PROTO, "extension 4660")},
    {"1.2 client: ServerHello GREASE extension", V12, S2C, HS, m_add_ext_first, SH, 0x4a4a, ALERT(A_UNSUPPORTED_EXT, PROTO, "extension 19018")},
    {"1.2 client: ServerHello with key_share", V12, S2C, HS, m_add_ext, SH, CL_EXT_KEY_SHARE, ILLEGAL("TLS 1.3 extensions")},

    /* ---- trust: client-side checks. A version that was not offered
     * (RFC 8446 4.1.3, 4.2.1, D.1). */
    {"1.3 client: 1.2 ServerHello to a client with only 1.3 suites", ONESUITE, S2C, HS, m_drop_ext, SH, CL_EXT_SUPPORTED_VERSIONS, ALERT(A_VERSION, NEGO, "offered only TLS 1.3 (no TLS 1.2 cipher suite")},
    {"1.2 client: supported_versions to a client offering only 1.2", PURE12 | SRV13, S2C, HS, m_add_ext_body, SH, CL_EXT_SUPPORTED_VERSIONS, UNSOLICITED("extension 43 (supported_versions) in its ServerHello, which this client did not offer")},
    {"1.2 client: legacy_version 0x0304 without supported_versions", V12, S2C, HS, m_sh_legacy_version, 0, 0x0304, ALERT(A_VERSION, NEGO, "version 0x0304 in legacy_version without supported_versions")},
    /* Answers to extensions the client never sent: unsupported_extension;
     * known ones in a message they do not belong to: illegal_parameter
     * (RFC 8446 4.2, RFC 5246 7.4.1.4). A NewSessionTicket may carry
     * extensions nobody asked for (RFC 8446 4.6.1). */
    {"1.3 client: ServerHello pre_shared_key not offered", 0, S2C, HS, m_add_ext_body, SH, CL_EXT_PRE_SHARED_KEY, UNSOLICITED("extension 41 (pre_shared_key) in its ServerHello")},
    {"1.3 client: HelloRetryRequest with ALPN", HRRSET | ALPN, S2C, HS, m_add_ext_body, HRR, CL_EXT_ALPN, ILLEGAL("extension 16 (ALPN) in a HelloRetryRequest, where it is not allowed")},
    {"1.3 client: EncryptedExtensions record_size_limit not offered", 0, S2C, HS, m_add_ext_body, EE, CL_EXT_RECORD_SIZE_LIMIT, UNSOLICITED("extension 28 (record_size_limit) in EncryptedExtensions, which this client did not offer")},
    {"1.3 client: EncryptedExtensions server_name without SNI", NOSNI, S2C, HS, m_add_ext_body, EE, CL_EXT_SERVER_NAME, UNSOLICITED("extension 0 (server_name) in EncryptedExtensions")},
    {"1.3 client: EncryptedExtensions ec_point_formats", 0, S2C, HS, m_add_ext_body, EE, CL_EXT_EC_POINT_FORMATS, ILLEGAL("extension 11 (ec_point_formats) in EncryptedExtensions, where it is not allowed")},
    {"1.3 client: CertificateRequest with key_share", CAUTH, S2C, HS, m_add_ext_body, CR, CL_EXT_KEY_SHARE, ILLEGAL("extension 51 (key_share) in its CertificateRequest")},
    {"1.3 client: NewSessionTicket GREASE extension", 0, S2C, HS, m_add_ext_body, NST, 0x5a5a, OK},
    {"1.3 client: NewSessionTicket with key_share", 0, S2C, HS, m_add_ext_body, NST, CL_EXT_KEY_SHARE, ILLEGAL("extension 51 (key_share) in a NewSessionTicket")},
    {"1.2 client: ServerHello server_name without SNI", V12 | NOSNI, S2C, HS, m_add_ext_body, SH, CL_EXT_SERVER_NAME, UNSOLICITED("extension 0 (server_name) in its ServerHello")},
    /* The downgrade sentinels (RFC 8446 4.1.3): both, when TLS 1.3 was
     * offered; none when it was not (a TLS 1.3 server marks every TLS 1.2
     * ServerHello). */
    {"1.2 client: TLS 1.2 suites only, 1.3 server's sentinel", V12 | SRV13 | ONESUITE, S2C, HS, m_expect_sentinel, 0, 0, OK},
    {"1.2 client: DOWNGRD 01 in a TLS 1.2 ServerHello", V12, S2C, HS, m_sentinel, 0, 1, ILLEGAL("downgrade attack detected: the server supports TLS 1.3")},
    {"1.2 client: DOWNGRD 00 in a TLS 1.2 ServerHello", V12, S2C, HS, m_sentinel, 0, 0, ILLEGAL("downgrade attack detected: the server supports TLS 1.2 or newer")},
    {"1.2 client: DOWNGRD 00 in a TLS 1.1 ServerHello", V12, S2C, HS, m_sentinel, 0x0302, 0, ILLEGAL("selects version 0x0302")},
    {"1.2 client offering only 1.2: DOWNGRD 00 in TLS 1.1", PURE12, S2C, HS, m_sentinel, 0x0302, 0, ILLEGAL("downgrade attack detected")},
    /* RFC 8446 4.2.9: a PSK offer without psk_key_exchange_modes. */
    {"1.3 server: pre_shared_key without psk_key_exchange_modes", 0, C2S, HS, m_ch_psk_no_modes, 0, 0, ALERT(A_MISSING, PROTO, "pre_shared_key without psk_key_exchange_modes")},
    /* RFC 8446 4.3.2, 4.4.2: certificate_request_context is empty in the
     * handshake. */
    {"1.3 client: CertificateRequest with a context", CAUTH, S2C, HS, m_context, CR, 0, ILLEGAL("has a 1-byte certificate_request_context")},
    {"1.3 client: server Certificate with a context", 0, S2C, HS, m_context, CRT, 0, ILLEGAL("server's Certificate has the wrong request context")},
    {"1.3 server: client Certificate with a context", CAUTH, C2S, HS, m_context, CRT, 0, ILLEGAL("client's Certificate has the wrong request context")},
    /* RFC 8422 5.1.2, 5.2: ec_point_formats must include uncompressed;
     * TLS 1.3 ignores the extension. */
    {"1.2 client: ServerHello ec_point_formats without uncompressed", V12, S2C, HS, m_point_formats, SH, 0, ILLEGAL("does not accept uncompressed points")},
    {"1.2 server: ClientHello ec_point_formats without uncompressed", PURE12, C2S, HS, m_point_formats, CH, 0, ILLEGAL("ec_point_formats does not include uncompressed")},
    {"1.3 server: ClientHello ec_point_formats without uncompressed", IN_CLIENT, C2S, HS, m_point_formats, CH, 0, OK},

    /* ---- Illegal parameters. */
    {"1.3 client: ServerHello group offered but not shared", 0, S2C, HS, m_sh_group, SH, CR_GROUP_SECP256R1, ILLEGAL("key share for secp256r1 (0x0017), but we sent x25519")},
    {"1.3 client: ServerHello group never offered", 0, S2C, HS, m_sh_group, SH, 0x001f, ILLEGAL("key share for unknown (0x001f), but we sent x25519")},
    {"1.3 client: ServerHello GREASE group", 0, S2C, HS, m_sh_group, SH, 0x0a0a, ILLEGAL("(0x0a0a), but we sent x25519")},
    {"1.3 client: ServerHello zero key share", 0, S2C, HS, m_zero_share, SH, 0, ILLEGAL("x25519 key share is invalid")},
    {"1.3 client: ServerHello suite not offered", ONESUITE, S2C, HS, m_sh_suite, 0, 0x1302, ILLEGAL("cipher suite 0x1302, which this client did not offer")},
    {"1.3 client: ServerHello GREASE suite", 0, S2C, HS, m_sh_suite, 0, 0x0a0a, ILLEGAL("cipher suite 0x0a0a")},
    {"1.3 client: ServerHello TLS 1.2 suite", 0, S2C, HS, m_sh_suite, 0, 0xc02b, ILLEGAL("cipher suite 0xc02b")},
    {"1.3 client: ServerHello version not offered", 0, S2C, HS, m_sh_version, SH, 0x0305, ILLEGAL("version 0x0305")},
    {"1.3 client: ServerHello GREASE version", 0, S2C, HS, m_sh_version, SH, 0x7a7a, ILLEGAL("version 0x7a7a")},
    {"1.3 client: ServerHello supported_versions TLS 1.2", 0, S2C, HS, m_sh_version, SH, 0x0303, ILLEGAL("version 0x0303")},
    /* RFC 8446 4.2.1: with supported_versions the client MUST ignore
     * legacy_version, so the change shows only as different keys. */
    {"1.3 client: ServerHello legacy_version 0x0301", 0, S2C, HS, m_sh_legacy_version, 0, 0x0301, ALERT(A_BAD_MAC, PROTO, "failed authentication")},
    {"1.3 client: ServerHello legacy_version 0x0304", 0, S2C, HS, m_sh_legacy_version, 0, 0x0304, ALERT(A_BAD_MAC, PROTO, "failed authentication")},
    /* RFC 8446 D.5: SSL 3.0 in legacy_version is refused outright. */
    {"1.3 client: ServerHello legacy_version SSL 3.0", 0, S2C, HS, m_sh_legacy_version, 0, 0x0300, ALERT(A_VERSION, NEGO, "SSL 3.0")},
    {"1.3 client: ServerHello compression 1", 0, S2C, HS, m_sh_compression, 0, 1, ILLEGAL("compression method 1")},
    {"1.3 client: ServerHello session id not echoed", 0, S2C, HS, m_sh_session_id, 0, 0, ILLEGAL("does not echo our legacy session id")},
    {"1.3 client: HRR group not offered", HRRSET, S2C, HS, m_sh_group, HRR, CR_GROUP_SECP521R1, ILLEGAL("not one we offered")},
    {"1.3 client: HRR group already sent", HRRSET, S2C, HS, m_sh_group, HRR, CR_GROUP_X25519, ILLEGAL("the one we already sent")},
    {"1.3 client: CertificateVerify scheme not offered", 0, S2C, HS, m_cv_scheme, 0, 0x0401, ILLEGAL("rsa_pkcs1_sha256")},
    {"1.3 client: CertificateVerify GREASE scheme", 0, S2C, HS, m_cv_scheme, 0, 0x0a0a, ILLEGAL("0x0a0a")},
    {"1.3 client: Finished altered", 0, S2C, HS, m_flip_last, FIN, 0, ALERT(A_DECRYPT, PROTO, "server's Finished does not match")},
    {"1.3 server: key share for an unlisted group", 0, C2S, HS, m_ch_unlist_group, 0, 0, ILLEGAL("group it does not list")},
    {"1.3 server: ClientHello zero key share", 0, C2S, HS, m_zero_share, CH, 0, ILLEGAL("x25519 key share is invalid")},
    {"1.3 server: ClientHello compression {0,1}", 0, C2S, HS, m_ch_compression, 2, 0x0001, ILLEGAL("compression")},
    {"1.3 server: ClientHello legacy_version SSL 3.0", 0, C2S, HS, m_ch_legacy_version, 0, 0x0300, ALERT(A_VERSION, NEGO, "SSL 3.0")},
    {"1.3 server: ClientHello versions all unknown", 0, C2S, HS, m_ch_versions, 0, 0x7a7a, ALERT(A_VERSION, NEGO, "0x7a7a")},
    {"1.3 server: ClientHello pre_shared_key not last", 0, C2S, HS, m_ch_psk_first, 0, 0, ILLEGAL("not the last")},
    {"1.3 server: ClientHello without signature_algorithms", 0, C2S, HS, m_ch_drop_ext, CL_EXT_SIGNATURE_ALGORITHMS, 0, ALERT(A_MISSING, PROTO, "signature_algorithms")},
    {"1.3 server: ClientHello without key_share", 0, C2S, HS, m_ch_drop_ext, CL_EXT_KEY_SHARE, 0, ALERT(A_MISSING, PROTO, "no key_share")},
    {"1.3 server: client Finished altered", 0, C2S, HS, m_flip_last, FIN, 0, ALERT(A_DECRYPT, PROTO, "client's Finished does not match")},
    {"1.2 client: ServerHello suite not offered", V12 | ONESUITE, S2C, HS, m_sh_suite, 0, 0xc02c, ILLEGAL("cipher suite 0xc02c for TLS 1.2")},
    {"1.2 client: ServerHello GREASE suite", V12, S2C, HS, m_sh_suite, 0, 0x0a0a, ILLEGAL("cipher suite 0x0a0a")},
    {"1.2 client: ServerHello TLS 1.3 suite", V12, S2C, HS, m_sh_suite, 0, 0x1301, ILLEGAL("cipher suite 0x1301")},
    {"1.2 client: ServerHello version TLS 1.1", V12, S2C, HS, m_sh_legacy_version, 0, 0x0302, ALERT(A_VERSION, NEGO, "obsolete")},
    {"1.2 client: ServerHello version SSL 3.0", V12, S2C, HS, m_sh_legacy_version, 0, 0x0300, ALERT(A_VERSION, NEGO, "0x0300")},
    {"1.2 client: ServerHello compression 1", V12, S2C, HS, m_sh_compression, 0, 1, ILLEGAL("compression method 1")},
    {"1.2 client: ServerKeyExchange curve not offered", V12 | ECRSA | ONEGROUP, S2C, HS, m_ske, 1, CR_GROUP_SECP384R1, ILLEGAL("curve 0x0018")},
    {"1.2 client: ServerKeyExchange GREASE curve", V12, S2C, HS, m_ske, 1, 0x0a0a, ILLEGAL("curve 0x0a0a")},
    {"1.2 client: ServerKeyExchange explicit curve", V12, S2C, HS, m_ske, 0, 1, ILLEGAL("(type 1)")},
    {"1.2 client: ServerKeyExchange GREASE signature", V12, S2C, HS, m_ske, 2, 0x0a0a, ILLEGAL("0x0a0a")},
    {"1.2 server: ClientHello without null compression", PURE12, C2S, HS, m_ch_compression, 1, 1, ILLEGAL("null compression")},
    {"1.2 server: ClientHello legacy_version SSL 3.0", V12, C2S, HS, m_ch_legacy_version, 0, 0x0300, ALERT(A_VERSION, NEGO, "SSL 3.0")},
    {"1.2 server: fallback SCSV to a 1.3 server", PURE12 | SRV13, C2S, HS, m_ch_prepend, 0, 0x5600, ALERT(A_FALLBACK, NEGO, "TLS_FALLBACK_SCSV")},
    {"1.2 server: renegotiation_info not empty", PURE12, C2S, HS, m_ch_reneg, 0, 0, ALERT(A_HANDSHAKE, PROTO, "renegotiation_info is not empty")},
    {"1.2 server: ClientKeyExchange zero point", V12, C2S, HS, m_cke_zero, 0, 0, ILLEGAL("key share is invalid")},
    {"1.2 server: client Finished altered", V12, C2S, HS, m_flip_last, FIN, 0, ALERT(A_DECRYPT, PROTO, "client's Finished does not match")},

    /* ---- Messages out of order. */
    {"1.3 client: Finished before Certificate", 0, S2C, HS, m_move_before, FIN, CRT, UNEXPECTED("Finished (type 20) where Certificate or CertificateRequest was expected")},
    {"1.3 client: second ServerHello", 0, S2C, HS, m_dup, SH, 0, UNEXPECTED("handshake data across a key change")},
    {"1.3 client: second HelloRetryRequest", HRRSET, S2C, HS, m_dup, HRR, 0, UNEXPECTED("second HelloRetryRequest")},
    {"1.3 client: no EncryptedExtensions", 0, S2C, HS, m_drop, EE, 0, UNEXPECTED("Certificate (type 11) where EncryptedExtensions was expected")},
    {"1.3 client: no CertificateVerify", 0, S2C, HS, m_drop, CV, 0, UNEXPECTED("Finished (type 20) where CertificateVerify was expected")},
    {"1.3 client: CertificateRequest after Certificate", CAUTH, S2C, HS, m_move_before, CRT, CR, UNEXPECTED("CertificateRequest (type 13) where CertificateVerify was expected")},
    {"1.3 client: no Finished (waits)", 0, S2C, HS, m_drop, FIN, 0, STALL},
    {"1.3 server: client Certificate not requested", 0, C2S, HS, m_insert_before, FIN, CRT, UNEXPECTED("Certificate (type 11) where Finished was expected")},
    {"1.3 server: client Finished before Certificate", CAUTH, C2S, HS, m_move_before, FIN, CRT, UNEXPECTED("Finished (type 20) where Certificate was expected")},
    {"1.3 server: ClientHello twice", 0, C2S, HS, m_dup, CH, 0, UNEXPECTED("handshake data across a key change")},
    {"1.3 server: no client Finished (waits)", 0, C2S, HS, m_drop, FIN, 0, STALL},
    {"1.2 client: Finished before Certificate", V12, S2C, HS, m_insert_before, CRT, FIN, UNEXPECTED("Finished (type 20) where Certificate was expected")},
    {"1.2 client: second ServerHello", V12, S2C, HS, m_dup, SH, 0, UNEXPECTED("ServerHello (type 2) where Certificate was expected")},
    {"1.2 client: no Certificate", V12, S2C, HS, m_drop, CRT, 0, UNEXPECTED("ServerKeyExchange (type 12) where Certificate was expected")},
    {"1.2 client: no ServerKeyExchange", V12, S2C, HS, m_drop, SKE, 0, UNEXPECTED("ServerHelloDone (type 14) where ServerKeyExchange was expected")},
    /* RFC 5246 7.4.1.1: a HelloRequest "MAY be sent by the server at any
     * time" and is ignored while negotiating (and not hashed). */
    {"1.2 client: HelloRequest during the handshake", V12, S2C, HS, m_insert_before, SHD, 0, OK},
    {"1.2 client: HelloRequest before ServerHello", V12, S2C, HS, m_insert_before, SH, 0, UNEXPECTED("HelloRequest (type 0) where ServerHello was expected")},
    {"1.2 client: 9 HelloRequests during the handshake", V12, S2C, HS, m_insert_before, 0x100 | SHD, 0, UNEXPECTED("keeps asking to renegotiate")},
    {"1.2 client: no ServerHelloDone (waits)", V12, S2C, HS, m_drop, SHD, 0, STALL},
    {"1.2 server: client Certificate not requested", V12, C2S, HS, m_insert_before, CKE, CRT, UNEXPECTED("Certificate (type 11) where ClientKeyExchange was expected")},
    {"1.2 server: client Finished before ClientKeyExchange", V12, C2S, HS, m_insert_before, CKE, FIN, UNEXPECTED("Finished (type 20) where ClientKeyExchange was expected")},
    {"1.2 server: no ClientKeyExchange", V12, C2S, HS, m_drop, CKE, 0, UNEXPECTED("ChangeCipherSpec before the key exchange was complete")},

    /* ---- ChangeCipherSpec where it is not allowed (RFC 8446 5, RFC 5246 7.1). */
    {"1.3 server: ChangeCipherSpec twice", 0, C2S, HS, m_dup_ccs, 0, -1, UNEXPECTED("more than one ChangeCipherSpec")},
    {"1.3 server: ChangeCipherSpec body 0x02", 0, C2S, HS, m_ccs_body, 0, -1, UNEXPECTED("ChangeCipherSpec where none is allowed")},
    {"1.3 server: ChangeCipherSpec of two bytes", 0, C2S, HS, m_ccs_body, 0, 2, UNEXPECTED("ChangeCipherSpec where none is allowed")},
    {"1.3 server: empty ChangeCipherSpec", 0, C2S, HS, m_ccs_body, 0, 0, UNEXPECTED("ChangeCipherSpec where none is allowed")},
    {"1.3 server: encrypted ChangeCipherSpec", 0, C2S, HS, m_record_before, FIN, CL_CT_CHANGE_CIPHER_SPEC, UNEXPECTED("ChangeCipherSpec where none is allowed")},
    {"1.3 server: ChangeCipherSpec before ClientHello", 0, C2S, HS, m_record_before, CH, 0x100 | CL_CT_CHANGE_CIPHER_SPEC, UNEXPECTED("ChangeCipherSpec where none is allowed")},
    {"1.3 server: ChangeCipherSpec inside a split ClientHello", 0, C2S, HS, m_split_ccs, CH, 0, UNEXPECTED("ChangeCipherSpec")},
    {"1.3 client: ChangeCipherSpec body 0x02", 0, S2C, HS, m_ccs_body, 0, -1, UNEXPECTED("ChangeCipherSpec where none is allowed")},
    {"1.3 client: ChangeCipherSpec twice", 0, S2C, HS, m_dup_ccs, 0, -1, UNEXPECTED("more than one ChangeCipherSpec")},
    {"1.3 server: ChangeCipherSpec after the handshake", 0, C2S, POST, m_post_ccs, 0, -1, UNEXPECTED("ChangeCipherSpec where none is allowed")},
    {"1.3 server: encrypted ChangeCipherSpec after the handshake", 0, C2S, POST, m_post_ccs, 0, 0, UNEXPECTED("ChangeCipherSpec where none is allowed")},
    {"1.3 client: ChangeCipherSpec after the handshake", 0, S2C, POST, m_post_ccs, 0, -1, UNEXPECTED("ChangeCipherSpec where none is allowed")},
    {"1.2 server: ChangeCipherSpec twice", V12, C2S, HS, m_dup_ccs, 0, 0, UNEXPECTED("second ChangeCipherSpec")},
    {"1.2 server: ChangeCipherSpec body 0x02", V12, C2S, HS, m_ccs_body, 0, -1, DECODE("ChangeCipherSpec")},
    {"1.2 server: ChangeCipherSpec of two bytes", V12, C2S, HS, m_ccs_body, 0, 2, DECODE("ChangeCipherSpec")},
    {"1.2 server: ChangeCipherSpec before ClientKeyExchange", V12, C2S, HS, m_move_ccs, CKE, 0, UNEXPECTED("ChangeCipherSpec before the key exchange was complete")},
    {"1.2 server: ChangeCipherSpec inside a split message", V12, C2S, HS, m_split_ccs, CKE, 0, UNEXPECTED("in the middle of a handshake message")},
    {"1.2 client: ChangeCipherSpec before ServerHelloDone", V12, S2C, HS, m_record_before, SHD, CL_CT_CHANGE_CIPHER_SPEC, UNEXPECTED("ChangeCipherSpec before the key exchange was complete")},
    {"1.2 client: ChangeCipherSpec twice", V12, S2C, HS, m_dup_ccs, 0, 0, UNEXPECTED("second ChangeCipherSpec")},
    {"1.2 server: ChangeCipherSpec after the handshake", V12, C2S, POST, m_post_ccs, 0, 0, UNEXPECTED("ChangeCipherSpec where none is allowed")},
    {"1.2 server: plaintext ChangeCipherSpec after the handshake", V12, C2S, POST, m_post_ccs, 0, -1, ALERT(A_BAD_MAC, PROTO, "failed authentication")},

    /* ---- Empty and oversized records (RFC 8446 5.1, 5.2, 5.4). */
    {"1.3 server: empty handshake record", 0, C2S, HS, m_empty_before, CH, CL_CT_HANDSHAKE, UNEXPECTED("empty handshake record")},
    {"1.3 server: empty encrypted handshake record", 0, C2S, HS, m_empty_before, FIN, CL_CT_HANDSHAKE, UNEXPECTED("empty handshake record")},
    {"1.3 server: empty alert record", 0, C2S, HS, m_empty_before, CH, CL_CT_ALERT, UNEXPECTED("empty alert record")},
    {"1.3 server: alert record of 3 bytes", 0, C2S, HS, m_record_before, FIN, CL_CT_ALERT, DECODE("alert record (3 bytes)")},
    {"1.3 server: empty application data before ClientHello", 0, C2S, HS, m_empty_before, CH, CL_CT_APPLICATION_DATA, UNEXPECTED("application data before the handshake finished")},
    {"1.3 client: empty encrypted handshake record", 0, S2C, HS, m_empty_before, CRT, CL_CT_HANDSHAKE, UNEXPECTED("empty handshake record")},
    {"1.2 client: empty handshake record", V12, S2C, HS, m_empty_before, CRT, CL_CT_HANDSHAKE, UNEXPECTED("empty handshake record")},
    {"1.3 server: plaintext record over 2^14", 0, C2S, HS, m_oversize, CH, 16385, ALERT(A_OVERFLOW, PROTO, "handshake record of 16385 bytes")},
    {"1.2 client: plaintext record over 2^14", V12, S2C, HS, m_oversize, SH, 16385, ALERT(A_OVERFLOW, PROTO, "handshake record of 16385 bytes")},
    {"1.3 server: ciphertext over 2^14+256", 0, C2S, HS, m_oversize, FIN, 16700, ALERT(A_OVERFLOW, PROTO, "over the limit of 16640")},
    {"1.3 server: plaintext 2^14+1 inside a record", 0, C2S, HS, m_oversize, FIN, 16385, ALERT(A_OVERFLOW, PROTO, "plaintext exceeds 2^14")},
    {"1.3 client: plaintext 2^14+1 inside a record", 0, S2C, HS, m_oversize, FIN, 16385, ALERT(A_OVERFLOW, PROTO, "plaintext exceeds 2^14")},
    {"1.3 client: Finished padded to 2^14+1", 0, S2C, HS, m_pad, FIN, 16384 - 36, OK},
    {"1.3 client: Finished padded past 2^14+1", 0, S2C, HS, m_pad, FIN, 16384 - 35, ALERT(A_OVERFLOW, PROTO, "plaintext exceeds 2^14")},
    {"1.3 server: padding within 2^14+1", 0, C2S, POST, m_post_big, 1, 16384 - 4, OK},
    {"1.3 server: padding past 2^14+1", 0, C2S, POST, m_post_big, 1, 16384 - 3, ALERT(A_OVERFLOW, PROTO, "plaintext exceeds 2^14")},
    {"1.3 server: record of padding only", 0, C2S, POST, m_post_zero_inner, 0, 7, UNEXPECTED("no content type")},
    {"1.3 server: application data of 2^14+1", 0, C2S, POST, m_post_big, 0, 16385, ALERT(A_OVERFLOW, PROTO, "plaintext exceeds 2^14")},
    {"1.3 client: application data of 2^14+300", 0, S2C, POST, m_post_big, 0, 16384 + 300, ALERT(A_OVERFLOW, PROTO, "over the limit of 16640")},
    {"1.2 server: application data of 2^14+1", V12, C2S, POST, m_post_big, 0, 16385, ALERT(A_OVERFLOW, PROTO, "plaintext exceeds 2^14")},
    {"1.2 client: application data of 2^14+300", V12, S2C, POST, m_post_big, 0, 16384 + 300, ALERT(A_OVERFLOW, PROTO, "over the limit of 16640")},
    {"1.3 server: application data of exactly 2^14", 0, C2S, POST, m_post_big, 0, 16384, OK},
    {"1.2 client: application data of exactly 2^14", V12, S2C, POST, m_post_big, 0, 16384, OK},

    /* ---- Floods after the handshake: bounded (32 records that carry
     * nothing, 32 KeyUpdates, 8 renegotiation requests), then cut off. */
    {"1.3 server: one empty application-data record", 0, C2S, POST, m_post_empty, 0, 1, OK},
    {"1.3 server: 32 empty application-data records", 0, C2S, POST, m_post_empty, 0, 32, OK},
    {"1.3 server: 33 empty application-data records", 0, C2S, POST, m_post_empty, 0, 33, UNEXPECTED("too many empty records")},
    {"1.3 client: 500 empty application-data records", 0, S2C, POST, m_post_empty, 0, 500, UNEXPECTED("too many empty records")},
    {"1.2 server: 33 empty application-data records", V12, C2S, POST, m_post_empty, 0, 33, UNEXPECTED("too many empty records")},
    {"1.2 client: 32 empty application-data records", V12, S2C, POST, m_post_empty, 0, 32, OK},
    {"1.3 server: 32 user_canceled warnings", 0, C2S, POST, m_post_warnings, 90, 32, OK},
    {"1.3 server: 33 user_canceled warnings", 0, C2S, POST, m_post_warnings, 90, 33, UNEXPECTED("too many warning alerts")},
    {"1.3 client: warning-level alert is fatal", 0, S2C, POST, m_post_warnings, 10, 1, EXP_PEER_ALERT, 10, CLASP_E_PEER_ALERT, "fatal alert: unexpected_message", NULL},
    {"1.2 server: 33 warning alerts", V12, C2S, POST, m_post_warnings, 100, 33, UNEXPECTED("too many warning alerts")},
    {"1.2 client: 32 warning alerts", V12, S2C, POST, m_post_warnings, 100, 32, OK},
    {"1.3 server: 32 KeyUpdates", 0, C2S, POST, NULL, 0, 32, OK_AFTER(post_key_updates)},
    {"1.3 server: 33 KeyUpdates", 0, C2S, POST, NULL, 0, 33, ALERT_AFTER(A_UNEXPECTED, PROTO, "more than 32 KeyUpdates", post_key_updates)},
    {"1.3 client: 100 KeyUpdates", 0, S2C, POST, NULL, 0, 100, ALERT_AFTER(A_UNEXPECTED, PROTO, "more than 32 KeyUpdates", post_key_updates)},
    {"1.3 server: KeyUpdate request_update=2", 0, C2S, POST, m_post_hs, 24, 1, ILLEGAL("request_update=2")},
    {"1.2 client: 9 HelloRequests", V12, S2C, POST, m_post_hs, 0, 9, UNEXPECTED("keeps asking to renegotiate")},
    {"1.2 client: 8 HelloRequests", V12, S2C, POST, m_post_hs, 0, 8, OK},

    /* ---- Huge certificate chains: bounded by CL_MAX_HANDSHAKE_MSG (the
     * announced length is refused before anything is buffered) and by
     * CL_MAX_CHAIN certificates. */
    {"1.3 client: 1 MiB certificate chain", 0, S2C, HS, m_chain, 0, 1 << 20, ILLEGAL("handshake message of 10")},
    {"1.3 server: 1 MiB client certificate chain", CAUTH, C2S, HS, m_chain, 0, 1 << 20, ILLEGAL("handshake message of 10")},
    {"1.2 client: 1 MiB certificate chain", V12, S2C, HS, m_chain, 0, 1 << 20, ILLEGAL("handshake message of 10")},
    {"1.2 server: 1 MiB client certificate chain", V12 | CAUTH, C2S, HS, m_chain, 0, 1 << 20, ILLEGAL("handshake message of 10")},
    {"1.3 client: 11 certificates", 0, S2C, HS, m_chain, 0, 11, ALERT(A_BAD_CERT, CERT, "longer than 10 certificates")},
    {"1.2 server: 11 client certificates", V12 | CAUTH, C2S, HS, m_chain, 0, 11, ALERT(A_BAD_CERT, CERT, "longer than 10 certificates")},
    /* A message of exactly the limit is taken even when the next messages
     * share its last record; it reaches the certificate parser. */
    {"1.3 client: Certificate of exactly the limit", 0, S2C, HS, m_cert_at_limit, 0, 0, ALERT(A_BAD_CERT, CERT, "cannot be parsed")},
    {"1.2 client: Certificate of exactly the limit", V12, S2C, HS, m_cert_at_limit, 0, 0, ALERT(A_BAD_CERT, CERT, "cannot be parsed")},

    /* ---- A peer that stops mid-handshake: no error, WANT_READ, nothing
     * leaks when freed. */
    {"1.3 client: server stops after ServerHello", 0, S2C, HS, m_stall_after, SH, 0, STALL},
    {"1.3 client: server stops inside its first flight", 0, S2C, HS, m_stall_after, 0, 0, STALL},
    {"1.3 server: client stops after ClientHello", 0, C2S, HS, m_stall_after, CH, 0, STALL},
    {"1.3 server: client stops inside its ClientHello", 0, C2S, HS, m_stall_after, 0, 0, STALL},
    {"1.2 client: server stops after Certificate", V12, S2C, HS, m_stall_after, CRT, 0, STALL},
    {"1.2 server: client stops after ClientKeyExchange", V12, C2S, HS, m_stall_after, CKE, 0, STALL},
    {"1.2 client: server stops inside its first flight", V12, S2C, HS, m_stall_after, 0, 0, STALL},

    /* ---- trust: record layer ---- */
    /* TLS 1.3 inner content types other than the four (RFC 8446 5). */
    {"1.3 client: encrypted record of inner type 24", 0, S2C, HS, m_record_before, FIN, 24, UNEXPECTED("unknown content type 24")},
    {"1.3 server: encrypted record of inner type 24", 0, C2S, POST, m_post_inner_type, 0, 24, UNEXPECTED("unknown content type 24")},
    {"1.3 client: encrypted record of inner type 255", 0, S2C, POST, m_post_inner_type, 0, 255, UNEXPECTED("unknown content type 255")},
    /* RFC 8446 5.1, RFC 5246 6.2.1: nothing between the fragments of a handshake message. */
    {"1.3 server: warning alert inside a split Finished", 0, C2S, HS, m_split_record, FIN, CL_CT_ALERT, UNEXPECTED("alert record in the middle of a handshake message")},
    {"1.3 client: warning alert inside a split Certificate", 0, S2C, HS, m_split_record, CRT, CL_CT_ALERT, UNEXPECTED("alert record in the middle of a handshake message")},
    {"1.3 server: application data inside a split KeyUpdate", 0, C2S, POST, m_split_record, CL_HS_KEY_UPDATE, CL_CT_APPLICATION_DATA, EXP_ALERT, A_UNEXPECTED, PROTO, "application data record in the middle of a handshake message", post_one_key_update},
    {"1.3 client: application data inside a split NewSessionTicket", 0, S2C, HS, m_split_record, NST, CL_CT_APPLICATION_DATA, UNEXPECTED("application data record in the middle of a handshake message")},
    {"1.2 server: warning alert inside a split ClientKeyExchange", V12, C2S, HS, m_split_record, CKE, 0x100 | CL_CT_ALERT, UNEXPECTED("alert record in the middle of a handshake message")},
    {"1.2 client: warning alert inside a split Finished", V12, S2C, HS, m_split_record, FIN, CL_CT_ALERT, UNEXPECTED("alert record in the middle of a handshake message")},
    /* Zero-length alert and ChangeCipherSpec fragments (RFC 5246 6.2.1, RFC 8446 5.1). */
    {"1.3 server: empty encrypted alert record", 0, C2S, HS, m_empty_before, FIN, CL_CT_ALERT, UNEXPECTED("empty alert record")},
    {"1.3 client: empty alert record after the handshake", 0, S2C, POST, m_post_inner_type, 1, CL_CT_ALERT, UNEXPECTED("empty alert record")},
    {"1.2 client: empty alert record after the handshake", V12, S2C, POST, m_post_inner_type, 1, CL_CT_ALERT, UNEXPECTED("empty alert record")},
    {"1.2 server: empty alert record", V12, C2S, HS, m_empty_before, CKE, CL_CT_ALERT, UNEXPECTED("empty alert record")},
    {"1.2 server: empty ChangeCipherSpec", V12, C2S, HS, m_ccs_body, 0, 0, UNEXPECTED("empty ChangeCipherSpec")},
    {"1.2 client: empty ChangeCipherSpec", V12, S2C, HS, m_ccs_body, 0, 0, UNEXPECTED("empty ChangeCipherSpec")},
    /* Warnings are bounded per run: data between two runs resets the count. */
    {"1.3 server: 2 x 20 user_canceled with data between", 0, C2S, POST, m_post_warnings_twice, 90, 20, OK},
    {"1.2 server: 2 x 30 warnings with data between", V12, C2S, POST, m_post_warnings_twice, 100, 30, OK},
    {"1.2 client: 2 x 33 warnings with data between", V12, S2C, POST, m_post_warnings_twice, 100, 33, UNEXPECTED("too many warning alerts (33 in a row")},
    /* A server that declines early data skips the client's 0-RTT records
     * (RFC 8446 4.2.10), up to 2^14 bytes. */
    {"1.3 server: declined 0-RTT records skipped", EARLY, C2S, HS, m_early_records, CH, 1000, OK},
    {"1.3 server: 2^14 bytes of declined 0-RTT", EARLY, C2S, HS, m_early_records, CH, 16384, OK},
    {"1.3 server: 2^14+1 bytes of declined 0-RTT", EARLY, C2S, HS, m_early_records, CH, 16385, UNEXPECTED("more than 16384 bytes of early data")},
    {"1.3 server: 0-RTT skipped after HelloRetryRequest", EARLY | HRRSET, C2S, HS, m_early_records, CH, 9000, OK},
    {"1.3 server: 0-RTT after HelloRetryRequest over 2^14", EARLY | HRRSET, C2S, HS, m_early_records, CH, 20000, UNEXPECTED("more than 16384 bytes of early data")},
    {"1.3 server: 0-RTT records without early_data offered", 0, C2S, HS, m_early_records, CH, 1000, ALERT(A_BAD_MAC, PROTO, "failed authentication")},
    {"1.3 server: 0-RTT records after HRR without early_data", HRRSET, C2S, HS, m_early_records, CH, 1000, UNEXPECTED("application data before the handshake finished")},
    {"1.3 server: early_data in the second ClientHello", EARLY | HRRSET, C2S, HS, m_ch2_early_data, 0, 0, ILLEGAL("second ClientHello offers early data")},
    /* RFC 8449 / RFC 8446 4.2: a record_size_limit the client did not offer. */
    {"1.3 client: record_size_limit not offered", 0, S2C, HS, m_add_ext, EE, CL_EXT_RECORD_SIZE_LIMIT, ALERT(A_UNSUPPORTED_EXT, PROTO, "extension 28 (record_size_limit) in EncryptedExtensions, which this client did not offer")},

    /* trust: negotiation lists of any legal length, with duplicates and
     * unknown values, are read to the end (RFC 8446 4.1.2, 4.2.3, 4.2.7). */
    {"1.3 server: 100 filler signature algorithms first", IN_CLIENT, C2S, HS, m_ch_long_list, CL_EXT_SIGNATURE_ALGORITHMS, 100, OK},
    {"1.3 server: signature_algorithms of 64 KB", IN_CLIENT, C2S, HS, m_ch_long_list, CL_EXT_SIGNATURE_ALGORITHMS, -1, OK},
    {"1.3 server: signature_algorithms_cert of 64 KB", IN_CLIENT, C2S, HS, m_ch_long_list, CL_EXT_SIGNATURE_ALGORITHMS_CERT, -1, OK},
    {"1.3 server: supported_groups of 64 KB", IN_CLIENT, C2S, HS, m_ch_long_list, CL_EXT_SUPPORTED_GROUPS, -1, OK},
    {"1.3 server: 2^16-2 bytes of cipher suites", IN_CLIENT, C2S, HS, m_ch_long_list, 0, -1, OK},
    {"1.2 server: 100 filler signature algorithms first", IN_CLIENT | PURE12, C2S, HS, m_ch_long_list, CL_EXT_SIGNATURE_ALGORITHMS, 100, OK},
    {"1.2 server: signature_algorithms of 64 KB", IN_CLIENT | PURE12, C2S, HS, m_ch_long_list, CL_EXT_SIGNATURE_ALGORITHMS, -1, OK},
    {"1.2 server: signature_algorithms_cert of 64 KB", IN_CLIENT | PURE12, C2S, HS, m_ch_long_list, CL_EXT_SIGNATURE_ALGORITHMS_CERT, -1, OK},
    {"1.2 server: supported_groups of 64 KB", IN_CLIENT | PURE12, C2S, HS, m_ch_long_list, CL_EXT_SUPPORTED_GROUPS, -1, OK},
    {"1.2 server: 2^16-2 bytes of cipher suites", IN_CLIENT | PURE12, C2S, HS, m_ch_long_list, 0, -1, OK},
    {"1.3 client: CertificateRequest with 100 filler schemes first", CAUTH | CRFILL, S2C, HS, m_cr_is_long, 0, 100, OK},
    {"1.3 client: CertificateRequest schemes of 64 KB", CAUTH | CRFILL, S2C, HS, m_cr_is_long, 0, 32000, OK},
    {"1.2 client: CertificateRequest with 100 filler schemes first", V12 | CAUTH | CRFILL, S2C, HS, m_cr_is_long, 0, 100, OK},
    {"1.2 client: CertificateRequest schemes of 64 KB", V12 | CAUTH | CRFILL, S2C, HS, m_cr_is_long, 0, 32000, OK},
    /* trust: RFC 8422 4, a TLS 1.2 ClientHello without supported_groups
     * gets secp256r1 for an ECDHE suite. */
    {"1.2 server: ClientHello without supported_groups", IN_CLIENT | PURE12, C2S, HS, m_ch_drop_ext, CL_EXT_SUPPORTED_GROUPS, 0, OK_GROUP("secp256r1")},
    /* trust: the new groups' shares are validated: point on the curve
     * (secp521r1), no all-zero result (x448), 1 < Y < p-1 (FFDHE). */
    {"1.2 server: ECDSA P-256 certificate, client lists only x448", PURE12 | CGROUP(1), C2S, HS, m_observe_ch, 0, 0, ALERT(A_HANDSHAKE, NEGO, "curve of our ECDSA certificate is not in its supported_groups")},
    {"1.2 server: ECDHE_RSA with x448 only", PURE12 | ECRSA | CGROUP(1), C2S, HS, m_observe_ch, 0, 0, OK_GROUP("x448")},
    {"1.3 server: x448 zero key share", CGROUP(1), C2S, HS, m_share_value, CH, 0, ILLEGAL("client's x448 key share is invalid")},
    {"1.3 server: x448 key share of u = 1", CGROUP(1), C2S, HS, m_share_value, CH, 4, ILLEGAL("client's x448 key share is invalid")},
    {"1.3 server: secp521r1 key share off the curve", CGROUP(2), C2S, HS, m_share_value, CH, 1, ILLEGAL("client's secp521r1 key share is invalid")},
    {"1.3 server: secp521r1 key share all zeros", CGROUP(2), C2S, HS, m_share_value, CH, 0, ILLEGAL("client's secp521r1 key share is invalid")},
    {"1.3 server: ffdhe2048 key share Y = 1", CGROUP(3), C2S, HS, m_share_value, CH, 2, ILLEGAL("client's ffdhe2048 key share is invalid")},
    {"1.3 server: ffdhe2048 key share Y = 0", CGROUP(3), C2S, HS, m_share_value, CH, 0, ILLEGAL("client's ffdhe2048 key share is invalid")},
    {"1.3 server: ffdhe8192 key share Y > p", CGROUP(4), C2S, HS, m_share_value, CH, 3, ILLEGAL("client's ffdhe8192 key share is invalid")},
    {"1.3 client: ServerHello x448 zero key share", CGROUP(1), S2C, HS, m_share_value, SH, 0, ILLEGAL("server's x448 key share is invalid")},
    {"1.3 client: ServerHello secp521r1 share off the curve", CGROUP(2), S2C, HS, m_share_value, SH, 1, ILLEGAL("server's secp521r1 key share is invalid")},
    {"1.3 client: ServerHello ffdhe2048 key share Y = 1", CGROUP(3), S2C, HS, m_share_value, SH, 2, ILLEGAL("server's ffdhe2048 key share is invalid")},
    {"1.2 server: ClientKeyExchange x448 zero point", ECRSA | CGROUP(1), C2S, HS, m_share_value, CKE, 0, ILLEGAL("client's x448 key share is invalid")},
    {"1.2 server: ClientKeyExchange secp521r1 off the curve", ECRSA | CGROUP(2), C2S, HS, m_share_value, CKE, 1, ILLEGAL("client's secp521r1 key share is invalid")},
    {"1.2 server: ClientKeyExchange DHE Y = 1", DHE, C2S, HS, m_share_value, CKE, 2, ILLEGAL("client's ffdhe2048 key share is invalid")},
    {"1.2 server: ClientKeyExchange DHE Y > p", DHE | CGROUP(4), C2S, HS, m_share_value, CKE, 3, ILLEGAL("client's ffdhe8192 key share is invalid")},

    /* trust: a server_name that is not a host name (RFC 6066 3) is
     * illegal_parameter in both versions; an IP literal is ignored. */
    {"1.3 server: server_name with a control byte", IN_CLIENT, C2S, HS, m_ch_sni, 0, 0, ILLEGAL("not a valid host name (RFC 6066 3): it contains the control byte 0x0a")},
    {"1.3 server: server_name with a NUL byte", IN_CLIENT, C2S, HS, m_ch_sni, 0, 1, ILLEGAL("contains a NUL byte")},
    {"1.3 server: server_name with UTF-8", IN_CLIENT, C2S, HS, m_ch_sni, 0, 2, ILLEGAL("non-ASCII byte 0xc3")},
    {"1.3 server: server_name with an empty label", IN_CLIENT, C2S, HS, m_ch_sni, 0, 3, ILLEGAL("empty label")},
    {"1.3 server: server_name with a trailing dot", IN_CLIENT, C2S, HS, m_ch_sni, 0, 4, ILLEGAL("ends with a dot")},
    {"1.3 server: server_name with a leading dot", IN_CLIENT, C2S, HS, m_ch_sni, 0, 5, ILLEGAL("empty label")},
    {"1.3 server: server_name with a space", IN_CLIENT, C2S, HS, m_ch_sni, 0, 6, ILLEGAL("contains ' '")},
    {"1.3 server: server_name label of 64 bytes", IN_CLIENT, C2S, HS, m_ch_sni, 0, 7, ILLEGAL("label longer than 63")},
    {"1.3 server: server_name IPv4 literal ignored", IN_CLIENT, C2S, HS, m_ch_sni, 0, 8, OK_SNI("-")},
    {"1.3 server: server_name IPv6 literal ignored", IN_CLIENT, C2S, HS, m_ch_sni, 0, 9, OK_SNI("-")},
    {"1.3 server: server_name with an underscore", IN_CLIENT, C2S, HS, m_ch_sni, 0, 10, OK_SNI("my_host.example")},
    {"1.3 server: server_name A-label", IN_CLIENT, C2S, HS, m_ch_sni, 0, 11, OK_SNI("xn--bcher-kva.example")},
    {"1.2 server: server_name with a control byte", IN_CLIENT | PURE12, C2S, HS, m_ch_sni, 0, 0, ILLEGAL("contains the control byte 0x0a")},
    {"1.2 server: server_name with a trailing dot", IN_CLIENT | PURE12, C2S, HS, m_ch_sni, 0, 4, ILLEGAL("ends with a dot")},
    {"1.2 server: server_name with UTF-8", IN_CLIENT | PURE12, C2S, HS, m_ch_sni, 0, 2, ILLEGAL("non-ASCII byte 0xc3")},
    {"1.2 server: server_name IPv4 literal ignored", IN_CLIENT | PURE12, C2S, HS, m_ch_sni, 0, 8, OK_SNI("-")},

    /* trust: a HelloRetryRequest cookie only when configured (as OpenSSL
     * and GnuTLS), and then it must be echoed. */
    {"1.3 server: second ClientHello without our cookie", HRRSET | HRRCOOKIE, C2S, HS, m_ch_drop_ext, CL_EXT_COOKIE, 0, ILLEGAL("does not echo our cookie")},
    {"1.3 server: second ClientHello with a cookie never sent", HRRSET, C2S, HS, m_ch2_add_ext, 0, CL_EXT_COOKIE, ILLEGAL("cookie our HelloRetryRequest did not send")},
    {"1.3 client: HelloRetryRequest with a cookie", HRRSET | HRRCOOKIE, S2C, HS, m_dup_ext, HRR, CL_EXT_COOKIE, ILLEGAL("extension 44 twice")},

    {"1.3 server: 200 unknown key shares before the client's", IN_CLIENT, C2S, HS, m_ch_many_shares, 0, 200, OK},
    {"1.3 server: key share repeated after 200 others", 0, C2S, HS, m_ch_many_shares, 1, 200, ILLEGAL("two key shares for group 0xfcc7")},
    {"1.3 server: signature_algorithms all filler", 0, C2S, HS, m_ch_sigalgs_filler_only, 0, 3000, ALERT(A_HANDSHAKE, NEGO, "the client accepts rsa_pkcs1_sha1 and 2250 unknown values")},
};

int main(void)
{
    make_pki(pki_ecdsa, "ecdsa");
    make_pki(pki_rsa, "rsa");
    size_t n = sizeof cases / sizeof cases[0];
    for (size_t i = 0; i < n; i++)
        run_case(&cases[i]);
    printf("%zu hostile-peer cases\n", n);
    remove_pki(pki_ecdsa);
    remove_pki(pki_rsa);
    return tu_finish("hostile");
}
