#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Never lose work.  The CA sits behind tests/peers/scep-pending.py, which
# answers PENDING three times per request before handing over what
# scepserver issued.  lscd is killed with SIGKILL while requests are
# PENDING, and later stopped with SIGTERM while others are; each time the
# restarted lscd re-takes the requests the kernel queued again, matches
# them to its journal and polls with the same transactionID.  Then the
# module is reloaded while a request is with the CA.  Every AP ends with
# its LSC, and the CA issued exactly one certificate per AP.

. tests/lib.sh
plan 10 900
. tests/vm/cases/lscd-lib.bash

lscd_setup lscd_resume --attempts 2
ca_serve ca 8080 -allowrenew 0 || { not_ok "lscd_resume: scepserver did not start"; exit 1; }
python3 tests/peers/scep-pending.py --port 8090 --upstream http://127.0.0.1:8080/scep \
	--ca-cert "$tmp/ca/ca.pem" --ca-key "$tmp/ca/ca.key" --pending 3 \
	>"$tmp/pending.log" 2>&1 &
pids+=($!)
# python3 behind pyenv's shim takes seconds to start in the VM.
wait_until 120 curl -sf "http://127.0.0.1:8090/scep?operation=GetCACaps" ||
	{ not_ok "lscd_resume: scep-pending.py did not start: $(tail -n 3 "$tmp/pending.log")"; exit 1; }

start() {
	lscd_start --url http://127.0.0.1:8090/scep --set poll_initial=2 \
		--set poll_factor=1 "$@" ||
		{ not_ok "lscd_resume: lscd did not start: $(lscd_tail)"; exit 1; }
}
pending_aps() {
	[ "$(grep -c 'AP .*left transactionID .* PENDING' "$tmp/lscd.log")" -ge "$1" ]
}

start
wait_until 120 test -s "$tmp/state/controller.crt" ||
	{ not_ok "lscd_resume: the controller got no LSC: $(lscd_tail)"; exit 1; }

# SIGKILL with requests PENDING at the CA.
macs="02:4c:53:71:00:01 02:4c:53:71:00:02 02:4c:53:71:00:03"
for m in $macs; do
	ap_run "$m" AP3G1 --timeout 400
