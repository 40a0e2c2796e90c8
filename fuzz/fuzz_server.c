/* SPDX-License-Identifier: Apache-2.0 */
/* A fresh server connection fed arbitrary client bytes.
 *
 * Input: one mode byte (FZ_SRV_* bits, fuzz_common.h), then the bytes the
 * client sends, fed in chunks whose boundaries derive from the input. The
 * handshake and application reads run until the input is used up or the
 * connection dies. Must never crash, leak or hang. With FZ_SRV_FIXED the
 * server uses the fixed PKI and test hooks, so the recorded client flights
 * in fuzz/corpus/fuzz_server complete the handshake and reach KeyUpdate,
 * application data and close_notify. */
#include "fuzz_common.h"

static clasp_config *configs[FZ_SRV_MODES];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    for (unsigned m = 0; m < FZ_SRV_MODES; m++)
        configs[m] = fz_server_config(m);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned mode = data[0] % FZ_SRV_MODES;
    clasp_conn *c = fz_server_conn(configs[mode], mode);
    fz_run(c, data + 1, size - 1);
    fz_inspect(c);
    clasp_conn_free(c);
    return 0;
}
