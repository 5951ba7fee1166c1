#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The LSC exchange end to end, with build/tools/capwap_peer playing the
# APs (UDP) and lscd (genl): LSC joins checked by the kernel against the
# LSC CA, parameters, CSR, ACCEPT/COMPLETE, CA then device certificate
# (fragmented at mtu=576), install, renewal; fallback after N failures;
# provision-list filtering; bridge/mesh refusal; radios back on when
# provisioning ends without an LSC; configuration changes reaching APs
# already in Run; COMPLETE of a request RENEW cancelled.  Everything the
# module sends is captured and must decode in tshark without expert
# warnings.

. tests/lib.sh
plan 64 900
. tests/vm/cases/lsc-fixtures.bash

peer=build/tools/capwap_peer
fix=$(lsc_fixtures) || { not_ok "lsc: cannot make certificate fixtures"; exit 1; }

lab_modprobe rtx_ms=200 mtu=576 || { not_ok "modprobe capwap_lsc"; exit 1; }

out=${VM_RESULT_DIR:-$(mktemp -d)}
pcap=$out/lsc-sent.pcap
dumpcap -q -i lo -f 'udp src port 5246' -w "$pcap" > "$out/dumpcap.log" 2>&1 &
dumpcap_pid=$!
wait_until 30 grep -q 'Capturing on' "$out/dumpcap.log" ||
	wait_until 5 test -s "$pcap"

checks 5 "capwap_peer lscjoin" $peer lscjoin "$fix"
checks 15 "capwap_peer lsc" $peer lsc "$fix"
checks 3 "capwap_peer fallback" $peer fallback 3
checks 2 "capwap_peer provlist" $peer provlist
checks 2 "capwap_peer refuse" $peer refuse

sys=/sys/kernel/capwap_lsc
if [ "$(cat $sys/stats/certs_delivered)" = 1 ] &&
   [ "$(cat $sys/stats/fallbacks)" = 1 ] &&
   [ "$(cat $sys/stats/refused_bridge)" = 1 ] &&
   [ "$(cat $sys/stats/refused_mesh)" = 1 ] &&
   [ "$(cat $sys/ca_present)" = 1 ] &&
   [ "$(cat $sys/aps/02:ca:00:00:00:c8/state)" = fallback ] &&
   [ "$(cat $sys/aps/02:ca:00:00:00:c8/attempts)" = 3 ] &&
   [ "$(cat $sys/aps/02:ca:00:00:00:64/cert_type)" = LSC ]; then
	ok "sysfs shows deliveries, fallbacks, refusals and per-AP LSC state"
else
	not_ok "sysfs LSC view: $(grep -r . $sys/stats/certs_delivered $sys/stats/fallbacks $sys/aps/02:ca:00:00:00:c8/state 2>&1 | tr '\n' ' ')"
fi

# After the sysfs check: these scenarios add failures and fallbacks.
checks 5 "capwap_peer regress" $peer regress "$fix"
checks 16 "capwap_peer deliver" $peer deliver
checks 5 "capwap_peer radios" $peer radios
checks 4 "capwap_peer rekick" $peer rekick
checks 4 "capwap_peer stale" $peer stale "$fix"

kill -INT $dumpcap_pid 2>/dev/null
wait $dumpcap_pid 2>/dev/null
check "modprobe -r capwap_lsc" modprobe -r capwap_lsc

frames=$(tshark -r "$pcap" -q -z io,stat,0 2>/dev/null | awk '/<>/ { print $6; exit }')
found=$(tshark_findings "$pcap")
if [ -s "$pcap" ] && [ -z "$found" ] && [ "${frames:-0}" -gt 10 ]; then
	ok "tshark decodes the $frames datagrams the module sent without expert warnings"
else
	not_ok "tshark expert on the module's datagrams ($frames frames): $(printf '%s\n' "$found" | head -n 12 | tr '\n' ' ')"
fi
finish
