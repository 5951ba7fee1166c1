#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lscd against a second real CA with a two-tier chain: step-ca (Smallstep),
# built from Debian's golang-github-smallstep-certificates-dev by
# tests/peers/step-ca/build.  Its GetCACert returns only the intermediate,
# so the root must come from ca_root (--ca-root): without it lscd refuses
# the CA instead of passing through a partial chain.
#
#   network namespace "ns" (loopback only)
#   +------------------------------------------------------------------+
#   |  build/lscd ---> :9080 step-ca, SCEP provisioner "scep",          |
#   |                  RSA root -> RSA intermediate (issues), challenge |
#   +------------------------------------------------------------------+
#
# RSA throughout: the VM's 6.1 kernel verifies no ECDSA, and the same chain
# shape serves both.

set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. tests/lib.sh
plan 5

LSCD=$PWD/build/lscd

[ -x "$LSCD" ] || { not_ok "stepca: $LSCD is not built (make userspace)"; exit 1; }
[ "$(id -u)" = 0 ] || { not_ok "stepca: network namespaces need root"; exit 1; }
STEPCA=$(tests/peers/step-ca/build) ||
	{ not_ok "stepca: cannot build step-ca (see tests/peers/step-ca/build)"; exit 1; }

netns_scratch stepca

# root NAME: a self-signed RSA root at $W/NAME.{crt,key}
root() {
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/$1.key" -out "$W/$1.crt" \
		-days 30 -subj "/O=capwap-lsc tests/CN=$1" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}
root root && root otherroot || { not_ok "stepca_setup: openssl cannot make the roots"; exit 1; }
openssl req -new -newkey rsa:2048 -nodes -keyout "$W/int.key" -out "$W/int.csr" \
	-subj "/O=capwap-lsc tests/CN=step intermediate" 2>/dev/null &&
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign,digitalSignature,keyEncipherment\n' \
	>"$W/int.ext" &&
openssl x509 -req -in "$W/int.csr" -CA "$W/root.crt" -CAkey "$W/root.key" -CAcreateserial \
	-days 30 -extfile "$W/int.ext" -out "$W/int.crt" 2>/dev/null ||
	{ not_ok "stepca_setup: openssl cannot make the intermediate"; exit 1; }

cat >"$W/ca.json" <<JSON
{
	"root": "$W/root.crt",
	"crt": "$W/int.crt",
	"key": "$W/int.key",
	"address": "127.0.0.1:9443",
	"insecureAddress": "127.0.0.1:9080",
	"dnsNames": ["127.0.0.1"],
	"db": { "type": "badgerv2", "dataSource": "$W/db" },
	"logger": { "format": "text" },
	"authority": {
		"provisioners": [
			{ "type": "SCEP", "name": "scep", "challenge": "sekrit", "forceCN": true }
		]
	}
}
JSON
nsenter --net="$W/ns" env HOME="$W" "$STEPCA" "$W/ca.json" >"$W/step-ca.log" 2>&1 &
pids+=($!)
URL=http://127.0.0.1:9080/scep/scep
wait_until 30 in_ns curl -sf "$URL?operation=GetCACaps" ||
	{ not_ok "stepca_setup: step-ca did not come up: $(tail -n 3 "$W/step-ca.log")"; exit 1; }

fp() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//'; }
intfp=$(fp "$W/int.crt")

# csr NAME CN: RSA-2048, the challenge inside (step-ca wants it there)
csr() {
	openssl req -new -newkey rsa:2048 -nodes -keyout "$W/$1.key" -out "$W/$1.csr" \
		-subj "/CN=$2" -addext "challengePassword=sekrit" 2>/dev/null ||
	openssl req -new -newkey rsa:2048 -nodes -keyout "$W/$1.key" -out "$W/$1.csr" \
		-config <(printf '[req]\nprompt=no\ndistinguished_name=dn\nattributes=a\n[dn]\nCN=%s\n[a]\nchallengePassword=sekrit\n' "$2") \
		2>/dev/null
}
lscd_run() {
	local name=$1
	shift
	in_ns "$LSCD" "$@" >"$W/$name.out" 2>"$W/$name.err"
}
fail_why() { tail -n 2 "$W/$1.err" | tr '\n' ' '; }

if lscd_run getca getca --url "$URL" && grep -q "^Certificates: 1$" "$W/getca.out" &&
	grep -q "subject:     O = capwap-lsc tests, CN = step intermediate" "$W/getca.out" &&
	grep -q "does not chain to a root.*lscd would refuse it" "$W/getca.err"; then
	ok "stepca_getca_returns_the_intermediate_only"
else
	not_ok "stepca_getca_returns_the_intermediate_only: $(fail_why getca) $(grep -m2 'Certificates\|subject' "$W/getca.out" | tr '\n' ' ')"
fi

csr ap1 AP-stepca-1
mkdir -p "$W/o"
lscd_run noroot enroll --url "$URL" --fingerprint "$intfp" --csr "$W/ap1.csr" --out "$W/o"
rc=$?
if [ "$rc" = 1 ] && [ ! -e "$W/o/ap1.crt" ] &&
	grep -q "does not chain to a root: .*set ca_root" "$W/noroot.err"; then
	ok "stepca_intermediate_alone_refused_no_partial_chain"
else
	not_ok "stepca_intermediate_alone_refused_no_partial_chain: rc=$rc $(fail_why noroot)"
fi

lscd_run otherroot enroll --url "$URL" --fingerprint "$intfp" --ca-root "$W/otherroot.crt" \
	--csr "$W/ap1.csr" --out "$W/o"
rc=$?
if [ "$rc" = 1 ] && [ ! -e "$W/o/ap1.crt" ] &&
	grep -q "does not chain to a root" "$W/otherroot.err"; then
	ok "stepca_root_that_did_not_sign_refused"
else
	not_ok "stepca_root_that_did_not_sign_refused: rc=$rc $(fail_why otherroot)"
fi

# The issued certificate verifies to the root through the intermediate,
# as an AP checks it, and never with the intermediate alone as an anchor.
if lscd_run enroll enroll --url "$URL" --fingerprint "$intfp" --ca-root "$W/root.crt" \
	--csr "$W/ap1.csr" --out "$W/o" --trace &&
	grep -q "CA chain of 2 certificate(s) up to the root" "$W/enroll.err" &&
	openssl verify -CAfile "$W/root.crt" -untrusted "$W/int.crt" "$W/o/ap1.crt" >/dev/null &&
	! openssl verify -CAfile "$W/int.crt" "$W/o/ap1.crt" >/dev/null 2>&1; then
	ok "stepca_enroll_with_ca_root_verifies_to_the_root"
else
	not_ok "stepca_enroll_with_ca_root_verifies_to_the_root: $(fail_why enroll)"
fi

# step-ca re-issues for a DN that already holds a certificate.
csr ap2 AP-stepca-2
if lscd_run enroll2 enroll --url "$URL" --ca-file "$W/int.crt" --ca-root "$W/root.crt" \
	--csr "$W/ap2.csr" --out "$W/o" &&
	openssl verify -CAfile "$W/root.crt" -untrusted "$W/int.crt" "$W/o/ap2.crt" >/dev/null; then
	ok "stepca_enroll_pinned_by_ca_file"
else
	not_ok "stepca_enroll_pinned_by_ca_file: $(fail_why enroll2)"
fi

finish
