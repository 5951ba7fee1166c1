#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module's lifecycle: modprobe pulls in udp_tunnel; the genl family,
# the sysfs directory, the keyring and the UDP port appear with it and go
# away with it; resolving the family loads the module; load/unload cycles
# leak nothing.

. tests/lib.sh
plan 17 1200

port=5246
port_hex=$(printf '%04X' $port)

# "genl ctrl get" would load the module again: list the families instead.
family_present() { genl ctrl list 2>/dev/null | grep -q 'Name: capwap_lsc$'; }
sysfs_present() { [ -d /sys/kernel/capwap_lsc ]; }
keyring_present() { grep -q ' keyring *\.capwap_lsc:' /proc/keys; }
port_bound() { awk 'NR > 1 { split($2, a, ":"); print a[2] }' /proc/net/udp | grep -qx "$port_hex"; }
module_loaded() { [ -d /sys/module/capwap_lsc ]; }

all_gone() {
	! module_loaded && ! family_present && ! sysfs_present &&
		! keyring_present && ! port_bound
}

check "modprobe capwap_lsc" modprobe capwap_lsc
check "udp_tunnel dependency loaded" test -d /sys/module/udp_tunnel
check "genl family capwap_lsc resolves" family_present
check "sysfs /sys/kernel/capwap_lsc exists" sysfs_present
if [ "$(cat /sys/kernel/capwap_lsc/version 2>/dev/null)" = "$(cat VERSION)" ]; then
	ok "sysfs version is $(cat VERSION)"
else
	not_ok "sysfs version: '$(cat /sys/kernel/capwap_lsc/version 2>&1)'"
fi
check "keyring .capwap_lsc exists" keyring_present
check "UDP port $port bound" port_bound
if { echo 1 > /sys/kernel/capwap_lsc/version; } 2>/dev/null; then
	not_ok "sysfs is read-only: a write to version succeeded"
else
	ok "sysfs is read-only"
fi
keyring_id=$(awk '/ keyring *\.capwap_lsc:/ { print $1 }' /proc/keys)
if as_nobody=$(setpriv --reuid=65534 --regid=65534 --clear-groups cat /proc/keys) &&
   ! printf '%s\n' "$as_nobody" | grep -q '\.capwap_lsc' &&
   ! setpriv --reuid=65534 --regid=65534 --clear-groups keyctl rdescribe "0x$keyring_id" >/dev/null 2>&1; then
	ok "keyring invisible to an unprivileged user"
else
	not_ok "keyring invisible to an unprivileged user"
fi

check "modprobe -r capwap_lsc" modprobe -r capwap_lsc
if wait_until 10 all_gone; then
	ok "unload removes family, sysfs, keyring and port"
else
	not_ok "unload removes everything: module=$(module_loaded && echo y) family=$(family_present && echo y) sysfs=$(sysfs_present && echo y) keyring=$(keyring_present && echo y) port=$(port_bound && echo y)"
fi

# Asking the kernel for the family name alone must load the module.
genl ctrl get name capwap_lsc >/dev/null 2>&1
if module_loaded && family_present; then
	ok "resolving the genl family autoloads the module"
else
	not_ok "resolving the genl family autoloads the module"
fi
modprobe -r capwap_lsc

check "port parameter honoured" sh -c 'modprobe capwap_lsc port=15246 &&
	[ "$(cat /sys/kernel/capwap_lsc/port)" = 15246 ] &&
	awk "NR > 1 { split(\$2, a, \":\"); print a[2] }" /proc/net/udp | grep -qx 3B8E'
modprobe -r capwap_lsc 2>/dev/null
if modprobe capwap_lsc port=0 2>/dev/null; then
	not_ok "port=0 refused"
	modprobe -r capwap_lsc
else
	ok "port=0 refused"
fi

# Leak check: the sum of live objects per slab cache and the number of
# keys, after one warm-up cycle and again after 100 cycles.  A module that
# leaks even one object per cycle grows some cache by 100, twice the
# threshold of 50; other activity in the guest moves the counts by up to
# about 25 (inodes, the processes that take the snapshots), half the
# threshold.  vm_leak, which
# leaks exactly one object per load, shows that such a leak is caught.
#
# One growth is the kernel's, not the module's: under slub_debug with user
# tracking, Debian's 6.1 keeps a dentry and an inode (its debugfs directory
# under /sys/kernel/debug/slab) for every slab cache made and destroyed.
# mbcache, from the kernel's own tree, makes one cache and shows it; what
# it shows per cycle is taken off per cache the module makes.
slab_snapshot() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	awk 'NR > 2 { print $1, $2 }' /proc/slabinfo | sort
}

