/* SPDX-License-Identifier: Apache-2.0 */
/* The scenario table and, per scenario and library, the hook that configures
 * versions, suites, groups, certificates and tickets.
 *
 * Both libraries get the same certificates (one test PKI per key type), the
 * same single suite and group, full verification on the client (chain and
 * host name "localhost"), no session tickets for full-handshake scenarios,
 * and no session cache. Middlebox compatibility mode is on in both (their
 * default).
 *
 * A scenario for a feature clasp does not have yet gets `.clasp = NULL` and a
 * `.skip_reason`: it prints `skip scenario=S reason=...` (and `--only openssl`
 * still runs its OpenSSL side). To enable it, write a clasp_hooks (a config
 * function, plus the session functions for resumption) and point `.clasp` at
 * it. (Every scenario below has its clasp hooks now: TLS 1.2 and resumption
 * landed while the bench was written.) */
#include <stdio.h>
#include <string.h>

#include "bench.h"

/* ---------------------------------------------------------------- clasp */

/* tickets: 0 = a full-handshake scenario: the server sends no TLS 1.3
 * tickets and (with the session API) keeps no TLS 1.2 tickets or cache;
 * n = TLS 1.3 tickets per full handshake, resumption on. */
static int clasp_common(const bench_pki *pki, int which, uint16_t version, const char *suites,
                        const char *groups, unsigned tickets, clasp_config *srv,
                        clasp_config *cli)
{
    const char *what = NULL;
    clasp_config *bad = NULL;
    if (clasp_config_set_versions(srv, version, version) ||
        clasp_config_set_ciphers(srv, suites) || (groups && clasp_config_set_groups(srv, groups)) ||
        clasp_config_load_cert_chain(srv, pki->cert[which], pki->key[which])) {
        bad = srv;
        what = "server";
    } else if (clasp_config_set_versions(cli, version, version) ||
               clasp_config_set_ciphers(cli, suites) ||
               (groups && clasp_config_set_groups(cli, groups)) ||
               clasp_config_load_ca_file(cli, pki->ca[which])) {
        bad = cli;
        what = "client";
    }
    if (bad) {
        fprintf(stderr, "clasp %s config: %s\n", what, clasp_config_error(bad));
        return -1;
    }
    clasp_config_set_verify_peer(cli, 1);
    clasp_config_set_ticket_count(srv, tickets);
    clasp_config_set_resumption(srv, tickets > 0);
    return 0;
}

static int clasp_tls13_ecdsa(const bench_pki *pki, clasp_config *srv, clasp_config *cli)
{
    return clasp_common(pki, PKI_ECDSA, CLASP_TLS1_3, "TLS_AES_128_GCM_SHA256", "x25519", 0, srv,
                        cli);
}

static int clasp_tls13_rsa(const bench_pki *pki, clasp_config *srv, clasp_config *cli)
{
    return clasp_common(pki, PKI_RSA, CLASP_TLS1_3, "TLS_AES_128_GCM_SHA256", "x25519", 0, srv,
                        cli);
}

static int clasp_bulk_chacha(const bench_pki *pki, clasp_config *srv, clasp_config *cli)
{
    return clasp_common(pki, PKI_ECDSA, CLASP_TLS1_3, "TLS_CHACHA20_POLY1305_SHA256", "x25519", 0,
                        srv, cli);
}

/* TLS 1.2 also checks the certificate's curve against supported_groups:
 * P-256 must be listed; X25519 stays first, so ECDHE uses it. */
static int clasp_tls12_ecdhe_ecdsa(const bench_pki *pki, clasp_config *srv, clasp_config *cli)
{
    return clasp_common(pki, PKI_ECDSA, CLASP_TLS1_2, "ECDHE-ECDSA-AES128-GCM-SHA256",
                        "x25519:secp256r1", 0, srv, cli);
}

static int clasp_tls12_rsa_kx(const bench_pki *pki, clasp_config *srv, clasp_config *cli)
{
    return clasp_common(pki, PKI_RSA, CLASP_TLS1_2, "AES128-GCM-SHA256", NULL, 0, srv, cli);
}

static const clasp_hooks clasp_h_tls13_ecdsa = {.config = clasp_tls13_ecdsa};
/* The hybrid post-quantum group; the OpenSSL side (3.0 here) has no ML-KEM,
 * so the scenario measures clasp alone against its own tls13-ecdsa. */
