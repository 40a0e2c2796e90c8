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
