/* SPDX-License-Identifier: Apache-2.0 */
/* clasp: a TLS 1.3 and TLS 1.2 library.
 *
 * Two objects: a clasp_config (what this endpoint offers and trusts; build it,
 * then share it read-only across connections and threads) and a clasp_conn
 * (one TLS connection). The connection core never touches a socket: feed it
 * the bytes that arrived, take the bytes it wants sent. clasp_fd_* drives a
 * connection over a blocking or non-blocking socket for the common case.
 *
 * Every call that can fail returns a negative value; clasp_conn_error_text()
 * then says what went wrong in a sentence a person can act on. */
#ifndef CLASP_H
#define CLASP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif
/* The library builds with hidden visibility; what this header declares is its
 * whole exported API (src/libclasp.map). */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

/* The version of this header. It follows project(VERSION) in CMakeLists.txt
 * (configuring fails when they differ). Before 1.0, a minor release may
 * change the API; CHANGELOG.md says what changed. CLASP_VERSION_NUMBER is
 * for #if: 0x00MMmmpp (major, minor, patch). */
#define CLASP_VERSION_MAJOR 0
#define CLASP_VERSION_MINOR 1
#define CLASP_VERSION_PATCH 0
#define CLASP_VERSION_STRING "0.1.0"
#define CLASP_VERSION_NUMBER \
    ((CLASP_VERSION_MAJOR << 16) | (CLASP_VERSION_MINOR << 8) | CLASP_VERSION_PATCH)

/* The version of the library actually linked, "0.1.0": it may differ from
 * CLASP_VERSION_STRING when a program runs with another libclasp.so than
 * the one it was built against. The string is static. */
const char *clasp_version(void);

#define CLASP_TLS1_2 0x0303
#define CLASP_TLS1_3 0x0304

typedef struct clasp_config clasp_config;
typedef struct clasp_conn clasp_conn;

typedef enum { CLASP_CLIENT = 0, CLASP_SERVER = 1 } clasp_role;

/* Results of clasp_conn_handshake/read/write and the clasp_fd_* calls. */
enum {
    CLASP_OK = 0,
    CLASP_WANT_READ = -1,  /* feed more bytes from the peer, then call again */
    CLASP_WANT_WRITE = -2, /* (fd layer) the socket would block on send */
    CLASP_CLOSED = -3,     /* the peer closed the connection cleanly (close_notify) */
    CLASP_ERROR = -4,      /* failed: see clasp_conn_error() */
    /* The transport ended (EOF) before the peer's close_notify: everything
     * read so far was authentic, but more may have been sent and cut off,
     * by a failure or by an attacker (RFC 8446 6.1: "If a transport-level
     * close is received prior to a close_notify, the receiver cannot know
     * that all the data that was sent has been received"). Treat the data
     * as incomplete unless the application protocol marks its own end
     * (HTTP Content-Length, say). The connection is over: reads keep
     * returning it, other calls fail; clasp_conn_error() is CLASP_E_IO. */
    CLASP_TRUNCATED = -5,
    /* The handshake waits for a private-key operation the application's
     * callback took on (it returned CLASP_KEY_PENDING): give the result
     * with clasp_conn_private_key_done(), then call again. Only with a
     * certificate added by clasp_config_add_cert_chain_with_key_callback. */
    CLASP_WANT_PRIVATE_KEY = -6
};

/* What kind of failure (clasp_conn_error). */
typedef enum {
    CLASP_E_NONE = 0,
    CLASP_E_PROTOCOL,      /* the peer broke the protocol; we sent an alert */
    CLASP_E_PEER_ALERT,    /* the peer sent a fatal alert */
    CLASP_E_CERTIFICATE,   /* the peer's certificate was not accepted */
    CLASP_E_NEGOTIATION,   /* no version, suite, group or signature in common */
    CLASP_E_IO,            /* the socket failed or the peer vanished */
    CLASP_E_CONFIG,        /* the configuration cannot work */
    CLASP_E_NOMEM,
    CLASP_E_INTERNAL
} clasp_error_kind;

