#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module's state is for administrators: as uid 65534 every command of
# the genl family (doit and dump) and joining every group fail with EPERM,
# and no file under aps/<mac>/ can be read, while the settings and the
# counters stay world-readable.  As root the same requests are not
# refused, so the refusals above are for privilege alone.  The APs made
# for this are enough for the AP dump to go out in many rounds, each
# resuming where the last stopped across hash buckets: it must list every
# AP exactly once.

. tests/lib.sh
plan 40

need setpriv util-linux
perm=build/tools/genl_perm
peer=build/tools/capwap_peer
sys=/sys/kernel/capwap_lsc
n=1500
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

check "modprobe capwap_lsc, lab mode (clear text)" lab_modprobe
checks 1 "capwap_peer mkaps" $peer mkaps $n
if [ "$(cat $sys/ap_count)" = $n ]; then
	ok "ap_count is $n"
else
	not_ok "ap_count is '$(cat $sys/ap_count)', $n expected"
fi

checks 22 "genl_perm refused as uid 65534" nobody $perm refused
checks 8 "genl_perm allowed as root" $perm allowed

# The per-AP directories come from work items: wait for all of them.
if wait_until 120 sh -c "[ \$(ls $sys/aps | wc -l) -eq $n ]"; then
	ok "sysfs has the $n AP directories"
else
	not_ok "sysfs has $(ls $sys/aps | wc -l) AP directories, $n expected"
fi

# One process reads every file, so that the check costs one fork.
files=$(ls -d $sys/aps/*/* | wc -l)
denied=$(nobody cat $sys/aps/*/* 2>&1 >/dev/null | grep -c 'Permission denied')
shown=$(nobody cat $sys/aps/*/* 2>/dev/null | wc -l)
if [ "$files" -eq $((n * 6)) ] && [ "$denied" -eq "$files" ] && [ "$shown" -eq 0 ]; then
	ok "uid 65534 can read none of the $files per-AP files"
else
	not_ok "per-AP files: $files, uid 65534 denied $denied, read $shown lines"
fi
if [ "$(cat $sys/aps/*/* | wc -l)" -eq "$files" ]; then
	ok "root reads every per-AP file"
else
	not_ok "root read $(cat $sys/aps/*/* 2>&1 | wc -l) lines of $files per-AP files"
fi

# Everything else: the settings, stats/ and its directories.
aggregate=$(find $sys -path $sys/aps -prune -o -type f -print | sort)
count=$(printf '%s\n' "$aggregate" | wc -l)
# shellcheck disable=SC2086
read_lines=$(nobody cat $aggregate | wc -l)
if [ "$count" -ge 50 ] && [ "$read_lines" -eq "$count" ] &&
	[ "$(nobody cat $sys/version)" = "$(cat VERSION)" ]; then
	ok "uid 65534 reads the version and all $count settings and counters"
else
	not_ok "uid 65534 read $read_lines lines of $count settings and counters"
fi
# shellcheck disable=SC2086
modes=$(stat -c %a $aggregate | sort -u | tr '\n' ' ')
if [ "$modes" = "444 " ]; then
	ok "settings and counters are mode 0444"
else
	not_ok "settings and counters have modes $modes"
fi
modes=$(stat -c %a $sys/aps/*/* | sort -u | tr '\n' ' ')
if [ "$modes" = "400 " ]; then
	ok "per-AP files are mode 0400"
else
	not_ok "per-AP files have modes $modes"
fi

check "modprobe -r capwap_lsc" modprobe -r capwap_lsc
finish
