// SPDX-License-Identifier: Apache-2.0
/* A TLS peer whose private key never enters its process, for
 * tests/interop/test_private_key.sh: the certificate chain is added with
 * clasp_config_add_cert_chain_with_key_callback, and every operation with
 * the key is done by another process, `openssl pkeyutl -inkey KEY`, as an
 * HSM or a key server would do it. Public API only.
 *
 *   keyop_peer server --port P --cert CHAIN --key KEY [--sync] [--count N]
 *                     [--tls1.2] [--ciphers LIST]
 *   keyop_peer client --port P --servername N --ca CA --cert CHAIN --key KEY
 *                     [--sync] [--tls1.2]
 *
 * By default the callback starts the signer and returns CLASP_KEY_PENDING;
 * the event loop (poll on the socket and on the signer's pipe) sees the
 * signer end, gives its answer to clasp_conn_private_key_done and drives
 * the handshake on. --sync waits for the signer inside the callback.
 * Signatures are made from op->digest where the scheme hashes first (ECDSA
 * signs the digest; RSA adds PSS or the PKCS#1 DigestInfo), from the whole
 * message for Ed25519; RSA decryption is raw (rsa_padding_mode:none).
 *
 * The server serves N connections (default 1): it prints "handshake: ...
 * key_ops=sign:S decrypt:D waited=W", echoes one line and closes. The
 * client sends "hello", prints the reply. Both print "error: ..." when the
 * handshake fails. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clasp/clasp.h"

static const char *key_path, *workdir;
static int sync_mode;

/* The operation in progress in the signer process. */
static struct {
    pid_t pid;
    int pipe_fd; /* read end: EOF when the signer has ended */
    int ops_sign, ops_decrypt, waited;
} signer = {-1, -1, 0, 0, 0};

static void die(const char *what, const char *why)
{
    fprintf(stderr, "keyop_peer: %s: %s\n", what, why);
    exit(2);
}

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = malloc(1 << 16);
    *len = fread(buf, 1, 1 << 16, f);
    fclose(f);
    return buf;
}

static int write_file(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = fwrite(p, 1, n, f) == n;
    return fclose(f) == 0 && ok ? 0 : -1;
}

static const char *scheme_hash(uint16_t scheme)
{
    switch (scheme) {
    case 0x0201:
    case 0x0203: return "sha1";
    case 0x0401:
    case 0x0403:
    case 0x0804:
    case 0x0809: return "sha256";
    case 0x0501:
    case 0x0503:
    case 0x0805:
    case 0x080a: return "sha384";
    case 0x0601:
    case 0x0603:
    case 0x0806:
    case 0x080b: return "sha512";
    }
    return NULL;
}

/* Starts `openssl pkeyutl` for the operation; its end closes the pipe. */
static int start_signer(const clasp_key_operation *op)
{
    char in[600], out[600], digest_opt[64];
    snprintf(in, sizeof in, "%s/op.in", workdir);
    snprintf(out, sizeof out, "%s/op.out", workdir);
    unlink(out);
    const char *argv[20];
    int n = 0;
    argv[n++] = "openssl";
    argv[n++] = "pkeyutl";
    argv[n++] = "-inkey";
    argv[n++] = key_path;
    argv[n++] = "-in";
    argv[n++] = in;
    argv[n++] = "-out";
    argv[n++] = out;
    if (op->op == CLASP_KEY_RSA_DECRYPT) {
        signer.ops_decrypt++;
        if (write_file(in, op->input, op->input_len))
            return -1;
        argv[n++] = "-decrypt";
        argv[n++] = "-pkeyopt";
        argv[n++] = "rsa_padding_mode:none";
    } else {
        signer.ops_sign++;
        argv[n++] = "-sign";
        const char *hash = scheme_hash(op->scheme);
        if (!op->digest) { /* Ed25519: the message itself */
            if (write_file(in, op->input, op->input_len))
                return -1;
            argv[n++] = "-rawin";
        } else {
            if (!hash || write_file(in, op->digest, op->digest_len))
                return -1;
            int ecdsa = (op->scheme & 0xff) == 0x03;
            if (!ecdsa) { /* RSA: the hash names the DigestInfo or PSS's hash */
                snprintf(digest_opt, sizeof digest_opt, "digest:%s", hash);
                argv[n++] = "-pkeyopt";
                argv[n++] = digest_opt;
            }
            if ((op->scheme >> 8) == 0x08) {
                argv[n++] = "-pkeyopt";
                argv[n++] = "rsa_padding_mode:pss";
                argv[n++] = "-pkeyopt";
                argv[n++] = "rsa_pss_saltlen:digest";
            }
        }
    }
    argv[n] = NULL;
    int p[2];
    if (pipe(p))
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        close(p[0]); /* p[1] stays open until this process ends */
        execvp("openssl", (char *const *)argv);
        _exit(127);
    }
    close(p[1]);
    signer.pid = pid;
    signer.pipe_fd = p[0];
    return 0;
}

