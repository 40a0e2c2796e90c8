/* SPDX-License-Identifier: Apache-2.0 */
/* Hostile-peer cases: extensions that are duplicated, unknown, GREASE, not
 * offered or in the wrong message, and the client-side checks of versions,
 * downgrade sentinels, request contexts and point formats. */
#include "cases.h"

/* One case per line, however long: clang-format leaves the table alone. */
/* clang-format off */
static const hcase cases[] = {
    /* ---- Extensions: duplicates, unknown and GREASE values. A server
     * ignores what it does not know (RFC 8446 4.1.2, RFC 8701 3.2); a client
     * refuses what it did not offer (RFC 8446 4.2, RFC 8701 3.1). */
    {"1.3 server: ClientHello unknown extension", IN_CLIENT, C2S, HS, m_add_ext, CH, 0x1234, OK},
    {"1.3 server: ClientHello GREASE extension first", IN_CLIENT, C2S, HS, m_add_ext_first, CH, 0x0a0a, OK},
    {"1.3 server: ClientHello GREASE extension last", IN_CLIENT, C2S, HS, m_add_ext, CH, 0xfafa, OK},
    {"1.3 server: ClientHello GREASE cipher suite", IN_CLIENT, C2S, HS, m_ch_prepend, 0, 0x1a1a, OK},
    {"1.3 server: ClientHello GREASE group", IN_CLIENT, C2S, HS, m_ch_prepend, CL_EXT_SUPPORTED_GROUPS, 0x2a2a, OK},
    {"1.3 server: ClientHello GREASE key share", IN_CLIENT, C2S, HS, m_ch_prepend, CL_EXT_KEY_SHARE, 0x3a3a, OK},
    {"1.3 server: ClientHello GREASE version", IN_CLIENT, C2S, HS, m_ch_prepend, CL_EXT_SUPPORTED_VERSIONS, 0x4a4a, OK},
    {"1.3 server: ClientHello GREASE signature algorithm", IN_CLIENT, C2S, HS, m_ch_prepend, CL_EXT_SIGNATURE_ALGORITHMS, 0x5a5a, OK},
    {"1.3 server: ClientHello GREASE ALPN protocol", IN_CLIENT | ALPN, C2S, HS, m_ch_prepend, CL_EXT_ALPN, 0x6a6a, OK},
    {"1.3 server: ClientHello GREASE PSK mode", IN_CLIENT, C2S, HS, m_ch_prepend, CL_EXT_PSK_KEY_EXCHANGE_MODES, 0x0b, OK},
    {"1.3 server: ClientHello GREASE group after HRR", IN_CLIENT | HRRSET, C2S, HS, m_ch_prepend, CL_EXT_SUPPORTED_GROUPS, 0x2a2a, OK},
    {"1.2 server: ClientHello unknown extension", IN_CLIENT | PURE12, C2S, HS, m_add_ext, CH, 0x1234, OK},
    {"1.2 server: ClientHello GREASE extension", IN_CLIENT | PURE12, C2S, HS, m_add_ext_first, CH, 0x0a0a, OK},
    {"1.2 server: ClientHello GREASE cipher suite", IN_CLIENT | PURE12, C2S, HS, m_ch_prepend, 0, 0x1a1a, OK},
    {"1.2 server: ClientHello GREASE group", IN_CLIENT | PURE12, C2S, HS, m_ch_prepend, CL_EXT_SUPPORTED_GROUPS, 0x2a2a, OK},
    {"1.2 server: ClientHello GREASE signature algorithm", IN_CLIENT | PURE12, C2S, HS, m_ch_prepend, CL_EXT_SIGNATURE_ALGORITHMS, 0x5a5a, OK},
    {"1.2 server: 1.3 ClientHello with GREASE to a 1.2 server", IN_CLIENT | V12, C2S, HS, m_ch_prepend, CL_EXT_SUPPORTED_VERSIONS, 0x4a4a, OK},
    {"1.2 server: ClientHello extra compression method", IN_CLIENT | PURE12, C2S, HS, m_ch_compression, 2, 0x0100, OK},
    {"1.3 server: ClientHello extension twice", 0, C2S, HS, m_dup_ext, CH, CL_EXT_SUPPORTED_GROUPS, ILLEGAL("extension 10 twice")},
    {"1.3 server: ClientHello psk_key_exchange_modes twice", 0, C2S, HS, m_dup_ext, CH, CL_EXT_PSK_KEY_EXCHANGE_MODES, ILLEGAL("extension 45 twice")},
    {"1.3 server: ClientHello unknown extension twice", 0, C2S, HS, m_add_ext_twice, CH, 0x1234, ILLEGAL("extension 4660 twice")},
    {"1.2 server: ClientHello extension twice", PURE12, C2S, HS, m_dup_ext, CH, CL_EXT_EXTENDED_MASTER_SECRET, ILLEGAL("extension 23 twice")},
    {"1.3 client: ServerHello extension twice", 0, S2C, HS, m_dup_ext, SH, CL_EXT_SUPPORTED_VERSIONS, ILLEGAL("extension 43 twice")},
    {"1.3 client: ServerHello unknown extension", 0, S2C, HS, m_add_ext, SH, 0x1234, ALERT(A_UNSUPPORTED_EXT, PROTO, "extension 4660 in its ServerHello")},
    {"1.3 client: ServerHello GREASE extension", 0, S2C, HS, m_add_ext, SH, 0x0a0a, ALERT(A_UNSUPPORTED_EXT, PROTO, "extension 2570 in its ServerHello")},
    {"1.3 client: HelloRetryRequest GREASE extension", HRRSET, S2C, HS, m_add_ext, HRR, 0x1a1a, ALERT(A_UNSUPPORTED_EXT, PROTO, "HelloRetryRequest")},
    {"1.3 client: EncryptedExtensions extension twice", 0, S2C, HS, m_dup_ext, EE, CL_EXT_SUPPORTED_GROUPS, ILLEGAL("extension 10 twice in EncryptedExtensions")},
    {"1.3 client: EncryptedExtensions ALPN twice", ALPN, S2C, HS, m_dup_ext, EE, CL_EXT_ALPN, ILLEGAL("extension 16 twice")},
    {"1.3 client: EncryptedExtensions unknown extension", 0, S2C, HS, m_add_ext, EE, 0x1234, ALERT(A_UNSUPPORTED_EXT, PROTO, "extension 4660")},
    {"1.3 client: EncryptedExtensions GREASE extension", 0, S2C, HS, m_add_ext_first, EE, 0x2a2a, ALERT(A_UNSUPPORTED_EXT, PROTO, "extension 10794")},
    {"1.3 client: EncryptedExtensions with key_share", 0, S2C, HS, m_add_ext, EE, CL_EXT_KEY_SHARE, ILLEGAL("not allowed")},
    {"1.3 client: Certificate entry GREASE extension", 0, S2C, HS, m_cert_entry_ext, 0, 0x3a3a, ALERT(A_UNSUPPORTED_EXT, PROTO, "certificate extensions")},
    /* OCSP stapling (RFC 8446 4.4.2.1): status_request in the leaf's
     * CertificateEntry only when the client asked, and well formed. */
    {"1.3 client: Certificate entry status_request not asked for", 0, S2C, HS, m_cert_entry_ext, 0, 5, ALERT(A_UNSUPPORTED_EXT, PROTO, "certificate extensions we did not ask for")},
    {"1.3 client: Certificate entry empty status_request beside the staple", OCSP, S2C, HS, m_cert_entry_ext, 0, 5, DECODE("CertificateStatus (an OCSP response)")},
    {"1.2 client: ServerHello extension twice", V12, S2C, HS, m_dup_ext, SH, CL_EXT_EXTENDED_MASTER_SECRET, ILLEGAL("extension 23 twice")},
    {"1.2 client: ServerHello unknown extension", V12, S2C, HS, m_add_ext, SH, 0x1234, ALERT(A_UNSUPPORTED_EXT, PROTO, "extension 4660")},
    {"1.2 client: ServerHello GREASE extension", V12, S2C, HS, m_add_ext_first, SH, 0x4a4a, ALERT(A_UNSUPPORTED_EXT, PROTO, "extension 19018")},
    {"1.2 client: ServerHello with key_share", V12, S2C, HS, m_add_ext, SH, CL_EXT_KEY_SHARE, ILLEGAL("TLS 1.3 extensions")},

    /* ---- trust: client-side checks. A version that was not offered
     * (RFC 8446 4.1.3, 4.2.1, D.1). */
    {"1.3 client: 1.2 ServerHello to a client with only 1.3 suites", ONESUITE, S2C, HS, m_drop_ext, SH, CL_EXT_SUPPORTED_VERSIONS, ALERT(A_VERSION, NEGO, "offered only TLS 1.3 (no TLS 1.2 cipher suite")},
    {"1.2 client: supported_versions to a client offering only 1.2", PURE12 | SRV13, S2C, HS, m_add_ext_body, SH, CL_EXT_SUPPORTED_VERSIONS, UNSOLICITED("extension 43 (supported_versions) in its ServerHello, which this client did not offer")},
    {"1.2 client: legacy_version 0x0304 without supported_versions", V12, S2C, HS, m_sh_legacy_version, 0, 0x0304, ALERT(A_VERSION, NEGO, "version 0x0304 in legacy_version without supported_versions")},
    /* Answers to extensions the client never sent: unsupported_extension;
     * known ones in a message they do not belong to: illegal_parameter
     * (RFC 8446 4.2, RFC 5246 7.4.1.4). A NewSessionTicket may carry
     * extensions nobody asked for (RFC 8446 4.6.1). */
    {"1.3 client: ServerHello pre_shared_key not offered", 0, S2C, HS, m_add_ext_body, SH, CL_EXT_PRE_SHARED_KEY, UNSOLICITED("extension 41 (pre_shared_key) in its ServerHello")},
    {"1.3 client: HelloRetryRequest with ALPN", HRRSET | ALPN, S2C, HS, m_add_ext_body, HRR, CL_EXT_ALPN, ILLEGAL("extension 16 (ALPN) in a HelloRetryRequest, where it is not allowed")},
    {"1.3 client: EncryptedExtensions record_size_limit not offered", 0, S2C, HS, m_add_ext_body, EE, CL_EXT_RECORD_SIZE_LIMIT, UNSOLICITED("extension 28 (record_size_limit) in EncryptedExtensions, which this client did not offer")},
    {"1.3 client: EncryptedExtensions server_name without SNI", NOSNI, S2C, HS, m_add_ext_body, EE, CL_EXT_SERVER_NAME, UNSOLICITED("extension 0 (server_name) in EncryptedExtensions")},
    {"1.3 client: EncryptedExtensions ec_point_formats", 0, S2C, HS, m_add_ext_body, EE, CL_EXT_EC_POINT_FORMATS, ILLEGAL("extension 11 (ec_point_formats) in EncryptedExtensions, where it is not allowed")},
    {"1.3 client: CertificateRequest with key_share", CAUTH, S2C, HS, m_add_ext_body, CR, CL_EXT_KEY_SHARE, ILLEGAL("extension 51 (key_share) in its CertificateRequest")},
    {"1.3 client: NewSessionTicket GREASE extension", 0, S2C, HS, m_add_ext_body, NST, 0x5a5a, OK},
    {"1.3 client: NewSessionTicket with key_share", 0, S2C, HS, m_add_ext_body, NST, CL_EXT_KEY_SHARE, ILLEGAL("extension 51 (key_share) in a NewSessionTicket")},
    {"1.2 client: ServerHello server_name without SNI", V12 | NOSNI, S2C, HS, m_add_ext_body, SH, CL_EXT_SERVER_NAME, UNSOLICITED("extension 0 (server_name) in its ServerHello")},
    /* The downgrade sentinels (RFC 8446 4.1.3): both, when TLS 1.3 was
     * offered; none when it was not (a TLS 1.3 server marks every TLS 1.2
     * ServerHello). */
    {"1.2 client: TLS 1.2 suites only, 1.3 server's sentinel", V12 | SRV13 | ONESUITE, S2C, HS, m_expect_sentinel, 0, 0, OK},
    {"1.2 client: DOWNGRD 01 in a TLS 1.2 ServerHello", V12, S2C, HS, m_sentinel, 0, 1, ILLEGAL("downgrade attack detected: the server supports TLS 1.3")},
    {"1.2 client: DOWNGRD 00 in a TLS 1.2 ServerHello", V12, S2C, HS, m_sentinel, 0, 0, ILLEGAL("downgrade attack detected: the server supports TLS 1.2 or newer")},
    {"1.2 client: DOWNGRD 00 in a TLS 1.1 ServerHello", V12, S2C, HS, m_sentinel, 0x0302, 0, ILLEGAL("selects version 0x0302")},
    {"1.2 client offering only 1.2: DOWNGRD 00 in TLS 1.1", PURE12, S2C, HS, m_sentinel, 0x0302, 0, ILLEGAL("downgrade attack detected")},
    /* RFC 8446 4.2.9: a PSK offer without psk_key_exchange_modes. */
    {"1.3 server: pre_shared_key without psk_key_exchange_modes", 0, C2S, HS, m_ch_psk_no_modes, 0, 0, ALERT(A_MISSING, PROTO, "pre_shared_key without psk_key_exchange_modes")},
    /* RFC 8446 4.3.2, 4.4.2: certificate_request_context is empty in the
     * handshake. */
    {"1.3 client: CertificateRequest with a context", CAUTH, S2C, HS, m_context, CR, 0, ILLEGAL("has a 1-byte certificate_request_context")},
    {"1.3 client: server Certificate with a context", 0, S2C, HS, m_context, CRT, 0, ILLEGAL("server's Certificate has the wrong request context")},
    {"1.3 server: client Certificate with a context", CAUTH, C2S, HS, m_context, CRT, 0, ILLEGAL("client's Certificate has the wrong request context")},
    /* RFC 8422 5.1.2, 5.2: ec_point_formats must include uncompressed;
     * TLS 1.3 ignores the extension. */
    {"1.2 client: ServerHello ec_point_formats without uncompressed", V12, S2C, HS, m_point_formats, SH, 0, ILLEGAL("does not accept uncompressed points")},
    {"1.2 server: ClientHello ec_point_formats without uncompressed", PURE12, C2S, HS, m_point_formats, CH, 0, ILLEGAL("ec_point_formats does not include uncompressed")},
    {"1.3 server: ClientHello ec_point_formats without uncompressed", IN_CLIENT, C2S, HS, m_point_formats, CH, 0, OK},
};
/* clang-format on */

const case_table extension_cases = {cases, sizeof cases / sizeof cases[0]};
