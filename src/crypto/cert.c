/* SPDX-License-Identifier: Apache-2.0 */
/* Certificates, trust anchors and chain verification over X509_STORE, with
 * failures turned into a result code and a sentence a person can act on. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "crypto/internal.h"


cr_cert *cr_cert_parse(const uint8_t *der, size_t len)
{
    if (!der || len == 0 || len > (size_t)INT32_MAX)
        return NULL;
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)len);
    /* Exactly one certificate: trailing bytes mean a framing error. */
    if (!x || p != der + len) {
        X509_free(x);
        ERR_clear_error();
        return NULL;
    }
    cr_cert *c = malloc(sizeof(*c));
    if (!c) {
        X509_free(x);
        return NULL;
    }
    c->x = x;
    return c;
}

void cr_cert_free(cr_cert *c)
{
    if (!c)
        return;
    X509_free(c->x);
    free(c);
}

cr_pkey *cr_cert_pubkey(const cr_cert *c)
{
    if (!c)
        return NULL;
    EVP_PKEY *pk = X509_get_pubkey(c->x); /* a new reference */
    if (!pk) {
        ERR_clear_error();
        return NULL;
    }
    return cr_pkey_wrap(pk);
}

int cr_cert_matches_key(const cr_cert *c, const cr_pkey *k)
{
    EVP_PKEY *cpk = c ? X509_get0_pubkey(c->x) : NULL;
    EVP_PKEY *kpk = cr_pkey_get0(k);
    if (!cpk || !kpk)
        return 0;
    /* Compares the public halves (a private key carries its public key). */
    int eq = EVP_PKEY_eq(cpk, kpk) == 1;
    ERR_clear_error();
    return eq;
}

/* "CN=leaf, O=Example": most specific first, UTF-8 kept, control
 * characters and RFC 2253 specials escaped. */
static void name_str(const X509_NAME *n, char *out, size_t out_len)
{
    if (out_len == 0)
        return;
    out[0] = 0;
    BIO *bio = BIO_new(BIO_s_mem());
    unsigned long flags = (ASN1_STRFLGS_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) | XN_FLAG_SEP_CPLUS_SPC |
                          XN_FLAG_DN_REV | XN_FLAG_FN_SN | XN_FLAG_DUMP_UNKNOWN_FIELDS;
    char *data = NULL;
    long len;
    if (bio && n && X509_NAME_print_ex(bio, n, 0, flags) >= 0 &&
        (len = BIO_get_mem_data(bio, &data)) > 0) {
        size_t m = (size_t)len < out_len - 1 ? (size_t)len : out_len - 1;
        memcpy(out, data, m);
        out[m] = 0;
    } else {
        snprintf(out, out_len, "(no subject name)");
    }
    BIO_free(bio);
    ERR_clear_error();
}

static int64_t not_after(const X509 *x)
{
    struct tm tm;
    const ASN1_TIME *t = x ? X509_get0_notAfter(x) : NULL;
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
        return 0;
    return (int64_t)timegm(&tm);
}

/* The earliest nextUpdate of the store's CRLs (0 when one has none or it
 * cannot be read): a chain verified against them is known good only
 * until then. The store no longer changes once a config is in use. */
static int64_t crls_valid_until(X509_STORE *store)
{
    int64_t until = INT64_MAX;
    STACK_OF(X509_OBJECT) *objs = X509_STORE_get0_objects(store);
    for (int i = 0; objs && i < sk_X509_OBJECT_num(objs); i++) {
        X509_CRL *crl = X509_OBJECT_get0_X509_CRL(sk_X509_OBJECT_value(objs, i));
        if (!crl)
            continue;
        const ASN1_TIME *t = X509_CRL_get0_nextUpdate(crl);
        struct tm tm;
        int64_t next = t && ASN1_TIME_to_tm(t, &tm) == 1 ? (int64_t)timegm(&tm) : 0;
        until = next < until ? next : until;
    }
    return until;
}

int64_t cr_cert_not_after(const cr_cert *c)
{
    return not_after(c ? c->x : NULL);
}

