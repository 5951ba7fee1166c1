#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rmmod and modprobe under a running lscd.  lscd follows the genl family
# through nlctrl's notifications: it sees it go, sees it come back, looks
# its id up again, rejoins its events group and tells the new module
# everything the old one knew (CA, controller status, AP challenge).  The
# module's own provisioning settings are the operator's (here the test
# helper sets them again, without a CA: the CA must come from lscd), and
# then an AP enrolls as before.
#
# First, a controller certificate that cannot be saved (controller.crt is
# a directory, so the rename over it fails): lscd keeps it in memory, does
# not enroll again, and saves it once it can.

. tests/lib.sh
plan 8 600
. tests/vm/cases/lscd-lib.bash

lscd_setup lscd_reload --attempts 1
ca_serve ca 8080 -allowrenew 0 || { not_ok "lscd_reload: scepserver did not start"; exit 1; }
mkdir -p "$tmp/state/controller.crt/blocker"
lscd_start --url http://127.0.0.1:8080/scep --set ca_retry_interval=2 ||
	{ not_ok "lscd_reload: lscd did not start: $(lscd_tail)"; exit 1; }
if wait_until 120 grep -q 'controller: LSC issued and in use, but not saved' "$tmp/lscd.log" &&
	wait_until 60 grep -q 'controller: LSC still not saved' "$tmp/lscd.log" &&
	[ "$(certs_issued ca)" = 1 ]; then
	ok "lscd_reload: an LSC that cannot be saved stays in use, and the CA issued no other"
else
	not_ok "lscd_reload: unsaved LSC: $(certs_issued ca) issued: $(lscd_tail)"
fi
rm -rf "$tmp/state/controller.crt"
if wait_until 120 grep -q 'controller: LSC saved to' "$tmp/lscd.log" &&
	openssl x509 -in "$tmp/state/controller.crt" -noout 2>/dev/null &&
	[ "$(certs_issued ca)" = 1 ]; then
	ok "lscd_reload: once it can, lscd saves the LSC it kept in memory"
else
	not_ok "lscd_reload: LSC never saved: $(lscd_tail)"
fi

modprobe -r capwap_lsc
if wait_until 60 grep -q 'genl family capwap_lsc removed (module unloaded)' "$tmp/lscd.log"; then
	ok "lscd_reload: lscd saw the family go"
else
	not_ok "lscd_reload: no word of the unload: $(lscd_tail)"
fi
modprobe capwap_lsc
if wait_until 60 grep -q 'genl family capwap_lsc is back' "$tmp/lscd.log" &&
	wait_until 30 grep -q 'module reload: controller status set' "$tmp/lscd.log"; then
	ok "lscd_reload: lscd saw the family come back and told it everything again"
else
	not_ok "lscd_reload: no word of the reload: $(lscd_tail)"
fi
if [ "$(cat $sys/ca_present)" = 1 ] && grep -q 'module reload: CA certificates set' "$tmp/lscd.log" &&
	grep -q 'module reload: joined the events group again' "$tmp/lscd.log"; then
	ok "lscd_reload: the new module holds lscd's CA; lscd rejoined the events group"
else
	not_ok "lscd_reload: ca_present $(cat $sys/ca_present): $(lscd_tail)"
fi
build/lscctl show summary >"$tmp/summary" 2>&1
if grep -qi 'controller' "$tmp/summary" && grep -q "$(openssl x509 -in "$tmp/ca/ca.pem" -noout -fingerprint -sha256 | sed 's/.*=//' | cut -c1-11)" "$tmp/summary"; then
	ok "lscd_reload: lscctl show summary has lscd's controller and CA status again"
else
	not_ok "lscd_reload: summary: $(tr '\n' ' ' <"$tmp/summary")"
fi

lab_cleartext
$helper config --key-type rsa --bits 1024 --attempts 1 >"$tmp/config2.log" 2>&1 ||
	not_ok "lscd_reload: configuring the new module: $(cat "$tmp/config2.log")"
mac=02:4c:53:77:00:01
ap_run $mac AP3G1 --timeout 300 --attempts 1
if wait "${ap_pids[0]}" && [ "$(ap_attr $mac cert_type)" = LSC ]; then
	ok "lscd_reload: after the reload an AP enrolls"
else
	not_ok "lscd_reload: AP: $(ap_log $mac) / $(lscd_tail)"
fi
lscd_stop_ok lscd_reload
finish
