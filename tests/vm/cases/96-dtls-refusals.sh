#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every refusal of issue 10's list, against the module in "dtls required",
# the real lscd answering the handshakes the module relays, a real
# scepserver for the LSC CA, and real OpenSSL clients: lsc-wtp --dtls
# presenting the certificate of each case (--mic-cert/--mic-key take any
# pair, its LSC store any LSC), and `openssl s_client` for the two
# handshakes lsc-wtp cannot make (no client certificate, DTLS 1.0), behind
# tests/peers/capwap-dtls-shim.py, which only adds the CAPWAP DTLS header.
#
#   lsc-wtp --dtls (each AP) ----------------\
#   s_client -> capwap-dtls-shim.py ----------+--> 127.0.0.1:5246 capwap_lsc.ko
#   clear-text Join and Reset for AP A -------/          | dtls group (genl)
#                                                       lscd --HTTP--> scepserver
#
# AP A joins first with its LSC and stays in Run.  Then, each refused, with
# lscd's reason and counter (its "handshake ... refused: REASON (COUNTER
# counter)" line), no record for the refused MAC, and A's record unchanged
# (lscctl -j show ap and sysfs, before and after):
#   - no client certificate (s_client);
#   - a MIC from a manufacturer CA lscd does not know;
#   - an LSC from a foreign CA that bears the LSC CA's very name;
#   - an expired MIC;
#   - the LSC CA's own certificate, with its key;
#   - an SSC whose key is not on ssc_allow_file (and, as the control, an
#     SSC that is, accepted);
#   - A's LSC, captured, presented without its private key (a key with the
#     certificate's public point and another scalar: OpenSSL's client takes
#     it, its CertificateVerify cannot verify);
#   - a DTLS 1.0 ClientHello (s_client -dtls1);
#   - a Join over DTLS naming A, in a session authenticated by another
#     AP's MIC: the certificate's MAC is not the Join's (dtls_join_mismatch,
#     Result Code Unknown Source);
#   - a clear-text Join naming A from another address (lsc-wtp without
#     --dtls), and a clear-text Reset Request from another address
#     (dtls_clear_refused).
# At the end lscd's counters line holds every reason.

. tests/lib.sh
plan 17 600
. tests/vm/cases/lscd-lib.bash
. tests/vm/cases/dtlsref-fixtures.bash

lscctl=build/lscctl
shim=tests/peers/capwap-dtls-shim.py
stat() { cat "$sys/stats/$1"; }
lscd_setup dtlsref --attempts 3 --bits 1024
need openssl openssl
need python3 python3

ca_serve ca 8080 || { not_ok "dtlsref: scepserver did not start"; exit 1; }
python3 $shim 15246 127.0.0.1:5246 >"$tmp/shim.log" 2>&1 &
pids+=($!)
lscca=$tmp/ca/ca.pem
# Absolute: lscd takes no relative path in its settings.
P=$(dtlsref_fixtures "$fx") && P=$(cd "$P" && pwd) ||
	{ not_ok "dtlsref: cannot make the test PKI"; exit 1; }
lsckey=$P/lscca.key
# lsc_store DIR NAME: an AP state directory holding the LSC NAME.
lsc_store() {
	mkdir -p "$1" && chmod 700 "$1" && cp "$P/$2.key" "$1/lsc.key" &&
	chmod 600 "$1/lsc.key" && cp "$P/$2.crt" "$1/lsc.crt" && cp "$lscca" "$1/lsc-ca.pem"
}
lsc_store "$tmp/apA" lscA &&
	install -m 644 "$P/mfg.crt" "$tmp/mic-ca.pem" &&
	install -m 644 "$P/ssc-allow.txt" "$tmp/ssc-allow.txt" ||
	{ not_ok "dtlsref: cannot lay out the AP state directories"; exit 1; }

check "dtlsref: lscctl config dtls required" $lscctl config dtls required
lscd_start --url http://127.0.0.1:8080/scep --set mic_ca_file="$tmp/mic-ca.pem" \
	--set ssc_allow_file="$tmp/ssc-allow.txt" \
	--set dtls_cert_file="$P/ctl.crt" --set dtls_key_file="$tmp/state/controller.key" ||
	{ not_ok "dtlsref: lscd did not start: $(lscd_tail)"; exit 1; }
