/* SPDX-License-Identifier: Apache-2.0 */
/* Credentials from memory (clasp_config_add_cert_chain): PEM and DER chains
 * and keys, blocks in any order, encrypted keys with the passphrase
 * callback, and the sentences for what cannot be used; and the PEM/DER
 * walkers under them (src/x509/pem.c). Each loaded credential is proved by
 * a handshake with a client that verifies it. */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "pairutil.h"
#include "testutil.h"
#include "x509/pem.h"

typedef struct {
    uint8_t *data;
    size_t len;
} blob;

static blob read_pki(const char *dir, const char *file)
{
    char path[512];
    path_in(path, sizeof path, dir, file);
    blob b = {NULL, 0};
    b.data = cl_read_file(path, &b.len);
    CHECK(b.data != NULL);
    return b;
}

static blob concat(blob a, blob b, blob c)
{
    blob r;
    r.len = a.len + b.len + c.len;
    r.data = malloc(r.len + 1);
    memcpy(r.data, a.data, a.len);
    if (b.len) /* an empty blob's data may be NULL, which memcpy must not get */
        memcpy(r.data + a.len, b.data, b.len);
    if (c.len)
        memcpy(r.data + a.len + b.len, c.data, c.len);
    return r;
}

static int append_der(void *arg, const uint8_t *der, size_t len)
{
    blob *b = arg;
    b->data = realloc(b->data, b->len + len);
    memcpy(b->data + b->len, der, len);
    b->len += len;
    return 0;
}

/* The DER of every `label` block, back to back. */
static blob pem_to_der(blob pem, const char *label)
{
    blob der = {NULL, 0};
    CHECK(cl_pem_each(pem.data, pem.len, label, append_der, &der) > 0);
    return der;
}

static blob from_bio(BIO *bio)
{
    char *p;
    long n = BIO_get_mem_data(bio, &p);
    blob b = {malloc((size_t)n + 1), (size_t)n};
    memcpy(b.data, p, (size_t)n);
    BIO_free(bio);
    return b;
}

static EVP_PKEY *openssl_key(blob key)
{
    BIO *in = BIO_new_mem_buf(key.data, (int)key.len);
    EVP_PKEY *pk = PEM_read_bio_PrivateKey(in, NULL, NULL, NULL);
    BIO_free(in);
    CHECK(pk != NULL);
    return pk;
}

/* The key encrypted with `pass`: PKCS#8 PEM, PKCS#8 DER, or (traditional)
 * PEM with Proc-Type/DEK-Info headers. */
enum { ENC_PKCS8_PEM, ENC_PKCS8_DER, ENC_TRADITIONAL_PEM };
static blob encrypt_key(blob key, int form, const char *pass)
{
    EVP_PKEY *pk = openssl_key(key);
    BIO *out = BIO_new(BIO_s_mem());
    int ok = 0;
    if (form == ENC_PKCS8_PEM)
        ok = PEM_write_bio_PKCS8PrivateKey(out, pk, EVP_aes_256_cbc(), NULL, 0, NULL, (void *)pass);
    else if (form == ENC_PKCS8_DER)
        ok = i2d_PKCS8PrivateKey_bio(out, pk, EVP_aes_256_cbc(), NULL, 0, NULL, (void *)pass);
    else
        ok = PEM_write_bio_PrivateKey_traditional(out, pk, EVP_aes_128_cbc(), NULL, 0, NULL,
                                                  (void *)pass);
    CHECK(ok == 1);
    EVP_PKEY_free(pk);
    return from_bio(out);
}

typedef struct {
    const char *pass;
    int calls;
} passphrase_box;

static int give_passphrase(void *arg, char *buf, size_t size)
{
    passphrase_box *box = arg;
    box->calls++;
    size_t n = strlen(box->pass);
    if (n > size)
        return -1;
    memcpy(buf, box->pass, n);
    return (int)n;
}

static int refuse_passphrase(void *arg, char *buf, size_t size)
{
    (void)arg, (void)buf, (void)size;
    return -1;
}

/* Handshakes with a client that trusts `ca_pki`'s CA: 1 when it verified
 * the server, whose chain it saw with `want_certs` certificates. */
static int serves(clasp_config *sc, const char *ca_pki, size_t want_certs, uint16_t version)
{
    clasp_config *cc = client_config(ca_pki);
    CHECK(clasp_config_set_versions(cc, version, version) == 0);
    clasp_conn *cli = clasp_conn_new(cc), *srv = clasp_conn_new(sc);
    CHECK(clasp_conn_set_server_name(cli, "localhost") == 0);
    result r = run_handshake(cli, srv);
    int ok = r.client_rc == CLASP_OK && r.server_rc == CLASP_OK;
    if (!ok)
        fprintf(stderr, "handshake: client '%s', server '%s'\n", clasp_conn_error_text(cli),
                clasp_conn_error_text(srv));
    size_t n = 0, len;
    while (clasp_conn_peer_cert(cli, n, &len))
        n++;
    CHECK(n == want_certs);
    if (ok)
        exchange(cli, srv, 100);
    clasp_conn_free(cli);
    clasp_conn_free(srv);
    clasp_config_free(cc);
    return ok && n == want_certs;
}

