/* SPDX-License-Identifier: Apache-2.0 */
/* Configuration: what an endpoint offers and trusts. Built once, then shared
 * read-only by every connection made from it (frozen at first use). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <strings.h>

#include "core/conn.h"
#include "x509/pem.h"
#include "x509/verify_cache.h"

/* Safe defaults: TLS 1.3 and 1.2, AEAD suites only, ECDHE groups. */
/* TLS 1.3 first; for TLS 1.2, forward-secret ECDHE, then DHE, and RSA key
 * exchange last (no forward secrecy). */
static const uint16_t default_suites13[] = {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02c, 0xcca9,
                                            0xc02f, 0xc030, 0xcca8, 0x009e, 0x009f, 0xccaa,
                                            0x009c, 0x009d};
/* In this order of preference: the hybrid post-quantum groups (TLS 1.3
 * only), then the elliptic curves, then the RFC 7919 finite-field groups,
 * which serve TLS 1.2 DHE suites and TLS 1.3 peers that offer nothing else
 * (OpenSSL 3.0 lists the same groups). A client's TLS 1.3 key shares are
 * for the first group and, when that is a hybrid, also for the first
 * classic one (x25519), as browsers do: a server without ML-KEM then needs
 * no HelloRetryRequest. A server takes, in this order, the first group the
 * client sent a share for, so a hybrid whenever the client sent one. A
 * finite-field share costs far more than an ECDHE one (ffdhe8192: ~13 ms
 * of server time), so a server that must not spend it sets its own list. */
static const uint16_t default_groups[] = {
    CR_GROUP_X25519MLKEM768, CR_GROUP_SECP256R1MLKEM768, CR_GROUP_SECP384R1MLKEM1024,
    CR_GROUP_X25519,         CR_GROUP_SECP256R1,         CR_GROUP_SECP384R1,
    CR_GROUP_X448,           CR_GROUP_SECP521R1,         CR_GROUP_FFDHE2048,
    CR_GROUP_FFDHE3072,      CR_GROUP_FFDHE4096,         CR_GROUP_FFDHE6144,
    CR_GROUP_FFDHE8192};
/* Signature schemes we accept and offer, preferred first. PKCS#1 and SHA-1
 * are listed for certificate signatures only; TLS 1.3 handshake signatures
 * never use them. */
static const uint16_t default_sigalgs[] = {
    CR_SIG_ECDSA_SECP256R1_SHA256, CR_SIG_ECDSA_SECP384R1_SHA384, CR_SIG_ECDSA_SECP521R1_SHA512,
    CR_SIG_ED25519,                CR_SIG_RSA_PSS_RSAE_SHA256,    CR_SIG_RSA_PSS_RSAE_SHA384,
    CR_SIG_RSA_PSS_RSAE_SHA512,    CR_SIG_RSA_PSS_PSS_SHA256,     CR_SIG_RSA_PSS_PSS_SHA384,
    CR_SIG_RSA_PSS_PSS_SHA512,     CR_SIG_RSA_PKCS1_SHA256,       CR_SIG_RSA_PKCS1_SHA384,
    CR_SIG_RSA_PKCS1_SHA512,
};

static int config_fail(clasp_config *cfg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int config_fail(clasp_config *cfg, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cfg->err, sizeof cfg->err, fmt, ap);
    va_end(ap);
    return -1;
}

static int check_mutable(clasp_config *cfg)
{
    if (__atomic_load_n(&cfg->frozen, __ATOMIC_RELAXED))
        return config_fail(cfg, "the configuration is in use by a connection and can no longer change");
    return 0;
}

