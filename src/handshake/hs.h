/* SPDX-License-Identifier: Apache-2.0 */
/* Handshake-only state and the helpers the per-version state machines share.
 * Everything here is freed (and wiped) when the handshake ends. */
#ifndef CLASP_HANDSHAKE_HS_H
#define CLASP_HANDSHAKE_HS_H

#include <stdlib.h>
#include <string.h>

#include "core/conn.h"
#include "handshake/handshake.h"

/* Handshake message types (RFC 8446 4). */
enum {
    CL_HS_HELLO_REQUEST = 0,
    CL_HS_CLIENT_HELLO = 1,
    CL_HS_SERVER_HELLO = 2,
    CL_HS_NEW_SESSION_TICKET = 4,
    CL_HS_END_OF_EARLY_DATA = 5,
    CL_HS_ENCRYPTED_EXTENSIONS = 8,
    CL_HS_CERTIFICATE = 11,
    CL_HS_SERVER_KEY_EXCHANGE = 12,
    CL_HS_CERTIFICATE_REQUEST = 13,
    CL_HS_SERVER_HELLO_DONE = 14,
    CL_HS_CERTIFICATE_VERIFY = 15,
    CL_HS_CLIENT_KEY_EXCHANGE = 16,
    CL_HS_FINISHED = 20,
    CL_HS_CERTIFICATE_STATUS = 22, /* TLS 1.2, RFC 6066 8 */
    CL_HS_KEY_UPDATE = 24,
    CL_HS_MESSAGE_HASH = 254
};

/* Extension code points. */
enum {
    CL_EXT_SERVER_NAME = 0,
    CL_EXT_STATUS_REQUEST = 5,
    CL_EXT_SUPPORTED_GROUPS = 10,
    CL_EXT_EC_POINT_FORMATS = 11,
    CL_EXT_SIGNATURE_ALGORITHMS = 13,
    CL_EXT_ALPN = 16,
    CL_EXT_SCT = 18,
    CL_EXT_PADDING = 21,
    CL_EXT_EXTENDED_MASTER_SECRET = 23,
    CL_EXT_RECORD_SIZE_LIMIT = 28,
    CL_EXT_SESSION_TICKET = 35,
    CL_EXT_PRE_SHARED_KEY = 41,
    CL_EXT_EARLY_DATA = 42,
    CL_EXT_SUPPORTED_VERSIONS = 43,
    CL_EXT_COOKIE = 44,
    CL_EXT_PSK_KEY_EXCHANGE_MODES = 45,
    CL_EXT_CERTIFICATE_AUTHORITIES = 47,
    CL_EXT_POST_HANDSHAKE_AUTH = 49,
    CL_EXT_SIGNATURE_ALGORITHMS_CERT = 50,
    CL_EXT_KEY_SHARE = 51,
    CL_EXT_RENEGOTIATION_INFO = 0xff01
};

/* States. Zero is "not started" for both roles. */
enum {
    CL_ST_START = 0,
    /* client, TLS 1.3 */
    CL_ST_C_WAIT_SH = 1,
    CL_ST_C_WAIT_EE,
    CL_ST_C_WAIT_CERT_CR,
    CL_ST_C_WAIT_CERT,
    CL_ST_C_WAIT_CV,
    CL_ST_C_WAIT_FINISHED,
    /* client, TLS 1.2 */
    CL_ST_C12_WAIT_CERT = 10,
    CL_ST_C12_WAIT_SKE,
    CL_ST_C12_WAIT_CR_SHD,
    CL_ST_C12_WAIT_SHD,
    CL_ST_C12_WAIT_CCS,
    CL_ST_C12_WAIT_FINISHED,
    CL_ST_C12_WAIT_STATUS,    /* a CertificateStatus may come (we asked, the server acked) */
    /* server, TLS 1.2 */
    CL_ST_S12_WAIT_CERT = 30,
    CL_ST_S12_WAIT_CKE,
    CL_ST_S12_WAIT_CV,
    CL_ST_S12_WAIT_CCS,
    CL_ST_S12_WAIT_FINISHED,
    /* server, TLS 1.3 */
    CL_ST_S_WAIT_CH = 20,
    CL_ST_S_WAIT_CH2,
    CL_ST_S_WAIT_CERT,
    CL_ST_S_WAIT_CV,
    CL_ST_S_WAIT_FINISHED,
    /* both, after the handshake */
    CL_ST_CONNECTED = 100
};

