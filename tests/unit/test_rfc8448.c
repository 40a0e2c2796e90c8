/* SPDX-License-Identifier: Apache-2.0 */
/* RFC 8448 section 3 (simple 1-RTT handshake) reproduced byte for byte, as
 * the client and as the server, with the trace's randoms and ephemeral keys
 * injected through the test hooks; every secret is checked on the way. */
#include <stdlib.h>
#include <string.h>

#include "core/conn.h"
#include "rfc8448_vectors.h"
#include "testutil.h"

typedef struct {
    const char *label;
    uint8_t value[64];
    size_t len;
    int seen;
} secret_slot;

static secret_slot slots[32];

static void on_secret(void *arg, const char *label, const uint8_t *s, size_t len)
{
    (void)arg;
    /* Keep the first value per label (the traffic keys are installed
     * several times; the tests name which one they mean below). */
    for (size_t i = 0; i < 32; i++) {
        if (slots[i].label && !strcmp(slots[i].label, label)) {
            if (slots[i].seen < 8)
                slots[i].seen++;
            return;
        }
        if (!slots[i].label) {
            slots[i].label = label;
            memcpy(slots[i].value, s, len);
            slots[i].len = len;
            slots[i].seen = 1;
            return;
        }
    }
}

static void check_secret(const char *label, const uint8_t *want, size_t len)
{
    for (size_t i = 0; i < 32 && slots[i].label; i++) {
        if (!strcmp(slots[i].label, label)) {
            CHECK(slots[i].len == len);
            CHECK_MEM(slots[i].value, want, len);
            return;
        }
    }
    fprintf(stderr, "secret '%s' was never derived\n", label);
    CHECK(0);
}

static void reset_slots(void) { memset(slots, 0, sizeof slots); }

/* The output the connection has, compared with the trace and consumed. */
static void expect_output(clasp_conn *c, const uint8_t *want, size_t len, const char *what)
{
    const uint8_t *out;
    size_t n = clasp_conn_output(c, &out);
    if (n != len)
        fprintf(stderr, "%s: %zu bytes out, trace has %zu\n", what, n, len);
    CHECK(n == len);
    CHECK_MEM(out, want, n < len ? n : len);
    clasp_conn_output_done(c, n);
}

static void feed(clasp_conn *c, const uint8_t *p, size_t len)
{
    size_t used;
    CHECK(clasp_conn_feed(c, p, len, &used) == CLASP_OK);
    CHECK(used == len);
}

static const uint16_t trace_groups[] = {0x001d, 0x0017, 0x0018, 0x0019, 0x0100,
                                        0x0101, 0x0102, 0x0103, 0x0104};
static const uint16_t trace_sigalgs[] = {0x0403, 0x0503, 0x0603, 0x0203, 0x0804,
                                         0x0805, 0x0806, 0x0401, 0x0501, 0x0601,
                                         0x0201, 0x0402, 0x0502, 0x0602, 0x0202};

static void set_trace_lists(clasp_config *cfg)
{
    memcpy(cfg->groups, trace_groups, sizeof trace_groups);
    cfg->n_groups = sizeof trace_groups / sizeof trace_groups[0];
    memcpy(cfg->sigalgs, trace_sigalgs, sizeof trace_sigalgs);
    cfg->n_sigalgs = sizeof trace_sigalgs / sizeof trace_sigalgs[0];
}

static void check_schedule(void)
{
    check_secret("early", rfc8448_early_secret, 32);
    check_secret("handshake", rfc8448_handshake_secret, 32);
    check_secret("CLIENT_HANDSHAKE_TRAFFIC_SECRET", rfc8448_c_hs_traffic, 32);
    check_secret("SERVER_HANDSHAKE_TRAFFIC_SECRET", rfc8448_s_hs_traffic, 32);
    check_secret("master", rfc8448_master_secret, 32);
    check_secret("CLIENT_TRAFFIC_SECRET_0", rfc8448_c_ap_traffic, 32);
    check_secret("SERVER_TRAFFIC_SECRET_0", rfc8448_s_ap_traffic, 32);
    check_secret("EXPORTER_SECRET", rfc8448_exp_master, 32);
    check_secret("resumption", rfc8448_res_master, 32);
}