/* Waits for the signer to end; its result (malloc'd) or NULL. */
static uint8_t *finish_signer(size_t *len)
{
    char buf[16];
    while (read(signer.pipe_fd, buf, sizeof buf) > 0) /* EOF: it ended */
        ;
    close(signer.pipe_fd);
    signer.pipe_fd = -1;
    int status = 0;
    waitpid(signer.pid, &status, 0);
    signer.pid = -1;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "keyop_peer: openssl pkeyutl failed\n");
        return NULL;
    }
    char out[600];
    snprintf(out, sizeof out, "%s/op.out", workdir);
    return read_file(out, len);
}

static int key_callback(void *arg, clasp_conn *c, const clasp_key_operation *op, uint8_t *out,
                        size_t *out_len)
{
    (void)arg;
    (void)c;
    if (start_signer(op))
        return CLASP_KEY_FAILED;
    if (!sync_mode)
        return CLASP_KEY_PENDING;
    size_t len = 0;
    uint8_t *res = finish_signer(&len);
    if (!res || len > op->max_output) {
        free(res);
        return CLASP_KEY_FAILED;
    }
    memcpy(out, res, len);
    *out_len = len;
    free(res);
    return CLASP_KEY_DONE;
}

/* Drives the handshake on a non-blocking socket: waits for the socket or
 * for the signer, whichever the handshake needs. */
static int drive_handshake(clasp_conn *c, int fd)
{
    for (;;) {
        int rc = clasp_fd_handshake(c, fd);
        if (rc == CLASP_OK || rc == CLASP_ERROR)
            return rc;
        struct pollfd p = {fd, POLLIN, 0};
        if (rc == CLASP_WANT_WRITE)
            p.events = POLLOUT;
        if (rc == CLASP_WANT_PRIVATE_KEY) {
            signer.waited++;
            p.fd = signer.pipe_fd;
            p.events = POLLIN;
        }
        if (poll(&p, 1, 20000) <= 0) {
            fprintf(stderr, "keyop_peer: timed out waiting for %s\n",
                    rc == CLASP_WANT_PRIVATE_KEY ? "the signer" : "the peer");
            return CLASP_ERROR;
        }
        if (rc == CLASP_WANT_PRIVATE_KEY) {
            size_t len = 0;
            uint8_t *res = finish_signer(&len);
            if (clasp_conn_private_key_done(c, res, len) != CLASP_OK)
                fprintf(stderr, "keyop_peer: clasp_conn_private_key_done refused the result\n");
            free(res);
        }
    }
}