/* The parts of a ClientHello a server acts on. Readers point into the
 * message, which lives until the ClientHello has been handled. */
typedef struct {
    uint16_t legacy_version;
    const uint8_t *random;
    const uint8_t *session_id;
    size_t session_id_len;
    cl_reader suites;
    cl_reader compression;
    int has_versions, has_groups, has_key_share, has_sigalgs, has_sigalgs_cert, has_alpn;
    int has_cookie, has_psk_modes, has_psk, has_early_data, has_record_size_limit;
    cl_reader versions, groups, key_shares, sigalgs, sigalgs_cert, alpn, cookie, psk_modes;
    const uint8_t *sni;       /* a valid host name, or NULL */
    size_t sni_len;
    int sni_ip_literal;       /* an IP address was sent as the name: ignored */
    uint16_t record_size_limit;
    /* TLS 1.2 */
    int has_ems, has_reneg, has_point_formats, has_session_ticket;
    int has_status_request;   /* status_request asking for OCSP (RFC 6066 8) */
    cl_reader reneg, point_formats, session_ticket;
    cl_reader psk_identities, psk_binders;
    size_t psk_binders_len; /* the binders vector with its length prefix */
} cl_client_hello;

/* A ServerHello (or HelloRetryRequest) as parsed; which extensions are
 * allowed depends on the version it selects. */
typedef struct {
    uint16_t legacy_version;
    const uint8_t *random;
    cl_reader session_id;
    uint16_t suite;
    uint8_t compression;
    int has_versions, has_key_share, has_cookie;
    uint16_t version;
    uint16_t share_group;
    cl_reader share;
    cl_reader cookie;
    /* TLS 1.2 */
    int has_ems, has_reneg, has_point_formats, has_alpn, has_sni, has_session_ticket, has_psk;
    int has_status_request;
    cl_reader reneg, alpn;
} cl_server_hello;

/* The steps that sign or decrypt with our private key (key_op.c), and so
 * may wait for the application's callback: which one resumes. */
typedef enum {
    CL_KEY_STEP_NONE = 0,
    CL_KEY_STEP_CV13,  /* TLS 1.3 CertificateVerify, either role */
    CL_KEY_STEP_SKE12, /* TLS 1.2 server: ServerKeyExchange */
    CL_KEY_STEP_CV12,  /* TLS 1.2 client: CertificateVerify */
    CL_KEY_STEP_PMS12  /* TLS 1.2 server: the RSA premaster secret */
} cl_key_step;

/* A private-key operation the callback left pending (CLASP_KEY_PENDING). */
typedef struct {
    cl_key_step step;
    int answered;         /* clasp_conn_private_key_done came */
    int failed;           /* ... saying the operation failed */
    uint8_t *result;      /* max bytes; result_len of them are the result */
    size_t result_len, max;
    cl_buf msg;           /* sign: our message, up to its signature */
    size_t sig_vec;       /* where the signature's vector opens in msg */
    uint8_t *input;       /* sign: what was signed, to check the signature */
    size_t input_len;
    char detail[160];     /* the message's trace line */
} cl_key_wait;

/* Frees what a wait holds (the result and what was signed wiped) and
 * leaves it empty. Here, beside the struct, so that freeing the handshake
 * state (hs.c) needs nothing of key_op.c, which builds on hs.c. */
static inline void cl_key_wait_clear(cl_key_wait *kw)
{
    cl_buf_free(&kw->msg);
    if (kw->input) {
        cl_wipe(kw->input, kw->input_len);
        free(kw->input);
    }
    if (kw->result) {
        cl_wipe(kw->result, kw->max);
        free(kw->result);
    }
    memset(kw, 0, sizeof *kw); /* not a wipe: the state lives on (its secrets wiped above) */
}

