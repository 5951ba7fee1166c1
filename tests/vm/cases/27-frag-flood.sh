#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# First fragments that never complete, one every 4 s from each of 80
# ports of one address, then from 4 ports each of 40 addresses: a
# fragmented LSC Join from another sender is still reassembled and
# answered.  Prints the kmalloc caches' active objects while the flood
# holds the reassembly slots (for docs/KERNEL.md, not checked).

. tests/lib.sh
plan 7

flood=build/tools/capwap_flood
if [ ! -x $flood ]; then
	not_ok "$flood missing (make build/tools/capwap_flood)"
	exit 1
fi
lab_modprobe || { not_ok "modprobe capwap_lsc, lab mode"; exit 1; }

checks 6 "capwap_flood frags" $flood frags
check "modprobe -r capwap_lsc" modprobe -r capwap_lsc
finish