unsigned cr_cert_key_uses(const cr_cert *c)
{
    if (!c)
        return 0;
    /* UINT32_MAX without the extension; 0 if the extensions do not parse. */
    uint32_t ku = X509_get_key_usage(c->x);
    ERR_clear_error();
    return (ku & KU_DIGITAL_SIGNATURE ? CR_KEY_USE_SIGN : 0u) |
           (ku & KU_KEY_ENCIPHERMENT ? CR_KEY_USE_ENCRYPT : 0u);
}

void cr_cert_key_usage_names(const cr_cert *c, char *out, size_t out_len)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } bits[] = {
        {KU_DIGITAL_SIGNATURE, "digitalSignature"}, {KU_NON_REPUDIATION, "nonRepudiation"},
        {KU_KEY_ENCIPHERMENT, "keyEncipherment"},   {KU_DATA_ENCIPHERMENT, "dataEncipherment"},
        {KU_KEY_AGREEMENT, "keyAgreement"},         {KU_KEY_CERT_SIGN, "keyCertSign"},
        {KU_CRL_SIGN, "cRLSign"},                   {KU_ENCIPHER_ONLY, "encipherOnly"},
        {KU_DECIPHER_ONLY, "decipherOnly"},
    };
    if (!out || out_len == 0)
        return;
    out[0] = 0;
    if (!c || !(X509_get_extension_flags(c->x) & EXFLAG_KUSAGE)) {
        ERR_clear_error();
        return;
    }
    uint32_t ku = X509_get_key_usage(c->x);
    ERR_clear_error();
    size_t pos = 0;
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
        if (!(ku & bits[i].bit))
            continue;
        int n = snprintf(out + pos, out_len - pos, "%s%s", pos ? ", " : "", bits[i].name);
        if (n < 0 || (size_t)n >= out_len - pos)
            return;
        pos += (size_t)n;
    }
    if (!pos)
        snprintf(out, out_len, "(none)");
}

void cr_cert_subject(const cr_cert *c, char *out, size_t out_len)
{
    name_str(c ? X509_get_subject_name(c->x) : NULL, out, out_len);
}

cr_trust *cr_trust_new(void)
{
    cr_trust *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    if (!(t->store = X509_STORE_new())) {
        free(t);
        return NULL;
    }
    return t;
}

void cr_trust_free(cr_trust *t)
{
    if (!t)
        return;
    X509_STORE_free(t->store);
    free(t);
}

/* Adds every certificate (crls 0) or every CRL (crls 1) of a PEM file to
 * the store: 0 when at least one was added and none refused. */
static int add_pem_objects(cr_trust *t, const char *path, int crls)
{
    if (!t || !path)
        return -1;
    BIO *bio = BIO_new_file(path, "r");
    STACK_OF(X509_INFO) *infos = bio ? PEM_X509_INFO_read_bio(bio, NULL, NULL, NULL) : NULL;
    int added = 0, failed = 0;
    for (int i = 0; infos && i < sk_X509_INFO_num(infos); i++) {
        X509_INFO *info = sk_X509_INFO_value(infos, i);
        int ok;
        if (crls && info->crl)
            ok = X509_STORE_add_crl(t->store, info->crl) == 1;
        else if (!crls && info->x509)
            ok = X509_STORE_add_cert(t->store, info->x509) == 1;
        else
            continue;
        if (ok)
            added++;
        else
            failed++;
    }
    sk_X509_INFO_pop_free(infos, X509_INFO_free);
    BIO_free(bio);
    ERR_clear_error();
    return added > 0 && failed == 0 ? 0 : -1;
}

int cr_trust_add_pem_file(cr_trust *t, const char *path) { return add_pem_objects(t, path, 0); }

int cr_trust_add_crl_file(cr_trust *t, const char *path)
{
    if (add_pem_objects(t, path, 1) != 0)
        return -1;
    t->check_crls = 1;
    return 0;
}

int cr_trust_add_system(cr_trust *t)
{
    if (!t)
        return -1;
    int rc = X509_STORE_set_default_paths(t->store) == 1 ? 0 : -1;
    ERR_clear_error();
    return rc;
}

/* ------------------------------------------------------ messages */

