/* SPDX-License-Identifier: Apache-2.0 */
/* HMAC/HKDF/HKDF-Expand-Label/TLS 1.2 PRF known answers (RFC 5869, RFC 8448
 * section 3, RFC 4231) with OpenSSL's own KDFs as a cross-check where no
 * published vector exists. OpenSSL is included here for cross-checks only. */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "crypto/crypto.h"
#include "testutil.h"

static void rfc5869_case(const char *ikm_hex, const char *salt_hex, const char *info_hex,
                         size_t L, const char *prk_hex, const char *okm_hex)
{
    uint8_t ikm[128], salt[128], info[128], prk_want[32], okm_want[128], prk[32], okm[128];
    size_t ikm_len = tu_hex(ikm_hex, ikm, sizeof(ikm));
    size_t salt_len = tu_hex(salt_hex, salt, sizeof(salt));
    size_t info_len = tu_hex(info_hex, info, sizeof(info));
    CHECK(tu_hex(prk_hex, prk_want, sizeof(prk_want)) == 32);
    CHECK(tu_hex(okm_hex, okm_want, sizeof(okm_want)) == L);
    CHECK(cr_hkdf_extract(CR_SHA256, salt, salt_len, ikm, ikm_len, prk) == 0);
    CHECK_MEM(prk, prk_want, 32);
    CHECK(cr_hkdf_expand(CR_SHA256, prk, 32, info, info_len, okm, L) == 0);
    CHECK_MEM(okm, okm_want, L);
}

/* OpenSSL's TLS1-PRF KDF, for cross-checking cr_tls12_prf. */
static int ossl_prf(const char *digest, const uint8_t *secret, size_t secret_len,
                    const char *label, const uint8_t *seed, size_t seed_len, uint8_t *out,
                    size_t out_len)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "TLS1-PRF", NULL);
    EVP_KDF_CTX *kctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)digest, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, (void *)secret, secret_len),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, (void *)label, strlen(label)),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, (void *)seed, seed_len),
        OSSL_PARAM_construct_end(),
    };
    int ok = kctx && EVP_KDF_derive(kctx, out, out_len, params) == 1;
    EVP_KDF_CTX_free(kctx);
    EVP_KDF_free(kdf);
    return ok ? 0 : -1;
}

static void test_rfc5869(void)
{
    rfc5869_case("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "000102030405060708090a0b0c",
                 "f0f1f2f3f4f5f6f7f8f9", 42,
                 "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
                 "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
                 "34007208d5b887185865");
    rfc5869_case("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
                 "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
                 "404142434445464748494a4b4c4d4e4f",
                 "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
                 "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
                 "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf",
                 "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
                 "d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef"
                 "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
                 82, "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
                 "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
                 "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
                 "cc30c58179ec3e87c14c01d5c1f3434f1d87");
    rfc5869_case("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "", 42,
                 "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
                 "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
                 "9d201395faa4b61a96c8");
    /* Output too long for one HKDF (255 blocks). */
    uint8_t prk[32] = {0}, big[255 * 32 + 1];
    CHECK(cr_hkdf_expand(CR_SHA256, prk, 32, NULL, 0, big, sizeof(big)) == -1);
    CHECK(cr_hkdf_expand(CR_SHA256, prk, 32, NULL, 0, big, sizeof(big) - 1) == 0);
}

static void test_hmac(void)
{
    /* RFC 4231 test cases 2 (short key) and 6 (key longer than a block). */
    uint8_t out[64], want[64], key[131];
    CHECK(cr_hmac(CR_SHA256, (const uint8_t *)"Jefe", 4,
                  (const uint8_t *)"what do ya want for nothing?", 28, out) == 0);
    tu_hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", want, 32);
    CHECK_MEM(out, want, 32);
    CHECK(cr_hmac(CR_SHA384, (const uint8_t *)"Jefe", 4,
                  (const uint8_t *)"what do ya want for nothing?", 28, out) == 0);
    tu_hex("af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
           "8e2240ca5e69e2c78b3239ecfab21649",
           want, 48);
    CHECK_MEM(out, want, 48);
    memset(key, 0xaa, sizeof(key));
    const char *msg = "Test Using Larger Than Block-Size Key - Hash Key First";
    CHECK(cr_hmac(CR_SHA256, key, 131, (const uint8_t *)msg, strlen(msg), out) == 0);
    tu_hex("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54", want, 32);
    CHECK_MEM(out, want, 32);
    CHECK(cr_hmac(CR_SHA512, key, 131, (const uint8_t *)msg, strlen(msg), out) == 0);
    tu_hex("80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
           "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598",
           want, 64);
    CHECK_MEM(out, want, 64);
}