static int clasp_tls13_hybrid(const bench_pki *pki, clasp_config *srv, clasp_config *cli)
{
    return clasp_common(pki, PKI_ECDSA, CLASP_TLS1_3, "TLS_AES_128_GCM_SHA256", "X25519MLKEM768",
                        0, srv, cli);
}
static const clasp_hooks clasp_h_tls13_hybrid = {.config = clasp_tls13_hybrid};
static const clasp_hooks clasp_h_tls13_rsa = {.config = clasp_tls13_rsa};
static const clasp_hooks clasp_h_bulk_chacha = {.config = clasp_bulk_chacha};
static const clasp_hooks clasp_h_tls12_ecdhe_ecdsa = {.config = clasp_tls12_ecdhe_ecdsa};
static const clasp_hooks clasp_h_tls12_rsa_kx = {.config = clasp_tls12_rsa_kx};

/* Resumption, through the session API (clasp_conn_get_session /
 * clasp_conn_set_session). */
static int clasp_tls13_resume(const bench_pki *pki, clasp_config *srv, clasp_config *cli)
{
    /* One ticket per handshake, as the OpenSSL side is configured. */
    return clasp_common(pki, PKI_ECDSA, CLASP_TLS1_3, "TLS_AES_128_GCM_SHA256", "x25519", 1, srv,
                        cli);
}

static int clasp_tls12_resume(const bench_pki *pki, clasp_config *srv, clasp_config *cli)
{
    return clasp_common(pki, PKI_ECDSA, CLASP_TLS1_2, "ECDHE-ECDSA-AES128-GCM-SHA256",
                        "x25519:secp256r1", 1, srv, cli);
}

/* The runner has pumped everything the server sent, so a TLS 1.3 ticket is
 * processed by one read that finds no application data. */
static void *clasp_save_session(clasp_conn *cli)
{
    uint8_t b;
    if (clasp_conn_version(cli) == CLASP_TLS1_3)
        (void)clasp_conn_read(cli, &b, 1);
    return clasp_conn_get_session(cli);
}

static int clasp_offer_session(clasp_conn *cli, void *session)
{
    return clasp_conn_set_session(cli, session) ? -1 : 0;
}

static void clasp_free_session(void *session) { clasp_session_free(session); }

static const clasp_hooks clasp_h_tls13_resume = {.config = clasp_tls13_resume,
                                                 .save_session = clasp_save_session,
                                                 .offer_session = clasp_offer_session,
                                                 .free_session = clasp_free_session};
static const clasp_hooks clasp_h_tls12_resume = {.config = clasp_tls12_resume,
                                                 .save_session = clasp_save_session,
                                                 .offer_session = clasp_offer_session,
                                                 .free_session = clasp_free_session};

/* -------------------------------------------------------------- OpenSSL */

static int ossl_fail(const char *what)
{
    fprintf(stderr, "OpenSSL config: %s failed\n", what);
    return -1;
}

/* tickets: 0 = none (SSL_OP_NO_TICKET, num_tickets 0), n = stateless
 * tickets, n per full handshake in TLS 1.3. */