static int error_has(const clasp_config *cfg, const char *text)
{
    const char *e = clasp_config_error(cfg);
    if (strstr(e, text))
        return 1;
    fprintf(stderr, "config error '%s' lacks '%s'\n", e, text);
    return 0;
}

static void test_pem_and_der(void)
{
    blob cert = read_pki(pki_ecdsa, "cert.pem"), ca = read_pki(pki_ecdsa, "ca.pem"),
         key = read_pki(pki_ecdsa, "key.pem"), none = {NULL, 0};
    blob chain = concat(cert, ca, none);

    /* PEM chain (leaf, CA) and PEM key. */
    clasp_config *sc = clasp_config_new(CLASP_SERVER);
    CHECK(clasp_config_add_cert_chain(sc, chain.data, chain.len, key.data, key.len) == 0);
    CHECK(serves(sc, pki_ecdsa, 2, CLASP_TLS1_3));
    CHECK(serves(sc, pki_ecdsa, 2, CLASP_TLS1_2));
    clasp_config_free(sc);

    /* DER certificates back to back, DER PKCS#8 key. */
    blob der_chain = pem_to_der(chain, "CERTIFICATE"), der_key = pem_to_der(key, "PRIVATE KEY");
    sc = clasp_config_new(CLASP_SERVER);
    CHECK(clasp_config_add_cert_chain(sc, der_chain.data, der_chain.len, der_key.data,
                                      der_key.len) == 0);
    CHECK(serves(sc, pki_ecdsa, 2, CLASP_TLS1_3));
    clasp_config_free(sc);

    /* One buffer holding key, leaf and CA, key first, given as both. */
    blob all = concat(key, cert, ca);
    sc = clasp_config_new(CLASP_SERVER);
    CHECK(clasp_config_add_cert_chain(sc, all.data, all.len, all.data, all.len) == 0);
    CHECK(serves(sc, pki_ecdsa, 2, CLASP_TLS1_3));
    clasp_config_free(sc);
    /* ...and the CA before the key, leaf last but first of the certificates:
     * the chain is the CERTIFICATE blocks in their order. */
    blob mixed = concat(cert, key, ca);
    sc = clasp_config_new(CLASP_SERVER);
    CHECK(clasp_config_add_cert_chain(sc, mixed.data, mixed.len, mixed.data, mixed.len) == 0);
    CHECK(serves(sc, pki_ecdsa, 2, CLASP_TLS1_2));
    clasp_config_free(sc);

    /* The buffers may be freed (and wiped) right away. */
    blob key_copy = concat(key, none, none), chain_copy = concat(chain, none, none);
    sc = clasp_config_new(CLASP_SERVER);
    CHECK(clasp_config_add_cert_chain(sc, chain_copy.data, chain_copy.len, key_copy.data,
                                      key_copy.len) == 0);
    memset(key_copy.data, 0, key_copy.len);
    memset(chain_copy.data, 0, chain_copy.len);
    free(key_copy.data);
    free(chain_copy.data);
    CHECK(serves(sc, pki_ecdsa, 2, CLASP_TLS1_3));
    clasp_config_free(sc);

    free(cert.data), free(ca.data), free(key.data), free(chain.data), free(der_chain.data);
    free(der_key.data), free(all.data), free(mixed.data);
}

