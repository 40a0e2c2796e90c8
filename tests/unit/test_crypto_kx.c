/* SPDX-License-Identifier: Apache-2.0 */
/* Key exchange: X25519 and X448 known answers (RFC 7748 6, RFC 8448 3,
 * Wycheproof), NIST curve agreement both ways and secp521r1 known answers
 * (Wycheproof), FFDHE for every RFC 7919 group, and rejection of malformed
 * peer shares; TLS 1.2 DHE peer values shorter than p; the test hooks'
 * fixed hybrid (ECDH + ML-KEM) keys. */
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "testutil.h"

/* RFC 7919 A.1 */
static const char ffdhe2048_p[] =
    "FFFFFFFF FFFFFFFF ADF85458 A2BB4A9A AFDC5620 273D3CF1"
    "D8B9C583 CE2D3695 A9E13641 146433FB CC939DCE 249B3EF9"
    "7D2FE363 630C75D8 F681B202 AEC4617A D3DF1ED5 D5FD6561"
    "2433F51F 5F066ED0 85636555 3DED1AF3 B557135E 7F57C935"
    "984F0C70 E0E68B77 E2A689DA F3EFE872 1DF158A1 36ADE735"
    "30ACCA4F 483A797A BC0AB182 B324FB61 D108A94B B2C8E3FB"
    "B96ADAB7 60D7F468 1D4F42A3 DE394DF4 AE56EDE7 6372BB19"
    "0B07A7C8 EE0A6D70 9E02FCE1 CDF7E2EC C03404CD 28342F61"
    "9172FE9C E98583FF 8E4F1232 EEF28183 C3FE3B1B 4C6FAD73"
    "3BB5FCBC 2EC22005 C58EF183 7D1683B2 C6F34A26 C1B2EFFA"
    "886B4238 61285C97 FFFFFFFF FFFFFFFF";

static void x25519_pair(const char *a_priv, const char *a_pub, const char *b_priv,
                        const char *b_pub, const char *shared)
{
    uint8_t priv[32], want_pub[32], peer[32], want[32], pub[CR_MAX_KX_PUB],
        sec[CR_MAX_KX_SECRET];
    size_t pub_len = 0, sec_len = 0;
    cr_kx *k = NULL;
    tu_hex(a_priv, priv, 32);
    tu_hex(a_pub, want_pub, 32);
    tu_hex(shared, want, 32);
    CHECK(cr_kx_from_private(CR_GROUP_X25519, priv, 32, &k, pub, &pub_len) == 0);
    CHECK(pub_len == 32);
    CHECK_MEM(pub, want_pub, 32);
    if (b_priv) {
        cr_kx *kb = NULL;
        uint8_t bpriv[32];
        tu_hex(b_priv, bpriv, 32);
        CHECK(cr_kx_from_private(CR_GROUP_X25519, bpriv, 32, &kb, pub, &pub_len) == 0);
        tu_hex(b_pub, peer, 32);
        CHECK_MEM(pub, peer, 32);
        CHECK(kb && cr_kx_derive(kb, want_pub, 32, sec, &sec_len) == 0);
        CHECK(sec_len == 32);
        CHECK_MEM(sec, want, 32);
        cr_kx_free(kb);
    }
    tu_hex(b_pub, peer, 32);
    CHECK(k && cr_kx_derive(k, peer, 32, sec, &sec_len) == 0);
    CHECK(sec_len == 32);
    CHECK_MEM(sec, want, 32);
    cr_kx_free(k);
}

