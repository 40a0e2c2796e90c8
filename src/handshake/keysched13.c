/* SPDX-License-Identifier: Apache-2.0 */
/* The TLS 1.3 key schedule (RFC 8446 7.1): early -> handshake -> master
 * secret, each stage replacing the last, with traffic secrets derived from
 * the transcript hash at fixed points. */
#include <pthread.h>

#include "handshake/hs.h"

size_t cl_hash_len(const clasp_conn *c) { return cr_hash_len(c->suite->hash); }

static void note_secret(clasp_conn *c, const char *label, const uint8_t *s)
{
    if (CL_TEST(c) && CL_TEST(c)->secret_cb)
        CL_TEST(c)->secret_cb(CL_TEST(c)->secret_arg, label, s, cl_hash_len(c));
}

/* Derive-Secret(secret, label, transcript-hash). */
static int derive_secret(clasp_conn *c, const uint8_t *secret, const char *label,
                         const uint8_t *hash, uint8_t *out)
{
    size_t hl = cl_hash_len(c);
    return cr_hkdf_expand_label(c->suite->hash, secret, label, hash, hl, out, hl);
}

/* Per hash, what every handshake without a PSK computes the same way:
 * Hash(""), the early secret HKDF-Extract(0, 0) and its "derived" salt.
 * Computed once per process. */
typedef struct {
    uint8_t empty_hash[CR_MAX_HASH];
    uint8_t early[CR_MAX_HASH];
    uint8_t derived[CR_MAX_HASH];
    int ok;
} ks_constants;

static ks_constants constants[2]; /* SHA-256, SHA-384 */
static pthread_once_t constants_once = PTHREAD_ONCE_INIT;

static void make_constants(void)
{
    for (int i = 0; i < 2; i++) {
        cr_hash_alg alg = i ? CR_SHA384 : CR_SHA256;
        ks_constants *k = &constants[i];
        size_t hl = cr_hash_len(alg);
        k->ok = cr_hash_once(alg, "", 0, k->empty_hash) == 0 &&
                cr_hkdf_extract(alg, NULL, 0, NULL, 0, k->early) == 0 &&
                cr_hkdf_expand_label(alg, k->early, "derived", k->empty_hash, hl, k->derived, hl) == 0;
    }
}

static const ks_constants *constants_for(cr_hash_alg alg)
{
    if (alg != CR_SHA256 && alg != CR_SHA384)
        return NULL;
    pthread_once(&constants_once, make_constants);
    const ks_constants *k = &constants[alg == CR_SHA384];
    return k->ok ? k : NULL;
}

/* The "derived" step between stages: Derive-Secret(secret, "derived", ""). */
static int derive_next_salt(clasp_conn *c, uint8_t *salt)
{
    const ks_constants *k = constants_for(c->suite->hash);
    if (!k)
        return -1;
    if (c->hs->no_psk_early) { /* the early secret of every non-PSK handshake */
        memcpy(salt, k->derived, cl_hash_len(c));
        c->hs->no_psk_early = 0;
        return 0;
    }
    return derive_secret(c, c->hs->secret, "derived", k->empty_hash, salt);
}

int cl_ks_early(clasp_conn *c, const uint8_t *psk, size_t psk_len)
{
    const ks_constants *k = constants_for(c->suite->hash);
    if (!psk && k) {
        memcpy(c->hs->secret, k->early, cl_hash_len(c));
        c->hs->no_psk_early = 1;
    } else if (cr_hkdf_extract(c->suite->hash, NULL, 0, psk, psk ? psk_len : 0, c->hs->secret)) {
        return -1;
    }
    note_secret(c, "early", c->hs->secret);
    return 0;
}

int cl_ks_handshake(clasp_conn *c, const uint8_t *dhe, size_t dhe_len)
{
    cl_hs *hs = c->hs;
    size_t hl = cl_hash_len(c);
    uint8_t salt[CR_MAX_HASH], th[CR_MAX_HASH];
    int rc = -1;
    if (derive_next_salt(c, salt) ||
        cr_hkdf_extract(c->suite->hash, salt, hl, dhe, dhe_len, hs->secret) ||
        cl_transcript_hash(c, th) || derive_secret(c, hs->secret, "c hs traffic", th, hs->c_hs) ||
        derive_secret(c, hs->secret, "s hs traffic", th, hs->s_hs))
        goto out;
    note_secret(c, "handshake", hs->secret);
    cl_keylog(c, "CLIENT_HANDSHAKE_TRAFFIC_SECRET", hs->client_random, hs->c_hs, hl);
    cl_keylog(c, "SERVER_HANDSHAKE_TRAFFIC_SECRET", hs->client_random, hs->s_hs, hl);
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_KEY, "handshake secret",
                 "HKDF-Extract(derived, %s shared secret) -> client/server handshake traffic keys",
                 cl_group_name(c->group));
    rc = 0;
out:
    cl_wipe(salt, sizeof salt);
    return rc;
}

