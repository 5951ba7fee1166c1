#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every suite the module's record layer carries, end to end: the module in
# "dtls required", the real lscd with dtls_suites naming the AES-GCM and
# the AES-CBC ones, and lsc-wtp --dtls --dtls-suites offering one suite
# each (its OpenSSL, its MIC from the manufacturer CA lscd trusts):
#
#   lsc-wtp (one suite each) --CAPWAP DTLS 127.0.0.1:5246--> capwap_lsc.ko
#   s_client -no_etm -> capwap-dtls-shim.py --/           | dtls group
#                                                         lscd --> scepserver
#
#   - ECDHE-RSA-AES128-GCM-SHA256, ECDHE-RSA-AES256-GCM-SHA384, and
#     AES128-SHA (RSA key exchange, RFC 5415's MUST), DHE-RSA-AES128-SHA
#     (its SHOULD) and ECDHE-RSA-AES128-SHA, these three with
#     encrypt-then-MAC: each AP reaches Run over DTLS, so the first
#     records after the handover went both ways (the module opened the
#     Join, Configuration Status and Change State lsc-wtp's OpenSSL
#     sealed, and that OpenSSL read the answers the module sealed); sysfs
#     shows the AP's suite, and lscd logged it with the handover;
#   - what makes the GCM checks worth their pass: an ECDHE-RSA-AES128-
#     GCM-SHA256 AP whose key block reaches the module with one bit of
#     its receive salt flipped (lscd's LSCD_TEST_WRONG_SALT) never
#     reaches Run, its Join and the Join again dropped under
#     dtls_drop_auth;
#   - a client offering AES128-SHA without encrypt-then-MAC (openssl
#     s_client -no_etm) is refused by lscd with its reason in words, under
#     the policy counter, which the module counts too; lscd's counters
#     line at its exit holds the reason.
# Provisioning is off: the APs stay in Run with their MIC.

. tests/lib.sh
plan 11 900
. tests/vm/cases/lscd-lib.bash

shim=tests/peers/capwap-dtls-shim.py
stat() { cat "$sys/stats/$1"; }
lscd_setup dtls_suites --attempts 3 --bits 2048
need openssl openssl
need python3 python3

suites=(ECDHE-RSA-AES128-GCM-SHA256 ECDHE-RSA-AES256-GCM-SHA384
	AES128-SHA DHE-RSA-AES128-SHA ECDHE-RSA-AES128-SHA)
list=$(IFS=:; echo "${suites[*]}")

ca_serve ca 8080 || { not_ok "dtls_suites: scepserver did not start"; exit 1; }
python3 $shim 15246 127.0.0.1:5246 >"$tmp/shim.log" 2>&1 &
pids+=($!)
bad=02:4c:53:5e:00:09
LSCD_TEST_WRONG_SALT=$bad lscd_dtls_start dtls_suites --set dtls_suites="$list"
check "dtls_suites: lscctl config provision off" build/lscctl config provision off

# One AP a suite, all at once, each with its own state directory.
i=0
for s in "${suites[@]}"; do
	m=02:4c:53:5e:00:0$i
	mkdir -p "$tmp/ap$i"
	cp "$tmp/fleet/mfg-ca.key" "$tmp/fleet/mfg-ca.crt" "$tmp/ap$i/"
	ap_run $m AP3G1 --state-dir "$tmp/ap$i" --dtls --controller-ca "$lscca" \
		--controller-name wlc-test --dtls-suites "$s" --daemon --timeout 600
	i=$((i + 1))
done

in_run() {
	[ "$(ap_attr "$1" dtls_suite)" = "$2" ] &&
		build/lscctl -j show ap "$1" 2>/dev/null | grep -Eq '"session": ?"run"'
}
i=0
for s in "${suites[@]}"; do
	m=02:4c:53:5e:00:0$i
	line="authenticated as $m by its MIC, $s; keys handed to the module"
	if wait_until 240 in_run $m "$s" && grep -q "$line" "$tmp/lscd.log"; then
		ok "dtls_suites: $s: lsc-wtp's OpenSSL and the module exchange the first records both ways (Join to Run); sysfs shows $(ap_attr $m dtls_suite), lscd: $line"
	else
		not_ok "dtls_suites: $s: suite '$(ap_attr $m dtls_suite)', dtls '$(ap_attr $m dtls)': $(ap_log $m) / $(grep "$m" "$tmp/lscd.log" | tail -n 2 | tr '\n' ' ')"
	fi
	i=$((i + 1))