static void client_side(void)
{
    reset_slots();
    clasp_config *cfg = clasp_config_new(CLASP_CLIENT);
    clasp_config_set_verify_peer(cfg, 0);
    clasp_config_set_middlebox_compat(cfg, 0);
    CHECK(clasp_config_set_versions(cfg, CLASP_TLS1_3, CLASP_TLS1_3) == 0);
    CHECK(clasp_config_set_ciphers(cfg, "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:"
                                        "TLS_AES_256_GCM_SHA384") == 0);
    set_trace_lists(cfg);
    clasp_conn *c = clasp_conn_new(cfg);
    CHECK(clasp_conn_set_server_name(c, "server") == 0);
    c->test = calloc(1, sizeof *c->test);
    memcpy(c->test->random, rfc8448_client_random, 32);
    c->test->has_random = 1;
    memcpy(c->test->kx_private, rfc8448_client_private, 32);
    c->test->kx_private_len = 32;
    c->test->legacy_client_extensions = 1;
    c->test->secret_cb = on_secret;

    CHECK(clasp_conn_handshake(c) == CLASP_WANT_READ);
    expect_output(c, rfc8448_client_hello_record, sizeof rfc8448_client_hello_record, "client ClientHello");

    feed(c, rfc8448_server_hello_record, sizeof rfc8448_server_hello_record);
    feed(c, rfc8448_server_flight_record, sizeof rfc8448_server_flight_record);
    int rc = clasp_conn_handshake(c);
    if (rc != CLASP_OK)
        fprintf(stderr, "client handshake: %s\n", clasp_conn_error_text(c));
    CHECK(rc == CLASP_OK);
    check_secret("read key", rfc8448_server_hs_key, 16);
    check_secret("read iv", rfc8448_server_hs_iv, 12);
    expect_output(c, rfc8448_client_finished_record, sizeof rfc8448_client_finished_record,
                  "client Finished");
    check_schedule();
    CHECK(!strcmp(clasp_conn_cipher_name(c), "TLS_AES_128_GCM_SHA256"));
    CHECK(!strcmp(clasp_conn_group_name(c), "x25519"));
    CHECK(!strcmp(clasp_conn_sigalg_name(c), "rsa_pss_rsae_sha256"));

    /* The server's ticket is accepted and kept. */
    feed(c, rfc8448_ticket_record, sizeof rfc8448_ticket_record);
    uint8_t buf[128];
    CHECK(clasp_conn_read(c, buf, sizeof buf) == CLASP_WANT_READ);
    CHECK(clasp_conn_tickets_received(c) == 1);

    CHECK(clasp_conn_write(c, rfc8448_client_app_payload, sizeof rfc8448_client_app_payload) ==
          (long)sizeof rfc8448_client_app_payload);
    expect_output(c, rfc8448_client_app_record, sizeof rfc8448_client_app_record, "client data");
    feed(c, rfc8448_server_app_record, sizeof rfc8448_server_app_record);
    long n = clasp_conn_read(c, buf, sizeof buf);
    CHECK(n == (long)sizeof rfc8448_server_app_payload);
    if (n > 0)
        CHECK_MEM(buf, rfc8448_server_app_payload, sizeof rfc8448_server_app_payload);
    CHECK(clasp_conn_close(c) == CLASP_OK);
    expect_output(c, rfc8448_client_alert_record, sizeof rfc8448_client_alert_record, "client close");
    feed(c, rfc8448_server_alert_record, sizeof rfc8448_server_alert_record);
    CHECK(clasp_conn_read(c, buf, sizeof buf) == CLASP_CLOSED);
    clasp_conn_free(c);
    clasp_config_free(cfg);
}

