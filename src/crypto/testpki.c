/* SPDX-License-Identifier: Apache-2.0 */
/* A throwaway PKI for demos and tests: a CA, a "localhost" server
 * certificate and a client certificate, written as PEM files. Never for
 * production (the CA key is discarded, so nothing can be revoked or
 * renewed, and that is the point). Not part of the library: libcrypto is
 * all it uses (see testpki.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "crypto/testpki.h"

static void fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static EVP_PKEY *make_key(const char *key_type)
{
    if (strcmp(key_type, "ecdsa") == 0)
        return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    if (strcmp(key_type, "ecdsa384") == 0)
        return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    if (strcmp(key_type, "rsa") == 0)
        return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    if (strcmp(key_type, "ed25519") == 0)
        return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    return NULL;
}

static int add_ext(X509 *x, X509V3_CTX *v3, int nid, const char *value)
{
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, v3, nid, value);
    int ok = ext && X509_add_ext(x, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

typedef struct {
    const char *cn;
    int is_ca;
    const char *eku; /* NULL for the CA */
    const char *san; /* NULL for none */
} cert_spec;

/* Makes a certificate for key, signed by ca_key (self-signed if ca is NULL). */
static X509 *make_cert(const cert_spec *s, EVP_PKEY *key, X509 *ca, EVP_PKEY *ca_key,
                       const EVP_MD *md)
{
    X509 *x = X509_new();
    X509_NAME *name = X509_NAME_new();
    BIGNUM *serial = BN_new();
    int ok = x && name && serial;
    /* 159 random bits: positive and unique without any bookkeeping. */
    ok = ok && BN_rand(serial, 159, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1 &&
         BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x)) != NULL;
    ok = ok && X509_set_version(x, X509_VERSION_3) == 1 &&
         X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, (const unsigned char *)"clasp test",
                                    -1, -1, 0) == 1 &&
         X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)s->cn, -1,
                                    -1, 0) == 1 &&
         X509_set_subject_name(x, name) == 1 &&
         X509_set_issuer_name(x, ca ? X509_get_subject_name(ca) : name) == 1 &&
         /* An hour of slack for clocks that are a little behind. */
         X509_gmtime_adj(X509_getm_notBefore(x), -3600) != NULL &&
         X509_gmtime_adj(X509_getm_notAfter(x), 30L * 24 * 3600) != NULL &&
         X509_set_pubkey(x, key) == 1;
    if (ok) {
        X509V3_CTX v3;
        X509V3_set_ctx(&v3, ca ? ca : x, x, NULL, NULL, 0);
        /* RSA leaves also allow key encipherment for TLS 1.2 RSA key
         * exchange; Ed25519 and ECDSA keys only sign. */
        const char *leaf_ku = EVP_PKEY_is_a(key, "RSA") ? "critical,digitalSignature,keyEncipherment"
                                                        : "critical,digitalSignature";
        ok = add_ext(x, &v3, NID_basic_constraints, s->is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE") &&
             add_ext(x, &v3, NID_key_usage, s->is_ca ? "critical,keyCertSign,cRLSign" : leaf_ku) &&
             add_ext(x, &v3, NID_subject_key_identifier, "hash") &&
             (!ca || add_ext(x, &v3, NID_authority_key_identifier, "keyid:always")) &&
             (!s->eku || add_ext(x, &v3, NID_ext_key_usage, s->eku)) &&
             (!s->san || add_ext(x, &v3, NID_subject_alt_name, s->san));
    }
    ok = ok && X509_sign(x, ca_key, md) > 0;
    BN_free(serial);
    X509_NAME_free(name);
    if (!ok) {
        X509_free(x);
        return NULL;
    }
    return x;
}

/* Writes the BIO's contents to dir/file with the given mode (created fresh
 * so a key file is never readable by others, even for a moment). */
