/* SPDX-License-Identifier: Apache-2.0 */
/* What the state machines share: the transcript, the framing of outgoing
 * messages, randoms and ephemeral keys (or the test hooks' fixed ones),
 * message and role names, and the handshake state's lifetime. The
 * dispatch to the state machines is dispatch.c, above them all. */
#include <stdio.h>
#include <stdlib.h>

#include "handshake/hs.h"

/* RFC 8446 4.1.3: the random that marks a HelloRetryRequest, and the
 * downgrade sentinels a TLS 1.3 server puts in a TLS 1.2/1.1 ServerHello. */
const uint8_t cl_hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};
const uint8_t cl_downgrade_tls12[8] = {'D', 'O', 'W', 'N', 'G', 'R', 'D', 1};
const uint8_t cl_downgrade_tls11[8] = {'D', 'O', 'W', 'N', 'G', 'R', 'D', 0};

static int hooked_random(clasp_conn *c, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = CL_TEST(c)->random[i % 32];
    return 0;
}

int cl_random(clasp_conn *c, uint8_t *out, size_t n)
{
    if (!CL_TEST(c) || !CL_TEST(c)->has_random)
        return cr_random(out, n);
    return hooked_random(c, out, n);
}

int cl_random_secret(clasp_conn *c, uint8_t *out, size_t n)
{
    if (!CL_TEST(c) || !CL_TEST(c)->has_random)
        return cr_random_private(out, n);
    return hooked_random(c, out, n);
}

int cl_ephemeral_key(clasp_conn *c, uint16_t group, cr_kx **kx, uint8_t *pub, size_t *pub_len)
{
#ifdef CLASP_TEST_HOOKS
    /* A hybrid's ML-KEM seed derives from the fixed key too. */
    if (CL_TEST(c) && CL_TEST(c)->kx_private_len)
        return cr_kx_from_private(group, CL_TEST(c)->kx_private, CL_TEST(c)->kx_private_len,
                                  kx, pub, pub_len);
#endif
    return cr_kx_generate(group, kx, pub, pub_len);
}

int cl_kx_encap(clasp_conn *c, uint16_t group, const uint8_t *peer, size_t peer_len,
                uint8_t *pub, size_t *pub_len, uint8_t *secret, size_t *secret_len)
{
#ifdef CLASP_TEST_HOOKS
    if (CL_TEST(c) && CL_TEST(c)->kx_private_len)
        return cr_kx_encap_from_private(group, CL_TEST(c)->kx_private,
                                        CL_TEST(c)->kx_private_len, peer, peer_len, pub, pub_len,
                                        secret, secret_len);
#else
    (void)c;
#endif
    return cr_kx_encap(group, peer, peer_len, pub, pub_len, secret, secret_len);
}

const char *cl_kx_problem(int rc, uint16_t group)
{
    int hybrid = cr_group_is_hybrid(group);
    switch (rc) {
    case CR_KX_BAD_LENGTH:
        return "it has the wrong length for the group";
    case CR_KX_BAD_KEM_KEY:
        return "its ML-KEM encapsulation key fails the FIPS 203 modulus check (a coefficient "
               "not below q)";
    case CR_KX_BAD_POINT:
        return hybrid ? "its ECDH part is not a valid point (or gives an all-zero X25519 secret)"
                      : "it is not a valid point or value of the group (or gives an all-zero "
                        "X25519/X448 secret)";
    default:
        return "it could not be processed";
    }
}

int cl_ephemeral_dh_key(clasp_conn *c, const uint8_t *p, size_t p_len, const uint8_t *g,
                        size_t g_len, cr_kx **kx, uint8_t *pub, size_t *pub_len, uint16_t *named,
                        size_t *bits)
{
    if (cr_kx_generate_dh(p, p_len, g, g_len, kx, pub, pub_len, named, bits))
        return -1;
    if (!*named || !CL_TEST(c) || !CL_TEST(c)->kx_private_len)
        return 0;
    cr_kx_free(*kx);
    *kx = NULL;
    return cl_ephemeral_key(c, *named, kx, pub, pub_len);
}

