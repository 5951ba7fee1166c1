#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# How long AP sessions and records live: a session that stays silent for
# dead_echoes Echo intervals is torn down by the module's sweep, one that
# echoes stays; spoofed Joins that fill max_aps evict each other but
# never an AP talking in Run or one with a request queued, and a real AP
# still gets in; records without a session expire after record_idle_s;
# the parameters are validated at load.

. tests/lib.sh
plan 28

peer=build/tools/capwap_peer

lab_modprobe echo_interval=1 dead_echoes=2 ||
	{ not_ok "modprobe capwap_lsc echo_interval=1 dead_echoes=2"; exit 1; }
checks 7 "capwap_peer silent" $peer silent 1
check "modprobe -r capwap_lsc" modprobe -r capwap_lsc

sys=/sys/kernel/capwap_lsc
ap_dirs() { ls $sys/aps | wc -l; }
ap_keys() { grep -c ' capwap_ls ' /proc/keys; }

lab_modprobe max_aps=8 || { not_ok "modprobe capwap_lsc max_aps=8"; exit 1; }
checks 6 "capwap_peer evict" $peer evict 8
if wait_until 20 sh -c "[ \$(ls $sys/aps | wc -l) = 8 ] && [ \$(grep -c ' capwap_ls ' /proc/keys) = 8 ]"; then
	ok "evicted records take their sysfs directory and key with them"
else
	not_ok "evicted records: $(ap_dirs) sysfs directories, $(ap_keys) keys for max_aps=8"
fi
if [ "$(cat $sys/stats/records_evicted)" = 19 ]; then
	ok "sysfs stats/records_evicted"
else
	not_ok "sysfs stats/records_evicted: $(cat $sys/stats/records_evicted)"
fi
check "modprobe -r capwap_lsc after evictions" modprobe -r capwap_lsc

lab_modprobe echo_interval=1 dead_echoes=2 record_idle_s=1 ||
	{ not_ok "modprobe capwap_lsc record_idle_s=1"; exit 1; }
checks 5 "capwap_peer expire" $peer expire
check "modprobe -r capwap_lsc after expiry" modprobe -r capwap_lsc

for bad in echo_interval=0 echo_interval=256 dead_echoes=1 dead_echoes=11 \
	   record_idle_s=2073601; do
	if modprobe capwap_lsc $bad 2>/dev/null; then
		not_ok "modprobe capwap_lsc $bad refused"
		modprobe -r capwap_lsc
	else
		ok "modprobe capwap_lsc $bad refused"
	fi
done
finish