int cl_ks_master(clasp_conn *c)
{
    cl_hs *hs = c->hs;
    size_t hl = cl_hash_len(c);
    uint8_t salt[CR_MAX_HASH], th[CR_MAX_HASH], exporter[CR_MAX_HASH];
    int rc = -1;
    if (derive_next_salt(c, salt) ||
        cr_hkdf_extract(c->suite->hash, salt, hl, NULL, 0, hs->secret) ||
        cl_transcript_hash(c, th) || derive_secret(c, hs->secret, "c ap traffic", th, hs->c_ap) ||
        derive_secret(c, hs->secret, "s ap traffic", th, hs->s_ap) ||
        derive_secret(c, hs->secret, "exp master", th, exporter))
        goto out;
    note_secret(c, "master", hs->secret);
    cl_keylog(c, "CLIENT_TRAFFIC_SECRET_0", hs->client_random, hs->c_ap, hl);
    cl_keylog(c, "SERVER_TRAFFIC_SECRET_0", hs->client_random, hs->s_ap, hl);
    cl_keylog(c, "EXPORTER_SECRET", hs->client_random, exporter, hl);
    memcpy(c->exporter_secret, exporter, hl); /* for the exporter, RFC 8446 7.5 */
    c->exporter_ready = 1;
    if (cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_KEY, "master secret",
                 "HKDF-Extract(derived, 0) -> client/server application traffic keys");
    memcpy(c->traffic_rd, c->role == CLASP_CLIENT ? hs->s_ap : hs->c_ap, hl);
    memcpy(c->traffic_wr, c->role == CLASP_CLIENT ? hs->c_ap : hs->s_ap, hl);
    rc = 0;
out:
    cl_wipe(salt, sizeof salt);
    cl_wipe(exporter, sizeof exporter);
    return rc;
}

int cl_ks_resumption(clasp_conn *c)
{
    uint8_t th[CR_MAX_HASH];
    if (cl_transcript_hash(c, th) ||
        derive_secret(c, c->hs->secret, "res master", th, c->resumption_secret))
        return -1;
    note_secret(c, "resumption", c->resumption_secret);
    return 0;
}

int cl_ks_install(clasp_conn *c, const uint8_t *secret, int for_write)
{
    uint8_t key[CR_MAX_KEY], iv[CR_AEAD_NONCE];
    size_t kl = cr_aead_key_len(c->suite->aead);
    int rc = -1;
    if (cr_hkdf_expand_label(c->suite->hash, secret, "key", NULL, 0, key, kl) ||
        cr_hkdf_expand_label(c->suite->hash, secret, "iv", NULL, 0, iv, sizeof iv))
        goto out;
    if (CL_TEST(c) && CL_TEST(c)->secret_cb) {
        const cl_test_hooks *t = CL_TEST(c);
        t->secret_cb(t->secret_arg, for_write ? "write key" : "read key", key, kl);
        t->secret_cb(t->secret_arg, for_write ? "write iv" : "read iv", iv, sizeof iv);
    }
    rc = cl_install_keys(c, for_write, c->suite->aead, key, iv, sizeof iv, 0);
out:
    cl_wipe(key, sizeof key);
    cl_wipe(iv, sizeof iv);
    return rc;
}

int cl_ks_finished(clasp_conn *c, const uint8_t *base, uint8_t *out)
{
    uint8_t th[CR_MAX_HASH];
    if (cl_transcript_hash(c, th))
        return -1;
    return cl_ks_finished_over(c, base, th, out);
}

int cl_ks_finished_over(clasp_conn *c, const uint8_t *base, const uint8_t *th, uint8_t *out)
{
    size_t hl = cl_hash_len(c);
    uint8_t fk[CR_MAX_HASH];
    int rc = -1;
    if (cr_hkdf_expand_label(c->suite->hash, base, "finished", NULL, 0, fk, hl) ||
        cr_hmac(c->suite->hash, fk, hl, th, hl, out))
        goto out;
    rc = 0;
out:
    cl_wipe(fk, sizeof fk);
    return rc;
}

int cl_ks_update(clasp_conn *c, uint8_t *secret)
{
    size_t hl = cl_hash_len(c);
    uint8_t next[CR_MAX_HASH];
    if (cr_hkdf_expand_label(c->suite->hash, secret, "traffic upd", NULL, 0, next, hl))
        return -1;
    memcpy(secret, next, hl);
    cl_wipe(next, sizeof next);
    return 0;
}

int cl_ks_binder(cr_hash_alg alg, const uint8_t *psk, size_t psk_len,
                 const uint8_t *transcript_hash, uint8_t *out)
{
    size_t hl = cr_hash_len(alg);
    uint8_t early[CR_MAX_HASH], binder_key[CR_MAX_HASH], fk[CR_MAX_HASH];
    const ks_constants *k = constants_for(alg);
    int rc = -1;
    if (!k || cr_hkdf_extract(alg, NULL, 0, psk, psk_len, early) ||
        cr_hkdf_expand_label(alg, early, "res binder", k->empty_hash, hl, binder_key, hl) ||
        cr_hkdf_expand_label(alg, binder_key, "finished", NULL, 0, fk, hl) ||
        cr_hmac(alg, fk, hl, transcript_hash, hl, out))
        goto out;
    rc = 0;
out:
    cl_wipe(early, sizeof early);
    cl_wipe(binder_key, sizeof binder_key);
    cl_wipe(fk, sizeof fk);
    return rc;
}