typedef struct cl_hs {
    cr_hash *transcript;      /* created when the hash is known */
    cl_buf pending;           /* transcript bytes before that */
    uint8_t client_random[32];
    uint8_t server_random[32];
    uint8_t session_id[32];
    size_t session_id_len;

    /* Key exchange. */
    cr_kx *kx;                /* our ephemeral key */
    uint16_t kx_group;
    /* Client: a second TLS 1.3 key share (x25519 beside a hybrid); 0 if
     * none, and none after a HelloRetryRequest. */
    cr_kx *kx2;
    uint16_t kx2_group;
    int hrr;                  /* a HelloRetryRequest happened */
    cl_buf cookie;            /* client: echo; server: what we asked for */
    cl_buf ch1_ext_fingerprint;

    /* TLS 1.3 key schedule. */
    uint8_t secret[CR_MAX_HASH];     /* the current stage: early, handshake or master */
    int no_psk_early;                /* secret is the constant no-PSK early secret */
    uint8_t c_hs[CR_MAX_HASH], s_hs[CR_MAX_HASH];
    uint8_t c_ap[CR_MAX_HASH], s_ap[CR_MAX_HASH];

    /* Authentication. */
    const cl_cert_key *cert;  /* ours, if we send one */
    uint16_t sigalg;          /* the scheme we sign with */
    cl_key_wait key_wait;     /* a private-key operation pending (key_op.c) */
    cr_pkey *peer_key;        /* from the peer's leaf certificate */
    int cert_requested;       /* server asked us / we asked the client */
    int peer_sent_cert;
    cl_buf cr_context;        /* CertificateRequest context */
    uint16_t peer_sigalgs[CL_MAX_SIGALGS]; /* client: from CertificateRequest */
    size_t n_peer_sigalgs;
    int sni_acked;
    int ocsp_staple;          /* server: the client asked and our chain has an OCSP response */
    int ocsp_acked;           /* client, TLS 1.2: the server's hello had status_request */
    int after_status;         /* client, TLS 1.2: the state CL_ST_C12_WAIT_STATUS leads to */
    int send_record_size_limit;

    /* TLS 1.2 */
    uint8_t master[48];
    uint8_t key_block[2 * 32 + 2 * 12];
    int have_key_block;
    int ems;                  /* extended master secret negotiated */
    int keep_raw;             /* keep the raw transcript (in pending) for CertificateVerify */
    /* The transcript just before the message being handled, taken by the
     * dispatcher for the messages that check something over it
     * (CertificateVerify, Finished): its hash, and the length of the raw
     * transcript in pending (TLS 1.2 CertificateVerify signs the messages). */
    uint8_t th_before[CR_MAX_HASH];
    size_t raw_before_len;
    uint16_t client_version;  /* ClientHello.legacy_version, for the RSA premaster */
    uint16_t point_formats_seen;
    int offer13, offer12;     /* client: what the ClientHello offers */
    uint16_t sent_ext[32];    /* client: extension types our last ClientHello carries */
    size_t n_sent_ext;
    uint8_t pms[CR_MAX_KX_SECRET]; /* TLS 1.2 premaster secret */
    size_t pms_len;
    uint8_t kx_pub[CR_MAX_KX_PUB]; /* client: our share for ClientKeyExchange */
    size_t kx_pub_len;

    /* Resumption. */
    uint8_t psk[48];          /* TLS 1.3 PSK offered (client) or accepted (server) */
    size_t psk_len;
    cr_hash_alg psk_hash;
    int psk_offered, psk_accepted;
    int abbreviated;          /* TLS 1.2 resumption */
    int issue_ticket12;       /* TLS 1.2: we (server) send / they (client) announced a ticket */
    cl_session resumed12;     /* TLS 1.2: the session being resumed */
    int offer12_session;      /* client: offering a TLS 1.2 session */
    int got_ticket12;
    uint8_t *ticket12;        /* client: a TLS 1.2 ticket received */
    size_t ticket12_len;
    uint32_t ticket12_hint;
} cl_hs;

