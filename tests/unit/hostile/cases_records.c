/* SPDX-License-Identifier: Apache-2.0 */
/* Hostile-peer cases: ChangeCipherSpec where it is not allowed, empty,
 * oversized and padded records, inner content types, records between the
 * fragments of a message, floods after the handshake and declined 0-RTT. */
#include "cases.h"

/* One case per line, however long: clang-format leaves the table alone. */
/* clang-format off */
static const hcase cases[] = {
    /* ---- ChangeCipherSpec where it is not allowed (RFC 8446 5, RFC 5246 7.1). */
    {"1.3 server: ChangeCipherSpec twice", 0, C2S, HS, m_dup_ccs, 0, -1, UNEXPECTED("more than one ChangeCipherSpec")},
    {"1.3 server: ChangeCipherSpec body 0x02", 0, C2S, HS, m_ccs_body, 0, -1, UNEXPECTED("ChangeCipherSpec where none is allowed")},
    {"1.3 server: ChangeCipherSpec of two bytes", 0, C2S, HS, m_ccs_body, 0, 2, UNEXPECTED("ChangeCipherSpec where none is allowed")},
    {"1.3 server: empty ChangeCipherSpec", 0, C2S, HS, m_ccs_body, 0, 0, UNEXPECTED("ChangeCipherSpec where none is allowed")},
    {"1.3 server: encrypted ChangeCipherSpec", 0, C2S, HS, m_record_before, FIN, CL_CT_CHANGE_CIPHER_SPEC, UNEXPECTED("ChangeCipherSpec where none is allowed")},
    {"1.3 server: ChangeCipherSpec before ClientHello", 0, C2S, HS, m_record_before, CH, 0x100 | CL_CT_CHANGE_CIPHER_SPEC, UNEXPECTED("ChangeCipherSpec where none is allowed")},
    {"1.3 server: ChangeCipherSpec inside a split ClientHello", 0, C2S, HS, m_split_ccs, CH, 0, UNEXPECTED("ChangeCipherSpec")},
    {"1.3 client: ChangeCipherSpec body 0x02", 0, S2C, HS, m_ccs_body, 0, -1, UNEXPECTED("ChangeCipherSpec where none is allowed")},
    {"1.3 client: ChangeCipherSpec twice", 0, S2C, HS, m_dup_ccs, 0, -1, UNEXPECTED("more than one ChangeCipherSpec")},
    {"1.3 server: ChangeCipherSpec after the handshake", 0, C2S, POST, m_post_ccs, 0, -1, UNEXPECTED("ChangeCipherSpec where none is allowed")},
    {"1.3 server: encrypted ChangeCipherSpec after the handshake", 0, C2S, POST, m_post_ccs, 0, 0, UNEXPECTED("ChangeCipherSpec where none is allowed")},
    {"1.3 client: ChangeCipherSpec after the handshake", 0, S2C, POST, m_post_ccs, 0, -1, UNEXPECTED("ChangeCipherSpec where none is allowed")},
    {"1.2 server: ChangeCipherSpec twice", V12, C2S, HS, m_dup_ccs, 0, 0, UNEXPECTED("second ChangeCipherSpec")},
    {"1.2 server: ChangeCipherSpec body 0x02", V12, C2S, HS, m_ccs_body, 0, -1, DECODE("ChangeCipherSpec")},
    {"1.2 server: ChangeCipherSpec of two bytes", V12, C2S, HS, m_ccs_body, 0, 2, DECODE("ChangeCipherSpec")},
    {"1.2 server: ChangeCipherSpec before ClientKeyExchange", V12, C2S, HS, m_move_ccs, CKE, 0, UNEXPECTED("ChangeCipherSpec before the key exchange was complete")},
    {"1.2 server: ChangeCipherSpec inside a split message", V12, C2S, HS, m_split_ccs, CKE, 0, UNEXPECTED("in the middle of a handshake message")},
    {"1.2 client: ChangeCipherSpec before ServerHelloDone", V12, S2C, HS, m_record_before, SHD, CL_CT_CHANGE_CIPHER_SPEC, UNEXPECTED("ChangeCipherSpec before the key exchange was complete")},
    {"1.2 client: ChangeCipherSpec twice", V12, S2C, HS, m_dup_ccs, 0, 0, UNEXPECTED("second ChangeCipherSpec")},
    {"1.2 server: ChangeCipherSpec after the handshake", V12, C2S, POST, m_post_ccs, 0, 0, UNEXPECTED("ChangeCipherSpec where none is allowed")},
    {"1.2 server: plaintext ChangeCipherSpec after the handshake", V12, C2S, POST, m_post_ccs, 0, -1, ALERT(A_BAD_MAC, PROTO, "failed authentication")},

    /* ---- Empty and oversized records (RFC 8446 5.1, 5.2, 5.4). */
    {"1.3 server: empty handshake record", 0, C2S, HS, m_empty_before, CH, CL_CT_HANDSHAKE, UNEXPECTED("empty handshake record")},
    {"1.3 server: empty encrypted handshake record", 0, C2S, HS, m_empty_before, FIN, CL_CT_HANDSHAKE, UNEXPECTED("empty handshake record")},
    {"1.3 server: empty alert record", 0, C2S, HS, m_empty_before, CH, CL_CT_ALERT, UNEXPECTED("empty alert record")},
    {"1.3 server: alert record of 3 bytes", 0, C2S, HS, m_record_before, FIN, CL_CT_ALERT, DECODE("alert record (3 bytes)")},
    {"1.3 server: empty application data before ClientHello", 0, C2S, HS, m_empty_before, CH, CL_CT_APPLICATION_DATA, UNEXPECTED("application data before the handshake finished")},
    {"1.3 client: empty encrypted handshake record", 0, S2C, HS, m_empty_before, CRT, CL_CT_HANDSHAKE, UNEXPECTED("empty handshake record")},
    {"1.2 client: empty handshake record", V12, S2C, HS, m_empty_before, CRT, CL_CT_HANDSHAKE, UNEXPECTED("empty handshake record")},
    {"1.3 server: plaintext record over 2^14", 0, C2S, HS, m_oversize, CH, 16385, ALERT(A_OVERFLOW, PROTO, "handshake record of 16385 bytes")},
    {"1.2 client: plaintext record over 2^14", V12, S2C, HS, m_oversize, SH, 16385, ALERT(A_OVERFLOW, PROTO, "handshake record of 16385 bytes")},
    {"1.3 server: ciphertext over 2^14+256", 0, C2S, HS, m_oversize, FIN, 16700, ALERT(A_OVERFLOW, PROTO, "over the limit of 16640")},
    {"1.3 server: plaintext 2^14+1 inside a record", 0, C2S, HS, m_oversize, FIN, 16385, ALERT(A_OVERFLOW, PROTO, "plaintext exceeds 2^14")},
    {"1.3 client: plaintext 2^14+1 inside a record", 0, S2C, HS, m_oversize, FIN, 16385, ALERT(A_OVERFLOW, PROTO, "plaintext exceeds 2^14")},
    {"1.3 client: Finished padded to 2^14+1", 0, S2C, HS, m_pad, FIN, 16384 - 36, OK},
    {"1.3 client: Finished padded past 2^14+1", 0, S2C, HS, m_pad, FIN, 16384 - 35, ALERT(A_OVERFLOW, PROTO, "plaintext exceeds 2^14")},
    {"1.3 server: padding within 2^14+1", 0, C2S, POST, m_post_big, 1, 16384 - 4, OK},
    {"1.3 server: padding past 2^14+1", 0, C2S, POST, m_post_big, 1, 16384 - 3, ALERT(A_OVERFLOW, PROTO, "plaintext exceeds 2^14")},
    {"1.3 server: record of padding only", 0, C2S, POST, m_post_zero_inner, 0, 7, UNEXPECTED("no content type")},
    {"1.3 server: application data of 2^14+1", 0, C2S, POST, m_post_big, 0, 16385, ALERT(A_OVERFLOW, PROTO, "plaintext exceeds 2^14")},
    {"1.3 client: application data of 2^14+300", 0, S2C, POST, m_post_big, 0, 16384 + 300, ALERT(A_OVERFLOW, PROTO, "over the limit of 16640")},
    {"1.2 server: application data of 2^14+1", V12, C2S, POST, m_post_big, 0, 16385, ALERT(A_OVERFLOW, PROTO, "plaintext exceeds 2^14")},
    {"1.2 client: application data of 2^14+300", V12, S2C, POST, m_post_big, 0, 16384 + 300, ALERT(A_OVERFLOW, PROTO, "over the limit of 16640")},
    {"1.3 server: application data of exactly 2^14", 0, C2S, POST, m_post_big, 0, 16384, OK},
    {"1.2 client: application data of exactly 2^14", V12, S2C, POST, m_post_big, 0, 16384, OK},

    /* ---- Floods after the handshake: bounded (32 records that carry
     * nothing, 32 KeyUpdates, 8 renegotiation requests), then cut off. */
    {"1.3 server: one empty application-data record", 0, C2S, POST, m_post_empty, 0, 1, OK},
    {"1.3 server: 32 empty application-data records", 0, C2S, POST, m_post_empty, 0, 32, OK},
    {"1.3 server: 33 empty application-data records", 0, C2S, POST, m_post_empty, 0, 33, UNEXPECTED("too many empty records")},
    {"1.3 client: 500 empty application-data records", 0, S2C, POST, m_post_empty, 0, 500, UNEXPECTED("too many empty records")},
    {"1.2 server: 33 empty application-data records", V12, C2S, POST, m_post_empty, 0, 33, UNEXPECTED("too many empty records")},
    {"1.2 client: 32 empty application-data records", V12, S2C, POST, m_post_empty, 0, 32, OK},
    {"1.3 server: 32 user_canceled warnings", 0, C2S, POST, m_post_warnings, 90, 32, OK},
    {"1.3 server: 33 user_canceled warnings", 0, C2S, POST, m_post_warnings, 90, 33, UNEXPECTED("too many warning alerts")},
    {"1.3 client: warning-level alert is fatal", 0, S2C, POST, m_post_warnings, 10, 1, EXP_PEER_ALERT, 10, CLASP_E_PEER_ALERT, "fatal alert: unexpected_message", NULL},
    {"1.2 server: 33 warning alerts", V12, C2S, POST, m_post_warnings, 100, 33, UNEXPECTED("too many warning alerts")},
    {"1.2 client: 32 warning alerts", V12, S2C, POST, m_post_warnings, 100, 32, OK},
    {"1.3 server: 32 KeyUpdates", 0, C2S, POST, NULL, 0, 32, OK_AFTER(post_key_updates)},
    {"1.3 server: 33 KeyUpdates", 0, C2S, POST, NULL, 0, 33, ALERT_AFTER(A_UNEXPECTED, PROTO, "more than 32 KeyUpdates", post_key_updates)},
    {"1.3 client: 100 KeyUpdates", 0, S2C, POST, NULL, 0, 100, ALERT_AFTER(A_UNEXPECTED, PROTO, "more than 32 KeyUpdates", post_key_updates)},
    {"1.3 server: KeyUpdate request_update=2", 0, C2S, POST, m_post_hs, 24, 1, ILLEGAL("request_update=2")},
    {"1.2 client: 9 HelloRequests", V12, S2C, POST, m_post_hs, 0, 9, UNEXPECTED("keeps asking to renegotiate")},
    {"1.2 client: 8 HelloRequests", V12, S2C, POST, m_post_hs, 0, 8, OK},

    /* ---- trust: record layer ---- */
    /* TLS 1.3 inner content types other than the four (RFC 8446 5). */
    {"1.3 client: encrypted record of inner type 24", 0, S2C, HS, m_record_before, FIN, 24, UNEXPECTED("unknown content type 24")},
    {"1.3 server: encrypted record of inner type 24", 0, C2S, POST, m_post_inner_type, 0, 24, UNEXPECTED("unknown content type 24")},
    {"1.3 client: encrypted record of inner type 255", 0, S2C, POST, m_post_inner_type, 0, 255, UNEXPECTED("unknown content type 255")},
    /* RFC 8446 5.1, RFC 5246 6.2.1: nothing between the fragments of a handshake message. */
    {"1.3 server: warning alert inside a split Finished", 0, C2S, HS, m_split_record, FIN, CL_CT_ALERT, UNEXPECTED("alert record in the middle of a handshake message")},
    {"1.3 client: warning alert inside a split Certificate", 0, S2C, HS, m_split_record, CRT, CL_CT_ALERT, UNEXPECTED("alert record in the middle of a handshake message")},
    {"1.3 server: application data inside a split KeyUpdate", 0, C2S, POST, m_split_record, CL_HS_KEY_UPDATE, CL_CT_APPLICATION_DATA, EXP_ALERT, A_UNEXPECTED, PROTO, "application data record in the middle of a handshake message", post_one_key_update},
    {"1.3 client: application data inside a split NewSessionTicket", 0, S2C, HS, m_split_record, NST, CL_CT_APPLICATION_DATA, UNEXPECTED("application data record in the middle of a handshake message")},
    {"1.2 server: warning alert inside a split ClientKeyExchange", V12, C2S, HS, m_split_record, CKE, 0x100 | CL_CT_ALERT, UNEXPECTED("alert record in the middle of a handshake message")},
    {"1.2 client: warning alert inside a split Finished", V12, S2C, HS, m_split_record, FIN, CL_CT_ALERT, UNEXPECTED("alert record in the middle of a handshake message")},
    /* Zero-length alert and ChangeCipherSpec fragments (RFC 5246 6.2.1, RFC 8446 5.1). */
    {"1.3 server: empty encrypted alert record", 0, C2S, HS, m_empty_before, FIN, CL_CT_ALERT, UNEXPECTED("empty alert record")},
    {"1.3 client: empty alert record after the handshake", 0, S2C, POST, m_post_inner_type, 1, CL_CT_ALERT, UNEXPECTED("empty alert record")},
    {"1.2 client: empty alert record after the handshake", V12, S2C, POST, m_post_inner_type, 1, CL_CT_ALERT, UNEXPECTED("empty alert record")},
    {"1.2 server: empty alert record", V12, C2S, HS, m_empty_before, CKE, CL_CT_ALERT, UNEXPECTED("empty alert record")},
    {"1.2 server: empty ChangeCipherSpec", V12, C2S, HS, m_ccs_body, 0, 0, UNEXPECTED("empty ChangeCipherSpec")},
    {"1.2 client: empty ChangeCipherSpec", V12, S2C, HS, m_ccs_body, 0, 0, UNEXPECTED("empty ChangeCipherSpec")},
    /* Warnings are bounded per run: data between two runs resets the count. */
    {"1.3 server: 2 x 20 user_canceled with data between", 0, C2S, POST, m_post_warnings_twice, 90, 20, OK},
    {"1.2 server: 2 x 30 warnings with data between", V12, C2S, POST, m_post_warnings_twice, 100, 30, OK},
    {"1.2 client: 2 x 33 warnings with data between", V12, S2C, POST, m_post_warnings_twice, 100, 33, UNEXPECTED("too many warning alerts (33 in a row")},
    /* A server that declines early data skips the client's 0-RTT records
     * (RFC 8446 4.2.10), up to 2^14 bytes. */
    {"1.3 server: declined 0-RTT records skipped", EARLY, C2S, HS, m_early_records, CH, 1000, OK},
    {"1.3 server: 2^14 bytes of declined 0-RTT", EARLY, C2S, HS, m_early_records, CH, 16384, OK},
    {"1.3 server: 2^14+1 bytes of declined 0-RTT", EARLY, C2S, HS, m_early_records, CH, 16385, UNEXPECTED("more than 16384 bytes of early data")},
    {"1.3 server: 0-RTT skipped after HelloRetryRequest", EARLY | HRRSET, C2S, HS, m_early_records, CH, 9000, OK},
    {"1.3 server: 0-RTT after HelloRetryRequest over 2^14", EARLY | HRRSET, C2S, HS, m_early_records, CH, 20000, UNEXPECTED("more than 16384 bytes of early data")},
    {"1.3 server: 0-RTT records without early_data offered", 0, C2S, HS, m_early_records, CH, 1000, ALERT(A_BAD_MAC, PROTO, "failed authentication")},
    {"1.3 server: 0-RTT records after HRR without early_data", HRRSET, C2S, HS, m_early_records, CH, 1000, UNEXPECTED("application data before the handshake finished")},
    {"1.3 server: early_data in the second ClientHello", EARLY | HRRSET, C2S, HS, m_ch2_early_data, 0, 0, ILLEGAL("second ClientHello offers early data")},
    /* trust review: empty 0-RTT records count too, else their skipping
     * had no bound at all; a record inside the second ClientHello is no
     * 0-RTT record. */
    {"1.3 server: 100 empty declined 0-RTT records", EARLY, C2S, HS, m_empty_early_records, CH, 100, OK},
    {"1.3 server: 16385 empty declined 0-RTT records", EARLY, C2S, HS, m_empty_early_records, CH, 16385, UNEXPECTED("more than 16384 bytes of early data")},
    {"1.3 server: 0-RTT record inside a split second ClientHello", EARLY | HRRSET, C2S, HS, m_split_ch2, CH, 0x100 | CL_CT_APPLICATION_DATA, UNEXPECTED("application data record in the middle of a handshake message")},
    {"1.3 server: 16385 empty 0-RTT records after HRR", EARLY | HRRSET, C2S, HS, m_empty_early_records, CH, 16385, UNEXPECTED("more than 16384 bytes of early data")},
    /* RFC 8449 / RFC 8446 4.2: a record_size_limit the client did not offer. */
    {"1.3 client: record_size_limit not offered", 0, S2C, HS, m_add_ext, EE, CL_EXT_RECORD_SIZE_LIMIT, ALERT(A_UNSUPPORTED_EXT, PROTO, "extension 28 (record_size_limit) in EncryptedExtensions, which this client did not offer")},
};
/* clang-format on */

const case_table record_cases = {cases, sizeof cases / sizeof cases[0]};
