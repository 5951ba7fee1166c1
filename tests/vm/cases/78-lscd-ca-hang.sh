#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A CA that accepts TCP and never answers (a listener that never reads)
# holds up only lscd's CA fetch: with the fetch hanging, lscd still
# answers a reload and stops on SIGTERM, well inside its transfer timeout
# of ten minutes.

. tests/lib.sh
plan 4 600
. tests/vm/cases/lscd-lib.bash

lscd_setup lscd_ca_hang --attempts 1
python3 -c '
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 8097))
s.listen(64)
print("listening", flush=True)
time.sleep(3600)
' >"$tmp/hang.log" 2>&1 &
pids+=($!)
wait_until 300 grep -q listening "$tmp/hang.log" ||
	{ not_ok "lscd_ca_hang: the listener did not start"; exit 1; }

# One connection to the listener that stays open: the fetch is under way.
fetching() {
	ss -Htn state established '( dport = :8097 )' | grep -q .
}
lscd_start --url http://127.0.0.1:8097/scep --set timeout=600 --set connect_timeout=600 ||
	{ not_ok "lscd_ca_hang: lscd did not start: $(lscd_tail)"; exit 1; }
if wait_until 60 fetching; then
	ok "lscd_ca_hang: lscd's GetCACaps hangs on the silent CA"
else
	not_ok "lscd_ca_hang: no connection to the silent CA: $(lscd_tail)"
fi
kill -HUP "$lscd_pid"
if wait_until 60 grep -q 'configuration reloaded' "$tmp/lscd.log" && fetching; then
	ok "lscd_ca_hang: with the fetch hanging, lscd answers SIGHUP"
else
	not_ok "lscd_ca_hang: no reload while the fetch hangs: $(lscd_tail)"
fi
kill -TERM "$lscd_pid"
if wait_until 60 sh -c "! kill -0 $lscd_pid 2>/dev/null"; then
	wait "$lscd_pid"
	rc=$?
	lscd_pid=
	[ $rc = 0 ] && ok "lscd_ca_hang: with the fetch hanging, SIGTERM stops lscd (exit 0)" ||
		not_ok "lscd_ca_hang: lscd exited $rc: $(lscd_tail)"
else
	not_ok "lscd_ca_hang: lscd still runs a minute after SIGTERM: $(lscd_tail)"
fi
if ! fetching; then
	ok "lscd_ca_hang: lscd closed its connection to the silent CA"
else
	not_ok "lscd_ca_hang: a connection to the silent CA is left open"
fi
finish
