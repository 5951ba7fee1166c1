#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A CA that refuses every request: after the configured 2 attempts the
# module and the AP both fall back to the MIC; the agent reports the CA's
# reason and exits 1.

. tests/lib.sh
plan 3
. tests/vm/cases/wtp-lib.bash

reason="CA refused: Transaction not permitted or supported"
wtp_setup wtp_fallback --attempts 2 --key-type ec --bits 256
helper_start --fail "$reason"
mac=02:4c:53:00:00:00
timeout 300 $wtp --ac 127.0.0.1:5246 --count 1 --state-dir "$tmp/fleet" \
	--json --timeout 200 >"$tmp/fleet.json" 2>"$tmp/fleet.log"
rc=$?
if [ $rc = 1 ] && json_is "$tmp/fleet.json" fallback 1; then
	ok "wtp_fallback: the AP fell back after 2 failed attempts"
else
	not_ok "wtp_fallback: exit $rc: $(tr -d '\n' <"$tmp/fleet.json")"
fi
if [ "$(ap_attr $mac state)" = fallback ] && [ "$(ap_attr $mac attempts)" = 2 ] &&
	[ "$(ap_attr $mac cert_type)" = MIC ]; then
	ok "wtp_fallback: module shows fallback after 2 attempts, AP on its MIC"
else
	not_ok "wtp_fallback: module shows state '$(ap_attr $mac state)', attempts '$(ap_attr $mac attempts)', cert '$(ap_attr $mac cert_type)'"
fi

timeout 300 $wtp --ac 127.0.0.1:5246 --mac 02:4c:53:00:20:01 --model AP3G2 \
	--serial SIM00002001 --state-dir "$tmp/agent" --timeout 200 >"$tmp/agent.log" 2>&1
rc=$?
if [ $rc = 1 ] && grep -q "$reason" "$tmp/agent.log"; then
	ok "wtp_fallback: the agent exits 1 with the CA's reason"
else
	not_ok "wtp_fallback: agent exit $rc: $(tail -n 2 "$tmp/agent.log" | tr '\n' ' ')"
fi
finish