# The LSC CA comes with the controller's enrollment: A's LSC chains to it.
wait_until 120 test -s "$tmp/state/controller.crt" ||
	{ not_ok "dtlsref: the controller got no LSC: $(lscd_tail)"; exit 1; }

dtls_args=(--dtls --controller-ca "$lscca" --controller-name wlc-test --timeout 200)
# ap_dtls MAC DIR [ARGS...]: lsc-wtp --dtls, its state in DIR, its log in
# $tmp/ap-MAC.log, its pid in $ap_pid; it lives up to $ap_life seconds.
ap_life=250
ap_dtls() {
	local mac=$1 dir=$2
	shift 2
	timeout $ap_life $wtp --ac 127.0.0.1:5246 --mac "$mac" --model AP3G1 \
		--serial "SIM${mac//:/}" --state-dir "$dir" "${dtls_args[@]}" "$@" \
		>"$tmp/ap-${mac//:/}.log" 2>&1 &
	ap_pid=$!
	ap_pids+=($!)
}
# A's record as the operator reads it, less what time moves.
# (The first of each key: the AP's own, not its events'.)
snap() {
	timeout 30 $lscctl -j show ap "$A" 2>/dev/null |
		grep -oE '"(mac|address|port|session|joined_since|cert_type|state)": ?[^,}]*' |
		awk -F: '!seen[$1]++' | tr '\n' ' '
	echo "sysfs $(ap_attr "$A" state) $(ap_attr "$A" cert_type) $(ap_attr "$A" joined_since)"
}

a_in_run() { snap | grep -Eq '"session": ?"run"'; }

# --daemon: it stays joined, where an agent would stop at its first outcome;
# to the case's end (its last check needs A in Run).
ap_life=590 ap_dtls "$A" "$tmp/apA" --daemon
if wait_until 120 a_in_run &&
	grep -q "authenticated as $A by its LSC" "$tmp/lscd.log" &&
	[ "$(ap_attr "$A" cert_type)" = LSC ]; then
	ok "dtlsref: AP A joins over DTLS with its LSC and reaches Run"
else
	not_ok "dtlsref: AP A: $(snap) / $(ap_log "$A") / $(lscd_tail 3)"
	exit 1
fi
a0=$(snap)

# refused NAME MAC PATTERN [LOG]: lscd refused the handshake with PATTERN
# (a regex on the end of its line), no AP record for MAC, A's unchanged.
# On failure the client's LOG (its last lines) and lscd's say what it saw.
refused() {
	local name=$1 mac=$2 pat=$3 log=$4 line
	if wait_until 90 grep -Eq "DTLS: handshake from 127\.0\.0\.1:[0-9]+.* refused: $pat" "$tmp/lscd.log"; then
		line=$(grep -Eo "DTLS: handshake from 127\.0\.0\.1:[0-9]+.* refused: $pat.*" "$tmp/lscd.log" | head -n 1)
		if [ -n "$mac" ] && grep -q "authenticated as $mac" "$tmp/lscd.log"; then
			not_ok "dtlsref: $name: refused once, then authenticated: $line"
		elif [ -n "$mac" ] && [ -e "$sys/aps/$mac" ]; then
			not_ok "dtlsref: $name: refused, but $mac has a record: $(ap_attr "$mac" state)"
		elif [ "$(snap)" != "$a0" ]; then
			not_ok "dtlsref: $name: A's record moved: '$a0' -> '$(snap)'"
		else
			ok "dtlsref: $name: ${line:0:220}"
		fi
	else
		not_ok "dtlsref: $name: no refusal '$pat': module: relayed $(stat dtls_relayed) limited $(stat dtls_relay_limited) lost $(stat dtls_relay_lost); lscd: $(grep 'DTLS' "$tmp/lscd.log" | tail -n 3 | tr '\n' ' ')${log:+ / client: $(tail -n 6 "$log" | tr '\n' ' ') / shim: $(tail -n 3 "$tmp/shim.log" | tr '\n' ' ')}"
	fi
}

