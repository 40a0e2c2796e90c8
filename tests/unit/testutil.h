/* SPDX-License-Identifier: Apache-2.0 */
/* A minimal test harness: CHECK records a failure and goes on; the program's
 * exit status is the verdict ctest reads. */
#ifndef CLASP_TESTUTIL_H
#define CLASP_TESTUTIL_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

extern int tu_failures;
extern int tu_checks;

#define CHECK(cond)                                                                \
    do {                                                                           \
        tu_checks++;                                                               \
        if (!(cond)) {                                                             \
            tu_failures++;                                                         \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                          \
    } while (0)

#define CHECK_MEM(a, b, n)                                                         \
    do {                                                                           \
        tu_checks++;                                                               \
        if (tu_memcmp_report((a), (b), (n), #a, __FILE__, __LINE__))               \
            tu_failures++;                                                         \
    } while (0)

int tu_memcmp_report(const void *a, const void *b, size_t n, const char *what,
                     const char *file, int line);
/* Parses hex (spaces and newlines ignored) into out; returns the length. */
size_t tu_hex(const char *hex, uint8_t *out, size_t cap);
/* Prints the summary line and returns the exit status. */
int tu_finish(const char *name);
#endif
