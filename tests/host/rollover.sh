#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# GetNextCACert (RFC 8894 section 4.7) over HTTP, as `lscd getca` and the
# daemon's CA fetch read it: a next CA is shown only when the current CA
# signed the announcement.  Neither scepserver nor step-ca answers
# GetNextCACert, so tests/peers/scep-pending.py announces one in front of
# a real scepserver (--next-ca), signed with the CA's key, with another
# CA's key, or not at all.  The daemon's side (ca.next, then the pin moved
# when GetCACert returns the next CA) needs the module: VM case
# 81-lscd-rollover.
#
#   network namespace "ns" (loopback only)
#   +------------------------------------------------------------------+
#   |  build/lscd getca ---> :809N scep-pending.py --next-ca B ...       |
#   |                              ---> :8080 scepserver, CA A           |
#   +------------------------------------------------------------------+

set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. tests/lib.sh
plan 4

LSCD=$PWD/build/lscd
PEER=$PWD/tests/peers/scep-pending.py

need scepserver scep
[ -x "$LSCD" ] || { not_ok "rollover: $LSCD is not built (make userspace)"; exit 1; }
[ "$(id -u)" = 0 ] || { not_ok "rollover: network namespaces need root"; exit 1; }

netns_scratch rollover

scepserver ca -init -keySize 2048 -depot "$W/a" >/dev/null 2>&1 &
scepserver ca -init -keySize 2048 -depot "$W/b" >/dev/null 2>&1 &
scepserver ca -init -keySize 2048 -depot "$W/c" >/dev/null 2>&1 &
wait
[ -s "$W/a/ca.pem" ] && [ -s "$W/b/ca.pem" ] && [ -s "$W/c/ca.pem" ] ||
	{ not_ok "rollover_setup: scepserver ca -init failed"; exit 1; }
nsenter --net="$W/ns" scepserver -depot "$W/a" -port 8080 >"$W/a.log" 2>&1 &
pids+=($!)
wait_until 10 in_ns curl -sf "http://127.0.0.1:8080/scep?operation=GetCACaps" ||
	{ not_ok "rollover_setup: scepserver did not start"; exit 1; }

fp() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr A-F a-f; }
fpa=$(fp "$W/a/ca.pem")
fpb=$(fp "$W/b/ca.pem")

# front PORT ARGS...: the announcing front over CA A.
front() {
	local port=$1
	shift
	nsenter --net="$W/ns" python3 "$PEER" --port "$port" --pending 0 \
		--upstream http://127.0.0.1:8080/scep --ca-cert "$W/a/ca.pem" \
		--ca-key "$W/a/ca.key" --next-ca "$W/b/ca.pem" "$@" >"$W/front-$port.log" 2>&1 &
	pids+=($!)
	wait_until 30 in_ns curl -sf "http://127.0.0.1:$port/scep?operation=GetCACaps"
}
front 8091 --next-ca-signer "$W/a/ca.key" &&
front 8092 &&
front 8093 --next-ca-signer "$W/c/ca.key" --next-ca-signer-cert "$W/c/ca.pem" ||
	{ not_ok "rollover_setup: the fronts did not start: $(tail -n 2 "$W"/front-*.log)"; exit 1; }

getca() {
	in_ns "$LSCD" getca --url "http://127.0.0.1:$1/scep" --out "$W/o$1" \
		>"$W/getca-$1.out" 2>"$W/getca-$1.err"
}

mkdir -p "$W/o8091" "$W/o8092" "$W/o8093"
if getca 8091 && grep -q "^Capabilities: .*GetNextCACert" "$W/getca-8091.out" &&
	grep -q "^Next CA certificates: 1, signed by the current CA$" "$W/getca-8091.out" &&
	grep -q "^Next CA fingerprint (SHA-256): $fpb$" "$W/getca-8091.out" &&
	[ "$(fp "$W/o8091/next-ca.pem")" = "$fpb" ]; then
	ok "rollover: a next CA signed by the current CA is shown and written (next-ca.pem)"
else
	not_ok "rollover: signed next CA: $(grep -i next "$W/getca-8091.out" | tr '\n' ' ') $(tail -n 2 "$W/getca-8091.err")"
fi

if getca 8092 &&
	grep -q "^Next CA certificate: refused (GetNextCACert: the reply is not signed by the current CA (nor its RA)); announced CA $fpb, current CA $fpa$" "$W/getca-8092.out" &&
	[ ! -e "$W/o8092/next-ca.pem" ]; then
	ok "rollover: an unsigned next CA is refused, naming both CAs"
else
	not_ok "rollover: unsigned next CA: $(grep -i next "$W/getca-8092.out" | tr '\n' ' ')"
fi

if getca 8093 &&
	grep -q "^Next CA certificate: refused (.*not signed by the current CA.*); announced CA $fpb, current CA $fpa$" "$W/getca-8093.out" &&
	[ ! -e "$W/o8093/next-ca.pem" ]; then
	ok "rollover: a next CA signed by another CA's key is refused, naming both CAs"
else
	not_ok "rollover: next CA signed by a stranger: $(grep -i next "$W/getca-8093.out" | tr '\n' ' ')"
fi

# scepserver itself offers no GetNextCACert: lscd does not ask for it.
if in_ns "$LSCD" getca --url http://127.0.0.1:8080/scep >"$W/plain.out" 2>"$W/plain.err" &&
	grep -q "^Next CA certificate: not offered$" "$W/plain.out" &&
	! grep -q "GetNextCACert" "$W/plain.out"; then
	ok "rollover: scepserver offers no GetNextCACert and lscd does not ask"
else
	not_ok "rollover: scepserver's caps: $(grep -i 'Capabilities\|Next' "$W/plain.out" | tr '\n' ' ')"
fi
finish