# The lsc-wtp APs, all at once: each is refused in its own handshake.
ap_dtls "$U" "$tmp/apU" --mic-cert "$P/micU.crt" --mic-key "$P/micU.key"
refused_pids+=("$ap_pid")
ap_dtls "$F" "$tmp/apF" --mic-cert "$P/lscF.crt" --mic-key "$P/lscF.key"
refused_pids+=("$ap_pid")
ap_dtls "$E" "$tmp/apE" --mic-cert "$P/micE.crt" --mic-key "$P/micE.key"
refused_pids+=("$ap_pid")
ap_dtls "$C" "$tmp/apC" --mic-cert "$lscca" --mic-key "$lsckey"
refused_pids+=("$ap_pid")
ap_dtls "$S1" "$tmp/apS1" --mic-cert "$P/sscS1.crt" --mic-key "$P/sscS1.key"
refused_pids+=("$ap_pid")
ap_dtls "$S2" "$tmp/apS2" --mic-cert "$P/sscS2.crt" --mic-key "$P/sscS2.key"
# A's own MAC, A's own certificate, a key that is not A's: the attacker
# who captured A's LSC.
ap_dtls "$A" "$tmp/apK" --mic-cert "$P/lscA.crt" --mic-key "$P/captured.key"
refused_pids+=("$ap_pid")

refused "a MIC from an unknown CA" "$U" \
	"untrusted \(authentication counter\): CN = AIR-AP3G1-K9-$(hexmac $U), issued by .*Unknown Manufacturing CA, chains to neither"
refused "an LSC from a foreign CA named as the LSC CA" "$F" \
	"untrusted \(authentication counter\): CN = CAP3G1-$(hexmac $F), issued by .*scep-ca.*, chains to neither"
refused "an expired MIC" "$E" \
	"expired \(authentication counter\): CN = AIR-AP3G1-K9-$(hexmac $E) expired"
refused "the LSC CA's own certificate" "$C" \
	"CA certificate \(policy counter\): .* is a CA certificate"
refused "an SSC not on ssc_allow_file" "$S1" \
	"SSC not authorised \(authentication counter\)"
refused "A's captured LSC without its key" "" \
	"key not proven \(authentication counter\): the peer's CertificateVerify does not verify"
# The refused APs would retry their handshakes to the end of their
# --timeout, and all of 127.0.0.1 shares one relay budget in the module.
for p in "${refused_pids[@]}"; do
	kill "$p" 2>/dev/null
done
if wait_until 90 grep -q "authenticated as $S2 by its SSC" "$tmp/lscd.log" &&
	wait_until 60 test "$(ap_attr "$S2" cert_type)" = SSC; then
	ok "dtlsref: the control: an SSC on ssc_allow_file is accepted, its record of type SSC"
else
	not_ok "dtlsref: SSC on the list: $(grep "$S2\|SSC" "$tmp/lscd.log" | tail -n 2 | tr '\n' ' ') cert_type '$(ap_attr "$S2" cert_type)': $(ap_log "$S2")"
fi

# s_client behind the shim (started early: python is slow to start in
# the guest): no certificate, then DTLS 1.0.
wait_until 120 grep -q ready "$tmp/shim.log" || echo "# the shim did not start: $(cat "$tmp/shim.log")"
# Each under timeout: a client that hangs is a "not ok" with its output.
timeout 60 openssl s_client -dtls1_2 -connect 127.0.0.1:15246 -CAfile "$lscca" \
	</dev/null >"$tmp/noca.log" 2>&1
echo "exit $?" >>"$tmp/noca.log"
refused "no client certificate (openssl s_client)" "" \
	"no certificate \(authentication counter\): the peer sent no certificate" "$tmp/noca.log"
timeout 60 openssl s_client -dtls1 -cipher 'DEFAULT:@SECLEVEL=0' -connect 127.0.0.1:15246 \
	</dev/null >"$tmp/dtls10.log" 2>&1
echo "exit $?" >>"$tmp/dtls10.log"
refused "a DTLS 1.0 ClientHello (openssl s_client -dtls1)" "" \
	"protocol \(policy counter\): the peer does not offer DTLS 1.2" "$tmp/dtls10.log"

