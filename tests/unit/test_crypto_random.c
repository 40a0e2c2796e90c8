/* SPDX-License-Identifier: Apache-2.0 */
/* The random pool (src/crypto/random.c): values differ between calls,
 * between threads, between the public and private pools, and between a
 * parent and its forked child (the pool page is wiped on fork); requests
 * too big for the pool still work. */
#include <pthread.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "crypto/thread_cache.h"
#include "testutil.h"

typedef int (*draw_fn)(void *, size_t);

static int all_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= p[i];
    return acc == 0;
}

static void distinct_draws(draw_fn draw)
{
    /* Far more than one pool's worth, so refills are crossed. */
    enum { DRAWS = 200 };
    static uint8_t seen[DRAWS][32];
    int ok = 1;
    for (int i = 0; i < DRAWS; i++) {
        ok &= draw(seen[i], 32) == 0 && !all_zero(seen[i], 32);
        for (int j = 0; ok && j < i; j++)
            ok &= memcmp(seen[i], seen[j], 32) != 0;
    }
    CHECK(ok);
}

/* After the parent has used its pool, a forked child's bytes must not be
 * the ones the parent hands out next. */
static void fork_does_not_share(draw_fn draw)
{
    uint8_t warm[16], mine[32], childs[32];
    CHECK(draw(warm, sizeof warm) == 0);
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        uint8_t b[32];
        int ok = draw(b, sizeof b) == 0 && write(fds[1], b, sizeof b) == (ssize_t)sizeof b;
        _exit(ok ? 0 : 1);
    }
    close(fds[1]);
    CHECK(draw(mine, sizeof mine) == 0);
    CHECK(read(fds[0], childs, sizeof childs) == (ssize_t)sizeof childs);
    close(fds[0]);
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(memcmp(mine, childs, sizeof mine) != 0);
}

static void *thread_draw(void *out)
{
    return cr_random_private(out, 32) == 0 ? out : NULL;
}

int main(void)
{
    CHECK(cr_init() == 0);
    /* The pool needs MADV_WIPEONFORK (Linux 4.14); without it the fork
     * test below would pass without testing the pool. */
    CHECK(cr_thread_random_page() != NULL);

    distinct_draws(cr_random);
    distinct_draws(cr_random_private);

    uint8_t pub[32], priv[32];
    CHECK(cr_random(pub, 32) == 0 && cr_random_private(priv, 32) == 0);
    CHECK(memcmp(pub, priv, 32) != 0);

    fork_does_not_share(cr_random);
    fork_does_not_share(cr_random_private);

    /* Threads: each has its own pool. */
    uint8_t a[32], b[32];
    pthread_t ta, tb;
    void *ra = NULL, *rb = NULL;
    CHECK(pthread_create(&ta, NULL, thread_draw, a) == 0);
    CHECK(pthread_create(&tb, NULL, thread_draw, b) == 0);
    CHECK(pthread_join(ta, &ra) == 0 && pthread_join(tb, &rb) == 0);
    CHECK(ra == a && rb == b && memcmp(a, b, 32) != 0);

    /* Zero, small odd and large requests (the large one bypasses the pool). */
    static uint8_t big[70000], big2[70000];
    CHECK(cr_random(big, 0) == 0);
    CHECK(cr_random(big, 1) == 0 && cr_random(big, 257) == 0);
    CHECK(cr_random(big, sizeof big) == 0 && cr_random_private(big2, sizeof big2) == 0);
    CHECK(!all_zero(big + sizeof big - 64, 64) && memcmp(big, big2, sizeof big) != 0);
    return tu_finish("test_crypto_random");
}
