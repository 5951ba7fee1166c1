#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Leaks of what the module makes at run time: 2,000 APs (records, keys,
# sysfs directories, cached responses), an LSC exchange's worth of
# requests and timers, then unload.  A leak of one object per AP grows
# some slab cache by 2,000; the guest's own activity moves them by far
# less.

. tests/lib.sh
plan 17

peer=build/tools/capwap_peer
n=2000

slab_snapshot() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	awk 'NR > 2 { print $1, $2 }' /proc/slabinfo | sort
}

# A warm-up cycle first, and the keys it made gone (the key garbage
# collector runs later), so that the snapshot counts only the guest's own.
check "warm-up load and unload" sh -c 'modprobe capwap_lsc && modprobe -r capwap_lsc'
if wait_until 30 sh -c '! grep -q capwap_ls /proc/keys'; then
	ok "the warm-up's keys are gone"
else
	not_ok "the warm-up's keys are still there: $(grep capwap_ls /proc/keys | head -n 2)"
fi
before=$(mktemp)
after=$(mktemp)
slab_snapshot > "$before"
keys_before=$(wc -l < /proc/keys)

check "modprobe capwap_lsc rtx_ms=100, lab mode" lab_modprobe rtx_ms=100
checks 1 "capwap_peer mkaps" $peer mkaps $n
checks 3 "capwap_peer rtx" $peer rtx
checks 5 "capwap_peer queue" $peer queue
if wait_until 60 sh -c "[ \$(ls /sys/kernel/capwap_lsc/aps | wc -l) -ge $n ]"; then
	ok "sysfs lists the $n APs before the unload"
else
	not_ok "sysfs lists $(ls /sys/kernel/capwap_lsc/aps 2>/dev/null | wc -l) APs, $n expected"
fi
# What the APs hold must show in the snapshot, or a clean one below would
# prove nothing.
during=$(mktemp)
slab_snapshot > "$during"
held=$(join "$before" "$during" | awk -v n=$n '$3 - $2 >= n { print $1 }' | head -n 3)
if [ -n "$held" ]; then
	ok "the $n APs hold slab objects while loaded: $(echo $held)"
else
	not_ok "no slab cache grew by $n while $n APs were loaded"
fi
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
rm -f "$before" "$during" "$after"
finish
