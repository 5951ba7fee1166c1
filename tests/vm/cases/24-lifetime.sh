#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# How long AP sessions and records live: a session that stays silent for
# dead_echoes Echo intervals is torn down by the module's sweep, one that
# echoes stays; the liveness parameters are validated at load.

. tests/lib.sh

peer=build/tools/capwap_peer

modprobe capwap_lsc echo_interval=1 dead_echoes=2 ||
	{ not_ok "modprobe capwap_lsc echo_interval=1 dead_echoes=2"; exit 1; }
$peer silent 1 || true
check "modprobe -r capwap_lsc" modprobe -r capwap_lsc

for bad in echo_interval=0 echo_interval=256 dead_echoes=1 dead_echoes=11; do
	if modprobe capwap_lsc $bad 2>/dev/null; then
		not_ok "modprobe capwap_lsc $bad refused"
		modprobe -r capwap_lsc
	else
		ok "modprobe capwap_lsc $bad refused"
	fi
done
finish