clasp_config *clasp_config_new(clasp_role role)
{
    if (cr_init())
        return NULL;
    clasp_config *cfg = calloc(1, sizeof *cfg);
    if (!cfg)
        return NULL;
    cfg->refs = 1;
    cfg->role = role;
    cfg->min_version = CLASP_TLS1_2;
    cfg->max_version = CLASP_TLS1_3;
    memcpy(cfg->suites, default_suites13, sizeof default_suites13);
    cfg->n_suites = sizeof default_suites13 / sizeof default_suites13[0];
    memcpy(cfg->groups, default_groups, sizeof default_groups);
    cfg->n_groups = sizeof default_groups / sizeof default_groups[0];
    memcpy(cfg->sigalgs, default_sigalgs, sizeof default_sigalgs);
    cfg->n_sigalgs = sizeof default_sigalgs / sizeof default_sigalgs[0];
    cfg->verify_peer = 1;
    cfg->middlebox_compat = 1;
    cfg->rsa_kx = 1;
    cfg->ticket_count = 1;
    cfg->ticket_lifetime = 7200;
    if (cr_random_private(cfg->ticket_master, sizeof cfg->ticket_master) ||
        (role == CLASP_SERVER && !(cfg->cache = cl_cache_new(512))) ||
        !(cfg->verified = cl_vcache_new())) {
        clasp_config_free(cfg);
        return NULL;
    }
    return cfg;
}

