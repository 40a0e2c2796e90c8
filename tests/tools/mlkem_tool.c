/* SPDX-License-Identifier: Apache-2.0 */
/* clasp's ML-KEM on files, for the OpenSSL 3.5 cross-check
 * (tests/interop/test_mlkem_openssl35.sh). Test builds only.
 *   mlkem_tool keygen 768|1024 SEED_HEX EK_FILE DK_FILE
 *   mlkem_tool encaps 768|1024 EK_FILE CT_FILE SS_FILE
 *   mlkem_tool decaps 768|1024 DK_FILE CT_FILE SS_FILE
 *   mlkem_tool seeddecaps 768|1024 SEED_HEX CT_FILE SS_FILE  (the expanded key)
 *   mlkem_tool path      prints the polynomial path: avx2 or portable
 * Files hold raw bytes. Exit 0 on success, 1 on failure, 2 on usage.
 * CLASP_MLKEM_PORTABLE=1 forces the portable C path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "crypto/mlkem.h"
#include "crypto/mlkem_poly.h"

static size_t read_file(const char *path, uint8_t *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

static int write_file(const char *path, const uint8_t *buf, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = fwrite(buf, 1, n, f) == n;
    return fclose(f) == 0 && ok ? 0 : -1;
}

static int parse_seed(const char *hex, uint8_t seed[CL_MLKEM_SEED_LEN])
{
    if (strlen(hex) != 2 * CL_MLKEM_SEED_LEN)
        return -1;
    for (size_t i = 0; i < CL_MLKEM_SEED_LEN; i++)
        if (sscanf(hex + 2 * i, "%2hhx", &seed[i]) != 1)
            return -1;
    return 0;
}

int main(int argc, char **argv)
{
    const char *portable = getenv("CLASP_MLKEM_PORTABLE");
    cl_mlkem_poly_force_portable(portable && *portable && strcmp(portable, "0"));
    if (argc == 2 && !strcmp(argv[1], "path")) {
        printf("%s\n", cl_mlkem_poly_avx2() ? "avx2" : "portable");
        return 0;
    }
    if (argc != 6 || (strcmp(argv[2], "768") && strcmp(argv[2], "1024"))) {
        fprintf(stderr, "usage: mlkem_tool keygen|encaps|decaps 768|1024 ARG ARG ARG\n");
        return 2;
    }
    cl_mlkem_param p = strcmp(argv[2], "768") ? CL_MLKEM_1024 : CL_MLKEM_768;
    static uint8_t ek[4096], dk[4096], ct[4096];
    uint8_t ss[CL_MLKEM_SS_LEN];
    if (cr_init() != 0)
        return 1;
    if (!strcmp(argv[1], "keygen")) {
        uint8_t seed[CL_MLKEM_SEED_LEN];
        if (parse_seed(argv[3], seed) != 0)
            return 2;
        if (cl_mlkem_keygen_seed(p, seed, ek, dk) != 0)
            return 1;
        return write_file(argv[4], ek, cl_mlkem_ek_len(p)) || write_file(argv[5], dk, cl_mlkem_dk_len(p));
    }
    if (!strcmp(argv[1], "encaps")) {
        size_t n = read_file(argv[3], ek, sizeof ek);
        if (cl_mlkem_encaps(p, ek, n, ct, ss) != 0) {
            fprintf(stderr, "encapsulation refused\n");
            return 1;
        }
        return write_file(argv[4], ct, cl_mlkem_ct_len(p)) || write_file(argv[5], ss, sizeof ss);
    }
    if (!strcmp(argv[1], "decaps")) {
        size_t dn = read_file(argv[3], dk, sizeof dk), cn = read_file(argv[4], ct, sizeof ct);
        if (cl_mlkem_decaps(p, dk, dn, ct, cn, ss) != 0) {
            fprintf(stderr, "decapsulation refused\n");
            return 1;
        }
        return write_file(argv[5], ss, sizeof ss);
    }
    if (!strcmp(argv[1], "seeddecaps")) {
        static cl_mlkem_key key;
        uint8_t seed[CL_MLKEM_SEED_LEN];
        if (parse_seed(argv[3], seed) != 0)
            return 2;
        size_t cn = read_file(argv[4], ct, sizeof ct);
        if (cl_mlkem_key_from_seed(p, seed, ek, &key) != 0 ||
            cl_mlkem_key_decaps(&key, ct, cn, ss) != 0) {
            fprintf(stderr, "decapsulation refused\n");
            return 1;
        }
        cl_mlkem_key_wipe(&key);
        return write_file(argv[5], ss, sizeof ss);
    }
    return 2;
}
