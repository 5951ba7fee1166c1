#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module parameters the other cases leave at their defaults:
#   vendor_id  the enterprise number of the LSC payloads: an lsc-wtp AP
#              speaking vendor 9 is provisioned by a module loaded with
#              vendor_id=9, which sysfs and lscctl show
#   ap_sysfs=0 no per-AP directories under aps/, while genl still lists
#              every AP and each has its key

. tests/lib.sh
plan 8
. tests/vm/cases/wtp-lib.bash

peer=build/tools/capwap_peer

# --- vendor_id ------------------------------------------------------------
check "modprobe capwap_lsc vendor_id=9, lab mode" lab_modprobe vendor_id=9
ca=$(wtp_ca) || { not_ok "params: cannot make the test CA"; exit 1; }
if [ "$(cat $sys/vendor_id)" = 9 ] &&
	build/lscctl show summary | grep -Eq "LSC payload vendor id +9$"; then
	ok "vendor_id=9: sysfs and lscctl show it"
else
	not_ok "vendor_id=9: sysfs '$(cat $sys/vendor_id)', lscctl: $(build/lscctl show summary | grep -i vendor)"
fi
check "vendor_id=9: the test helper configures the module" \
	$helper config --ca "$ca/ca.pem" --attempts 4 --key-type ec --bits 256
helper_start
mac=02:4c:53:25:00:01
if timeout 300 $wtp --ac 127.0.0.1:5246 --vendor-id 9 --mac $mac --model AP3G1 \
	--serial SIM25000001 --state-dir "$tmp/ap" --timeout 200 >"$tmp/wtp.log" 2>&1 &&
	[ "$(ap_attr $mac cert_type)" = LSC ] && [ "$(ap_attr $mac state)" = installed ]; then
	ok "vendor_id=9: an AP speaking vendor 9 is provisioned and rejoins with its LSC"
else
	not_ok "vendor_id=9: AP state '$(ap_attr $mac state)', cert '$(ap_attr $mac cert_type)': $(tail -n 3 "$tmp/wtp.log" | tr '\n' ' ')"
fi
kill "$helper_pid" 2>/dev/null
wait "$helper_pid" 2>/dev/null
helper_pid=
check "modprobe -r capwap_lsc" modprobe -r capwap_lsc

# --- ap_sysfs=0 -------------------------------------------------------------
check "modprobe capwap_lsc ap_sysfs=0, lab mode" lab_modprobe ap_sysfs=0
checks 1 "capwap_peer mkaps" $peer mkaps 5
# aps/ itself is there (a missing one would be empty too), and empty.
if [ -d $sys/aps ] && [ -z "$(ls -A $sys/aps)" ] &&
	[ "$(cat /sys/module/capwap_lsc/parameters/ap_sysfs)" = N ] &&
	build/lscctl show aps | grep -q '^5 APs' &&
	[ "$(grep -c ' capwap_ls .*02:ca:' /proc/keys)" = 5 ]; then
	ok "ap_sysfs=0: no per-AP directories; genl lists the 5 APs, each has its key"
else
	not_ok "ap_sysfs=0: aps/ holds '$(ls $sys/aps 2>&1 | head -n 3 | tr '\n' ' ')', lscctl: $(build/lscctl show aps | head -n 1), keys: $(grep -c ' capwap_ls .*02:ca:' /proc/keys)"
fi
finish
