#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Who may join, set with "lscctl config" and kept across an lscd restart
# (what a reboot does to it) and a module reload: the module in "dtls
# required", the real lscd reading the lscd.conf lscctl edits (SIGHUP),
# a real scepserver, and lsc-wtp --dtls presenting the test PKI's
# certificates (tests/vm/cases/dtlsref-fixtures.bash).
#
#   - a MIC of a manufacturer CA lscd was not given is refused; "lscctl
#     config mic-ca add" of an AP's certificate is refused in words and
#     changes nothing; of the manufacturer CA, lscd reloads and the MIC
#     joins;
#   - an SSC joins once "lscctl config ssc add MAC CERT" lists its key;
#   - "dtls-accept lsc" refuses the MIC by policy; after lscd restarts,
#     the module is reloaded and lscd restarts again, the settings hold
#     ("show trust", and the MIC still refused); "dtls-accept mic,ssc,lsc"
#     lets it join again;
#   - lscd started with --set dtls_eku: lscctl says that its dtls-eku
#     does not reach it;
#   - "mic-ca del" and "ssc del" on the running lscd: the MIC and the SSC
#     are refused again.

. tests/lib.sh
plan 16 600
. tests/vm/cases/lscd-lib.bash
. tests/vm/cases/dtlsref-fixtures.bash

lscctl=build/lscctl
lscd_setup trust --attempts 3 --bits 1024
need openssl openssl

ca_serve ca 8080 || { not_ok "trust: scepserver did not start"; exit 1; }
lscca=$tmp/ca/ca.pem
P=$(dtlsref_fixtures "$fx") && P=$(cd "$P" && pwd) ||
	{ not_ok "trust: cannot make the test PKI"; exit 1; }

# The operator's lscd.conf, as make install leaves it (0600).
export LSCCTL_LSCD_CONF=$tmp/etc/lscd.conf
mkdir -p "$tmp/etc"
cat >"$LSCCTL_LSCD_CONF" <<EOF
# lscd.conf of the 98-lscctl-trust case
ca_url = http://127.0.0.1:8080/scep
state_dir = $tmp/state
dtls_cert_file = $P/ctl.crt
dtls_key_file = $tmp/state/controller.key
EOF
chmod 600 "$LSCCTL_LSCD_CONF"

check "trust: lscctl config dtls required" $lscctl config dtls required
# Its settings from lscd.conf; --set only what the test harness needs.
start() {
	lscd_start --config "$LSCCTL_LSCD_CONF" "$@" ||
		{ not_ok "trust: lscd did not start: $(lscd_tail)"; exit 1; }
}
start
wait_until 120 test -s "$tmp/state/controller.crt" ||
	{ not_ok "trust: the controller got no LSC: $(lscd_tail)"; exit 1; }

dtls_args=(--dtls --controller-ca "$lscca" --controller-name wlc-test --timeout 120)
# try NAME MAC CERT KEY: lsc-wtp --dtls presenting CERT; its pid in $ap_pid.
# A fresh state directory each time: an AP that joined keeps the LSC it
# got and would present that next.
tries=0
try() {
	tries=$((tries + 1))
	timeout 150 $wtp --ac 127.0.0.1:5246 --mac "$2" --model AP3G1 \
		--serial "SIM${2//:/}" --state-dir "$tmp/ap-$1-$tries" "${dtls_args[@]}" \
		--mic-cert "$3" --mic-key "$4" >"$tmp/ap-$1.log" 2>&1 &
	ap_pid=$!
	ap_pids+=($!)
}
# outcome NAME MAC PATTERN: lscd's log gets PATTERN about MAC's certificate
# after the mark; the AP is stopped either way.
mark() { mark=$(wc -l <"$tmp/lscd.log"); }
since() { tail -n +"$((mark + 1))" "$tmp/lscd.log"; }
outcome() {
	local name=$1 pat=$2
	if wait_until 90 sh -c "tail -n +$((mark + 1)) '$tmp/lscd.log' | grep -Eq '$pat'"; then
		ok "trust: $name: $(since | grep -Eo "$pat.*" | head -n 1 | cut -c1-200)"
	else
		not_ok "trust: $name: no '$pat' in lscd's log: $(since | grep DTLS | tail -n 3 | tr '\n' ' ') / AP: $(tail -n 3 "$tmp/ap-$3.log" 2>/dev/null | tr '\n' ' ')"
	fi
	kill "$ap_pid" 2>/dev/null
	wait "$ap_pid" 2>/dev/null
}

mark
try y "$Y" "$P/micY.crt" "$P/micY.key"
outcome "a MIC before its manufacturer CA is installed is refused" \
	"refused: untrusted \(authentication counter\): CN = AIR-AP3G1-K9-$(hexmac "$Y")" y

cp "$LSCCTL_LSCD_CONF" "$tmp/conf.before"
if ! $lscctl config mic-ca add "$P/micY.crt" >"$tmp/bad.log" 2>&1 &&
	grep -q "refused: not a manufacturer CA: no basicConstraints CA:TRUE" "$tmp/bad.log" &&
	cmp -s "$LSCCTL_LSCD_CONF" "$tmp/conf.before" && [ ! -e "$tmp/etc/mic-cas.pem" ]; then
	ok "trust: mic-ca add of an AP's own certificate is refused in words, nothing written: $(head -n 1 "$tmp/bad.log")"
else
	not_ok "trust: mic-ca add of micY: $(tr '\n' ' ' <"$tmp/bad.log"); lscd.conf $(cmp -s "$LSCCTL_LSCD_CONF" "$tmp/conf.before" && echo same || echo changed)"