static void test_x25519(void)
{
    /* RFC 7748 6.1 */
    x25519_pair("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
                "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
                "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
                "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
                "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    /* RFC 8448 section 3: client key with the server's share. */
    x25519_pair("49af42ba7f7994852d713ef2784bcbcaa7911de26adc5642cb634540e7ea5005",
                "99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c",
                "b1580eeadf6dd589b8ef4f2d5652578cc810e9980191ec8d058308cea216a21e",
                "c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f",
                "8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d");

    /* Fresh keys agree; bad shares are refused. */
    uint8_t pa[CR_MAX_KX_PUB], pb[CR_MAX_KX_PUB], sa[CR_MAX_KX_SECRET], sb[CR_MAX_KX_SECRET];
    size_t la = 0, lb = 0, na = 0, nb = 0;
    cr_kx *a = NULL, *b = NULL;
    CHECK(cr_kx_generate(CR_GROUP_X25519, &a, pa, &la) == 0 && la == 32);
    CHECK(cr_kx_generate(CR_GROUP_X25519, &b, pb, &lb) == 0 && lb == 32);
    CHECK(cr_kx_derive(a, pb, lb, sa, &na) == 0);
    CHECK(cr_kx_derive(b, pa, la, sb, &nb) == 0);
    CHECK(na == 32 && nb == 32);
    CHECK_MEM(sa, sb, 32);
    CHECK(cr_kx_derive(a, pb, 31, sa, &na) == CR_KX_BAD_LENGTH);
    CHECK(cr_kx_derive(a, pb, 33, sa, &na) == CR_KX_BAD_LENGTH);
    /* Small-order points give an all-zero secret, which must be refused
     * (RFC 8446 7.4.2): u = 0 and u = 1. */
    uint8_t small[32] = {0};
    CHECK(cr_kx_derive(a, small, 32, sa, &na) == CR_KX_BAD_POINT);
    small[0] = 1;
    CHECK(cr_kx_derive(a, small, 32, sa, &na) == CR_KX_BAD_POINT);
    /* Private keys of the wrong size. */
    cr_kx *bad = NULL;
    CHECK(cr_kx_from_private(CR_GROUP_X25519, pa, 31, &bad, pb, &lb) == -1);
    CHECK(bad == NULL);
    cr_kx_free(a);
    cr_kx_free(b);
}

static void test_ec(uint16_t group, size_t pub_len, size_t sec_len)
{
    uint8_t pa[CR_MAX_KX_PUB], pb[CR_MAX_KX_PUB], sa[CR_MAX_KX_SECRET], sb[CR_MAX_KX_SECRET];
    size_t la = 0, lb = 0, na = 0, nb = 0;
    cr_kx *a = NULL, *b = NULL;
    CHECK(cr_group_supported(group));
    CHECK(cr_kx_generate(group, &a, pa, &la) == 0);
    CHECK(cr_kx_generate(group, &b, pb, &lb) == 0);
    if (!a || !b)
        goto out;
    CHECK(la == pub_len && lb == pub_len && pa[0] == 0x04 && pb[0] == 0x04);
    CHECK(cr_kx_derive(a, pb, lb, sa, &na) == 0);
    CHECK(cr_kx_derive(b, pa, la, sb, &nb) == 0);
    CHECK(na == sec_len && nb == sec_len);
    CHECK_MEM(sa, sb, sec_len);

    uint8_t bad[CR_MAX_KX_PUB];
    /* Wrong lengths. */
    CHECK(cr_kx_derive(a, pb, lb - 1, sa, &na) == CR_KX_BAD_LENGTH);
    CHECK(cr_kx_derive(a, pb, lb + 1, sa, &na) == CR_KX_BAD_LENGTH);
    /* Compressed form (0x02/0x03 || X), and a 0x02 prefix at full length. */
    size_t clen = 1 + (pub_len - 1) / 2;
    memcpy(bad, pb, clen);
    bad[0] = (uint8_t)(0x02 | (pb[pub_len - 1] & 1));
    CHECK(cr_kx_derive(a, bad, clen, sa, &na) == CR_KX_BAD_LENGTH);
    memcpy(bad, pb, lb);
    bad[0] = 0x02;
    CHECK(cr_kx_derive(a, bad, lb, sa, &na) == CR_KX_BAD_POINT);
    bad[0] = 0x06; /* hybrid form */
    CHECK(cr_kx_derive(a, bad, lb, sa, &na) == CR_KX_BAD_POINT);
    /* Not on the curve: a changed Y coordinate. */
    memcpy(bad, pb, lb);
    bad[lb - 1] ^= 1;
    CHECK(cr_kx_derive(a, bad, lb, sa, &na) == CR_KX_BAD_POINT);
    /* Coordinates out of range, and the all-zero "point". */
    memset(bad, 0xff, lb);
    bad[0] = 0x04;
    CHECK(cr_kx_derive(a, bad, lb, sa, &na) == CR_KX_BAD_POINT);
    memset(bad, 0, lb);
    bad[0] = 0x04;
    CHECK(cr_kx_derive(a, bad, lb, sa, &na) == CR_KX_BAD_POINT);
    /* The context still works after refusals. */
    CHECK(cr_kx_derive(a, pb, lb, sa, &na) == 0);
    CHECK_MEM(sa, sb, sec_len);
out:
    cr_kx_free(a);
    cr_kx_free(b);
}

static void test_ec_vectors(void)
{
    /* Scalar 1 gives the generator of P-256 (SEC 2 2.4.2). */
    uint8_t one = 1, pub[CR_MAX_KX_PUB], want[65], sec[CR_MAX_KX_SECRET];
    size_t len = 0, slen = 0;
    cr_kx *k = NULL, *k2 = NULL;
    tu_hex("04 6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296"
           "4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5",
           want, sizeof(want));
    CHECK(cr_kx_from_private(CR_GROUP_SECP256R1, &one, 1, &k, pub, &len) == 0);
    CHECK(len == 65);
    CHECK_MEM(pub, want, 65);
    /* Scalar 2 with the peer G equals scalar 1 with the peer 2G. */
    uint8_t two = 2, pub2[CR_MAX_KX_PUB], sec2[CR_MAX_KX_SECRET];
    size_t len2 = 0, slen2 = 0;
    CHECK(cr_kx_from_private(CR_GROUP_SECP256R1, &two, 1, &k2, pub2, &len2) == 0);
    CHECK(k && k2 && cr_kx_derive(k, pub2, len2, sec, &slen) == 0);
    CHECK(k2 && cr_kx_derive(k2, want, 65, sec2, &slen2) == 0);
    CHECK(slen == 32 && slen2 == 32);
    CHECK_MEM(sec, sec2, 32);
    CHECK_MEM(sec, pub2 + 1, 32); /* the secret is the X coordinate of 2G */
    cr_kx_free(k);
    cr_kx_free(k2);
    /* Zero and out-of-range scalars are refused. */
    uint8_t zero[32] = {0}, ff[32];
    memset(ff, 0xff, sizeof(ff));
    k = NULL;
    CHECK(cr_kx_from_private(CR_GROUP_SECP256R1, zero, 32, &k, pub, &len) == -1);
    CHECK(cr_kx_from_private(CR_GROUP_SECP256R1, ff, 32, &k, pub, &len) == -1);
    CHECK(k == NULL);
}

static void test_ffdhe(void)
{
    uint8_t pa[CR_MAX_KX_PUB], pb[CR_MAX_KX_PUB], sa[CR_MAX_KX_SECRET], sb[CR_MAX_KX_SECRET];
    size_t la = 0, lb = 0, na = 0, nb = 0;
    cr_kx *a = NULL, *b = NULL;
    CHECK(cr_group_supported(CR_GROUP_FFDHE2048));
    CHECK(cr_kx_generate(CR_GROUP_FFDHE2048, &a, pa, &la) == 0);
    CHECK(cr_kx_generate(CR_GROUP_FFDHE2048, &b, pb, &lb) == 0);
    if (!a || !b)
        goto out;
    CHECK(la == 256 && lb == 256);
    CHECK(cr_kx_derive(a, pb, lb, sa, &na) == 0);
    CHECK(cr_kx_derive(b, pa, la, sb, &nb) == 0);
    CHECK(na == 256 && nb == 256);
    CHECK_MEM(sa, sb, 256);

    uint8_t bad[CR_MAX_KX_PUB], p[256];
    CHECK(tu_hex(ffdhe2048_p, p, sizeof(p)) == 256);
    /* 0, 1, p-1, p and 2^2048-1 are refused (RFC 7919 5.1). */
    memset(bad, 0, 256);
    CHECK(cr_kx_derive(a, bad, 256, sa, &na) == CR_KX_BAD_POINT);
    bad[255] = 1;
    CHECK(cr_kx_derive(a, bad, 256, sa, &na) == CR_KX_BAD_POINT);
    memcpy(bad, p, 256);
    bad[255] -= 1;
    CHECK(cr_kx_derive(a, bad, 256, sa, &na) == CR_KX_BAD_POINT);
    memcpy(bad, p, 256);
    CHECK(cr_kx_derive(a, bad, 256, sa, &na) == CR_KX_BAD_POINT);
    memset(bad, 0xff, 256);
    CHECK(cr_kx_derive(a, bad, 256, sa, &na) == CR_KX_BAD_POINT);
    /* 2 and p-2 are in range. */
    memset(bad, 0, 256);
    bad[255] = 2;
    CHECK(cr_kx_derive(a, bad, 256, sa, &na) == 0 && na == 256);
    memcpy(bad, p, 256);
    bad[255] -= 2;
    CHECK(cr_kx_derive(a, bad, 256, sa, &na) == 0);
    /* The share must be padded to the length of p. */
    CHECK(cr_kx_derive(a, pb + 1, 255, sa, &na) == CR_KX_BAD_LENGTH);
    CHECK(cr_kx_derive(a, pb, 257, sa, &na) == CR_KX_BAD_LENGTH);
    /* A share from another group. */
    cr_kx *c = NULL;
    uint8_t pc[CR_MAX_KX_PUB];
    size_t lc = 0;
    CHECK(cr_kx_generate(CR_GROUP_FFDHE3072, &c, pc, &lc) == 0 && lc == 384);
    CHECK(cr_kx_derive(a, pc, lc, sa, &na) == CR_KX_BAD_LENGTH);
    cr_kx_free(c);

    /* x = 2 gives y = g^2 = 4, sent left-padded; the secret with peer y' is
     * y'^2 mod p, padded too. */
    uint8_t two = 2, four[256] = {0};
    four[255] = 4;
    cr_kx *k = NULL;
    CHECK(cr_kx_from_private(CR_GROUP_FFDHE2048, &two, 1, &k, pa, &la) == 0);
    CHECK(la == 256);
    CHECK_MEM(pa, four, 256);
    memset(bad, 0, 256);
    bad[255] = 3;
    CHECK(k && cr_kx_derive(k, bad, 256, sa, &na) == 0 && na == 256);
    uint8_t nine[256] = {0};
    nine[255] = 9;
    CHECK_MEM(sa, nine, 256);
    /* TLS 1.2 (cr_kx_derive_dhe12): the same peer value 3 as one byte, or
     * with more zeros than p has bytes, is the same integer; 0 still fails. */
    CHECK(k && cr_kx_derive_dhe12(k, bad + 255, 1, sa, &na) == 0 && na == 256);
    CHECK_MEM(sa, nine, 256);
    uint8_t wide[258] = {0};
    wide[257] = 3;
    CHECK(k && cr_kx_derive_dhe12(k, wide, sizeof wide, sa, &na) == 0);
    CHECK_MEM(sa, nine, 256);
    CHECK(k && cr_kx_derive_dhe12(k, wide, 1, sa, &na) == CR_KX_BAD_POINT);
    cr_kx_free(k);
out:
    cr_kx_free(a);
    cr_kx_free(b);
}

static void test_x448(void)
{
    /* RFC 7748 6.2 */
    static const char *a_priv = "9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28d"
                                "d9c9baf574a9419744897391006382a6f127ab1d9ac2d8c0a598726b";
    static const char *a_pub = "9b08f7cc31b7e3e67d22d5aea121074a273bd2b83de09c63faa73d2c"
                               "22c5d9bbc836647241d953d40c5b12da88120d53177f80e532c41fa0";
    static const char *b_priv = "1c306a7ac2a0e2e0990b294470cba339e6453772b075811d8fad0d1d"
                                "6927c120bb5ee8972b0d3e21374c9c921b09d1b0366f10b65173992d";
    static const char *b_pub = "3eb7a829b0cd20f5bcfc0b599b6feccf6da4627107bdb0d4f345b430"
                               "27d8b972fc3e34fb4232a13ca706dcb57aec3dae07bdc1c67bf33609";
    static const char *shared = "07fff4181ac6cc95ec1c16a94a0f74d12da232ce40a77552281d282b"
                                "b60c0b56fd2464c335543936521c24403085d59a449a5037514a879d";
    uint8_t priv[56], want[56], peer[56], k[56], pub[CR_MAX_KX_PUB], sec[CR_MAX_KX_SECRET];
    size_t pub_len = 0, sec_len = 0;
    CHECK(cr_group_supported(CR_GROUP_X448));
    const char *privs[2] = {a_priv, b_priv}, *pubs[2] = {a_pub, b_pub};
    tu_hex(shared, k, 56);
    for (int i = 0; i < 2; i++) {
        cr_kx *key = NULL;
        tu_hex(privs[i], priv, 56);
        tu_hex(pubs[i], want, 56);
        tu_hex(pubs[!i], peer, 56);
        CHECK(cr_kx_from_private(CR_GROUP_X448, priv, 56, &key, pub, &pub_len) == 0);
        CHECK(pub_len == 56);
        CHECK_MEM(pub, want, 56);
        CHECK(key && cr_kx_derive(key, peer, 56, sec, &sec_len) == 0);
        CHECK(sec_len == 56);
        CHECK_MEM(sec, k, 56);
        /* Wrong lengths (an X25519-sized share among them). */
        CHECK(key && cr_kx_derive(key, peer, 55, sec, &sec_len) == CR_KX_BAD_LENGTH);
        CHECK(key && cr_kx_derive(key, peer, 32, sec, &sec_len) == CR_KX_BAD_LENGTH);
        CHECK(key && cr_kx_derive(key, peer, 57, sec, &sec_len) == CR_KX_BAD_LENGTH);
        /* u = 0 and u = 1 are low-order: the all-zero secret is refused. */
        uint8_t small[56] = {0};
        CHECK(key && cr_kx_derive(key, small, 56, sec, &sec_len) == CR_KX_BAD_POINT);
        small[0] = 1;
        CHECK(key && cr_kx_derive(key, small, 56, sec, &sec_len) == CR_KX_BAD_POINT);
        cr_kx_free(key);
    }
    /* Fresh keys agree. */
    uint8_t pa[CR_MAX_KX_PUB], pb[CR_MAX_KX_PUB], sa[CR_MAX_KX_SECRET], sb[CR_MAX_KX_SECRET];
    size_t la = 0, lb = 0, na = 0, nb = 0;
    cr_kx *a = NULL, *b = NULL;
    CHECK(cr_kx_generate(CR_GROUP_X448, &a, pa, &la) == 0 && la == 56);
    CHECK(cr_kx_generate(CR_GROUP_X448, &b, pb, &lb) == 0 && lb == 56);
    CHECK(a && b && cr_kx_derive(a, pb, lb, sa, &na) == 0 && cr_kx_derive(b, pa, la, sb, &nb) == 0);
    CHECK(na == 56 && nb == 56);
    CHECK_MEM(sa, sb, 56);
    cr_kx *bad = NULL;
    CHECK(cr_kx_from_private(CR_GROUP_X448, pa, 32, &bad, pb, &lb) == -1 && bad == NULL);
    cr_kx_free(a);
    cr_kx_free(b);
}

/* One Wycheproof file converted to lines of `tcId result flags private
 * public shared` (tests/data/wycheproof). A share is used as clasp uses a
 * peer's: "valid" ones must give the expected secret; "invalid" ones, and
 * "acceptable" ones that TLS refuses (a compressed point, RFC 8446 4.2.8.2;
 * an all-zero X25519/X448 result, RFC 8446 7.4.2), must be refused; other
 * "acceptable" ones (twist points, non-canonical u) give the secret. */
static void test_wycheproof(const char *file, uint16_t group)
{
    const char *dir = getenv("CLASP_TEST_DATA");
    char path[512], line[2048];
    snprintf(path, sizeof path, "%s/wycheproof/%s", dir ? dir : "tests/data", file);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f)
        return;
    size_t n = 0, refused = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        char id[16], result[16], flags[256], priv_hex[256], pub_hex[512], shared_hex[256];
        if (sscanf(line, "%15s %15s %255s %255s %511s %255s", id, result, flags, priv_hex, pub_hex,
                   shared_hex) != 6) {
            CHECK(!"a well-formed vector line");
            continue;
        }
        uint8_t priv[128], peer[256], want[128], pub[CR_MAX_KX_PUB], sec[CR_MAX_KX_SECRET];
        size_t priv_len = strcmp(priv_hex, "-") ? tu_hex(priv_hex, priv, sizeof priv) : 0;
        size_t peer_len = strcmp(pub_hex, "-") ? tu_hex(pub_hex, peer, sizeof peer) : 0;
        size_t want_len = strcmp(shared_hex, "-") ? tu_hex(shared_hex, want, sizeof want) : 0;
        /* Big-endian scalars may carry a leading zero byte. */
        size_t skip = 0;
        while (group != CR_GROUP_X448 && priv_len - skip > 66 && priv[skip] == 0)
            skip++;
        int must_refuse = !strcmp(result, "invalid") || strstr(flags, "CompressedPoint") ||
                          strstr(flags, "ZeroSharedSecret");
        cr_kx *k = NULL;
        size_t pub_len = 0, sec_len = 0;
        int key_ok = cr_kx_from_private(group, priv + skip, priv_len - skip, &k, pub, &pub_len) == 0;
        CHECK(key_ok);
        int rc = key_ok ? cr_kx_derive(k, peer, peer_len, sec, &sec_len) : -1;
        if (must_refuse) {
            if (rc == 0)
                fprintf(stderr, "%s tcId %s (%s %s): accepted\n", file, id, result, flags);
            CHECK(rc == CR_KX_BAD_POINT || rc == CR_KX_BAD_LENGTH || rc == -1);
            refused++;
        } else {
            if (rc != 0 || sec_len != want_len || memcmp(sec, want, want_len) != 0)
                fprintf(stderr, "%s tcId %s (%s %s): wrong result\n", file, id, result, flags);
            CHECK(rc == 0 && sec_len == want_len && memcmp(sec, want, want_len) == 0);
        }
        cr_kx_free(k);
        n++;
    }
    fclose(f);
    printf("%s: %zu vectors, %zu refused as they must be\n", file, n, refused);
    CHECK(n > 100 && refused > 0);
}

