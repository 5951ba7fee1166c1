#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unloading while the AP sweep works: with the sweep every 250 ms, records
# idle for a second and requests expiring after a second, APs keep making
# records with queued requests and resetting while the module is removed,
# many times.  A sweep that outlived the request queue or the tables would
# touch freed memory, which slub_debug poisons: the guest oopses and the
# run fails.

. tests/lib.sh
rounds=8
plan $((rounds * 2))

peer=build/tools/capwap_peer
sys=/sys/kernel/capwap_lsc

for i in $(seq 1 $rounds); do
	if ! lab_modprobe echo_interval=1 dead_echoes=2 record_idle_s=1 \
			request_timeout_s=1; then
		not_ok "round $i: modprobe capwap_lsc"
		not_ok "round $i: unload while the sweep expires records and requests"
		continue
	fi
	$peer churn 60 >/dev/null 2>&1 &
	churn=$!
	# Records and requests come and go: the sweep has work at unload.
	if wait_until 60 sh -c "[ \$(cat $sys/stats/records_expired) -gt 2 ] &&
			       [ \$(cat $sys/requests) -gt 0 ]"; then
		ok "round $i: records expire while requests wait ($(cat $sys/stats/records_expired) expired, $(cat $sys/requests) requests)"
	else
		not_ok "round $i: records expired $(cat $sys/stats/records_expired), requests $(cat $sys/requests)"
	fi
	check "round $i: unload while the sweep expires records and requests" \
		modprobe -r capwap_lsc
	kill $churn 2>/dev/null
	wait $churn 2>/dev/null
done

finish
