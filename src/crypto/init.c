/* SPDX-License-Identifier: Apache-2.0 */
/* cr_init: fetches every algorithm once per process. Implicit fetches
 * (EVP_sha256() and friends, or names passed per call) take a lock and a
 * name lookup each time; fetched objects are plain shared pointers. */
#include <pthread.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/params.h>

#include "crypto/internal.h"

static cr_algs g_algs;
static int g_ok;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static const char *const md_names[4] = {"SHA2-256", "SHA2-384", "SHA2-512", "SHA1"};
static const char *const cipher_names[3] = {"AES-128-GCM", "AES-256-GCM", "ChaCha20-Poly1305"};

/* A parameters-only key for a named group, so key generation needs no
 * group lookup per handshake. */
static EVP_PKEY *named_params(const char *type, const char *group)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    EVP_PKEY *pk = NULL;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)group, 0),
        OSSL_PARAM_construct_end(),
    };
    if (!ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
        EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_KEY_PARAMETERS, params) <= 0)
        pk = NULL;
    EVP_PKEY_CTX_free(ctx);
    return pk;
}

static void fetch_all(void)
{
    int ok = 1;
    for (int i = 0; i < 4; i++)
        ok &= (g_algs.md[i] = EVP_MD_fetch(NULL, md_names[i], NULL)) != NULL;
    for (int i = 0; i < 3; i++)
        ok &= (g_algs.cipher[i] = EVP_CIPHER_fetch(NULL, cipher_names[i], NULL)) != NULL;
    static const struct {
        const char *type, *group;
    } groups[CR_KX_NPARAMS] = {
        [CR_KX_P256] = {"EC", "P-256"},          [CR_KX_P384] = {"EC", "P-384"},
        [CR_KX_P521] = {"EC", "P-521"},          [CR_KX_FF2048] = {"DH", "ffdhe2048"},
        [CR_KX_FF3072] = {"DH", "ffdhe3072"},    [CR_KX_FF4096] = {"DH", "ffdhe4096"},
        [CR_KX_FF6144] = {"DH", "ffdhe6144"},    [CR_KX_FF8192] = {"DH", "ffdhe8192"},
    };
    for (int i = 0; i < CR_KX_NPARAMS; i++)
        ok &= (g_algs.kx_params[i] = named_params(groups[i].type, groups[i].group)) != NULL;
    /* A failure here is permanent (the provider lacks an algorithm); drop
     * the queued errors so they do not surface in unrelated places. */
    if (!ok)
        ERR_clear_error();
    g_ok = ok;
}

const cr_algs *cr_get_algs(void)
{
    if (pthread_once(&g_once, fetch_all) != 0)
        return NULL;
    return g_ok ? &g_algs : NULL;
}

int cr_init(void)
{
    return cr_get_algs() ? 0 : -1;
}
