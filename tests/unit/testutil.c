/* SPDX-License-Identifier: Apache-2.0 */
#include "testutil.h"

#include <ctype.h>
#include <string.h>

int tu_failures;
int tu_checks;

int tu_memcmp_report(const void *a, const void *b, size_t n, const char *what,
                     const char *file, int line)
{
    if (memcmp(a, b, n) == 0)
        return 0;
    const uint8_t *x = a, *y = b;
    size_t i = 0;
    while (x[i] == y[i])
        i++;
    fprintf(stderr, "%s:%d: %s differs at byte %zu of %zu (got %02x, want %02x)\n", file,
            line, what, i, n, x[i], y[i]);
    return 1;
}

size_t tu_hex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    int hi = -1;
    for (; *hex; hex++) {
        if (!isxdigit((unsigned char)*hex))
            continue;
        int v = isdigit((unsigned char)*hex) ? *hex - '0' : (tolower((unsigned char)*hex) - 'a' + 10);
        if (hi < 0) {
            hi = v;
        } else {
            if (n < cap)
                out[n] = (uint8_t)(hi << 4 | v);
            n++;
            hi = -1;
        }
    }
    return n;
}

int tu_finish(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, tu_checks, tu_failures);
    return tu_failures ? 1 : 0;
}
