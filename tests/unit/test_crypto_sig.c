/* SPDX-License-Identifier: Apache-2.0 */
/* Keys, signatures and certificates: a fresh test PKI per key type
 * (cl_testpki_make), private keys loaded from PEM and DER, every signature
 * scheme signed and verified (or refused), the RSA premaster path, and
 * chain verification with its messages. Fixed certificates below cover
 * expiry, which a freshly made PKI cannot. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "crypto/testpki.h"
#include "testutil.h"

/* A P-256 CA "CN=Fixture CA" (2000-2099) and two leaves it signed:
 * "CN=expired.test" (2020-01-01 to 2021-01-01) and "CN=future.test"
 * (from 2090-01-01). Made once with OpenSSL; only the dates matter. */
static const char fixture_ca[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBPTCB5KADAgECAgEBMAoGCCqGSM49BAMCMBUxEzARBgNVBAMMCkZpeHR1cmUg\n"
    "Q0EwIBcNMDAwMTAxMDAwMDAwWhgPMjA5OTEyMzEyMzU5NTlaMBUxEzARBgNVBAMM\n"
    "CkZpeHR1cmUgQ0EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQf3GZi6JfbeIwh\n"
    "oD+7rqoVIvAR6rRcYGmJNJa790UmI7bp7nGwqJHtkpPkLO+wd3yscQSpv+54bFly\n"
    "qUSP4mBGoyMwITAPBgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwICBDAKBggq\n"
    "hkjOPQQDAgNIADBFAiAfZaEJHeQwNnNyOFEOMVD6ijgjvpB67mKFl1n1GZGoCAIh\n"
    "AKGbrENfyXc3lL9X87hYcw1w/jCdzLSElep/tCexIS0R\n"
    "-----END CERTIFICATE-----\n";
static const char fixture_expired[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBWDCB/6ADAgECAgFlMAoGCCqGSM49BAMCMBUxEzARBgNVBAMMCkZpeHR1cmUg\n"
    "Q0EwHhcNMjAwMTAxMDAwMDAwWhcNMjEwMTAxMDAwMDAwWjAXMRUwEwYDVQQDDAxl\n"
    "eHBpcmVkLnRlc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQgwKLwcuBjraoW\n"
    "v6+W9GvKdwUWk8qjCicc02HweEmZRPTafvsbKMVM3nv8yYw9FHaZ23ZEvABTC6VD\n"
    "Nn2qDkJsoz4wPDAMBgNVHRMBAf8EAjAAMBcGA1UdEQQQMA6CDGV4cGlyZWQudGVz\n"
    "dDATBgNVHSUEDDAKBggrBgEFBQcDATAKBggqhkjOPQQDAgNIADBFAiAvxDaMqtSO\n"
    "YH5eTTY1iOKWcOaBmwk9rjFHlP2qImuVeAIhANupKNYTHSm4tSkpS18QaUc2EpR4\n"
    "PMkkQabEXEPG2LGB\n"
    "-----END CERTIFICATE-----\n";
static const char fixture_future[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBWzCCAQGgAwIBAgIBZjAKBggqhkjOPQQDAjAVMRMwEQYDVQQDDApGaXh0dXJl\n"
    "IENBMCIYDzIwOTAwMTAxMDAwMDAwWhgPMjA5OTEyMzEwMDAwMDBaMBYxFDASBgNV\n"
    "BAMMC2Z1dHVyZS50ZXN0MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEIMCi8HLg\n"
    "Y62qFr+vlvRryncFFpPKowonHNNh8HhJmUT02n77GyjFTN57/MmMPRR2mdt2RLwA\n"
    "UwulQzZ9qg5CbKM9MDswDAYDVR0TAQH/BAIwADAWBgNVHREEDzANggtmdXR1cmUu\n"
    "dGVzdDATBgNVHSUEDDAKBggrBgEFBQcDATAKBggqhkjOPQQDAgNIADBFAiBfAnxp\n"
    "+PpUfhnPPC4Bfkt+zjn+UXBQMAfC3jlfZsYCVwIhAI/95zhG5ZuPyevwAWIYf71L\n"
    "L7XZtsU6+aFqpcEOOilt\n"
    "-----END CERTIFICATE-----\n";

/* Throwaway keys in other encodings: a traditional ("EC PRIVATE KEY")
 * P-256 key after an "EC PARAMETERS" block, and a 1024-bit RSA-PSS key
 * (id-RSASSA-PSS, usable only with the rsa_pss_pss_* schemes). */
static const char trad_ec_key[] =
    "-----BEGIN EC PARAMETERS-----\n"
    "BggqhkjOPQMBBw==\n"
    "-----END EC PARAMETERS-----\n"
    "-----BEGIN EC PRIVATE KEY-----\n"
    "MHcCAQEEIObsLd+15u3AUs0dcKe4j0moKPRt7hELC/K0j8erVdiWoAoGCCqGSM49\n"
    "AwEHoUQDQgAEtcYmS3Hp3928oJq91pq55YMAKBqcG9xlmLETkSJmR1Q63hc1FPbQ\n"
    "sHwWhnYMB/yTgq85me5tOjsx2Hn+PUuMig==\n"
    "-----END EC PRIVATE KEY-----\n";
static const char rsa_pss_key[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIICdAIBADALBgkqhkiG9w0BAQoEggJgMIICXAIBAAKBgQDg6SRTVnCUT5sUdz9u\n"
    "WCGpJ83JsBBZSNJuY+BUy0c7GYjik99U7MQHtTScn+IpzM5P4tGS5nWme5DaYDdt\n"
    "MG0QhZXmVp80K805Or2hKwPnniYAUZ+tEqxxwAb8jzPlFGJZysOuLiEEPTy6M1pk\n"
    "x4/4wNXPjOO0KGkLbK/DjQVTOQIDAQABAoGBAIN3RAiCqmPG9HtOCQHS+joKTjvq\n"
    "cmP+MSLdtq9Z81UUY/MtRIo7q4pl3U8AFg8g7Ce+CYq4s2SRLea3/y4P9G9vW2BD\n"
    "+xtv5+L+/M9HyS4aCVyTgB7jsGfq5Sdhf2T5hDvDdqtCfZpDbVj3szNxxCdKG83J\n"
    "llVOjZMAFE+l0o4RAkEA8wM//fPhIQ+T94HrBuUsOcpxjdW4yaOQE2+5mrm0E0at\n"
    "kkSskohoSBiB8OLQ0I8IC6kQHyukuce6RaMDTFatiwJBAOzuO1ImsMQz9ogQ7Vzd\n"
    "w4X9DBKWG4AhowWmgnMOLs5rKUuzAYvtGZXE14p6f1KBbX+PHhKes0I85/TGIVnf\n"
    "4ssCQBhW5v3kg1PwX32WwZd7NKbFJAJ0uYFYpIGN2yUoHGUh2xifUDmM+ATgj4M0\n"
    "9H0vFjs0v6yfjmwdGQcIgLgQpmkCQBUPA6TEnZeCytnDL2W+rD8/g5AvWVhlJPk+\n"
    "mH+jdhOQwMXirjOCqnB+Y24Cf0iVCmd5EAI1qtcrVK6T4aj8VksCQDTXCr2xCX9q\n"
    "9YDaRAFshQX0/+MVc80Z1RqpFqLNU0gKN2dfp4o2ZbivCyvA57wwDA+1ulaHhzpt\n"
    "DQyv0ybBo+c=\n"
    "-----END PRIVATE KEY-----\n";

static const uint16_t all_schemes[] = {
    CR_SIG_RSA_PKCS1_SHA1,         CR_SIG_ECDSA_SHA1,
    CR_SIG_RSA_PKCS1_SHA256,       CR_SIG_RSA_PKCS1_SHA384,
    CR_SIG_RSA_PKCS1_SHA512,       CR_SIG_ECDSA_SECP256R1_SHA256,
    CR_SIG_ECDSA_SECP384R1_SHA384, CR_SIG_ECDSA_SECP521R1_SHA512,
    CR_SIG_RSA_PSS_RSAE_SHA256,    CR_SIG_RSA_PSS_RSAE_SHA384,
    CR_SIG_RSA_PSS_RSAE_SHA512,    CR_SIG_ED25519,
    CR_SIG_RSA_PSS_PSS_SHA256,     CR_SIG_RSA_PSS_PSS_SHA384,
    CR_SIG_RSA_PSS_PSS_SHA512,
};
#define NSCHEMES (sizeof(all_schemes) / sizeof(all_schemes[0]))

static int b64val(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Decodes the index'th PEM block of text into a malloc'd DER buffer. */
static uint8_t *pem_block(const char *text, int index, size_t *len)
{
    const char *p = text;
    for (int i = 0;; i++) {
        p = strstr(p, "-----BEGIN ");
        if (!p)
            return NULL;
        p = strchr(p, '\n');
        if (!p)
            return NULL;
        if (i == index)
            break;
    }
    const char *end = strstr(p, "-----END ");
    if (!end)
        return NULL;
    uint8_t *out = malloc((size_t)(end - p));
    size_t n = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (; p < end; p++) {
        int v = b64val((unsigned char)*p);
        if (v < 0)
            continue;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (uint8_t)(acc >> bits);
        }
    }
    *len = n;
    return out;
}

static char *read_file(const char *dir, const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(65536);
    size_t n = fread(buf, 1, 65535, f);
    fclose(f);
    buf[n] = 0;
    if (len)
        *len = n;
    return buf;
}

static cr_cert *cert_from_pem(const char *pem, int index)
{
    size_t len = 0;
    uint8_t *der = pem_block(pem, index, &len);
    cr_cert *c = der ? cr_cert_parse(der, len) : NULL;
    free(der);
    return c;
}

static cr_cert *cert_from_file(const char *dir, const char *name)
{
    char *pem = read_file(dir, name, NULL);
    cr_cert *c = pem ? cert_from_pem(pem, 0) : NULL;
    free(pem);
    return c;
}

static void remove_pki(const char *dir)
{
    static const char *const files[] = {"ca.pem", "cert.pem", "key.pem", "client.pem",
                                        "client-key.pem", "extra.pem"};
    char path[512];
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}

static int scheme_expected(cr_key_type t, uint16_t s)
{
    switch (t) {
    case CR_KEY_EC_P256:
        return s == CR_SIG_ECDSA_SECP256R1_SHA256 || s == CR_SIG_ECDSA_SHA1;
    case CR_KEY_EC_P384:
        return s == CR_SIG_ECDSA_SECP384R1_SHA384 || s == CR_SIG_ECDSA_SHA1;
    case CR_KEY_RSA:
        return s == CR_SIG_RSA_PKCS1_SHA1 || s == CR_SIG_RSA_PKCS1_SHA256 ||
               s == CR_SIG_RSA_PKCS1_SHA384 || s == CR_SIG_RSA_PKCS1_SHA512 ||
               s == CR_SIG_RSA_PSS_RSAE_SHA256 || s == CR_SIG_RSA_PSS_RSAE_SHA384 ||
               s == CR_SIG_RSA_PSS_RSAE_SHA512;
    case CR_KEY_ED25519:
        return s == CR_SIG_ED25519;
    default:
        return 0;
    }
}

static void test_signatures(cr_pkey *priv, cr_pkey *pub, cr_key_type type)
{
    static const uint8_t msg[] = "TLS 1.3, server CertificateVerify\0 and some context";
    uint8_t sig[1024], bad[sizeof(msg)];
    size_t max = cr_pkey_max_sig_len(priv);
    CHECK(max > 0 && max <= sizeof(sig));
    CHECK(cr_pkey_max_sig_len(pub) == max);
    memcpy(bad, msg, sizeof(msg));
    bad[5] ^= 1;
    for (size_t i = 0; i < NSCHEMES; i++) {
        uint16_t s = all_schemes[i];
        int want = scheme_expected(type, s);
        CHECK(cr_pkey_matches_scheme(priv, s) == want);
        CHECK(cr_pkey_matches_scheme(pub, s) == want);
        size_t len = 0;
        if (!want) {
            CHECK(cr_sign(priv, s, msg, sizeof(msg), sig, &len) == -1);
            continue;
        }
        CHECK(cr_sign(priv, s, msg, sizeof(msg), sig, &len) == 0);
        CHECK(len > 0 && len <= max);
        CHECK(cr_verify(pub, s, msg, sizeof(msg), sig, len) == 0);
        /* The private key verifies too (it holds the public half). */
        CHECK(cr_verify(priv, s, msg, sizeof(msg), sig, len) == 0);
        CHECK(cr_verify(pub, s, bad, sizeof(bad), sig, len) == -1);
        CHECK(cr_verify(pub, s, msg, sizeof(msg) - 1, sig, len) == -1);
        sig[len / 2] ^= 0x10;
        CHECK(cr_verify(pub, s, msg, sizeof(msg), sig, len) == -1);
        sig[len / 2] ^= 0x10;
        CHECK(cr_verify(pub, s, msg, sizeof(msg), sig, len - 1) == -1);
        /* The same signature under any other scheme the key allows (other
         * hash or padding) does not verify. */
        for (size_t j = 0; j < NSCHEMES; j++) {
            uint16_t o = all_schemes[j];
            if (o != s && scheme_expected(type, o))
                CHECK(cr_verify(pub, o, msg, sizeof(msg), sig, len) == -1);
        }
        /* Schemes the key does not allow are refused outright. */
        for (size_t j = 0; j < NSCHEMES; j++)
            if (!scheme_expected(type, all_schemes[j]))
                CHECK(cr_verify(pub, all_schemes[j], msg, sizeof(msg), sig, len) == -1);
    }
    CHECK(!cr_pkey_matches_scheme(priv, 0x0000) && !cr_pkey_matches_scheme(priv, 0xffff));
}

/* Signing starts from ready-made contexts kept per key (src/crypto/pkey.c).
 * Signatures in a row, and from several threads at once with one key, must
 * each be a fresh, valid signature of their own message. */
typedef struct {
    cr_pkey *priv, *pub;
    uint16_t scheme;
    int id, bad;
} sign_job;

static void *sign_many(void *p)
{
    sign_job *j = p;
    for (int i = 0; i < 25; i++) {
        uint8_t msg[64], sig[1024];
        size_t len = 0;
        memset(msg, 0, sizeof msg);
        snprintf((char *)msg, sizeof msg, "thread %d, signature %d", j->id, i);
        if (cr_sign(j->priv, j->scheme, msg, sizeof msg, sig, &len) != 0 ||
            cr_verify(j->pub, j->scheme, msg, sizeof msg, sig, len) != 0)
            j->bad++;
        msg[0] ^= 1; /* and not of any other message */
        if (cr_verify(j->pub, j->scheme, msg, sizeof msg, sig, len) == 0)
            j->bad++;
    }
    return NULL;
}

static void test_concurrent_signing(cr_pkey *priv, cr_pkey *pub, cr_key_type type)
{
    enum { THREADS = 4 };
    for (size_t i = 0; i < NSCHEMES; i++) {
        uint16_t s = all_schemes[i];
        if (!scheme_expected(type, s))
            continue;
        /* Twice the same message from the reused context: ECDSA and PSS
         * draw fresh randomness (a repeated ECDSA nonce would give away
         * the key), PKCS#1 v1.5 and Ed25519 are deterministic. */
        static const uint8_t m[] = "same message";
        uint8_t s1[1024], s2[1024];
        size_t l1 = 0, l2 = 0;
        CHECK(cr_sign(priv, s, m, sizeof m, s1, &l1) == 0);
        CHECK(cr_sign(priv, s, m, sizeof m, s2, &l2) == 0);
        int deterministic = type == CR_KEY_ED25519 || s == CR_SIG_RSA_PKCS1_SHA1 ||
                            s == CR_SIG_RSA_PKCS1_SHA256 || s == CR_SIG_RSA_PKCS1_SHA384 ||
                            s == CR_SIG_RSA_PKCS1_SHA512;
        CHECK((l1 == l2 && memcmp(s1, s2, l1) == 0) == deterministic);
        sign_job jobs[THREADS];
        pthread_t th[THREADS];
        int started[THREADS];
        for (int t = 0; t < THREADS; t++) {
            jobs[t] = (sign_job){priv, pub, s, t, 0};
            started[t] = pthread_create(&th[t], NULL, sign_many, &jobs[t]) == 0;
            CHECK(started[t]);
        }
        for (int t = 0; t < THREADS; t++) {
            if (started[t])
                pthread_join(th[t], NULL);
            CHECK(jobs[t].bad == 0);
        }
    }
}

static void test_rsa_kx(cr_pkey *priv, cr_pkey *pub)
{
    uint8_t pms[48], fallback[48], out[48], ct[512];
    size_t ct_len = 0;
    CHECK(cr_random(pms, sizeof(pms)) == 0);
    CHECK(cr_random(fallback, sizeof(fallback)) == 0);
    pms[0] = 0x03;
    pms[1] = 0x03;
    CHECK(cr_rsa_encrypt_pkcs1(pub, pms, 48, ct, &ct_len) == 0);
    CHECK(ct_len == 256);
    CHECK(cr_rsa_decrypt_pms(priv, ct, ct_len, fallback, out) == 0);
    CHECK_MEM(out, pms, 48);
    /* Encryption is randomised. */
    uint8_t ct2[512];
    size_t ct2_len = 0;
    CHECK(cr_rsa_encrypt_pkcs1(pub, pms, 48, ct2, &ct2_len) == 0);
    CHECK(ct2_len == ct_len && memcmp(ct, ct2, ct_len) != 0);
    /* Garbage, a flipped bit, a short ciphertext, and well-formed
     * encryptions of 47 and 49 bytes all yield the fallback, and return 0. */
    uint8_t garbage[256];
    CHECK(cr_random(garbage, sizeof(garbage)) == 0);
    garbage[0] = 0x01;
    CHECK(cr_rsa_decrypt_pms(priv, garbage, sizeof(garbage), fallback, out) == 0);
    CHECK_MEM(out, fallback, 48);
    ct[100] ^= 0x04;
    CHECK(cr_rsa_decrypt_pms(priv, ct, ct_len, fallback, out) == 0);
    CHECK_MEM(out, fallback, 48);
    ct[100] ^= 0x04;
    CHECK(cr_rsa_decrypt_pms(priv, ct, ct_len - 1, fallback, out) == 0);
    CHECK_MEM(out, fallback, 48);
    uint8_t all_ff[256];
    memset(all_ff, 0xff, sizeof(all_ff)); /* larger than the modulus */
    CHECK(cr_rsa_decrypt_pms(priv, all_ff, sizeof(all_ff), fallback, out) == 0);
    CHECK_MEM(out, fallback, 48);
    CHECK(cr_rsa_encrypt_pkcs1(pub, pms, 47, ct2, &ct2_len) == 0);
    CHECK(cr_rsa_decrypt_pms(priv, ct2, ct2_len, fallback, out) == 0);
    CHECK_MEM(out, fallback, 48);
    uint8_t pms49[49] = {3, 3};
    CHECK(cr_rsa_encrypt_pkcs1(pub, pms49, 49, ct2, &ct2_len) == 0);
    CHECK(cr_rsa_decrypt_pms(priv, ct2, ct2_len, fallback, out) == 0);
    CHECK_MEM(out, fallback, 48);
    /* And the good one still works afterwards. */
    CHECK(cr_rsa_decrypt_pms(priv, ct, ct_len, fallback, out) == 0);
    CHECK_MEM(out, pms, 48);
}

static void test_chain(const char *dir, const char *other_dir)
{
    char msg[512], path[512];
    cr_cert *leaf = cert_from_file(dir, "cert.pem");
    cr_cert *client = cert_from_file(dir, "client.pem");
    cr_cert *ca = cert_from_file(dir, "ca.pem");
    cr_trust *trust = cr_trust_new(), *empty = cr_trust_new(), *other = cr_trust_new();
    CHECK(leaf && client && ca && trust && empty && other);
    if (!leaf || !client || !ca || !trust || !empty || !other)
        goto out;
    snprintf(path, sizeof(path), "%s/ca.pem", dir);
    CHECK(cr_trust_add_pem_file(trust, path) == 0);
    CHECK(cr_trust_add_pem_file(trust, path) == 0); /* a duplicate is harmless */
    snprintf(path, sizeof(path), "%s/ca.pem", other_dir);
    CHECK(cr_trust_add_pem_file(other, path) == 0);
    snprintf(path, sizeof(path), "%s/no-such-file.pem", dir);
    CHECK(cr_trust_add_pem_file(other, path) == -1);
    snprintf(path, sizeof(path), "%s/key.pem", dir); /* no certificate in it */
    CHECK(cr_trust_add_pem_file(other, path) == -1);

    cr_cert *chain[2] = {leaf, ca};
    CHECK(cr_verify_chain(trust, chain, 1, CR_PURPOSE_SERVER, "localhost", msg, sizeof(msg)) ==
          CR_VERIFY_OK);
    CHECK(cr_verify_chain(trust, chain, 1, CR_PURPOSE_SERVER, "127.0.0.1", msg, sizeof(msg)) ==
          CR_VERIFY_OK);
    CHECK(cr_verify_chain(trust, chain, 1, CR_PURPOSE_SERVER, "::1", msg, sizeof(msg)) ==
          CR_VERIFY_OK);
    CHECK(cr_verify_chain(trust, chain, 1, CR_PURPOSE_SERVER, "[::1]", msg, sizeof(msg)) ==
          CR_VERIFY_OK);
    CHECK(cr_verify_chain(trust, chain, 1, CR_PURPOSE_SERVER, NULL, msg, sizeof(msg)) ==
          CR_VERIFY_OK);
    /* Sending the anchor along is harmless. */
    CHECK(cr_verify_chain(trust, chain, 2, CR_PURPOSE_SERVER, "localhost", msg, sizeof(msg)) ==
          CR_VERIFY_OK);

    CHECK(cr_verify_chain(trust, chain, 1, CR_PURPOSE_SERVER, "example.com", msg,
                          sizeof(msg)) == CR_VERIFY_NAME_MISMATCH);
    CHECK(strstr(msg, "does not match 'example.com'") != NULL);
    CHECK(strstr(msg, "localhost, 127.0.0.1, ::1") != NULL);
    printf("  name mismatch: %s\n", msg);
    CHECK(cr_verify_chain(trust, chain, 1, CR_PURPOSE_SERVER, "10.0.0.1", msg, sizeof(msg)) ==
          CR_VERIFY_NAME_MISMATCH);
    CHECK(cr_verify_chain(trust, chain, 1, CR_PURPOSE_SERVER, "sub.localhost", msg,
                          sizeof(msg)) == CR_VERIFY_NAME_MISMATCH);

    /* The server certificate is not for clients, and the other way round. */
    CHECK(cr_verify_chain(trust, chain, 1, CR_PURPOSE_CLIENT, NULL, msg, sizeof(msg)) ==
          CR_VERIFY_BAD_USAGE);
    CHECK(strstr(msg, "is not for TLS clients: its extendedKeyUsage allows only serverAuth") !=
          NULL);
    cr_cert *cchain[1] = {client};
    CHECK(cr_verify_chain(trust, cchain, 1, CR_PURPOSE_CLIENT, NULL, msg, sizeof(msg)) ==
          CR_VERIFY_OK);
    CHECK(cr_verify_chain(trust, cchain, 1, CR_PURPOSE_SERVER, NULL, msg, sizeof(msg)) ==
          CR_VERIFY_BAD_USAGE);
    CHECK(strstr(msg, "'CN=clasp test client, O=clasp test' is not for TLS servers: its "
                      "extendedKeyUsage allows only clientAuth") != NULL);
    printf("  bad usage: %s\n", msg);

    /* No anchor, or someone else's. */
    CHECK(cr_verify_chain(empty, chain, 1, CR_PURPOSE_SERVER, "localhost", msg, sizeof(msg)) ==
          CR_VERIFY_UNTRUSTED);
    CHECK(strstr(msg, "certificate 'CN=localhost, O=clasp test' was issued by 'CN=clasp test "
                      "CA, O=clasp test', which is not a trusted CA") != NULL);
    printf("  untrusted: %s\n", msg);
    CHECK(cr_verify_chain(other, chain, 2, CR_PURPOSE_SERVER, "localhost", msg, sizeof(msg)) ==
          CR_VERIFY_UNTRUSTED);
    printf("  other CA: %s\n", msg);
    CHECK(cr_verify_chain(other, chain, 1, CR_PURPOSE_SERVER, "localhost", msg, sizeof(msg)) ==
          CR_VERIFY_UNTRUSTED);
    CHECK(strstr(msg, "not a trusted CA") != NULL);
    printf("  other CA, leaf only: %s\n", msg);
    /* A self-signed certificate presented on its own. */
    cr_cert *self[1] = {ca};
    CHECK(cr_verify_chain(empty, self, 1, CR_PURPOSE_SERVER, NULL, msg, sizeof(msg)) ==
          CR_VERIFY_UNTRUSTED);
    CHECK(strstr(msg, "self-signed") != NULL);
    printf("  self-signed: %s\n", msg);

    /* Degenerate input. */
    CHECK(cr_verify_chain(trust, chain, 0, CR_PURPOSE_SERVER, "localhost", msg, sizeof(msg)) ==
          CR_VERIFY_MALFORMED);
    cr_cert *holes[2] = {leaf, NULL};
    CHECK(cr_verify_chain(trust, holes, 2, CR_PURPOSE_SERVER, "localhost", msg, sizeof(msg)) ==
          CR_VERIFY_MALFORMED);
    CHECK(cr_verify_chain(trust, chain, 1, CR_PURPOSE_SERVER, "", msg, sizeof(msg)) !=
          CR_VERIFY_OK);
out:
    cr_cert_free(leaf);
    cr_cert_free(client);
    cr_cert_free(ca);
    cr_trust_free(trust);
    cr_trust_free(empty);
    cr_trust_free(other);
}

static void test_dates(const char *dir)
{
    char msg[512], path[512];
    snprintf(path, sizeof(path), "%s/extra.pem", dir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs(fixture_ca, f);
    fclose(f);
    cr_trust *trust = cr_trust_new();
    CHECK(trust && cr_trust_add_pem_file(trust, path) == 0);
    cr_cert *expired = cert_from_pem(fixture_expired, 0);
    cr_cert *future = cert_from_pem(fixture_future, 0);
    CHECK(expired && future);
    if (trust && expired && future) {
        CHECK(cr_verify_chain(trust, &expired, 1, CR_PURPOSE_SERVER, "expired.test", msg,
                              sizeof(msg)) == CR_VERIFY_EXPIRED);
        CHECK(strcmp(msg, "certificate 'CN=expired.test' expired on 2021-01-01 00:00:00 UTC") ==
              0);
        printf("  expired: %s\n", msg);
        CHECK(cr_verify_chain(trust, &future, 1, CR_PURPOSE_SERVER, "future.test", msg,
                              sizeof(msg)) == CR_VERIFY_NOT_YET_VALID);
        CHECK(strcmp(msg, "certificate 'CN=future.test' is not valid until 2090-01-01 00:00:00 "
                          "UTC") == 0);
        printf("  not yet valid: %s\n", msg);
        char subj[64];
        cr_cert_subject(expired, subj, sizeof(subj));
        CHECK(strcmp(subj, "CN=expired.test") == 0);
        cr_cert_subject(expired, subj, 6); /* truncated, still terminated */
        CHECK(strcmp(subj, "CN=ex") == 0);
    }
    cr_cert_free(expired);
    cr_cert_free(future);
    cr_trust_free(trust);
}

static void test_key_type(const char *key_type, cr_key_type want_type, size_t want_bits,
                          const char *other_dir)
{
    char dir[] = "/tmp/clasp-test-sig-XXXXXX", err[256];
    printf("%s:\n", key_type);
    if (!mkdtemp(dir)) {
        CHECK(0);
        return;
    }
    CHECK(cl_testpki_make(dir, key_type, err, sizeof(err)) == 0);
    char path[512];
    struct stat st;
    snprintf(path, sizeof(path), "%s/key.pem", dir);
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
    snprintf(path, sizeof(path), "%s/client-key.pem", dir);
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);

    size_t key_len = 0;
    char *key_pem = read_file(dir, "key.pem", &key_len);
    CHECK(key_pem && strstr(key_pem, "-----BEGIN PRIVATE KEY-----") != NULL);
    cr_pkey *priv = key_pem ? cr_pkey_load_private((const uint8_t *)key_pem, key_len) : NULL;
    CHECK(priv != NULL);
    /* The same key as DER (PKCS#8). */
    size_t der_len = 0;
    uint8_t *der = key_pem ? pem_block(key_pem, 0, &der_len) : NULL;
    cr_pkey *priv_der = der ? cr_pkey_load_private(der, der_len) : NULL;
    CHECK(priv_der != NULL);
    /* Junk and truncated input are refused. */
    CHECK(cr_pkey_load_private((const uint8_t *)"not a key", 9) == NULL);
    if (der)
        CHECK(cr_pkey_load_private(der, der_len / 2) == NULL);

    cr_cert *cert = cert_from_file(dir, "cert.pem");
    cr_cert *client = cert_from_file(dir, "client.pem");
    CHECK(cert && client);
    cr_pkey *pub = cert ? cr_cert_pubkey(cert) : NULL;
    CHECK(pub != NULL);
    if (priv && pub && cert && client && priv_der) {
        CHECK(cr_pkey_type(priv) == want_type);
        CHECK(cr_pkey_type(pub) == want_type);
        CHECK(cr_pkey_type(priv_der) == want_type);
        CHECK(cr_pkey_bits(priv) == want_bits && cr_pkey_bits(pub) == want_bits);
        CHECK(cr_cert_matches_key(cert, priv));
        CHECK(cr_cert_matches_key(cert, priv_der));
        CHECK(cr_cert_matches_key(cert, pub));
        CHECK(!cr_cert_matches_key(client, priv));
        char subj[128];
        cr_cert_subject(cert, subj, sizeof(subj));
        CHECK(strcmp(subj, "CN=localhost, O=clasp test") == 0);
        /* References: the extra one keeps the key alive. */
        cr_pkey *ref = cr_pkey_ref(priv);
        CHECK(ref == priv);
        cr_pkey_free(ref);
        test_signatures(priv, pub, want_type);
        test_concurrent_signing(priv, pub, want_type);
        /* A signature from the DER-loaded copy verifies with the cert key. */
        uint8_t sig[1024];
        size_t sig_len = 0;
        for (size_t i = 0; i < NSCHEMES; i++) {
            if (!scheme_expected(want_type, all_schemes[i]))
                continue;
            CHECK(cr_sign(priv_der, all_schemes[i], (const uint8_t *)"x", 1, sig, &sig_len) == 0);
            CHECK(cr_verify(pub, all_schemes[i], (const uint8_t *)"x", 1, sig, sig_len) == 0);
            break;
        }
        if (want_type == CR_KEY_RSA) {
            test_rsa_kx(priv, pub);
        } else {
            uint8_t fb[48] = {0}, out[48], ct[512];
            size_t ct_len;
            CHECK(cr_rsa_encrypt_pkcs1(pub, fb, 48, ct, &ct_len) == -1);
            CHECK(cr_rsa_decrypt_pms(priv, ct, 256, fb, out) == -1);
        }
        if (other_dir)
            test_chain(dir, other_dir);
    }
    cr_pkey_free(pub);
    cr_pkey_free(priv);
    cr_pkey_free(priv_der);
    cr_cert_free(cert);
    cr_cert_free(client);
    free(der);
    free(key_pem);
    remove_pki(dir);
}

static void test_other_keys(void)
{
    static const uint8_t msg[] = "hello";
    uint8_t sig[512];
    size_t len = 0;
    cr_pkey *ec = cr_pkey_load_private((const uint8_t *)trad_ec_key, strlen(trad_ec_key));
    CHECK(ec != NULL);
    if (ec) {
        CHECK(cr_pkey_type(ec) == CR_KEY_EC_P256);
        CHECK(cr_sign(ec, CR_SIG_ECDSA_SECP256R1_SHA256, msg, 5, sig, &len) == 0);
        CHECK(cr_verify(ec, CR_SIG_ECDSA_SECP256R1_SHA256, msg, 5, sig, len) == 0);
        /* ecdsa_sha1 is allowed with any of the curves. */
        CHECK(cr_sign(ec, CR_SIG_ECDSA_SHA1, msg, 5, sig, &len) == 0);
        CHECK(cr_verify(ec, CR_SIG_ECDSA_SHA1, msg, 5, sig, len) == 0);
    }
    cr_pkey_free(ec);
    cr_pkey *pss = cr_pkey_load_private((const uint8_t *)rsa_pss_key, strlen(rsa_pss_key));
    CHECK(pss != NULL);
    if (pss) {
        CHECK(cr_pkey_type(pss) == CR_KEY_OTHER);
        CHECK(cr_pkey_bits(pss) == 1024);
        CHECK(cr_pkey_matches_scheme(pss, CR_SIG_RSA_PSS_PSS_SHA256));
        CHECK(cr_pkey_matches_scheme(pss, CR_SIG_RSA_PSS_PSS_SHA384));
        /* SHA-512 with a 64-byte salt does not fit in 128 bytes. */
        CHECK(!cr_pkey_matches_scheme(pss, CR_SIG_RSA_PSS_PSS_SHA512));
        CHECK(!cr_pkey_matches_scheme(pss, CR_SIG_RSA_PSS_RSAE_SHA256));
        CHECK(!cr_pkey_matches_scheme(pss, CR_SIG_RSA_PKCS1_SHA256));
        CHECK(cr_sign(pss, CR_SIG_RSA_PSS_PSS_SHA256, msg, 5, sig, &len) == 0);
        CHECK(len == 128);
        CHECK(cr_verify(pss, CR_SIG_RSA_PSS_PSS_SHA256, msg, 5, sig, len) == 0);
        CHECK(cr_verify(pss, CR_SIG_RSA_PSS_PSS_SHA384, msg, 5, sig, len) == -1);
        CHECK(cr_verify(pss, CR_SIG_RSA_PSS_RSAE_SHA256, msg, 5, sig, len) == -1);
        CHECK(cr_sign(pss, CR_SIG_RSA_PKCS1_SHA256, msg, 5, sig, &len) == -1);
        uint8_t fb[48] = {0}, out[48];
        CHECK(cr_rsa_decrypt_pms(pss, sig, 128, fb, out) == -1);
    }
    cr_pkey_free(pss);
}

int main(void)
{
    char err[256];
    CHECK(cr_init() == 0);
    /* A second, unrelated PKI to show a foreign CA is not trusted. */
    char other[] = "/tmp/clasp-test-sig-XXXXXX";
    CHECK(mkdtemp(other) != NULL);
    CHECK(cl_testpki_make(other, "ecdsa", err, sizeof(err)) == 0);
    CHECK(cl_testpki_make(other, "dsa", err, sizeof(err)) == -1);
    CHECK(strstr(err, "unknown key type 'dsa'") != NULL);
    CHECK(cl_testpki_make("/nonexistent/dir/x", "ecdsa", err, sizeof(err)) == -1);
    CHECK(strstr(err, "/nonexistent/dir/x") != NULL);

    test_key_type("ecdsa", CR_KEY_EC_P256, 256, other);
    test_key_type("ecdsa384", CR_KEY_EC_P384, 384, other);
    test_key_type("rsa", CR_KEY_RSA, 2048, other);
    test_key_type("ed25519", CR_KEY_ED25519, 256, other);
    test_dates(other);
    test_other_keys();
    remove_pki(other);

    /* Parsing: trailing bytes and garbage are refused. */
    size_t len = 0;
    uint8_t *der = pem_block(fixture_ca, 0, &len);
    uint8_t *longer = malloc(len + 1);
    memcpy(longer, der, len);
    longer[len] = 0;
    cr_cert *c = cr_cert_parse(der, len);
    CHECK(c != NULL);
    cr_cert_free(c);
    CHECK(cr_cert_parse(longer, len + 1) == NULL);
    CHECK(cr_cert_parse(der, len - 1) == NULL);
    free(der);
    free(longer);
    return tu_finish("test_crypto_sig");
}