/* ---- transcript ---- */
CL_MUST_CHECK int cl_transcript_add(clasp_conn *c, const uint8_t *msg, size_t len);
/* Adds a message given as type and body: its 4-byte header, then the body. */
CL_MUST_CHECK int cl_transcript_add_message(clasp_conn *c, uint8_t type, const uint8_t *body,
                                            size_t len);
/* Starts hashing with the suite's hash, replaying what was buffered. */
CL_MUST_CHECK int cl_transcript_start(clasp_conn *c);
/* RFC 8446 4.4.1: replace ClientHello1 by message_hash(ClientHello1). */
CL_MUST_CHECK int cl_transcript_hrr_restart(clasp_conn *c, size_t keep_last);
CL_MUST_CHECK int cl_transcript_hash(clasp_conn *c, uint8_t *out);

/* A message is built in one buffer: cl_hs_begin writes the type and room
 * for the length; cl_hs_send patches the length, adds the message to the
 * transcript, sends it and frees the buffer. `what`/detail go to the trace. */
void cl_hs_begin(cl_buf *m, uint8_t type);
CL_MUST_CHECK cl_result cl_hs_send(clasp_conn *c, cl_buf *m, const char *what, const char *detail);
const char *cl_hs_type_name(uint8_t type);

/* ---- TLS 1.3 key schedule (keysched13.c) ---- */
size_t cl_hash_len(const clasp_conn *c);
CL_MUST_CHECK int cl_ks_early(clasp_conn *c, const uint8_t *psk, size_t psk_len);
CL_MUST_CHECK int cl_ks_handshake(clasp_conn *c, const uint8_t *dhe, size_t dhe_len);
CL_MUST_CHECK int cl_ks_master(clasp_conn *c);
/* resumption_master_secret, at the client's Finished. */
CL_MUST_CHECK int cl_ks_resumption(clasp_conn *c);
/* Installs traffic keys from a traffic secret for reading or writing. */
CL_MUST_CHECK int cl_ks_install(clasp_conn *c, const uint8_t *secret, int for_write);
/* verify_data = HMAC(finished_key(base), transcript hash). */
CL_MUST_CHECK int cl_ks_finished(clasp_conn *c, const uint8_t *base, uint8_t *out);
/* The same over the transcript hash given (the peer's Finished: th_before). */
CL_MUST_CHECK int cl_ks_finished_over(clasp_conn *c, const uint8_t *base, const uint8_t *th,
                                      uint8_t *out);
/* Next-generation application traffic secret (RFC 8446 7.2). */
CL_MUST_CHECK int cl_ks_update(clasp_conn *c, uint8_t *secret);
/* A PSK binder (RFC 8446 4.2.11.2) over the transcript hash given. */
CL_MUST_CHECK int cl_ks_binder(cr_hash_alg alg, const uint8_t *psk, size_t psk_len,
                               const uint8_t *transcript_hash, uint8_t *out);
/* The transcript hash so far plus a message of type and body_len bytes,
 * its header and its body's first `hashed` bytes (a truncated ClientHello),
 * without changing the transcript. */
CL_MUST_CHECK int cl_transcript_hash_with(clasp_conn *c, cr_hash_alg alg, uint8_t type,
                                          const uint8_t *body, size_t body_len, size_t hashed,
                                          uint8_t *out);

/* ---- ClientHello, both versions (client_hello.c) ---- */
CL_MUST_CHECK cl_result cl_send_client_hello(clasp_conn *c);
/* Parses a ClientHello into ch: every extension body is checked for exact
 * length; duplicates and a pre_shared_key that is not last are refused. */
CL_MUST_CHECK cl_result cl_parse_client_hello(clasp_conn *c, const uint8_t *msg, size_t len, cl_client_hello *ch);
/* Is this cipher suite in our config's list? */
int cl_suite_offered(const clasp_conn *c, uint16_t id);

/* ---- ServerHello and HelloRetryRequest, both versions, as the client
 * parses them (server_hello.c) ---- */