/* Every RFC 7919 group: agreement, the share and the secret padded to the
 * length of p (RFC 8446 4.2.8.1, 7.4.1), and 1 < Y < p-1 (RFC 7919 5.1). */
static void test_ffdhe_group(uint16_t group, size_t p_bytes)
{
    uint8_t pa[CR_MAX_KX_PUB], pb[CR_MAX_KX_PUB], sa[CR_MAX_KX_SECRET], sb[CR_MAX_KX_SECRET];
    uint8_t p[CR_MAX_KX_PUB], gen[8], bad[CR_MAX_KX_PUB];
    size_t la = 0, lb = 0, na = 0, nb = 0, p_len = sizeof p, g_len = sizeof gen;
    cr_kx *a = NULL, *b = NULL, *k = NULL;
    CHECK(cr_group_supported(group));
    CHECK(cr_kx_generate(group, &a, pa, &la) == 0 && la == p_bytes);
    CHECK(cr_kx_generate(group, &b, pb, &lb) == 0 && lb == p_bytes);
    if (!a || !b)
        goto out;
    CHECK(cr_kx_derive(a, pb, lb, sa, &na) == 0 && cr_kx_derive(b, pa, la, sb, &nb) == 0);
    CHECK(na == p_bytes && nb == p_bytes);
    CHECK_MEM(sa, sb, p_bytes);
    CHECK(cr_kx_dh_params(a, p, &p_len, gen, &g_len) == 0 && p_len == p_bytes);
    CHECK(g_len == 1 && gen[0] == 2);
    /* 0, 1, p-1, p and all-ones are refused; 2 and p-2 are not. */
    memset(bad, 0, p_bytes);
    CHECK(cr_kx_derive(a, bad, p_bytes, sa, &na) == CR_KX_BAD_POINT);
    bad[p_bytes - 1] = 1;
    CHECK(cr_kx_derive(a, bad, p_bytes, sa, &na) == CR_KX_BAD_POINT);
    bad[p_bytes - 1] = 2;
    CHECK(cr_kx_derive(a, bad, p_bytes, sa, &na) == 0 && na == p_bytes);
    memcpy(bad, p, p_bytes);
    bad[p_bytes - 1] -= 1;
    CHECK(cr_kx_derive(a, bad, p_bytes, sa, &na) == CR_KX_BAD_POINT);
    bad[p_bytes - 1] -= 1;
    CHECK(cr_kx_derive(a, bad, p_bytes, sa, &na) == 0);
    memcpy(bad, p, p_bytes);
    CHECK(cr_kx_derive(a, bad, p_bytes, sa, &na) == CR_KX_BAD_POINT);
    memset(bad, 0xff, p_bytes);
    CHECK(cr_kx_derive(a, bad, p_bytes, sa, &na) == CR_KX_BAD_POINT);
    /* The share must be exactly the length of p. */
    CHECK(cr_kx_derive(a, pb + 1, p_bytes - 1, sa, &na) == CR_KX_BAD_LENGTH);
    CHECK(cr_kx_derive(a, pb, p_bytes + 1, sa, &na) == CR_KX_BAD_LENGTH);
    /* Known answer: x = 2 gives Y = 4, left-padded; with the peer's Y = 3
     * the secret is 9, left-padded to the length of p too. */
    uint8_t two = 2, want[CR_MAX_KX_PUB] = {0};
    want[p_bytes - 1] = 4;
    CHECK(cr_kx_from_private(group, &two, 1, &k, pa, &la) == 0 && la == p_bytes);
    CHECK_MEM(pa, want, p_bytes);
    memset(bad, 0, p_bytes);
    bad[p_bytes - 1] = 3;
    want[p_bytes - 1] = 9;
    CHECK(k && cr_kx_derive(k, bad, p_bytes, sa, &na) == 0 && na == p_bytes);
    CHECK_MEM(sa, want, p_bytes);
out:
    cr_kx_free(k);
    cr_kx_free(a);
    cr_kx_free(b);
}