/* Blocking again, with time limits, for the line of data after it. */
static void make_blocking(int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    struct timeval tv = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

static void print_handshake(clasp_conn *c)
{
    printf("handshake: version=%s cipher=%s sigalg=%s key_ops=sign:%d decrypt:%d waited=%d\n",
           clasp_conn_version_name(c), clasp_conn_cipher_name(c),
           clasp_conn_sigalg_name(c) ? clasp_conn_sigalg_name(c) : "-", signer.ops_sign,
           signer.ops_decrypt, signer.waited);
    fflush(stdout);
}

static clasp_config *config_with_key(clasp_role role, const char *chain_path)
{
    clasp_config *cfg = clasp_config_new(role);
    size_t len;
    uint8_t *chain = read_file(chain_path, &len);
    if (!chain)
        die(chain_path, "cannot read");
    if (clasp_config_add_cert_chain_with_key_callback(cfg, chain, len, key_callback, NULL))
        die("certificate", clasp_config_error(cfg));
    free(chain);
    return cfg;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        die("usage", "keyop_peer server|client ...");
    int server = strcmp(argv[1], "server") == 0;
    int port = 0, count = 1, tls12 = 0;
    const char *cert = NULL, *ca = NULL, *name = NULL, *ciphers = NULL;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--port") && v)
            port = atoi(argv[++i]);
        else if (!strcmp(a, "--cert") && v)
            cert = argv[++i];
        else if (!strcmp(a, "--key") && v)
            key_path = argv[++i];
        else if (!strcmp(a, "--ca") && v)
            ca = argv[++i];
        else if (!strcmp(a, "--servername") && v)
            name = argv[++i];
        else if (!strcmp(a, "--ciphers") && v)
            ciphers = argv[++i];
        else if (!strcmp(a, "--count") && v)
            count = atoi(argv[++i]);
        else if (!strcmp(a, "--sync"))
            sync_mode = 1;
        else if (!strcmp(a, "--tls1.2"))
            tls12 = 1;
        else
            die(a, "unknown option");
    }
    if (!port || !cert || !key_path)
        die("usage", "--port, --cert and --key are needed");
    char dir[] = "/tmp/keyop_peer.XXXXXX";
    if (!(workdir = mkdtemp(dir)))
        die("mkdtemp", strerror(errno));
    clasp_config *cfg = config_with_key(server ? CLASP_SERVER : CLASP_CLIENT, cert);
    if (tls12)
        clasp_config_set_versions(cfg, CLASP_TLS1_2, CLASP_TLS1_2);
    if (ciphers && clasp_config_set_ciphers(cfg, ciphers))
        die("--ciphers", clasp_config_error(cfg));
    if (ca && clasp_config_load_ca_file(cfg, ca))
        die("--ca", clasp_config_error(cfg));
    int status = 0;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (server) {
        int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
        setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 8))
            die("listen", "cannot bind");
        printf("listening on port %d\n", port);
        fflush(stdout);
        for (int i = 0; i < count; i++) {
            int fd = accept(ls, NULL, NULL);
            if (fd < 0)
                die("accept", strerror(errno));
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
            clasp_conn *c = clasp_conn_new(cfg);
            signer.ops_sign = signer.ops_decrypt = signer.waited = 0;
            if (drive_handshake(c, fd) != CLASP_OK) {
                printf("error: %s\n", clasp_conn_error_text(c));
                status = 1;
            } else {
                print_handshake(c);
                make_blocking(fd);
                uint8_t buf[512];
                long n = clasp_fd_read(c, fd, buf, sizeof buf);
                if (n > 0) {
                    printf("echo: %.*s", (int)n, (const char *)buf);
                    clasp_fd_write(c, fd, buf, (size_t)n);
                }
                clasp_fd_close(c, fd);
            }
            fflush(stdout);
            clasp_conn_free(c);
            close(fd);
        }
        close(ls);
    } else {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(fd, (struct sockaddr *)&a, sizeof a))
            die("connect", strerror(errno));
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        clasp_conn *c = clasp_conn_new(cfg);
        if (name && clasp_conn_set_server_name(c, name))
            die("--servername", clasp_conn_error_text(c));
        if (drive_handshake(c, fd) != CLASP_OK) {
            printf("error: %s\n", clasp_conn_error_text(c));
            status = 1;
        } else {
            print_handshake(c);
            make_blocking(fd);
            clasp_fd_write(c, fd, (const uint8_t *)"hello\n", 6);
            uint8_t buf[512];
            long n = clasp_fd_read(c, fd, buf, sizeof buf);
            if (n > 0)
                printf("reply: %.*s", (int)n, (const char *)buf);
            else
                status = 1;
            clasp_fd_close(c, fd);
        }
        clasp_conn_free(c);
        close(fd);
    }
    clasp_config_free(cfg);
    char path[600];
    snprintf(path, sizeof path, "%s/op.in", workdir);
    unlink(path);
    snprintf(path, sizeof path, "%s/op.out", workdir);
    unlink(path);
    rmdir(workdir);
    return status;
}
