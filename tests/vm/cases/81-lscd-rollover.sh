#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A CA rollover, end to end in the daemon.  scepserver has no
# GetNextCACert, so tests/peers/scep-pending.py announces one in front of
# it (--next-ca).  CA A (the 2048 fixture) announces CA B (the 4096 one),
# signed with A's key: lscd records B in ca.next; when the front then
# serves B (the CA switched), lscd takes B at its next check
# (ca_refresh_interval), moves ca.pin to it and hands it to the kernel,
# without "lscd ca accept".  B then announces A unsigned: refused, naming
# both; when A answers again, lscd refuses it and keeps B.  With a
# configured ca_fingerprint the pin is never moved: lscd says to change it.
#
#   lscd --HTTP--> :8090 scep-pending.py --next-ca ... --> :8080 A | :8081 B

. tests/lib.sh
plan 8
. tests/vm/cases/lscd-lib.bash

lscd_setup lscd_rollover
cp -r "$fx/ca4096" "$tmp/cab"
ca_serve caa 8080 -allowrenew 0 && ca_serve cab 8081 -allowrenew 0 ||
	{ not_ok "lscd_rollover: scepserver did not start"; exit 1; }
fp() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr A-F a-f; }
fpa=$(fp "$tmp/caa/ca.pem")
fpb=$(fp "$tmp/cab/ca.pem")
URL=http://127.0.0.1:8090/scep
front_pid=

# front CA ARGS...: the front on :8090 over scepserver CA (caa or cab).
front() {
	local ca=$1 port
	shift
	[ "$ca" = caa ] && port=8080 || port=8081
	if [ -n "$front_pid" ]; then
		kill "$front_pid" 2>/dev/null
		wait "$front_pid" 2>/dev/null
	fi
	python3 tests/peers/scep-pending.py --port 8090 --pending 0 \
		--upstream "http://127.0.0.1:$port/scep" --ca-cert "$tmp/$ca/ca.pem" \
		--ca-key "$tmp/$ca/ca.key" "$@" >>"$tmp/front.log" 2>&1 &
	front_pid=$!
	pids+=($front_pid)
	wait_until 120 curl -sf "$URL?operation=GetCACaps"
}

front caa --next-ca "$tmp/cab/ca.pem" --next-ca-signer "$tmp/caa/ca.key" ||
	{ not_ok "lscd_rollover: the front did not start: $(tail -n 3 "$tmp/front.log")"; exit 1; }
lscd_start --url "$URL" --set ca_refresh_interval=2 ||
	{ not_ok "lscd_rollover: lscd did not start: $(lscd_tail)"; exit 1; }
if wait_until 120 grep -q "announces its next CA $fpb (GetNextCACert, signed by the current CA $fpa): recorded" "$tmp/lscd.log" &&
	[ "$(cat "$tmp/state/ca.pin")" = "$fpa" ] &&
	[ "$(printf '%s\n' "$fpb" "$fpa")" = "$(cat "$tmp/state/ca.next")" ]; then
	ok "lscd_rollover: CA A trusted on first use; its signed announcement of B recorded in ca.next"
else
	not_ok "lscd_rollover: announcement: ca.pin $(cat "$tmp/state/ca.pin" 2>&1) / $(lscd_tail)"
fi

# The CA switches to B.
front cab || { not_ok "lscd_rollover: the front did not restart"; exit 1; }
if wait_until 120 grep -q "rolled over: now $fpb, announced by the previous CA $fpa" "$tmp/lscd.log" &&
	[ "$(cat "$tmp/state/ca.pin")" = "$fpb" ] && [ ! -e "$tmp/state/ca.next" ] &&
	wait_until 60 grep -q "CA $URL: certificates fetched, fingerprint (SHA-256) $fpb" "$tmp/lscd.log" &&
	! grep -q "lscd ca accept" "$tmp/lscd.log"; then
	ok "lscd_rollover: GetCACert returns B: taken without lscd ca accept, ca.pin moved to B"