fi

mark
if $lscctl config mic-ca add "$P/mfg.crt" >"$tmp/add.log" 2>&1 &&
	grep -q "asked lscd (pid $lscd_pid) to reload" "$tmp/add.log" &&
	grep -qx "mic_ca_file = $tmp/etc/mic-cas.pem" "$LSCCTL_LSCD_CONF" &&
	[ "$(stat -c %a "$LSCCTL_LSCD_CONF")" = 600 ] &&
	[ "$(stat -c %a "$tmp/etc/mic-cas.pem")" = 644 ] &&
	wait_until 30 sh -c "tail -n +$((mark + 1)) '$tmp/lscd.log' | grep -q 'configuration reloaded'"; then
	ok "trust: mic-ca add of the manufacturer CA: lscd.conf names mic-cas.pem (0644; lscd.conf stays 0600), lscd reloads: $(tr '\n' ' ' <"$tmp/add.log" | cut -c1-200)"
else
	not_ok "trust: mic-ca add: $(tr '\n' ' ' <"$tmp/add.log") / conf: $(grep mic_ca "$LSCCTL_LSCD_CONF") / $(since | tail -n 2 | tr '\n' ' ')"
fi
mark
try y "$Y" "$P/micY.crt" "$P/micY.key"
outcome "with it installed, the MIC joins" "authenticated as $Y by its MIC" y

mark
if $lscctl config ssc add "$S1" "$P/sscS1.crt" >"$tmp/ssc.log" 2>&1 &&
	grep -q "^$S1 [0-9a-f]\{64\}$" "$tmp/etc/ssc-allow.txt"; then
	try s1 "$S1" "$P/sscS1.crt" "$P/sscS1.key"
	outcome "ssc add MAC CERT: the SSC joins" "authenticated as $S1 by its SSC" s1
else
	not_ok "trust: ssc add: $(tr '\n' ' ' <"$tmp/ssc.log")"
fi

check "trust: lscctl config dtls-accept lsc" $lscctl config dtls-accept lsc
mark
try y "$Y" "$P/micY.crt" "$P/micY.key"
outcome "dtls-accept lsc: the MIC is refused by policy" \
	"refused: type not accepted \(policy counter\)" y

# What a reboot does to lscd: it starts again from its files.  And the
# module's reload, under a stopped lscd, for good measure.
lscd_stop
modprobe -r capwap_lsc && lab_modprobe &&
	$helper config --ca "$fx/ca2048/ca.pem" --key-type rsa --bits 1024 --attempts 3 \
		>"$tmp/config2.log" 2>&1 && $lscctl config dtls required >/dev/null 2>&1 ||
	{ not_ok "trust: reloading the module: $(tr '\n' ' ' <"$tmp/config2.log")"; exit 1; }
# This time a --set of a trust key, which lscctl must not pretend to beat.
start --set dtls_eku=default
json=$($lscctl -j show trust 2>&1)
mfg_fp=$(openssl x509 -in "$P/mfg.crt" -noout -fingerprint -sha256 | cut -d= -f2 | tr -d : | tr A-F a-f)
if grep -q '"accept":"lsc"' <<<"$json" && grep -q "\"sha256\":\"$mfg_fp\"" <<<"$json" &&
	grep -qi "\"mac\":\"$S1\"" <<<"$json" && grep -q "\"lscd_pid\":$lscd_pid" <<<"$json"; then
	ok "trust: after lscd's restart and a module reload, show trust holds them all"
else
	not_ok "trust: show trust after the restart: ${json:0:400}"
fi
mark
try y "$Y" "$P/micY.crt" "$P/micY.key"
outcome "after the restart the MIC is still refused by policy" \
	"refused: type not accepted \(policy counter\)" y
check "trust: lscctl config dtls-accept mic,ssc,lsc" $lscctl config dtls-accept mic,ssc,lsc
mark
try y "$Y" "$P/micY.crt" "$P/micY.key"
outcome "dtls-accept mic,ssc,lsc: the MIC joins again" "authenticated as $Y by its MIC" y

if $lscctl config dtls-eku strict >"$tmp/eku.log" 2>&1 &&
	grep -q "lscd (pid $lscd_pid) sets dtls_eku on its command line" "$tmp/eku.log"; then
	ok "trust: a setting lscd's command line overrides is told as such: $(head -n 1 "$tmp/eku.log")"
else
	not_ok "trust: dtls-eku under --set dtls_eku: $(tr '\n' ' ' <"$tmp/eku.log")"
fi

# Revocation, the direction that matters: the running lscd stops
# trusting at once.
mark
if $lscctl config mic-ca del "$mfg_fp" >"$tmp/del.log" 2>&1; then
	try y "$Y" "$P/micY.crt" "$P/micY.key"
	outcome "mic-ca del: the MIC is refused again" \
		"refused: untrusted \(authentication counter\): CN = AIR-AP3G1-K9-$(hexmac "$Y")" y
else
	not_ok "trust: mic-ca del: $(tr '\n' ' ' <"$tmp/del.log")"
fi
mark
if $lscctl config ssc del "$S1" >"$tmp/del.log" 2>&1; then
	try s1 "$S1" "$P/sscS1.crt" "$P/sscS1.key"
	outcome "ssc del: the SSC is refused" "refused: SSC not authorised" s1
else
	not_ok "trust: ssc del: $(tr '\n' ' ' <"$tmp/del.log")"
fi

for p in "${ap_pids[@]}"; do
	kill "$p" 2>/dev/null
done
lscd_stop
check "trust: modprobe -r capwap_lsc" modprobe -r capwap_lsc
finish
