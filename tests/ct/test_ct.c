/* SPDX-License-Identifier: Apache-2.0 */
/* Constant-time checks, ctgrind style: run under valgrind memcheck with the
 * secret inputs marked undefined. Any branch or memory index that depends
 * on them is reported as a use of an uninitialised value, and valgrind's
 * --error-exitcode makes the test fail. Results are marked defined again
 * only at the point where a real caller would look at them. */
#include <stdio.h>
#include <string.h>
#include <valgrind/memcheck.h>

#include "base/bytes.h"
#include "base/ct.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

static int failures;

static void expect(int cond, const char *what)
{
    if (!cond) {
        printf("FAIL: %s\n", what);
        failures++;
    }
}

/* A 256-byte PKCS#1 v1.5 block holding a 48-byte premaster. */
static void make_block(uint8_t *em, int variant)
{
    memset(em, 0x5a, 256);
    em[0] = 0;
    em[1] = 2;
    em[256 - 49] = 0;
    for (int i = 0; i < 48; i++)
        em[256 - 48 + i] = (uint8_t)(i + 1);
    em[256 - 48] = 3, em[256 - 47] = 3; /* client_version 0x0303 */
    switch (variant) {
    case 1: em[1] = 1; break;               /* wrong block type */
    case 2: em[256 - 49] = 7; break;        /* no separator where expected */
    case 3: em[5] = 0; break;               /* separator too early: wrong length */
    case 4: em[256 - 48] = 2; break;        /* right padding, wrong version */
    }
}

/* What the server does with a decrypted block: padding check, version
 * check, and a choice between the premaster and the random fallback. */
static void server_premaster(const uint8_t *em, const uint8_t *fallback, uint8_t *pms)
{
    uint8_t ok = cl_ct_pkcs1_type2_ok(em, 256, 48);
    const uint8_t *m = em + 256 - 48;
    ok &= (uint8_t)cl_ct_eq((uint32_t)m[0] << 8 | m[1], 0x0303);
    cl_ct_select(ok, m, fallback, pms, 48);
}

int main(void)
{
    uint8_t em[256], fallback[48], pms[48];
    memset(fallback, 0xee, sizeof fallback);
    for (int variant = 0; variant < 5; variant++) {
        make_block(em, variant);
        SECRET(em, sizeof em);
        server_premaster(em, fallback, pms);
        PUBLIC(pms, sizeof pms); /* becomes the master secret's input: looked at by tests only */
        PUBLIC(em, sizeof em);
        int used_fallback = memcmp(pms, fallback, 48) == 0;
        expect(used_fallback == (variant != 0), "premaster or fallback chosen as expected");
    }

    /* Finished / binder comparison: both sides secret until the verdict. */
    uint8_t a[48], b[48];
    for (int differ = 0; differ < 2; differ++) {
        memset(a, 0x11, sizeof a);
        memcpy(b, a, sizeof b);
        if (differ)
            b[47] ^= 1;
        SECRET(a, sizeof a);
        SECRET(b, sizeof b);
        int r = cl_ct_memcmp(a, b, sizeof a);
        PUBLIC(&r, sizeof r);
        expect((r != 0) == differ, "constant-time comparison");
    }

    printf("ct: %d failed\n", failures);
    return failures ? 1 : 0;
}
