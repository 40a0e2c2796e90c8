/* SPDX-License-Identifier: Apache-2.0 */
/* The connection core: the connection and config objects as the library sees
 * them, and the narrow interface the handshake state machines (src/handshake)
 * drive them through: send a message or a record, install keys, fail with an
 * alert, trace, keylog; the suite/group/scheme tables and sessions. The
 * public API (src/api) sits above both; nothing here calls the handshake. */
#ifndef CLASP_CORE_CONN_H
#define CLASP_CORE_CONN_H

#include <stdarg.h>

#include "base/alert.h"
#include "base/bytes.h"
#include "clasp/clasp.h"
#include "crypto/crypto.h"
#include "record/record.h"

#define CL_MAX_SUITES 16
#define CL_MAX_GROUPS 16
#define CL_MAX_SIGALGS 24 /* at least every scheme names.c knows: a peer's list is kept as those */
#define CL_MAX_CERTS 4
#define CL_MAX_CHAIN 10
#define CL_MAX_HANDSHAKE_MSG (256 * 1024) /* bounds a peer's certificate chain */
/* 0-RTT data a server skips when it declines early data (RFC 8446 4.2.10:
 * "the configured max_early_data_size"; 2^14 like OpenSSL's default). */
#define CL_MAX_EARLY_DATA_SKIPPED 16384
/* A session keeps the peer's chain to show it again after resumption; a
 * larger chain makes the connection not resumable (tickets stay small). */
#define CL_MAX_SESSION_CHAIN (16 * 1024)


/* Cipher suites. */
typedef enum { CL_KX_ANY = 0, CL_KX_ECDHE, CL_KX_DHE, CL_KX_RSA } cl_kx_kind;
typedef enum { CL_AUTH_ANY = 0, CL_AUTH_RSA, CL_AUTH_ECDSA } cl_auth_kind;
typedef struct {
    uint16_t id;
    const char *iana;
    const char *openssl;
    uint16_t version; /* CLASP_TLS1_3 or CLASP_TLS1_2 */
    cr_aead_alg aead;
    cr_hash_alg hash;
    cl_kx_kind kx;
    cl_auth_kind auth;
} cl_suite;
const cl_suite *cl_suite_by_id(uint16_t id);
const cl_suite *cl_suite_by_name(const char *name);
uint16_t cl_group_by_name(const char *name);
const char *cl_group_name(uint16_t group);
const char *cl_sigalg_name(uint16_t scheme);
/* Host names (names.c). cl_check_host_name: 0 if name[0..len) is a valid
 * DNS host name for SNI (RFC 6066 3), else -1 and, in why, what is wrong
 * with it ("contains the control byte 0x0a"). */
int cl_check_host_name(const char *name, size_t len, char *why, size_t why_len);
int cl_is_ip_literal(const char *name, size_t len);

/* A certificate chain (DER, leaf first) and its private key. */
typedef struct {
    uint8_t *der[CL_MAX_CHAIN];
    size_t der_len[CL_MAX_CHAIN];
    size_t n;
    cr_cert *leaf;
    /* The private key; with key_fn, the leaf's public key, and the
     * application's callback does what needs the private one
     * (handshake/key_op.c). */
    cr_pkey *key;
    clasp_private_key_fn *key_fn;
    void *key_arg;
    unsigned uses; /* CR_KEY_USE_*: what the leaf's keyUsage allows */
    uint8_t *ocsp; /* server: the OCSP response to staple (DER), or NULL */
    size_t ocsp_len;
} cl_cert_key;

/* A resumable session, as the client keeps it (and the server seals it into
 * tickets or its session cache). */
