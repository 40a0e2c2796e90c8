/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the fuzz targets and make_seeds: the PKIs, the fixed test-hook
 * values that keep recorded flights valid, the configurations each target
 * mode uses, and the loop that feeds bytes to a connection in chunks.
 *
 * PKIs:
 *   - "ecdsa" and "rsa": made once per process by cl_testpki_make in a
 *     temporary directory (what real deployments look like);
 *   - "fixed": Ed25519, committed in fuzz/pki and embedded in the binaries.
 *     Ed25519 signatures are deterministic, so with the fixed randoms and
 *     key shares below, a fixed ticket secret and a pinned clock, a server
 *     (TLS 1.3 or 1.2) produces byte-identical flights run after run: the
 *     client flights in fuzz/corpus/fuzz_server (and the server flights in
 *     fuzz/corpus/fuzz_client) replay with valid Finished MACs and PSK
 *     binders and reach the post-handshake code. It also holds an RSA-2048
 *     server certificate for the RSA modes. */
#ifndef CLASP_FUZZ_COMMON_H
#define CLASP_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/conn.h"

/* A property the target asserts: a failure aborts, which libFuzzer reports
 * as a crash with this message. */
#define FZ_CHECK(cond)                                                                   \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);     \
            abort();                                                                     \
        }                                                                                \
    } while (0)

/* Test-hook values (any fixed bytes would do). */
extern const uint8_t fz_client_random[32];
extern const uint8_t fz_server_random[32];
extern const uint8_t fz_client_priv[32]; /* x25519 / P-256 / P-384 scalar */
extern const uint8_t fz_server_priv[32];
extern const uint8_t fz_ticket_secret[32];

/* The clock the fixed configurations see: 2027-01-01 01:00 UTC, the middle
 * of a 2-hour ticket-key period, so recorded tickets stay fresh, and inside
 * the fixed PKI's validity (certificates are verified at this clock too). */
#define FZ_FIXED_TIME 1798765200
/* Pins cfg's clock (cl_now) to FZ_FIXED_TIME; call before each connection. */
void fz_pin_clock(clasp_config *cfg);

typedef enum { FZ_PKI_FIXED = 0, FZ_PKI_ECDSA, FZ_PKI_RSA } fz_pki;
/* A directory holding ca.pem, cert.pem, key.pem, client.pem, client-key.pem.
 * Made on first use, removed at exit. Aborts on failure. */
const char *fz_pki_dir(fz_pki which);
/* dir/file (static storage rotated over 8 slots). */
const char *fz_path(const char *dir, const char *file);

/* Server modes: fuzz_server's first input byte (FZ_SRV_* bits, all 8
 * used), and when it has FZ_SRV_EXT, its second byte too (FZ_SRX_* bits,
 * shifted up by 8 in a mode). The seeds recorded before there were 256
 * modes all start with a byte below 0x40, which means what it meant when
 * the byte was taken modulo 64. */
#define FZ_SRV_FIXED 0x01       /* fixed PKI, test hooks, ticket secret, clock; else the ECDSA PKI */
#define FZ_SRV_CLIENT_AUTH 0x02 /* request a client certificate (optional) */
#define FZ_SRV_ALPN 0x04        /* ALPN "h2,http/1.1" */
#define FZ_SRV_HRR 0x08         /* group secp256r1 only: x25519 clients get a HelloRetryRequest;
                                   with HYBRID: SecP384r1MLKEM1024 only, so every client
                                   gets a HelloRetryRequest to that hybrid */
#define FZ_SRV_RSA 0x10         /* an RSA certificate as well (TLS 1.2 RSA key exchange, ECDHE-RSA,
                                   DHE-RSA): with FIXED the fixed one, else one made at run time */
#define FZ_SRV_TLS12 0x20       /* TLS 1.2 only */
#define FZ_SRV_HYBRID 0x40      /* the three hybrid ML-KEM groups before the classic ones: a
                                   client's hybrid share is encapsulated to */
#define FZ_SRV_EXT 0x80         /* the input's second byte is FZ_SRX_* bits */
#define FZ_SRV_MODES 256        /* the first byte's values */
/* The second byte (FZ_SRV_EXT): this week's server features. */
#define FZ_SRX_OCSP 0x0100      /* staples fuzz/pki/ocsp-response.der (clients that ask) */
#define FZ_SRX_SELECT 0x0200    /* a ClientHello select callback: SNI "x..." refused
                                   (unrecognized_name), any name but "localhost" moves the
                                   connection to another config (FIXED|ALPN|CLIENT_AUTH) */
#define FZ_SRX_ALPN_CB 0x0400   /* an ALPN callback: the client's last protocol; "refuse": -1;
                                   first "none": no ALPN; "bogus": one not offered */
#define FZ_SRX_KEY 0x0800       /* the certificates' keys behind a private-key callback that
                                   answers later (CLASP_WANT_PRIVATE_KEY; the driver gives
                                   the result at its next step) */
#define FZ_SRX_KEY_SPOIL 0x1000 /* with KEY: the answer is spoiled (failed, one byte short, a
                                   flipped bit, or refused at once), by the operation's input */
