#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A Configuration Update Request of 960 CA_CERT chunks that each claim
# 255 objects, from a sender with no session: refused as a malformed
# vendor payload when it is validated, counted, never answered.  Prints
# the softirq time each such datagram costs (for the record, not checked:
# tests assert no timings).

. tests/lib.sh
plan 5

flood=build/tools/capwap_flood
if [ ! -x $flood ]; then
	not_ok "$flood missing (make build/tools/capwap_flood)"
	exit 1
fi
lab_modprobe || { not_ok "modprobe capwap_lsc, lab mode"; exit 1; }

checks 4 "capwap_flood chunks" $flood chunks 10
check "modprobe -r capwap_lsc" modprobe -r capwap_lsc
finish