typedef struct {
    uint16_t version;
    uint16_t suite;
    uint8_t secret[48];        /* TLS 1.3: the PSK; TLS 1.2: the master secret */
    size_t secret_len;
    uint8_t session_id[32];    /* TLS 1.2 */
    size_t session_id_len;
    int ems;                   /* TLS 1.2: extended master secret was used */
    uint8_t *ticket;
    size_t ticket_len;
    uint32_t lifetime;         /* seconds */
    uint32_t age_add;          /* TLS 1.3 */
    uint64_t received_ms;      /* client: when the ticket arrived */
    char server_name[256];     /* the name the client asked for (SNI); resumed only for it */
    char alpn[256];
    /* How the peer was authenticated: resumption skips the certificates, so
     * a session carries them, and is resumed only where they would satisfy
     * the current policy (cl_session_auth_ok). */
    int peer_verified;         /* the peer's chain was verified (server: a client certificate) */
    uint8_t trust_id[32];      /* the trust anchors it was verified against (config trust_id) */
    uint8_t *peer_chain;       /* the peer's chain, leaf first: u24 length | DER, each */
    size_t peer_chain_len;
} cl_session;

struct clasp_session {
    cl_session s;
};

/* TLS 1.2 session-ID cache (src/core/session_cache.c): bounded, entries
 * expire after the ticket lifetime. */
typedef struct cl_session_cache cl_session_cache;
cl_session_cache *cl_cache_new(size_t slots);
void cl_cache_free(cl_session_cache *cache);
void cl_cache_put(cl_session_cache *cache, const cl_session *s, uint64_t now);
int cl_cache_get(cl_session_cache *cache, const uint8_t *id, size_t id_len, uint64_t now,
                 uint32_t lifetime, cl_session *out);
/* Forgets a session (its connection ended with a fatal alert). */
void cl_cache_remove(cl_session_cache *cache, const uint8_t *id, size_t id_len);
/* The connection failed: forgets the session it made or resumed
 * (c->cached_id), in the cache or the application's store. */
void cl_forget_session(clasp_conn *c);

void cl_session_clear(cl_session *s);
CL_MUST_CHECK int cl_session_copy(cl_session *dst, const cl_session *src);
/* Records the connection's peer authentication (verified?, trust anchors,
 * chain) in s. -1 when out of memory or the chain is too big to keep: the
 * session is then not resumable. */
CL_MUST_CHECK int cl_session_take_peer(cl_session *s, const clasp_conn *c);
/* Restores it on a resumed connection, so clasp_conn_peer_cert() shows the
 * original chain. -1 when out of memory or the chain is malformed. */
CL_MUST_CHECK int cl_session_restore_peer(clasp_conn *c, const cl_session *s);
/* Does the session's authentication meet this config's policy now? Server:
 * a required client certificate must be in it, verified against the same
 * trust anchors; client: a verifying client needs a server chain verified
 * against its own trust anchors. */
int cl_session_auth_ok(const clasp_config *cfg, const cl_session *s);
/* Did the connection end with a fatal alert (sent or received)? Such a
 * session is never resumed (RFC 5246 7.2.2, RFC 8446 6.2). */
int cl_conn_failed(const clasp_conn *c);

struct clasp_config {
    int refs;
    int frozen;
    clasp_role role;
    uint16_t min_version, max_version;
    uint16_t suites[CL_MAX_SUITES];
    size_t n_suites;
    uint16_t groups[CL_MAX_GROUPS];
    size_t n_groups;
    uint16_t sigalgs[CL_MAX_SIGALGS];
    size_t n_sigalgs;
    uint8_t alpn[256]; /* wire form: each protocol with a 1-byte length */
    size_t alpn_len;
    cl_cert_key certs[CL_MAX_CERTS];
    size_t n_certs;
    cr_trust *trust;
    int verify_peer;
    clasp_client_auth client_auth;
    uint8_t trust_id[32];      /* hash of the CA certificates loaded, in order (zero: none / system) */
    int middlebox_compat;
    int hrr_cookie;       /* server: HelloRetryRequest carries a cookie to echo */
    int rsa_kx;           /* server: allow TLS 1.2 RSA key exchange (offered last) */
    int require_ems;
    clasp_ocsp_mode ocsp_mode; /* client: ask for / require a stapled OCSP response */
    unsigned ticket_count;
    uint32_t ticket_lifetime;
    uint8_t ticket_master[32]; /* tickets: per-period keys derive from this */
    int tickets_off;
    cl_session_cache *cache;   /* server, TLS 1.2 session IDs */
    clasp_session_store store; /* server: the application's store (store.store set), instead */
    struct cl_verify_cache *verified; /* chains already verified (x509/verify_cache.h) */
#ifdef CLASP_TEST_HOOKS
    int64_t test_time_offset;  /* tests: shift the clock (tickets, certificate validity) */
#endif
    clasp_keylog_fn *keylog;
    void *keylog_arg;
    clasp_trace_fn *trace;
    void *trace_arg;
    clasp_passphrase_fn *passphrase; /* encrypted private keys */
    void *passphrase_arg;
    /* Callbacks (clasp.h "callbacks"); handshake/cert_select.c, verify_cb.c. */
    clasp_select_fn *select_fn;
    void *select_arg;
    clasp_alpn_select_fn *alpn_fn;
    void *alpn_arg;
    clasp_verify_fn *verify_fn;        /* after clasp's verification */
    void *verify_arg;
    clasp_verify_fn *custom_verify_fn; /* instead of clasp's path validation */
    void *custom_verify_arg;
    char err[512];
};