void clasp_config_free(clasp_config *cfg)
{
    if (!cfg || __atomic_sub_fetch(&cfg->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    for (size_t i = 0; i < cfg->n_certs; i++) {
        cl_cert_key *ck = &cfg->certs[i];
        for (size_t j = 0; j < ck->n; j++)
            free(ck->der[j]);
        cr_cert_free(ck->leaf);
        cr_pkey_free(ck->key);
        free(ck->ocsp);
    }
    cr_trust_free(cfg->trust);
    cl_cache_free(cfg->cache);
    cl_vcache_free(cfg->verified);
    cl_wipe(cfg, sizeof *cfg);
    free(cfg);
}

const char *clasp_config_error(const clasp_config *cfg) { return cfg ? cfg->err : "no configuration"; }

int clasp_config_set_versions(clasp_config *cfg, uint16_t min, uint16_t max)
{
    if (check_mutable(cfg))
        return -1;
    if (min < CLASP_TLS1_2 || max < CLASP_TLS1_2)
        return config_fail(cfg, "SSL 3.0, TLS 1.0 and TLS 1.1 are not supported (RFC 8996); "
                                "the oldest version clasp speaks is TLS 1.2");
    if (min > CLASP_TLS1_3 || max > CLASP_TLS1_3 || min > max)
        return config_fail(cfg, "invalid version range 0x%04x..0x%04x", min, max);
    cfg->min_version = min;
    cfg->max_version = max;
    return 0;
}

/* Splits a ':' or ',' separated list and calls fn on each item. */
static int each_item(clasp_config *cfg, const char *list, int (*fn)(clasp_config *, const char *))
{
    char item[128];
    const char *p = list;
    int count = 0;
    while (*p) {
        size_t n = strcspn(p, ":, ");
        if (n >= sizeof item)
            return config_fail(cfg, "list item too long: '%.40s...'", p);
        if (n > 0) {
            memcpy(item, p, n);
            item[n] = 0;
            if (fn(cfg, item))
                return -1;
            count++;
        }
        p += n;
        if (*p)
            p++;
    }
    return count;
}

static int add_suite(clasp_config *cfg, const char *name)
{
    const cl_suite *s = cl_suite_by_name(name);
    if (!s)
        return config_fail(cfg, "unknown cipher suite '%s' (use IANA names such as "
                                "TLS_AES_128_GCM_SHA256 or OpenSSL names)", name);
    for (size_t i = 0; i < cfg->n_suites; i++)
        if (cfg->suites[i] == s->id)
            return 0;
    if (cfg->n_suites == CL_MAX_SUITES)
        return config_fail(cfg, "too many cipher suites");
    cfg->suites[cfg->n_suites++] = s->id;
    return 0;
}

int clasp_config_set_ciphers(clasp_config *cfg, const char *list)
{
    if (check_mutable(cfg) || !list)
        return -1;
    size_t saved = cfg->n_suites;
    uint16_t old[CL_MAX_SUITES];
    memcpy(old, cfg->suites, sizeof old);
    cfg->n_suites = 0;
    int n = each_item(cfg, list, add_suite);
    if (n <= 0) {
        memcpy(cfg->suites, old, sizeof old);
        cfg->n_suites = saved;
        return n == 0 ? config_fail(cfg, "the cipher suite list is empty") : -1;
    }
    return 0;
}

static int add_group(clasp_config *cfg, const char *name)
{
    uint16_t g = cl_group_by_name(name);
    if (!g || !cr_group_supported(g))
        return config_fail(cfg, "unknown or unsupported group '%s' (use X25519MLKEM768, "
                                "SecP256r1MLKEM768, SecP384r1MLKEM1024, x25519, secp256r1, "
                                "secp384r1, x448, secp521r1, ffdhe2048, ffdhe3072, ffdhe4096, "
                                "ffdhe6144 or ffdhe8192)", name);
    for (size_t i = 0; i < cfg->n_groups; i++)
        if (cfg->groups[i] == g)
            return 0;
    if (cfg->n_groups == CL_MAX_GROUPS)
        return config_fail(cfg, "too many groups");
    cfg->groups[cfg->n_groups++] = g;
    return 0;
}

int clasp_config_set_groups(clasp_config *cfg, const char *list)
{
    if (check_mutable(cfg) || !list)
        return -1;
    size_t saved = cfg->n_groups;
    uint16_t old[CL_MAX_GROUPS];
    memcpy(old, cfg->groups, sizeof old);
    cfg->n_groups = 0;
    int n = each_item(cfg, list, add_group);
    if (n <= 0) {
        memcpy(cfg->groups, old, sizeof old);
        cfg->n_groups = saved;
        return n == 0 ? config_fail(cfg, "the group list is empty") : -1;
    }
    return 0;
}

static int add_alpn(clasp_config *cfg, const char *proto)
{
    size_t n = strlen(proto);
    if (n == 0 || n > 255 || cfg->alpn_len + 1 + n > sizeof cfg->alpn)
        return config_fail(cfg, "ALPN protocol '%s' is too long", proto);
    cfg->alpn[cfg->alpn_len++] = (uint8_t)n;
    memcpy(cfg->alpn + cfg->alpn_len, proto, n);
    cfg->alpn_len += n;
    return 0;
}

int clasp_config_set_alpn(clasp_config *cfg, const char *list)
{
    if (check_mutable(cfg) || !list)
        return -1;
    cfg->alpn_len = 0;
    /* ALPN names may contain ':'; only ',' separates them. */
    char item[256];
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, ",");
        if (n >= sizeof item)
            return config_fail(cfg, "ALPN protocol too long");
        if (n) {
            memcpy(item, p, n);
            item[n] = 0;
            if (add_alpn(cfg, item))
                return -1;
        }
        p += n;
        if (*p)
            p++;
    }
    return 0;
}

typedef struct {
    cl_cert_key *ck;
    clasp_config *cfg;
} chain_loader;

static int add_chain_cert(void *arg, const uint8_t *der, size_t len)
{
    chain_loader *l = arg;
    if (l->ck->n == CL_MAX_CHAIN)
        return config_fail(l->cfg, "certificate chain longer than %d certificates", CL_MAX_CHAIN);
    uint8_t *copy = malloc(len);
    if (!copy)
        return config_fail(l->cfg, "out of memory");
    memcpy(copy, der, len);
    l->ck->der[l->ck->n] = copy;
    l->ck->der_len[l->ck->n] = len;
    l->ck->n++;
    return 0;
}

/* The certificates of a chain: the CERTIFICATE blocks of PEM (other blocks,
 * a key say, may come before, between or after them), or DER certificates
 * back to back. source names the bytes in sentences. */
