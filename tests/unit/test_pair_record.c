/* SPDX-License-Identifier: Apache-2.0 */
/* Record layer and post-handshake sending, in-memory client and server:
 * a KeyUpdate never overtakes NewSessionTickets still queued, a server keeps
 * to the client's record_size_limit (RFC 8449), and AES-GCM keys are
 * updated before their usage limit (RFC 8446 5.5). */
#include <stdlib.h>
#include <string.h>

#include "pairutil.h"
#include "testutil.h"

/* The order of what the client received: 'T' NewSessionTicket, 'K' KeyUpdate. */
static char received[64];
static void note_received(void *arg, clasp_trace_kind kind, const char *what, const char *detail)
{
    (void)arg;
    (void)detail;
    size_t n = strlen(received);
    if (kind != CLASP_TRACE_RECV || n + 1 >= sizeof received)
        return;
    if (!strcmp(what, "NewSessionTicket"))
        received[n] = 'T';
    else if (!strcmp(what, "KeyUpdate"))
        received[n] = 'K';
    received[n + 1] = 0;
}

/* Handshakes until the server has taken the client's Finished, and stops
 * there: the server's tickets are still queued, unsealed. */
static void handshake_until_server_done(clasp_conn *cli, clasp_conn *srv, int client_update)
{
    int crc = CLASP_WANT_READ, src = CLASP_WANT_READ;
    for (int i = 0; i < 20 && src == CLASP_WANT_READ; i++) {
        if (crc == CLASP_WANT_READ)
            crc = clasp_conn_handshake(cli);
        if (crc == CLASP_OK && client_update == 1) {
            /* Behind the client's Finished, in the same flight. */
            CHECK(clasp_conn_key_update(cli, 1) == CLASP_OK);
            client_update = 2;
        }
        pump(cli, srv);
        src = clasp_conn_handshake(srv);
        if (src == CLASP_WANT_READ)
            pump(srv, cli);
    }
    CHECK(crc == CLASP_OK && src == CLASP_OK);
}

/* Case 0: the server's application asks for a KeyUpdate right after the
 * handshake; case 1: the server answers the client's request, which came
 * with the client's Finished. Either way the tickets queued at the end of
 * the handshake must reach the client under the old key, before the
 * KeyUpdate. */
static void key_update_behind_tickets(int answer)
{
    clasp_config *sc = server_config(pki_ecdsa), *cc = client_config(pki_ecdsa);
    clasp_config_set_ticket_count(sc, 2);
    clasp_config_set_trace(cc, note_received, NULL);
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    received[0] = 0;
    handshake_until_server_done(cli, srv, answer);
    if (!answer) {
        CHECK(srv->hs_out.len > 0); /* the tickets are still queued */
        CHECK(clasp_conn_key_update(srv, 0) == CLASP_OK);
    }
    pump(srv, cli);
    uint8_t b[16];
    CHECK(clasp_conn_read(cli, b, sizeof b) == CLASP_WANT_READ);
    CHECK(clasp_conn_error(cli) == CLASP_E_NONE);
    CHECK(clasp_conn_tickets_received(cli) == 2);
    CHECK(strcmp(received, "TTK") == 0);
    if (strcmp(received, "TTK") != 0)
        fprintf(stderr, "key update case %d: the client received %s (want TTK): %s\n", answer,
                received, clasp_conn_error_text(cli));
    exchange(cli, srv, 1000);
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(cc);
    clasp_config_free(sc);
}

/* Checks the records in from's output (all protected TLS 1.3 records are of
 * outer type application_data), then moves it to `to`, which processes it:
 * handshake messages, or application data appended to sink. */
static void transfer(clasp_conn *from, clasp_conn *to, size_t max_body, size_t *largest,
                     uint8_t *sink, size_t sink_cap, size_t *sunk)
{
    const uint8_t *out;
    size_t n = clasp_conn_output(from, &out);
    for (size_t off = 0; off + 5 <= n;) {
        size_t len = (size_t)out[off + 3] << 8 | out[off + 4];
        if (out[off] == CL_CT_APPLICATION_DATA) {
            CHECK(len <= max_body);
            if (len > *largest)
                *largest = len;
        }
        off += 5 + len;
    }
    size_t off = 0;
    for (int i = 0; i < 100000 && off < n; i++) {
        size_t used = 0;
        CHECK(clasp_conn_feed(to, out + off, n - off, &used) == CLASP_OK);
        off += used;
        if (!clasp_conn_handshake_done(to)) {
            int rc = clasp_conn_handshake(to);
            CHECK(rc == CLASP_OK || rc == CLASP_WANT_READ);
            continue;
        }
        long got;
        while ((got = clasp_conn_read(to, sink + *sunk, sink_cap - *sunk)) > 0)
            *sunk += (size_t)got;
        CHECK(got == CLASP_WANT_READ);
    }
    CHECK(off == n);
    clasp_conn_output_done(from, n);
}

