/* SPDX-License-Identifier: Apache-2.0 */
/* clasp-bench: clasp against OpenSSL's libssl in one process, client and
 * server over in-memory transports, CPU time per side.
 *
 * Layout:
 *   main.c         options, rounds, medians, the table and the ratio lines
 *   scenarios.c    the scenario table and the per-scenario configuration
 *                  hooks for each library (enable a scenario here)
 *   lib_clasp.c    drives clasp through its public sans-I/O API
 *   lib_openssl.c  drives libssl through a buffer-less custom BIO
 *   floor.c        raw libcrypto costs: AEAD on 16 KiB records, handshake
 *                  primitives */
#ifndef CLASP_BENCH_H
#define CLASP_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/ssl.h>

#include <clasp/clasp.h>

/* ------------------------------------------------------------- timing */

enum { SIDE_SERVER = 0, SIDE_CLIENT = 1 };

/* CPU time of one side: the sum of the thread CPU time spent inside that
 * side's library calls, and how many calls were timed. */
typedef struct {
    uint64_t ns[2];
    uint64_t calls[2];
} cpu_acc;

static inline uint64_t bench_thread_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline uint64_t bench_wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The timer's own cost per timed interval (calibrated at start-up in
 * main.c); it is subtracted from every figure. */
extern double bench_timer_ns;

/* Runs stmt (one library call, or consecutive calls of the same side with no
 * harness work in between) and charges its CPU time to side. */
#define TIMED(acc, side, ...)                                 \
    do {                                                      \
        uint64_t t0_ = bench_thread_ns();                     \
        __VA_ARGS__;                                          \
        (acc)->ns[(side)] += bench_thread_ns() - t0_;         \
        (acc)->calls[(side)]++;                               \
    } while (0)

/* A side's CPU time in microseconds, without the timer's own cost. */
static inline double acc_us(const cpu_acc *a, int side)
{
    double ns = (double)a->ns[side] - (double)a->calls[side] * bench_timer_ns;
    return (ns > 0 ? ns : 0) / 1e3;
}

/* ----------------------------------------------------------- scenarios */

/* Files made once per run with cl_testpki_make. */
typedef struct {
    char dir[2][256];                  /* [PKI_ECDSA], [PKI_RSA] */
    char ca[2][300], cert[2][300], key[2][300];
} bench_pki;
enum { PKI_ECDSA = 0, PKI_RSA = 1 };

typedef enum { KIND_HANDSHAKE, KIND_BULK, KIND_MEM } scen_kind;

/* What a library needs to run a scenario. config is required; the session
 * hooks only for resumption scenarios (resume != 0): save_session is called
 * on the client after an untimed priming handshake (once it has read the
 * server's tickets), offer_session on every new client before its timed
 * handshake. */
typedef struct {
    int (*config)(const bench_pki *pki, clasp_config *srv, clasp_config *cli);
    void *(*save_session)(clasp_conn *cli);
    int (*offer_session)(clasp_conn *cli, void *session);
    void (*free_session)(void *session);
} clasp_hooks;

typedef struct {
    int (*config)(const bench_pki *pki, SSL_CTX *srv, SSL_CTX *cli);
    void *(*save_session)(SSL *cli);
    int (*offer_session)(SSL *cli, void *session);
    void (*free_session)(void *session);
} openssl_hooks;

typedef struct {
    const char *name;
    scen_kind kind;
    const char *what;         /* one line for the table */
    int resume;               /* timed handshakes resume a session */
    uint16_t version;         /* expected negotiated version */
    const char *suite;        /* expected IANA suite name */
    const char *group;        /* expected group ("x25519"), NULL: none (RSA key exchange) */
    const clasp_hooks *clasp; /* NULL: not available in clasp yet */
    const openssl_hooks *openssl;
    const char *skip_reason;  /* why clasp == NULL */
} scenario;

extern const scenario bench_scenarios[];
extern const size_t bench_n_scenarios;