/* ------------------------------------------- lifetimes, threads, blocking
 *
 * Objects. clasp_config_free and clasp_conn_free end the caller's use of
 * the object. A config lives on while connections use it: every connection
 * holds a reference to the config it was made from, and to the one a
 * ClientHello callback switched it to. A clasp_session is a copy that owes
 * nothing to the connection it came from.
 *
 * Returned pointers. Never free them; how long each stays valid:
 *   - for ever (static strings): clasp_version, clasp_alert_name, clasp_conn_awaiting,
 *     clasp_conn_version_name, clasp_conn_cipher_name,
 *     clasp_conn_sigalg_name, and the NULL / "unknown" answers of all
 *     getters;
 *   - until clasp_conn_free: clasp_conn_error_text (the text is rewritten
 *     when a later call fails, or cleared when a refused server name or
 *     exporter request is followed by an accepted one: copy it to keep
 *     it), clasp_conn_group_name, clasp_conn_alpn, clasp_conn_peer_cert,
 *     clasp_conn_ocsp_response, and clasp_conn_sni, except that on a
 *     client a later clasp_conn_set_server_name frees the name it returned;
 *   - until the config is freed: clasp_config_error (rewritten by the next
 *     failing setter);
 *   - clasp_conn_output: only until the next call on the connection other
 *     than clasp_conn_output_done; a call that adds output (write, read,
 *     handshake, close, key update, and clasp_conn_output itself) may move
 *     the buffer, and clasp_conn_output_done may free it once everything
 *     was sent. Send the bytes, or copy them, before calling clasp again:
 *     an asynchronous write (libuv's uv_write, io_uring) must copy, or use
 *     a synchronous try-write first (examples/uv_client.c);
 *   - clasp_conn_input_buffer: only until clasp_conn_input_done or any
 *     other call on the connection;
 *   - everything a callback is given (the clasp_client_hello view, the
 *     verify callbacks' chain, the offered ALPN list, trace and key log
 *     strings, the session store's id and data): only during the call.
 *
 * Threads. The library needs no set-up call; it initialises itself once,
 * thread-safely.
 *   - A config is built by one thread. The first clasp_conn_new freezes it:
 *     from then on every setter and loader fails (-1, and
 *     clasp_config_error says the configuration is in use). Frozen, it may be
 *     shared by any number of threads making connections at once: what
 *     changes inside it (the session cache, the remembered verified chains,
 *     the system trust store loaded on first use, the reference count) is
 *     locked or atomic. Publish a finished config to other threads the
 *     usual way (start them after building it, or hand it over through a
 *     mutex or queue).
 *   - A connection belongs to one thread at a time: never two calls on the
 *     same clasp_conn at once, getters included. It may move to another
 *     thread between calls, through the same kind of hand-over.
 *   - A clasp_session is never changed after it is made: several threads
 *     may read the same one at once (clasp_conn_set_session copies it).
 *   - Callbacks run on the thread making the call that drives the
 *     handshake; with a shared config, on several threads at once, so
 *     they must be thread-safe (the passphrase callback only runs inside
 *     the loading call, on its thread).
 *
 * Blocking.
 *   - The sans-I/O core (clasp_conn_*, clasp_session_*) does no I/O and
 *     never waits: each call uses the bytes it has and returns. It costs
 *     CPU only (a handshake's key exchange and signatures: well under a
 *     millisecond with X25519 and ECDSA, several with RSA keys and the
 *     large FFDHE groups). Two exceptions: callbacks may block (a session
 *     store on the network, by design), and the handshake waits for them;
 *     and the first clasp_conn_new of a verifying client config without a
 *     CA file reads the system's trust store from disk.
 *   - clasp_config_load_* read files.
 *   - clasp_fd_* block exactly as the socket does: on a blocking socket
 *     until the peer sends or takes bytes (bounded by SO_RCVTIMEO and
 *     SO_SNDTIMEO when set), on a non-blocking one never (CLASP_WANT_READ,
 *     CLASP_WANT_WRITE). */

/* ---------------------------------------------------------------- config */

clasp_config *clasp_config_new(clasp_role role);
/* Drops the caller's reference; connections keep their own. */
void clasp_config_free(clasp_config *cfg);
/* The last configuration error, as a sentence ("" if none); valid until
 * the config is freed, rewritten by the next failing setter. */
const char *clasp_config_error(const clasp_config *cfg);

/* Setters return 0, or -1 with clasp_config_error() set. They must not be
 * called once a connection uses the config. */
int clasp_config_set_versions(clasp_config *cfg, uint16_t min, uint16_t max);
/* Colon- or comma-separated suite names: IANA (TLS_AES_128_GCM_SHA256) or
 * OpenSSL style (TLS13-AES-128-GCM-SHA256, ECDHE-ECDSA-AES128-GCM-SHA256). */
int clasp_config_set_ciphers(clasp_config *cfg, const char *list);
/* Group names, most preferred first: x25519, secp256r1 (P-256, prime256v1),
 * secp384r1 (P-384), x448, secp521r1 (P-521), ffdhe2048, ffdhe3072,
 * ffdhe4096, ffdhe6144, ffdhe8192. The first is the client's TLS 1.3 key
 * share; the others are offered, and a server takes any of them (the FFDHE
 * groups as TLS 1.3 key shares too, RFC 8446 4.2.8.1, and for TLS 1.2 DHE).
 * The default is that whole list in that order, as OpenSSL 3.0 has it. An
 * FFDHE share costs a server much more than an ECDHE one (ffdhe8192: ~13 ms
 * of CPU), which a client chooses: a server that must not spend it leaves
 * them out. */
int clasp_config_set_groups(clasp_config *cfg, const char *list);
/* ALPN protocols, comma separated, most preferred first. */
int clasp_config_set_alpn(clasp_config *cfg, const char *list);
/* Adds a certificate chain (leaf first) and its private key, both PEM. A
 * server may hold several (e.g. RSA and ECDSA); the one the client can verify
 * is chosen per connection, and only for what its keyUsage allows:
 * digitalSignature to sign (TLS 1.3, TLS 1.2 ECDHE/DHE), keyEncipherment for
 * TLS 1.2 RSA key exchange. A certificate that allows nothing this role
 * needs (a client's must sign) is refused here. */
int clasp_config_load_cert_chain(clasp_config *cfg, const char *chain_pem_file,
                                 const char *key_pem_file);
/* The same from memory (a secrets manager, a file embedded in the program).
 * Each buffer is PEM when it holds a "-----BEGIN " line, else DER:
 *   chain: PEM CERTIFICATE blocks, leaf first; or DER certificates back to
 *          back, leaf first.
 *   key:   PEM "PRIVATE KEY" (PKCS#8), "RSA PRIVATE KEY", "EC PRIVATE KEY"
 *          or "ENCRYPTED PRIVATE KEY"; or DER PKCS#8 (plain or encrypted),
 *          or a traditional RSA or EC key.
 * A PEM buffer (or file, above) may hold other blocks too, in any order:
 * the chain is its CERTIFICATE blocks, the key its first private-key block,
 * so one file with key and chain can be given as both. A PEM block with
 * broken base64 anywhere in it fails, naming the block and line. The
 * buffers are copied (the key into libcrypto's own memory): the caller may
 * wipe and free them on return. */