void cl_write_dhe_share(const clasp_conn *c, cl_buf *m, const uint8_t *pub, size_t pub_len)
{
    size_t skip = 0;
    while (CL_TEST(c) && CL_TEST(c)->unpadded_dh_share && skip + 1 < pub_len && pub[skip] == 0)
        skip++;
    size_t v = cl_wr_begin_vec(m, 2);
    cl_wr_bytes(m, pub + skip, pub_len - skip);
    cl_wr_end_vec(m, v, 2);
}

const char *cl_hs_type_name(uint8_t type)
{
    switch (type) {
    case CL_HS_HELLO_REQUEST: return "HelloRequest";
    case CL_HS_CLIENT_HELLO: return "ClientHello";
    case CL_HS_SERVER_HELLO: return "ServerHello";
    case CL_HS_NEW_SESSION_TICKET: return "NewSessionTicket";
    case CL_HS_END_OF_EARLY_DATA: return "EndOfEarlyData";
    case CL_HS_ENCRYPTED_EXTENSIONS: return "EncryptedExtensions";
    case CL_HS_CERTIFICATE: return "Certificate";
    case CL_HS_SERVER_KEY_EXCHANGE: return "ServerKeyExchange";
    case CL_HS_CERTIFICATE_REQUEST: return "CertificateRequest";
    case CL_HS_SERVER_HELLO_DONE: return "ServerHelloDone";
    case CL_HS_CERTIFICATE_VERIFY: return "CertificateVerify";
    case CL_HS_CLIENT_KEY_EXCHANGE: return "ClientKeyExchange";
    case CL_HS_FINISHED: return "Finished";
    case CL_HS_CERTIFICATE_STATUS: return "CertificateStatus";
    case CL_HS_KEY_UPDATE: return "KeyUpdate";
    case CL_HS_MESSAGE_HASH: return "message_hash";
    }
    return "unknown message";
}

void cl_hs_free(clasp_conn *c)
{
    cl_hs *hs = c->hs;
    if (!hs)
        return;
    cr_hash_free(hs->transcript);
    cl_buf_free(&hs->pending);
    cl_buf_free(&hs->cookie);
    cl_buf_free(&hs->cr_context);
    cl_buf_free(&hs->ch1_ext_fingerprint);
    cr_kx_free(hs->kx);
    cr_kx_free(hs->kx2);
    cr_pkey_free(hs->peer_key);
    cl_key_wait_clear(&hs->key_wait);
    cl_session_clear(&hs->resumed12);
    free(hs->ticket12);
    cl_wipe(hs, sizeof *hs);
    free(hs);
    c->hs = NULL;
}

void cl_hs_finish(clasp_conn *c)
{
    /* TLS 1.2's exporter (RFC 5705) needs the master secret and randoms,
     * which leave with the handshake state. */
    if (c->version == CLASP_TLS1_2 && c->hs) {
        memcpy(c->exporter_secret, c->hs->master, 48);
        memcpy(c->exporter_randoms, c->hs->client_random, 32);
        memcpy(c->exporter_randoms + 32, c->hs->server_random, 32);
        c->exporter_ems = c->hs->ems;
        c->exporter_ready = 1;
    }
    c->handshake_done = 1;
    c->state = CL_ST_CONNECTED;
    cl_hs_free(c);
}

/* ---------------------------------------------------------- transcript */

int cl_transcript_add(clasp_conn *c, const uint8_t *msg, size_t len)
{
    cl_hs *hs = c->hs;
    if (hs->transcript) {
        if (hs->keep_raw) {
            cl_wr_bytes(&hs->pending, msg, len);
            if (hs->pending.failed)
                return -1;
        }
        return cr_hash_update(hs->transcript, msg, len);
    }
    cl_wr_bytes(&hs->pending, msg, len);
    return hs->pending.failed ? -1 : 0;
}

int cl_transcript_start(clasp_conn *c)
{
    cl_hs *hs = c->hs;
    if (hs->transcript)
        return 0;
    hs->transcript = cr_hash_new(c->suite->hash);
    if (!hs->transcript || cr_hash_update(hs->transcript, hs->pending.data, hs->pending.len))
        return -1;
    if (!hs->keep_raw) /* TLS 1.2 CertificateVerify signs the messages themselves */
        cl_buf_free(&hs->pending);
    return 0;
}

