#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Sessions only an authenticated peer may keep: a blind sender walks
# spoofed sessions to Run and keeps them there with Echo Requests until
# they fill max_aps.  No clear-text session is authenticated, so a real AP
# that joins next still gets a record (the least recently heard spoofed
# one goes).  One source address may start only join_burst sessions at
# once and join_rate per second after that.  Joins of new MACs sent at
# once into a full table evict records faster than the work item frees
# them: the retired records waiting for it stay bounded.

. tests/lib.sh
plan 15

peer=build/tools/capwap_peer
flood=build/tools/capwap_flood

check "modprobe capwap_lsc max_aps=64, lab mode" lab_modprobe max_aps=64
checks 3 "capwap_peer blind" $peer blind 64
check "modprobe -r capwap_lsc" modprobe -r capwap_lsc

check "modprobe capwap_lsc join_rate=1 join_burst=5, lab mode" \
	lab_modprobe join_rate=1 join_burst=5
checks 2 "capwap_peer joinlimit" $peer joinlimit
if [ "$(cat /sys/kernel/capwap_lsc/stats/joins_rate_limited 2>/dev/null)" -gt 0 ] 2>/dev/null; then
	ok "sysfs stats/joins_rate_limited"
else
	not_ok "sysfs stats/joins_rate_limited: $(cat /sys/kernel/capwap_lsc/stats/joins_rate_limited 2>&1)"
fi
check "modprobe -r capwap_lsc" modprobe -r capwap_lsc

check "modprobe capwap_lsc max_aps=16 join_rate=0, lab mode" \
	lab_modprobe max_aps=16 join_rate=0
checks 2 "capwap_flood evict" $flood evict 40000
check "modprobe -r capwap_lsc (evict flood)" modprobe -r capwap_lsc
if modprobe capwap_lsc join_burst=0 2>/dev/null; then
	not_ok "modprobe capwap_lsc join_burst=0 refused"
	modprobe -r capwap_lsc
else
	ok "modprobe capwap_lsc join_burst=0 refused"
fi
finish