/* Test-only overrides (RFC 8448 known-answer tests): fixed randoms and key
 * shares, and extra ClientHello extensions of the trace's client. They exist
 * only in test builds: the library the tests and fuzzers link (clasp_testable)
 * is compiled with CLASP_TEST_HOOKS, the installed one never is. Every hook
 * site reads them through CL_TEST(c), which without CLASP_TEST_HOOKS is a
 * constant NULL, so the sites compile away and the connection has no hook
 * pointer at all. */
typedef struct {
    uint8_t random[32];
    int has_random;
    uint8_t kx_private[66];
    size_t kx_private_len;
    int legacy_client_extensions; /* renegotiation_info, session_ticket, record_size_limit */
    uint16_t record_size_limit;   /* client: offer this record_size_limit (RFC 8449) */
    int offer_early_data;         /* client: an early_data extension in the first ClientHello */
    const uint8_t *signature;     /* CertificateVerify signature to send instead of signing */
    size_t signature_len;
    int skip_verify_time;         /* accept the trace's expired certificate */
    int corrupt_finished;         /* send a wrong verify_data (negative tests) */
    int unpadded_dh_share;        /* TLS 1.2 DHE: send our share without leading zeros */
    uint64_t now_ms;              /* client: the clock for ticket ages (0: the real one) */
    size_t cr_sigalg_filler;      /* server: this many values no key can use (GREASE, unknown,
                                     repeats) before the CertificateRequest's schemes */
    void (*secret_cb)(void *arg, const char *label, const uint8_t *secret, size_t len);
    void *secret_arg;
} cl_test_hooks;

#ifdef CLASP_TEST_HOOKS
#define CL_TEST(c) ((const cl_test_hooks *)(c)->test)
#else
#define CL_TEST(c) ((const cl_test_hooks *)0)
#endif

struct cl_hs; /* handshake-only state, see handshake/hs.h */

struct clasp_conn {
    clasp_config *cfg;
    /* Server: the configuration the connection was made with, when a
     * selection callback replaced cfg by another (both hold a reference). */
    clasp_config *base_cfg;
    clasp_role role;
    int state;            /* handshake state, per role and version */
    /* The wait's reason: the peer's next handshake message(s) the handshake
     * waits for ("ServerHello", "Certificate or CertificateRequest"), static
     * text; NULL when it waits for none. Set by the handshake's entry points
     * after every step (handshake/dispatch.c), read by error sentences. */
    const char *awaiting;
    int handshake_done;
    int dead;             /* a fatal error happened; every call now fails */
    int peer_closed;      /* close_notify received */
    int we_closed;        /* close_notify sent */
    int transport_eof;    /* the caller said the peer's byte stream ended */
    int key_pending;      /* the handshake waits for the application's private-key
                           * operation (CL_WAIT_KEY; handshake/key_op.c) */
    int truncated;        /* it ended before close_notify: reads say CLASP_TRUNCATED */

    /* Negotiated. */
    uint16_t version;
    const cl_suite *suite;
    uint16_t group;
    char group_label[16]; /* TLS 1.2: "rsa" or "dhe3072" when no named group applies */
    uint16_t peer_sigalg;
    int resumed;
    char *server_name;    /* client: the name we asked for; server: SNI received */
    char alpn[256];
    int has_alpn;