static void test_encrypted_keys(void)
{
    static const char *const forms[] = {"PKCS#8 PEM", "PKCS#8 DER", "traditional PEM"};
    const char *dirs[] = {pki_ecdsa, pki_rsa};
    for (size_t d = 0; d < 2; d++) {
        blob cert = read_pki(dirs[d], "cert.pem"), key = read_pki(dirs[d], "key.pem");
        for (int form = 0; form < 3; form++) {
            fprintf(stderr, "encrypted key: %s, %s\n", forms[form], d ? "rsa" : "ecdsa");
            blob enc = encrypt_key(key, form, "correct horse");

            /* No callback: refused, and says why. */
            clasp_config *sc = clasp_config_new(CLASP_SERVER);
            CHECK(clasp_config_add_cert_chain(sc, cert.data, cert.len, enc.data, enc.len) != 0);
            CHECK(error_has(sc, "is encrypted"));
            CHECK(error_has(sc, "clasp_config_set_passphrase"));

            /* A wrong passphrase: refused, and says so. */
            passphrase_box wrong = {"battery staple", 0};
            clasp_config_set_passphrase(sc, give_passphrase, &wrong);
            CHECK(clasp_config_add_cert_chain(sc, cert.data, cert.len, enc.data, enc.len) != 0);
            CHECK(wrong.calls >= 1);
            CHECK(error_has(sc, "passphrase given does not open it"));

            /* The right one: loaded, and it serves. */
            passphrase_box right = {"correct horse", 0};
            clasp_config_set_passphrase(sc, give_passphrase, &right);
            CHECK(clasp_config_add_cert_chain(sc, cert.data, cert.len, enc.data, enc.len) == 0);
            CHECK(right.calls == 1);
            CHECK(serves(sc, dirs[d], 1, CLASP_TLS1_3));
            clasp_config_free(sc);

            /* A callback that refuses (-1): the key is not loaded. */
            sc = clasp_config_new(CLASP_SERVER);
            clasp_config_set_passphrase(sc, refuse_passphrase, NULL);
            CHECK(clasp_config_add_cert_chain(sc, cert.data, cert.len, enc.data, enc.len) != 0);
            CHECK(error_has(sc, "passphrase given does not open it"));
            clasp_config_free(sc);
            free(enc.data);
        }
        /* An unencrypted key never calls the callback. */
        passphrase_box unused = {"x", 0};
        clasp_config *sc = clasp_config_new(CLASP_SERVER);
        clasp_config_set_passphrase(sc, give_passphrase, &unused);
        CHECK(clasp_config_add_cert_chain(sc, cert.data, cert.len, key.data, key.len) == 0);
        CHECK(unused.calls == 0);
        clasp_config_free(sc);
        free(cert.data), free(key.data);
    }
}

/* Replaces the n-th base64 character after the n-th line start of the
 * block body with `with`. */
static blob break_base64(blob pem, int line, char with)
{
    blob b = concat(pem, (blob){NULL, 0}, (blob){NULL, 0});
    int at = 1;
    for (size_t i = 0; i < b.len; i++) {
        if (at == line) {
            b.data[i + 3] = (uint8_t)with;
            break;
        }
        if (b.data[i] == '\n')
            at++;
    }
    return b;
}

static void test_refusals(void)
{
    blob cert = read_pki(pki_ecdsa, "cert.pem"), ca = read_pki(pki_ecdsa, "ca.pem"),
         key = read_pki(pki_ecdsa, "key.pem"), rsa_key = read_pki(pki_rsa, "key.pem"),
         none = {NULL, 0};
    blob chain = concat(cert, ca, none);
    clasp_config *sc = clasp_config_new(CLASP_SERVER);

    /* Broken base64 in the second block (the CA): named, with its line. */
    size_t cert_lines = 0;
    for (size_t i = 0; i < cert.len; i++)
        cert_lines += cert.data[i] == '\n';
    blob broken = break_base64(chain, (int)cert_lines + 3, '*');
    CHECK(clasp_config_add_cert_chain(sc, broken.data, broken.len, key.data, key.len) != 0);
    CHECK(error_has(sc, "the certificate chain buffer: the base64 of PEM block 2 (CERTIFICATE) "
                        "is broken at line"));
    CHECK(error_has(sc, "'*' is not a base64 character"));
    /* ...in a key. */
    blob broken_key = break_base64(key, 2, '!');
    CHECK(clasp_config_add_cert_chain(sc, chain.data, chain.len, broken_key.data,
                                      broken_key.len) != 0);
    CHECK(error_has(sc, "the private key buffer: the base64 of PEM block 1 (PRIVATE KEY) is "
                        "broken at line 2"));

    /* A key that is not the certificate's. */
    CHECK(clasp_config_add_cert_chain(sc, chain.data, chain.len, rsa_key.data, rsa_key.len) != 0);
    CHECK(error_has(sc, "does not belong to the certificate"));
    /* No key at all in a PEM key buffer. */
    CHECK(clasp_config_add_cert_chain(sc, chain.data, chain.len, chain.data, chain.len) != 0);
    CHECK(error_has(sc, "holds no private key"));
    CHECK(error_has(sc, "it holds CERTIFICATE"));
    /* No certificate in a PEM chain buffer. */
    CHECK(clasp_config_add_cert_chain(sc, key.data, key.len, key.data, key.len) != 0);
    CHECK(error_has(sc, "holds no PEM certificate"));
    /* DER that is cut short, and bytes that are neither. */
    blob der_chain = pem_to_der(chain, "CERTIFICATE");
    CHECK(clasp_config_add_cert_chain(sc, der_chain.data, der_chain.len - 1, key.data, key.len) != 0);
    CHECK(error_has(sc, "neither PEM"));
    static const uint8_t junk[] = "hello, world";
    CHECK(clasp_config_add_cert_chain(sc, junk, sizeof junk, key.data, key.len) != 0);
    CHECK(clasp_config_add_cert_chain(sc, chain.data, chain.len, junk, sizeof junk) != 0);
    CHECK(error_has(sc, "holds no usable private key"));
    CHECK(clasp_config_add_cert_chain(sc, NULL, 0, key.data, key.len) != 0);
    /* Nothing was added by any of these. */
    CHECK(clasp_config_add_cert_chain(sc, chain.data, chain.len, key.data, key.len) == 0);
    CHECK(serves(sc, pki_ecdsa, 2, CLASP_TLS1_3));
    clasp_config_free(sc);

    free(cert.data), free(ca.data), free(key.data), free(rsa_key.data), free(chain.data);
    free(broken.data), free(broken_key.data), free(der_chain.data);
}