done
if wait_until 200 pending_aps 1; then
	kill -KILL "$lscd_pid"
	wait "$lscd_pid" 2>/dev/null
	lscd_pid=
	j=$(grep -l '^state = pending' "$tmp/state/journal"/*.txn 2>/dev/null | wc -l)
	if [ "$j" -ge 1 ]; then
		ok "lscd_resume: after SIGKILL the journal holds $j PENDING transaction(s)"
	else
		not_ok "lscd_resume: journal after SIGKILL: $(cat "$tmp/state/journal"/* 2>/dev/null | grep '^state' | tr '\n' ' ')"
	fi
	start
else
	not_ok "lscd_resume: no request went PENDING: $(lscd_tail)"
fi
failed=0
for p in "${ap_pids[@]}"; do
	wait "$p" || failed=$((failed + 1))
done
if [ $failed = 0 ] && grep -q 'resuming from the journal, state pending' "$tmp/lscd.log"; then
	ok "lscd_resume: after SIGKILL and restart every AP got its LSC, resumed by CertPoll"
else
	not_ok "lscd_resume: $failed AP(s) failed: $(ap_log 02:4c:53:71:00:01) / $(grep -E 'resum|failed' "$tmp/lscd.log" | head -n 3 | tr '\n' ' ')"
fi

# SIGTERM drains: nothing on the wire is lost, PENDING work stays journaled.
ap_pids=()
macs2="02:4c:53:71:00:04 02:4c:53:71:00:05"
for m in $macs2; do
	ap_run "$m" AP3G1 --timeout 400
done
if wait_until 200 pending_aps 4; then
	# PENDING work is not on the wire: nothing to drain, so lscd stops
	# without waiting out drain_timeout.
	if lscd_stop && ! grep -q 'drain timeout' "$tmp/lscd.log"; then
		ok "lscd_resume: SIGTERM with requests PENDING: lscd exits 0 without running into its drain timeout"
	else
		not_ok "lscd_resume: SIGTERM: exit status or drain timeout: $(lscd_tail 3)"
	fi
	if grep -q '^state = pending' "$tmp/state/journal"/*.txn 2>/dev/null; then
		ok "lscd_resume: after SIGTERM the PENDING work is in the journal"
	else
		not_ok "lscd_resume: journal after SIGTERM: $(ls "$tmp/state/journal" | tr '\n' ' ')"
	fi
	start
else
	not_ok "lscd_resume: the second batch never went PENDING: $(lscd_tail)"
fi
failed=0
for p in "${ap_pids[@]}"; do
	wait "$p" || failed=$((failed + 1))
done
[ $failed = 0 ] && ok "lscd_resume: after SIGTERM and restart both APs got their LSC" ||
	not_ok "lscd_resume: $failed AP(s) of the second batch failed: $(ap_log 02:4c:53:71:00:04)"

# rmmod and modprobe while a request is with the CA: the AP asks the new
# module again with the same key (new request id), and what lscd holds
# for the first request (the job still PENDING, or the certificate it
# brought back with no request left to take it) answers the second.  The
# CA is not asked again: it issues one certificate for that AP.
# The AP runs as a daemon: it outlives the controller's going away, and
# joins the new module as a real AP would.
ap_pids=()
m3=02:4c:53:71:00:06
ap_run "$m3" AP3G1 --daemon --retransmit-ms 1000
if wait_until 200 grep -q "AP $m3 .*left transactionID .* PENDING" "$tmp/lscd.log"; then
	modprobe -r capwap_lsc && lab_modprobe &&
		$helper config --ca "$fx/ca2048/ca.pem" --key-type rsa --bits 1024 --attempts 2 \
			>"$tmp/config3.log" 2>&1 ||
		not_ok "lscd_resume: module reload: $(cat "$tmp/config3.log" 2>/dev/null)"
	wait_until 400 sh -c "[ \"\$(cat $sys/aps/$m3/cert_type 2>/dev/null)\" = LSC ]"
	kill "${ap_pids[0]}" 2>/dev/null
	wait "${ap_pids[0]}" 2>/dev/null
	if [ "$(ap_attr $m3 cert_type)" = LSC ] &&
		grep -q "AP $m3 request .*: same key and subject as request" "$tmp/lscd.log"; then
		ok "lscd_resume: module reloaded with a request at the CA: the AP's new request took what lscd held for the first"
	else
		not_ok "lscd_resume: module reload: $(ap_log $m3) / $(grep "$m3" "$tmp/lscd.log" | tail -n 3 | tr '\n' ' ')"
	fi
else
	not_ok "lscd_resume: the request of $m3 never went PENDING: $(lscd_tail)"
fi

bad=
for m in $macs $macs2 $m3; do
	openssl verify -CAfile "$tmp/ca/ca.pem" "$tmp/ap-${m//:/}/lsc.crt" >/dev/null 2>&1 ||
		bad="$bad $m"
done
[ -z "$bad" ] && ok "lscd_resume: all 6 LSCs verify against the CA" ||
	not_ok "lscd_resume: LSC missing or not from the CA:$bad"
n=$(certs_issued ca)
if [ "$n" = 7 ]; then
	ok "lscd_resume: the CA issued exactly 7 certificates (6 APs, the controller): one per AP"
else
	not_ok "lscd_resume: the CA issued $n certificates, expected 7: $(ls "$tmp/ca" | tr '\n' ' ')"
fi
lscd_stop_ok "lscd_resume: final"
journal_empty && ok "lscd_resume: journal empty at the end" ||
	not_ok "lscd_resume: journal left: $(ls -A "$tmp/state/journal" 2>&1 | tr '\n' ' ')"
finish
