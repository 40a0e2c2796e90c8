/* SPDX-License-Identifier: Apache-2.0 */
/* AEAD known answers (RFC 8439 2.8.2; an RFC 8448 AES-128-GCM record; the
 * GCM spec's test case 4), reuse of one keyed context across records, and
 * rejection of any tampering. */
#include <string.h>

#include "crypto/crypto.h"
#include "testutil.h"

static void kat(cr_aead_alg alg, const char *key_hex, const char *nonce_hex, const char *aad_hex,
                const char *pt_hex, const char *ct_hex, const char *tag_hex)
{
    uint8_t key[32], nonce[12], aad[64], pt[256], ct[256], tag[16], buf[256], got[16];
    CHECK(tu_hex(key_hex, key, sizeof(key)) == cr_aead_key_len(alg));
    CHECK(tu_hex(nonce_hex, nonce, sizeof(nonce)) == 12);
    size_t aad_len = tu_hex(aad_hex, aad, sizeof(aad));
    size_t len = tu_hex(pt_hex, pt, sizeof(pt));
    CHECK(tu_hex(ct_hex, ct, sizeof(ct)) == len);
    CHECK(tu_hex(tag_hex, tag, sizeof(tag)) == 16);
    cr_aead *enc = cr_aead_new(alg, key, 1), *dec = cr_aead_new(alg, key, 0);
    CHECK(enc && dec);
    if (!enc || !dec)
        goto out;
    /* Twice: the second run proves the nonce is reset per record. */
    for (int round = 0; round < 2; round++) {
        memcpy(buf, pt, len);
        CHECK(cr_aead_seal(enc, nonce, aad, aad_len, buf, len, got) == 0);
        CHECK_MEM(buf, ct, len);
        CHECK_MEM(got, tag, 16);
        CHECK(cr_aead_open(dec, nonce, aad, aad_len, buf, len, tag) == 0);
        CHECK_MEM(buf, pt, len);
    }
    /* A flipped bit anywhere is rejected and the buffer is not left with
     * (unauthenticated) plaintext. */
    uint8_t zero[256] = {0};
    for (int what = 0; what < 3; what++) {
        uint8_t t2[16], a2[64];
        memcpy(buf, ct, len);
        memcpy(t2, tag, 16);
        memcpy(a2, aad, aad_len);
        if (what == 0)
            t2[15] ^= 1;
        else if (what == 1)
            buf[len / 2] ^= 0x80;
        else if (aad_len)
            a2[0] ^= 1;
        else
            continue;
        CHECK(cr_aead_open(dec, nonce, a2, aad_len, buf, len, t2) == -1);
        CHECK_MEM(buf, zero, len);
    }
    /* Wrong nonce is rejected; then the context still works. */
    uint8_t n2[12];
    memcpy(n2, nonce, 12);
    n2[11] ^= 1;
    memcpy(buf, ct, len);
    CHECK(cr_aead_open(dec, n2, aad, aad_len, buf, len, tag) == -1);
    memcpy(buf, ct, len);
    CHECK(cr_aead_open(dec, nonce, aad, aad_len, buf, len, tag) == 0);
    CHECK_MEM(buf, pt, len);
    /* Direction is fixed at creation. */
    CHECK(cr_aead_seal(dec, nonce, aad, aad_len, buf, len, got) == -1);
    CHECK(cr_aead_open(enc, nonce, aad, aad_len, buf, len, tag) == -1);
out:
    cr_aead_free(enc);
    cr_aead_free(dec);
}

static void round_trips(cr_aead_alg alg)
{
    uint8_t key[32], nonce[12], aad[13], buf[2000], orig[2000], tag[16];
    CHECK(cr_random(key, sizeof(key)) == 0);
    CHECK(cr_random(aad, sizeof(aad)) == 0);
    CHECK(cr_random(orig, sizeof(orig)) == 0);
    cr_aead *enc = cr_aead_new(alg, key, 1), *dec = cr_aead_new(alg, key, 0);
    CHECK(enc && dec);
    if (!enc || !dec)
        goto out;
    static const size_t lens[] = {0, 1, 15, 16, 17, 255, 1024, 2000};
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        size_t len = lens[i];
        memset(nonce, 0, sizeof(nonce));
        nonce[11] = (uint8_t)i;
        memcpy(buf, orig, len);
        CHECK(cr_aead_seal(enc, nonce, aad, sizeof(aad), buf, len, tag) == 0);
        if (len >= 16)
            CHECK(memcmp(buf, orig, len) != 0);
        CHECK(cr_aead_open(dec, nonce, aad, sizeof(aad), buf, len, tag) == 0);
        CHECK_MEM(buf, orig, len);
        /* An empty record still authenticates its AAD and tag. */
        tag[0] ^= 1;
        CHECK(cr_aead_open(dec, nonce, aad, sizeof(aad), buf, len, tag) == -1);
    }
    /* No AAD at all. */
    memcpy(buf, orig, 100);
    CHECK(cr_aead_seal(enc, nonce, NULL, 0, buf, 100, tag) == 0);
    CHECK(cr_aead_open(dec, nonce, NULL, 0, buf, 100, tag) == 0);
    CHECK_MEM(buf, orig, 100);
out:
    cr_aead_free(enc);
    cr_aead_free(dec);
}

int main(void)
{
    CHECK(cr_init() == 0);
    CHECK(cr_aead_key_len(CR_AES128GCM) == 16 && cr_aead_key_len(CR_AES256GCM) == 32 &&
          cr_aead_key_len(CR_CHACHA20POLY1305) == 32);
    /* RFC 8439 2.8.2 */
    kat(CR_CHACHA20POLY1305, "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
        "070000004041424344454647", "50515253c0c1c2c3c4c5c6c7",
        "4c616469657320616e642047656e746c656d656e206f662074686520636c6173"
        "73206f66202739393a204966204920636f756c64206f6666657220796f75206f"
        "6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73"
        "637265656e20776f756c642062652069742e",
        "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
        "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
        "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
        "3ff4def08e4b7a9de576d26586cec64b6116",
        "1ae10b594f09e26a7e902ecbd0600691");
    /* RFC 8448 section 3: the client's first application_data record
     * (key/iv from "tls13 key"/"tls13 iv", sequence 0 so nonce = iv; the
     * inner plaintext is the payload followed by content type 0x17). */
    kat(CR_AES128GCM, "17422dda596ed5d9acd890e3c63f5051", "5b78923dee08579033e523d9",
        "1703030043",
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
        "202122232425262728292a2b2c2d2e2f303117",
        "a23f7054b62c94d0affafe8228ba55cbefacea42f914aa66bcab3f2b9819a8a5"
        "b46b395bd54a9a20441e2b62974e1f5a6292a2",
        "977014bd1e3deae63aeebb21694915e4");
    /* GCM spec (McGrew & Viega) test case 16: AES-256, 96-bit IV, AAD. */
    kat(CR_AES256GCM, "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
        "cafebabefacedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2",
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
        "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
        "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
        "76fc6ece0f4e1768cddf8853bb2d551b");
    round_trips(CR_AES128GCM);
    round_trips(CR_AES256GCM);
    round_trips(CR_CHACHA20POLY1305);
    return tu_finish("test_crypto_aead");
}
