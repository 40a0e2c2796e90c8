/* SPDX-License-Identifier: Apache-2.0 */
/* How the tool shows a handshake: the --trace ladder and the one-line
 * "handshake:" summary.
 *
 *   client                                                     server
 *     |-- ClientHello ------------------------------------------>|  detail
 *     |<------------------------------------------ ServerHello --|  detail
 *     |   key: handshake secret -> client/server handshake traffic keys
 *
 * The client is always on the left, so a server's SEND is drawn right to
 * left: both ends of a connection draw the same picture. */
#include "tool.h"

#include <string.h>

#define LADDER_INDENT 2 /* column of the client's rail */
#define LADDER_SPAN 58  /* characters between the two rails */
#define RIGHT_RAIL (LADDER_INDENT + 1 + LADDER_SPAN)
#define DETAIL_COLUMN (RIGHT_RAIL + 1 + 2)
#define LINE_COLUMNS 120
#define DETAIL_WIDTH (LINE_COLUMNS - DETAIL_COLUMN)
#define DETAIL_MAX_LINES 4 /* a long detail wraps this far, then is cut */

void trace_init(trace_ladder *t, FILE *out, clasp_role role)
{
    t->out = out;
    t->role = role;
    t->header_done = 0;
}

void trace_begin_connection(trace_ladder *t)
{
    t->header_done = 0;
}

/* Copies src into dst (at most max characters, dst holds max + 1), replacing
 * control characters so a hostile peer's strings cannot drive the terminal,
 * and marks a cut with "...". */
static void clean_copy(char *dst, const char *src, size_t max)
{
    size_t len = strlen(src);
    size_t keep = len <= max ? len : (max > 3 ? max - 3 : max);
    for (size_t i = 0; i < keep; i++) {
        unsigned char ch = (unsigned char)src[i];
        dst[i] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
    }
    if (keep < len && max > 3) {
        memcpy(dst + keep, "...", 3);
        keep += 3;
    }
    dst[keep] = '\0';
}

static void print_header(trace_ladder *t)
{
    if (t->header_done)
        return;
    t->header_done = 1;
    /* Each name sits over its rail: its third letter is on the rail. */
    fprintf(t->out, "%-*s%s\n", RIGHT_RAIL - 2, "client", "server");
}

/* Writes detail after the ladder, word-wrapped into the space to the right
 * of the server's rail; continuation lines repeat the empty rails. */
static void print_detail(trace_ladder *t, const char *detail)
{
    char text[DETAIL_WIDTH * DETAIL_MAX_LINES + 1];
    clean_copy(text, detail ? detail : "", sizeof text - 1);
    const char *p = text;
    size_t left = strlen(p);
    if (left == 0) {
        fputc('\n', t->out);
        return;
    }
    for (int line = 0; left > 0; line++) {
        if (line > 0)
            fprintf(t->out, "%*s|%*s|", LADDER_INDENT, "", LADDER_SPAN, "");
        size_t take = left;
        if (take > DETAIL_WIDTH) {
            take = DETAIL_WIDTH;
            /* Break at the last space that fits, if there is one. */
            for (size_t k = DETAIL_WIDTH; k > DETAIL_WIDTH / 2; k--) {
                if (p[k] == ' ') {
                    take = k;
                    break;
                }
            }
        }
        fprintf(t->out, "  %.*s\n", (int)take, p);
        p += take;
        left -= take;
        while (left > 0 && *p == ' ') {
            p++;
            left--;
        }
    }
}

/* One arrow between the rails with the label inside it. */
static void print_arrow(trace_ladder *t, int to_server, char fill, const char *label,
                        const char *detail)
{
    char arrow[LADDER_SPAN + 1];
    char name[LADDER_SPAN - 6 + 1];
    clean_copy(name, label ? label : "-", sizeof name - 1);
    size_t name_len = strlen(name);

    memset(arrow, fill, LADDER_SPAN);
    arrow[LADDER_SPAN] = '\0';
    if (to_server) {
        /* "-- Name ---------->" */
        arrow[2] = ' ';
        memcpy(arrow + 3, name, name_len);
        arrow[3 + name_len] = ' ';
        arrow[LADDER_SPAN - 1] = '>';
    } else {
        /* "<---------- Name --" */
        arrow[0] = '<';
        size_t start = LADDER_SPAN - 3 - name_len;
        arrow[start - 1] = ' ';
        memcpy(arrow + start, name, name_len);
        arrow[LADDER_SPAN - 3] = ' ';
    }
    print_header(t);
    fprintf(t->out, "%*s|%s|", LADDER_INDENT, "", arrow);
    print_detail(t, detail);
    fflush(t->out);
}

/* An indented line under the ladder: "  |   key: ..." */
static void print_aside(trace_ladder *t, const char *tag, const char *what, const char *joiner,
                        const char *detail)
{
    char text[LINE_COLUMNS + 256];
    if (detail && *detail)
        snprintf(text, sizeof text, "%s: %s%s%s", tag, what ? what : "-", joiner, detail);
    else
        snprintf(text, sizeof text, "%s: %s", tag, what ? what : "-");
    char shown[LINE_COLUMNS - LADDER_INDENT - 4 + 1];
    clean_copy(shown, text, sizeof shown - 1);
    print_header(t);
    fprintf(t->out, "%*s|   %s\n", LADDER_INDENT, "", shown);
    fflush(t->out);
}

void trace_event(void *arg, clasp_trace_kind kind, const char *what, const char *detail)
{
    trace_ladder *t = arg;
    int we_are_client = t->role == CLASP_CLIENT;
    switch (kind) {
    case CLASP_TRACE_SEND:
        print_arrow(t, we_are_client, '-', what, detail);
        break;
    case CLASP_TRACE_RECV:
        print_arrow(t, !we_are_client, '-', what, detail);
        break;
    case CLASP_TRACE_KEY:
        print_aside(t, "key", what, " -> ", detail);
        break;
    case CLASP_TRACE_NOTE:
    default:
        print_aside(t, "note", what, ": ", detail);
        break;
    }
}

void trace_data(trace_ladder *t, int sent, const char *label, const char *detail)
{
    int we_are_client = t->role == CLASP_CLIENT;
    print_arrow(t, sent ? we_are_client : !we_are_client, '=', label, detail);
}

static const char *or_dash(const char *s)
{
    return (s && *s) ? s : "-";
}

void handshake_summary(const clasp_conn *c, char *buf, size_t len)
{
    /* Not snprintf: `clasp server --www` puts this in every response. */
    tool_concat(buf, len, "handshake: version=", or_dash(clasp_conn_version_name(c)),
                " cipher=", or_dash(clasp_conn_cipher_name(c)),
                " group=", or_dash(clasp_conn_group_name(c)),
                " sigalg=", or_dash(clasp_conn_sigalg_name(c)),
                " alpn=", or_dash(clasp_conn_alpn(c)),
                " resumed=", clasp_conn_resumed(c) ? "yes" : "no", (const char *)NULL);
}
