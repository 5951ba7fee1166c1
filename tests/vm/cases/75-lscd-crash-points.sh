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
# Either way the AP ends with its LSC and the CA issued one certificate for
# it (scepserver, no front).

. tests/lib.sh
plan 9
. tests/vm/cases/lscd-lib.bash

lscd_setup lscd_crash --attempts 3
ca_serve ca 8080 -allowrenew 0 || { not_ok "lscd_crash: scepserver did not start"; exit 1; }

# crash_case NAME MAC STATE
crash_case() {
	local name=$1 mac=$2 state=$3 n0
	n0=$(certs_issued ca)
	LSCD_TEST_EXIT_AFTER=$state lscd_start --url http://127.0.0.1:8080/scep ||
		{ not_ok "lscd_crash: lscd did not start: $(lscd_tail)"; return; }
	ap_run "$mac" AP3G1 --timeout 300
	if wait_until 120 sh -c "! kill -0 $lscd_pid 2>/dev/null"; then
		wait "$lscd_pid" 2>/dev/null
		lscd_pid=
		if grep -q "^state = $state" "$tmp/state/journal"/*.txn 2>/dev/null; then
			ok "lscd_crash: $name: lscd died with the request journaled as '$state'"
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
		grep -q "AP $mac request [0-9]*: resuming from the journal, state $state" "$tmp/lscd.log"; then
		ok "lscd_crash: $name: after the restart the AP got its LSC, resumed from '$state'"
	else
		not_ok "lscd_crash: $name: $(ap_log "$mac") / $(lscd_tail 3)"
	fi
	if [ $(( $(certs_issued ca) - n0 )) = 1 ]; then
		ok "lscd_crash: $name: the CA issued exactly one certificate for the request"
	else
		not_ok "lscd_crash: $name: the CA issued $(( $(certs_issued ca) - n0 )) certificates for it"
	fi
	lscd_stop_ok "lscd_crash: $name"
}

# The controller enrolls first (the crash points spare it).
lscd_start --url http://127.0.0.1:8080/scep &&
	wait_until 60 test -s "$tmp/state/controller.crt" && lscd_stop ||
	{ not_ok "lscd_crash: the controller got no LSC: $(lscd_tail)"; exit 1; }
crash_case "crash after issue" 02:4c:53:75:00:01 issued
crash_case "crash before send" 02:4c:53:75:00:02 sent
journal_empty && ok "lscd_crash: journal empty at the end" ||
	not_ok "lscd_crash: journal left: $(ls -A "$tmp/state/journal" 2>&1 | tr '\n' ' ')"
finish