int clasp_config_add_cert_chain(clasp_config *cfg, const uint8_t *chain, size_t chain_len,
                                const uint8_t *key, size_t key_len);
/* Encrypted private keys (PEM "ENCRYPTED PRIVATE KEY", a traditional PEM key
 * with "Proc-Type: 4,ENCRYPTED", DER EncryptedPrivateKeyInfo): fn writes
 * the passphrase, at most size bytes and no terminating 0 needed, to buf and
 * returns its length, or -1 to refuse. It is called from
 * clasp_config_load_cert_chain / clasp_config_add_cert_chain, in the
 * caller's thread, only for an encrypted key; set it before them. Without
 * it an encrypted key is refused with a sentence saying so, as is one the
 * passphrase does not open. */
typedef int clasp_passphrase_fn(void *arg, char *buf, size_t size);
int clasp_config_set_passphrase(clasp_config *cfg, clasp_passphrase_fn *fn, void *arg);

/* Private keys that never leave an HSM, a key server or another process.
 *
 * clasp_config_add_cert_chain_with_key_callback adds a chain (as
 * clasp_config_add_cert_chain reads it) without its private key: whenever
 * the handshake needs that key, it calls fn, which does the operation with
 * the key wherever it is. The certificate is chosen and its keyUsage
 * checked as for a key in memory; the leaf's public key says what the
 * private key can do (RSA, ECDSA P-256/P-384/P-521, Ed25519). The chain is
 * copied; 0, or -1 with clasp_config_error() set. fn gets arg and the
 * connection (its getters, clasp_conn_sni say, may be called from fn; no
 * call that drives it).
 *
 * The operations (op->op):
 *
 *   CLASP_KEY_SIGN: a signature with op->scheme (a TLS SignatureScheme,
 *   RFC 8446 4.2.3: 0x0403 ecdsa_secp256r1_sha256, 0x0804
 *   rsa_pss_rsae_sha256, 0x0401 rsa_pkcs1_sha256, 0x0807 ed25519, ...) over
 *   op->input, the whole message to sign (TLS 1.3 CertificateVerify, TLS
 *   1.2 ServerKeyExchange or CertificateVerify, for a server or a client
 *   certificate). For the schemes that hash first, op->digest is that
 *   message's hash with the scheme's hash (NULL for ed25519), for a device
 *   that signs digests: ECDSA signs it as it is; RSA-PSS uses MGF1 with the
 *   same hash and a salt as long as the hash (RFC 8446 4.2.3); RSA PKCS#1
 *   v1.5 (TLS 1.2 only) wraps it in its DigestInfo first (RFC 8017 9.2).
 *   In TLS 1.2 an ECDSA scheme names the hash only: the curve is the
 *   key's. Write the signature as TLS sends it (ECDSA: the DER
 *   ECDSA-Sig-Value; RSA: exactly as many bytes as the modulus; Ed25519: 64
 *   bytes). clasp checks it with the certificate's public key before it is
 *   sent: one that is too long, of the wrong size or that does not verify
 *   fails the handshake like a failed operation.
 *
 *   CLASP_KEY_RSA_DECRYPT (server, TLS 1.2 RSA key exchange): op->input is
 *   the client's encrypted premaster secret. Do the raw RSA decryption,
 *   without padding (RSADP, RFC 8017 5.1.2; PKCS#11 CKM_RSA_X_509, OpenSSL
 *   RSA_NO_PADDING), and write all of it: as many bytes as the modulus,
 *   leading zeros included. clasp removes the PKCS#1 v1.5 padding itself,
 *   in constant time, and whatever goes wrong (the operation fails, at once
 *   or later; a wrong length; bad padding; a wrong version) the handshake
 *   goes on with a random premaster secret, so that a client learns
 *   nothing it could use (RFC 5246 7.4.7.1, Bleichenbacher): it then fails
 *   at the Finished messages. Turn RSA key exchange off
 *   (clasp_config_set_rsa_key_exchange) when the key cannot decrypt.
 *
 * fn returns
 *   CLASP_KEY_DONE: the result is in out (room for op->max_output bytes)
 *                   and *out_len says how long it is;
 *   CLASP_KEY_PENDING: the operation goes on elsewhere (a thread, a remote
 *                   signer): the handshake call returns
 *                   CLASP_WANT_PRIVATE_KEY, and the application later gives
 *                   the result with clasp_conn_private_key_done() and calls
 *                   the handshake again (clasp_conn_handshake,
 *                   clasp_fd_handshake, or a read or write that drives it),
 *                   which resumes where it stopped;
 *   CLASP_KEY_FAILED: the handshake fails with an internal_error alert and
 *                   CLASP_E_INTERNAL (but see RSA decryption above).
 * op, its input and digest and out are valid only during the call: copy
 * what a pending operation needs. fn runs on the thread driving the
 * handshake, for every connection of the config (several at once when
 * connections on several threads share it); it should not block for long
 * on an event loop: return CLASP_KEY_PENDING instead. The config keeps fn
 * and arg; arg must outlive every connection that uses the config. */
typedef enum { CLASP_KEY_SIGN = 0, CLASP_KEY_RSA_DECRYPT = 1 } clasp_key_op_kind;
typedef struct {
    clasp_key_op_kind op;
    uint16_t scheme;       /* sign: the SignatureScheme; 0 for decryption */
    uint16_t version;      /* CLASP_TLS1_3 or CLASP_TLS1_2 */
    const uint8_t *input;  /* sign: the message; decrypt: the ciphertext */
    size_t input_len;
    const uint8_t *digest; /* sign: the message's hash under the scheme's hash, or NULL */
    size_t digest_len;
    size_t max_output;     /* room for the result (the key's largest signature, or its modulus) */
} clasp_key_operation;
enum { CLASP_KEY_DONE = 0, CLASP_KEY_PENDING = 1, CLASP_KEY_FAILED = -1 };
typedef int clasp_private_key_fn(void *arg, clasp_conn *c, const clasp_key_operation *op,
                                 uint8_t *out, size_t *out_len);
