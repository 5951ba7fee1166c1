#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Leaks of what the module makes at run time: 2,000 APs (records, keys,
# sysfs directories, cached responses), an LSC exchange's worth of
# requests and timers, then unload.  A leak of one object per AP grows
# some slab cache by 2,000; the guest's own activity moves them by far
# less.

. tests/lib.sh
plan 4

peer=build/tools/capwap_peer
n=2000

slab_snapshot() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	awk 'NR > 2 { print $1, $2 }' /proc/slabinfo | sort
}

modprobe capwap_lsc && modprobe -r capwap_lsc
sleep 1
before=$(mktemp)
after=$(mktemp)
slab_snapshot > "$before"
keys_before=$(wc -l < /proc/keys)

modprobe capwap_lsc rtx_ms=100
$peer mkaps $n || true
$peer rtx > /dev/null || true
$peer queue > /dev/null || true
wait_until 60 sh -c "[ \$(ls /sys/kernel/capwap_lsc/aps | wc -l) -ge $n ]"
check "modprobe -r capwap_lsc with $n APs" modprobe -r capwap_lsc

if wait_until 20 sh -c "[ \$(wc -l < /proc/keys) -le $keys_before ]"; then
	ok "every AP key is gone after unload"
else
	not_ok "keys: $keys_before before, $(wc -l < /proc/keys) after unload"
fi
slab_snapshot > "$after"
grown=$(join "$before" "$after" | awk -v n=$n '$3 - $2 >= n / 2 { print $1 ": " $2 " -> " $3 }')
if [ -z "$grown" ]; then
	ok "no slab cache grew after $n APs and unload"
else
	not_ok "slab caches grew: $(echo $grown)"
fi
rm -f "$before" "$after"
finish