/* ---------------------------------------------------------- libraries */

typedef struct {
    double server_us, client_us; /* CPU per handshake, per side */
    double wall_us;              /* wall clock per handshake (both sides + harness) */
    double server_calls, client_calls; /* timed intervals per handshake */
} hs_result;

typedef struct {
    double server_mb_s, client_mb_s; /* MB (1e6 bytes) per second of each side's CPU */
} bulk_result;

typedef struct {
    double pair_bytes, idle_server_bytes;
    double idle_after_bulk_bytes; /* idle server after 64 KiB each way (informative) */
    double leaked_bytes; /* live heap after freeing everything, per pair */
} mem_result;

/* One library, behind the same interface. err receives a sentence on
 * failure (the functions then return -1). */
typedef struct bench_lib {
    const char *name;
    /* Makes the two configs / contexts for a scenario. */
    void *(*setup)(const scenario *s, const bench_pki *pki, char *err, size_t errlen);
    void (*teardown)(void *ctx);
    /* Runs one untimed handshake and prints what was negotiated. */
    int (*describe)(void *ctx, char *out, size_t outlen, char *err, size_t errlen);
    int (*handshakes)(void *ctx, int n, hs_result *r, char *err, size_t errlen);
    /* The client writes `bytes` in 16 KiB writes, `batch` writes per turn
     * before the server reads (1: drained after every write, like a socket). */
    int (*bulk)(void *ctx, size_t bytes, int batch, bulk_result *r, char *err, size_t errlen);
    int (*mem)(void *ctx, int pairs, mem_result *r, char *err, size_t errlen);
} bench_lib;

extern const bench_lib bench_lib_clasp;
extern const bench_lib bench_lib_openssl;

/* Live heap bytes (glibc mallinfo2: uordblks + hblkhd). */
size_t bench_heap_live(void);

/* Raw libcrypto costs (floor.c), through EVP with algorithms fetched once:
 * the cost no TLS library on libcrypto can go below. Index [0] AES-128-GCM,
 * [1] ChaCha20-Poly1305; per-key arrays are indexed by PKI_ECDSA/PKI_RSA. */
typedef struct {
    double seal_mb_s[2], open_mb_s[2];  /* 16 KiB records, in place, 5-byte AAD, tag */
    double x25519_keygen_us;            /* keygen + export of the public key */
    double x25519_derive_us;            /* parse the peer key + derive */
    double sign_us[2];                  /* CertificateVerify (ECDSA P-256 / RSA-PSS) */
    double verify_us[2];                /* the same, verified */
    double cert_verify_us[2];           /* the CA's signature on the leaf (X509_verify) */
    double rsa_decrypt_us, rsa_encrypt_us; /* TLS 1.2 RSA key transport, PKCS#1 v1.5, 48 bytes */
} floor_result;
int bench_floor(const bench_pki *pki, double seconds_each, floor_result *r, char *err,
                size_t errlen);
/* Raw AEAD speed alone ([0] AES-128-GCM, [1] ChaCha20-Poly1305), as in the
 * floor: each bulk round measures it next to the libraries, so "x of raw"
 * compares figures taken minutes, not seconds, apart on a noisy VM. */
int bench_aead_raw(int chacha, double seconds, double *seal_mb_s, double *open_mb_s);

/* ML-KEM per operation, [0] ML-KEM-768, [1] ML-KEM-1024 (mlkem.c): the
 * byte-form API, and (clasp only) the expanded key the TLS client keeps. */
typedef struct {
    double keygen_us[2], encaps_us[2], decaps_us[2];
    double key_generate_us[2], key_decaps_us[2];
    int avx2; /* the polynomial path clasp took */
} mlkem_result;
int bench_mlkem(double seconds_each, mlkem_result *r);
/* The same from `CMD speed` of an OpenSSL 3.5 command line. */
int bench_mlkem_openssl(const char *cmd, mlkem_result *r);

#endif