int clasp_config_add_cert_chain_with_key_callback(clasp_config *cfg, const uint8_t *chain,
                                                  size_t chain_len, clasp_private_key_fn *fn,
                                                  void *arg);
/* Trust anchors for verifying the peer. Without one, a client uses the
 * system's store. */
int clasp_config_load_ca_file(clasp_config *cfg, const char *pem_file);
/* Verification checks the chain to a trust anchor, validity dates, the host
 * name (client), and usage, on both sides: the peer's keyUsage (when
 * present) must allow what its key does in this handshake (digitalSignature
 * to sign CertificateVerify / ServerKeyExchange, keyEncipherment for TLS 1.2
 * RSA key exchange), and the extendedKeyUsage of its leaf and of every CA
 * below the anchor must list serverAuth (a server) or clientAuth (a client),
 * or anyExtendedKeyUsage. A usage failure is an unsupported_certificate
 * alert. Verified chains are remembered per config until the earliest
 * notAfter of the verified path, trust anchor included.
 * Client: 0 turns off certificate and host-name verification, usage checks
 * included (insecure). */
int clasp_config_set_verify_peer(clasp_config *cfg, int on);

typedef enum {
    CLASP_CLIENT_AUTH_NONE = 0,
    CLASP_CLIENT_AUTH_OPTIONAL, /* ask; accept an empty certificate */
    CLASP_CLIENT_AUTH_REQUIRED  /* ask; refuse without a valid one */
} clasp_client_auth;
/* Server: request client certificates, verified against the CA file. */
int clasp_config_set_client_auth(clasp_config *cfg, clasp_client_auth mode);

/* Send a 32-byte legacy session id and a ChangeCipherSpec in TLS 1.3 so
 * middleboxes see a familiar shape (RFC 8446 D.4). On by default. */
int clasp_config_set_middlebox_compat(clasp_config *cfg, int on);
/* Server: put a cookie in every TLS 1.3 HelloRetryRequest, which the
 * client must echo in its second ClientHello (RFC 8446 4.2.2): proof that
 * the client receives at its address before the server spends a key
 * exchange on it. Off by default, as in OpenSSL and GnuTLS, which send one
 * only for a stateless retry. clasp keeps the handshake's state either way
 * and checks the echo against it. */
int clasp_config_set_hrr_cookie(clasp_config *cfg, int on);
/* Server: allow TLS 1.2 RSA key exchange (no forward secrecy; always the
 * last choice). On by default. */
int clasp_config_set_rsa_key_exchange(clasp_config *cfg, int on);
/* TLS 1.2: refuse peers that do not negotiate the extended master secret
 * (RFC 7627). Off by default (it is always offered and used when possible). */
int clasp_config_set_require_ems(clasp_config *cfg, int on);
/* Server: how many TLS 1.3 tickets to send after a handshake (default 1;
 * 0 sends none). Each has its own nonce, so its own PSK. */
int clasp_config_set_ticket_count(clasp_config *cfg, unsigned count);
/* Server: how long tickets and cached TLS 1.2 sessions stay valid, in
 * seconds (default 7200, at most 604800). Ticket keys rotate on the same
 * period; a key still opens tickets for one period after it retires. */
int clasp_config_set_ticket_lifetime(clasp_config *cfg, uint32_t seconds);
/* Server: the 32-byte secret ticket keys derive from. Servers that share it
 * resume each other's sessions, as long as they also share their client
 * authentication: the keys derive from it too (whether client certificates
 * are asked for, and the CA certificates trusted for them), so a session
 * from a server that asks for none never resumes on one that requires one.
 * Without a secret, a random one is made per config. The file holds 32 raw
 * bytes or 64 hex digits. */
int clasp_config_set_ticket_secret(clasp_config *cfg, const uint8_t secret[32]);
int clasp_config_load_ticket_secret(clasp_config *cfg, const char *path);
/* Server: turn session resumption (tickets and the TLS 1.2 session cache)
 * off or on (on by default). */
int clasp_config_set_resumption(clasp_config *cfg, int on);

/* Server: a session store shared by a fleet (Redis, memcached, a
 * database), instead of the built-in per-config TLS 1.2 session cache and
 * self-contained tickets. With one set:
 *   - a TLS 1.2 session is kept under its 32-byte session id;
 *   - every ticket (TLS 1.3, and TLS 1.2 RFC 5077) is a random 32-byte id,
 *     and the session is kept in the store under it (stateful tickets);
 *   - resuming looks the id up; a connection that resumed a session and
 *     then fails with a fatal alert removes it.
 * What is stored is opaque: the session sealed (AES-256-GCM) under the
 * config's ticket keys, so the store never holds a secret in the clear,
 * and servers sharing a store must share a ticket secret
 * (clasp_config_set_ticket_secret) and client-authentication policy. Data
 * older than the ticket lifetime is refused even if the store returns it;
 * `lifetime` tells the store when it may drop it. A failing store means a
 * full handshake, never a failed one. The callbacks run on the threads
 * driving handshakes, concurrently: they must be thread-safe if the config
 * is shared; they may block (the handshake waits). */
