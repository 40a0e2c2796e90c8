#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A raw TCP peer for wire-level negative tests.

Connects to 127.0.0.1:PORT, sends the given bytes, then (unless --no-read)
reads whatever comes back until the peer closes or --timeout seconds pass,
and prints:

    sent: <n> bytes
    reply: <hex bytes, space separated, or "-" for none>
    alert: <level> <description>      (only if the reply starts with a
                                        plaintext alert record: 15 03 0x 00 02)
    end: closed | reset | timeout

Bytes to send: --hex "16 03 01 40 00" (spaces allowed), --random N (N random
bytes whose first byte is not a TLS content type, so the peer cannot take
them for the start of a record), or both (hex first). --close closes the
socket right after sending, without reading (implies --no-read).

Exit status: 0 if it connected and sent, 2 if it could not connect.
"""
import argparse
import os
import socket
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--hex", default="")
    ap.add_argument("--random", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=5.0)
    ap.add_argument("--no-read", action="store_true")
    ap.add_argument("--close", action="store_true")
    args = ap.parse_args()

    data = bytes.fromhex(args.hex.replace(" ", "").replace(":", ""))
    if args.random > 0:
        rnd = bytearray(os.urandom(args.random))
        # 20..24 are TLS content types; keep the first byte out of 0..0x2f.
        rnd[0] = 0x30 + rnd[0] % 0xD0
        data += bytes(rnd)

    try:
        s = socket.create_connection((args.host, args.port), timeout=args.timeout)
    except OSError as e:
        print(f"rawpeer: cannot connect to {args.host}:{args.port}: {e}", file=sys.stderr)
        return 2

    try:
        s.sendall(data)
    except OSError as e:
        print(f"rawpeer: send failed: {e}", file=sys.stderr)
    print(f"sent: {len(data)} bytes", flush=True)

    if args.close or args.no_read:
        s.close()
        return 0

    reply = bytearray()
    end = "timeout"
    deadline = time.monotonic() + args.timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            break
        except ConnectionResetError:
            end = "reset"
            break
        except OSError:
            end = "reset"
            break
        if not chunk:
            end = "closed"
            break
        reply += chunk
    s.close()

    print("reply: " + (reply.hex(" ") if reply else "-"))
    if len(reply) >= 7 and reply[0] == 0x15 and reply[1] == 0x03 and reply[3:5] == b"\x00\x02":
        print(f"alert: {reply[5]} {reply[6]}")
    print(f"end: {end}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
