/* SPDX-License-Identifier: Apache-2.0 */
#include "base/ct.h"

void cl_ct_select(uint8_t mask, const uint8_t *a, const uint8_t *b, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)((a[i] & mask) | (b[i] & (uint8_t)~mask));
}

uint8_t cl_ct_pkcs1_type2_ok(const uint8_t *em, size_t k, size_t msg_len)
{
    /* Callers guarantee k >= msg_len + 11, which depends on no secret. */
    size_t sep = k - msg_len - 1;
    uint32_t good = cl_ct_eq(em[0], 0) & cl_ct_eq(em[1], 2) & cl_ct_eq(em[sep], 0);
    for (size_t i = 2; i < sep; i++)
        good &= ~cl_ct_eq(em[i], 0);
    return (uint8_t)good;
}

void cl_ct_rsa_premaster(const uint8_t *em, size_t k, uint8_t valid, uint16_t client_version,
                         const uint8_t fallback[48], uint8_t out[48])
{
    const uint8_t *m = em + k - 48;
    uint8_t ok = valid & cl_ct_pkcs1_type2_ok(em, k, 48);
    ok &= (uint8_t)cl_ct_eq((uint32_t)m[0] << 8 | m[1], client_version);
    cl_ct_select(ok, m, fallback, out, 48);
}