    /* Record layer. */
    cl_record_keys rd, wr;
    cl_buf in;            /* raw bytes from the peer; in_off is where unread ones start */
    size_t in_off;
    cl_buf out;           /* bytes waiting to be sent */
    size_t out_off;
    cl_buf hs_in;         /* handshake bytes not yet a whole message */
    cl_buf hs_out;        /* handshake messages to seal together, one flight per record */
    uint8_t *app;         /* decrypted application data not yet read (inside in) */
    size_t app_len;
    unsigned empty_records;  /* records in a row that carry nothing (see MAX_IDLE_RECORDS) */
    unsigned warning_alerts; /* warning alerts in a row */
    unsigned key_updates;
    int ccs_seen;
    /* RFC 8449: the most plaintext (TLS 1.3: with the inner content type)
     * the peer takes in one protected record; 0: no limit negotiated. */
    uint16_t peer_record_limit;
    /* Server, TLS 1.3: the client offered early data, which we never accept
     * (RFC 8446 4.2.10), so its 0-RTT records are skipped: those that fail
     * to open under the handshake key, or after a HelloRetryRequest every
     * application_data record before the second ClientHello. */
    enum { CL_SKIP_NONE = 0, CL_SKIP_UNOPENED, CL_SKIP_APP_RECORDS } early_data_skip;
    size_t early_data_skipped; /* bytes, bounded by CL_MAX_EARLY_DATA_SKIPPED */
    uint8_t traffic_rd[CR_MAX_HASH], traffic_wr[CR_MAX_HASH]; /* TLS 1.3 application secrets */

    struct cl_hs *hs;

    /* The peer's chain, kept after the handshake for the application (on a
     * resumed connection, the one the session recorded). */
    uint8_t *peer_der[CL_MAX_CHAIN];
    size_t peer_der_len[CL_MAX_CHAIN];
    size_t n_peer;
    int peer_verified;    /* that chain was verified against cfg->trust */
    uint8_t *ocsp;        /* client: the server's stapled OCSP response (DER), or NULL */
    size_t ocsp_len;

    /* The keying-material exporter (clasp_conn_export_keying_material),
     * kept from the handshake: TLS 1.3's exporter_master_secret, or TLS
     * 1.2's master secret (48 bytes), randoms and whether it was made with
     * the extended master secret. Wiped with the connection. */
    int exporter_ready;
    int exporter_ems;
    uint8_t exporter_secret[CR_MAX_HASH];
    uint8_t exporter_randoms[64]; /* client_random + server_random */

    unsigned tickets;
    uint8_t resumption_secret[CR_MAX_HASH];
    cl_session *offer;    /* client: the session we try to resume */
    cl_session *session;  /* client: the newest resumable session */
    uint64_t ticket_nonce; /* server: TLS 1.3 tickets sent, each nonce is this count */
    uint8_t cached_id[32]; /* server: the session id in our cache or store, or the stateful
                            * ticket resumed (dropped on a fatal alert) */
    size_t cached_id_len;

    clasp_error_kind err_kind;
    char err_msg[512];
    int alert_sent;
    int alert_recv;
    int fatal_alert;      /* a fatal alert was sent or received: the session is not resumable */

#ifdef CLASP_TEST_HOOKS
    cl_test_hooks *test;  /* owned (freed with the connection); read through CL_TEST */
#endif
};

/* Seconds since the epoch, as tickets and certificate checks count them
 * (test builds may shift it: test_time_offset). */
uint64_t cl_now(const clasp_config *cfg);
uint64_t cl_now_ms(void);

/* ---- the core's interface: what the handshake drives (core.c) ---- */

/* Records a fatal error (the first one wins), queues the alert if any
 * (alert < 0: none) and marks the connection dead. Returns CL_FAILED. */