static void say(char *msg, size_t msg_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(char *msg, size_t msg_len, const char *fmt, ...)
{
    if (!msg || msg_len == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, msg_len, fmt, ap);
    va_end(ap);
}

static void time_str(const ASN1_TIME *t, char *out, size_t out_len)
{
    struct tm tm;
    if (t && ASN1_TIME_to_tm(t, &tm) == 1)
        snprintf(out, out_len, "%04d-%02d-%02d %02d:%02d:%02d UTC", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    else
        snprintf(out, out_len, "(unreadable date)");
}

/* Appends s to out at *pos, replacing anything but printable ASCII. */
static void append(char *out, size_t cap, size_t *pos, const char *s, size_t n)
{
    for (size_t i = 0; i < n && *pos + 1 < cap; i++) {
        unsigned char ch = (unsigned char)s[i];
        out[(*pos)++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
    }
    out[*pos] = 0;
}

/* The DNS and IP names in the leaf, comma-separated, for a mismatch. */
static void san_list(X509 *x, char *out, size_t cap)
{
    size_t pos = 0;
    out[0] = 0;
    GENERAL_NAMES *names = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    for (int i = 0; names && i < sk_GENERAL_NAME_num(names); i++) {
        const GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, i);
        char ip[INET6_ADDRSTRLEN];
        const char *s = NULL;
        size_t n = 0;
        if (gn->type == GEN_DNS) {
            s = (const char *)ASN1_STRING_get0_data(gn->d.dNSName);
            n = (size_t)ASN1_STRING_length(gn->d.dNSName);
        } else if (gn->type == GEN_IPADD) {
            int len = ASN1_STRING_length(gn->d.iPAddress);
            const unsigned char *b = ASN1_STRING_get0_data(gn->d.iPAddress);
            if ((len == 4 && inet_ntop(AF_INET, b, ip, sizeof(ip))) ||
                (len == 16 && inet_ntop(AF_INET6, b, ip, sizeof(ip)))) {
                s = ip;
                n = strlen(ip);
            }
        }
        if (!s)
            continue;
        if (pos)
            append(out, cap, &pos, ", ", 2);
        append(out, cap, &pos, s, n);
    }
    GENERAL_NAMES_free(names);
    ERR_clear_error();
}

/* What a leaf is called in a mismatch message: its common name, else its
 * whole subject. */
static void leaf_label(X509 *x, char *out, size_t cap)
{
    X509_NAME *subj = X509_get_subject_name(x);
    int idx = X509_NAME_get_index_by_NID(subj, NID_commonName, -1);
    X509_NAME_ENTRY *e = idx >= 0 ? X509_NAME_get_entry(subj, idx) : NULL;
    ASN1_STRING *cn = e ? X509_NAME_ENTRY_get_data(e) : NULL;
    unsigned char *utf8 = NULL;
    int n = cn ? ASN1_STRING_to_UTF8(&utf8, cn) : -1;
    if (n > 0) {
        size_t pos = 0;
        out[0] = 0;
        append(out, cap, &pos, (const char *)utf8, (size_t)n);
    } else {
        name_str(subj, out, cap);
    }
    OPENSSL_free(utf8);
    ERR_clear_error();
}

static cr_verify_result explain(X509_STORE_CTX *ctx, X509 *leaf, cr_purpose purpose,
                                const char *name, char *msg, size_t msg_len)
{
    int err = X509_STORE_CTX_get_error(ctx);
    X509 *cur = X509_STORE_CTX_get_current_cert(ctx);
    if (!cur)
        cur = leaf;
    char subj[256], other[256], when[64];
    name_str(X509_get_subject_name(cur), subj, sizeof(subj));
    const char *role = purpose == CR_PURPOSE_SERVER ? "server" : "client";

    switch (err) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
        time_str(X509_get0_notAfter(cur), when, sizeof(when));
        say(msg, msg_len, "certificate '%s' expired on %s", subj, when);
        return CR_VERIFY_EXPIRED;
    case X509_V_ERR_CERT_NOT_YET_VALID:
        time_str(X509_get0_notBefore(cur), when, sizeof(when));
        say(msg, msg_len, "certificate '%s' is not valid until %s", subj, when);
        return CR_VERIFY_NOT_YET_VALID;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
        name_str(X509_get_issuer_name(cur), other, sizeof(other));
        say(msg, msg_len, "certificate '%s' was issued by '%s', which is not a trusted CA", subj,
            other);
        return CR_VERIFY_UNTRUSTED;
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        say(msg, msg_len, "certificate '%s' is self-signed and is not a trusted certificate",
            subj);
        return CR_VERIFY_UNTRUSTED;
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        say(msg, msg_len,
            "the chain ends at the self-signed certificate '%s', which is not a trusted CA", subj);
        return CR_VERIFY_UNTRUSTED;
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_CERT_REJECTED:
        say(msg, msg_len, "certificate '%s' is not trusted for use with a TLS %s", subj, role);
        return CR_VERIFY_UNTRUSTED;
    case X509_V_ERR_CERT_CHAIN_TOO_LONG:
    case X509_V_ERR_PATH_LOOP:
        say(msg, msg_len, "no usable path from certificate '%s' to a trusted CA (%s)", subj,
            X509_verify_cert_error_string(err));
        return CR_VERIFY_UNTRUSTED;
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
    case X509_V_ERR_EMAIL_MISMATCH: {
        char sans[512], label[256];
        leaf_label(leaf, label, sizeof(label));
        san_list(leaf, sans, sizeof(sans));
        if (sans[0])
            say(msg, msg_len, "certificate for '%s' does not match '%s' (it is valid for: %s)",
                label, name ? name : "", sans);
        else
            say(msg, msg_len,
                "certificate for '%s' does not match '%s' (it has no DNS or IP names)", label,
                name ? name : "");
        return CR_VERIFY_NAME_MISMATCH;
    }
    case X509_V_ERR_INVALID_PURPOSE:
        say(msg, msg_len,
            "certificate '%s' may not be used for a TLS %s (key usage / extended key usage)", subj,
            role);
        return CR_VERIFY_BAD_USAGE;
    case X509_V_ERR_KEYUSAGE_NO_CERTSIGN:
        say(msg, msg_len, "certificate '%s' may not sign certificates (key usage)", subj);
        return CR_VERIFY_BAD_USAGE;
    case X509_V_ERR_INVALID_CA:
    case X509_V_ERR_INVALID_NON_CA:
    case X509_V_ERR_PATH_LENGTH_EXCEEDED:
        say(msg, msg_len, "certificate '%s' may not act as a CA here (basic constraints: %s)",
            subj, X509_verify_cert_error_string(err));
        return CR_VERIFY_BAD_USAGE;
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
    case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
    case X509_V_ERR_NO_ISSUER_PUBLIC_KEY:
        say(msg, msg_len, "the signature on certificate '%s' does not verify", subj);
        return CR_VERIFY_BAD_SIGNATURE;
    case X509_V_ERR_CERT_REVOKED:
        say(msg, msg_len, "certificate '%s' has been revoked (it is on its CA's CRL)", subj);
        return CR_VERIFY_REVOKED;
    case X509_V_ERR_UNABLE_TO_GET_CRL:
        name_str(X509_get_issuer_name(cur), other, sizeof(other));
        say(msg, msg_len, "no CRL from '%s', the issuer of certificate '%s', was loaded: its "
            "revocation cannot be checked", other, subj);
        return CR_VERIFY_OTHER;
    case X509_V_ERR_CRL_HAS_EXPIRED:
    case X509_V_ERR_CRL_NOT_YET_VALID:
        name_str(X509_get_issuer_name(cur), other, sizeof(other));
        say(msg, msg_len, "the CRL of '%s' is %s: the revocation of certificate '%s' cannot be "
            "checked", other, err == X509_V_ERR_CRL_HAS_EXPIRED ? "out of date (past its nextUpdate)"
            : "not yet valid", subj);
        return CR_VERIFY_OTHER;
    case X509_V_ERR_CRL_SIGNATURE_FAILURE:
        say(msg, msg_len, "the signature on the CRL for certificate '%s' does not verify", subj);
        return CR_VERIFY_OTHER;
    case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
    case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD:
    case X509_V_ERR_INVALID_EXTENSION:
    case X509_V_ERR_EXTENSIONS_REQUIRE_VERSION_3:
        say(msg, msg_len, "certificate '%s' is malformed (%s)", subj,
            X509_verify_cert_error_string(err));
        return CR_VERIFY_MALFORMED;
    default:
        say(msg, msg_len, "certificate '%s' was not accepted: %s", subj,
            X509_verify_cert_error_string(err));
        return CR_VERIFY_OTHER;
    }
}

/* Sets the name to check: an IP literal (optionally in brackets) is
 * matched against IP SANs, anything else as a DNS name. */
static int set_name(X509_VERIFY_PARAM *param, const char *name)
{
    char buf[INET6_ADDRSTRLEN + 2];
    unsigned char addr[16];
    size_t n = strlen(name);
    if (n >= 2 && n < sizeof(buf) && name[0] == '[' && name[n - 1] == ']') {
        memcpy(buf, name + 1, n - 2);
        buf[n - 2] = 0;
        if (inet_pton(AF_INET6, buf, addr) == 1)
            return X509_VERIFY_PARAM_set1_ip_asc(param, buf) == 1 ? 0 : -1;
    }
    if (inet_pton(AF_INET, name, addr) == 1 || inet_pton(AF_INET6, name, addr) == 1)
        return X509_VERIFY_PARAM_set1_ip_asc(param, name) == 1 ? 0 : -1;
    /* "*.example.com" only; never "w*.example.com" (RFC 6125 6.4.3). */
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    return X509_VERIFY_PARAM_set1_host(param, name, n) == 1 ? 0 : -1;
}

/* The purposes x's extendedKeyUsage lists, by name ("clientAuth, codeSigning"). */
static void eku_names(X509 *x, char *out, size_t cap)
{
    size_t pos = 0;
    out[0] = 0;
    EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
    for (int i = 0; eku && i < sk_ASN1_OBJECT_num(eku); i++) {
        char oid[80];
        const ASN1_OBJECT *o = sk_ASN1_OBJECT_value(eku, i);
        int nid = OBJ_obj2nid(o);
        const char *s = nid != NID_undef ? OBJ_nid2sn(nid) : NULL;
        if (!s && OBJ_obj2txt(oid, sizeof oid, o, 1) > 0)
            s = oid;
        if (!s)
            continue;
        if (pos)
            append(out, cap, &pos, ", ", 2);
        append(out, cap, &pos, s, strlen(s));
    }
    EXTENDED_KEY_USAGE_free(eku);
    if (!pos)
        snprintf(out, cap, "nothing");
    ERR_clear_error();
}

/* RFC 5280 4.2.1.12: an extendedKeyUsage, when present, must list the TLS
 * role. anyExtendedKeyUsage is accepted too, as Go, GnuTLS and browsers do
 * (the RFC lets an application accept or refuse it). The trust anchor is
 * exempt: it is trusted for itself, as libcrypto treats a root. */
static cr_verify_result check_eku(X509_STORE_CTX *ctx, cr_purpose purpose, char *msg,
                                  size_t msg_len)
{
    STACK_OF(X509) *path = X509_STORE_CTX_get0_chain(ctx);
    int len = path ? sk_X509_num(path) : 0;
    uint32_t want = (purpose == CR_PURPOSE_SERVER ? XKU_SSL_SERVER : XKU_SSL_CLIENT) | XKU_ANYEKU;
    const char *role = purpose == CR_PURPOSE_SERVER ? "server" : "client";
    for (int i = 0; i < len; i++) {
        X509 *x = sk_X509_value(path, i);
        if (i > 0 && i == len - 1)
            break;
        /* UINT32_MAX without the extension. */
        if (X509_get_extended_key_usage(x) & want)
            continue;
        char subj[256], ekus[256];
        name_str(X509_get_subject_name(x), subj, sizeof subj);
        eku_names(x, ekus, sizeof ekus);
        if (i == 0)
            say(msg, msg_len,
                "certificate '%s' is not for TLS %ss: its extendedKeyUsage allows only %s",
                subj, role, ekus);
        else
            say(msg, msg_len,
                "CA certificate '%s' may not issue certificates for TLS %ss: its "
                "extendedKeyUsage allows only %s",
                subj, role, ekus);
        ERR_clear_error();
        return CR_VERIFY_BAD_USAGE;
    }
    ERR_clear_error();
    return CR_VERIFY_OK;
}

cr_verify_result cr_verify_chain(const cr_trust *trust, cr_cert *const *chain, size_t n,
                                 cr_purpose purpose, const char *name, char *msg,
                                 size_t msg_len)
{
    return cr_verify_chain_at(trust, chain, n, purpose, name, 0, NULL, msg, msg_len);
}

cr_verify_result cr_verify_chain_at(const cr_trust *trust, cr_cert *const *chain, size_t n,
                                    cr_purpose purpose, const char *name, int64_t at_time,
                                    int64_t *valid_until, char *msg, size_t msg_len)
{
    say(msg, msg_len, "%s", "");
    if (!trust || !chain || n == 0 || !chain[0]) {
        say(msg, msg_len, "no certificate was presented");
        return CR_VERIFY_MALFORMED;
    }
    if (name && !name[0]) {
        say(msg, msg_len, "no name to check the certificate against");
        return CR_VERIFY_OTHER;
    }
    X509 *leaf = chain[0]->x;
    STACK_OF(X509) *untrusted = sk_X509_new_null();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    cr_verify_result res = CR_VERIFY_OTHER;
    if (!untrusted || !ctx) {
        say(msg, msg_len, "out of memory verifying the certificate");
        goto out;
    }
    for (size_t i = 1; i < n; i++) {
        if (!chain[i]) {
            say(msg, msg_len, "certificate %zu of the chain could not be read", i);
            res = CR_VERIFY_MALFORMED;
            goto out;
        }
        /* The stack borrows the pointers; the chain still owns them. */
        if (!sk_X509_push(untrusted, chain[i]->x)) {
            say(msg, msg_len, "out of memory verifying the certificate");
            goto out;
        }
    }
    /* No libcrypto purpose: check_eku() does the extendedKeyUsage part with
     * anyExtendedKeyUsage allowed and a sentence of its own, and the
     * handshake checks keyUsage against what the key is used for. The trust
     * setting is what the TLS purposes would set (for anchors with
     * auxiliary trust). */
    if (X509_STORE_CTX_init(ctx, trust->store, leaf, untrusted) != 1 ||
        X509_STORE_CTX_set_trust(ctx, purpose == CR_PURPOSE_SERVER ? X509_TRUST_SSL_SERVER
                                                                   : X509_TRUST_SSL_CLIENT) != 1 ||
        (name && set_name(X509_STORE_CTX_get0_param(ctx), name) != 0)) {
        say(msg, msg_len, "could not set up certificate verification");
        goto out;
    }
    if (at_time > 0)
        X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), (time_t)at_time);
    /* With CRLs loaded, the leaf's issuer must have one, and the leaf must
     * not be on it (the CAs above are not checked). */
    if (trust->check_crls)
        X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(ctx), X509_V_FLAG_CRL_CHECK);
    if (X509_verify_cert(ctx) != 1) {
        res = explain(ctx, leaf, purpose, name, msg, msg_len);
        goto out;
    }
    if ((res = check_eku(ctx, purpose, msg, msg_len)) != CR_VERIFY_OK)
        goto out;
    if (valid_until) {
        STACK_OF(X509) *path = X509_STORE_CTX_get0_chain(ctx);
        int64_t until = INT64_MAX;
        for (int i = 0; path && i < sk_X509_num(path); i++) {
            int64_t t = not_after(sk_X509_value(path, i));
            until = t < until ? t : until;
        }
        if (trust->check_crls) { /* a CRL past its nextUpdate refuses the chain */
            int64_t crl = crls_valid_until(trust->store);
            until = crl < until ? crl : until;
        }
        *valid_until = until;
    }
out:
    X509_STORE_CTX_free(ctx);
    sk_X509_free(untrusted);
    ERR_clear_error();
    return res;
}
