/* SPDX-License-Identifier: Apache-2.0 */
/* The key exchange entry points of crypto.h: a key is either a plain
 * Diffie-Hellman key (dh.c) or a hybrid ECDH + ML-KEM key (hybrid.c), and
 * each call goes to the one the group names. Kept apart from both so that
 * calls run one way: hybrid.c uses dh.c for its ECDH half, and neither
 * knows this file. */
#include <stdlib.h>

#include "crypto/internal.h"

struct cr_kx {
    cr_dh *dh;         /* exactly one of the two */
    cr_hybrid *hybrid;
};

/* Takes over dh or hybrid (freed if the wrapper cannot be made). */
static int wrap(cr_dh *dh, cr_hybrid *hybrid, cr_kx **key)
{
    cr_kx *k = malloc(sizeof *k);
    if (!k) {
        cr_dh_free(dh);
        cr_hybrid_free(hybrid);
        return -1;
    }
    k->dh = dh;
    k->hybrid = hybrid;
    *key = k;
    return 0;
}

int cr_group_supported(uint16_t group)
{
    return cr_dh_group_supported(group) || (cr_group_is_hybrid(group) && cr_get_algs() != NULL);
}

int cr_kx_generate(uint16_t group, cr_kx **key, uint8_t *pub, size_t *pub_len)
{
    if (!cr_get_algs())
        return -1;
    if (cr_group_is_hybrid(group)) {
        cr_hybrid *h = NULL;
        return cr_hybrid_generate(group, &h, pub, pub_len) != 0 ? -1 : wrap(NULL, h, key);
    }
    cr_dh *dh = NULL;
    return cr_dh_generate(group, &dh, pub, pub_len) != 0 ? -1 : wrap(dh, NULL, key);
}

#ifdef CLASP_TEST_HOOKS
int cr_kx_from_private(uint16_t group, const uint8_t *priv, size_t priv_len, cr_kx **key,
                       uint8_t *pub, size_t *pub_len)
{
    if (cr_group_is_hybrid(group)) {
        cr_hybrid *h = NULL;
        return cr_hybrid_from_private(group, priv, priv_len, &h, pub, pub_len) != 0
                   ? -1
                   : wrap(NULL, h, key);
    }
    cr_dh *dh = NULL;
    return cr_dh_from_private(group, priv, priv_len, &dh, pub, pub_len) != 0
               ? -1
               : wrap(dh, NULL, key);
}

int cr_kx_encap_from_private(uint16_t group, const uint8_t *priv, size_t priv_len,
                             const uint8_t *peer, size_t peer_len, uint8_t *pub, size_t *pub_len,
                             uint8_t *secret, size_t *secret_len)
{
    if (cr_group_is_hybrid(group))
        return cr_hybrid_encap_from_private(group, priv, priv_len, peer, peer_len, pub, pub_len,
                                            secret, secret_len);
    cr_dh *dh = NULL;
    int rc = cr_dh_from_private(group, priv, priv_len, &dh, pub, pub_len);
    if (rc == 0)
        rc = cr_dh_derive(dh, peer, peer_len, secret, secret_len);
    cr_dh_free(dh);
    return rc;
}
#endif

int cr_kx_derive(cr_kx *key, const uint8_t *peer, size_t peer_len, uint8_t *secret,
                 size_t *secret_len)
{
    if (!key)
        return -1;
    return key->hybrid ? cr_hybrid_decap(key->hybrid, peer, peer_len, secret, secret_len)
                       : cr_dh_derive(key->dh, peer, peer_len, secret, secret_len);
}

int cr_kx_encap(uint16_t group, const uint8_t *peer, size_t peer_len, uint8_t *pub,
                size_t *pub_len, uint8_t *secret, size_t *secret_len)
{
    return cr_group_is_hybrid(group)
               ? cr_hybrid_encap(group, peer, peer_len, pub, pub_len, secret, secret_len)
               : cr_dh_encap(group, peer, peer_len, pub, pub_len, secret, secret_len);
}

int cr_kx_generate_beside(uint16_t group, const cr_kx *hybrid, cr_kx **key, uint8_t *pub,
                          size_t *pub_len)
{
    uint16_t ec_group = 0;
    const cr_dh *ec = hybrid && hybrid->hybrid ? cr_hybrid_ec_key(hybrid->hybrid, &ec_group) : NULL;
    if (!ec || ec_group != group)
        return cr_kx_generate(group, key, pub, pub_len);
    cr_dh *dh = NULL;
    return cr_dh_share(ec, &dh, pub, pub_len) != 0 ? -1 : wrap(dh, NULL, key);
}

void cr_kx_free(cr_kx *key)
{
    if (!key)
        return;
    cr_dh_free(key->dh);
    cr_hybrid_free(key->hybrid);
    free(key);
}

/* TLS 1.2 DHE: plain Diffie-Hellman only. */

int cr_kx_generate_dh(const uint8_t *p, size_t p_len, const uint8_t *g, size_t g_len,
                      cr_kx **key, uint8_t *pub, size_t *pub_len, uint16_t *named, size_t *bits)
{
    cr_dh *dh = NULL;
    return cr_dh_generate_custom(p, p_len, g, g_len, &dh, pub, pub_len, named, bits) != 0
               ? -1
               : wrap(dh, NULL, key);
}

int cr_kx_derive_dhe12(cr_kx *key, const uint8_t *peer, size_t peer_len, uint8_t *secret,
                       size_t *secret_len)
{
    return key && key->dh ? cr_dh_derive_dhe12(key->dh, peer, peer_len, secret, secret_len) : -1;
}

int cr_kx_dh_params(const cr_kx *key, uint8_t *p, size_t *p_len, uint8_t *g, size_t *g_len)
{
    return key && key->dh ? cr_dh_params(key->dh, p, p_len, g, g_len) : -1;
}
