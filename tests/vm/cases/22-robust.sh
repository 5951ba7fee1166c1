#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What the module must survive: unanswered requests (retransmission, then
# teardown), helpers that come late or die holding a request, and 100,000
# malformed datagrams (random and mutated valid ones) after which every
# counter still adds up.  Callers without CAP_NET_ADMIN: 12-perm.

. tests/lib.sh
plan 12

peer=build/tools/capwap_peer
lab_modprobe rtx_ms=100 || { not_ok "modprobe capwap_lsc"; exit 1; }

checks 3 "capwap_peer rtx" $peer rtx
checks 5 "capwap_peer queue" $peer queue
checks 2 "capwap_peer fuzz" $peer fuzz 100000

check "module still answers after the fuzzing" sh -c "$peer fastpath | grep -q '^ok echo response'"
check "modprobe -r capwap_lsc" modprobe -r capwap_lsc
finish
