# SPDX-License-Identifier: Apache-2.0
"""Clients for the server load tests (python's ssl module is OpenSSL).

  loadpeer.py idle HOST PORT N [--then-get]
      Opens N TLS connections (at most 256 handshakes at once), prints
      "ready HANDSHAKES FAILED", then holds them until stdin ends. With
      --then-get, after stdin's first line it sends a GET on every held
      connection and prints "answered OK", how many got a 200.
  loadpeer.py slow HOST PORT N
      N clients that send a real ClientHello one byte a second; prints
      "cut N SECONDS_MIN SECONDS_MAX" once the server has closed every one
      (or "cut K ..." after 60 s with K < N).
  loadpeer.py flood HOST PORT RATE SECONDS
      Malformed ClientHellos (a valid record header around garbage) at RATE
      connections a second for SECONDS; prints "flood SENT".
"""
import os
import resource
import selectors
import socket
import ssl
import sys
import time


def raise_nofile(n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, max(soft, n + 64))
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def client_context():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    return ctx


def family_of(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def idle(host, port, n, then_get):
    raise_nofile(n)
    ctx = client_context()
    sel = selectors.DefaultSelector()
    done, failed, started = [], 0, 0
    in_flight = {}
    deadline = time.monotonic() + 120
    while (started < n or in_flight) and time.monotonic() < deadline:
        while started < n and len(in_flight) < 256:
            started += 1
            s = socket.socket(family_of(host), socket.SOCK_STREAM)
            s.setblocking(False)
            try:
                s.connect((host, port))
            except BlockingIOError:
                pass
            except OSError:
                failed += 1
                s.close()
                continue
            t = ctx.wrap_socket(s, do_handshake_on_connect=False)
            in_flight[t] = True
            sel.register(t, selectors.EVENT_READ | selectors.EVENT_WRITE)
        for key, _ in sel.select(timeout=1):
            t = key.fileobj
            try:
                t.do_handshake()
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError) as e:
                ev = selectors.EVENT_READ if isinstance(e, ssl.SSLWantReadError) else selectors.EVENT_WRITE
                sel.modify(t, ev)
                continue
            except OSError:
                failed += 1
                sel.unregister(t)
                del in_flight[t]
                t.close()
                continue
            sel.unregister(t)
            del in_flight[t]
            done.append(t)
    failed += len(in_flight)
    print("ready %d %d" % (len(done), failed), flush=True)
    sys.stdin.readline()
    if then_get:
        ok = 0
        for t in done:
            t.setblocking(True)
            t.settimeout(5)
            try:
                t.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = t.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                ok += data.startswith(b"HTTP/1.1 200")
            except OSError:
                pass
        print("answered %d" % ok, flush=True)
        sys.stdin.readline()


def client_hello_bytes(host, port):
    """A real ClientHello, taken from a memory BIO."""
    ctx = client_context()
    out = ssl.MemoryBIO()
    obj = ctx.wrap_bio(ssl.MemoryBIO(), out, server_hostname="localhost")
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return out.read()


def slow(host, port, n):
    raise_nofile(n)
    hello = client_hello_bytes(host, port)
    socks = []
    for _ in range(n):
        s = socket.create_connection((host, port), timeout=5)
        s.setblocking(False)
        socks.append([s, 0, time.monotonic(), None])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and any(c[3] is None for c in socks):
        for c in socks:
            if c[3] is not None:
                continue
            s = c[0]
            try:
                data = s.recv(4096)
                if not data:  # the server closed
                    c[3] = time.monotonic() - c[2]
                    continue
            except BlockingIOError:
                pass
            except OSError:
                c[3] = time.monotonic() - c[2]
                continue
            if c[1] < len(hello):
                try:
                    s.send(hello[c[1]:c[1] + 1])
                    c[1] += 1
                except OSError:
                    c[3] = time.monotonic() - c[2]
        time.sleep(1)
    cut = [c[3] for c in socks if c[3] is not None]
    print("cut %d %.1f %.1f" % (len(cut), min(cut or [0]), max(cut or [0])), flush=True)


def flood(host, port, rate, seconds):
    # A handshake record whose ClientHello body is garbage.
    body = bytes([1, 0, 0, 60]) + os.urandom(60)
    record = bytes([22, 3, 1, 0, len(body)]) + body
    sent = 0
    end = time.monotonic() + seconds
    gap = 1.0 / rate
    next_at = time.monotonic()
    while time.monotonic() < end:
        try:
            s = socket.create_connection((host, port), timeout=2)
            s.sendall(record)
            s.settimeout(2)
            try:
                s.recv(64)  # the alert
            except OSError:
                pass
            s.close()
            sent += 1
        except OSError:
            pass
        next_at += gap
        pause = next_at - time.monotonic()
        if pause > 0:
            time.sleep(pause)
    print("flood %d" % sent, flush=True)


def main(argv):
    mode, host, port = argv[1], argv[2], int(argv[3])
    if mode == "idle":
        idle(host, port, int(argv[4]), "--then-get" in argv)
    elif mode == "slow":
        slow(host, port, int(argv[4]))
    elif mode == "flood":
        flood(host, port, float(argv[4]), float(argv[5]))
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main(sys.argv)