# leak_cycles MODULE [KERNEL]: prints "grown" lines for the caches (and
# keys) that grew by 50 or more in 100 cycles, "clean" when none did;
# anything else is an error.  KERNEL dentries, inodes and LSM inode blobs
# per cycle are the kernel's and are taken off first.
leak_cycles() {
	local mod=$1 kernel=${2:-0} before after keys_before
	before=$(mktemp)
	after=$(mktemp)
	modprobe "$mod" && modprobe -r "$mod" || return 1
	# Keys are freed by the key garbage collector, after the unload.
	wait_until 10 sh -c '! grep -q capwap_ls /proc/keys' ||
		echo "keys of the warm-up cycle left: $(grep -c capwap_ls /proc/keys)"
	slab_snapshot > "$before"
	keys_before=$(wc -l < /proc/keys)
	# One process for the hundred cycles: two modprobe runs a cycle
	# cost the guest more than the loads themselves.
	build/tools/kmod_cycle "$mod" 100 || return 1
	# A cycle takes a third of a second now, and 6.1 hands kfree_rcu()
	# batches back only after 5 s (KFREE_DRAIN_JIFFIES): the last cycles'
	# objects would still count as live.
	sleep 6
	wait_until 10 sh -c "[ \$(wc -l < /proc/keys) -le $keys_before ]" ||
		echo "grown keys: $keys_before -> $(wc -l < /proc/keys)"
	slab_snapshot > "$after"
	join "$before" "$after" | awk -v k=$((kernel * 100)) '
		$1 == "dentry" || $1 == "inode_cache" || $1 == "lsm_inode_cache" { $3 -= k }
		$3 - $2 >= 50 { print "grown " $1 ": " $2 " -> " $3 }'
	echo clean
	rm -f "$before" "$after"
}

# slab_caches_of MODULE: how many slab caches the module makes at load.
slab_caches_of() {
	local before
	before=$(ls /sys/kernel/slab | sort)
	modprobe "$1" || return 1
	comm -13 <(printf '%s\n' "$before") <(ls /sys/kernel/slab | sort) | wc -l
	modprobe -r "$1"
}

# The kernel's own: dentries per cycle of mbcache (one cache), when that
# growth is there at all (it comes with slub_debug's user tracking).
report=$(leak_cycles mbcache 2>&1)
per_cache=0
if printf '%s\n' "$report" | grep -q '^grown dentry: '; then
	per_cache=$(printf '%s\n' "$report" |
		awk '/^grown dentry: / { printf "%d", ($5 - $3) / 100 + 0.5 }')
fi
caches=$(slab_caches_of capwap_lsc)
if [ "$(slab_caches_of mbcache)" = 1 ] && [ -n "$caches" ] &&
	printf '%s\n' "$report" | grep -qx clean &&
	! printf '%s\n' "$report" | grep -v '^grown \(dentry\|inode_cache\|lsm_inode_cache\): \|^clean$' | grep -q .; then
	ok "the kernel's own growth per slab cache and cycle, on mbcache: $per_cache; capwap_lsc makes $caches cache(s)"
else
	not_ok "measuring the kernel's own growth on mbcache: $(echo $report), capwap_lsc caches '$caches'"
fi

report=$(leak_cycles capwap_lsc $((per_cache * caches)) 2>&1)
if [ "$report" = clean ]; then
	ok "100 load/unload cycles leak nothing"
else
	not_ok "100 load/unload cycles: $(echo $report)"
fi

# The same check must catch a module that leaks one object per load.
report=$(leak_cycles vm_leak 2>&1)
if printf '%s\n' "$report" | grep -q '^grown kmalloc-192' &&
   ! printf '%s\n' "$report" | grep -qv '^grown \|^clean$'; then
	ok "leak check notices a leaking module ($(printf '%s\n' "$report" | grep '^grown' | head -n 3 | tr '\n' ' '))"
else
	not_ok "leak check notices a leaking module: $(echo $report)"
fi

finish