CL_MUST_CHECK cl_result cl_parse_server_hello(clasp_conn *c, const uint8_t *msg, size_t len, cl_server_hello *sh,
                          int is_hrr);

/* ---- Certificate, TLS 1.3 CertificateVerify, both roles (certificate.c) ---- */
CL_MUST_CHECK cl_result cl_send_certificate(clasp_conn *c, const cl_cert_key *ck,
                                      const uint8_t *context, size_t context_len);
CL_MUST_CHECK cl_result cl_send_certificate_verify(clasp_conn *c);
/* Parses a Certificate message, keeps the chain, verifies it (per policy). */
CL_MUST_CHECK cl_result cl_recv_certificate(clasp_conn *c, const uint8_t *msg, size_t len);
CL_MUST_CHECK cl_result cl_recv_certificate_verify(clasp_conn *c, const uint8_t *msg, size_t len);

/* ---- Finished and ChangeCipherSpec, both versions (finished.c) ---- */
CL_MUST_CHECK cl_result cl_send_finished(clasp_conn *c, const uint8_t *base);
CL_MUST_CHECK cl_result cl_recv_finished(clasp_conn *c, const uint8_t *msg, size_t len, const uint8_t *base);
CL_MUST_CHECK cl_result cl_send_change_cipher_spec(clasp_conn *c);
CL_MUST_CHECK cl_result cl_send_finished12(clasp_conn *c);
CL_MUST_CHECK cl_result cl_send_ccs12(clasp_conn *c);
/* The peer's ChangeCipherSpec (dispatch.c's cl_hs12_change_cipher_spec). */
CL_MUST_CHECK cl_result cl_recv_change_cipher_spec12(clasp_conn *c);
CL_MUST_CHECK cl_result cl_recv_finished12(clasp_conn *c, const uint8_t *msg, size_t len);

/* ---- our private key at work (key_op.c) ---- */
/* Signs `in` (the content a CertificateVerify or ServerKeyExchange signs)
 * with hs->cert's key and scheme hs->sigalg, for the message m: built up to
 * its signature, whose 2-byte vector opens at sig_vec. CL_OK: the message
 * is sent (detail goes to the trace); CL_WAIT_KEY: the application's
 * callback signs later, and m waits in hs->key_wait; CL_FAILED. m is taken
 * in every case. */
CL_MUST_CHECK cl_result cl_key_sign(clasp_conn *c, cl_key_step step, cl_buf *m, size_t sig_vec,
                                    const uint8_t *in, size_t in_len, const char *detail);
/* TLS 1.2 RSA key exchange: the 48-byte premaster from the client's
 * ciphertext into hs->pms. Any failure of the decryption (bad padding, a
 * wrong version, a failed callback) leaves a random premaster instead,
 * chosen without a branch (RFC 5246 7.4.7.1). CL_OK, CL_WAIT_KEY (the
 * callback decrypts later), or CL_FAILED (no random numbers). */
CL_MUST_CHECK cl_result cl_key_decrypt_premaster(clasp_conn *c, const uint8_t *in, size_t in_len);
/* The pending operation's result has come: sends the signed message or
 * takes the premaster, and says which step it finishes. CL_WAIT_KEY while
 * the result has not come. */
CL_MUST_CHECK cl_result cl_key_complete(clasp_conn *c, cl_key_step *step);

/* What follows each such step, run at once or when the result comes. */
CL_MUST_CHECK cl_result cl_server13_after_certificate_verify(clasp_conn *c);
CL_MUST_CHECK cl_result cl_client13_after_certificate_verify(clasp_conn *c);
CL_MUST_CHECK cl_result cl_server12_after_server_key_exchange(clasp_conn *c);
CL_MUST_CHECK cl_result cl_server12_after_premaster(clasp_conn *c);
CL_MUST_CHECK cl_result cl_client12_after_certificate_verify(clasp_conn *c);

/* "server" or "client": our role (peer 0) or the peer's (peer 1). */
const char *cl_role_name(const clasp_conn *c, int peer);