static int read_chain(clasp_config *cfg, cl_cert_key *ck, const uint8_t *data, size_t len,
                      const char *source)
{
    chain_loader l = {ck, cfg};
    cfg->err[0] = 0;
    if (cl_pem_looks_like_pem(data, len)) {
        cl_pem_problem problem;
        int n = cl_pem_each_ex(data, len, "CERTIFICATE", add_chain_cert, &l, &problem);
        if (n < 0 && problem.kind != CL_PEM_OK) {
            cl_pem_problem_text(&problem, source, cfg->err, sizeof cfg->err);
            return -1;
        }
        if (n < 0)
            return cfg->err[0] ? -1 : config_fail(cfg, "%s: cannot read its certificates", source);
        if (n == 0)
            return config_fail(cfg, "%s holds no PEM certificate (expected -----BEGIN "
                                    "CERTIFICATE-----)", source);
        return 0;
    }
    int n = cl_der_each(data, len, add_chain_cert, &l);
    if (n <= 0)
        return cfg->err[0] ? -1
                           : config_fail(cfg, "%s is neither PEM (no -----BEGIN line) nor DER "
                                              "certificates", source);
    return 0;
}

/* Notes the labels of a PEM buffer's blocks, to say what a key file held
 * instead of a key. */
typedef struct {
    char labels[160];
    int keys;
} block_census;

static int count_block(void *arg, const char *label, const uint8_t *der, size_t der_len)
{
    block_census *c = arg;
    (void)der, (void)der_len;
    if (cl_pem_is_key_label(label))
        c->keys++;
    else if (!strstr(c->labels, label) && strlen(c->labels) + strlen(label) + 3 < sizeof c->labels)
        snprintf(c->labels + strlen(c->labels), sizeof c->labels - strlen(c->labels), "%s%s",
                 c->labels[0] ? ", " : "", label);
    return 0;
}

static int call_passphrase(void *arg, char *buf, size_t size)
{
    clasp_config *cfg = arg;
    return cfg->passphrase(cfg->passphrase_arg, buf, size);
}

/* The private key: the first private-key block of PEM (other blocks may
 * come before or after it), or DER (PKCS#8, traditional RSA/EC, or
 * encrypted PKCS#8). */
static cr_pkey *read_key(clasp_config *cfg, const uint8_t *data, size_t len, const char *source)
{
    if (cl_pem_looks_like_pem(data, len)) {
        block_census census;
        memset(&census, 0, sizeof census);
        cl_pem_problem problem;
        if (cl_pem_blocks(data, len, count_block, &census, &problem) < 0) {
            cl_pem_problem_text(&problem, source, cfg->err, sizeof cfg->err);
            return NULL;
        }
        if (census.keys == 0) {
            config_fail(cfg, "%s holds no private key (no -----BEGIN PRIVATE KEY----- block%s%s)",
                        source, census.labels[0] ? "; it holds " : "", census.labels);
            return NULL;
        }
    }
    cr_key_load_status status;
    cr_pkey *key = cr_pkey_load_private_pw(data, len, cfg->passphrase ? call_passphrase : NULL,
                                           cfg, &status);
    if (key)
        return key;
    switch (status) {
    case CR_KEY_NEEDS_PASSPHRASE:
        config_fail(cfg, "the private key in %s is encrypted: give its passphrase with "
                         "clasp_config_set_passphrase() before loading it", source);
        break;
    case CR_KEY_BAD_PASSPHRASE:
        config_fail(cfg, "the private key in %s is encrypted and the passphrase given does not "
                         "open it", source);
        break;
    default:
        config_fail(cfg, "%s holds no usable private key (PKCS#8, RSA or EC, PEM or DER)", source);
        break;
    }
    return NULL;
}

/* Adds a chain and its key, read from memory, or (key_fn) a chain whose
 * private key the application's callback holds; the names say where the
 * bytes came from in sentences. */
