#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A TCP relay that measures TLS records, for record-size tests.

Listens on 127.0.0.1:LISTEN_PORT, takes one connection, connects it to
127.0.0.1:SERVER_PORT and passes bytes both ways unchanged, until both
sides close or --timeout seconds pass. Prints "listening" once it listens.
At the end it prints:

    client_record_size_limit: <value from the ClientHello, or ->
    server_protected_records: <count of records of outer type 23 from the server>
    server_largest_protected: <largest such record's body length, or 0>
"""
import argparse
import select
import socket
import sys
import time


def client_hello_limit(data):
    """record_size_limit (extension 28) of the ClientHello at the start of data."""
    try:
        if data[0] != 22:
            return None
        msg = data[5:]
        if msg[0] != 1:
            return None
        p = 4 + 2 + 32
        p += 1 + msg[p]                                 # session id
        p += 2 + int.from_bytes(msg[p:p + 2], "big")    # suites
        p += 1 + msg[p]                                 # compression
        end = p + 2 + int.from_bytes(msg[p:p + 2], "big")
        p += 2
        while p + 4 <= end:
            etype = int.from_bytes(msg[p:p + 2], "big")
            elen = int.from_bytes(msg[p + 2:p + 4], "big")
            if etype == 28 and elen == 2:
                return int.from_bytes(msg[p + 4:p + 6], "big")
            p += 4 + elen
    except IndexError:
        pass
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("listen_port", type=int)
    ap.add_argument("server_port", type=int)
    ap.add_argument("--timeout", type=float, default=15.0)
    args = ap.parse_args()

    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", args.listen_port))
    lsock.listen(1)
    print("listening", flush=True)
    lsock.settimeout(args.timeout)
    client, _ = lsock.accept()
    server = socket.create_connection(("127.0.0.1", args.server_port), timeout=args.timeout)
    from_client = b""
    from_server = b""   # not yet parsed into records
    count = largest = 0
    open_ends = {client: server, server: client}
    deadline = time.time() + args.timeout
    while open_ends and time.time() < deadline:
        ready, _, _ = select.select(list(open_ends), [], [], 0.2)
        for s in ready:
            try:
                data = s.recv(65536)
            except OSError:
                data = b""
            peer = open_ends[s]
            if not data:
                del open_ends[s]
                try:
                    peer.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
                continue
            if s is client and len(from_client) < 65536:
                from_client += data
            if s is server:
                from_server += data
                while len(from_server) >= 5:
                    n = int.from_bytes(from_server[3:5], "big")
                    if len(from_server) < 5 + n:
                        break
                    if from_server[0] == 23:
                        count += 1
                        largest = max(largest, n)
                    from_server = from_server[5 + n:]
            try:
                peer.sendall(data)
            except OSError:
                del open_ends[s]
    limit = client_hello_limit(from_client)
    print("client_record_size_limit: %s" % ("-" if limit is None else limit))
    print("server_protected_records: %d" % count)
    print("server_largest_protected: %d" % largest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
