#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 200 simulated APs at once (a join storm) against the module: every one
# goes MIC -> LSC -> rejoin with the LSC.  EC P-256 keys, so that the
# guest's slow key generation does not dominate.

. tests/lib.sh
plan 2 900
. tests/vm/cases/wtp-lib.bash

wtp_setup wtp_fleet --attempts 4 --key-type ec --bits 256
helper_start
if timeout 900 $wtp --ac 127.0.0.1:5246 --count 200 --state-dir "$tmp/fleet" \
	--json --timeout 800 >"$tmp/fleet.json" 2>"$tmp/fleet.log"; then
	ok "wtp_fleet: 200 APs hold an LSC and rejoined with it"
else
	not_ok "wtp_fleet: $(tr -d '\n' <"$tmp/fleet.json") $(tail -n 3 "$tmp/fleet.log" | tr '\n' ' ')"
fi
lsc=$(grep -lx LSC $sys/aps/*/cert_type 2>/dev/null | wc -l)
installed=$(grep -lx installed $sys/aps/*/state 2>/dev/null | wc -l)
if [ "$lsc" = 200 ] && [ "$installed" = 200 ]; then
	ok "wtp_fleet: module shows 200 APs installed with an LSC"
else
	not_ok "wtp_fleet: module shows $lsc with an LSC, $installed installed"
fi
finish
