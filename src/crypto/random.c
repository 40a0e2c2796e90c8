/* cr_random: the OpenSSL DRBG (seeded from the OS, fork-safe). */
#include <limits.h>

#include <openssl/rand.h>

#include "crypto/crypto.h"

int cr_random(void *out, size_t n)
{
    unsigned char *p = out;
    /* RAND_bytes takes an int length. */
    while (n > 0) {
        size_t chunk = n > (size_t)INT_MAX ? (size_t)INT_MAX : n;
        if (RAND_bytes(p, (int)chunk) != 1)
            return -1;
        p += chunk;
        n -= chunk;
    }
    return 0;
}
