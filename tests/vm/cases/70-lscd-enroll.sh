#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lscd end to end: it enrolls its own LSC with a real scepserver (RSA-2048
# CA), pushes the CA to the module, and enrolls three lsc-wtp APs (RSA-2048 keys) on their
# behalf; each AP rejoins with its LSC, which verifies against the CA, and
# the CA issued exactly one certificate per request.

. tests/lib.sh
plan 8
. tests/vm/cases/lscd-lib.bash

lscd_setup lscd_enroll --attempts 3 --bits 2048
ca_serve ca 8080 -allowrenew 0 || { not_ok "lscd_enroll: scepserver did not start"; exit 1; }
if ! lscd_start --url http://127.0.0.1:8080/scep; then
	not_ok "lscd_enroll: lscd did not start: $(lscd_tail)"
	exit 1
fi
macs="02:4c:53:70:00:01 02:4c:53:70:00:02 02:4c:53:70:00:03"
for m in $macs; do
	ap_run "$m" AP3G1 --timeout 150
done
failed=0
for i in "${!ap_pids[@]}"; do
	wait "${ap_pids[$i]}" || failed=$((failed + 1))
done
if [ $failed = 0 ]; then
	ok "lscd_enroll: three APs enrolled through lscd and rejoined with their LSC"
else
	not_ok "lscd_enroll: $failed AP(s) failed: $(ap_log 02:4c:53:70:00:01) / $(lscd_tail)"
fi
bad=
for m in $macs; do
	d="$tmp/ap-${m//:/}"
	[ "$(ap_attr "$m" cert_type)" = LSC ] || bad="$bad $m:cert_type=$(ap_attr "$m" cert_type)"
	openssl verify -CAfile "$tmp/ca/ca.pem" "$d/lsc.crt" >/dev/null 2>&1 || bad="$bad $m:verify"
	openssl x509 -in "$d/lsc.crt" -noout -subject 2>/dev/null |
		grep -q "CN = CAP3G1-${m//:/}" || bad="$bad $m:subject"
done
if [ -z "$bad" ]; then
	ok "lscd_enroll: every AP's LSC verifies against the CA (openssl verify), with the AP's CN, and the module shows LSC"
else
	not_ok "lscd_enroll:$bad"
fi
if openssl verify -CAfile "$tmp/ca/ca.pem" "$tmp/state/controller.crt" >/dev/null 2>&1 &&
	[ "$(stat -c %a "$tmp/state/controller.key")" = 600 ] &&
	cmp -s <(openssl x509 -in "$tmp/ca/ca.pem" -outform DER) \
		<(openssl x509 -in "$tmp/state/ca.pem" -outform DER); then
	ok "lscd_enroll: controller's LSC from the CA, key 0600, CA stored in the state dir"
else
	not_ok "lscd_enroll: controller state: $(ls -l "$tmp/state" | tr '\n' ' ') $(lscd_tail)"
fi
build/lscctl show summary >"$tmp/summary" 2>&1
if grep -q "Controller LSC.*Present" "$tmp/summary" &&
	grep -q "CA certificate.*Present" "$tmp/summary"; then
	ok "lscd_enroll: SET_CONTROLLER: lscctl shows the CA and the controller's LSC present"
else
	not_ok "lscd_enroll: lscctl show summary: $(tr '\n' ' ' <"$tmp/summary")"
fi
n=$(certs_issued ca)
if [ "$n" = 4 ]; then
	ok "lscd_enroll: the CA issued exactly 4 certificates (3 APs, the controller)"
else
	not_ok "lscd_enroll: the CA issued $n certificates, expected 4: $(ls "$tmp/ca" | tr '\n' ' ')"
fi
if [ "$(grep -c 'certificate issued, serial' "$tmp/lscd.log")" = 3 ] &&
	grep -q 'AP 02:4c:53:70:00:01 request [0-9]*: enrollment started, model AP3G1, transactionID [0-9a-f]\{64\}' "$tmp/lscd.log"; then
	ok "lscd_enroll: one log line per enrollment start and end, with MAC and transactionID"
else
	not_ok "lscd_enroll: log: $(grep 'AP ' "$tmp/lscd.log" | head -n 4 | tr '\n' ' ')"
fi
if lscd_stop; then
	ok "lscd_enroll: SIGTERM: lscd exits 0"
else
	not_ok "lscd_enroll: lscd exited non-zero on SIGTERM: $(lscd_tail)"
fi
journal_empty && ok "lscd_enroll: journal empty after every request completed" ||
	not_ok "lscd_enroll: journal left: $(ls -A "$tmp/state/journal" 2>&1 | tr '\n' ' ')"
finish
