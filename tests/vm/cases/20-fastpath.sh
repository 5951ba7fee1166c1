#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The control fast path against build/tools/capwap_peer: every message the
# kernel answers, duplicates, unknown requests, DTLS and fragments; the
# genl configuration; the per-AP sysfs directories and keys that appear
# for the APs that joined.

. tests/lib.sh
plan 36

peer=build/tools/capwap_peer
if [ ! -x $peer ]; then
	not_ok "fastpath: $peer missing (make build/tools/capwap_peer)"
	exit 1
fi

lab_modprobe rtx_ms=100 mtu=576 || { not_ok "modprobe capwap_lsc"; exit 1; }

checks 17 "capwap_peer fastpath" $peer fastpath
checks 9 "capwap_peer config" $peer config

sys=/sys/kernel/capwap_lsc
mac=02:ca:00:00:00:01
ap_dir=$sys/aps/$mac
if wait_until 5 test -d $ap_dir; then
	ok "sysfs aps/$mac appears for a joined AP"
else
	not_ok "sysfs aps/$mac missing: $(ls $sys/aps | head -n 3 | tr '\n' ' ')"
fi
if [ "$(cat $ap_dir/cert_type 2>/dev/null)" = MIC ] &&
   [ "$(cat $ap_dir/state 2>/dev/null)" = idle ] &&
   [ "$(cat $ap_dir/attempts 2>/dev/null)" = 0 ] &&
   [ -z "$(cat $ap_dir/last_error 2>/dev/null)" ] &&
   [ "$(cat $ap_dir/joined_since 2>/dev/null)" -gt 1000000000 ] &&
   [ "$(cat $ap_dir/dtls 2>/dev/null)" = none ] &&
   [ "$(ls $ap_dir | sort | tr '\n' ' ')" = "attempts cert_type dtls joined_since last_error state " ]; then
	ok "per-AP sysfs: state, cert_type, attempts, last_error, joined_since, dtls (none: its session is down) and nothing else"
else
	not_ok "per-AP sysfs: $(grep -H . $ap_dir/* 2>&1 | tr '\n' ' ')"
fi
if [ "$(cat $sys/stats/rx/echo_request)" -ge 3 ] &&
   [ "$(cat $sys/stats/tx/discovery_response)" -ge 1 ] &&
   [ "$(cat $sys/stats/malformed/dtls)" -ge 1 ] &&
   [ "$(cat $sys/lsc_enabled)" = 1 ] && [ "$(cat $sys/mtu)" = 576 ] &&
   [ "$(cat $sys/max_attempts)" = 255 ] && [ "$(cat $sys/key_bits)" = 2048 ]; then
	ok "sysfs stats/rx, stats/tx, stats/malformed and settings"
else
	not_ok "sysfs stats: $(grep -r . $sys/stats | head -n 5 | tr '\n' ' ')"
fi

keyring=$(awk '/ keyring *\.capwap_lsc:/ { print $1 }' /proc/keys)
# /proc/keys cuts the type name to 9 characters: match the description.
key=$(awk -v m="$mac" '$8 == "capwap_ls" && $9 ~ "^"m { print $1 }' /proc/keys)
if [ -n "$key" ] && keyctl rdescribe "0x$key" | grep -q "capwap_lsc_ap;.*;$mac" &&
   grep "^$key " /proc/keys | grep -q "idle attempts=0 cert=MIC"; then
	ok "AP key in .capwap_lsc describes MAC, state, attempts, cert type"
else
	not_ok "AP key: key=$key keyring=$keyring $(grep capwap_lsc_ap /proc/keys | head -n 2)"
fi
len=$(keyctl pipe "0x$key" 2>/dev/null | wc -c)
# The session, model and serial have no sysfs files: the record has them.
if [ "$len" = 160 ] &&
   keyctl pipe "0x$key" | head -c 6 | od -An -tx1 | tr -d ' \n' | grep -q '^02ca00000001$' &&
   [ "$(keyctl pipe "0x$key" | od -An -tu1 -j7 -N1 | tr -d ' ')" = 4 ] &&
   keyctl pipe "0x$key" | tr '\0' '\n' | grep -qx AIR-LAP1262N-A-K9 &&
   keyctl pipe "0x$key" | tr '\0' '\n' | grep -qx AP000001; then
	ok "AP key read returns the 160-byte struct capwap_lsc_ap_record (session down, model, serial)"
else
	not_ok "AP key read: $len bytes"
fi
if ! setpriv --reuid=65534 --regid=65534 --clear-groups keyctl pipe "0x$key" >/dev/null 2>&1 &&
   ! setpriv --reuid=65534 --regid=65534 --clear-groups keyctl rdescribe "0x$keyring" >/dev/null 2>&1; then
	ok "unprivileged user can read neither the keyring nor an AP key"
else
	not_ok "unprivileged user reads the keyring or a key"
fi
if ! head -c 16 /dev/zero | keyctl padd capwap_lsc_ap 02:ca:00:00:00:99 @s >/dev/null 2>&1 &&
   ! printf 'x' | keyctl padd capwap_lsc_ap forged @s >/dev/null 2>&1; then
	ok "userspace cannot create capwap_lsc_ap keys"
else
	not_ok "userspace created a capwap_lsc_ap key"
fi

# Answers leave in the skbs their requests came in.  While anyone asks for
# receive timestamps, such an skb carries its arrival time (wall clock);
# fq reads skb->tstamp as a departure time, and drops an answer that kept
# it as beyond its horizon: APs would never reach Run.
load=build/tools/capwap_load
if [ -x $load ] && modprobe sch_fq && tc qdisc replace dev lo root fq; then
	stamp_log=$(mktemp)
	# Debian's python3 itself: pyenv's shim takes long to start in the VM.
	py=/usr/bin/python3
	[ -x $py ] || py=python3
	$py -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 29, 1)  # SO_TIMESTAMP
print("stamping", flush=True)
time.sleep(120)' > "$stamp_log" 2>&1 &
	stamper=$!
	if wait_until 120 grep -q stamping "$stamp_log"; then
		out=$($load 5246 echo 1 2>&1)
		drops=$(tc -s qdisc show dev lo | grep -o 'horizon_drops [0-9]*')
		if printf '%s\n' "$out" | grep -q '^answers [1-9]'; then
			ok "answers sent through fq while receive timestamps are on"
		else
			not_ok "answers through fq with receive timestamps: $out ($drops)"
		fi
	else
		not_ok "no socket with SO_TIMESTAMP: $(cat "$stamp_log")"
	fi
	kill $stamper
	rm -f "$stamp_log"
	tc qdisc del dev lo root
else
	not_ok "fq on lo: $load missing, or no sch_fq"
fi

check "modprobe -r capwap_lsc" modprobe -r capwap_lsc
if wait_until 10 sh -c '! grep -q " capwap_ls .*02:ca:" /proc/keys'; then
	ok "unload removes every AP key"
else
	not_ok "AP keys left after unload: $(grep -c ' capwap_ls .*02:ca:' /proc/keys)"
fi
finish