static int add_chain(clasp_config *cfg, const uint8_t *chain, size_t chain_len,
                     const char *chain_name, const uint8_t *keybytes, size_t key_len,
                     const char *key_name, clasp_private_key_fn *key_fn, void *key_arg)
{
    if (check_mutable(cfg))
        return -1;
    if (cfg->n_certs == CL_MAX_CERTS)
        return config_fail(cfg, "at most %d certificates per configuration", CL_MAX_CERTS);
    if (!chain || (!keybytes && !key_fn))
        return config_fail(cfg, key_fn || keybytes ? "a certificate chain is needed"
                                                   : "a certificate chain and its key are both needed");
    cl_cert_key ck;
    memset(&ck, 0, sizeof ck);
    int rc = -1;
    if (read_chain(cfg, &ck, chain, chain_len, chain_name))
        goto out;
    ck.leaf = cr_cert_parse(ck.der[0], ck.der_len[0]);
    if (!ck.leaf) {
        config_fail(cfg, "the first certificate in %s cannot be parsed", chain_name);
        goto out;
    }
    if (key_fn) {
        /* The leaf's public key stands for the private one: it decides
         * which schemes and suites fit, and checks what the callback makes. */
        ck.key = cr_cert_pubkey(ck.leaf);
        ck.key_fn = key_fn;
        ck.key_arg = key_arg;
        if (!ck.key) {
            config_fail(cfg, "the public key of the first certificate in %s cannot be read",
                        chain_name);
            goto out;
        }
    } else {
        if (!(ck.key = read_key(cfg, keybytes, key_len, key_name)))
            goto out;
        if (!cr_cert_matches_key(ck.leaf, ck.key)) {
            config_fail(cfg, "the private key in %s does not belong to the certificate in %s",
                        key_name, chain_name);
            goto out;
        }
    }
    /* A certificate whose keyUsage forbids every use TLS has for it here
     * would only fail later, at the peer: a client's key signs; a server's
     * signs, or (RSA, TLS 1.2) takes the premaster of RSA key exchange.
     * Which certificate fits which suite is decided per handshake. */
    ck.uses = cr_cert_key_uses(ck.leaf);
    if (!(ck.uses & CR_KEY_USE_SIGN) &&
        !(cfg->role == CLASP_SERVER && ck.uses & CR_KEY_USE_ENCRYPT &&
          cr_pkey_type(ck.key) == CR_KEY_RSA)) {
        char usage[200];
        cr_cert_key_usage_names(ck.leaf, usage, sizeof usage);
        config_fail(cfg,
                    "the certificate in %s cannot serve a TLS %s: its keyUsage (%s) allows "
                    "neither digitalSignature%s",
                    chain_name, cfg->role == CLASP_SERVER ? "server" : "client", usage,
                    cfg->role == CLASP_SERVER ? " nor, for an RSA key, keyEncipherment" : "");
        goto out;
    }
    cfg->certs[cfg->n_certs++] = ck;
    cfg->err[0] = 0;
    return 0;
out:
    for (size_t i = 0; i < ck.n; i++)
        free(ck.der[i]);
    cr_cert_free(ck.leaf);
    cr_pkey_free(ck.key);
    return rc;
}

int clasp_config_load_cert_chain(clasp_config *cfg, const char *chain_pem_file,
                                 const char *key_pem_file)
{
    if (check_mutable(cfg))
        return -1;
    if (!chain_pem_file || !key_pem_file)
        return config_fail(cfg, "a certificate file and a key file are both needed");
    char chain_name[300], key_name[300];
    snprintf(chain_name, sizeof chain_name, "'%s'", chain_pem_file);
    snprintf(key_name, sizeof key_name, "'%s'", key_pem_file);
    size_t chain_len, key_len;
    uint8_t *chain = cl_read_file(chain_pem_file, &chain_len);
    if (!chain)
        return config_fail(cfg, "cannot read certificate file '%s': %s", chain_pem_file,
                           strerror(errno));
    uint8_t *key = cl_read_file(key_pem_file, &key_len);
    if (!key) {
        config_fail(cfg, "cannot read private key file '%s': %s", key_pem_file, strerror(errno));
        free(chain);
        return -1;
    }
    int rc = add_chain(cfg, chain, chain_len, chain_name, key, key_len, key_name, NULL, NULL);
    free(chain);
    cl_wipe(key, key_len);
    free(key);
    return rc;
}

