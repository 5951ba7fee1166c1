#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lscd's CA as a daemon sees it, every change made by SIGHUP on one
# running lscd (lscd.conf, no command-line CA options, which would win):
#   - lscd starts while its CA is down: it says so, AP requests wait in
#     the kernel, and when the CA comes up (ca_retry_interval) they go on
#   - a ca.pin that cannot be read trusts no CA (not the first one seen,
#     which would be written over it) until "lscd ca accept"
#   - ca_fingerprint: a wrong one refuses the CA (no AP is enrolled, and
#     the log says to change ca_fingerprint, not to run "lscd ca accept"),
#     the right one takes it
#   - a new CA (ca_url and ca_fingerprint of a second, RSA-4096 CA): the
#     kernel gets it (an AP's new LSC from it passes the kernel's LSC join
#     check), and lscctl shows its fingerprint
#   - https with ca_bundle and ca_pinned_pubkey: enrollment through a TLS
#     front; with another key pinned, an AP's request fails and says so
#   - drain_timeout: SIGTERM while a request is on the wire at a CA that
#     never answers; lscd leaves it to the journal when the time is up
#   - the libkmod load path: with the kernel's module autoloading off,
#     lscd loads capwap_lsc itself

. tests/lib.sh
plan 12 900
. tests/vm/cases/lscd-lib.bash

# Module autoloading is switched off for a while below: whatever happens,
# it comes back for the cases after this one.
autoload=$(cat /proc/sys/kernel/modprobe)
trap 'echo "$autoload" > /proc/sys/kernel/modprobe; lscd_cleanup' EXIT

lscd_setup lscd_ca --attempts 5
conf=$tmp/lscd.conf
# config KEY=VALUE...: lscd.conf holds these and nothing else.
config() {
	printf '%s\n' "$@" | sed 's/=/ = /' >"$conf"
}
reloads() { grep -c 'configuration reloaded' "$tmp/lscd.log"; }
# reload KEY=VALUE...: new lscd.conf, SIGHUP, and wait until lscd took it.
reload() {
	local n
	n=$(reloads)
	config "$@"
	kill -HUP "$lscd_pid"
	wait_until 30 sh -c "[ \$(grep -c 'configuration reloaded' '$tmp/lscd.log') -gt $n ]"
}
fp() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr A-F a-f; }
# has_lsc_from MAC CA: the AP holds an LSC from CA, and the module shows it
# joined with it (the kernel checked it against the CA lscd gave it).
has_lsc_from() {
	openssl verify -CAfile "$2" "$tmp/ap-${1//:/}/lsc.crt" &&
		[ "$(ap_attr "$1" cert_type)" = LSC ] && [ "$(ap_attr "$1" state)" = installed ]
}
waits() { [ "$(ap_attr "$1" state)" = csr-received ]; }

# --- the CA is down when lscd starts ---------------------------------------
cp -r "$fx/ca2048" "$tmp/ca"
printf 'not a fingerprint\n' >"$tmp/state/ca.pin"
config ca_url=http://127.0.0.1:8080/scep ca_retry_interval=1 retries=1 retry_delay=0.2
lscd_start --config "$conf" || { not_ok "lscd_ca: lscd did not start: $(lscd_tail)"; exit 1; }
ap_run 02:4c:53:91:00:01 AP3G1 --daemon
if wait_until 60 grep -q 'CA http://127.0.0.1:8080/scep not available; AP requests wait in the kernel' "$tmp/lscd.log" &&
	wait_until 120 waits 02:4c:53:91:00:01; then
	ok "lscd_ca: CA down at start: lscd says so, the AP's request waits in the kernel"
else
	not_ok "lscd_ca: CA down at start: AP state '$(ap_attr 02:4c:53:91:00:01 state)': $(lscd_tail 3)"
fi
ca_serve ca 8080 -allowrenew 0 || { not_ok "lscd_ca: scepserver did not start"; exit 1; }
n=$(grep -c 'ca.pin cannot be read (Invalid argument)' "$tmp/lscd.log")
if wait_until 60 sh -c "[ \$(grep -c 'ca.pin cannot be read (Invalid argument)' '$tmp/lscd.log') -ge $((n + 2)) ]" &&
	[ "$(cat "$tmp/state/ca.pin")" = "not a fingerprint" ] && ! grep -q 'trusted on first use' "$tmp/lscd.log" &&
	[ "$(ap_attr 02:4c:53:91:00:01 state)" = csr-received ]; then
	ok "lscd_ca: an unreadable ca.pin trusts no CA and is not written over; the AP's request waits"
