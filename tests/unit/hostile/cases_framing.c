/* SPDX-License-Identifier: Apache-2.0 */
/* Hostile-peer cases: the framing and size of one message (cut short, a length
 * that lies, trailing bytes, huge certificate chains) and peers that stop
 * mid-handshake. */
#include "cases.h"

/* One case per line, however long: clang-format leaves the table alone. */
/* clang-format off */
static const hcase cases[] = {
    /* ---- TLS 1.3, clasp as client: every server message cut short, its
     * length too long / too short, and trailing bytes. */
    {"1.3 client: ServerHello cut by 1", 0, S2C, HS, m_cut, SH, 1, DECODE("ServerHello")},
    {"1.3 client: ServerHello cut in half", 0, S2C, HS, m_cut, SH, 0, DECODE("ServerHello")},
    {"1.3 client: ServerHello length +1", 0, S2C, HS, m_len, SH, 1, UNEXPECTED("ChangeCipherSpec record in the middle of a handshake message")},
    {"1.3 client: ServerHello length -1", 0, S2C, HS, m_len, SH, -1, DECODE("ServerHello")},
    {"1.3 client: ServerHello trailing byte", 0, S2C, HS, m_extend, SH, 0, DECODE("ServerHello")},
    {"1.3 client: HelloRetryRequest cut by 1", HRRSET, S2C, HS, m_cut, HRR, 1, DECODE("ServerHello")},
    {"1.3 client: HelloRetryRequest cut in half", HRRSET, S2C, HS, m_cut, HRR, 0, DECODE("ServerHello")},
    {"1.3 client: HelloRetryRequest length -1", HRRSET, S2C, HS, m_len, HRR, -1, DECODE("ServerHello")},
    {"1.3 client: EncryptedExtensions cut by 1", 0, S2C, HS, m_cut, EE, 1, DECODE("EncryptedExtensions")},
    {"1.3 client: EncryptedExtensions cut to nothing", 0, S2C, HS, m_cut, EE, 0, DECODE("EncryptedExtensions")},
    {"1.3 client: EncryptedExtensions length +1", 0, S2C, HS, m_len, EE, 1, DECODE("EncryptedExtensions")},
    {"1.3 client: EncryptedExtensions length -1", 0, S2C, HS, m_len, EE, -1, DECODE("EncryptedExtensions")},
    {"1.3 client: CertificateRequest cut by 1", CAUTH, S2C, HS, m_cut, CR, 1, DECODE("CertificateRequest")},
    {"1.3 client: CertificateRequest cut in half", CAUTH, S2C, HS, m_cut, CR, 0, DECODE("CertificateRequest")},
    {"1.3 client: CertificateRequest length -1", CAUTH, S2C, HS, m_len, CR, -1, DECODE("CertificateRequest")},
    {"1.3 client: Certificate cut by 1", 0, S2C, HS, m_cut, CRT, 1, DECODE("Certificate message")},
    {"1.3 client: Certificate cut in half", 0, S2C, HS, m_cut, CRT, 0, DECODE("Certificate message")},
    {"1.3 client: Certificate length +1", 0, S2C, HS, m_len, CRT, 1, DECODE("Certificate message")},
    {"1.3 client: Certificate length -1", 0, S2C, HS, m_len, CRT, -1, DECODE("Certificate message")},
    {"1.3 client: CertificateVerify cut by 1", 0, S2C, HS, m_cut, CV, 1, DECODE("CertificateVerify")},
    {"1.3 client: CertificateVerify cut in half", 0, S2C, HS, m_cut, CV, 0, DECODE("CertificateVerify")},
    {"1.3 client: CertificateVerify length +1", 0, S2C, HS, m_len, CV, 1, DECODE("CertificateVerify")},
    {"1.3 client: CertificateVerify length -1", 0, S2C, HS, m_len, CV, -1, DECODE("CertificateVerify")},
    {"1.3 client: Finished cut by 1", 0, S2C, HS, m_cut, FIN, 1, DECODE("Finished")},
    {"1.3 client: Finished cut in half", 0, S2C, HS, m_cut, FIN, 0, DECODE("Finished")},
    {"1.3 client: Finished length +1 (waits)", 0, S2C, HS, m_len, FIN, 1, STALL},
    {"1.3 client: Finished length -1", 0, S2C, HS, m_len, FIN, -1, DECODE("Finished")},
    {"1.3 client: Finished trailing byte", 0, S2C, HS, m_extend, FIN, 0, DECODE("Finished")},
    {"1.3 client: NewSessionTicket cut by 1", 0, S2C, HS, m_cut, NST, 1, DECODE("NewSessionTicket")},
    {"1.3 client: NewSessionTicket cut in half", 0, S2C, HS, m_cut, NST, 0, DECODE("NewSessionTicket")},
    {"1.3 client: NewSessionTicket length -1", 0, S2C, HS, m_len, NST, -1, DECODE("NewSessionTicket")},
    {"1.3 client: NewSessionTicket trailing byte", 0, S2C, HS, m_extend, NST, 0, DECODE("NewSessionTicket")},

    /* ---- TLS 1.3, clasp as server: every client message. */
    {"1.3 server: ClientHello cut by 1", 0, C2S, HS, m_cut, CH, 1, DECODE("ClientHello")},
    {"1.3 server: ClientHello cut in half", 0, C2S, HS, m_cut, CH, 0, DECODE("ClientHello")},
    {"1.3 server: ClientHello length +1 (waits)", 0, C2S, HS, m_len, CH, 1, STALL},
    {"1.3 server: ClientHello length -1", 0, C2S, HS, m_len, CH, -1, DECODE("ClientHello")},
    {"1.3 server: ClientHello trailing byte", 0, C2S, HS, m_extend, CH, 0, DECODE("ClientHello")},
    {"1.3 server: second ClientHello cut by 1", HRRSET, C2S, HS, m_cut_ch2, CH, 1, DECODE("ClientHello")},
    {"1.3 server: client Certificate cut by 1", CAUTH, C2S, HS, m_cut, CRT, 1, DECODE("Certificate message")},
    {"1.3 server: client Certificate cut in half", CAUTH, C2S, HS, m_cut, CRT, 0, DECODE("Certificate message")},
    {"1.3 server: client Certificate length -1", CAUTH, C2S, HS, m_len, CRT, -1, DECODE("Certificate message")},
    {"1.3 server: client CertificateVerify cut by 1", CAUTH, C2S, HS, m_cut, CV, 1, DECODE("CertificateVerify")},
    {"1.3 server: client CertificateVerify length +1", CAUTH, C2S, HS, m_len, CV, 1, DECODE("CertificateVerify")},
    {"1.3 server: client Finished cut by 1", 0, C2S, HS, m_cut, FIN, 1, DECODE("Finished")},
    {"1.3 server: client Finished cut to nothing", 0, C2S, HS, m_cut, FIN, 32, DECODE("Finished")},
    {"1.3 server: client Finished length +1 (waits)", 0, C2S, HS, m_len, FIN, 1, STALL},
    {"1.3 server: client Finished length -1", 0, C2S, HS, m_len, FIN, -1, DECODE("Finished")},
    {"1.3 server: KeyUpdate cut to nothing", 0, C2S, POST, m_post_hs, 25, 1, DECODE("KeyUpdate")},

    /* ---- TLS 1.2, clasp as client. */
    {"1.2 client: ServerHello cut by 1", V12, S2C, HS, m_cut, SH, 1, DECODE("ServerHello")},
    {"1.2 client: ServerHello cut in half", V12, S2C, HS, m_cut, SH, 0, DECODE("ServerHello")},
    {"1.2 client: ServerHello length -1", V12, S2C, HS, m_len, SH, -1, DECODE("ServerHello")},
    {"1.2 client: ServerHello length +1", V12, S2C, HS, m_len, SH, 1, DECODE("ServerHello")},
    {"1.2 client: Certificate cut by 1", V12, S2C, HS, m_cut, CRT, 1, DECODE("Certificate message")},
    {"1.2 client: Certificate cut in half", V12, S2C, HS, m_cut, CRT, 0, DECODE("Certificate message")},
    {"1.2 client: Certificate length +1", V12, S2C, HS, m_len, CRT, 1, DECODE("Certificate message")},
    {"1.2 client: ServerKeyExchange cut by 1", V12, S2C, HS, m_cut, SKE, 1, DECODE("ServerKeyExchange")},
    {"1.2 client: ServerKeyExchange cut in half", V12, S2C, HS, m_cut, SKE, 0, DECODE("ServerKeyExchange")},
    {"1.2 client: ServerKeyExchange length -1", V12, S2C, HS, m_len, SKE, -1, DECODE("ServerKeyExchange")},
    {"1.2 client: CertificateRequest cut by 1", V12 | CAUTH, S2C, HS, m_cut, CR, 1, DECODE("CertificateRequest")},
    {"1.2 client: CertificateRequest cut in half", V12 | CAUTH, S2C, HS, m_cut, CR, 0, DECODE("CertificateRequest")},
    {"1.2 client: ServerHelloDone with a body", V12, S2C, HS, m_extend, SHD, 0, DECODE("ServerHelloDone")},
    {"1.2 client: CertificateStatus trailing byte", V12 | OCSP, S2C, HS, m_extend, CL_HS_CERTIFICATE_STATUS, 0, DECODE("CertificateStatus (an OCSP response)")},
    {"1.2 client: ServerHelloDone length +1 (waits)", V12, S2C, HS, m_len, SHD, 1, STALL},
    {"1.2 client: NewSessionTicket cut by 1", V12, S2C, HS, m_cut, NST, 1, DECODE("NewSessionTicket")},
    {"1.2 client: NewSessionTicket cut in half", V12, S2C, HS, m_cut, NST, 0, DECODE("NewSessionTicket")},
    {"1.2 client: Finished cut by 1", V12, S2C, HS, m_cut, FIN, 1, DECODE("Finished")},
    {"1.2 client: Finished cut in half", V12, S2C, HS, m_cut, FIN, 0, DECODE("Finished")},
    {"1.2 client: Finished length -1", V12, S2C, HS, m_len, FIN, -1, DECODE("Finished")},
    {"1.2 client: Finished length +1 (waits)", V12, S2C, HS, m_len, FIN, 1, STALL},

    /* ---- TLS 1.2, clasp as server. */
    {"1.2 server: ClientHello cut by 1", PURE12, C2S, HS, m_cut, CH, 1, DECODE("ClientHello")},
    {"1.2 server: ClientHello cut in half", PURE12, C2S, HS, m_cut, CH, 0, DECODE("ClientHello")},
    {"1.2 server: ClientHello length -1", PURE12, C2S, HS, m_len, CH, -1, DECODE("ClientHello")},
    {"1.2 server: ClientHello length +1 (waits)", PURE12, C2S, HS, m_len, CH, 1, STALL},
    {"1.2 server: client Certificate cut by 1", V12 | CAUTH, C2S, HS, m_cut, CRT, 1, DECODE("Certificate message")},
    {"1.2 server: ClientKeyExchange cut by 1", V12, C2S, HS, m_cut, CKE, 1, DECODE("ClientKeyExchange")},
    {"1.2 server: ClientKeyExchange cut in half", V12, C2S, HS, m_cut, CKE, 0, DECODE("ClientKeyExchange")},
    {"1.2 server: ClientKeyExchange length +1", V12, C2S, HS, m_len, CKE, 1, UNEXPECTED("in the middle of a handshake message")},
    {"1.2 server: RSA ClientKeyExchange cut by 1", RSAKX, C2S, HS, m_cut, CKE, 1, DECODE("ClientKeyExchange")},
    {"1.2 server: client CertificateVerify cut by 1", V12 | CAUTH, C2S, HS, m_cut, CV, 1, DECODE("CertificateVerify")},
    {"1.2 server: client Finished cut by 1", V12, C2S, HS, m_cut, FIN, 1, DECODE("Finished")},
    {"1.2 server: client Finished length -1", V12, C2S, HS, m_len, FIN, -1, DECODE("Finished")},

    /* ---- Huge certificate chains: bounded by CL_MAX_HANDSHAKE_MSG (the
     * announced length is refused before anything is buffered) and by
     * CL_MAX_CHAIN certificates. */
    {"1.3 client: 1 MiB certificate chain", 0, S2C, HS, m_chain, 0, 1 << 20, ILLEGAL("handshake message of 10")},
    {"1.3 server: 1 MiB client certificate chain", CAUTH, C2S, HS, m_chain, 0, 1 << 20, ILLEGAL("handshake message of 10")},
    {"1.2 client: 1 MiB certificate chain", V12, S2C, HS, m_chain, 0, 1 << 20, ILLEGAL("handshake message of 10")},
    {"1.2 server: 1 MiB client certificate chain", V12 | CAUTH, C2S, HS, m_chain, 0, 1 << 20, ILLEGAL("handshake message of 10")},
    {"1.3 client: 11 certificates", 0, S2C, HS, m_chain, 0, 11, ALERT(A_BAD_CERT, CERT, "longer than 10 certificates")},
    {"1.2 server: 11 client certificates", V12 | CAUTH, C2S, HS, m_chain, 0, 11, ALERT(A_BAD_CERT, CERT, "longer than 10 certificates")},
    /* A message of exactly the limit is taken even when the next messages
     * share its last record; it reaches the certificate parser. */
    {"1.3 client: Certificate of exactly the limit", 0, S2C, HS, m_cert_at_limit, 0, 0, ALERT(A_BAD_CERT, CERT, "cannot be parsed")},
    {"1.2 client: Certificate of exactly the limit", V12, S2C, HS, m_cert_at_limit, 0, 0, ALERT(A_BAD_CERT, CERT, "cannot be parsed")},

    /* ---- A peer that stops mid-handshake: no error, WANT_READ, nothing
     * leaks when freed. */
    {"1.3 client: server stops after ServerHello", 0, S2C, HS, m_stall_after, SH, 0, STALL},
    {"1.3 client: server stops inside its first flight", 0, S2C, HS, m_stall_after, 0, 0, STALL},
    {"1.3 server: client stops after ClientHello", 0, C2S, HS, m_stall_after, CH, 0, STALL},
    {"1.3 server: client stops inside its ClientHello", 0, C2S, HS, m_stall_after, 0, 0, STALL},
    {"1.2 client: server stops after Certificate", V12, S2C, HS, m_stall_after, CRT, 0, STALL},
    {"1.2 server: client stops after ClientKeyExchange", V12, C2S, HS, m_stall_after, CKE, 0, STALL},
    {"1.2 client: server stops inside its first flight", V12, S2C, HS, m_stall_after, 0, 0, STALL},
};
/* clang-format on */

const case_table framing_cases = {cases, sizeof cases / sizeof cases[0]};
