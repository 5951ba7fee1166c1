#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Teardown and rebinding: an AP's Reset and its next Join reach the
# module at the same moment, from two processes spinning on the two CPUs,
# on one socket, many times.  Both are answered every time, and whenever
# the module handled the Join last (the record's session is Join, not
# down), that session keeps the address binding that the Reset's unbind,
# which runs after the AP's lock is released, would otherwise take.

. tests/lib.sh
plan 4

# 300 rounds are some 600 Joins from one address, past the per-source
# Join burst (400) when the guest is fast: the limiter (case 33) is off.
check "modprobe capwap_lsc join_rate=0" modprobe capwap_lsc join_rate=0
checks 2 "capwap_peer rebind" build/tools/capwap_peer rebind 300
check "modprobe -r capwap_lsc" modprobe -r capwap_lsc
finish
