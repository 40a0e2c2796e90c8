/* Shared by the fuzz targets and make_seeds: the PKIs, the fixed test-hook
 * values that keep recorded flights valid, the configurations each target
 * mode uses, and the loop that feeds bytes to a connection in chunks.
 *
 * Two PKIs:
 *   - the "test" PKI: ECDSA, made once per process by clasp_make_test_pki in
 *     a temporary directory (what a real deployment's server looks like);
 *   - the "fixed" PKI: Ed25519, committed in fuzz/pki and embedded in the
 *     binaries. Ed25519 signatures are deterministic, so with the fixed
 *     randoms and key shares below a server produces byte-identical flights
 *     run after run: the client flights in fuzz/corpus/fuzz_server (and the
 *     server flights in fuzz/corpus/fuzz_client) replay with valid Finished
 *     MACs and reach the post-handshake code. */
#ifndef CLASP_FUZZ_COMMON_H
#define CLASP_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "conn/internal.h"

/* Test-hook values (any fixed bytes would do). */
extern const uint8_t fz_client_random[32];
extern const uint8_t fz_server_random[32];
extern const uint8_t fz_client_priv[32]; /* x25519 / P-256 / P-384 scalar */
extern const uint8_t fz_server_priv[32];

/* Directories holding ca.pem, cert.pem, key.pem, client.pem, client-key.pem.
 * Made on first use, removed at exit. NULL (after a message on stderr) on
 * failure. */
const char *fz_test_pki_dir(void);  /* ECDSA, clasp_make_test_pki */
const char *fz_fixed_pki_dir(void); /* Ed25519, fuzz/pki */
/* dir/file into out (static storage rotated over 8 slots). */
const char *fz_path(const char *dir, const char *file);

/* Server modes (fuzz_server's first input byte). */
#define FZ_SRV_FIXED 0x01       /* fixed PKI and test hooks, else the test PKI */
#define FZ_SRV_CLIENT_AUTH 0x02 /* request a client certificate (optional) */
#define FZ_SRV_ALPN 0x04        /* ALPN "h2,http/1.1" */
#define FZ_SRV_HRR 0x08         /* only secp256r1: x25519 clients get a HelloRetryRequest */
#define FZ_SRV_MODES 16
clasp_config *fz_server_config(unsigned mode);
/* A server connection; in FIXED mode with the test hooks set. */
clasp_conn *fz_server_conn(clasp_config *cfg, unsigned mode);

/* Client modes (fuzz_client's first input byte). Bits 0-1 pick the kind. */
#define FZ_CLI_KIND_MASK 0x03
#define FZ_CLI_RANDOM 0x00      /* verify off, real randoms */
#define FZ_CLI_VERIFY 0x01      /* verify on (fixed CA, "localhost"), test hooks */
#define FZ_CLI_HOOKS 0x02       /* verify off, test hooks */
#define FZ_CLI_RFC8448 0x03     /* the RFC 8448 section 3 client, byte for byte */
#define FZ_CLI_CERT 0x04        /* has a client certificate (fixed PKI) */
#define FZ_CLI_ALPN 0x08        /* offers ALPN "h2,http/1.1" (not in RFC 8448 kind) */
#define FZ_CLI_MODES 16
clasp_config *fz_client_config(unsigned mode);
/* A client connection with its server name and (unless RANDOM) test hooks;
 * nothing sent yet. */
clasp_conn *fz_client_conn(clasp_config *cfg, unsigned mode);

/* Whether CLASP_FUZZ_STRICT is set: no workarounds for known library bugs
 * (scripts/fuzz.sh sets it for the regression runs). */
int fz_strict(void);

/* Takes everything c wants to send; returns how many bytes that was. */
size_t fz_drain(clasp_conn *c);

/* Feeds data to c in a few chunks whose boundaries are derived from the
 * bytes (so records arrive split), advancing the handshake and reading
 * application data after each, until the input is used up or the
 * connection dies or closes. Aborts if the connection stops taking input
 * while still alive (a hang). */
void fz_run(clasp_conn *c, const uint8_t *data, size_t len);

#endif
