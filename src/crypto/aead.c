/* SPDX-License-Identifier: Apache-2.0 */
/* AEAD record protection: AES-GCM and ChaCha20-Poly1305 with a 12-byte
 * nonce and a 16-byte tag. The key schedule runs once in cr_aead_new; each
 * record only sets the nonce, so the per-record cost is the cipher itself. */
#include <limits.h>
#include <stdlib.h>

#include <openssl/err.h>

#include "crypto/internal.h"

struct cr_aead {
    EVP_CIPHER_CTX *ctx;
    int encrypt;
};

size_t cr_aead_key_len(cr_aead_alg alg)
{
    switch (alg) {
    case CR_AES128GCM:
        return 16;
    case CR_AES256GCM:
    case CR_CHACHA20POLY1305:
        return 32;
    }
    return 0;
}

cr_aead *cr_aead_new(cr_aead_alg alg, const uint8_t *key, int encrypt)
{
    const cr_algs *a = cr_get_algs();
    if (!a || (unsigned)alg > CR_CHACHA20POLY1305 || !key)
        return NULL;
    const EVP_CIPHER *cipher = a->cipher[alg];
    cr_aead *ae = calloc(1, sizeof(*ae));
    if (!ae)
        return NULL;
    ae->encrypt = encrypt ? 1 : 0;
    ae->ctx = EVP_CIPHER_CTX_new();
    /* Both ciphers default to a 12-byte IV, which is what TLS uses. */
    int ok = ae->ctx != NULL &&
             (encrypt ? EVP_EncryptInit_ex2(ae->ctx, cipher, key, NULL, NULL)
                      : EVP_DecryptInit_ex2(ae->ctx, cipher, key, NULL, NULL)) == 1 &&
             EVP_CIPHER_CTX_get_iv_length(ae->ctx) == CR_AEAD_NONCE;
    if (!ok) {
        cr_aead_free(ae);
        return NULL;
    }
    return ae;
}

void cr_aead_free(cr_aead *a)
{
    if (!a)
        return;
    /* EVP_CIPHER_CTX_free cleanses the key schedule. */
    EVP_CIPHER_CTX_free(a->ctx);
    free(a);
}

int cr_aead_seal2(cr_aead *a, const uint8_t nonce[CR_AEAD_NONCE], const uint8_t *aad,
                  size_t aad_len, const uint8_t *in, size_t len, const uint8_t *in2, size_t len2,
                  uint8_t *out, uint8_t tag[CR_AEAD_TAG])
{
    int outl;
    uint8_t fin[EVP_MAX_BLOCK_LENGTH]; /* stream modes emit nothing at final */
    if (!a || !a->encrypt || aad_len > INT_MAX || len > INT_MAX || len2 > INT_MAX)
        return -1;
    if (EVP_EncryptInit_ex2(a->ctx, NULL, NULL, nonce, NULL) != 1)
        goto fail;
    /* A NULL output pointer feeds additional data. */
    if (aad_len && EVP_EncryptUpdate(a->ctx, NULL, &outl, aad, (int)aad_len) != 1)
        goto fail;
    /* Out of place: encrypting straight from the caller's buffer saves the
     * copy an in-place seal would need. */
    if (len && (EVP_EncryptUpdate(a->ctx, out, &outl, in, (int)len) != 1 || (size_t)outl != len))
        goto fail;
    if (len2 && (EVP_EncryptUpdate(a->ctx, out + len, &outl, in2, (int)len2) != 1 ||
                 (size_t)outl != len2))
        goto fail;
    if (EVP_EncryptFinal_ex(a->ctx, fin, &outl) != 1 || outl != 0 ||
        EVP_CIPHER_CTX_ctrl(a->ctx, EVP_CTRL_AEAD_GET_TAG, CR_AEAD_TAG, tag) != 1)
        goto fail;
    return 0;
fail:
    ERR_clear_error();
    cl_wipe(out, len + len2);
    return -1;
}

int cr_aead_seal(cr_aead *a, const uint8_t nonce[CR_AEAD_NONCE], const uint8_t *aad,
                 size_t aad_len, uint8_t *buf, size_t len, uint8_t tag[CR_AEAD_TAG])
{
    return cr_aead_seal2(a, nonce, aad, aad_len, buf, len, NULL, 0, buf, tag);
}

int cr_aead_open_to(cr_aead *a, const uint8_t nonce[CR_AEAD_NONCE], const uint8_t *aad,
                    size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                    const uint8_t tag[CR_AEAD_TAG])
{
    int outl;
    uint8_t fin[EVP_MAX_BLOCK_LENGTH];
    if (!a || a->encrypt || aad_len > INT_MAX || len > INT_MAX)
        return -1;
    if (EVP_DecryptInit_ex2(a->ctx, NULL, NULL, nonce, NULL) != 1)
        goto fail;
    if (aad_len && EVP_DecryptUpdate(a->ctx, NULL, &outl, aad, (int)aad_len) != 1)
        goto fail;
    if (len && (EVP_DecryptUpdate(a->ctx, out, &outl, in, (int)len) != 1 || (size_t)outl != len))
        goto fail;
    /* The ctrl takes a non-const pointer but only reads the tag. */
    if (EVP_CIPHER_CTX_ctrl(a->ctx, EVP_CTRL_AEAD_SET_TAG, CR_AEAD_TAG, (void *)tag) != 1 ||
        EVP_DecryptFinal_ex(a->ctx, fin, &outl) != 1 || outl != 0)
        goto fail;
    return 0;
fail:
    /* Never hand back unauthenticated plaintext. */
    ERR_clear_error();
    cl_wipe(out, len);
    return -1;
}

int cr_aead_open(cr_aead *a, const uint8_t nonce[CR_AEAD_NONCE], const uint8_t *aad,
                 size_t aad_len, uint8_t *buf, size_t len, const uint8_t tag[CR_AEAD_TAG])
{
    return cr_aead_open_to(a, nonce, aad, aad_len, buf, len, buf, tag);
}