# A Join naming A in a DTLS session that Y's MIC authenticated.
mm0=$(stat dtls_join_mismatch)
ap_dtls "$A" "$tmp/apY" --mic-cert "$P/micY.crt" --mic-key "$P/micY.key"
if wait_until 90 sh -c "[ \$(cat $sys/stats/dtls_join_mismatch) -gt $mm0 ]" &&
	grep -q "authenticated as $Y by its MIC" "$tmp/lscd.log" &&
	[ ! -e "$sys/aps/$Y" ] && [ "$(snap)" = "$a0" ]; then
	ok "dtlsref: a Join naming A over a DTLS session authenticated as $Y is refused (dtls_join_mismatch $mm0 -> $(stat dtls_join_mismatch)); no record for $Y, A's unchanged"
else
	not_ok "dtlsref: Join for A from Y's session: dtls_join_mismatch $mm0 -> $(stat dtls_join_mismatch), record $Y $([ -e "$sys/aps/$Y" ] && echo yes), A '$a0' -> '$(snap)': $(ap_log "$A")"
fi

# Clear text from another address: a Join naming A, a Reset Request.
cr0=$(stat dtls_clear_refused)
timeout 60 $wtp --ac 127.0.0.1:5246 --mac "$A" --model AP3G1 --serial SIMclear \
	--state-dir "$tmp/apclear" --timeout 20 >"$tmp/apclear.log" 2>&1 &
ap_pids+=($!)
if wait_until 60 sh -c "[ \$(cat $sys/stats/dtls_clear_refused) -gt $cr0 ]" &&
	[ "$(snap)" = "$a0" ]; then
	ok "dtlsref: a clear-text Join naming A from another address is refused (dtls_clear_refused $cr0 -> $(stat dtls_clear_refused)); A's record unchanged"
else
	not_ok "dtlsref: clear-text Join for A: dtls_clear_refused $cr0 -> $(stat dtls_clear_refused), A '$a0' -> '$(snap)'"
fi
cr1=$(stat dtls_clear_refused)
# Reset Request (17), one Image Identifier element (25: vendor 0, "x").
timeout 60 python3 -c '
import socket, struct
elem = struct.pack("!HHI", 25, 5, 0) + b"x"
ctl = struct.pack("!IBHB", 17, 1, 3 + len(elem), 0) + elem
hdr = bytes([0, 0x10, 0x02, 0x00, 0, 0, 0, 0])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.2", 0))
s.sendto(hdr + ctl, ("127.0.0.1", 5246))
' >"$tmp/reset.log" 2>&1
if wait_until 30 sh -c "[ \$(cat $sys/stats/dtls_clear_refused) -gt $cr1 ]" &&
	[ "$(snap)" = "$a0" ] && a_in_run; then
	ok "dtlsref: a clear-text Reset Request from another address is refused (dtls_clear_refused $cr1 -> $(stat dtls_clear_refused)); A stays in Run, unchanged"
else
	not_ok "dtlsref: clear-text Reset: dtls_clear_refused $cr1 -> $(stat dtls_clear_refused), A '$a0' -> '$(snap)'; sender: $(tr '\n' ' ' <"$tmp/reset.log"); rx_packets $(stat rx_packets)"
fi

for p in "${ap_pids[@]}"; do
	kill "$p" 2>/dev/null
done
# lscd's counters line at its exit holds every reason of this case.
lscd_stop_ok dtlsref
line=$(grep -o "DTLS counters: .*" "$tmp/lscd.log" | tail -n 1)
missing=
for r in "no certificate" untrusted expired "CA certificate" "SSC not authorised" \
	"key not proven" protocol; do
	grep -Eq "(\(|, )$r [1-9][0-9]*" <<<"$line" || missing="$missing '$r'"
done
if [ -z "$missing" ] && grep -Eq "FailedDTLSAuthFailCount [1-9]" <<<"$line"; then
	ok "dtlsref: lscd's counters count every reason: ${line:0:300}"
else
	not_ok "dtlsref: counters lack$missing: $line"
fi
check "dtlsref: modprobe -r capwap_lsc" modprobe -r capwap_lsc
finish