static int ossl_common(const bench_pki *pki, int which, int version, const char *suites13,
                       const char *list12, const char *groups, int tickets, SSL_CTX *srv,
                       SSL_CTX *cli)
{
    SSL_CTX *both[2] = {srv, cli};
    for (int i = 0; i < 2; i++) {
        SSL_CTX *ctx = both[i];
        if (!SSL_CTX_set_min_proto_version(ctx, version) ||
            !SSL_CTX_set_max_proto_version(ctx, version))
            return ossl_fail("set_min/max_proto_version");
        if (suites13 && !SSL_CTX_set_ciphersuites(ctx, suites13))
            return ossl_fail("set_ciphersuites");
        if (list12 && !SSL_CTX_set_cipher_list(ctx, list12))
            return ossl_fail("set_cipher_list");
        if (groups && !SSL_CTX_set1_groups_list(ctx, groups))
            return ossl_fail("set1_groups_list");
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    }
    if (tickets == 0) {
        SSL_CTX_set_options(srv, SSL_OP_NO_TICKET);
        SSL_CTX_set_options(cli, SSL_OP_NO_TICKET);
        SSL_CTX_set_num_tickets(srv, 0);
    } else {
        SSL_CTX_clear_options(srv, SSL_OP_NO_TICKET);
        SSL_CTX_set_num_tickets(srv, (size_t)tickets);
    }
    if (SSL_CTX_use_certificate_chain_file(srv, pki->cert[which]) != 1 ||
        SSL_CTX_use_PrivateKey_file(srv, pki->key[which], SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(srv) != 1)
        return ossl_fail("loading the server certificate and key");
    if (SSL_CTX_load_verify_locations(cli, pki->ca[which], NULL) != 1)
        return ossl_fail("load_verify_locations");
    SSL_CTX_set_verify(cli, SSL_VERIFY_PEER, NULL);
    return 0;
}

static int ossl_tls13_ecdsa(const bench_pki *pki, SSL_CTX *srv, SSL_CTX *cli)
{
    return ossl_common(pki, PKI_ECDSA, TLS1_3_VERSION, "TLS_AES_128_GCM_SHA256", NULL, "X25519",
                       0, srv, cli);
}

static int ossl_tls13_rsa(const bench_pki *pki, SSL_CTX *srv, SSL_CTX *cli)
{
    return ossl_common(pki, PKI_RSA, TLS1_3_VERSION, "TLS_AES_128_GCM_SHA256", NULL, "X25519", 0,
                       srv, cli);
}

static int ossl_bulk_chacha(const bench_pki *pki, SSL_CTX *srv, SSL_CTX *cli)
{
    return ossl_common(pki, PKI_ECDSA, TLS1_3_VERSION, "TLS_CHACHA20_POLY1305_SHA256", NULL,
                       "X25519", 0, srv, cli);
}

static int ossl_tls13_resume(const bench_pki *pki, SSL_CTX *srv, SSL_CTX *cli)
{
    /* One stateless ticket per handshake; the client offers psk_dhe_ke. */
    return ossl_common(pki, PKI_ECDSA, TLS1_3_VERSION, "TLS_AES_128_GCM_SHA256", NULL, "X25519",
                       1, srv, cli);
}

/* TLS 1.2 also checks the certificate's curve against supported_groups:
 * P-256 must be listed; X25519 stays first, so ECDHE uses it. */
static int ossl_tls12_ecdhe_ecdsa(const bench_pki *pki, SSL_CTX *srv, SSL_CTX *cli)
{
    return ossl_common(pki, PKI_ECDSA, TLS1_2_VERSION, NULL, "ECDHE-ECDSA-AES128-GCM-SHA256",
                       "X25519:P-256", 0, srv, cli);
}

static int ossl_tls12_rsa_kx(const bench_pki *pki, SSL_CTX *srv, SSL_CTX *cli)
{
    return ossl_common(pki, PKI_RSA, TLS1_2_VERSION, NULL, "AES128-GCM-SHA256", NULL, 0, srv, cli);
}

static int ossl_tls12_resume(const bench_pki *pki, SSL_CTX *srv, SSL_CTX *cli)
{
    return ossl_common(pki, PKI_ECDSA, TLS1_2_VERSION, NULL, "ECDHE-ECDSA-AES128-GCM-SHA256",
                       "X25519:P-256", 1, srv, cli);
}

/* The client has read everything the server sent (the runner pumped it),
 * so a TLS 1.3 ticket is processed by one read that finds no data. (The
 * runner marks resuming clients as shut down before SSL_free, or libssl
 * would mark the session not resumable.) */
static void *ossl_save_session(SSL *cli)
{
    uint8_t b;
    if (SSL_version(cli) == TLS1_3_VERSION)
        (void)SSL_read(cli, &b, 1);
    SSL_SESSION *s = SSL_get1_session(cli);
    if (s && !SSL_SESSION_is_resumable(s)) {
        SSL_SESSION_free(s);
        return NULL;
    }
    return s;
}

static int ossl_offer_session(SSL *cli, void *session)
{
    return SSL_set_session(cli, session) == 1 ? 0 : -1;
}

static void ossl_free_session(void *session) { SSL_SESSION_free(session); }

static const openssl_hooks ossl_h_tls13_ecdsa = {.config = ossl_tls13_ecdsa};
static const openssl_hooks ossl_h_tls13_rsa = {.config = ossl_tls13_rsa};
static const openssl_hooks ossl_h_bulk_chacha = {.config = ossl_bulk_chacha};
static const openssl_hooks ossl_h_tls12_ecdhe_ecdsa = {.config = ossl_tls12_ecdhe_ecdsa};
static const openssl_hooks ossl_h_tls12_rsa_kx = {.config = ossl_tls12_rsa_kx};
static const openssl_hooks ossl_h_tls13_resume = {.config = ossl_tls13_resume,
                                                  .save_session = ossl_save_session,
                                                  .offer_session = ossl_offer_session,
                                                  .free_session = ossl_free_session};
static const openssl_hooks ossl_h_tls12_resume = {.config = ossl_tls12_resume,
                                                  .save_session = ossl_save_session,
                                                  .offer_session = ossl_offer_session,
                                                  .free_session = ossl_free_session};

/* ---------------------------------------------------------------- table */

const scenario bench_scenarios[] = {
    {.name = "tls13-ecdsa", .kind = KIND_HANDSHAKE,
     .what = "TLS 1.3 full handshake, X25519, ECDSA P-256 cert, AES-128-GCM",
     .version = CLASP_TLS1_3, .suite = "TLS_AES_128_GCM_SHA256", .group = "x25519",
     .clasp = &clasp_h_tls13_ecdsa, .openssl = &ossl_h_tls13_ecdsa},
    {.name = "tls13-hybrid", .kind = KIND_HANDSHAKE,
     .what = "TLS 1.3 full handshake, X25519MLKEM768, ECDSA P-256 cert, AES-128-GCM (clasp only: "
             "extra CPU over tls13-ecdsa against the targets)",
     .version = CLASP_TLS1_3, .suite = "TLS_AES_128_GCM_SHA256", .group = "X25519MLKEM768",
     .clasp = &clasp_h_tls13_hybrid, .openssl = NULL},
    {.name = "tls13-rsa", .kind = KIND_HANDSHAKE,
     .what = "TLS 1.3 full handshake, X25519, RSA-2048 cert (PSS), AES-128-GCM",
     .version = CLASP_TLS1_3, .suite = "TLS_AES_128_GCM_SHA256", .group = "x25519",
     .clasp = &clasp_h_tls13_rsa, .openssl = &ossl_h_tls13_rsa},
    {.name = "tls13-resume", .kind = KIND_HANDSHAKE, .resume = 1,
     .what = "TLS 1.3 PSK-DHE resumption from a ticket, X25519",
     .version = CLASP_TLS1_3, .suite = "TLS_AES_128_GCM_SHA256", .group = "x25519",
     .clasp = &clasp_h_tls13_resume, .openssl = &ossl_h_tls13_resume},
    {.name = "tls12-ecdhe-ecdsa", .kind = KIND_HANDSHAKE,
     .what = "TLS 1.2 full handshake, ECDHE X25519, ECDSA P-256 cert, AES-128-GCM",
     .version = CLASP_TLS1_2, .suite = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", .group = "x25519",
     .clasp = &clasp_h_tls12_ecdhe_ecdsa, .openssl = &ossl_h_tls12_ecdhe_ecdsa},
    {.name = "tls12-rsa-kx", .kind = KIND_HANDSHAKE,
     .what = "TLS 1.2 full handshake, RSA key transport, RSA-2048 cert, AES-128-GCM",
     .version = CLASP_TLS1_2, .suite = "TLS_RSA_WITH_AES_128_GCM_SHA256", .group = NULL,
     .clasp = &clasp_h_tls12_rsa_kx, .openssl = &ossl_h_tls12_rsa_kx},
    {.name = "tls12-resume", .kind = KIND_HANDSHAKE, .resume = 1,
     .what = "TLS 1.2 abbreviated handshake from a session ticket (ECDHE-ECDSA session)",
     .version = CLASP_TLS1_2, .suite = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", .group = NULL,
     .clasp = &clasp_h_tls12_resume, .openssl = &ossl_h_tls12_resume},
    {.name = "bulk-aes128gcm", .kind = KIND_BULK,
     .what = "client writes N bytes in 16 KiB writes, server reads them (TLS 1.3 AES-128-GCM)",
     .version = CLASP_TLS1_3, .suite = "TLS_AES_128_GCM_SHA256", .group = "x25519",
     .clasp = &clasp_h_tls13_ecdsa, .openssl = &ossl_h_tls13_ecdsa},
    {.name = "bulk-chacha20", .kind = KIND_BULK,
     .what = "client writes N bytes in 16 KiB writes, server reads them (TLS 1.3 ChaCha20-Poly1305)",
     .version = CLASP_TLS1_3, .suite = "TLS_CHACHA20_POLY1305_SHA256", .group = "x25519",
     .clasp = &clasp_h_bulk_chacha, .openssl = &ossl_h_bulk_chacha},
    {.name = "mem", .kind = KIND_MEM,
     .what = "live heap per connection pair after the handshake / per idle server connection",
     .version = CLASP_TLS1_3, .suite = "TLS_AES_128_GCM_SHA256", .group = "x25519",
     .clasp = &clasp_h_tls13_ecdsa, .openssl = &ossl_h_tls13_ecdsa},
};
const size_t bench_n_scenarios = sizeof bench_scenarios / sizeof bench_scenarios[0];