else
	not_ok "lscd_ca: unreadable ca.pin: '$(cat "$tmp/state/ca.pin")', AP $(ap_attr 02:4c:53:91:00:01 state): $(lscd_tail 3)"
fi
build/lscd ca accept --config /dev/null --state-dir "$tmp/state" "$(fp "$tmp/ca/ca.pem")" >/dev/null
if wait_until 300 has_lsc_from 02:4c:53:91:00:01 "$tmp/ca/ca.pem"; then
	ok "lscd_ca: the CA came up: lscd took it within ca_retry_interval and the AP got its LSC"
else
	not_ok "lscd_ca: after the CA came up: $(ap_log 02:4c:53:91:00:01) / $(lscd_tail 3)"
fi

# --- ca_fingerprint ---------------------------------------------------------
fp_a=$(fp "$tmp/ca/ca.pem")
wrong=$(printf '%s' "$fp_a" | tr 0-9a-f 1-9a-f0)
reload ca_url=http://127.0.0.1:8080/scep ca_fingerprint="$wrong" ca_retry_interval=1
ap_run 02:4c:53:91:00:02 AP3G1 --daemon
if wait_until 60 grep -q "does not match the pinned $wrong: refusing this CA" "$tmp/lscd.log" &&
	grep -q "(ca_fingerprint); if the CA changed on purpose, set ca_fingerprint = $fp_a in $conf" "$tmp/lscd.log" &&
	wait_until 120 waits 02:4c:53:91:00:02; then
	ok "lscd_ca: a wrong ca_fingerprint refuses the CA: the AP's request waits"
else
	not_ok "lscd_ca: wrong fingerprint: AP state '$(ap_attr 02:4c:53:91:00:02 state)': $(lscd_tail 3)"
fi
reload ca_url=http://127.0.0.1:8080/scep ca_fingerprint="$fp_a" ca_retry_interval=1
if wait_until 300 has_lsc_from 02:4c:53:91:00:02 "$tmp/ca/ca.pem"; then
	ok "lscd_ca: SIGHUP with the right ca_fingerprint: the CA is taken, the AP gets its LSC"
else
	not_ok "lscd_ca: right fingerprint: $(ap_log 02:4c:53:91:00:02) / $(lscd_tail 3)"
fi

# --- a new CA ---------------------------------------------------------------
cp -r "$fx/ca4096" "$tmp/cab"
ca_serve cab 8082 -allowrenew 0 || { not_ok "lscd_ca: the second scepserver did not start"; exit 1; }
fp_b=$(fp "$tmp/cab/ca.pem")
reload ca_url=http://127.0.0.1:8082/scep ca_fingerprint="$fp_b" ca_retry_interval=1
ap_run 02:4c:53:91:00:03 AP3G1 --daemon
if wait_until 300 has_lsc_from 02:4c:53:91:00:03 "$tmp/cab/ca.pem"; then
	ok "lscd_ca: SIGHUP to a new CA: an AP's LSC from it, accepted by the kernel's join check"
else
	not_ok "lscd_ca: new CA: $(ap_log 02:4c:53:91:00:03) / $(lscd_tail 3)"
fi
shown=$(build/lscctl show summary 2>&1 | sed -n 's/^ *CA fingerprint (SHA-256) *//p' | tr -d ':' | tr A-F a-f)
if [ "$shown" = "$fp_b" ]; then
	ok "lscd_ca: lscctl shows the new CA's fingerprint"
else
	not_ok "lscd_ca: lscctl shows CA fingerprint '$shown', the new CA's is $fp_b"
fi

# --- https, ca_bundle and ca_pinned_pubkey ------------------------------------
# EC keys: an RSA key takes seconds to make in the VM.
for k in tls other; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-keyout "$tmp/$k.key" -out "$tmp/$k.pem" -subj "/CN=127.0.0.1" \
		-addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
done
pin() { openssl x509 -in "$1" -pubkey -noout | openssl pkey -pubin -outform DER |
	openssl dgst -sha256 -binary | base64; }
python3 tests/peers/scep-pending.py --port 8443 --upstream http://127.0.0.1:8082/scep \
	--ca-cert "$tmp/cab/ca.pem" --ca-key "$tmp/cab/ca.key" --pending 0 \
	--tls-cert "$tmp/tls.pem" --tls-key "$tmp/tls.key" >"$tmp/front-8443.log" 2>&1 &
