#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A CA outage costs the APs no attempt.  The module gives each AP 4
# attempts; the CA (scepserver) is killed, three APs ask for an LSC, and
# lscd finds the CA unreachable: it holds the request it took, takes no
# new one and probes the CA with back-off.  After more failed probes than
# an AP has attempts, no AP has spent one; once the CA is back, every AP
# enrolls and none fell back.

. tests/lib.sh
plan 5 600
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
finish