cl_result cl_fail(clasp_conn *c, int alert, clasp_error_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Queues a whole handshake message (header included) to be sealed with the
 * rest of its flight. -1 when out of memory. */
CL_MUST_CHECK int cl_queue_handshake(clasp_conn *c, const uint8_t *msg, size_t len);
/* Queues a record of the given type, split into fragments of at most 2^14
 * (or the peer's record_size_limit: cl_max_fragment). Anything but
 * handshake bytes first flushes the queued handshake messages. */
CL_MUST_CHECK int cl_send_record(clasp_conn *c, uint8_t type, const uint8_t *data, size_t len);
CL_MUST_CHECK int cl_send_alert(clasp_conn *c, int level, int desc);
/* The most payload one record we send may carry (RFC 8449 record_size_limit). */
size_t cl_max_fragment(const clasp_conn *c);
/* Seals the queued handshake messages (before a key change or other records). */
CL_MUST_CHECK int cl_flush_handshake(clasp_conn *c);
/* The version our unprotected records' headers carry (RFC 8446 5.1: a
 * first ClientHello's may say TLS 1.0, 0x0301); 0 is the usual 0x0303. */
void cl_set_record_version(clasp_conn *c, uint16_t version);
/* Installs record keys for reading or writing (TLS 1.2 AEAD framing when
 * tls12). Before our sending key changes, the queued handshake messages are
 * sealed under the old one. */
CL_MUST_CHECK int cl_install_keys(clasp_conn *c, int for_write, cr_aead_alg alg,
                                  const uint8_t *key, const uint8_t *iv, size_t iv_len, int tls12);

int cl_trace_on(const clasp_conn *c);
void cl_trace(const clasp_conn *c, clasp_trace_kind kind, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void cl_keylog(const clasp_conn *c, const char *label, const uint8_t *client_random,
               const uint8_t *secret, size_t len);
/* The negotiated group's name, or the TLS 1.2 label ("rsa", "dhe3072"). */
const char *cl_conn_group_name(const clasp_conn *c);

/* ---- records in (receive.c): the driver above decides what each is for ---- */

/* Records that move nothing forward (empty application data, warning
 * alerts, ChangeCipherSpec) allowed in a row; the next one is a flood and
 * ends the connection with unexpected_message. Data or handshake bytes
 * start the count again. */
#define CL_MAX_IDLE_RECORDS 32

/* A record as received: its true content type and its plaintext, opened in
 * place in the input buffer (or in the caller's direct buffer). */
typedef struct {
    uint8_t type;
    uint8_t *plain;
    size_t len;
    int protected_record; /* it came under keys */
} cl_inbound_record;

/* Cuts the next whole record off the input buffer and opens it; 0-RTT
 * records a server skips are passed over. CL_OK and *out, CL_WAIT_PEER
 * when no whole record is buffered, or CL_FAILED (failed with an alert).
 * With a direct buffer of direct_cap bytes, once the handshake is done,
 * a protected record that fits is decrypted into it instead of in place. */
CL_MUST_CHECK cl_result cl_next_record(clasp_conn *c, uint8_t *direct, size_t direct_cap, cl_inbound_record *out);
/* Fails the connection for a record that did not open (cl_record_status). */
CL_MUST_CHECK cl_result cl_record_failure(clasp_conn *c, int status);
/* An alert record: CL_OK for a warning we go on after, CL_PEER_CLOSED for
 * close_notify, CL_FAILED for a fatal one (or a malformed or flooding one). */
CL_MUST_CHECK cl_result cl_handle_alert(clasp_conn *c, const uint8_t *p, size_t len);

/* Handshake messages may span records and records may hold several. The
 * driver appends each handshake record, then takes whole messages one by
 * one from offset 0 (cl_hs_in_next: CL_OK and the message with its 4-byte
 * header; CL_WAIT_PEER when the next one is not all there; CL_FAILED when it
 * announces more than CL_MAX_HANDSHAKE_MSG), and finally drops those it
 * took. */
CL_MUST_CHECK cl_result cl_hs_in_append(clasp_conn *c, const uint8_t *p, size_t len);
CL_MUST_CHECK cl_result cl_hs_in_next(clasp_conn *c, size_t *off, uint8_t *type, const uint8_t **msg, size_t *len);
void cl_hs_in_consume(clasp_conn *c, size_t off);

#endif