/* The test hooks' hybrid keys (cr_kx_from_private, cr_kx_encap_from_private):
 * the same private key gives byte-identical shares and secrets run after
 * run (the fuzz seeds replay on it), the two sides agree, and what the
 * fixed key makes still fails the checks a fresh one does. */
static void test_hybrid_fixed(uint16_t group, size_t client_len, size_t server_len,
                              size_t secret_len)
{
    static const uint8_t priv[32] = {0x11, 0x42, 0x9a, 0x07, 0x5e, 0xc3, 0x31, 0x8d,
                                     0x24, 0x6f, 0xb0, 0x19, 0x7c, 0xe5, 0x53, 0x02,
                                     0x9b, 0x48, 0xd6, 0x2a, 0x71, 0x0f, 0xe8, 0x36,
                                     0xac, 0x5d, 0x13, 0x87, 0x64, 0xf2, 0x2b, 0x99};
    static const uint8_t spriv[32] = {0x22, 0x7d, 0x05, 0xb8, 0x4e, 0x91, 0x6a, 0x13,
                                      0xf7, 0x38, 0xc2, 0x5b, 0x0e, 0xa4, 0x69, 0xd1,
                                      0x83, 0x1c, 0xe6, 0x47, 0x2f, 0xba, 0x95, 0x60,
                                      0x0b, 0xde, 0x74, 0x39, 0xc8, 0x16, 0xaf, 0x5e};
    static uint8_t pub[2][CR_MAX_KX_PUB], spub[2][CR_MAX_KX_PUB];
    uint8_t sec[2][CR_MAX_KX_SECRET], csec[CR_MAX_KX_SECRET];
    size_t pub_len[2], spub_len[2], sec_len[2], csec_len = sizeof csec;
    cr_kx *k[2] = {NULL, NULL};
    for (int i = 0; i < 2; i++) {
        pub_len[i] = spub_len[i] = CR_MAX_KX_PUB;
        sec_len[i] = CR_MAX_KX_SECRET;
        CHECK(cr_kx_from_private(group, priv, sizeof priv, &k[i], pub[i], &pub_len[i]) == 0);
        CHECK(pub_len[i] == client_len);
        CHECK(cr_kx_encap_from_private(group, spriv, sizeof spriv, pub[i], pub_len[i], spub[i],
                                       &spub_len[i], sec[i], &sec_len[i]) == 0);
        CHECK(spub_len[i] == server_len && sec_len[i] == secret_len);
    }
    CHECK(memcmp(pub[0], pub[1], client_len) == 0);
    CHECK(memcmp(spub[0], spub[1], server_len) == 0);
    CHECK(memcmp(sec[0], sec[1], secret_len) == 0);
    CHECK(cr_kx_derive(k[0], spub[0], spub_len[0], csec, &csec_len) == 0);
    CHECK(csec_len == secret_len && memcmp(csec, sec[0], secret_len) == 0);
    /* A fresh server encapsulation to the same key agrees too, and differs. */
    uint8_t fpub[CR_MAX_KX_PUB], fsec[CR_MAX_KX_SECRET];
    size_t fpub_len = sizeof fpub, fsec_len = sizeof fsec;
    CHECK(cr_kx_encap(group, pub[0], pub_len[0], fpub, &fpub_len, fsec, &fsec_len) == 0);
    CHECK(fpub_len == server_len && memcmp(fpub, spub[0], server_len) != 0);
    csec_len = sizeof csec;
    CHECK(cr_kx_derive(k[1], fpub, fpub_len, csec, &csec_len) == 0);
    CHECK(csec_len == fsec_len && memcmp(csec, fsec, fsec_len) == 0);
    /* The checks still apply: a wrong length, an encapsulation key with a
     * coefficient of q (all ones). */
    size_t l = CR_MAX_KX_PUB, sl = CR_MAX_KX_SECRET;
    CHECK(cr_kx_encap_from_private(group, spriv, sizeof spriv, pub[0], pub_len[0] - 1, spub[1],
                                   &l, sec[1], &sl) == CR_KX_BAD_LENGTH);
    if (group == CR_GROUP_X25519MLKEM768) { /* ML-KEM first */
        memset(pub[1], 0xff, 16);
        l = CR_MAX_KX_PUB, sl = CR_MAX_KX_SECRET;
        CHECK(cr_kx_encap_from_private(group, spriv, sizeof spriv, pub[1], pub_len[1], spub[1],
                                       &l, sec[1], &sl) == CR_KX_BAD_KEM_KEY);
    }
    cr_kx *none = NULL;
    l = CR_MAX_KX_PUB;
    CHECK(cr_kx_from_private(group, NULL, 0, &none, pub[1], &l) == -1 && none == NULL);
    cr_kx_free(k[0]);
    cr_kx_free(k[1]);
}