#define CLASP_SESSION_DATA_MAX 65535 /* the most bytes a stored session takes */
typedef struct {
    /* Keep len bytes of data under id; 0, or -1 if it was not kept. */
    int (*store)(void *arg, const uint8_t *id, size_t id_len, const uint8_t *data, size_t len,
                 uint32_t lifetime_seconds);
    /* Copy what is kept under id into buf (cap = CLASP_SESSION_DATA_MAX
     * bytes); return its length, or -1 when there is none. */
    long (*lookup)(void *arg, const uint8_t *id, size_t id_len, uint8_t *buf, size_t cap);
    /* Forget id (may be NULL). */
    void (*remove)(void *arg, const uint8_t *id, size_t id_len);
    void *arg;
} clasp_session_store;
/* store and lookup are required; NULL turns the store off again. */
int clasp_config_set_session_store(clasp_config *cfg, const clasp_session_store *store);

/* Revocation.
 *
 * CRLs: every X509 CRL in a PEM file, for verifying peers (both roles),
 * after the CA file they belong to. Once one is loaded, a peer's leaf is
 * accepted only if the CRL of its issuer is loaded, current and does not
 * list it: a listed leaf is refused with certificate_revoked
 * (CLASP_E_CERTIFICATE, "... has been revoked"); a missing or out-of-date
 * CRL refuses the chain too (certificate_unknown). CAs above the leaf's
 * issuer are not checked.
 *
 * OCSP stapling (status_request, RFC 6066 8 and RFC 8446 4.4.2.1). Server:
 * the DER OCSP response (`openssl ocsp -respout`) to staple for the
 * certificate chain loaded last, to clients that ask: in TLS 1.2 a
 * CertificateStatus message, in TLS 1.3 the leaf's CertificateEntry. The
 * response is sent as given; refresh it by making a new config. Client:
 * CLASP_OCSP_REQUEST asks for a response and, when one comes, checks it
 * (it is successful, signed by the certificate's issuer or a responder it
 * authorised, about this leaf, within thisUpdate..nextUpdate give or take
 * 5 minutes, and says good); CLASP_OCSP_REQUIRE also refuses a full
 * handshake without one. A failed check is bad_certificate_status_response
 * (a revoked certificate: certificate_revoked), CLASP_E_CERTIFICATE.
 * With verification off nothing is checked. Resumed connections carry no
 * certificate and no response. */
int clasp_config_load_crl_file(clasp_config *cfg, const char *pem_file);
int clasp_config_load_ocsp_response(clasp_config *cfg, const char *der_file);
int clasp_config_set_ocsp_response(clasp_config *cfg, const uint8_t *der, size_t len);
typedef enum {
    CLASP_OCSP_OFF = 0,  /* do not ask (the default) */
    CLASP_OCSP_REQUEST,  /* ask; check a response that comes */
    CLASP_OCSP_REQUIRE   /* ask; refuse a server that staples none */
} clasp_ocsp_mode;
int clasp_config_set_ocsp(clasp_config *cfg, clasp_ocsp_mode mode);

/* NSS key log lines ("CLIENT_HANDSHAKE_TRAFFIC_SECRET <random> <secret>"),
 * for Wireshark. The line has no trailing newline; it is wiped after the
 * call (copy it, do not keep the pointer). Called on the handshake's
 * thread: from a shared config, on several at once. */
typedef void clasp_keylog_fn(void *arg, const char *line);
int clasp_config_set_keylog(clasp_config *cfg, clasp_keylog_fn *fn, void *arg);

/* Handshake trace: one event per message sent or received and per
 * key-schedule step, with a short summary of its key fields. what and
 * detail are valid only during the call. */
typedef enum {
    CLASP_TRACE_SEND = 0,  /* a handshake message (or CCS/alert) we sent */
    CLASP_TRACE_RECV,      /* one we received */
    CLASP_TRACE_KEY,       /* a key-schedule step */
    CLASP_TRACE_NOTE       /* anything else worth showing */
} clasp_trace_kind;
typedef void clasp_trace_fn(void *arg, clasp_trace_kind kind, const char *what,
                            const char *detail);
int clasp_config_set_trace(clasp_config *cfg, clasp_trace_fn *fn, void *arg);

/* ------------------------------------------------------------- callbacks */

/* TLS alerts a callback may refuse a handshake with (RFC 8446 6.2). */
#define CLASP_ALERT_HANDSHAKE_FAILURE 40
#define CLASP_ALERT_BAD_CERTIFICATE 42
#define CLASP_ALERT_ACCESS_DENIED 49
#define CLASP_ALERT_UNRECOGNIZED_NAME 112
#define CLASP_ALERT_NO_APPLICATION_PROTOCOL 120

/* What a server's ClientHello asks for, as a selection callback sees it. The
 * view and every pointer in it are valid only during the callback. */
typedef struct {
    const char *server_name;  /* the SNI host name (NUL-terminated), or NULL */
    const uint8_t *alpn;      /* the client's ALPN list, wire form: each protocol
                               * with a 1-byte length; NULL when it sent none */
    size_t alpn_len;
    const uint16_t *sigalgs;  /* its signature_algorithms (RFC 8446 4.2.3 code
                               * points clasp knows), in its order */
    size_t n_sigalgs;
    int offers_tls13;         /* supported_versions lists TLS 1.3 */
} clasp_client_hello;

/* Server: called once per connection, when the first ClientHello has been
 * parsed and before anything is negotiated. Return 0 to go on: with *use
 * left NULL the connection keeps its configuration; set to another server
 * configuration (one per host name, say, each with its own certificates,
 * ALPN, CAs, tickets and session cache), the connection takes a reference
 * and uses that one for the rest of the handshake and after (its own
 * selection callback is not called). Return an alert number
 * (CLASP_ALERT_UNRECOGNIZED_NAME, CLASP_ALERT_HANDSHAKE_FAILURE, ...) to
 * refuse: the alert is sent, clasp_conn_error() is CLASP_E_NEGOTIATION and
 * the error sentence carries `why` if the callback wrote one (why_len
 * bytes, NUL-terminated). It runs on the thread driving the handshake. */
