/* SPDX-License-Identifier: Apache-2.0 */
/* ML-KEM primitive figures: clasp's own ML-KEM-768/1024 (src/crypto/mlkem.c),
 * and OpenSSL 3.5's through `openssl speed` when a command for it is given
 * (CLASP_BENCH_OPENSSL35, e.g. "chroot /path/to/debian13 openssl"): the
 * system's libcrypto 3.0 has no ML-KEM. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "crypto/mlkem.h"
#include "crypto/mlkem_poly.h"

/* Thread CPU time per operation of `op` repeated for about `seconds`. */
#define MEASURE(out_us, seconds, op)                                            \
    do {                                                                       \
        uint64_t start_ = bench_thread_ns(), n_ = 0, end_;                      \
        do {                                                                   \
            for (int k_ = 0; k_ < 20; k_++, n_++)                               \
                if ((op) != 0)                                                  \
                    return -1;                                                 \
            end_ = bench_thread_ns();                                          \
        } while ((double)(end_ - start_) < (seconds) * 1e9);                   \
        (out_us) = (double)(end_ - start_) / 1e3 / (double)n_;                 \
    } while (0)

int bench_mlkem(double seconds_each, mlkem_result *r)
{
    static uint8_t ek[CL_MLKEM_MAX_EK_LEN], dk[CL_MLKEM_MAX_DK_LEN], ct[CL_MLKEM_MAX_CT_LEN];
    static cl_mlkem_key key;
    uint8_t ss[CL_MLKEM_SS_LEN];
    r->avx2 = cl_mlkem_poly_avx2();
    for (int i = 0; i < 2; i++) {
        cl_mlkem_param p = i ? CL_MLKEM_1024 : CL_MLKEM_768;
        size_t ekl = cl_mlkem_ek_len(p), dkl = cl_mlkem_dk_len(p), ctl = cl_mlkem_ct_len(p);
        MEASURE(r->keygen_us[i], seconds_each, cl_mlkem_keygen(p, ek, dk));
        MEASURE(r->encaps_us[i], seconds_each, cl_mlkem_encaps(p, ek, ekl, ct, ss));
        MEASURE(r->decaps_us[i], seconds_each, cl_mlkem_decaps(p, dk, dkl, ct, ctl, ss));
        MEASURE(r->key_generate_us[i], seconds_each, cl_mlkem_key_generate(p, ek, &key));
        if (cl_mlkem_encaps(p, ek, ekl, ct, ss) != 0)
            return -1;
        MEASURE(r->key_decaps_us[i], seconds_each, cl_mlkem_key_decaps(&key, ct, ctl, ss));
        cl_mlkem_key_wipe(&key);
    }
    return 0;
}

/* Reads `openssl speed` lines like
 *   "  ML-KEM-768 0.000046s 0.000031s 0.000047s 21828.3 32139.4 21469.1". */
int bench_mlkem_openssl(const char *cmd, mlkem_result *r)
{
    char line[512];
    snprintf(line, sizeof line, "%s speed -seconds 1 ML-KEM-768 ML-KEM-1024 2>/dev/null", cmd);
    FILE *f = popen(line, "r");
    if (!f)
        return -1;
    int found = 0;
    while (fgets(line, sizeof line, f)) {
        char name[32];
        double kg, en, de;
        if (sscanf(line, " %31s %lfs %lfs %lfs", name, &kg, &en, &de) != 4)
            continue;
        int i = !strcmp(name, "ML-KEM-768") ? 0 : !strcmp(name, "ML-KEM-1024") ? 1 : -1;
        if (i < 0)
            continue;
        r->keygen_us[i] = kg * 1e6;
        r->encaps_us[i] = en * 1e6;
        r->decaps_us[i] = de * 1e6;
        found |= 1 << i;
    }
    return pclose(f) == 0 && found == 3 ? 0 : -1;
}