pids+=($!)
wait_until 120 curl -sf --cacert "$tmp/tls.pem" "https://127.0.0.1:8443/scep?operation=GetCACaps" ||
	{ not_ok "lscd_ca: the https front did not start: $(tail -n 3 "$tmp/front-8443.log")"; exit 1; }
https=(ca_url=https://127.0.0.1:8443/scep ca_fingerprint="$fp_b" ca_retry_interval=1
	ca_bundle="$tmp/tls.pem")
reload "${https[@]}" ca_pinned_pubkey="sha256//$(pin "$tmp/tls.pem")"
ap_run 02:4c:53:91:00:04 AP3G1 --daemon
if wait_until 300 has_lsc_from 02:4c:53:91:00:04 "$tmp/cab/ca.pem" &&
	grep -q 'POST /scep' "$tmp/front-8443.log"; then
	ok "lscd_ca: https with ca_bundle and the server's key pinned: the AP gets its LSC through it"
else
	not_ok "lscd_ca: https: $(ap_log 02:4c:53:91:00:04) / $(lscd_tail 3)"
fi
reload "${https[@]}" ca_pinned_pubkey="sha256//$(pin "$tmp/other.pem")"
ap_run 02:4c:53:91:00:05 AP3G1 --daemon
pinned_refused() { [[ "$(ap_attr 02:4c:53:91:00:05 last_error)" == *"pinned public key"* ]]; }
if wait_until 300 pinned_refused; then
	ok "lscd_ca: another key pinned: the AP's request fails, its record reads '$(ap_attr 02:4c:53:91:00:05 last_error)'"
else
	not_ok "lscd_ca: wrong pin: record '$(ap_attr 02:4c:53:91:00:05 last_error)', state '$(ap_attr 02:4c:53:91:00:05 state)': $(lscd_tail 3)"
fi
kill "${ap_pids[-1]}" 2>/dev/null
wait "${ap_pids[-1]}" 2>/dev/null

# --- drain_timeout ------------------------------------------------------------
python3 tests/peers/scep-pending.py --port 8091 --upstream http://127.0.0.1:8082/scep \
	--ca-cert "$tmp/cab/ca.pem" --ca-key "$tmp/cab/ca.key" --pending 0 --hold 3600 \
	>"$tmp/front-8091.log" 2>&1 &
pids+=($!)
wait_until 120 curl -sf "http://127.0.0.1:8091/scep?operation=GetCACaps" ||
	{ not_ok "lscd_ca: the hanging front did not start"; exit 1; }
reload ca_url=http://127.0.0.1:8091/scep ca_fingerprint="$fp_b" drain_timeout=2
ap_run 02:4c:53:91:00:06 AP3G1 --daemon
if wait_until 300 grep -q 'in flight 1' "$tmp/front-8091.log"; then
	kill -TERM "$lscd_pid"
	wait "$lscd_pid"
	rc=$?
	lscd_pid=
	if [ "$rc" = 0 ] &&
		grep -q 'drain timeout: 1 request(s) left to the journal' "$tmp/lscd.log" &&
		grep -q '^state = sent' "$tmp/state/journal"/*.txn 2>/dev/null; then
		ok "lscd_ca: SIGTERM with a request at a CA that never answers: after drain_timeout it is left to the journal, exit 0"
	else
		not_ok "lscd_ca: drain timeout: exit $rc, journal: $(grep -h '^state' "$tmp/state/journal"/*.txn 2>/dev/null | tr '\n' ' '): $(lscd_tail 3)"
	fi
else
	not_ok "lscd_ca: no request reached the hanging CA: $(lscd_tail 3)"
fi

# --- the libkmod load path ----------------------------------------------------
modprobe -r capwap_lsc
echo > /proc/sys/kernel/modprobe
genl ctrl get name capwap_lsc >/dev/null 2>&1
config ca_url=http://127.0.0.1:8080/scep ca_fingerprint="$fp_a"
if [ ! -d /sys/module/capwap_lsc ] && lscd_start --config "$conf" &&
	grep -q 'loaded the capwap_lsc module' "$tmp/lscd.log" && [ -d /sys/module/capwap_lsc ]; then
	ok "lscd_ca: with module autoloading off, lscd loads capwap_lsc itself (libkmod)"
else
	not_ok "lscd_ca: libkmod: module $([ -d /sys/module/capwap_lsc ] && echo loaded || echo absent): $(lscd_tail 3)"
fi
echo "$autoload" > /proc/sys/kernel/modprobe
lscd_stop_ok lscd_ca
finish