/* ---- signature schemes (sigalgs.c) ---- */
/* Picks the signature scheme for our key from the peer's list. */
uint16_t cl_choose_sigalg(const cr_pkey *key, const uint16_t *peer, size_t n_peer);
int cl_sigalg_allowed_tls13(uint16_t scheme);
/* Is this scheme usable for a TLS 1.2 signature (RFC 5246 7.4.1.4.1)? */
int cl_sigalg_allowed_tls12(uint16_t scheme);
uint16_t cl_choose_sigalg12(const cr_pkey *key, const uint16_t *peer, size_t n_peer);
/* Reads a peer's signature scheme list (any legal length) into out: the
 * schemes clasp knows, each once, in the peer's order. Unknown values and
 * repeats are skipped, so max >= the number of known schemes always holds
 * the whole usable list. */
size_t cl_read_sigalgs(cl_reader r, uint16_t *out, size_t max);
/* Test hook (cr_sigalg_filler): up to `room` unusable values written in
 * front of a CertificateRequest's schemes. */
void cl_write_sigalg_filler(const clasp_conn *c, cl_buf *m, size_t room);

/* ---- ALPN, both versions (alpn.c) ---- */
/* The server's ALPN extension: the one protocol it selected. */
void cl_write_alpn_ext(cl_buf *m, const char *proto);
/* Server: the first of our protocols the client offers, into c->alpn;
 * no_application_protocol when there is none in common. */
CL_MUST_CHECK cl_result cl_choose_alpn(clasp_conn *c, const cl_client_hello *ch);
/* Client, both versions: the server's ALPN extension body names exactly one
 * protocol, one we offered; it goes into c->alpn (or the connection fails). */
CL_MUST_CHECK cl_result cl_accept_server_alpn(clasp_conn *c, cl_reader body);
/* Client: is this the name of a protocol we offered? */
int cl_alpn_offered(const clasp_conn *c, const uint8_t *p, size_t n);

/* ---- application choices, server (cert_select.c) ---- */
/* The first ClientHello is parsed: the select callback may swap c->cfg for
 * another configuration, or refuse with its alert. */
CL_MUST_CHECK cl_result cl_select_config(clasp_conn *c, const cl_client_hello *ch);

/* ---- the application's certificate checks, both roles (verify_cb.c) ---- */
/* The peer's chain (c->peer_der) passed clasp's checks, or only its
 * keyUsage check when a custom verifier replaces path validation: runs the
 * custom verifier, then the verify callback; bad_certificate with their
 * reason when one refuses. */
CL_MUST_CHECK cl_result cl_verify_by_callbacks(clasp_conn *c);

/* ---- OCSP stapling, status_request (ocsp.c) ---- */
/* Client: the status_request extension of our ClientHello, when asked for. */
void cl_write_status_request(const clasp_conn *c, cl_buf *m);
/* Server, TLS 1.3: the status_request extension of the leaf's
 * CertificateEntry (RFC 8446 4.4.2.1), carrying the OCSP response. */
void cl_write_status_entry_ext(cl_buf *m, const cl_cert_key *ck);
/* Server, TLS 1.2: the CertificateStatus message (RFC 6066 8). */
CL_MUST_CHECK cl_result cl_send_certificate_status(clasp_conn *c);
/* Client: a CertificateStatus body (TLS 1.2 message, or TLS 1.3 entry
 * extension): keeps its OCSP response in c->ocsp. */
CL_MUST_CHECK cl_result cl_take_certificate_status(clasp_conn *c, cl_reader body);
/* Client, TLS 1.3: the leaf CertificateEntry's extension block. */
CL_MUST_CHECK cl_result cl_certificate_entry_exts(clasp_conn *c, cl_reader exts, size_t index);
/* Client: checks the stapled response (once the chain is verified); with
 * `final`, a required response that has not come is a failure. */
CL_MUST_CHECK cl_result cl_check_ocsp(clasp_conn *c, int final);
/* Client, TLS 1.2: a CertificateStatus message. */
CL_MUST_CHECK cl_result cl_recv_certificate_status12(clasp_conn *c, const uint8_t *msg, size_t len);