done

# Started once the others are in Run, so that the drops counted from here
# on are its own; its handshake overlaps the no-EtM client's.
auth0=$(stat dtls_drop_auth)
mkdir -p "$tmp/ap9"
cp "$tmp/fleet/mfg-ca.key" "$tmp/fleet/mfg-ca.crt" "$tmp/ap9/"
ap_run $bad AP3G1 --state-dir "$tmp/ap9" --dtls --controller-ca "$lscca" \
	--controller-name wlc-test --dtls-suites ECDHE-RSA-AES128-GCM-SHA256 --daemon --timeout 600

# CBC without encrypt-then-MAC: nothing lscd could hand the module.
wait_until 120 grep -q ready "$tmp/shim.log" || echo "# the shim did not start: $(cat "$tmp/shim.log")"
pol0=$(stat dtls_handshakes_failed_policy)
timeout 60 openssl s_client -dtls1_2 -cipher AES128-SHA -no_etm -connect 127.0.0.1:15246 \
	</dev/null >"$tmp/noetm.log" 2>&1
echo "exit $?" >>"$tmp/noetm.log"
pat="refused: CBC without encrypt-then-MAC \(policy counter\): CBC suite without encrypt-then-MAC \(RFC 7366\): not offered"
if wait_until 60 grep -Eq "DTLS: handshake from 127\.0\.0\.1:[0-9]+ $pat" "$tmp/lscd.log" &&
	wait_until 30 sh -c "[ \$(cat $sys/stats/dtls_handshakes_failed_policy) -gt $pol0 ]"; then
	ok "dtls_suites: AES128-SHA without encrypt-then-MAC (s_client -no_etm) is refused, counted by lscd and the module (dtls_handshakes_failed_policy $pol0 -> $(stat dtls_handshakes_failed_policy)): $(grep -Eo "refused: CBC without.*" "$tmp/lscd.log" | head -n 1 | cut -c 1-200)"
else
	not_ok "dtls_suites: no-EtM client: policy $pol0 -> $(stat dtls_handshakes_failed_policy); lscd: $(grep 'DTLS: handshake' "$tmp/lscd.log" | tail -n 2 | tr '\n' ' ') / client: $(tail -n 5 "$tmp/noetm.log" | tr '\n' ' ')"
fi

# Two drops: the Join and its retransmission, so the first had no answer.
line="authenticated as $bad by its MIC, ECDHE-RSA-AES128-GCM-SHA256; keys handed to the module"
if wait_until 240 grep -q "$line" "$tmp/lscd.log" &&
	grep -q "LSCD_TEST_WRONG_SALT=$bad" "$tmp/lscd.log" &&
	wait_until 120 sh -c "[ \$(cat $sys/stats/dtls_drop_auth) -ge $((auth0 + 2)) ]" &&
	! in_run $bad ECDHE-RSA-AES128-GCM-SHA256; then
	ok "dtls_suites: a wrong receive salt in the module keeps an AES128-GCM AP out of Run: dtls_drop_auth $auth0 -> $(stat dtls_drop_auth); $(build/lscctl show ap $bad 2>&1 | head -n 1)"
else
	not_ok "dtls_suites: wrong salt: dtls_drop_auth $auth0 -> $(stat dtls_drop_auth), suite '$(ap_attr $bad dtls_suite)': $(ap_log $bad) / $(grep -i "$bad\|WRONG_SALT" "$tmp/lscd.log" | tail -n 2 | tr '\n' ' ')"
fi

for p in "${ap_pids[@]}"; do
	kill "$p" 2>/dev/null
done
lscd_stop_ok dtls_suites
line=$(grep -o "DTLS counters: .*" "$tmp/lscd.log" | tail -n 1)
if grep -Eq "CBC without encrypt-then-MAC [1-9]" <<<"$line" &&
	grep -Eq ", ([5-9]|[1-9][0-9]+) handed over" <<<"$line"; then
	ok "dtls_suites: lscd's counters line: ${line:0:300}"
else
	not_ok "dtls_suites: counters: $line"
fi
check "dtls_suites: modprobe -r capwap_lsc" modprobe -r capwap_lsc
finish