else
	not_ok "lscd_rollover: rollover to B: ca.pin $(cat "$tmp/state/ca.pin" 2>&1) / $(lscd_tail)"
fi
if wait_until 120 grep -q "controller: LSC installed" "$tmp/lscd.log" &&
	wait_until 120 sh -c "openssl verify -CAfile '$tmp/cab/ca.pem' '$tmp/state/controller.crt' >/dev/null 2>&1"; then
	ok "lscd_rollover: the controller enrolled again under B"
else
	not_ok "lscd_rollover: controller under B: $(lscd_tail 3)"
fi
# What the operator sees is the pin, whatever the spelling.
shown=$(build/lscctl show summary 2>&1 | sed -n 's/^ *CA fingerprint (SHA-256) *//p')
if [ "$(printf '%s' "$shown" | tr -d ':' | tr A-F a-f)" = "$(cat "$tmp/state/ca.pin")" ] &&
	build/lscd ca show --config /dev/null --state-dir "$tmp/state" 2>&1 | grep -q "ca.pin: $fpb$"; then
	ok "lscd_rollover: lscctl show summary and lscd ca show give the pinned CA, B"
else
	not_ok "lscd_rollover: lscctl shows '$shown', ca.pin holds $(cat "$tmp/state/ca.pin")"
fi

# B announces A, unsigned; then A answers in B's place.
front cab --next-ca "$tmp/caa/ca.pem" || { not_ok "lscd_rollover: the front did not restart"; exit 1; }
if wait_until 120 grep -q "next CA $fpa refused: GetNextCACert: the reply is not signed by the current CA (nor its RA) (current CA $fpb)" "$tmp/lscd.log" &&
	[ ! -e "$tmp/state/ca.next" ]; then
	ok "lscd_rollover: an unsigned announcement is refused, naming both CAs, and not recorded"
else
	not_ok "lscd_rollover: unsigned announcement: $(lscd_tail)"
fi
front caa || { not_ok "lscd_rollover: the front did not restart"; exit 1; }
if wait_until 120 grep -q "its certificate's fingerprint $fpa is not the trusted $fpb (ca.pin)" "$tmp/lscd.log" &&
	wait_until 60 grep -q "check failed; the CA fetched before ($fpb) stays in use" "$tmp/lscd.log" &&
	[ "$(cat "$tmp/state/ca.pin")" = "$fpb" ]; then
	ok "lscd_rollover: the CA not announced by a signed GetNextCACert is refused; B stays"
else
	not_ok "lscd_rollover: unannounced CA: ca.pin $(cat "$tmp/state/ca.pin" 2>&1) / $(lscd_tail)"
fi
lscd_stop

# A configured ca_fingerprint: told, never moved.
front cab --next-ca "$tmp/caa/ca.pem" --next-ca-signer "$tmp/cab/ca.key" ||
	{ not_ok "lscd_rollover: the front did not restart"; exit 1; }
lscd_start --url "$URL" --fingerprint "$fpb" --set ca_refresh_interval=2 ||
	{ not_ok "lscd_rollover: lscd did not restart: $(lscd_tail)"; exit 1; }
wait_until 120 grep -q "ca_fingerprint pins the current one, so lscd will refuse the next CA until ca_fingerprint is changed to $fpa" "$tmp/lscd.log"
front caa || { not_ok "lscd_rollover: the front did not restart"; exit 1; }
if wait_until 120 grep -q "refused: it rolled over to $fpa, which the previous CA $fpb announced (GetNextCACert, signed by it), but ca_fingerprint pins $fpb: change ca_fingerprint to $fpa" "$tmp/lscd.log" &&
	[ "$(cat "$tmp/state/ca.pin")" = "$fpb" ]; then
	ok "lscd_rollover: with ca_fingerprint the announced CA is refused, and the log says which pin to set"
else
	not_ok "lscd_rollover: configured pin: $(lscd_tail)"
fi
lscd_stop_ok lscd_rollover
finish