static int count_block(void *arg, const char *label, const uint8_t *der, size_t len)
{
    (void)label, (void)der, (void)len;
    ++*(int *)arg;
    return 0;
}

static int count_der(void *arg, const uint8_t *der, size_t len)
{
    (void)der, (void)len;
    ++*(int *)arg;
    return 0;
}

static void test_walkers(void)
{
    /* Headers before the body are skipped; other labels are walked. */
    static const char with_headers[] =
        "junk before\n-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
        "DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\nAAEC\n"
        "-----END RSA PRIVATE KEY-----\n-----BEGIN X-----\nAQ==\n-----END X-----\n";
    int n = 0;
    cl_pem_problem p;
    CHECK(cl_pem_blocks((const uint8_t *)with_headers, strlen(with_headers), count_block, &n, &p) == 2);
    CHECK(n == 2);
    static const char no_end[] = "-----BEGIN CERTIFICATE-----\nAAEC\n-----BEGIN X-----\nAQ==\n-----END X-----\n";
    CHECK(cl_pem_blocks((const uint8_t *)no_end, strlen(no_end), count_block, &n, &p) == -2);
    CHECK(p.kind == CL_PEM_NO_END && p.block == 1 && strcmp(p.label, "CERTIFICATE") == 0);
    static const char cut[] = "\n\n-----BEGIN A-----\nAAE\n-----END A-----\n";
    CHECK(cl_pem_blocks((const uint8_t *)cut, strlen(cut), count_block, &n, &p) == 0 ||
          p.kind == CL_PEM_OK); /* 3 characters: 2 bytes, a whole encoding without padding */
    static const char lone[] = "-----BEGIN A-----\nAAECA\n-----END A-----\n";
    CHECK(cl_pem_blocks((const uint8_t *)lone, strlen(lone), count_block, &n, &p) == -2);
    CHECK(p.kind == CL_PEM_BAD_BASE64 && p.line == 2);
    static const char after_pad[] = "-----BEGIN A-----\nAQ==AQ==\n-----END A-----\n";
    CHECK(cl_pem_blocks((const uint8_t *)after_pad, strlen(after_pad), count_block, &n, &p) == -2);
    static const char empty[] = "-----BEGIN A-----\n-----END A-----\n";
    CHECK(cl_pem_blocks((const uint8_t *)empty, strlen(empty), count_block, &n, &p) == -2);
    CHECK(p.kind == CL_PEM_EMPTY_BLOCK);

    /* DER: short and long lengths; non-minimal, indefinite, cut, other
     * tags refused. */
    static const uint8_t two[] = {0x30, 0x01, 0x00, 0x30, 0x00};
    n = 0;
    CHECK(cl_der_each(two, sizeof two, count_der, &n) == 2 && n == 2);
    uint8_t big[3 + 0x80 + 2] = {0x30, 0x81, 0x80};
    big[3 + 0x80] = 0x30;
    n = 0;
    CHECK(cl_der_each(big, sizeof big, count_der, &n) == 2 && n == 2);
    static const uint8_t non_minimal[] = {0x30, 0x81, 0x01, 0x00};
    CHECK(cl_der_each(non_minimal, sizeof non_minimal, count_der, &n) == -1);
    static const uint8_t indefinite[] = {0x30, 0x80, 0x00, 0x00};
    CHECK(cl_der_each(indefinite, sizeof indefinite, count_der, &n) == -1);
    static const uint8_t cut_der[] = {0x30, 0x05, 0x00};
    CHECK(cl_der_each(cut_der, sizeof cut_der, count_der, &n) == -1);
    static const uint8_t not_seq[] = {0x04, 0x00};
    CHECK(cl_der_each(not_seq, sizeof not_seq, count_der, &n) == -1);
}

int main(void)
{
    make_pki(pki_ecdsa, "ecdsa");
    make_pki(pki_rsa, "rsa");
    test_pem_and_der();
    test_encrypted_keys();
    test_refusals();
    test_walkers();
    remove_pki(pki_ecdsa);
    remove_pki(pki_rsa);
    return tu_finish("credentials");
}
