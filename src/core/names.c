/* SPDX-License-Identifier: Apache-2.0 */
/* Names and code points: cipher suites, groups, signature schemes, alerts;
 * the syntax of host names. */
#include <arpa/inet.h>
#include <stdio.h>
#include <strings.h>

#include "core/conn.h"

static const cl_suite suites[] = {
    {0x1301, "TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256", CLASP_TLS1_3, CR_AES128GCM, CR_SHA256, CL_KX_ANY, CL_AUTH_ANY},
    {0x1302, "TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384", CLASP_TLS1_3, CR_AES256GCM, CR_SHA384, CL_KX_ANY, CL_AUTH_ANY},
    {0x1303, "TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256", CLASP_TLS1_3, CR_CHACHA20POLY1305, CR_SHA256, CL_KX_ANY, CL_AUTH_ANY},
    {0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256", CLASP_TLS1_2, CR_AES128GCM, CR_SHA256, CL_KX_ECDHE, CL_AUTH_ECDSA},
    {0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384", CLASP_TLS1_2, CR_AES256GCM, CR_SHA384, CL_KX_ECDHE, CL_AUTH_ECDSA},
    {0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305", CLASP_TLS1_2, CR_CHACHA20POLY1305, CR_SHA256, CL_KX_ECDHE, CL_AUTH_ECDSA},
    {0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256", CLASP_TLS1_2, CR_AES128GCM, CR_SHA256, CL_KX_ECDHE, CL_AUTH_RSA},
    {0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384", CLASP_TLS1_2, CR_AES256GCM, CR_SHA384, CL_KX_ECDHE, CL_AUTH_RSA},
    {0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305", CLASP_TLS1_2, CR_CHACHA20POLY1305, CR_SHA256, CL_KX_ECDHE, CL_AUTH_RSA},
    {0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "DHE-RSA-AES128-GCM-SHA256", CLASP_TLS1_2, CR_AES128GCM, CR_SHA256, CL_KX_DHE, CL_AUTH_RSA},
    {0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "DHE-RSA-AES256-GCM-SHA384", CLASP_TLS1_2, CR_AES256GCM, CR_SHA384, CL_KX_DHE, CL_AUTH_RSA},
    {0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "DHE-RSA-CHACHA20-POLY1305", CLASP_TLS1_2, CR_CHACHA20POLY1305, CR_SHA256, CL_KX_DHE, CL_AUTH_RSA},
    {0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256", CLASP_TLS1_2, CR_AES128GCM, CR_SHA256, CL_KX_RSA, CL_AUTH_RSA},
    {0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384", CLASP_TLS1_2, CR_AES256GCM, CR_SHA384, CL_KX_RSA, CL_AUTH_RSA},
};

const cl_suite *cl_suite_by_id(uint16_t id)
{
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
        if (suites[i].id == id)
            return &suites[i];
    return NULL;
}

const cl_suite *cl_suite_by_name(const char *name)
{
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++) {
        if (!strcasecmp(name, suites[i].iana) || !strcasecmp(name, suites[i].openssl))
            return &suites[i];
    }
    /* OpenSSL's older TLS 1.3 spelling: TLS13-AES-128-GCM-SHA256. */
    static const struct { const char *alias; uint16_t id; } aliases[] = {
        {"TLS13-AES-128-GCM-SHA256", 0x1301},
        {"TLS13-AES-256-GCM-SHA384", 0x1302},
        {"TLS13-CHACHA20-POLY1305-SHA256", 0x1303},
    };
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (!strcasecmp(name, aliases[i].alias))
            return cl_suite_by_id(aliases[i].id);
    return NULL;
}

static const struct {
    uint16_t id;
    const char *name;
    const char *alias1, *alias2;
} groups[] = {
    {CR_GROUP_X25519, "x25519", "X25519", "x25519"},
    {CR_GROUP_X448, "x448", "X448", "x448"},
    {CR_GROUP_SECP256R1, "secp256r1", "P-256", "prime256v1"},
    {CR_GROUP_SECP384R1, "secp384r1", "P-384", "secp384r1"},
    {CR_GROUP_SECP521R1, "secp521r1", "P-521", "secp521r1"},
    {CR_GROUP_FFDHE2048, "ffdhe2048", "ffdhe2048", "ffdhe2048"},
    {CR_GROUP_FFDHE3072, "ffdhe3072", "ffdhe3072", "ffdhe3072"},
    {CR_GROUP_FFDHE4096, "ffdhe4096", "ffdhe4096", "ffdhe4096"},
    {CR_GROUP_FFDHE6144, "ffdhe6144", "ffdhe6144", "ffdhe6144"},
    {CR_GROUP_FFDHE8192, "ffdhe8192", "ffdhe8192", "ffdhe8192"},
    /* Hybrids (draft-ietf-tls-ecdhe-mlkem): the IANA names; the aliases
     * are the names other tools spell with separators. */
    {CR_GROUP_X25519MLKEM768, "X25519MLKEM768", "X25519-MLKEM768", "x25519_mlkem768"},
    {CR_GROUP_SECP256R1MLKEM768, "SecP256r1MLKEM768", "P256-MLKEM768", "secp256r1_mlkem768"},
    {CR_GROUP_SECP384R1MLKEM1024, "SecP384r1MLKEM1024", "P384-MLKEM1024", "secp384r1_mlkem1024"},
};

uint16_t cl_group_by_name(const char *name)
{
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
        if (!strcasecmp(name, groups[i].name) || !strcasecmp(name, groups[i].alias1) ||
            !strcasecmp(name, groups[i].alias2))
            return groups[i].id;
    return 0;
}

const char *cl_group_name(uint16_t group)
{
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
        if (groups[i].id == group)
            return groups[i].name;
    return "unknown";
}

const char *cl_sigalg_name(uint16_t scheme)
{
    switch (scheme) {
    case CR_SIG_RSA_PKCS1_SHA1: return "rsa_pkcs1_sha1";
    case CR_SIG_ECDSA_SHA1: return "ecdsa_sha1";
    case CR_SIG_RSA_PKCS1_SHA256: return "rsa_pkcs1_sha256";
    case CR_SIG_RSA_PKCS1_SHA384: return "rsa_pkcs1_sha384";
    case CR_SIG_RSA_PKCS1_SHA512: return "rsa_pkcs1_sha512";
    case CR_SIG_ECDSA_SECP256R1_SHA256: return "ecdsa_secp256r1_sha256";
    case CR_SIG_ECDSA_SECP384R1_SHA384: return "ecdsa_secp384r1_sha384";
    case CR_SIG_ECDSA_SECP521R1_SHA512: return "ecdsa_secp521r1_sha512";
    case CR_SIG_RSA_PSS_RSAE_SHA256: return "rsa_pss_rsae_sha256";
    case CR_SIG_RSA_PSS_RSAE_SHA384: return "rsa_pss_rsae_sha384";
    case CR_SIG_RSA_PSS_RSAE_SHA512: return "rsa_pss_rsae_sha512";
    case CR_SIG_ED25519: return "ed25519";
    case CR_SIG_RSA_PSS_PSS_SHA256: return "rsa_pss_pss_sha256";
    case CR_SIG_RSA_PSS_PSS_SHA384: return "rsa_pss_pss_sha384";
    case CR_SIG_RSA_PSS_PSS_SHA512: return "rsa_pss_pss_sha512";
    }
    return "unknown";
}

const char *clasp_alert_name(int alert)
{
    switch (alert) {
    case 0: return "close_notify";
    case 10: return "unexpected_message";
    case 20: return "bad_record_mac";
    case 22: return "record_overflow";
    case 40: return "handshake_failure";
    case 42: return "bad_certificate";
    case 43: return "unsupported_certificate";
    case 44: return "certificate_revoked";
    case 45: return "certificate_expired";
    case 46: return "certificate_unknown";
    case 47: return "illegal_parameter";
    case 48: return "unknown_ca";
    case 49: return "access_denied";
    case 50: return "decode_error";
    case 51: return "decrypt_error";
    case 70: return "protocol_version";
    case 71: return "insufficient_security";
    case 80: return "internal_error";
    case 86: return "inappropriate_fallback";
    case 90: return "user_canceled";
    case 100: return "no_renegotiation";
    case 109: return "missing_extension";
    case 110: return "unsupported_extension";
    case 112: return "unrecognized_name";
    case 113: return "bad_certificate_status_response";
    case 115: return "unknown_psk_identity";
    case 116: return "certificate_required";
    case 120: return "no_application_protocol";
    }
    return "unknown_alert";
}

int cl_is_ip_literal(const char *name, size_t len)
{
    char buf[64];
    uint8_t addr[16];
    if (len >= sizeof buf || memchr(name, 0, len))
        return 0;
    memcpy(buf, name, len);
    buf[len] = 0;
    return inet_pton(AF_INET, buf, addr) == 1 || inet_pton(AF_INET6, buf, addr) == 1;
}

/* RFC 6066 3: a HostName is an ASCII DNS name without a trailing dot; RFC
 * 1035 2.3.4 bounds labels to 63 bytes and a name to 253 characters. Beyond
 * letters, digits and hyphens, underscores are let through: real DNS names
 * carry them, and nothing here depends on their absence. */
int cl_check_host_name(const char *name, size_t len, char *why, size_t why_len)
{
    size_t label = 0;
    if (len == 0) {
        snprintf(why, why_len, "is empty");
        return -1;
    }
    if (len > 253) {
        snprintf(why, why_len, "is %zu bytes long, over the 253 of a DNS name", len);
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)name[i];
        if (ch == '.') {
            if (label == 0) {
                snprintf(why, why_len, "has an empty label (a dot at byte %zu)", i);
                return -1;
            }
            label = 0;
            continue;
        }
        if (ch == 0) {
            snprintf(why, why_len, "contains a NUL byte");
            return -1;
        }
        if (ch < 0x20 || ch == 0x7f) {
            snprintf(why, why_len, "contains the control byte 0x%02x", ch);
            return -1;
        }
        if (ch >= 0x80) {
            snprintf(why, why_len, "contains the non-ASCII byte 0x%02x (an international name "
                                   "goes as its xn-- form)", ch);
            return -1;
        }
        if (!(ch >= 'a' && ch <= 'z') && !(ch >= 'A' && ch <= 'Z') && !(ch >= '0' && ch <= '9') &&
            ch != '-' && ch != '_') {
            snprintf(why, why_len, "contains '%c', which a host name cannot", ch);
            return -1;
        }
        if (++label > 63) {
            snprintf(why, why_len, "has a label longer than 63 bytes");
            return -1;
        }
    }
    if (label == 0) {
        snprintf(why, why_len, "ends with a dot (a HostName has none)");
        return -1;
    }
    return 0;
}