int cl_transcript_hrr_restart(clasp_conn *c, size_t keep_last)
{
    cl_hs *hs = c->hs;
    uint8_t h[CR_MAX_HASH];
    size_t hl = cr_hash_len(c->suite->hash);
    /* The last keep_last raw bytes (the client's HelloRetryRequest, added by
     * the dispatcher) stay out of the message_hash and follow it. */
    if (keep_last && (hs->transcript || keep_last > hs->pending.len))
        return -1;
    size_t kept_at = hs->pending.len - keep_last;
    if (keep_last) {
        hs->transcript = cr_hash_new(c->suite->hash);
        if (!hs->transcript || cr_hash_update(hs->transcript, hs->pending.data, kept_at))
            return -1;
    }
    if (cl_transcript_start(c) || cr_hash_peek(hs->transcript, h))
        return -1;
    cr_hash_free(hs->transcript);
    hs->transcript = cr_hash_new(c->suite->hash);
    uint8_t head[4] = {CL_HS_MESSAGE_HASH, 0, 0, (uint8_t)hl};
    if (!hs->transcript || cr_hash_update(hs->transcript, head, 4) ||
        cr_hash_update(hs->transcript, h, hl) ||
        (keep_last && cr_hash_update(hs->transcript, hs->pending.data + kept_at, keep_last)))
        return -1;
    if (keep_last && !hs->keep_raw)
        cl_buf_free(&hs->pending);
    return 0;
}

static void header_of(uint8_t head[4], uint8_t type, size_t body_len)
{
    head[0] = type;
    head[1] = (uint8_t)(body_len >> 16);
    head[2] = (uint8_t)(body_len >> 8);
    head[3] = (uint8_t)body_len;
}

int cl_transcript_add_message(clasp_conn *c, uint8_t type, const uint8_t *body, size_t len)
{
    uint8_t head[4];
    header_of(head, type, len);
    return cl_transcript_add(c, head, 4) || cl_transcript_add(c, body, len) ? -1 : 0;
}

int cl_transcript_hash_with(clasp_conn *c, cr_hash_alg alg, uint8_t type, const uint8_t *body,
                            size_t body_len, size_t hashed, uint8_t *out)
{
    cl_hs *hs = c->hs;
    cr_hash *h = hs->transcript ? cr_hash_dup(hs->transcript) : cr_hash_new(alg);
    uint8_t head[4];
    header_of(head, type, body_len);
    int rc = -1;
    if (h && (hs->transcript || cr_hash_update(h, hs->pending.data, hs->pending.len) == 0) &&
        cr_hash_update(h, head, 4) == 0 && cr_hash_update(h, body, hashed) == 0 &&
        cr_hash_peek(h, out) == 0)
        rc = 0;
    cr_hash_free(h);
    return rc;
}

int cl_transcript_hash(clasp_conn *c, uint8_t *out)
{
    if (cl_transcript_start(c))
        return -1;
    return cr_hash_peek(c->hs->transcript, out);
}

void cl_hs_begin(cl_buf *m, uint8_t type)
{
    cl_buf_init(m, 0);
    cl_wr_u8(m, type);
    cl_wr_u24(m, 0);
}

cl_result cl_hs_send(clasp_conn *c, cl_buf *m, const char *what, const char *detail)
{
    int ok = 0;
    if (!m->failed && m->len >= 4 && m->len - 4 < (1u << 24)) {
        size_t body = m->len - 4;
        m->data[1] = (uint8_t)(body >> 16);
        m->data[2] = (uint8_t)(body >> 8);
        m->data[3] = (uint8_t)body;
        int queued = cl_queue_handshake(c, m->data, m->len);
        /* After the handshake (tickets, KeyUpdate) there is no transcript. */
        ok = (!c->hs || cl_transcript_add(c, m->data, m->len) == 0) && queued == 0;
    }
    const char *name = what ? what : m->len ? cl_hs_type_name(m->data[0]) : "handshake message";
    if (ok && cl_trace_on(c))
        cl_trace(c, CLASP_TRACE_SEND, name, "%s", detail ? detail : "");
    cl_result rc = ok ? CL_OK
                      : cl_fail(c, CL_ALERT_INTERNAL_ERROR, CLASP_E_NOMEM,
                                "could not queue our %s: out of memory", name);
    cl_buf_free(m);
    return rc;
}

const char *cl_role_name(const clasp_conn *c, int peer)
{
    int server = (c->role == CLASP_SERVER) != peer;
    return server ? "server" : "client";
}