typedef int clasp_select_fn(void *arg, clasp_conn *c, const clasp_client_hello *hello,
                            clasp_config **use, char *why, size_t why_len);
int clasp_config_set_select_callback(clasp_config *cfg, clasp_select_fn *fn, void *arg);

/* Server: chooses the application protocol instead of the first of ours the
 * client offers (clasp_config_set_alpn, which is then not needed). offered
 * is the client's list in wire form (1-byte lengths). Return 0 with *proto /
 * *proto_len set to a protocol of that list (a pointer into it, or equal
 * bytes) to select it, or with *proto NULL to answer without ALPN; return
 * -1 to refuse with no_application_protocol. Choosing a protocol the client
 * did not offer is refused as an internal_error. Called only when the
 * client sends ALPN, after the selection callback. */
typedef int clasp_alpn_select_fn(void *arg, clasp_conn *c, const uint8_t *offered,
                                 size_t offered_len, const uint8_t **proto, size_t *proto_len);
int clasp_config_set_alpn_callback(clasp_config *cfg, clasp_alpn_select_fn *fn, void *arg);

/* Both roles: look at the peer's certificate chain (DER, der[0] is the
 * leaf; n >= 1). Pointers are valid only during the call.
 *
 * clasp_config_set_verify_callback: called after clasp verified the chain
 * (path to a trust anchor, dates, host name, usage), also for a chain
 * verified before and remembered; return 0 to accept, -1 to refuse it
 * (pinning, SPIFFE IDs): the handshake fails with bad_certificate,
 * CLASP_E_CERTIFICATE, and an error sentence that carries `why`. Not called
 * when verification is off or the peer sends no certificate.
 *
 * clasp_config_set_custom_verify: replaces clasp's path validation (a
 * private PKI, raw keys in certificates): the callback gets the unverified
 * chain and alone decides, as above. The handshake still checks that the
 * peer holds the leaf's private key (its CertificateVerify or
 * ServerKeyExchange signature) and that the leaf's keyUsage allows what its
 * key does. A session made from such a connection counts as verified. When
 * both are set, the custom one runs first, then the other. */
typedef int clasp_verify_fn(void *arg, clasp_conn *c, const uint8_t *const *der,
                            const size_t *der_len, size_t n, char *why, size_t why_len);
int clasp_config_set_verify_callback(clasp_config *cfg, clasp_verify_fn *fn, void *arg);
int clasp_config_set_custom_verify(clasp_config *cfg, clasp_verify_fn *fn, void *arg);

/* ------------------------------------------------------------ connection */

clasp_conn *clasp_conn_new(clasp_config *cfg);
void clasp_conn_free(clasp_conn *c);

/* Client: the name to send in SNI and to check the certificate against. An
 * IP address literal is checked against IP SANs and not sent as SNI. A DNS
 * name must be a valid host name (RFC 6066 3: ASCII letters, digits, '-'
 * and '_' in non-empty labels of at most 63 bytes, 253 in all; an
 * international name in its xn-- form); one trailing dot is dropped. Any
 * other name is refused: -1, clasp_conn_error() is CLASP_E_CONFIG and
 * clasp_conn_error_text() says what is wrong; the connection stays usable.
 * A server refuses such a name in a ClientHello with illegal_parameter and
 * ignores an IP literal there. */
int clasp_conn_set_server_name(clasp_conn *c, const char *name);

/* Sans-I/O core. Feed the bytes that came from the peer (some may be left for
 * later when the connection's buffer is full: *used says how many it took),
 * then take what must be sent: clasp_conn_output() points at the pending
 * bytes; clasp_conn_output_done() says how many went out. The pointer is
 * valid only until the next call on the connection other than
 * clasp_conn_output_done (see "lifetimes" above): send or copy before
 * calling clasp again. None of these calls blocks. */
int clasp_conn_feed(clasp_conn *c, const uint8_t *in, size_t len, size_t *used);
size_t clasp_conn_output(clasp_conn *c, const uint8_t **out);
void clasp_conn_output_done(clasp_conn *c, size_t n);
/* Zero-copy input: where the next bytes from the peer may be written, and
 * how many fit (0: read first); then say how many were written. The buffer
 * is valid only until clasp_conn_input_done or any other call on the
 * connection: read into it (recv, or libuv's alloc callback as in
 * examples/uv_client.c), then call clasp_conn_input_done at once. */
size_t clasp_conn_input_buffer(clasp_conn *c, uint8_t **buf);
void clasp_conn_input_done(clasp_conn *c, size_t n);

/* Advances the handshake: CLASP_OK when complete, CLASP_WANT_READ when it
 * needs bytes (send the output first), CLASP_WANT_PRIVATE_KEY while a
 * private-key operation is pending (below), CLASP_ERROR when failed. */
int clasp_conn_handshake(clasp_conn *c);
/* The result of the private-key operation the key callback left pending
 * (once it has returned CLASP_KEY_PENDING): len bytes of result (a signature, or the raw RSA
 * decryption), copied; result NULL says the operation failed. Then call
 * the handshake again, which checks and uses it. Like every call on a
 * connection, from one thread at a time: a signer thread hands the result
 * to the thread that drives the connection (an event loop, say), which
 * calls this. While the operation is pending the connection still takes
 * the peer's bytes (clasp_conn_feed) and gives its output
 * (clasp_conn_output), but handles nothing the peer sent; it may be freed,
 * after which the result must not be given. CLASP_OK; CLASP_ERROR when no
 * operation is pending (the connection is not changed) or the connection
 * has failed. */