#define FZ_SRX_STORE 0x2000     /* a session store (see fz_store_*) instead of tickets and cache */
#define FZ_SRX_MASK 0x3f00
/* The mode an input selects: its first byte, and its second with
 * FZ_SRV_EXT; *skip says how many bytes that took (0 when size is 0). */
unsigned fz_server_mode(const uint8_t *data, size_t size, size_t *skip);
/* A config per mode, made on first use, kept in a small cache. */
clasp_config *fz_server_config_cached(unsigned mode);
clasp_config *fz_server_config(unsigned mode);
/* A server connection; in FIXED mode with the test hooks set and the clock
 * pinned. */
clasp_conn *fz_server_conn(clasp_config *cfg, unsigned mode);

/* Client modes (fuzz_client's first input byte, modulo FZ_CLI_MODES). Bits
 * 0-1 pick the kind. */
#define FZ_CLI_KIND_MASK 0x03
#define FZ_CLI_RANDOM 0x00      /* verify off, real randoms */
#define FZ_CLI_VERIFY 0x01      /* verify on (fixed CA, "localhost"), test hooks */
#define FZ_CLI_HOOKS 0x02       /* verify off, test hooks */
#define FZ_CLI_RFC8448 0x03     /* the RFC 8448 section 3 client, byte for byte (other bits ignored) */
#define FZ_CLI_CERT 0x04        /* has a client certificate (fixed PKI) */
#define FZ_CLI_ALPN 0x08        /* offers ALPN "h2,http/1.1" */
#define FZ_CLI_TLS12 0x10       /* TLS 1.2 only */
#define FZ_CLI_RESUME 0x20      /* offers the recorded session (fuzz/corpus/sessions) */
#define FZ_CLI_HYBRID 0x40      /* the hybrid ML-KEM groups first (shares for X25519MLKEM768
                                   and x25519; a HelloRetryRequest may ask for another) */
#define FZ_CLI_OCSP 0x80        /* asks for a stapled OCSP response (checked with VERIFY) */
#define FZ_CLI_MODES 256        /* seeds from the 64-mode days start below 0x40: unchanged */
/* Kind 3 with any other bit set (never a committed seed's byte) is INJECT: a
 * client with the test hooks and the other bits' features (0x10 only
 * marks it; the driver seals TLS 1.3 records; with OCSP it verifies, so
 * the stapled response is checked), to which the driver seals the server's later records
 * itself, under the keys the client installs (caught by the hooks'
 * secret_cb): the fuzzer edits EncryptedExtensions, Certificate (its entry
 * extensions: status_request), CertificateRequest, CertificateVerify,
 * Finished and what follows in the clear. Input after the mode byte: a
 * 2-byte length, that many raw bytes (ServerHello, CCS), then records as
 * type (1 byte), length (2 bytes), content (see fz_run_inject). */
#define FZ_CLI_INJECT_MARK 0x10
int fz_client_inject(unsigned mode);
clasp_config *fz_client_config(unsigned mode);
/* A client connection with its server name, test hooks (unless RANDOM) and
 * session (RESUME); nothing sent yet: call clasp_conn_handshake next. */
clasp_conn *fz_client_conn(clasp_config *cfg, unsigned mode);

/* The sessions RESUME offers (serialised, clasp_session_to_bytes): by
 * default the ones embedded from fuzz/corpus/sessions/; make_seeds sets the
 * ones it has just made. */
void fz_set_sessions(const uint8_t *tls13, size_t len13, const uint8_t *tls12, size_t len12);

/* The FZ_SRX_KEY callback's pending operation, if it has one for c: the
 * answer is given now (clasp_conn_private_key_done). 1 if it gave one. */
int fz_key_answer(clasp_conn *c);
/* clasp_conn_free, forgetting c's pending key operation. */
void fz_conn_free(clasp_conn *c);

/* Whether CLASP_FUZZ_STRICT is set: no workarounds for known library bugs
 * (scripts/fuzz.sh sets it for the regression runs). */
int fz_strict(void);

/* clasp_conn_output, minus the known bugs (see fz_strict). */
size_t fz_output(clasp_conn *c, const uint8_t **out);
/* Takes everything c wants to send; returns how many bytes that was. */
size_t fz_drain(clasp_conn *c);

/* Feeds data to c in a few chunks whose boundaries are derived from the
 * bytes (so records arrive split), advancing the handshake and reading
 * application data after each, until the input is used up or the
 * connection dies or closes. Aborts if the connection stops taking input
 * while still alive (a hang). */
void fz_run(clasp_conn *c, const uint8_t *data, size_t len);
/* The INJECT driver: feeds the raw prefix, then seals each record of the
 * rest under the client's current read key (plaintext before it has one)
 * and feeds it, stepping the handshake and reads after each; then closes
 * as fz_run does. */
void fz_run_inject(clasp_conn *c, const uint8_t *data, size_t len);
/* Calls every getter on c, and round-trips the session it would resume. */
void fz_inspect(clasp_conn *c);

#endif