int clasp_config_add_cert_chain(clasp_config *cfg, const uint8_t *chain, size_t chain_len,
                                const uint8_t *key, size_t key_len)
{
    return add_chain(cfg, chain, chain_len, "the certificate chain buffer", key, key_len,
                     "the private key buffer", NULL, NULL);
}

int clasp_config_add_cert_chain_with_key_callback(clasp_config *cfg, const uint8_t *chain,
                                                  size_t chain_len, clasp_private_key_fn *fn,
                                                  void *arg)
{
    if (!fn)
        return config_fail(cfg, "a private-key callback is needed");
    return add_chain(cfg, chain, chain_len, "the certificate chain buffer", NULL, 0, NULL, fn,
                     arg);
}

int clasp_config_set_passphrase(clasp_config *cfg, clasp_passphrase_fn *fn, void *arg)
{
    if (check_mutable(cfg))
        return -1;
    cfg->passphrase = fn;
    cfg->passphrase_arg = arg;
    return 0;
}

static int hash_ca_cert(void *arg, const uint8_t *der, size_t len)
{
    uint8_t n[3] = {(uint8_t)(len >> 16), (uint8_t)(len >> 8), (uint8_t)len};
    return cr_hash_update(arg, n, 3) || cr_hash_update(arg, der, len) ? -1 : 0;
}

/* trust_id = SHA-256(trust_id so far || each CA certificate of the file):
 * what a session records as "verified against", so a server or client
 * with other CAs never resumes it as authenticated. */
static int update_trust_id(clasp_config *cfg, const char *pem_file)
{
    size_t len;
    uint8_t *pem = cl_read_file(pem_file, &len);
    cr_hash *h = cr_hash_new(CR_SHA256);
    int rc = -1;
    /* A file libcrypto read but our PEM reader does not: its bytes. */
    if (pem && h && cr_hash_update(h, cfg->trust_id, sizeof cfg->trust_id) == 0 &&
        (cl_pem_each(pem, len, "CERTIFICATE", hash_ca_cert, h) > 0 || cr_hash_update(h, pem, len) == 0))
        rc = cr_hash_peek(h, cfg->trust_id);
    cr_hash_free(h);
    free(pem);
    return rc;
}

int clasp_config_load_ca_file(clasp_config *cfg, const char *pem_file)
{
    if (check_mutable(cfg))
        return -1;
    if (!cfg->trust && !(cfg->trust = cr_trust_new()))
        return config_fail(cfg, "out of memory");
    if (cr_trust_add_pem_file(cfg->trust, pem_file) || update_trust_id(cfg, pem_file))
        return config_fail(cfg, "cannot load CA certificates from '%s' (missing, unreadable or "
                                "not PEM)", pem_file);
    return 0;
}

int clasp_config_set_verify_peer(clasp_config *cfg, int on)
{
    if (check_mutable(cfg))
        return -1;
    cfg->verify_peer = on != 0;
    return 0;
}

int clasp_config_set_client_auth(clasp_config *cfg, clasp_client_auth mode)
{
    if (check_mutable(cfg))
        return -1;
    cfg->client_auth = mode;
    return 0;
}

int clasp_config_set_rsa_key_exchange(clasp_config *cfg, int on)
{
    if (check_mutable(cfg))
        return -1;
    cfg->rsa_kx = on != 0;
    return 0;
}
int clasp_config_set_require_ems(clasp_config *cfg, int on)
{
    if (check_mutable(cfg))
        return -1;
    cfg->require_ems = on != 0;
    return 0;
}