int clasp_conn_private_key_done(clasp_conn *c, const uint8_t *result, size_t len);
int clasp_conn_handshake_done(const clasp_conn *c);
/* The transport reached its end: the peer will send no more bytes (read()
 * returned 0). Feed everything that came before it first. From then on, once
 * the buffered records are used up, clasp_conn_read returns CLASP_CLOSED if
 * close_notify came and CLASP_TRUNCATED if not; an unfinished handshake
 * fails (CLASP_ERROR). (A feed of 0 bytes is no EOF: it does nothing.) */
int clasp_conn_feed_eof(clasp_conn *c);
/* Application data: returns the number of bytes read (> 0), CLASP_WANT_READ,
 * CLASP_CLOSED, CLASP_TRUNCATED (after clasp_conn_feed_eof) or CLASP_ERROR.
 * Drives the handshake first if needed (and so may return what it returns,
 * CLASP_WANT_PRIVATE_KEY included). */
long clasp_conn_read(clasp_conn *c, uint8_t *buf, size_t len);
/* Feed and read in one call, without copying when it can: a whole record at
 * the front of `in` is decrypted straight into buf. *used says how much of
 * `in` was taken (the rest must be offered again); returns as read does. */
long clasp_conn_receive(clasp_conn *c, const uint8_t *in, size_t in_len, size_t *used,
                        uint8_t *buf, size_t len);
/* Encrypts all of buf into the output (split into records); returns len or
 * CLASP_WANT_READ / CLASP_WANT_PRIVATE_KEY (handshake not done) or CLASP_ERROR. Records carry at
 * most 2^14 bytes, or less when a TLS 1.3 client asked for a smaller
 * record_size_limit (RFC 8449), which the server keeps to. TLS 1.3 with
 * AES-GCM: a KeyUpdate is sent by itself before a key has protected 2^24.5
 * records (RFC 8446 5.5). */
long clasp_conn_write(clasp_conn *c, const uint8_t *buf, size_t len);
/* Queues close_notify. */
int clasp_conn_close(clasp_conn *c);
/* TLS 1.3: updates our sending keys; with request_peer, asks the peer to
 * update theirs too. Handshake messages still queued (the server's
 * NewSessionTickets) go out first, under the old key. */
int clasp_conn_key_update(clasp_conn *c, int request_peer);

/* Errors. The text is held by the connection until clasp_conn_free and
 * rewritten by a later failure: copy it to keep it. */
clasp_error_kind clasp_conn_error(const clasp_conn *c);
const char *clasp_conn_error_text(const clasp_conn *c);
/* The alert we sent / received (RFC 8446 6), or -1 when none. */
int clasp_conn_alert_sent(const clasp_conn *c);
int clasp_conn_alert_received(const clasp_conn *c);
const char *clasp_alert_name(int alert);
/* While the handshake waits on the peer (CLASP_WANT_READ), the name of the
 * peer's message(s) it waits for: "ServerHello", "Certificate or
 * CertificateRequest", ... NULL before the handshake starts, while a
 * private-key operation is pending, once it is done and after an error. Static text, valid for the life of the process: a
 * server can say what a client that timed out never sent. */
const char *clasp_conn_awaiting(const clasp_conn *c);

/* What was negotiated (valid once the handshake is done). The strings are
 * static, or held by the connection until clasp_conn_free (group and ALPN
 * names); the server name, on a client, until clasp_conn_set_server_name
 * replaces it. NULL when there is nothing to name. */
uint16_t clasp_conn_version(const clasp_conn *c);
const char *clasp_conn_version_name(const clasp_conn *c); /* "TLSv1.3" */
const char *clasp_conn_cipher_name(const clasp_conn *c);  /* IANA name */
const char *clasp_conn_group_name(const clasp_conn *c);   /* "x25519" */
const char *clasp_conn_sigalg_name(const clasp_conn *c);  /* the server's CertificateVerify scheme */
const char *clasp_conn_alpn(const clasp_conn *c);         /* NULL if none */
const char *clasp_conn_sni(const clasp_conn *c);          /* server: the name asked for */
int clasp_conn_resumed(const clasp_conn *c);
/* The peer's certificate chain, DER, index 0 = leaf; NULL past the end
 * (*len is then left alone). Valid until clasp_conn_free. On
 * a resumed connection (no certificates are sent), the chain of the
 * handshake that made the session, on both sides. A server that asks for
 * no client certificate shows none. */
const uint8_t *clasp_conn_peer_cert(const clasp_conn *c, size_t index, size_t *len);
/* Client: the OCSP response the server stapled (DER), or NULL; valid
 * until clasp_conn_free. */
const uint8_t *clasp_conn_ocsp_response(const clasp_conn *c, size_t *len);
/* Number of NewSessionTickets the client has received and kept. */
unsigned clasp_conn_tickets_received(const clasp_conn *c);

/* Keying-material exporter: out_len bytes bound to this connection, the
 * label and the context, which both peers compute alike (channel
 * binding, keys for another protocol). TLS 1.3: RFC 8446 7.5, from the
 * exporter_master_secret; an absent context (use_context 0) is the same as
 * an empty one. TLS 1.2: RFC 5705, where use_context 0 and an empty context
 * differ; only on a connection with the extended master secret (RFC 7627;
 * without it the material would not be unique to this connection), and
 * never with a label the TLS 1.2 key schedule uses itself ("master
 * secret", "key expansion", ...). Labels should begin with "EXPORTER" (or
 * "EXPERIMENTAL" for private use). Call it once the handshake is done, as
 * often as wanted, at any time until clasp_conn_free. CLASP_OK, or
 * CLASP_ERROR with clasp_conn_error_text() saying why (for a refused
 * request clasp_conn_error() is CLASP_E_CONFIG and the connection stays
 * usable). out is wiped on failure. */