int main(void)
{
    CHECK(cr_init() == 0);
    /* 0x001f (brainpoolP256r1tls13) and 0x0105 are not clasp's. */
    CHECK(!cr_group_supported(0x0000) && !cr_group_supported(0x001f) &&
          !cr_group_supported(0x0105));
    test_x448();
    test_wycheproof("x448.txt", CR_GROUP_X448);
    test_wycheproof("ecdh_secp521r1.txt", CR_GROUP_SECP521R1);
    test_ffdhe_group(CR_GROUP_FFDHE2048, 256);
    test_ffdhe_group(CR_GROUP_FFDHE3072, 384);
    test_ffdhe_group(CR_GROUP_FFDHE4096, 512);
    test_ffdhe_group(CR_GROUP_FFDHE6144, 768);
    test_ffdhe_group(CR_GROUP_FFDHE8192, 1024);
    test_x25519();
    test_ec(CR_GROUP_SECP256R1, 65, 32);
    test_ec(CR_GROUP_SECP384R1, 97, 48);
    test_ec(CR_GROUP_SECP521R1, 133, 66);
    test_ec_vectors();
    test_ffdhe();
    test_hybrid_fixed(CR_GROUP_X25519MLKEM768, 1216, 1120, 64);
    test_hybrid_fixed(CR_GROUP_SECP256R1MLKEM768, 1249, 1153, 64);
    test_hybrid_fixed(CR_GROUP_SECP384R1MLKEM1024, 1665, 1665, 80);
    return tu_finish("test_crypto_kx");
}
