/* SPDX-License-Identifier: Apache-2.0 */
/* Options that client and server share, and turning them into a config. */
#include "tool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void options_init(common_options *o, clasp_role role)
{
    memset(o, 0, sizeof *o);
    o->role = role;
    trace_init(&o->ladder, stderr, role);
}

int options_take_value(int argc, char **argv, int *i, const char *name, const char **value)
{
    const char *arg = argv[*i];
    size_t name_len = strlen(name);
    if (strncmp(arg, name, name_len) != 0)
        return 0;
    if (arg[name_len] == '=') {
        *value = arg + name_len + 1;
        return 1;
    }
    if (arg[name_len] != '\0')
        return 0;
    if (*i + 1 >= argc)
        return tool_usage_error("option '%s' needs a value (see clasp --help)", name);
    *i += 1;
    *value = argv[*i];
    return 1;
}

int options_parse_number(const char *name, const char *text, unsigned long min,
                         unsigned long max, unsigned long *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    /* strtoul accepts a sign and leading spaces; a count or port never has them. */
    if (text[0] < '0' || text[0] > '9' || errno != 0 || *end != '\0' || v < min || v > max)
        return tool_usage_error("option '%s' needs a number from %lu to %lu, not '%s'", name,
                                min, max, text);
    *out = v;
    return 0;
}

int options_unknown(const char *arg)
{
    if (arg[0] == '-')
        return tool_usage_error("unknown option '%s' (see clasp --help)", arg);
    return tool_usage_error("unexpected argument '%s' (see clasp --help)", arg);
}

int options_parse_common(common_options *o, int argc, char **argv, int *i)
{
    const char *arg = argv[*i];
    const char *value = NULL;
    int r;

    if (strcmp(arg, "--tls1.2") == 0) {
        o->want_tls12 = 1;
        return 1;
    }
    if (strcmp(arg, "--tls1.3") == 0) {
        o->want_tls13 = 1;
        return 1;
    }
    /* The versions clasp will not speak: a sentence with the reason, not
     * "unknown option", so nobody thinks a spelling would make it work. */
    static const struct {
        const char *flag, *name, *why;
    } refused[] = {
        {"--tls1.1", "TLS 1.1", "deprecated by RFC 8996 (2021): its handshake relies on MD5 and SHA-1"},
        {"--tls1.0", "TLS 1.0", "deprecated by RFC 8996 (2021): its handshake relies on MD5 and SHA-1"},
        {"--tls1", "TLS 1.0", "deprecated by RFC 8996 (2021): its handshake relies on MD5 and SHA-1"},
        {"--ssl3", "SSL 3.0", "prohibited by RFC 7568 (2015): it is broken (POODLE)"},
        {"--ssl2", "SSL 2.0", "prohibited by RFC 6176 (2011): it is broken"},
    };
    for (size_t k = 0; k < sizeof refused / sizeof refused[0]; k++)
        if (strcmp(arg, refused[k].flag) == 0)
            return tool_usage_error("%s is not supported: %s is %s; clasp speaks TLS 1.2 and "
                                    "TLS 1.3 only (--tls1.2, --tls1.3)",
                                    refused[k].flag, refused[k].name, refused[k].why);

    if (strcmp(arg, "--trace") == 0) {
        o->trace = 1;
        return 1;
    }

    /* Repeatable: a server may hold several chains (e.g. RSA and ECDSA). */
    struct {
        const char *name;
        const char **files;
        size_t *count;
    } const repeated[] = {
        {"--cert", o->cert_files, &o->n_cert_files},
        {"--key", o->key_files, &o->n_key_files},
    };
    for (size_t k = 0; k < sizeof repeated / sizeof repeated[0]; k++) {
        r = options_take_value(argc, argv, i, repeated[k].name, &value);
        if (r == 0)
            continue;
        if (r != 1)
            return r;
        if (*repeated[k].count == TOOL_MAX_CERTS)
            return tool_usage_error("option '%s' can be given at most %d times", repeated[k].name,
                                    TOOL_MAX_CERTS);
        repeated[k].files[(*repeated[k].count)++] = value;
        return 1;
    }

    r = options_take_value(argc, argv, i, "--export", &value);
    if (r != 0) {
        if (r != 1)
            return r;
        /* LABEL:LEN, split at the last ':' (a label may hold ':'). */
        const char *colon = strrchr(value, ':');
        unsigned long len = 0;
        if (!colon || colon == value || (size_t)(colon - value) >= sizeof o->export_label)
            return tool_usage_error("--export needs LABEL:LEN (a label of 1 to %zu bytes, a "
                                    "length in bytes), not '%s'",
                                    sizeof o->export_label - 1, value);
        r = options_parse_number("--export", colon + 1, 1, 16384, &len);
        if (r != 0)
            return r;
        memcpy(o->export_label, value, (size_t)(colon - value));
        o->export_label[colon - value] = 0;
        o->export_len = len;
        return 1;
    }

    struct {
        const char *name;
        const char **slot;
    } const valued[] = {
        {"--ciphers", &o->ciphers},
        {"--groups", &o->groups},
        {"--alpn", &o->alpn},
        {"--keylog", &o->keylog_file},
    };
    for (size_t k = 0; k < sizeof valued / sizeof valued[0]; k++) {
        r = options_take_value(argc, argv, i, valued[k].name, &value);
        if (r == 1)
            *valued[k].slot = value;
        if (r != 0)
            return r;
    }
    return 0;
}

