#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What the CA says no to reaches the operator and the AP's record, in words:
#   - a CA with a challenge: the controller's request with the wrong one is
#     refused (badRequest); so is an AP's, which carries the same wrong
#     challenge (lscd's ap_challenge defaults to its challenge; the kernel
#     sends it in CERT_PARAMS, the AP signs it into its CSR), and the AP's
#     record says why; after SIGHUP with the right one the controller's
#     request is issued, and so is a new AP's
#   - a CA that refuses every CSR (-csrverifierexec): the AP's record says
#     "Transaction not permitted or supported"
#   - the CA goes down: bounded retries, then the request is held, no
#     attempt spent; when the CA comes back the AP gets its LSC

. tests/lib.sh
plan 12
. tests/vm/cases/lscd-lib.bash

lscd_setup lscd_failures --attempts 3
# The refusing CA's verifier keeps each CSR it refused, so that the test
# knows the CA itself, and not lscd, said no to the AP's request.
printf '#!/bin/sh\ncat >"%s/refused-$$.der"\nexit 1\n' "$tmp" >"$tmp/refuse.sh"
chmod +x "$tmp/refuse.sh"
ca_serve chal 8081 -challenge sekrit -allowrenew 0 &&
ca_serve rej 8082 -csrverifierexec "$tmp/refuse.sh" &&
ca_serve down 8083 -allowrenew 0 ||
	{ not_ok "lscd_failures: scepserver did not start: $(tail -n 2 "$tmp"/*.log)"; exit 1; }

# --- challenge -----------------------------------------------------------
printf 'challenge = wrong\nretries = 2\nretry_delay = 0.3\n' >"$tmp/lscd.conf"
lscd_start --config "$tmp/lscd.conf" --url http://127.0.0.1:8081/scep ||
	{ not_ok "lscd_failures: lscd did not start: $(lscd_tail)"; exit 1; }
if wait_until 60 grep -q 'controller: enrollment failed (bad-request): CA refused: pkiStatus FAILURE, failInfo badRequest' "$tmp/lscd.log"; then
	ok "lscd_failures: wrong challenge: the controller's request is refused, failInfo badRequest in words"
else
	not_ok "lscd_failures: wrong challenge: $(lscd_tail)"
fi
mac=02:4c:53:72:00:01
ap_run $mac AP3G1 --timeout 120 --attempts 1
wait "${ap_pids[-1]}"
err=$(ap_attr $mac last_error)
case "$err" in
*badRequest*) ok "lscd_failures: challenge CA: the AP's record reads '$err'" ;;
*) not_ok "lscd_failures: challenge CA: AP last_error '$err', state '$(ap_attr $mac state)': $(lscd_tail 3)" ;;
esac
printf 'challenge = sekrit\nretries = 2\nretry_delay = 0.3\n' >"$tmp/lscd.conf"
kill -HUP "$lscd_pid"
if wait_until 60 grep -q 'controller: LSC installed' "$tmp/lscd.log" &&
	grep -q 'configuration reloaded' "$tmp/lscd.log" &&
	openssl verify -CAfile "$tmp/chal/ca.pem" "$tmp/state/controller.crt" >/dev/null 2>&1; then
	ok "lscd_failures: SIGHUP with the right challenge: the controller's LSC is issued"
else
	not_ok "lscd_failures: right challenge after SIGHUP: $(lscd_tail)"
fi
mac=02:4c:53:72:00:04
ap_run $mac AP3G1 --timeout 120 --attempts 1
wait "${ap_pids[-1]}"
if [ "$(ap_attr $mac cert_type)" = LSC ] && [ "$(ap_attr $mac state)" = installed ] &&
	openssl verify -CAfile "$tmp/chal/ca.pem" "$tmp/ap-${mac//:/}/lsc.crt" >/dev/null 2>&1; then
	ok "lscd_failures: challenge CA: with the right challenge in its CSR an AP gets its LSC, installed, from that CA"
else
	not_ok "lscd_failures: right challenge, AP $mac: state '$(ap_attr $mac state)', last_error '$(ap_attr $mac last_error)': $(lscd_tail 3)"
fi
lscd_stop_ok "lscd_failures"

# --- the CA refuses the CSR -------------------------------------------------
lscd_start --config "$tmp/lscd.conf" --url http://127.0.0.1:8082/scep ||
	{ not_ok "lscd_failures: lscd did not start: $(lscd_tail)"; exit 1; }
mac=02:4c:53:72:00:02
ap_run $mac AP3G1 --timeout 120 --attempts 1
wait "${ap_pids[-1]}"
err=$(ap_attr $mac last_error)
refused=$(for f in "$tmp"/refused-*.der; do
	openssl req -inform DER -in "$f" -noout -subject 2>/dev/null
done)
case "$err" in
*"failInfo badRequest"*)
	if printf '%s\n' "$refused" | grep -q "CN = CAP3G1-${mac//:/}"; then
		ok "lscd_failures: CA refuses the CSR: its verifier refused the AP's request, and the AP's record reads '$err'"
	else
		not_ok "lscd_failures: refused CSR: the CA's verifier never saw the AP's request (it saw: $(echo $refused)); record '$err'"
	fi ;;
*) not_ok "lscd_failures: refused CSR: AP last_error '$err': $(lscd_tail 3)" ;;
esac
[ "$(certs_issued rej)" = 0 ] && ok "lscd_failures: the refusing CA issued nothing" ||
	not_ok "lscd_failures: the refusing CA issued $(certs_issued rej)"
lscd_stop_ok "lscd_failures"

# --- the CA goes down, then comes back ------------------------------------
# Slower back-off here, so that the CA restarts within the AP's next try.
lscd_start --config "$tmp/lscd.conf" --url http://127.0.0.1:8083/scep --set retry_delay=2 ||
	{ not_ok "lscd_failures: lscd did not start: $(lscd_tail)"; exit 1; }
kill "$ca_pid_down"
wait "$ca_pid_down" 2>/dev/null
mac=02:4c:53:72:00:03
# --daemon: the AP keeps trying (an agent stops at its first outcome).
ap_run $mac AP3G1 --daemon --attempts 3
ap_pid=${ap_pids[-1]}
# retries = 2: three tries, then the request is held (no attempt spent).
if wait_until 120 grep -q "AP $mac request [0-9]*: CA unreachable after 3 attempts: held until it answers again" "$tmp/lscd.log"; then
	ok "lscd_failures: CA down: 3 tries, then the request is held, not failed"
else
	not_ok "lscd_failures: CA down: $(lscd_tail 3)"
fi
first_err=$(grep "AP $mac request [0-9]*: failed" "$tmp/lscd.log" | head -n 1)
ca_serve down 8083 -allowrenew 0
has_lsc() { [ "$(ap_attr $mac cert_type)" = LSC ]; }
if wait_until 180 has_lsc; then
	ok "lscd_failures: the CA came back: the AP's next attempt got its LSC"
else
	not_ok "lscd_failures: after the CA came back: $(ap_log $mac) / $(lscd_tail 3)"
fi
kill "$ap_pid" 2>/dev/null
wait "$ap_pid" 2>/dev/null
if [ -z "$first_err" ]; then
	ok "lscd_failures: the outage failed none of the AP's requests"
else
	not_ok "lscd_failures: the outage failed a request: '$first_err'"
fi
lscd_stop_ok "lscd_failures"
finish