static void server_side(void)
{
    reset_slots();
    char cert[512], key[512];
    const char *data = getenv("CLASP_TEST_DATA");
    snprintf(cert, sizeof cert, "%s/rfc8448_cert.pem", data ? data : "tests/data");
    snprintf(key, sizeof key, "%s/rfc8448_rsa_key.pem", data ? data : "tests/data");
    clasp_config *cfg = clasp_config_new(CLASP_SERVER);
    int loaded = clasp_config_load_cert_chain(cfg, cert, key);
    if (loaded)
        fprintf(stderr, "%s\n", clasp_config_error(cfg));
    CHECK(loaded == 0);
    set_trace_lists(cfg);
    clasp_conn *c = clasp_conn_new(cfg);
    c->test = calloc(1, sizeof *c->test);
    memcpy(c->test->random, rfc8448_server_hello + 6, 32);
    c->test->has_random = 1;
    memcpy(c->test->kx_private, rfc8448_server_private, 32);
    c->test->kx_private_len = 32;
    /* RSA-PSS is randomised: send the trace's signature instead. */
    c->test->signature = rfc8448_certificate_verify + 8;
    c->test->signature_len = sizeof rfc8448_certificate_verify - 8;
    c->test->secret_cb = on_secret;

    feed(c, rfc8448_client_hello_record, sizeof rfc8448_client_hello_record);
    int rc = clasp_conn_handshake(c);
    if (rc != CLASP_WANT_READ)
        fprintf(stderr, "server handshake: %s\n", clasp_conn_error_text(c));
    CHECK(rc == CLASP_WANT_READ);
    uint8_t flight[sizeof rfc8448_server_hello_record + sizeof rfc8448_server_flight_record];
    memcpy(flight, rfc8448_server_hello_record, sizeof rfc8448_server_hello_record);
    memcpy(flight + sizeof rfc8448_server_hello_record, rfc8448_server_flight_record,
           sizeof rfc8448_server_flight_record);
    expect_output(c, flight, sizeof flight, "server flight");
    check_secret("write key", rfc8448_server_hs_key, 16);
    check_secret("write iv", rfc8448_server_hs_iv, 12);

    feed(c, rfc8448_client_finished_record, sizeof rfc8448_client_finished_record);
    rc = clasp_conn_handshake(c);
    if (rc != CLASP_OK)
        fprintf(stderr, "server handshake: %s\n", clasp_conn_error_text(c));
    CHECK(rc == CLASP_OK);
    check_schedule();
    CHECK(!strcmp(clasp_conn_sni(c), "server"));
    /* Like the trace's server, ours sends one NewSessionTicket as its first
     * record under the application keys; its ticket is our own (sealed
     * under a random key), so only its framing is compared. */
    const uint8_t *out;
    size_t n_out = clasp_conn_output(c, &out);
    CHECK(n_out > 5 && out[0] == 23 && n_out == 5 + ((size_t)out[3] << 8 | out[4]));
    clasp_conn_output_done(c, n_out);

    CHECK(clasp_conn_write(c, rfc8448_server_app_payload, sizeof rfc8448_server_app_payload) ==
          (long)sizeof rfc8448_server_app_payload);
    expect_output(c, rfc8448_server_app_record, sizeof rfc8448_server_app_record, "server data");
    feed(c, rfc8448_client_app_record, sizeof rfc8448_client_app_record);
    uint8_t buf[128];
    long n = clasp_conn_read(c, buf, sizeof buf);
    CHECK(n == (long)sizeof rfc8448_client_app_payload);
    if (n > 0)
        CHECK_MEM(buf, rfc8448_client_app_payload, sizeof rfc8448_client_app_payload);
    feed(c, rfc8448_client_alert_record, sizeof rfc8448_client_alert_record);
    CHECK(clasp_conn_read(c, buf, sizeof buf) == CLASP_CLOSED);
    CHECK(clasp_conn_close(c) == CLASP_OK);
    expect_output(c, rfc8448_server_alert_record, sizeof rfc8448_server_alert_record, "server close");
    clasp_conn_free(c);
    clasp_config_free(cfg);
}

int main(void)
{
    client_side();
    server_side();
    return tu_finish("rfc8448");
}
