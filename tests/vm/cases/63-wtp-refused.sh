#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Bridge and mesh APs are refused by the module with a reason; the local
# ones of the same fleet are provisioned.

. tests/lib.sh
plan 2
. tests/vm/cases/wtp-lib.bash

wtp_setup wtp_refused --attempts 4 --key-type ec --bits 256
helper_start
timeout 300 $wtp --ac 127.0.0.1:5246 --count 4 --bridge-fraction 0.25 \
	--mesh-fraction 0.25 --state-dir "$tmp/fleet" --json --timeout 200 \
	>"$tmp/fleet.json" 2>"$tmp/fleet.log"
rc=$?
if [ $rc = 0 ] && json_is "$tmp/fleet.json" refused 2 && json_is "$tmp/fleet.json" lsc 2; then
	ok "wtp_refused: 2 bridge/mesh APs refused, 2 local APs provisioned"
else
	not_ok "wtp_refused: exit $rc: $(tr -d '\n' <"$tmp/fleet.json")"
fi
refused=$(grep -lx refused $sys/aps/*/state 2>/dev/null | wc -l)
if [ "$refused" = 2 ] && grep -q "bridge-mode APs are not provisioned" "$tmp/fleet.log" &&
	grep -q "mesh APs are not provisioned" "$tmp/fleet.log"; then
	ok "wtp_refused: module refused both, the APs logged its reasons"
else
	not_ok "wtp_refused: module refused $refused; AP log: $(grep -i provisioned "$tmp/fleet.log" | head -n 2 | tr '\n' ' ')"
fi
finish
