/* SPDX-License-Identifier: Apache-2.0 */
/* The usage text every subcommand prints for --help and on a usage error;
 * its own file so that the subcommands need not call back into main.c. */
#include <stdio.h>

#include "tool.h"

void usage_print(FILE *out)
{
    fputs("usage:\n"
          "  clasp server [--port N] [--cert CHAIN.pem --key KEY.pem]... [--tls1.2|--tls1.3]\n"
          "               [--ciphers LIST] [--groups LIST] [--alpn LIST] [--verify-client CA.pem]\n"
          "               [--www | --echo] [--count N] [--trace] [--keylog FILE]\n"
          "               [--ticket-key FILE] [--no-resumption] [--hrr-cookie]\n"
          "  clasp client HOST:PORT [--servername NAME] [--cafile CA.pem] [--insecure]\n"
          "               [--cert C --key K] [--tls1.2|--tls1.3] [--ciphers LIST] [--groups LIST]\n"
          "               [--alpn LIST] [--get PATH | --send TEXT] [--trace] [--keylog FILE]\n"
          "               [--resume]\n"
          "  clasp demo\n"
          "\n"
          "server:\n"
          "  Listens on every address (IPv4 and IPv6), port 4433 unless --port says\n"
          "  otherwise (0 picks a free one), and prints \"listening on port N\". Without\n"
          "  --cert it makes a throw-away CA and names its ca.pem on stderr. --cert and\n"
          "  --key may be repeated (e.g. an RSA and an ECDSA chain; the Nth --key goes\n"
          "  with the Nth --cert): each connection gets the first chain, in that order,\n"
          "  that the client's signature algorithms and (TLS 1.2) cipher suite allow.\n"
          "  --www answers HTTP requests, --echo sends everything back, otherwise what\n"
          "  the client sends is printed. --verify-client requires a client certificate\n"
          "  issued by CA.pem. --count N exits after N connections. Sessions resume\n"
          "  with tickets (TLS 1.3, 1.2) and session ids (TLS 1.2); --ticket-key FILE\n"
          "  (32 bytes or 64 hex digits) shares ticket keys across servers with the\n"
          "  same --verify-client (or none); --no-resumption turns resumption off.\n"
          "  --hrr-cookie puts a cookie in a TLS 1.3 HelloRetryRequest, which the\n"
          "  client must echo.\n"
          "client:\n"
          "  HOST:PORT may be [::1]:4433 for IPv6. The server name (SNI and the name\n"
          "  checked in its certificate) is --servername, else HOST. --cafile sets the\n"
          "  trusted CAs (default: the system's); --insecure checks nothing. --get\n"
          "  fetches PATH over HTTP/1.1, --send sends TEXT and a newline; otherwise\n"
          "  stdin is sent and the server's data printed until both sides are done.\n"
          "  --resume connects, keeps the session, and connects again resuming it.\n"
          "common:\n"
          "  --tls1.2, --tls1.3   only that version (both flags: both versions)\n"
          "  --ciphers LIST       suites, IANA or OpenSSL names, ':' or ',' separated\n"
          "  --groups LIST        key exchange groups: x25519, secp256r1 (P-256),\n"
          "                       secp384r1 (P-384), x448, secp521r1 (P-521),\n"
          "                       ffdhe2048 ... ffdhe8192\n"
          "  --alpn LIST          application protocols, e.g. h2,http/1.1\n"
          "  --trace              draw the handshake as a ladder on stderr\n"
          "  --keylog FILE        append NSS key log lines (default: $SSLKEYLOGFILE)\n"
          "demo:\n"
          "  Runs a server and a client in this process over loopback and shows their\n"
          "  handshakes.\n"
          "\n"
          "Prints \"handshake: version=... cipher=... group=... sigalg=... alpn=... resumed=...\"\n"
          "on stderr after each handshake. Exit status: 0 success, 1 failure, 2 usage error.\n",
          out);
}