int clasp_conn_export_keying_material(clasp_conn *c, const char *label, size_t label_len,
                                      const uint8_t *context, size_t context_len,
                                      int use_context, uint8_t *out, size_t out_len);

/* ------------------------------------------------------------- sessions */

/* A session the client can resume later: opaque, copyable to bytes.
 *
 * A session (and a server's ticket or cached TLS 1.2 session) records how
 * the peer was authenticated, because resuming skips the certificates: the
 * peer's chain, whether it was verified, and which trust anchors (a hash of
 * the CA certificates loaded) it was verified against. It also records the
 * server name it was made for. It is resumed only:
 *   - for the same server name (RFC 6066 3), on both sides;
 *   - where its authentication meets the current policy: a server that
 *     requires client certificates resumes only sessions whose client was
 *     verified against the same CAs (anything else is a full handshake,
 *     which then asks for a certificate); a verifying client offers only
 *     sessions whose server it verified against the same trust anchors;
 *   - in TLS 1.2, only with the extended master secret (RFC 7627 5.3: a
 *     session without it makes a full handshake; a ClientHello or
 *     ServerHello that drops it for a session that had it is refused with
 *     handshake_failure);
 *   - never after its connection ended with a fatal alert, sent or
 *     received (the server forgets it; the client is given none). */
typedef struct clasp_session clasp_session;
/* The newest resumable session of this connection (a TLS 1.3 one arrives
 * with the server's ticket, after the handshake: read some data first), or
 * NULL (none yet, or the connection failed with a fatal alert). The caller
 * frees it. */
clasp_session *clasp_conn_get_session(const clasp_conn *c);
/* Client, before the handshake: try to resume this session. One that does
 * not fit (another server name, verified otherwise, no extended master
 * secret) is not offered: the handshake is a full one. */
int clasp_conn_set_session(clasp_conn *c, const clasp_session *s);
void clasp_session_free(clasp_session *s);
uint16_t clasp_session_version(const clasp_session *s);
/* Serialised form, to keep a session across processes, with the server's
 * chain. It holds secrets: store it like a private key. *out is malloc'd.
 * Forms written by an older clasp, and damaged ones (a server chain that
 * does not parse, say), are refused (NULL): connect afresh. */
int clasp_session_to_bytes(const clasp_session *s, uint8_t **out, size_t *len);
clasp_session *clasp_session_from_bytes(const uint8_t *in, size_t len);

/* ------------------------------------------------------------- fd layer */

/* These move bytes between the connection and a socket, blocking or
 * non-blocking, and block exactly as long as the socket does. CLASP_WANT_READ / CLASP_WANT_WRITE (non-blocking, or a
 * blocking socket's SO_RCVTIMEO / SO_SNDTIMEO ran out) mean: wait until the
 * socket is readable / writable, then call again.
 *
 * Output the socket does not take at once stays in the connection (at most
 * about 64 KiB) and goes out, in order and exactly once, on the next
 * clasp_fd_write, clasp_fd_read, clasp_fd_close or clasp_fd_flush. An
 * event loop asks clasp_fd_flush whether to wait for writability. */

/* CLASP_OK when done; CLASP_WANT_READ / CLASP_WANT_WRITE: call again;
 * CLASP_WANT_PRIVATE_KEY: call again once clasp_conn_private_key_done()
 * gave the result (the output so far has been sent as far as the socket
 * took it); CLASP_ERROR (EOF during the handshake is one). */
int clasp_fd_handshake(clasp_conn *c, int fd);
/* Sends pending output as far as the socket takes it, then returns
 * application data (> 0), or CLASP_WANT_READ (nothing yet: wait until
 * readable; pending output never stops a read), CLASP_CLOSED (close_notify
 * came), CLASP_TRUNCATED (read() returned 0 before close_notify: see
 * CLASP_TRUNCATED above) or CLASP_ERROR; while the handshake is not done,
 * also CLASP_WANT_PRIVATE_KEY (as clasp_fd_handshake). */
long clasp_fd_read(clasp_conn *c, int fd, uint8_t *buf, size_t len);
/* Takes bytes from buf and returns how many (1..len): they are encrypted
 * and will reach the peer exactly once. Fewer than len when the socket
 * would block: call again later with buf + n, len - n (a blocking socket
 * without SO_SNDTIMEO always takes all of it). Returns CLASP_WANT_WRITE
 * when earlier output is still queued and it took nothing (wait until
 * writable, then call again with the same bytes), CLASP_WANT_READ while the
 * handshake needs the peer, CLASP_WANT_PRIVATE_KEY while it needs our key,
 * or CLASP_ERROR. With len 0 it only flushes. */
long clasp_fd_write(clasp_conn *c, int fd, const uint8_t *buf, size_t len);
/* Sends close_notify: CLASP_OK once it is out, CLASP_WANT_WRITE: call again
 * (or clasp_fd_flush) when writable. Reading stays possible: the peer's
 * data and its close_notify may still come. */
int clasp_fd_close(clasp_conn *c, int fd);
/* Sends pending output: CLASP_OK when none is left, CLASP_WANT_WRITE while
 * some is (wait until writable, call again), CLASP_ERROR. */
int clasp_fd_flush(clasp_conn *c, int fd);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif
#ifdef __cplusplus
}
#endif
#endif
