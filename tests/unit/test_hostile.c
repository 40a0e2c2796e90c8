/* SPDX-License-Identifier: Apache-2.0 */
/* Hostile peers: a clasp client and a clasp server talk through an
 * in-process man in the middle that knows every traffic key (from the
 * configs' key log), so it can open each flight, cut it into handshake
 * messages and records, let a case mutate them, and re-frame and re-seal the
 * result so the receiver sees consistent framing. Each case names the
 * direction it tampers with; the receiving clasp endpoint is checked for the
 * exact alert it sends (and that the alert is on the wire), the error kind
 * and the sentence, and the run must neither crash, leak (ASan/LSan build)
 * nor hang.
 *
 * Cases that must succeed (GREASE and unknown extensions in a ClientHello)
 * are applied inside the client, to its unsent ClientHello and to the
 * transcript buffer that still holds it, so both sides hash the same bytes.
 *
 * The harness (the man in the middle, re-sealing, the run loop and a
 * case's checks) is hostile/harness.c, the mutations are
 * hostile/mutators.c, grouped by what they change, and the cases are the
 * tables hostile/cases_*.c, one per area. Adding a case is one line in one
 * of those tables: a name, the setup flags, the direction, when (during the
 * handshake or after it), a mutation function with its message type and
 * argument, and the expected outcome. */
#include "hostile/cases.h"

/* Each case starts from fresh configs and connections, so the tables may
 * run in any order. */
static const case_table *const tables[] = {&framing_cases, &extension_cases, &parameter_cases,
                                           &order_cases, &record_cases};

int main(void)
{
    make_pki(pki_ecdsa, "ecdsa");
    make_pki(pki_rsa, "rsa");
    size_t n = 0;
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        for (size_t i = 0; i < tables[t]->n; i++)
            run_case(&tables[t]->rows[i]);
        n += tables[t]->n;
    }
    printf("%zu hostile-peer cases\n", n);
    remove_pki(pki_ecdsa);
    remove_pki(pki_rsa);
    return tu_finish("hostile");
}
