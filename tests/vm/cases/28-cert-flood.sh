#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Records pinned by certificate requests: 100 APs in Run send a 3000-byte
# CSR each while no helper listens.  Only max_pending_requests of them
# may wait (each pins its record and CSR); the rest are refused with
# Result Code 4 in the WTP Event Response and cost nothing (kmalloc-4k
# active objects before and after); the waiting ones expire after
# request_timeout_s and their APs are told why.  Then a request a helper
# accepted and let go (its socket closed) expires the same way, although
# its AP had reached enrolling.

. tests/lib.sh
plan 15

peer=build/tools/capwap_peer
sys=/sys/kernel/capwap_lsc

check "modprobe capwap_lsc max_pending_requests=16 request_timeout_s=60, lab mode" \
	lab_modprobe max_pending_requests=16 request_timeout_s=60 \
	echo_interval=2 dead_echoes=10
if [ "$(cat $sys/max_pending_requests 2>/dev/null)" = 16 ]; then
	ok "sysfs max_pending_requests"
else
	not_ok "sysfs max_pending_requests: $(cat $sys/max_pending_requests 2>&1)"
fi
checks 7 "capwap_peer flood" $peer flood 100
check "modprobe -r capwap_lsc" modprobe -r capwap_lsc
check "modprobe capwap_lsc request_timeout_s=3, lab mode" \
	lab_modprobe request_timeout_s=3 echo_interval=2 dead_echoes=10
checks 3 "capwap_peer released" $peer released
check "modprobe -r capwap_lsc (released)" modprobe -r capwap_lsc
finish