/* The client offers record_size_limit `limit`: every protected record of
 * the server (EncryptedExtensions on, tickets and data included) carries at
 * most limit - 1 bytes of content plus the inner content type. */
static void record_size_limit_case(uint16_t limit)
{
    clasp_config *sc = server_config(pki_ecdsa), *cc = client_config(pki_ecdsa);
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    cli->test = calloc(1, sizeof *cli->test);
    cli->test->record_size_limit = limit;
    size_t inner = limit < 16385 ? limit : 16385;
    size_t max_body = inner + 16, largest = 0, sunk = 0;
    static uint8_t sink[70000];
    for (int i = 0; i < 10 && !(clasp_conn_handshake_done(cli) && clasp_conn_handshake_done(srv)); i++) {
        if (!clasp_conn_handshake_done(cli))
            CHECK(clasp_conn_handshake(cli) != CLASP_ERROR);
        transfer(cli, srv, CL_MAX_CIPHERTEXT, &(size_t){0}, sink, sizeof sink, &sunk);
        transfer(srv, cli, max_body, &largest, sink, sizeof sink, &sunk);
    }
    CHECK(clasp_conn_handshake_done(cli) && clasp_conn_handshake_done(srv));
    CHECK(srv->peer_record_limit == limit);
    /* Data, large enough to need many records. */
    size_t size = 60000;
    uint8_t *msg = malloc(size);
    for (size_t i = 0; i < size; i++)
        msg[i] = (uint8_t)(i * 13 + 5);
    CHECK(clasp_conn_write(srv, msg, size) == (long)size);
    transfer(srv, cli, max_body, &largest, sink, sizeof sink, &sunk);
    CHECK(sunk == size);
    CHECK_MEM(sink, msg, size);
    CHECK(largest == max_body); /* the limit is used in full, not undershot */
    if (largest != max_body)
        fprintf(stderr, "record_size_limit %u: largest record body %zu, want %zu\n", limit,
                largest, max_body);
    CHECK(clasp_conn_error(cli) == CLASP_E_NONE && clasp_conn_error(srv) == CLASP_E_NONE);
    /* Only records towards the client are limited: the server said 2^14+1. */
    exchange(cli, srv, 16384);
    free(msg);
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(cc);
    clasp_config_free(sc);
}

/* RFC 8446 5.5: with AES-GCM the sender updates its key when its sequence
 * number reaches 2^24.5 records; with ChaCha20-Poly1305 it never needs to. */
static void usage_limit_case(const char *suite, int expect_update)
{
    const uint64_t limit = 23726566; /* floor(2^24.5), as in src/api/connection.c */
    clasp_config *sc = server_config(pki_ecdsa), *cc = client_config(pki_ecdsa);
    CHECK(clasp_config_set_ciphers(sc, suite) == 0);
    clasp_config_set_trace(cc, note_received, NULL);
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    result r = run_handshake(cli, srv);
    CHECK(r.client_rc == CLASP_OK && r.server_rc == CLASP_OK);
    uint8_t b[16];
    CHECK(clasp_conn_read(cli, b, sizeof b) == CLASP_WANT_READ); /* the tickets */
    received[0] = 0;
    /* As if limit - 2 records had gone before: both ends agree. */
    srv->wr.seq = cli->rd.seq = limit - 2;
    uint8_t secret_before[CR_MAX_HASH];
    memcpy(secret_before, srv->traffic_wr, sizeof secret_before);
    /* Two records from the server: the first at seq limit-2; the KeyUpdate
     * takes the key's last one (limit-1) and the second goes under the new key. */
    exchange(cli, srv, 20000);
    if (expect_update) {
        CHECK(strcmp(received, "K") == 0);
        CHECK(memcmp(secret_before, srv->traffic_wr, sizeof secret_before) != 0);
        CHECK(srv->wr.seq == 1); /* the second record went under the new key */
    } else {
        CHECK(received[0] == 0);
        CHECK(srv->wr.seq == limit);
    }
    exchange(cli, srv, 100);
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(cc);
    clasp_config_free(sc);
}

int main(void)
{
    make_pki(pki_ecdsa, "ecdsa");
    key_update_behind_tickets(0);
    key_update_behind_tickets(1);
    record_size_limit_case(64);
    record_size_limit_case(1000);
    record_size_limit_case(16385);
    record_size_limit_case(30000); /* above the protocol's limit: full records */
    usage_limit_case("TLS_AES_128_GCM_SHA256", 1);
    usage_limit_case("TLS_AES_256_GCM_SHA384", 1);
    usage_limit_case("TLS_CHACHA20_POLY1305_SHA256", 0);
    remove_pki(pki_ecdsa);
    return tu_finish("pair_record");
}
