#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One AP in agent mode against the module: joins with its simulated MIC,
# gets an RSA-2048 LSC through the module and the test helper, rejoins
# with it and exits 0; the module then shows it installed, with an LSC.

. tests/lib.sh
plan 3
. tests/vm/cases/wtp-lib.bash

wtp_setup wtp_one --attempts 4 --key-type rsa --bits 2048
helper_start
mac=02:4c:53:00:10:01
if timeout 600 $wtp --ac 127.0.0.1:5246 --mac $mac --model AP3G1 \
	--serial SIM00001001 --state-dir "$tmp/ap" --timeout 500 >"$tmp/wtp.log" 2>&1; then
	ok "wtp_one: lsc-wtp exits 0 after rejoining with its LSC"
else
	not_ok "wtp_one: lsc-wtp failed: $(tail -n 3 "$tmp/wtp.log" | tr '\n' ' ')"
fi
if wait_until 10 test "$(ap_attr $mac cert_type)" = LSC &&
	[ "$(ap_attr $mac state)" = installed ]; then
	ok "wtp_one: module shows the AP installed with an LSC"
else
	not_ok "wtp_one: module shows cert_type '$(ap_attr $mac cert_type)', state '$(ap_attr $mac state)'"
fi
if [ "$(stat -L -c %a "$tmp/ap/lsc.key" 2>/dev/null)" = 600 ] &&
	openssl verify -CAfile "$ca/ca.pem" "$tmp/ap/lsc.crt" >/dev/null 2>&1 &&
	openssl x509 -in "$tmp/ap/lsc.crt" -noout -subject | grep -q 'CN = CAP3G1-024c53001001'; then
	ok "wtp_one: LSC key 0600, certificate from the test CA with the AP's CN"
else
	not_ok "wtp_one: installed LSC: $(ls -l "$tmp/ap" | tr '\n' ' ')"
fi
finish