int clasp_config_set_ticket_lifetime(clasp_config *cfg, uint32_t seconds)
{
    if (check_mutable(cfg))
        return -1;
    if (seconds == 0 || seconds > 604800)
        return config_fail(cfg, "ticket lifetime must be between 1 s and 7 days (RFC 8446 4.6.1)");
    cfg->ticket_lifetime = seconds;
    return 0;
}

int clasp_config_set_ticket_secret(clasp_config *cfg, const uint8_t secret[32])
{
    if (check_mutable(cfg))
        return -1;
    memcpy(cfg->ticket_master, secret, 32);
    return 0;
}

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

int clasp_config_load_ticket_secret(clasp_config *cfg, const char *path)
{
    if (check_mutable(cfg))
        return -1;
    size_t len;
    uint8_t *data = cl_read_file(path, &len);
    if (!data)
        return config_fail(cfg, "cannot read ticket secret file '%s': %s", path, strerror(errno));
    uint8_t secret[32];
    int ok = 0;
    size_t size = len;
    /* Exactly 32 bytes is a raw secret, whatever its last bytes are (a
     * random one ends in a newline or a space one time in 85); only the hex
     * form may end in a line break. */
    if (len != 32)
        while (len && (data[len - 1] == '\n' || data[len - 1] == '\r' || data[len - 1] == ' '))
            len--;
    if (len == 32) {
        memcpy(secret, data, 32);
        ok = 1;
    } else if (len == 64) {
        ok = 1;
        for (size_t i = 0; i < 32 && ok; i++) {
            int hi = hexval(data[2 * i]), lo = hexval(data[2 * i + 1]);
            ok = hi >= 0 && lo >= 0;
            secret[i] = (uint8_t)(hi << 4 | lo);
        }
    }
    cl_wipe(data, size);
    free(data);
    if (!ok)
        return config_fail(cfg, "'%s' must hold a 32-byte ticket secret (32 raw bytes or 64 hex "
                                "digits)", path);
    memcpy(cfg->ticket_master, secret, 32);
    cl_wipe(secret, sizeof secret);
    return 0;
}

int clasp_config_set_resumption(clasp_config *cfg, int on)
{
    if (check_mutable(cfg))
        return -1;
    cfg->tickets_off = !on;
    return 0;
}

int clasp_config_set_middlebox_compat(clasp_config *cfg, int on)
{
    if (check_mutable(cfg))
        return -1;
    cfg->middlebox_compat = on != 0;
    return 0;
}
int clasp_config_set_hrr_cookie(clasp_config *cfg, int on)
{
    if (check_mutable(cfg))
        return -1;
    cfg->hrr_cookie = on != 0;
    return 0;
}
int clasp_config_set_ticket_count(clasp_config *cfg, unsigned count)
{
    if (check_mutable(cfg))
        return -1;
    cfg->ticket_count = count;
    return 0;
}

int clasp_config_set_keylog(clasp_config *cfg, clasp_keylog_fn *fn, void *arg)
{
    if (check_mutable(cfg))
        return -1;
    cfg->keylog = fn;
    cfg->keylog_arg = arg;
    return 0;
}

int clasp_config_set_trace(clasp_config *cfg, clasp_trace_fn *fn, void *arg)
{
    if (check_mutable(cfg))
        return -1;
    cfg->trace = fn;
    cfg->trace_arg = arg;
    return 0;
}

int clasp_config_set_select_callback(clasp_config *cfg, clasp_select_fn *fn, void *arg)
{
    if (check_mutable(cfg))
        return -1;
    cfg->select_fn = fn;
    cfg->select_arg = arg;
    return 0;
}

