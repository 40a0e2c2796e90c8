#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Turns section 3 of RFC 8448 (simple 1-RTT) into a C header of byte
arrays for the known-answer test. Run once; the output is committed:
    python3 tests/tools/rfc8448_extract.py ../shared/specs/rfc8448.txt > tests/unit/rfc8448_vectors.h
"""
import re
import sys

text = open(sys.argv[1]).read().split("\n")
start = next(i for i, l in enumerate(text) if l.startswith("3.  Simple 1-RTT"))
end = next(i for i, l in enumerate(text) if l.startswith("4.  Resumed 0-RTT"))
lines = [l for l in text[start:end]
         if not l.startswith("RFC 8448") and not l.startswith("Thomson") and "\f" not in l]

steps = []  # (actor, step title, label, bytes)
actor = step = None
i = 0
while i < len(lines):
    l = lines[i]
    m = re.match(r"^   \{(client|server)\}\s+(.*)$", l)
    if m:
        actor, step = m.group(1), m.group(2)
        # titles may wrap onto the next line
        while i + 1 < len(lines) and lines[i + 1].startswith("      ") and ":" not in lines[i + 1] and lines[i+1].strip():
            i += 1
            step += " " + lines[i].strip()
        i += 1
        continue
    m = re.match(r"^      (.+?) \((\d+) octets\):\s+(.*)$", l)
    if m:
        label, n, hexpart = m.group(1), int(m.group(2)), m.group(3)
        if hexpart.strip() == "(empty)":
            hexpart = ""
        i += 1
        hexline = r"^         [0-9a-f]{2}( [0-9a-f]{2})*\s*$"
        while i < len(lines):
            if re.match(hexline, lines[i]):
                hexpart += " " + lines[i].strip()
                i += 1
                continue
            # a page break: blank lines, then the value goes on
            j = i
            while j < len(lines) and not lines[j].strip():
                j += 1
            if j > i and j < len(lines) and re.match(hexline, lines[j]) and len(bytes.fromhex(hexpart.replace(" ", ""))) < n:
                i = j
                continue
            break
        data = bytes.fromhex(hexpart.replace(" ", ""))
        assert len(data) == n, (step, label, len(data), n)
        steps.append((actor, step, label, data))
        continue
    i += 1

def find(actor, step_prefix, label):
    for a, s, lab, d in steps:
        if a == actor and s.startswith(step_prefix) and lab == label:
            return d
    raise KeyError((actor, step_prefix, label))

want = [
    ("client_private", "client", "create an ephemeral x25519", "private key"),
    ("client_hello_record", "client", "send handshake record", "complete record"),
    ("client_random", None, None, None),
    ("server_private", "server", "create an ephemeral x25519", "private key"),
    ("server_hello", "server", "construct a ServerHello", "ServerHello"),
    ("server_hello_record", "server", "send handshake record", "complete record"),
    ("early_secret", "server", 'extract secret "early"', "secret"),
    ("handshake_secret", "server", 'extract secret "handshake"', "secret"),
    ("c_hs_traffic", "server", 'derive secret "tls13 c hs traffic"', "expanded"),
    ("s_hs_traffic", "server", 'derive secret "tls13 s hs traffic"', "expanded"),
    ("master_secret", "server", 'extract secret "master"', "secret"),
    ("c_ap_traffic", "server", 'derive secret "tls13 c ap traffic"', "expanded"),
    ("s_ap_traffic", "server", 'derive secret "tls13 s ap traffic"', "expanded"),
    ("exp_master", "server", 'derive secret "tls13 exp master"', "expanded"),
    ("server_hs_key", "server", "derive write traffic keys for handshake data", "key expanded"),
    ("server_hs_iv", "server", "derive write traffic keys for handshake data", "iv expanded"),
    ("server_ap_key", "server", "derive write traffic keys for application data", "key expanded"),
    ("server_ap_iv", "server", "derive write traffic keys for application data", "iv expanded"),
    ("certificate", "server", "construct a Certificate", "Certificate"),
    ("certificate_verify", "server", "construct a CertificateVerify", "CertificateVerify"),
    ("server_flight_record", "server", "send handshake record", "complete record#2"),
    ("client_finished_record", "client", "send handshake record", "complete record#2"),
    ("res_master", "client", 'derive secret "tls13 res master"', "expanded"),
    ("ticket_record", "server", "send handshake record", "complete record#3"),
    ("server_app_record", "server", "send application_data record", "complete record"),
    ("server_app_payload", "server", "send application_data record", "payload"),
    ("client_app_record", "client", "send application_data record", "complete record"),
    ("client_app_payload", "client", "send application_data record", "payload"),
    ("client_alert_record", "client", "send alert record", "complete record"),
    ("server_alert_record", "server", "send alert record", "complete record"),
]

def nth(actor, step_prefix, label, n):
    hits = [d for a, s, lab, d in steps if a == actor and s.startswith(step_prefix) and lab == label]
    return hits[n - 1]

print("/* Generated from RFC 8448 section 3 by tests/tools/rfc8448_extract.py. */")
print("#include <stdint.h>")
for name, actor, step_prefix, label in want:
    if name == "client_random":
        ch = find("client", "construct a ClientHello", "ClientHello")
        data = ch[6:38]
    else:
        n = 1
        if label.endswith("#2") or label.endswith("#3"):
            label, n = label[:-2], int(label[-1])
        data = nth(actor, step_prefix, label, n)
    body = ", ".join("0x%02x" % b for b in data)
    print("static const uint8_t rfc8448_%s[%d] = {%s};" % (name, len(data), body))
