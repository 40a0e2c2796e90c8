/* SPDX-License-Identifier: Apache-2.0 */
/* A fresh server connection fed arbitrary client bytes.
 *
 * Input: one mode byte (FZ_SRV_* bits, fuzz_common.h), with FZ_SRV_EXT a
 * second one (FZ_SRX_* bits: OCSP stapling, the select and ALPN callbacks,
 * a private-key callback answering later, a session store), then the bytes
 * the client sends, fed in chunks whose boundaries derive from the input.
 * The handshake and application reads run until the input is used up or
 * the connection dies. Must never crash, leak or hang. With FZ_SRV_FIXED
 * the server uses the fixed PKI and test hooks, so the recorded client
 * flights in fuzz/corpus/fuzz_server complete the handshake and reach
 * KeyUpdate, application data and close_notify. */
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    for (unsigned m = 0; m < 64; m++) /* the classic modes, made up front */
        (void)fz_server_config_cached(m);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t skip;
    unsigned mode = fz_server_mode(data, size, &skip);
    if (skip == 0)
        return 0;
    clasp_conn *c = fz_server_conn(fz_server_config_cached(mode), mode);
    fz_run(c, data + skip, size - skip);
    fz_inspect(c);
    fz_conn_free(c);
    return 0;
}
