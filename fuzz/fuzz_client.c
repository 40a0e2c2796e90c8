/* SPDX-License-Identifier: Apache-2.0 */
/* A fresh client connection fed arbitrary server bytes.
 *
 * Input: one mode byte (FZ_CLI_* bits, fuzz_common.h), then the bytes the
 * server sends. The client first produces its real ClientHello (discarded),
 * then takes the input in chunks as fz_run() does. Kinds:
 *   RANDOM   verify off, real randoms (the production path);
 *   VERIFY   verify on against the fixed CA for "localhost", test hooks;
 *   HOOKS    verify off, test hooks;
 *   RFC8448  the RFC 8448 section 3 client, so the trace's server records
 *            decrypt and verify.
 * With the hooks the ClientHello is the same every run, so the recorded
 * server flights in fuzz/corpus/fuzz_client stay valid to the end
 * (NewSessionTicket, KeyUpdate, application data, close_notify). */
#include "fuzz_common.h"

static clasp_config *configs[FZ_CLI_MODES];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    for (unsigned m = 0; m < FZ_CLI_MODES; m++)
        configs[m] = fz_client_config(m);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned mode = data[0] % FZ_CLI_MODES;
    clasp_conn *c = fz_client_conn(configs[mode], mode);
    if (clasp_conn_handshake(c) == CLASP_WANT_READ) {
        fz_drain(c); /* the ClientHello */
        if (fz_client_inject(mode))
            fz_run_inject(c, data + 1, size - 1);
        else
            fz_run(c, data + 1, size - 1);
        fz_inspect(c);
    }
    fz_conn_free(c);
    return 0;
}