/* ---- extensions (extensions.c) ---- */
/* A readable name for an extension type ("" when clasp does not know it). */
const char *cl_ext_name(uint16_t type);
/* " (name)" after an extension number in a sentence, when it has one. */
const char *cl_ext_label(uint16_t type, char *buf, size_t len);
/* Client: did our last ClientHello carry this extension? A server's answer
 * to one we did not send is unsupported_extension (RFC 8446 4.2). */
int cl_client_sent_ext(const cl_hs *hs, uint16_t type);
/* Writes one extension: cl_ext_open writes its type and a length to be
 * back-patched by cl_ext_close (cl_wr_end_vec fails the buffer if the body
 * outgrows 2^16 - 1 bytes). */
static inline size_t cl_ext_open(cl_buf *m, uint16_t type)
{
    cl_wr_u16(m, type);
    return cl_wr_begin_vec(m, 2);
}
static inline void cl_ext_close(cl_buf *m, size_t at) { cl_wr_end_vec(m, at, 2); }
/* Walks an extension block (the body of its 2-byte length), refusing a
 * malformed entry and a type seen before (RFC 8446 4.2), one bit per type. */
typedef struct {
    cl_reader rest;
    uint8_t seen[8192];
} cl_ext_iter;
enum { CL_EXT_END = 0, CL_EXT_NEXT = 1, CL_EXT_MALFORMED = -1, CL_EXT_DUPLICATE = -2 };
void cl_ext_begin(cl_ext_iter *it, cl_reader exts);
/* CL_EXT_NEXT with *type and *body, CL_EXT_END, or an error (then *type is
 * the duplicated type). */
int cl_ext_next(cl_ext_iter *it, uint16_t *type, cl_reader *body);

/* ---- per role (client13.c, server13.c) ----
 * Every handler of a received message (the *_message functions, cl_recv_*,
 * cl_parse_*_hello) takes its body: cl_hs_message (dispatch.c) has read the
 * 4-byte header and added the message to the transcript by its type's rule. */
CL_MUST_CHECK cl_result cl_client13_start(clasp_conn *c);
CL_MUST_CHECK cl_result cl_client13_message(clasp_conn *c, uint8_t type, const uint8_t *msg, size_t len);
CL_MUST_CHECK cl_result cl_server13_message(clasp_conn *c, uint8_t type, const uint8_t *msg, size_t len);
/* After the TLS 1.3 handshake (post13.c): NewSessionTicket received and
 * sent, KeyUpdate. */
CL_MUST_CHECK cl_result cl_post13_message(clasp_conn *c, uint8_t type, const uint8_t *msg, size_t len);
CL_MUST_CHECK cl_result cl_server13_send_tickets(clasp_conn *c);

/* Randoms and ephemeral keys for either version and role. Under test hooks
 * (RFC 8448 known answers, fuzzing) they are the hooks' fixed values, so a
 * recorded handshake replays byte for byte; otherwise fresh. */
CL_MUST_CHECK int cl_random(clasp_conn *c, uint8_t *out, size_t n);
/* The same for secrets (the TLS 1.2 RSA premaster). */
CL_MUST_CHECK int cl_random_secret(clasp_conn *c, uint8_t *out, size_t n);
CL_MUST_CHECK int cl_ephemeral_key(clasp_conn *c, uint16_t group, cr_kx **kx, uint8_t *pub,
                                   size_t *pub_len);
/* The server's side of a hybrid group in one step (cr_kx_encap), with the
 * hooks' fixed key and ML-KEM randomness under test hooks. */
CL_MUST_CHECK int cl_kx_encap(clasp_conn *c, uint16_t group, const uint8_t *peer,
                              size_t peer_len, uint8_t *pub, size_t *pub_len, uint8_t *secret,
                              size_t *secret_len);
/* Why a peer's key share was refused, for an error sentence: rc is what
 * cr_kx_derive or cr_kx_encap returned. */
const char *cl_kx_problem(int rc, uint16_t group);

/* TLS 1.2 DHE in the server's group (cr_kx_generate_dh), with the hooks'
 * fixed private key when the group is an RFC 7919 one. */
