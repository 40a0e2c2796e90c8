#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Regenerates the fixed fuzzing PKI in this directory (run once; the result is
# committed). Ed25519 everywhere because its signatures are deterministic: a
# server with the same key, random and key share then produces byte-identical
# flights, so recorded client flights (fuzz/corpus/fuzz_server) stay valid.
# Valid for 100 years so the seeds do not rot. Never use these keys elsewhere.
# After regenerating, rebuild and rerun make_seeds (see docs/FUZZING.md).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/ext.cnf" <<'CNF'
[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:localhost,IP:127.0.0.1,IP:::1
[rsa_server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:localhost,IP:127.0.0.1,IP:::1
[client]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
CNF

days=36500
openssl genpkey -algorithm ed25519 -out ca-key.pem
openssl req -new -x509 -key ca-key.pem -subj "/O=clasp fuzz/CN=clasp fuzz CA" -days $days \
  -config "$tmp/ext.cnf" -extensions ca -out ca.pem
for who in server client; do
  cn=localhost; [[ $who == client ]] && cn="clasp fuzz client"
  openssl genpkey -algorithm ed25519 -out "$who-key.pem"
  openssl req -new -key "$who-key.pem" -subj "/O=clasp fuzz/CN=$cn" -config "$tmp/ext.cnf" -out "$tmp/$who.csr"
  openssl x509 -req -in "$tmp/$who.csr" -CA ca.pem -CAkey ca-key.pem -set_serial "0x$(openssl rand -hex 16)" \
    -days $days -extfile "$tmp/ext.cnf" -extensions "$who" -out "$who.pem" 2>/dev/null
done
# An RSA-2048 server certificate for the RSA modes (TLS 1.2 RSA key
# exchange, ECDHE-RSA, DHE-RSA): keyEncipherment too, or a server may not
# use it for RSA key exchange. RSA key transport is deterministic given the
# client's premaster, so those seeds replay; RSA-PSS signatures are not.
openssl genpkey -algorithm rsa -pkeyopt rsa_keygen_bits:2048 -out rsa-server-key.pem
openssl req -new -key rsa-server-key.pem -subj "/O=clasp fuzz/CN=localhost" -config "$tmp/ext.cnf" \
  -out "$tmp/rsa-server.csr"
openssl x509 -req -in "$tmp/rsa-server.csr" -CA ca.pem -CAkey ca-key.pem \
  -set_serial "0x$(openssl rand -hex 16)" -days $days -extfile "$tmp/ext.cnf" -extensions rsa_server \
  -out rsa-server.pem 2>/dev/null
rm -f ca-key.pem # nothing new is ever signed with it
# A stapled OCSP response ("good") for server.pem, signed by a throw-away
# Ed25519 responder the CA never authorised (its key is gone, like the
# CA's): the FZ_SRX_OCSP server staples it; a verifying client parses all
# of it and then refuses it (bad_certificate_status_response), one that
# does not verify takes it as it is. Valid for 100 years.
openssl genpkey -algorithm ed25519 -out "$tmp/responder-key.pem"
openssl req -new -x509 -key "$tmp/responder-key.pem" -days $days -out "$tmp/responder.pem" \
  -subj "/O=clasp fuzz/CN=clasp fuzz OCSP responder (not authorised)"
printf 'V\t21261231000000Z\t\t%s\tunknown\t/O=clasp fuzz/CN=localhost\n' \
  "$(openssl x509 -in server.pem -noout -serial | cut -d= -f2)" >"$tmp/index.txt"
openssl ocsp -issuer ca.pem -cert server.pem -no_nonce -reqout "$tmp/ocsp.req"
openssl ocsp -index "$tmp/index.txt" -rsigner "$tmp/responder.pem" -rkey "$tmp/responder-key.pem" \
  -CA ca.pem -reqin "$tmp/ocsp.req" -respout ocsp-response.der -ndays $days
chmod 644 ./*.pem
echo "make_pki.sh: wrote ca.pem server.pem server-key.pem client.pem client-key.pem rsa-server.pem rsa-server-key.pem ocsp-response.der"
