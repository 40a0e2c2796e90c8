/* SPDX-License-Identifier: Apache-2.0 */
/* The hostile-peer harness (tests/unit/test_hostile.c): the man in the
 * middle's units (items, flights), a case's description and a run's state,
 * and what the mutators use from hostile/harness.c. */
#ifndef CLASP_HOSTILE_HARNESS_H
#define CLASP_HOSTILE_HARNESS_H
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
/* The client offers only (and shares) group i of client_groups (harness.c):
 * bits 16-22 of the flags. */
#define CGROUP(i) ((unsigned)(i) << 16)
#define CGROUP_OF(flags) (((flags) >> 16) & 0x7fu)
#define OCSP 0x800000   /* the client asks for OCSP stapling; the server staples a response
                           (an OCSPResponse with status unauthorized, which a check refuses) */

#define MAX_ITEMS 512

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

/* Big-endian fields and the items of a flight (hostile/harness.c). */
size_t get_be(const uint8_t *p, int w);
void put_be(uint8_t *p, int w, size_t v);
item *insert_item(flight *f, size_t pos, uint8_t ct, int epoch, const void *p, size_t n);
void remove_item(flight *f, size_t pos);
/* A ServerHello that is a HelloRetryRequest (its special random). */
int is_hrr(const item *it);

/* What the sender does after the handshake in a POST case: writes "ping"
 * (the default), or first `arg` KeyUpdates. */
void post_write(run *r);
void post_key_updates(run *r);

/* Sets up both endpoints, runs the case through the proxy and checks the
 * tested side's outcome; prints one line. */
void run_case(const hcase *hc);
#endif