int clasp_config_set_alpn_callback(clasp_config *cfg, clasp_alpn_select_fn *fn, void *arg)
{
    if (check_mutable(cfg))
        return -1;
    cfg->alpn_fn = fn;
    cfg->alpn_arg = arg;
    return 0;
}

int clasp_config_set_verify_callback(clasp_config *cfg, clasp_verify_fn *fn, void *arg)
{
    if (check_mutable(cfg))
        return -1;
    cfg->verify_fn = fn;
    cfg->verify_arg = arg;
    return 0;
}

int clasp_config_set_custom_verify(clasp_config *cfg, clasp_verify_fn *fn, void *arg)
{
    if (check_mutable(cfg))
        return -1;
    cfg->custom_verify_fn = fn;
    cfg->custom_verify_arg = arg;
    return 0;
}

int clasp_config_set_session_store(clasp_config *cfg, const clasp_session_store *store)
{
    if (check_mutable(cfg))
        return -1;
    if (cfg->role != CLASP_SERVER)
        return config_fail(cfg, "a session store is for servers (a client keeps its sessions "
                                "with clasp_conn_get_session)");
    if (store && (!store->store || !store->lookup))
        return config_fail(cfg, "a session store needs both its store and lookup callbacks");
    if (store)
        cfg->store = *store;
    else
        memset(&cfg->store, 0, sizeof cfg->store);
    return 0;
}

int clasp_config_set_ocsp_response(clasp_config *cfg, const uint8_t *der, size_t len)
{
    if (check_mutable(cfg))
        return -1;
    if (cfg->role != CLASP_SERVER || cfg->n_certs == 0)
        return config_fail(cfg, "an OCSP response is stapled by a server, for a certificate chain "
                                "loaded before it");
    /* It must fit a CertificateStatus (24-bit length) inside one message. */
    if (!der || len == 0 || len > CL_MAX_HANDSHAKE_MSG / 2)
        return config_fail(cfg, "the OCSP response is empty or larger than %d bytes",
                           CL_MAX_HANDSHAKE_MSG / 2);
    uint8_t *copy = malloc(len);
    if (!copy)
        return config_fail(cfg, "out of memory");
    memcpy(copy, der, len);
    cl_cert_key *ck = &cfg->certs[cfg->n_certs - 1];
    free(ck->ocsp);
    ck->ocsp = copy;
    ck->ocsp_len = len;
    return 0;
}

int clasp_config_load_ocsp_response(clasp_config *cfg, const char *der_file)
{
    if (check_mutable(cfg))
        return -1;
    size_t len;
    uint8_t *der = cl_read_file(der_file, &len);
    if (!der)
        return config_fail(cfg, "cannot read OCSP response file '%s': %s", der_file, strerror(errno));
    int rc = clasp_config_set_ocsp_response(cfg, der, len);
    free(der);
    return rc;
}

int clasp_config_set_ocsp(clasp_config *cfg, clasp_ocsp_mode mode)
{
    if (check_mutable(cfg))
        return -1;
    if (cfg->role != CLASP_CLIENT && mode != CLASP_OCSP_OFF)
        return config_fail(cfg, "asking for a stapled OCSP response is for clients");
    if (mode != CLASP_OCSP_OFF && mode != CLASP_OCSP_REQUEST && mode != CLASP_OCSP_REQUIRE)
        return config_fail(cfg, "unknown OCSP mode %d", (int)mode);
    cfg->ocsp_mode = mode;
    return 0;
}

int clasp_config_load_crl_file(clasp_config *cfg, const char *pem_file)
{
    if (check_mutable(cfg))
        return -1;
    if (!cfg->trust)
        return config_fail(cfg, "load the CA certificates (clasp_config_load_ca_file) before "
                                "the CRLs that go with them");
    if (cr_trust_add_crl_file(cfg->trust, pem_file))
        return config_fail(cfg, "cannot load CRLs from '%s' (missing, unreadable, or no PEM "
                                "X509 CRL in it)", pem_file);
    return 0;
}
