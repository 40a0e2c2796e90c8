#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Converts Project Wycheproof's ML-KEM JSON files into the one-test-per-line
text files tests/unit/test_crypto_mlkem.c reads. Every test is kept. Run once;
the output is committed:
    python3 tests/tools/wycheproof_mlkem.py ../shared/vectors/wycheproof tests/data/wycheproof
"""
import json
import os
import sys

SRC, DST = sys.argv[1], sys.argv[2]
COMMIT = "C2SP/wycheproof, commit dac1dd4"

# json name -> (text name, fields after `tcId result flags`, what the file covers)
FILES = {}
for n in ("768", "1024"):
    FILES[f"mlkem_{n}_keygen_seed_test.json"] = (
        f"mlkem_{n}_keygen_seed.txt", ["seed", "ek", "dk"],
        f"ML-KEM-{n} key generation from the 64-byte seed d || z")
    FILES[f"mlkem_{n}_encaps_test.json"] = (
        f"mlkem_{n}_encaps.txt", ["m", "ek", "c", "K"],
        f"ML-KEM-{n} encapsulation with a fixed m, incl. keys that fail the modulus check or have the wrong length")
    FILES[f"mlkem_{n}_test.json"] = (
        f"mlkem_{n}_decaps_seed.txt", ["seed", "ek", "c", "K"],
        f"ML-KEM-{n} key generation from seed then decapsulation, incl. malformed seeds and ciphertexts")
FILES["mlkem_768_semi_expanded_decaps_test.json"] = (
    "mlkem_768_decaps_dk.txt", ["dk", "ek", "c", "K"],
    "ML-KEM-768 decapsulation with a given dk, incl. malformed dk and ciphertexts")

for src, (dst, fields, what) in FILES.items():
    data = json.load(open(os.path.join(SRC, src)))
    out = [f"# {what}: Project Wycheproof's {src} ({COMMIT}),",
           "# Apache License 2.0 (LICENSE beside this file), converted from the JSON by",
           "# tests/tools/wycheproof_mlkem.py: one test per line,",
           f"# `tcId result flags {' '.join(fields)}`, hex, '-' for an empty field; flags",
           "# joined with ','. Every test is kept."]
    for group in data["testGroups"]:
        for t in group["tests"]:
            row = [str(t["tcId"]), t["result"], ",".join(t.get("flags", [])) or "-"]
            row += [t.get(f, "") or "-" for f in fields]
            out.append(" ".join(row))
    with open(os.path.join(DST, dst), "w") as f:
        f.write("\n".join(out) + "\n")
    print(dst, sum(len(g["tests"]) for g in data["testGroups"]))