static void test_rfc8448(void)
{
    uint8_t early[32], empty_hash[32], derived[32], want[32], ecdhe[32], hs[32];
    uint8_t s_hs_traffic[32], key[16], iv[12], kwant[16], ivwant[12];
    /* Early secret = HKDF-Extract(0, 0). */
    CHECK(cr_hkdf_extract(CR_SHA256, NULL, 0, NULL, 0, early) == 0);
    tu_hex("33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a", want, 32);
    CHECK_MEM(early, want, 32);
    CHECK(cr_hash_once(CR_SHA256, "", 0, empty_hash) == 0);
    tu_hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", want, 32);
    CHECK_MEM(empty_hash, want, 32);
    CHECK(cr_hkdf_expand_label(CR_SHA256, early, "derived", empty_hash, 32, derived, 32) == 0);
    tu_hex("6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba", want, 32);
    CHECK_MEM(derived, want, 32);
    /* Handshake secret = HKDF-Extract(derived, ECDHE). */
    tu_hex("8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d", ecdhe, 32);
    CHECK(cr_hkdf_extract(CR_SHA256, derived, 32, ecdhe, 32, hs) == 0);
    tu_hex("1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac", want, 32);
    CHECK_MEM(hs, want, 32);
    /* Server handshake traffic key and IV: "tls13 key"/"tls13 iv", empty context. */
    tu_hex("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38", s_hs_traffic, 32);
    CHECK(cr_hkdf_expand_label(CR_SHA256, s_hs_traffic, "key", NULL, 0, key, 16) == 0);
    tu_hex("3fce516009c21727d0f2e4e86ee403bc", kwant, 16);
    CHECK_MEM(key, kwant, 16);
    CHECK(cr_hkdf_expand_label(CR_SHA256, s_hs_traffic, "iv", NULL, 0, iv, 12) == 0);
    tu_hex("5d313eb2671276ee13000b30", ivwant, 12);
    CHECK_MEM(iv, ivwant, 12);
    /* A label that would not fit the one-byte length is refused. */
    char longlabel[252];
    memset(longlabel, 'a', sizeof(longlabel) - 1);
    longlabel[sizeof(longlabel) - 1] = 0;
    CHECK(cr_hkdf_expand_label(CR_SHA256, early, longlabel, NULL, 0, key, 16) == -1);
    longlabel[249] = 0; /* 6 + 249 = 255 */
    CHECK(cr_hkdf_expand_label(CR_SHA256, early, longlabel, NULL, 0, key, 16) == 0);
}

static void test_tls12_prf(void)
{
    uint8_t secret[16], seed[16], want[100], out[100], cross[300], big[300];
    tu_hex("9bbe436ba940f017b17652849a71db35", secret, 16);
    tu_hex("a0ba9f936cda311827a6f796ffd5198c", seed, 16);
    CHECK(tu_hex("e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a"
                 "6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab"
                 "4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701"
                 "87347b66",
                 want, sizeof(want)) == 100);
    CHECK(cr_tls12_prf(CR_SHA256, secret, 16, "test label", seed, 16, out, 100) == 0);
    CHECK_MEM(out, want, 100);
    /* The published vector agrees with OpenSSL's own TLS1-PRF. */
    CHECK(ossl_prf("SHA256", secret, 16, "test label", seed, 16, cross, 100) == 0);
    CHECK_MEM(cross, want, 100);
    /* SHA-384 (and odd lengths, a 48-byte master secret) against OpenSSL. */
    static const size_t lens[] = {1, 48, 104, 300};
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        uint8_t ms[48];
        memset(ms, (int)(0x40 + i), sizeof(ms));
        CHECK(cr_tls12_prf(CR_SHA384, ms, 48, "key expansion", seed, 16, big, lens[i]) == 0);
        CHECK(ossl_prf("SHA384", ms, 48, "key expansion", seed, 16, cross, lens[i]) == 0);
        CHECK_MEM(big, cross, lens[i]);
        CHECK(cr_tls12_prf(CR_SHA256, ms, 48, "master secret", seed, 16, big, lens[i]) == 0);
        CHECK(ossl_prf("SHA256", ms, 48, "master secret", seed, 16, cross, lens[i]) == 0);
        CHECK_MEM(big, cross, lens[i]);
    }
}

static void test_hash(void)
{
    uint8_t d1[64], d2[64], d3[64], want[64];
    cr_hash *h = cr_hash_new(CR_SHA256);
    CHECK(h != NULL);
    if (!h)
        return;
    CHECK(cr_hash_update(h, "ab", 2) == 0);
    CHECK(cr_hash_peek(h, d1) == 0);
    cr_hash *fork = cr_hash_dup(h);
    CHECK(fork != NULL);
    CHECK(cr_hash_update(h, "c", 1) == 0);
    CHECK(cr_hash_peek(h, d2) == 0);
    tu_hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", want, 32);
    CHECK_MEM(d2, want, 32);
    CHECK(cr_hash_once(CR_SHA256, "ab", 2, d3) == 0);
    CHECK_MEM(d1, d3, 32);
    if (fork) {
        CHECK(cr_hash_peek(fork, d3) == 0);
        CHECK_MEM(d3, d1, 32);
        CHECK(cr_hash_update(fork, "c", 1) == 0);
        CHECK(cr_hash_peek(fork, d3) == 0);
        CHECK_MEM(d3, want, 32);
    }
    cr_hash_free(fork);
    cr_hash_free(h);
    CHECK(cr_hash_once(CR_SHA1, "abc", 3, d1) == 0);
    tu_hex("a9993e364706816aba3e25717850c26c9cd0d89d", want, 20);
    CHECK_MEM(d1, want, 20);
    CHECK(cr_hash_once(CR_SHA384, "abc", 3, d1) == 0);
    tu_hex("cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
           "8086072ba1e7cc2358baeca134c825a7",
           want, 48);
    CHECK_MEM(d1, want, 48);
    CHECK(cr_hash_len(CR_SHA512) == 64 && cr_hash_len(CR_SHA1) == 20);
}

int main(void)
{
    CHECK(cr_init() == 0);
    CHECK(cr_init() == 0); /* idempotent */
    test_hash();
    test_hmac();
    test_rfc5869();
    test_rfc8448();
    test_tls12_prf();
    return tu_finish("test_crypto_hkdf");
}
