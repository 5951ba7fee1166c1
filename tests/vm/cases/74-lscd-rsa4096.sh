#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An RSA-4096 CA (scepserver's default size): lscd enrolls itself and two
# APs with RSA-2048 keys; the LSCs verify against the CA and the module
# accepts them when the APs rejoin.  The CA comes from
# tests/vm/lscd-fixtures.sh (a 4096-bit key takes minutes in the VM).

. tests/lib.sh
plan 4
. tests/vm/cases/lscd-lib.bash

lscd_setup lscd_rsa4096 --attempts 3 --bits 2048
cp -r "$fx/ca4096" "$tmp/ca"
ca_serve ca 8080 -allowrenew 0 || { not_ok "lscd_rsa4096: scepserver did not start"; exit 1; }
$helper config --ca "$tmp/ca/ca.pem" --key-type rsa --bits 2048 --attempts 3 >"$tmp/config.log" 2>&1 ||
	{ not_ok "lscd_rsa4096: configuring the module: $(cat "$tmp/config.log")"; exit 1; }
lscd_start --url http://127.0.0.1:8080/scep ||
	{ not_ok "lscd_rsa4096: lscd did not start: $(lscd_tail)"; exit 1; }
if [ "$(openssl x509 -in "$tmp/ca/ca.pem" -noout -text | grep -o 'Public-Key: (4096 bit)')" ]; then
	ok "lscd_rsa4096: the CA key is RSA-4096"
else
	not_ok "lscd_rsa4096: the CA key is not RSA-4096"
fi
macs="02:4c:53:74:00:01 02:4c:53:74:00:02"
for m in $macs; do
	ap_run "$m" AP3G1 --timeout 300
done
failed=0
for p in "${ap_pids[@]}"; do
	wait "$p" || failed=$((failed + 1))
done
bad=
for m in $macs; do
	openssl verify -CAfile "$tmp/ca/ca.pem" "$tmp/ap-${m//:/}/lsc.crt" >/dev/null 2>&1 || bad="$bad $m"
	[ "$(ap_attr "$m" cert_type)" = LSC ] || bad="$bad $m:$(ap_attr "$m" cert_type)"
done
if [ $failed = 0 ] && [ -z "$bad" ]; then
	ok "lscd_rsa4096: two APs enrolled and rejoined with LSCs that verify against the RSA-4096 CA"
else
	not_ok "lscd_rsa4096: $failed AP(s) failed,$bad: $(ap_log 02:4c:53:74:00:01) / $(lscd_tail 3)"
fi
if openssl verify -CAfile "$tmp/ca/ca.pem" "$tmp/state/controller.crt" >/dev/null 2>&1 &&
	[ "$(certs_issued ca)" = 3 ]; then
	ok "lscd_rsa4096: the controller's LSC verifies too; the CA issued exactly 3"
else
	not_ok "lscd_rsa4096: controller or count: $(certs_issued ca) issued: $(lscd_tail 3)"
fi
lscd_stop_ok lscd_rsa4096
finish
