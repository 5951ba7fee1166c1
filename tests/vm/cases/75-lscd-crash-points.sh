#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Crashes at the two awkward points of an enrollment, landed exactly with
# LSCD_TEST_EXIT_AFTER (lscd exits as if killed right after the journal
# took that state):
#   issued  the CA issued and lscd journaled the certificate, but the
#           kernel never got it: the restarted lscd hands over the
#           journaled certificate and does not ask the CA again
#   sent    lscd journaled "sent" but the request never left: the restarted
#           lscd polls, the CA knows nothing of it, and lscd sends it then
#   answered the CA issued, lscd had the certificate in hand but nothing of
#           it journaled (the journal says "sent"): the restarted lscd polls
#           with the same transaction id (CertPoll); a CA that keeps its
#           transactions answers with the certificate (one certificate), one
#           that does not (scepserver) refuses the poll and lscd sends the
#           request again (two certificates, the first never delivered)
# Either way the AP ends with its LSC; the CA issued one certificate for it
# in the first two cases, and the number the test prints in the third.
# Last, a journal that cannot take the SENT state (mounted read-only): the
# request fails in words and never reaches the CA.

. tests/lib.sh
plan 15
. tests/vm/cases/lscd-lib.bash

lscd_setup lscd_crash --attempts 3
ca_serve ca 8080 -allowrenew 0 || { not_ok "lscd_crash: scepserver did not start"; exit 1; }

# crash_case NAME MAC STATE [JOURNALED_STATE]
crash_case() {
	local name=$1 mac=$2 state=$3 jstate=${4:-$3} n0 n want=1
	n0=$(certs_issued ca)
	LSCD_TEST_EXIT_AFTER=$state lscd_start --url http://127.0.0.1:8080/scep ||
		{ not_ok "lscd_crash: lscd did not start: $(lscd_tail)"; return; }
	ap_run "$mac" AP3G1 --timeout 300
	if wait_until 120 sh -c "! kill -0 $lscd_pid 2>/dev/null"; then
		wait "$lscd_pid" 2>/dev/null
		lscd_pid=
		if grep -q "^state = $jstate" "$tmp/state/journal"/*.txn 2>/dev/null; then
			ok "lscd_crash: $name: lscd died with the request journaled as '$jstate'"
		else
			not_ok "lscd_crash: $name: journal: $(cat "$tmp/state/journal"/*.txn 2>/dev/null | grep '^state')"
		fi
	else
		not_ok "lscd_crash: $name: lscd did not reach the crash point: $(lscd_tail 3)"
		lscd_stop
	fi
	lscd_start --url http://127.0.0.1:8080/scep ||
		{ not_ok "lscd_crash: lscd did not restart: $(lscd_tail)"; return; }
	if wait "${ap_pids[-1]}" &&
		openssl verify -CAfile "$tmp/ca/ca.pem" "$tmp/ap-${mac//:/}/lsc.crt" >/dev/null 2>&1 &&
		grep -q "AP $mac request [0-9]*: resuming from the journal, state $jstate" "$tmp/lscd.log"; then
		ok "lscd_crash: $name: after the restart the AP got its LSC, resumed from '$jstate'"
	else
		not_ok "lscd_crash: $name: $(ap_log "$mac") / $(lscd_tail 3)"
	fi
	n=$(( $(certs_issued ca) - n0 ))
	# The CA issued once before the crash; after it, only a refused poll
	# may make lscd ask again.
	[ "$state" = answered ] &&
		grep -q "AP $mac request [0-9]*: the CA does not answer CertPoll" "$tmp/lscd.log" &&
		want=2
	echo "# lscd_crash: $name: the CA issued $n certificate(s) for the request"
	if [ "$n" = "$want" ]; then
		ok "lscd_crash: $name: the CA issued $want certificate(s) for the request"
	else
		not_ok "lscd_crash: $name: the CA issued $n certificates for it, not $want"
	fi
	lscd_stop_ok "lscd_crash: $name"
}

# The controller enrolls first (the crash points spare it).
lscd_start --url http://127.0.0.1:8080/scep &&
	wait_until 60 test -s "$tmp/state/controller.crt" && lscd_stop ||
	{ not_ok "lscd_crash: the controller got no LSC: $(lscd_tail)"; exit 1; }
crash_case "crash after issue" 02:4c:53:75:00:01 issued
crash_case "crash before send" 02:4c:53:75:00:02 sent
crash_case "crash after the CA answered" 02:4c:53:75:00:03 answered sent
n0=$(certs_issued ca)
if lscd_start --url http://127.0.0.1:8080/scep &&
	mount --bind "$tmp/state/journal" "$tmp/state/journal" &&
	mount -o remount,bind,ro "$tmp/state/journal"; then
	ap_run 02:4c:53:75:00:04 AP3G1 --timeout 300
	if wait_until 120 grep -q "AP 02:4c:53:75:00:04 request [0-9]*: failed (.*): not sent: the journal cannot record it (Read-only file system)" "$tmp/lscd.log" &&
		[ "$(certs_issued ca)" = "$n0" ]; then
		ok "lscd_crash: read-only journal: the request is not sent, the AP is told why"
	else
		not_ok "lscd_crash: read-only journal: CA issued $(( $(certs_issued ca) - n0 )); $(lscd_tail 3)"
	fi
	kill "${ap_pids[-1]}" 2>/dev/null
	wait "${ap_pids[-1]}" 2>/dev/null
	umount "$tmp/state/journal"
else
	not_ok "lscd_crash: read-only journal: set-up failed: $(lscd_tail 3)"
fi
lscd_stop_ok "lscd_crash: read-only journal"
journal_empty && ok "lscd_crash: journal empty at the end" ||
	not_ok "lscd_crash: journal left: $(ls -A "$tmp/state/journal" 2>&1 | tr '\n' ' ')"
finish
