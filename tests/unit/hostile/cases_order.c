/* SPDX-License-Identifier: Apache-2.0 */
/* Hostile-peer cases: messages out of order, missing or not asked for. */
#include "cases.h"

/* One case per line, however long: clang-format leaves the table alone. */
/* clang-format off */
static const hcase cases[] = {
    /* ---- Messages out of order. */
    {"1.3 client: Finished before Certificate", 0, S2C, HS, m_move_before, FIN, CRT, UNEXPECTED("Finished (type 20) where Certificate or CertificateRequest was expected")},
    {"1.3 client: second ServerHello", 0, S2C, HS, m_dup, SH, 0, UNEXPECTED("handshake data across a key change")},
    {"1.3 client: second HelloRetryRequest", HRRSET, S2C, HS, m_dup, HRR, 0, UNEXPECTED("second HelloRetryRequest")},
    {"1.3 client: no EncryptedExtensions", 0, S2C, HS, m_drop, EE, 0, UNEXPECTED("Certificate (type 11) where EncryptedExtensions was expected")},
    {"1.3 client: no CertificateVerify", 0, S2C, HS, m_drop, CV, 0, UNEXPECTED("Finished (type 20) where CertificateVerify was expected")},
    {"1.3 client: CertificateRequest after Certificate", CAUTH, S2C, HS, m_move_before, CRT, CR, UNEXPECTED("CertificateRequest (type 13) where CertificateVerify was expected")},
    {"1.3 client: no Finished (waits)", 0, S2C, HS, m_drop, FIN, 0, STALL},
    {"1.3 server: client Certificate not requested", 0, C2S, HS, m_insert_before, FIN, CRT, UNEXPECTED("Certificate (type 11) where Finished was expected")},
    {"1.3 server: client Finished before Certificate", CAUTH, C2S, HS, m_move_before, FIN, CRT, UNEXPECTED("Finished (type 20) where Certificate was expected")},
    {"1.3 server: ClientHello twice", 0, C2S, HS, m_dup, CH, 0, UNEXPECTED("handshake data across a key change")},
    {"1.3 server: no client Finished (waits)", 0, C2S, HS, m_drop, FIN, 0, STALL},
    {"1.2 client: Finished before Certificate", V12, S2C, HS, m_insert_before, CRT, FIN, UNEXPECTED("Finished (type 20) where Certificate was expected")},
    {"1.2 client: second ServerHello", V12, S2C, HS, m_dup, SH, 0, UNEXPECTED("ServerHello (type 2) where Certificate was expected")},
    {"1.2 client: no Certificate", V12, S2C, HS, m_drop, CRT, 0, UNEXPECTED("ServerKeyExchange (type 12) where Certificate was expected")},
    {"1.2 client: no ServerKeyExchange", V12, S2C, HS, m_drop, SKE, 0, UNEXPECTED("ServerHelloDone (type 14) where ServerKeyExchange was expected")},
    /* RFC 5246 7.4.1.1: a HelloRequest "MAY be sent by the server at any
     * time" and is ignored while negotiating (and not hashed). */
    {"1.2 client: HelloRequest during the handshake", V12, S2C, HS, m_insert_before, SHD, 0, OK},
    {"1.2 client: HelloRequest before ServerHello", V12, S2C, HS, m_insert_before, SH, 0, UNEXPECTED("HelloRequest (type 0) where ServerHello was expected")},
    {"1.2 client: 9 HelloRequests during the handshake", V12, S2C, HS, m_insert_before, 0x100 | SHD, 0, UNEXPECTED("keeps asking to renegotiate")},
    {"1.2 client: no ServerHelloDone (waits)", V12, S2C, HS, m_drop, SHD, 0, STALL},
    {"1.2 server: client Certificate not requested", V12, C2S, HS, m_insert_before, CKE, CRT, UNEXPECTED("Certificate (type 11) where ClientKeyExchange was expected")},
    {"1.2 server: client Finished before ClientKeyExchange", V12, C2S, HS, m_insert_before, CKE, FIN, UNEXPECTED("Finished (type 20) where ClientKeyExchange was expected")},
    {"1.2 server: no ClientKeyExchange", V12, C2S, HS, m_drop, CKE, 0, UNEXPECTED("ChangeCipherSpec before the key exchange was complete")},
};
/* clang-format on */

const case_table order_cases = {cases, sizeof cases / sizeof cases[0]};