static int write_file(const char *dir, const char *file, BIO *bio, mode_t mode, char *err,
                      size_t errlen)
{
    char path[4096];
    char *data = NULL;
    long len = BIO_get_mem_data(bio, &data);
    if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path)) {
        fail(err, errlen, "the directory name '%s' is too long", dir);
        return -1;
    }
    (void)unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_TRUNC, mode);
    if (fd < 0) {
        fail(err, errlen, "cannot create '%s': %s", path, strerror(errno));
        return -1;
    }
    for (long off = 0; off < len;) {
        ssize_t w = write(fd, data + off, (size_t)(len - off));
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            fail(err, errlen, "cannot write '%s': %s", path, strerror(errno));
            close(fd);
            return -1;
        }
        off += w;
    }
    if (close(fd) != 0) {
        fail(err, errlen, "cannot write '%s': %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int write_cert(const char *dir, const char *file, X509 *x, char *err, size_t errlen)
{
    BIO *bio = BIO_new(BIO_s_mem());
    int rc = -1;
    if (bio && PEM_write_bio_X509(bio, x) == 1)
        rc = write_file(dir, file, bio, 0644, err, errlen);
    else
        fail(err, errlen, "cannot encode the certificate for '%s'", file);
    BIO_free(bio);
    return rc;
}

static int write_key(const char *dir, const char *file, EVP_PKEY *k, char *err, size_t errlen)
{
    /* A secure-memory BIO: its buffer is cleansed when freed. */
    BIO *bio = BIO_new(BIO_s_secmem());
    int rc = -1;
    /* PKCS#8 ("BEGIN PRIVATE KEY"), unencrypted. */
    if (bio && PEM_write_bio_PKCS8PrivateKey(bio, k, NULL, NULL, 0, NULL, NULL) == 1)
        rc = write_file(dir, file, bio, 0600, err, errlen);
    else
        fail(err, errlen, "cannot encode the private key for '%s'", file);
    BIO_free(bio);
    return rc;
}

int cl_testpki_make(const char *dir, const char *key_type, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = 0;
    if (!dir || !key_type) {
        fail(err, errlen, "a directory and a key type are required");
        return -1;
    }
    if (strcmp(key_type, "ecdsa") && strcmp(key_type, "ecdsa384") && strcmp(key_type, "rsa") &&
        strcmp(key_type, "ed25519")) {
        fail(err, errlen, "unknown key type '%s' (use ecdsa, ecdsa384, rsa or ed25519)",
             key_type);
        return -1;
    }
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        fail(err, errlen, "cannot create directory '%s': %s", dir, strerror(errno));
        return -1;
    }
    /* Ed25519 signs the message itself; the others sign a hash sized to
     * the key. */
    const EVP_MD *md = strcmp(key_type, "ed25519") == 0 ? NULL
                       : strcmp(key_type, "ecdsa384") == 0 ? EVP_sha384()
                                                           : EVP_sha256();
    EVP_PKEY *ca_key = make_key(key_type), *srv_key = make_key(key_type),
             *cli_key = make_key(key_type);
    X509 *ca = NULL, *srv = NULL, *cli = NULL;
    int rc = -1;
    if (!ca_key || !srv_key || !cli_key) {
        fail(err, errlen, "cannot generate a %s key", key_type);
        goto out;
    }
    static const cert_spec ca_spec = {"clasp test CA", 1, NULL, NULL};
    static const cert_spec srv_spec = {"localhost", 0, "serverAuth",
                                       "DNS:localhost,IP:127.0.0.1,IP:::1"};
    static const cert_spec cli_spec = {"clasp test client", 0, "clientAuth", NULL};
    if (!(ca = make_cert(&ca_spec, ca_key, NULL, ca_key, md)) ||
        !(srv = make_cert(&srv_spec, srv_key, ca, ca_key, md)) ||
        !(cli = make_cert(&cli_spec, cli_key, ca, ca_key, md))) {
        fail(err, errlen, "cannot build the test certificates");
        goto out;
    }
    /* cert.pem holds the leaf alone: the CA is the trust anchor. */
    if (write_cert(dir, "ca.pem", ca, err, errlen) || write_cert(dir, "cert.pem", srv, err, errlen) ||
        write_key(dir, "key.pem", srv_key, err, errlen) ||
        write_cert(dir, "client.pem", cli, err, errlen) ||
        write_key(dir, "client-key.pem", cli_key, err, errlen))
        goto out;
    rc = 0;
out:
    X509_free(ca);
    X509_free(srv);
    X509_free(cli);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(srv_key);
    EVP_PKEY_free(cli_key);
    ERR_clear_error();
    return rc;
}
