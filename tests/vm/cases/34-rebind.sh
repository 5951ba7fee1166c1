#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Teardown and rebinding: an AP's Reset and its next Join sent at the
# same moment, from two threads spinning on the two CPUs, 300 rounds.
#
# From one socket: both are answered every time, and whenever the module
# handled the Join last (the record's session is Join, not down), that
# session keeps the address binding that the Reset's unbind, which runs
# after the AP's lock is released, would otherwise take.
#
# With the Join from a second port (the AP moves): the session it opens
# there is never ended by the Reset from the port it left, whichever the
# module handles first; a Reset looked up before the move and handled
# after is dropped as stale.
#
# Two APs (two MACs) joining from one port at once: one of them has a
# session there afterwards.
#
# Two APs joining from one port in turn (displace, before rebind-pair so
# that the log line is not rate-limited away): each Join ends the other's
# session, counted in sessions_displaced and logged with both MACs and the
# address; a Join carrying the sequence number of the other AP's last
# Join is answered as its own, not with the other's cached answer.
#
# Whether the module ever handled the two at once is read from its
# counters (unbinds_skipped, stale_source, dropped): a busy host may
# never overlap them, so a zero is reported as a skip, not a failure.

. tests/lib.sh
plan 13

# 300 rounds are some 600 Joins from one address, past the per-source
# Join burst (400) when the guest is fast: the limiter (case 33) is off.
check "modprobe capwap_lsc join_rate=0, lab mode" lab_modprobe join_rate=0
checks 3 "capwap_peer displace" build/tools/capwap_peer displace
checks 3 "capwap_peer rebind" build/tools/capwap_peer rebind 300
checks 3 "capwap_peer rebind-move" build/tools/capwap_peer rebind-move 300
checks 2 "capwap_peer rebind-pair" build/tools/capwap_peer rebind-pair 300
check "modprobe -r capwap_lsc" modprobe -r capwap_lsc
finish
