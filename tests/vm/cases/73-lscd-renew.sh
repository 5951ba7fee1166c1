#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lscd loads the module itself, then renews certificates:
#   - lscd renew --ap MAC: the module re-provisions the AP, which makes a
#     new key; lscd enrolls it as a renewal and the AP installs a new LSC
#   - the AP's record carries its LSC's expiry and issuer hash, which lscd
#     told the kernel with the certificate
#   - automatic renewal: after SIGHUP with a renewal window that covers the
#     AP's expiry, lscd sends RENEW on its own, going by the kernel's
#     record (its own note in STATE_DIR/issued is removed first)
#   - lscd renew --controller: a RenewalReq signed with the controller's LSC

. tests/lib.sh
plan 8
. tests/vm/cases/lscd-lib.bash

for b in $wtp $lscd $helper; do
	[ -x $b ] || { not_ok "lscd_renew: build $b first"; exit 1; }
done
need scepserver scep
fx=$(lscd_fixtures) || { not_ok "lscd_renew: cannot make the fixtures"; exit 1; }
modprobe -r capwap_lsc 2>/dev/null
mkdir -p "$tmp/state"
cp "$fx/controller.key" "$tmp/state/controller.key"
ca_serve ca 8080 -allowrenew 0 || { not_ok "lscd_renew: scepserver did not start"; exit 1; }
: >"$tmp/lscd.conf"
lscd_start --config "$tmp/lscd.conf" --url http://127.0.0.1:8080/scep ||
	{ not_ok "lscd_renew: lscd did not start: $(lscd_tail)"; exit 1; }
if [ -d $sys ]; then
	ok "lscd_renew: lscd loaded capwap_lsc itself$(grep -q 'loaded the capwap_lsc module' "$tmp/lscd.log" && echo ' (libkmod)' || echo ' (genl family autoload)')"
else
	not_ok "lscd_renew: the module is not loaded: $(lscd_tail)"
	exit 1
fi
wait_until 60 test -s "$tmp/state/controller.crt"
lab_cleartext
$helper config --ca "$tmp/ca/ca.pem" --key-type rsa --bits 1024 --attempts 3 >"$tmp/config.log" 2>&1 ||
	{ not_ok "lscd_renew: configuring the module: $(cat "$tmp/config.log")"; exit 1; }
kill -HUP "$lscd_pid"	# SET_CA again: the helper replaced it with the same CA

mac=02:4c:53:73:00:01
d="$tmp/ap-${mac//:/}"
ap_run $mac AP3G1 --daemon
ap_pid=${ap_pids[-1]}
serial() { openssl x509 -in "$d/lsc.crt" -noout -serial 2>/dev/null; }
has_lsc() { [ "$(ap_attr $mac cert_type)" = LSC ] && [ -s "$d/lsc.crt" ]; }
if wait_until 120 has_lsc; then
	ok "lscd_renew: the AP has its first LSC"
else
	not_ok "lscd_renew: no first LSC: $(ap_log $mac) / $(lscd_tail 3)"
fi
s1=$(serial)

if $lscd renew --ap $mac >"$tmp/renew.out" 2>&1 &&
	wait_until 120 grep -q "AP $mac request [0-9]*: renewal issued" "$tmp/lscd.log" &&
	wait_until 60 sh -c "[ \"\$(openssl x509 -in '$d/lsc.crt' -noout -serial 2>/dev/null)\" != '$s1' ] && [ \"\$(cat $sys/aps/$mac/cert_type)\" = LSC ]"; then
	ok "lscd_renew: lscd renew --ap: a renewal was issued and the AP installed a new LSC"
else
	not_ok "lscd_renew: forced renewal: $(cat "$tmp/renew.out") / $(lscd_tail 3) / $(ap_log $mac)"
fi
s2=$(serial)

shown() { build/lscctl show ap $mac | sed -n "s/^$1  *//p"; }
not_after=$(date -u -d "$(openssl x509 -in "$d/lsc.crt" -noout -enddate | cut -d= -f2)" '+%Y-%m-%d %H:%M:%S UTC')
issuer=$(python3 -c 'import hashlib, sys
from cryptography import x509
c = x509.load_pem_x509_certificate(open(sys.argv[1], "rb").read())
print(hashlib.sha256(c.issuer.public_bytes()).hexdigest())' "$d/lsc.crt")
if [ "$(shown 'LSC expires')" = "$not_after" ] && [ "$(shown 'LSC issuer hash')" = "$issuer" ]; then
	ok "lscd_renew: the AP's record shows its LSC's notAfter ($not_after) and issuer hash"
else
	not_ok "lscd_renew: AP record: expires '$(shown 'LSC expires')' (cert: $not_after), issuer '$(shown 'LSC issuer hash')' (cert: $issuer)"
fi

# The kernel's record alone must be enough to renew by.
ctrl_serial() { openssl x509 -in "$tmp/state/controller.crt" -noout -serial 2>/dev/null; }
ctrl0=$(ctrl_serial)
rm -rf "$tmp/state/issued"
printf 'renew_days = 3650\nrenew_stagger_days = 0\nrenew_check_interval = 1\n' >"$tmp/lscd.conf"
kill -HUP "$lscd_pid"
if wait_until 120 grep -q "AP $mac: LSC expires at [0-9]*, renewal started" "$tmp/lscd.log" &&
	wait_until 120 sh -c "[ \"\$(openssl x509 -in '$d/lsc.crt' -noout -serial 2>/dev/null)\" != '$s2' ]"; then
	ok "lscd_renew: within the renewal window lscd renewed the AP on its own"
else
	not_ok "lscd_renew: automatic renewal: $(lscd_tail 4)"
fi
# The controller's LSC (a year) is now inside the window too: a new one
# from the CA replaces it.
new_ctrl() {
	[ -n "$(ctrl_serial)" ] && [ "$(ctrl_serial)" != "$ctrl0" ] &&
		openssl verify -CAfile "$tmp/ca/ca.pem" "$tmp/state/controller.crt"
}
if [ -n "$ctrl0" ] && wait_until 120 new_ctrl; then
	ok "lscd_renew: the controller's own LSC is renewed inside its window ($ctrl0 -> $(ctrl_serial))"
else
	not_ok "lscd_renew: controller renewal in window: serial '$ctrl0' -> '$(ctrl_serial)': $(grep controller "$tmp/lscd.log" | tail -n 2 | tr '\n' ' ')"
fi
: >"$tmp/lscd.conf"
reloads=$(grep -c 'configuration reloaded' "$tmp/lscd.log")
kill -HUP "$lscd_pid"
wait_until 30 sh -c "[ \$(grep -c 'configuration reloaded' '$tmp/lscd.log') -gt $reloads ]"
ctrl0=$(ctrl_serial)
asked=$(grep -c "SIGUSR1: renewing the controller's certificate" "$tmp/lscd.log")
if $lscd renew --controller --state-dir "$tmp/state" >"$tmp/renew.out" 2>&1 &&
	wait_until 30 sh -c "[ \$(grep -c \"SIGUSR1: renewing the controller's certificate\" '$tmp/lscd.log') -gt $asked ]" &&
	wait_until 60 new_ctrl; then
	ok "lscd_renew: lscd renew --controller: a new controller LSC from the CA ($ctrl0 -> $(ctrl_serial))"
else
	not_ok "lscd_renew: controller renewal: $(cat "$tmp/renew.out") / $(grep controller "$tmp/lscd.log" | tail -n 2 | tr '\n' ' ')"
fi
kill "$ap_pid" 2>/dev/null
wait "$ap_pid" 2>/dev/null
lscd_stop_ok lscd_renew
finish