CL_MUST_CHECK int cl_ephemeral_dh_key(clasp_conn *c, const uint8_t *p, size_t p_len,
                                      const uint8_t *g, size_t g_len, cr_kx **kx, uint8_t *pub,
                                      size_t *pub_len, uint16_t *named, size_t *bits);
/* The TLS 1.2 DHE share as sent: left-padded to the size of p, or (test
 * hook, as GnuTLS sends it) without its leading zero bytes. */
void cl_write_dhe_share(const clasp_conn *c, cl_buf *m, const uint8_t *pub, size_t pub_len);

extern const uint8_t cl_hrr_random[32];
extern const uint8_t cl_downgrade_tls12[8], cl_downgrade_tls11[8];

/* ---- TLS 1.2 (keysched12.c, client12.c, server12.c) ---- */
/* The TLS 1.2 DHE premaster: Z without its leading zero bytes; new length. */
size_t cl_dhe_premaster(uint8_t *z, size_t len);
CL_MUST_CHECK int cl_ks12_master(clasp_conn *c, const uint8_t *pms, size_t pms_len);
CL_MUST_CHECK int cl_ks12_install(clasp_conn *c, int for_write);
CL_MUST_CHECK int cl_ks12_finished(clasp_conn *c, int by_client, uint8_t out[12]);
CL_MUST_CHECK int cl_ks12_finished_over(clasp_conn *c, int by_client, const uint8_t *th,
                                        uint8_t out[12]);
CL_MUST_CHECK cl_result cl_client12_server_hello(clasp_conn *c, const cl_server_hello *sh);
CL_MUST_CHECK cl_result cl_client12_message(clasp_conn *c, uint8_t type, const uint8_t *msg, size_t len);
CL_MUST_CHECK cl_result cl_server12_client_hello(clasp_conn *c, const cl_client_hello *ch);
CL_MUST_CHECK cl_result cl_server12_message(clasp_conn *c, uint8_t type, const uint8_t *msg, size_t len);
/* TLS 1.2 after the handshake: renegotiation is refused. */
CL_MUST_CHECK cl_result cl_post12_message(clasp_conn *c, uint8_t type, const uint8_t *msg, size_t len);

/* Tickets (ticket.c): a session sealed with AEAD under a key that rotates
 * every lifetime; tickets of the previous period still open. */
CL_MUST_CHECK int cl_ticket_seal(const clasp_config *cfg, const cl_session *s, cl_buf *out);
/* 0 and the session when the ticket is ours, intact and not expired. */
int cl_ticket_open(const clasp_config *cfg, const uint8_t *t, size_t len, cl_session *s,
                   uint64_t *issued);

/* Where sessions are kept (session_store.c): in the ticket and the
 * config's cache, or in the application's store under an id. */
/* Appends the ticket for s to out: sealed, or a stored session's id. */
CL_MUST_CHECK int cl_ticket_issue(clasp_conn *c, const cl_session *s, cl_buf *out);
/* 0 and the session when the ticket is ours (sealed, or an id in the store). */
int cl_ticket_resolve(clasp_conn *c, const uint8_t *t, size_t len, cl_session *s, uint64_t *issued);
/* A session from this ticket is being resumed: a stored one is forgotten
 * if the connection fails (c->cached_id). */
void cl_ticket_resumed(clasp_conn *c, const uint8_t *t, size_t len);
/* TLS 1.2: keeps the session under its session id, which becomes
 * c->cached_id; -1 if it was not kept. */
int cl_session_keep12(clasp_conn *c, const cl_session *s);
/* TLS 1.2: the session kept under this session id. */
int cl_session_find12(clasp_conn *c, const uint8_t *id, size_t id_len, cl_session *s);

/* Ends the handshake: frees its state. */
void cl_hs_finish(clasp_conn *c);

#define CL_DECODE_FAIL(c, what)                                                   \
    cl_fail((c), CL_ALERT_DECODE_ERROR, CLASP_E_PROTOCOL, "the peer sent a malformed %s", (what))

#endif