int options_check_cert_pairs(const common_options *o)
{
    if (o->n_cert_files == o->n_key_files)
        return 0;
    return tool_usage_error("--cert was given %zu time%s but --key %zu time%s: each --cert "
                            "CHAIN.pem needs its own --key KEY.pem (the first --key belongs to "
                            "the first --cert, and so on)",
                            o->n_cert_files, o->n_cert_files == 1 ? "" : "s", o->n_key_files,
                            o->n_key_files == 1 ? "" : "s");
}

static void keylog_write(void *arg, const char *line)
{
    FILE *f = arg;
    /* The config may be shared by threads; keep each line whole. */
    flockfile(f);
    fputs(line, f);
    fputc('\n', f);
    fflush(f);
    funlockfile(f);
}

/* Reports a failed setter with the library's sentence, or ours if it has
 * none: "cannot use <what> '<value>'". */
static int config_failed(const clasp_config *cfg, const char *what, const char *value)
{
    const char *text = clasp_config_error(cfg);
    if (text && *text)
        tool_error("%s", text);
    else
        tool_error("cannot use %s '%s'", what, value);
    return -1;
}

int options_apply(common_options *o, clasp_config *cfg)
{
    if (o->want_tls12 || o->want_tls13) {
        uint16_t min = o->want_tls12 ? CLASP_TLS1_2 : CLASP_TLS1_3;
        uint16_t max = o->want_tls13 ? CLASP_TLS1_3 : CLASP_TLS1_2;
        if (clasp_config_set_versions(cfg, min, max) != 0)
            return config_failed(cfg, "the version range", o->want_tls12 ? "TLS 1.2" : "TLS 1.3");
    } else if (clasp_config_set_versions(cfg, CLASP_TLS1_2, CLASP_TLS1_3) != 0) {
        return config_failed(cfg, "the version range", "TLS 1.2 to TLS 1.3");
    }
    if (o->ciphers && clasp_config_set_ciphers(cfg, o->ciphers) != 0)
        return config_failed(cfg, "the cipher suite list", o->ciphers);
    if (o->groups && clasp_config_set_groups(cfg, o->groups) != 0)
        return config_failed(cfg, "the group list", o->groups);
    if (o->alpn && clasp_config_set_alpn(cfg, o->alpn) != 0)
        return config_failed(cfg, "the ALPN list", o->alpn);
    for (size_t k = 0; k < o->n_cert_files && k < o->n_key_files; k++)
        if (clasp_config_load_cert_chain(cfg, o->cert_files[k], o->key_files[k]) != 0)
            return config_failed(cfg, "the certificate", o->cert_files[k]);

    const char *keylog_file = o->keylog_file;
    if (!keylog_file) {
        keylog_file = getenv("SSLKEYLOGFILE");
        if (keylog_file && !*keylog_file)
            keylog_file = NULL;
    }
    if (keylog_file) {
        o->keylog = fopen(keylog_file, "a");
        if (!o->keylog) {
            tool_error("cannot open the key log file %s: %s", keylog_file, strerror(errno));
            return -1;
        }
        clasp_config_set_keylog(cfg, keylog_write, o->keylog);
    }
    if (o->trace)
        clasp_config_set_trace(cfg, trace_event, &o->ladder);
    return 0;
}

int options_print_export(const common_options *o, clasp_conn *c)
{
    if (!o->export_len)
        return 0;
    uint8_t *out = malloc(o->export_len);
    char *hex = malloc(2 * o->export_len + 1);
    int rc = -1;
    if (!out || !hex) {
        tool_error("out of memory");
    } else if (clasp_conn_export_keying_material(c, o->export_label, strlen(o->export_label), NULL,
                                                 0, 0, out, o->export_len) != CLASP_OK) {
        tool_error("cannot export keying material: %s", clasp_conn_error_text(c));
    } else {
        for (size_t k = 0; k < o->export_len; k++)
            snprintf(hex + 2 * k, 3, "%02X", out[k]);
        fprintf(stderr, "exporter: %s\n", hex);
        fflush(stderr);
        rc = 0;
    }
    free(out);
    free(hex);
    return rc;
}

void options_cleanup(common_options *o)
{
    if (o->keylog) {
        fclose(o->keylog);
        o->keylog = NULL;
    }
}
