/* SPDX-License-Identifier: Apache-2.0 */
/* Hostile-peer cases: illegal values in the hellos and later messages,
 * negotiation lists of any legal length, key shares of every group, server
 * names and HelloRetryRequest cookies. */
#include "cases.h"

/* One case per line, however long: clang-format leaves the table alone. */
/* clang-format off */
static const hcase cases[] = {
    /* ---- Illegal parameters. */
    {"1.3 client: ServerHello group offered but not shared", 0, S2C, HS, m_sh_group, SH, CR_GROUP_SECP256R1, ILLEGAL("key share for secp256r1 (0x0017), but we sent x25519")},
    {"1.3 client: ServerHello group never offered", 0, S2C, HS, m_sh_group, SH, 0x001f, ILLEGAL("key share for unknown (0x001f), but we sent x25519")},
    {"1.3 client: ServerHello GREASE group", 0, S2C, HS, m_sh_group, SH, 0x0a0a, ILLEGAL("(0x0a0a), but we sent x25519")},
    {"1.3 client: ServerHello zero key share", 0, S2C, HS, m_zero_share, SH, 0, ILLEGAL("x25519 key share is invalid")},
    {"1.3 client: ServerHello suite not offered", ONESUITE, S2C, HS, m_sh_suite, 0, 0x1302, ILLEGAL("cipher suite 0x1302, which this client did not offer")},
    {"1.3 client: ServerHello GREASE suite", 0, S2C, HS, m_sh_suite, 0, 0x0a0a, ILLEGAL("cipher suite 0x0a0a")},
    {"1.3 client: ServerHello TLS 1.2 suite", 0, S2C, HS, m_sh_suite, 0, 0xc02b, ILLEGAL("cipher suite 0xc02b")},
    {"1.3 client: ServerHello version not offered", 0, S2C, HS, m_sh_version, SH, 0x0305, ILLEGAL("version 0x0305")},
    {"1.3 client: ServerHello GREASE version", 0, S2C, HS, m_sh_version, SH, 0x7a7a, ILLEGAL("version 0x7a7a")},
    {"1.3 client: ServerHello supported_versions TLS 1.2", 0, S2C, HS, m_sh_version, SH, 0x0303, ILLEGAL("version 0x0303")},
    /* RFC 8446 4.2.1: with supported_versions the client MUST ignore
     * legacy_version, so the change shows only as different keys. */
    {"1.3 client: ServerHello legacy_version 0x0301", 0, S2C, HS, m_sh_legacy_version, 0, 0x0301, ALERT(A_BAD_MAC, PROTO, "failed authentication")},
    {"1.3 client: ServerHello legacy_version 0x0304", 0, S2C, HS, m_sh_legacy_version, 0, 0x0304, ALERT(A_BAD_MAC, PROTO, "failed authentication")},
    /* RFC 8446 D.5: SSL 3.0 in legacy_version is refused outright. */
    {"1.3 client: ServerHello legacy_version SSL 3.0", 0, S2C, HS, m_sh_legacy_version, 0, 0x0300, ALERT(A_VERSION, NEGO, "SSL 3.0")},
    {"1.3 client: ServerHello compression 1", 0, S2C, HS, m_sh_compression, 0, 1, ILLEGAL("compression method 1")},
    {"1.3 client: ServerHello session id not echoed", 0, S2C, HS, m_sh_session_id, 0, 0, ILLEGAL("does not echo our legacy session id")},
    {"1.3 client: HRR group not offered", HRRSET, S2C, HS, m_sh_group, HRR, CR_GROUP_SECP521R1, ILLEGAL("not one we offered")},
    {"1.3 client: HRR group already sent", HRRSET, S2C, HS, m_sh_group, HRR, CR_GROUP_X25519, ILLEGAL("the one we already sent")},
    {"1.3 client: CertificateVerify scheme not offered", 0, S2C, HS, m_cv_scheme, 0, 0x0401, ILLEGAL("rsa_pkcs1_sha256")},
    {"1.3 client: CertificateVerify GREASE scheme", 0, S2C, HS, m_cv_scheme, 0, 0x0a0a, ILLEGAL("0x0a0a")},
    {"1.3 client: Finished altered", 0, S2C, HS, m_flip_last, FIN, 0, ALERT(A_DECRYPT, PROTO, "server's Finished does not match")},
    {"1.3 server: key share for an unlisted group", 0, C2S, HS, m_ch_unlist_group, 0, 0, ILLEGAL("group it does not list")},
    {"1.3 server: ClientHello zero key share", 0, C2S, HS, m_zero_share, CH, 0, ILLEGAL("x25519 key share is invalid")},
    {"1.3 server: ClientHello compression {0,1}", 0, C2S, HS, m_ch_compression, 2, 0x0001, ILLEGAL("compression")},
    {"1.3 server: ClientHello legacy_version SSL 3.0", 0, C2S, HS, m_ch_legacy_version, 0, 0x0300, ALERT(A_VERSION, NEGO, "SSL 3.0")},
    {"1.3 server: ClientHello versions all unknown", 0, C2S, HS, m_ch_versions, 0, 0x7a7a, ALERT(A_VERSION, NEGO, "0x7a7a")},
    {"1.3 server: ClientHello pre_shared_key not last", 0, C2S, HS, m_ch_psk_first, 0, 0, ILLEGAL("not the last")},
    {"1.3 server: ClientHello without signature_algorithms", 0, C2S, HS, m_ch_drop_ext, CL_EXT_SIGNATURE_ALGORITHMS, 0, ALERT(A_MISSING, PROTO, "signature_algorithms")},
    {"1.3 server: ClientHello without key_share", 0, C2S, HS, m_ch_drop_ext, CL_EXT_KEY_SHARE, 0, ALERT(A_MISSING, PROTO, "no key_share")},
    {"1.3 server: client Finished altered", 0, C2S, HS, m_flip_last, FIN, 0, ALERT(A_DECRYPT, PROTO, "client's Finished does not match")},
    {"1.2 client: ServerHello suite not offered", V12 | ONESUITE, S2C, HS, m_sh_suite, 0, 0xc02c, ILLEGAL("cipher suite 0xc02c for TLS 1.2")},
    {"1.2 client: ServerHello GREASE suite", V12, S2C, HS, m_sh_suite, 0, 0x0a0a, ILLEGAL("cipher suite 0x0a0a")},
    {"1.2 client: ServerHello TLS 1.3 suite", V12, S2C, HS, m_sh_suite, 0, 0x1301, ILLEGAL("cipher suite 0x1301")},
    {"1.2 client: ServerHello version TLS 1.1", V12, S2C, HS, m_sh_legacy_version, 0, 0x0302, ALERT(A_VERSION, NEGO, "obsolete")},
    {"1.2 client: ServerHello version SSL 3.0", V12, S2C, HS, m_sh_legacy_version, 0, 0x0300, ALERT(A_VERSION, NEGO, "0x0300")},
    {"1.2 client: ServerHello compression 1", V12, S2C, HS, m_sh_compression, 0, 1, ILLEGAL("compression method 1")},
    {"1.2 client: ServerKeyExchange curve not offered", V12 | ECRSA | ONEGROUP, S2C, HS, m_ske, 1, CR_GROUP_SECP384R1, ILLEGAL("curve 0x0018")},
    {"1.2 client: ServerKeyExchange GREASE curve", V12, S2C, HS, m_ske, 1, 0x0a0a, ILLEGAL("curve 0x0a0a")},
    {"1.2 client: ServerKeyExchange explicit curve", V12, S2C, HS, m_ske, 0, 1, ILLEGAL("(type 1)")},
    {"1.2 client: ServerKeyExchange GREASE signature", V12, S2C, HS, m_ske, 2, 0x0a0a, ILLEGAL("0x0a0a")},
    {"1.2 server: ClientHello without null compression", PURE12, C2S, HS, m_ch_compression, 1, 1, ILLEGAL("null compression")},
    {"1.2 server: ClientHello legacy_version SSL 3.0", V12, C2S, HS, m_ch_legacy_version, 0, 0x0300, ALERT(A_VERSION, NEGO, "SSL 3.0")},
    {"1.2 server: fallback SCSV to a 1.3 server", PURE12 | SRV13, C2S, HS, m_ch_prepend, 0, 0x5600, ALERT(A_FALLBACK, NEGO, "TLS_FALLBACK_SCSV")},
    {"1.2 server: renegotiation_info not empty", PURE12, C2S, HS, m_ch_reneg, 0, 0, ALERT(A_HANDSHAKE, PROTO, "renegotiation_info is not empty")},
    {"1.2 server: ClientKeyExchange zero point", V12, C2S, HS, m_cke_zero, 0, 0, ILLEGAL("key share is invalid")},
    {"1.2 server: client Finished altered", V12, C2S, HS, m_flip_last, FIN, 0, ALERT(A_DECRYPT, PROTO, "client's Finished does not match")},

    /* trust: negotiation lists of any legal length, with duplicates and
     * unknown values, are read to the end (RFC 8446 4.1.2, 4.2.3, 4.2.7). */
    {"1.3 server: 100 filler signature algorithms first", IN_CLIENT, C2S, HS, m_ch_long_list, CL_EXT_SIGNATURE_ALGORITHMS, 100, OK},
    {"1.3 server: signature_algorithms of 64 KB", IN_CLIENT, C2S, HS, m_ch_long_list, CL_EXT_SIGNATURE_ALGORITHMS, -1, OK},
    {"1.3 server: signature_algorithms_cert of 64 KB", IN_CLIENT, C2S, HS, m_ch_long_list, CL_EXT_SIGNATURE_ALGORITHMS_CERT, -1, OK},
    {"1.3 server: supported_groups of 64 KB", IN_CLIENT, C2S, HS, m_ch_long_list, CL_EXT_SUPPORTED_GROUPS, -1, OK},
    {"1.3 server: 2^16-2 bytes of cipher suites", IN_CLIENT, C2S, HS, m_ch_long_list, 0, -1, OK},
    {"1.2 server: 100 filler signature algorithms first", IN_CLIENT | PURE12, C2S, HS, m_ch_long_list, CL_EXT_SIGNATURE_ALGORITHMS, 100, OK},
    {"1.2 server: signature_algorithms of 64 KB", IN_CLIENT | PURE12, C2S, HS, m_ch_long_list, CL_EXT_SIGNATURE_ALGORITHMS, -1, OK},
    {"1.2 server: signature_algorithms_cert of 64 KB", IN_CLIENT | PURE12, C2S, HS, m_ch_long_list, CL_EXT_SIGNATURE_ALGORITHMS_CERT, -1, OK},
    {"1.2 server: supported_groups of 64 KB", IN_CLIENT | PURE12, C2S, HS, m_ch_long_list, CL_EXT_SUPPORTED_GROUPS, -1, OK},
    {"1.2 server: 2^16-2 bytes of cipher suites", IN_CLIENT | PURE12, C2S, HS, m_ch_long_list, 0, -1, OK},
    {"1.3 client: CertificateRequest with 100 filler schemes first", CAUTH | CRFILL, S2C, HS, m_cr_is_long, 0, 100, OK},
    {"1.3 client: CertificateRequest schemes of 64 KB", CAUTH | CRFILL, S2C, HS, m_cr_is_long, 0, 32000, OK},
    {"1.2 client: CertificateRequest with 100 filler schemes first", V12 | CAUTH | CRFILL, S2C, HS, m_cr_is_long, 0, 100, OK},
    {"1.2 client: CertificateRequest schemes of 64 KB", V12 | CAUTH | CRFILL, S2C, HS, m_cr_is_long, 0, 32000, OK},
    /* trust: RFC 8422 4, a TLS 1.2 ClientHello without supported_groups
     * gets secp256r1 for an ECDHE suite. */
    {"1.2 server: ClientHello without supported_groups", IN_CLIENT | PURE12, C2S, HS, m_ch_drop_ext, CL_EXT_SUPPORTED_GROUPS, 0, OK_GROUP("secp256r1")},
    /* trust: the new groups' shares are validated: point on the curve
     * (secp521r1), no all-zero result (x448), 1 < Y < p-1 (FFDHE). */
    {"1.2 server: ECDSA P-256 certificate, client lists only x448", PURE12 | CGROUP(1), C2S, HS, m_observe_ch, 0, 0, ALERT(A_HANDSHAKE, NEGO, "curve of our ECDSA certificate is not in its supported_groups")},
    {"1.2 server: ECDHE_RSA with x448 only", PURE12 | ECRSA | CGROUP(1), C2S, HS, m_observe_ch, 0, 0, OK_GROUP("x448")},
    {"1.3 server: x448 zero key share", CGROUP(1), C2S, HS, m_share_value, CH, 0, ILLEGAL("client's x448 key share is invalid")},
    {"1.3 server: x448 key share of u = 1", CGROUP(1), C2S, HS, m_share_value, CH, 4, ILLEGAL("client's x448 key share is invalid")},
    {"1.3 server: secp521r1 key share off the curve", CGROUP(2), C2S, HS, m_share_value, CH, 1, ILLEGAL("client's secp521r1 key share is invalid")},
    {"1.3 server: secp521r1 key share all zeros", CGROUP(2), C2S, HS, m_share_value, CH, 0, ILLEGAL("client's secp521r1 key share is invalid")},
    {"1.3 server: ffdhe2048 key share Y = 1", CGROUP(3), C2S, HS, m_share_value, CH, 2, ILLEGAL("client's ffdhe2048 key share is invalid")},
    {"1.3 server: ffdhe2048 key share Y = 0", CGROUP(3), C2S, HS, m_share_value, CH, 0, ILLEGAL("client's ffdhe2048 key share is invalid")},
    {"1.3 server: ffdhe8192 key share Y > p", CGROUP(4), C2S, HS, m_share_value, CH, 3, ILLEGAL("client's ffdhe8192 key share is invalid")},
    {"1.3 client: ServerHello x448 zero key share", CGROUP(1), S2C, HS, m_share_value, SH, 0, ILLEGAL("server's x448 key share is invalid")},
    /* Hybrid groups (draft-ietf-tls-ecdhe-mlkem): a share of the wrong
     * length, an ML-KEM key failing the FIPS 203 modulus check, an invalid
     * X25519 or P-256 part: illegal_parameter and a sentence saying which. */
    {"1.3 server: X25519MLKEM768 share one byte short", CGROUP(5), C2S, HS, m_share_short, CH, 0, ILLEGAL("client's X25519MLKEM768 key share is invalid (1215 bytes): it has the wrong length")},
    {"1.3 server: SecP384r1MLKEM1024 share one byte short", CGROUP(7), C2S, HS, m_share_short, CH, 0, ILLEGAL("SecP384r1MLKEM1024 key share is invalid (1664 bytes): it has the wrong length")},
    {"1.3 server: X25519MLKEM768 ML-KEM key coefficients >= q", CGROUP(5), C2S, HS, m_share_value, CH, 100, ILLEGAL("ML-KEM encapsulation key fails the FIPS 203 modulus check")},
    {"1.3 server: SecP256r1MLKEM768 ML-KEM key coefficients >= q", CGROUP(6), C2S, HS, m_share_value, CH, 165, ILLEGAL("ML-KEM encapsulation key fails the FIPS 203 modulus check")},
    {"1.3 server: SecP384r1MLKEM1024 ML-KEM key all ones", CGROUP(7), C2S, HS, m_share_value, CH, 3, ILLEGAL("ML-KEM encapsulation key fails the FIPS 203 modulus check")},
    {"1.3 server: X25519MLKEM768 zero X25519 part", CGROUP(5), C2S, HS, m_share_value, CH, 7, ILLEGAL("X25519MLKEM768 key share is invalid (1216 bytes): its ECDH part is not a valid point")},
    {"1.3 server: SecP256r1MLKEM768 P-256 part off the curve", CGROUP(6), C2S, HS, m_share_value, CH, 8, ILLEGAL("SecP256r1MLKEM768 key share is invalid (1249 bytes): its ECDH part is not a valid point")},
    {"1.3 client: ServerHello X25519MLKEM768 share one byte short", CGROUP(5), S2C, HS, m_share_short, SH, 0, ILLEGAL("server's X25519MLKEM768 key share is invalid (1119 bytes): it has the wrong length")},
    {"1.3 client: ServerHello X25519MLKEM768 zero X25519 part", CGROUP(5), S2C, HS, m_share_value, SH, 7, ILLEGAL("server's X25519MLKEM768 key share is invalid (1120 bytes): its ECDH part")},
    {"1.3 client: ServerHello SecP256r1MLKEM768 P-256 part off the curve", CGROUP(6), S2C, HS, m_share_value, SH, 8, ILLEGAL("server's SecP256r1MLKEM768 key share is invalid (1153 bytes): its ECDH part")},
    {"1.3 client: ServerHello secp521r1 share off the curve", CGROUP(2), S2C, HS, m_share_value, SH, 1, ILLEGAL("server's secp521r1 key share is invalid")},
    {"1.3 client: ServerHello ffdhe2048 key share Y = 1", CGROUP(3), S2C, HS, m_share_value, SH, 2, ILLEGAL("server's ffdhe2048 key share is invalid")},
    {"1.2 server: ClientKeyExchange x448 zero point", ECRSA | CGROUP(1), C2S, HS, m_share_value, CKE, 0, ILLEGAL("client's x448 key share is invalid")},
    {"1.2 server: ClientKeyExchange secp521r1 off the curve", ECRSA | CGROUP(2), C2S, HS, m_share_value, CKE, 1, ILLEGAL("client's secp521r1 key share is invalid")},
    {"1.2 server: ClientKeyExchange DHE Y = 1", DHE, C2S, HS, m_share_value, CKE, 2, ILLEGAL("client's ffdhe2048 key share is invalid")},
    {"1.2 server: ClientKeyExchange DHE Y > p", DHE | CGROUP(4), C2S, HS, m_share_value, CKE, 3, ILLEGAL("client's ffdhe8192 key share is invalid")},

    /* trust: a server_name that is not a host name (RFC 6066 3) is
     * illegal_parameter in both versions; an IP literal is ignored. */
    {"1.3 server: server_name with a control byte", IN_CLIENT, C2S, HS, m_ch_sni, 0, 0, ILLEGAL("not a valid host name (RFC 6066 3): it contains the control byte 0x0a")},
    {"1.3 server: server_name with a NUL byte", IN_CLIENT, C2S, HS, m_ch_sni, 0, 1, ILLEGAL("contains a NUL byte")},
    {"1.3 server: server_name with UTF-8", IN_CLIENT, C2S, HS, m_ch_sni, 0, 2, ILLEGAL("non-ASCII byte 0xc3")},
    {"1.3 server: server_name with an empty label", IN_CLIENT, C2S, HS, m_ch_sni, 0, 3, ILLEGAL("empty label")},
    {"1.3 server: server_name with a trailing dot", IN_CLIENT, C2S, HS, m_ch_sni, 0, 4, ILLEGAL("ends with a dot")},
    {"1.3 server: server_name with a leading dot", IN_CLIENT, C2S, HS, m_ch_sni, 0, 5, ILLEGAL("empty label")},
    {"1.3 server: server_name with a space", IN_CLIENT, C2S, HS, m_ch_sni, 0, 6, ILLEGAL("contains ' '")},
    {"1.3 server: server_name label of 64 bytes", IN_CLIENT, C2S, HS, m_ch_sni, 0, 7, ILLEGAL("label longer than 63")},
    {"1.3 server: server_name IPv4 literal ignored", IN_CLIENT, C2S, HS, m_ch_sni, 0, 8, OK_SNI("-")},
    {"1.3 server: server_name IPv6 literal ignored", IN_CLIENT, C2S, HS, m_ch_sni, 0, 9, OK_SNI("-")},
    {"1.3 server: server_name with an underscore", IN_CLIENT, C2S, HS, m_ch_sni, 0, 10, OK_SNI("my_host.example")},
    {"1.3 server: server_name A-label", IN_CLIENT, C2S, HS, m_ch_sni, 0, 11, OK_SNI("xn--bcher-kva.example")},
    {"1.2 server: server_name with a control byte", IN_CLIENT | PURE12, C2S, HS, m_ch_sni, 0, 0, ILLEGAL("contains the control byte 0x0a")},
    {"1.2 server: server_name with a trailing dot", IN_CLIENT | PURE12, C2S, HS, m_ch_sni, 0, 4, ILLEGAL("ends with a dot")},
    {"1.2 server: server_name with UTF-8", IN_CLIENT | PURE12, C2S, HS, m_ch_sni, 0, 2, ILLEGAL("non-ASCII byte 0xc3")},
    {"1.2 server: server_name IPv4 literal ignored", IN_CLIENT | PURE12, C2S, HS, m_ch_sni, 0, 8, OK_SNI("-")},

    /* trust: a HelloRetryRequest cookie only when configured (as OpenSSL
     * and GnuTLS), and then it must be echoed. */
    {"1.3 server: second ClientHello without our cookie", HRRSET | HRRCOOKIE, C2S, HS, m_ch_drop_ext, CL_EXT_COOKIE, 0, ILLEGAL("does not echo our cookie")},
    {"1.3 server: second ClientHello with a cookie never sent", HRRSET, C2S, HS, m_ch2_add_ext, 0, CL_EXT_COOKIE, ILLEGAL("cookie our HelloRetryRequest did not send")},
    {"1.3 client: HelloRetryRequest with a cookie", HRRSET | HRRCOOKIE, S2C, HS, m_dup_ext, HRR, CL_EXT_COOKIE, ILLEGAL("extension 44 twice")},

    {"1.3 server: 200 unknown key shares before the client's", IN_CLIENT, C2S, HS, m_ch_many_shares, 0, 200, OK},
    {"1.3 server: key share repeated after 200 others", 0, C2S, HS, m_ch_many_shares, 1, 200, ILLEGAL("two key shares for group 0xfcc7")},
    {"1.3 server: signature_algorithms all filler", 0, C2S, HS, m_ch_sigalgs_filler_only, 0, 3000, ALERT(A_HANDSHAKE, NEGO, "the client accepts rsa_pkcs1_sha1 and 2250 unknown values")},
};
/* clang-format on */

const case_table parameter_cases = {cases, sizeof cases / sizeof cases[0]};
