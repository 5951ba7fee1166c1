#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A CA outage costs the APs no attempt.  The module gives each AP 4
# attempts; the CA (scepserver) is killed, three APs ask for an LSC, and
# lscd finds the CA unreachable: it holds the request it took, takes no
# new one and probes the CA with back-off.  After more failed probes than
# an AP has attempts, no AP has spent one; once the CA is back, every AP
# enrolls and none fell back.
#
# A CA that a reload replaced is not waited for: a request PENDING at it
# when it goes away fails (its AP asks again, and gets its LSC from the CA
# configured now) instead of holding every request, at each retry, for ever.
#
# A request whose answer was cut off after the CA issued it is polled for
# (CertPoll) before it is sent again: from a CA that keeps its
# transactions (the front plays one) the AP gets the certificate issued,
# and the CA issues no second one.

. tests/lib.sh
plan 9 600
. tests/vm/cases/lscd-lib.bash

lscd_setup lscd_outage --attempts 4
ca_serve ca 8080 -allowrenew 0 || { not_ok "lscd_outage: scepserver did not start"; exit 1; }
lscd_start --url http://127.0.0.1:8080/scep --set ca_retry_interval=2 --set retries=1 ||
	{ not_ok "lscd_outage: lscd did not start: $(lscd_tail)"; exit 1; }
wait_until 120 test -s "$tmp/state/controller.crt" ||
	{ not_ok "lscd_outage: the controller got no LSC: $(lscd_tail)"; exit 1; }

kill "$ca_pid_ca"
wait "$ca_pid_ca" 2>/dev/null
macs="02:4c:53:79:00:01 02:4c:53:79:00:02 02:4c:53:79:00:03"
for m in $macs; do
	ap_run "$m" AP3G1 --timeout 500
done
if wait_until 200 grep -q 'unreachable: .* held, no new ones taken' "$tmp/lscd.log"; then
	ok "lscd_outage: lscd holds its requests while the CA is unreachable"
else
	not_ok "lscd_outage: no hold: $(lscd_tail)"
fi
probes() { [ "$(grep -c 'still unreachable' "$tmp/lscd.log")" -ge 5 ]; }
wait_until 200 probes
spent=
for m in $macs; do
	a=$(ap_attr $m attempts)
	s=$(ap_attr $m state)
	[ "${a:-0}" = 0 ] && [ "$s" != fallback ] || spent="$spent $m:$s/$a"
done
if probes && [ -z "$spent" ]; then
	ok "lscd_outage: after 5 failed probes no AP spent an attempt"
else
	not_ok "lscd_outage: probes $(grep -c 'still unreachable' "$tmp/lscd.log"), spent:$spent"
fi

ca_serve ca 8080 -allowrenew 0 || not_ok "lscd_outage: scepserver did not come back"
if wait_until 120 grep -q 'answers again: resuming' "$tmp/lscd.log"; then
	ok "lscd_outage: lscd sees the CA back and resumes"
else
	not_ok "lscd_outage: no resume: $(lscd_tail)"
fi
failed=0
for p in "${ap_pids[@]}"; do
	wait "$p" || failed=$((failed + 1))
done
fb=$(cat $sys/stats/fallbacks 2>/dev/null)
if [ $failed = 0 ] && [ "${fb:-0}" = 0 ] && [ "$(certs_issued ca)" = 4 ]; then
	ok "lscd_outage: every AP enrolled, none fell back, one certificate each"
else
	not_ok "lscd_outage: $failed AP(s) failed, fallbacks ${fb:-?}, $(certs_issued ca) issued: $(lscd_tail)"
fi
lscd_stop_ok lscd_outage

# --- a replaced CA goes away while a request is PENDING there ---------------
pending_front 8090 ca "$tmp/pending.log" --pending 1000000 ||
	{ not_ok "lscd_outage: scep-pending.py did not start: $(tail -n 3 "$tmp/pending.log")"; exit 1; }
conf() {
	printf 'ca_url = %s\nca_retry_interval = 2\nretries = 1\npoll_initial = 2\npoll_factor = 1\n' \
		"$1" >"$tmp/lscd.conf"
}
conf http://127.0.0.1:8090/scep
lscd_start --config "$tmp/lscd.conf" ||
	{ not_ok "lscd_outage: lscd did not restart: $(lscd_tail)"; exit 1; }
m=02:4c:53:79:00:04
ap_run $m AP3G1 --daemon
pending() { grep -q 'answering PENDING' "$tmp/pending.log"; }
wait_until 200 pending ||
	{ not_ok "lscd_outage: the AP's request never went PENDING: $(lscd_tail)"; exit 1; }
r=$(grep -c 'configuration reloaded' "$tmp/lscd.log")
conf http://127.0.0.1:8080/scep
kill -HUP "$lscd_pid"
wait_until 60 sh -c "[ \$(grep -c 'configuration reloaded' '$tmp/lscd.log') -gt $r ]"
kill "$front"
wait "$front" 2>/dev/null
has_lsc() { [ "$(ap_attr $m cert_type)" = LSC ]; }
if wait_until 240 has_lsc &&
	grep -q 'CA http://127.0.0.1:8090/scep unreachable after .* no longer the configured CA: the request fails' "$tmp/lscd.log"; then
	ok "lscd_outage: a request PENDING at a CA a reload replaced fails when it goes away; its AP enrolls with the new one"
else
	not_ok "lscd_outage: AP $(ap_attr $m state)/$(ap_attr $m cert_type): $(lscd_tail 3)"
fi
lscd_stop_ok lscd_outage_replaced

# --- the CA issues, and the answer is cut off ---------------------------------
# The front closes the connection on the first request scepserver issued,
# unanswered, and keeps that transaction for CertPoll, as a CA that keeps
# its transactions does.  lscd must ask for it before sending the request
# again: sent again, it would make the CA issue a second certificate.
pending_front 8091 ca "$tmp/cut.log" --pending 0 --cut 1 ||
	{ not_ok "lscd_outage: scep-pending.py --cut did not start: $(tail -n 3 "$tmp/cut.log")"; exit 1; }
conf http://127.0.0.1:8091/scep
lscd_start --config "$tmp/lscd.conf" ||
	{ not_ok "lscd_outage: lscd did not restart: $(lscd_tail)"; exit 1; }
before=$(certs_issued ca)
m=02:4c:53:79:00:05
ap_run $m AP3G1 --daemon
has_lsc() { [ "$(ap_attr $m cert_type)" = LSC ]; }
wait_until 240 has_lsc
issued=$(($(certs_issued ca) - before))
if has_lsc && grep -q 'answer cut off' "$tmp/cut.log" &&
	grep -q "AP $m request [0-9]*: the request may have reached the CA: transactionID .* is asked for (CertPoll)" "$tmp/lscd.log" &&
	[ "$issued" = 1 ]; then
	ok "lscd_outage: an answer cut off after the CA issued: lscd polls the transaction and the AP gets that certificate, the only one issued"
else
	not_ok "lscd_outage: AP $(ap_attr $m cert_type), issued $issued, front: $(tail -n 2 "$tmp/cut.log" | tr '\n' ' ') lscd: $(lscd_tail 3)"
fi
lscd_stop_ok lscd_outage_cut
finish
