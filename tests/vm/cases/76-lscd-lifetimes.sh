#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What a PENDING request uses outlives reloads.  lscd built with
# AddressSanitizer (build/lscd-asan) enrolls an AP through
# tests/peers/scep-pending.py, which keeps it PENDING until the test
# releases it (SIGUSR1).  15 SIGHUPs that change the CA settings (the
# URL's path, which the front ignores, and the fingerprint's colons) come
# before the request, 17 more while it is PENDING: lscd once kept 16
# retired CAs and freed the newest of them, which was the request's CA.
# A last SIGHUP points ca_url at
# a port where nothing answers, so that lscd holds no CA and no chain.  The
# CertPolls after each still work, and once released the AP gets its LSC
# with the chain of the CA that issued it.

. tests/lib.sh
plan 7 600
. tests/vm/cases/lscd-lib.bash

lscd=build/lscd-asan
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0
lscd_setup lscd_lifetimes --attempts 1
ca_serve ca 8080 -allowrenew 0 || { not_ok "lscd_lifetimes: scepserver did not start"; exit 1; }
python3 tests/peers/scep-pending.py --port 8090 --upstream http://127.0.0.1:8080/scep \
	--ca-cert "$tmp/ca/ca.pem" --ca-key "$tmp/ca/ca.key" --pending 1000000 \
	>"$tmp/pending.log" 2>&1 &
front=$!
pids+=($front)
wait_until 120 curl -sf "http://127.0.0.1:8090/scep?operation=GetCACaps" ||
	{ not_ok "lscd_lifetimes: scep-pending.py did not start: $(tail -n 3 "$tmp/pending.log")"; exit 1; }

fp=$(openssl x509 -in "$tmp/ca/ca.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
conf() {
	printf 'ca_url = %s\nca_fingerprint = %s\npoll_initial = 2\npoll_factor = 1\n' "$1" "$2" \
		>"$tmp/lscd.conf"
}
polls() { grep -c 'poll [0-9]*, PENDING' "$tmp/pending.log"; }
reloads() { grep -c 'configuration reloaded' "$tmp/lscd.log"; }
held() { [ "$(grep -c 'answering PENDING' "$tmp/pending.log")" -ge "$1" ]; }

# reload_ca N: N reloads, each changing the CA settings, each answered.
n=0
reload_ca() {
	local i r
	for i in $(seq 1 "$1"); do
		r=$(reloads)
		if [ $(((n + i) % 2)) = 1 ]; then
			conf http://127.0.0.1:8090/cgi-bin/pkiclient.exe "${fp//:/}"
		else
			conf http://127.0.0.1:8090/scep "$fp"
		fi
		kill -HUP "$lscd_pid"
		wait_until 60 sh -c "[ \$(grep -c 'configuration reloaded' '$tmp/lscd.log') -gt $r ]" ||
			return 1
		# The AP's request must go to the CA fetched last.
		wait_until 60 sh -c "[ \$(grep -c 'certificates fetched' '$tmp/lscd.log') -gt $((n + i)) ]" ||
			return 1
	done
	n=$((n + $1))
}

conf http://127.0.0.1:8090/scep "$fp"
lscd_start --config "$tmp/lscd.conf" ||
	{ not_ok "lscd_lifetimes: lscd did not start: $(lscd_tail)"; exit 1; }
# The controller's own request is held too: release it.
wait_until 120 held 1 && kill -USR1 $front
if wait_until 120 test -s "$tmp/state/controller.crt"; then
	ok "lscd_lifetimes: the controller's request, released, got its LSC"
else
	not_ok "lscd_lifetimes: the controller got no LSC: $(lscd_tail)"
fi

reload_ca 15
mac=02:4c:53:76:00:01
ap_run $mac AP3G1 --timeout 500 --attempts 1
ap=${ap_pids[0]}
if wait_until 200 held 2; then
	ok "lscd_lifetimes: the AP's request is PENDING at the CA"
else
	not_ok "lscd_lifetimes: the AP's request never went PENDING: $(lscd_tail)"
fi
reload_ca 17
changed=$(grep -c 'CA settings changed' "$tmp/lscd.log")
if [ $n = 32 ] && [ "$changed" -ge 32 ]; then
	ok "lscd_lifetimes: 15 reloads before and 17 while the request was PENDING changed the CA settings"
else
	not_ok "lscd_lifetimes: $n reloads done, $changed changed the CA: $(lscd_tail)"
fi
p=$(polls)
if wait_until 60 sh -c "[ \$(grep -c 'poll [0-9]*, PENDING' '$tmp/pending.log') -gt $p ]" &&
	kill -0 "$lscd_pid" 2>/dev/null; then
	ok "lscd_lifetimes: CertPoll after the 17th reload, lscd alive"
else
	not_ok "lscd_lifetimes: no CertPoll after the reloads or lscd died: $(lscd_tail)"
fi

# No CA at all: the fetch fails, lscd holds neither CA nor chain.
r=$(reloads)
conf http://127.0.0.1:8099/scep "$fp"
kill -HUP "$lscd_pid"
wait_until 60 sh -c "[ \$(grep -c 'configuration reloaded' '$tmp/lscd.log') -gt $r ]"
p=$(polls)
wait_until 60 sh -c "[ \$(grep -c 'poll [0-9]*, PENDING' '$tmp/pending.log') -gt $p ]"
kill -USR1 $front
# A dead lscd would leave the AP waiting out its own timeout.
kill -0 "$lscd_pid" 2>/dev/null || kill "$ap" 2>/dev/null
if wait "$ap" && [ "$(ap_attr $mac cert_type)" = LSC ] &&
	grep -q 'CA http://127.0.0.1:8099/scep not available' "$tmp/lscd.log"; then
	ok "lscd_lifetimes: with the CA's fetch failed, the released request completes with its CA's chain"
else
	not_ok "lscd_lifetimes: AP: $(ap_log $mac) / $(grep -E 'empty|COMPLETE|not available' "$tmp/lscd.log" | head -n 3 | tr '\n' ' ')"
fi
lscd_stop_ok lscd_lifetimes
if grep -q 'AddressSanitizer' "$tmp/lscd.log"; then
	not_ok "lscd_lifetimes: $(grep -A 6 'AddressSanitizer' "$tmp/lscd.log" | tr '\n' ' ')"
else
	ok "lscd_lifetimes: AddressSanitizer reported nothing"
fi
finish
