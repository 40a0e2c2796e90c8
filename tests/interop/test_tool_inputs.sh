#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# What the clasp tool says about what it is given:
#   - --version prints the header's version, and the library's;
#   - --tls1.0, --tls1.1, --tls1 and --ssl3 are refused with the reason
#     (RFC 8996, RFC 7568), not as unknown options;
#   - a PEM file with broken base64 is named, with its block and line, in a
#     certificate file and in a key file;
#   - certificates and keys come from files with several PEM blocks in any
#     order: key before chain, one file given as both --cert and --key,
#     the CA between leaf and key; openssl s_client verifies the chain.
# shellcheck source=tests/interop/lib.sh
source "${CLASP_TEST_LIB:-$(dirname "$0")/lib.sh}"
need_clasp
need_tools openssl openssl

PKI=$WORK/pki
make_pki "$PKI" || { fail "make_pki"; finish; }

# ------------------------------------------------------------- --version
header=$(dirname "$0")/../../include/clasp/clasp.h
want=$(sed -n 's/^#define CLASP_VERSION_STRING "\(.*\)"/\1/p' "$header")
"$CLASP" --version >"$WORK/version.out" 2>&1
expect_status $? 0 "clasp --version exits 0" "$WORK/version.out"
expect_contains "$WORK/version.out" "clasp $want (library $want)" "clasp --version says $want"

# -------------------------------------------------------- refused versions
for flag in --tls1.0 --tls1.1 --tls1 --ssl3; do
  for cmd in client server; do
    args=("$cmd")
    [[ $cmd == client ]] && args+=(127.0.0.1:9)
    run_timeout 10 "$CLASP" "${args[@]}" "$flag" >"$WORK/old.out" 2>&1
    expect_status $? 2 "clasp $cmd $flag is a usage error" "$WORK/old.out"
    expect_not_contains "$WORK/old.out" "unknown option" "clasp $cmd $flag: not 'unknown option'"
    expect_contains "$WORK/old.out" "$flag is not supported" "clasp $cmd $flag: says it is not supported"
    case $flag in
      --ssl3) rfc="RFC 7568" ;;
      *) rfc="RFC 8996" ;;
    esac
    expect_contains "$WORK/old.out" "$rfc" "clasp $cmd $flag: gives the reason ($rfc)"
  done
done

# --------------------------------------------------------- broken base64
# One character of the certificate's third line turned into '*'.
sed '3s/^\(...\)./\1*/' "$PKI/ecdsa.pem" >"$WORK/broken-cert.pem"
run_timeout 10 "$CLASP" server --port 0 --cert "$WORK/broken-cert.pem" --key "$PKI/ecdsa.key" \
  >"$WORK/broken-cert.out" 2>&1
expect_status $? 1 "a certificate file with broken base64 is refused" "$WORK/broken-cert.out"
expect_contains "$WORK/broken-cert.out" \
  "'$WORK/broken-cert.pem': the base64 of PEM block 1 (CERTIFICATE) is broken at line 3: '*' is not a base64 character there" \
  "the sentence names the file, the block and the line"
# In the key, which follows a certificate in the same file.
{ cat "$PKI/ecdsa.pem"; sed '4s/^\(.....\)./\1!/' "$PKI/ecdsa.key"; } >"$WORK/broken-key.pem"
run_timeout 10 "$CLASP" server --port 0 --cert "$PKI/ecdsa.pem" --key "$WORK/broken-key.pem" \
  >"$WORK/broken-key.out" 2>&1
expect_status $? 1 "a key file with broken base64 is refused" "$WORK/broken-key.out"
expect_contains "$WORK/broken-key.out" "'$WORK/broken-key.pem': the base64 of PEM block 2 (PRIVATE KEY) is broken" \
  "the sentence names the key file and its second block"
# A key file that holds only certificates.
run_timeout 10 "$CLASP" server --port 0 --cert "$PKI/ecdsa.pem" --key "$PKI/ecdsa.pem" \
  >"$WORK/nokey.out" 2>&1
expect_status $? 1 "a key file without a key is refused" "$WORK/nokey.out"
expect_contains "$WORK/nokey.out" "holds no private key (no -----BEGIN PRIVATE KEY----- block; it holds CERTIFICATE)" \
  "the sentence says what the file holds instead"

# ------------------------------------------ several blocks, in any order
cat "$PKI/ecdsa.key" "$PKI/ecdsa.pem" "$PKI/ca.pem" >"$WORK/key-chain.pem"
cat "$PKI/ecdsa.pem" "$PKI/ca.pem" "$PKI/ecdsa.key" >"$WORK/chain-key.pem"
cat "$PKI/ecdsa.pem" "$PKI/ecdsa.key" "$PKI/ca.pem" >"$WORK/leaf-key-ca.pem"
# A traditional "EC PRIVATE KEY" with its "EC PARAMETERS" block first.
openssl pkey -in "$PKI/ecdsa.key" -traditional >"$WORK/ec-params.key" 2>"$WORK/pkey.err"
expect_contains "$WORK/ec-params.key" "-----BEGIN EC PRIVATE KEY-----" "openssl wrote a traditional EC key"
{ openssl ecparam -name prime256v1; cat "$WORK/ec-params.key" "$PKI/ecdsa.pem"; } >"$WORK/params-key-leaf.pem"

serve_case() { # serve_case NAME DESC CERT KEY CHAIN_LEN
  local name=$1 desc=$2 cert=$3 key=$4 chain_len=$5 port
  port=$(free_port)
  if ! start_clasp_server "srv-$name" "$port" --cert "$cert" --key "$key" --echo --count 1; then
    fail "$desc: clasp server starts" "$WORK/srv-$name.log"
    return
  fi
  s_client_echo "cli-$name" "blocks $name" -connect "127.0.0.1:$port" -CAfile "$PKI/ca.pem" \
    -verify_return_error -verify_hostname localhost -showcerts
  expect_status $? 0 "$desc: openssl s_client connects" "$WORK/cli-$name.out" "$WORK/srv-$name.log"
  expect_contains "$WORK/cli-$name.out" "Verify return code: 0 (ok)" "$desc: the chain verifies"
  local n
  n=$(grep -c -- "-----BEGIN CERTIFICATE-----" "$WORK/cli-$name.out")
  if [[ $n == "$chain_len" ]]; then pass "$desc: $chain_len certificates sent"; else
    fail "$desc: $n certificates sent, wanted $chain_len" "$WORK/cli-$name.out"; fi
  stop_bg "srv-$name"
}
serve_case key-chain "key before leaf and CA, one file as --cert and --key" \
  "$WORK/key-chain.pem" "$WORK/key-chain.pem" 2
serve_case chain-key "leaf, CA, then key, one file as both" "$WORK/chain-key.pem" "$WORK/chain-key.pem" 2
serve_case leaf-key-ca "leaf, key, then CA, one file as both" "$WORK/leaf-key-ca.pem" "$WORK/leaf-key-ca.pem" 2
serve_case params-key-leaf "EC PARAMETERS, EC PRIVATE KEY, then leaf" \
  "$WORK/params-key-leaf.pem" "$WORK/params-key-leaf.pem" 1
finish
