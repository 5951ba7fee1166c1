#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# RFC 5415 section 4.7's timers on the controller's side of DTLS, and its
# end of a session (docs/PROTOCOL.md section 6.13), with the module loaded
# with short timers (WaitJoin 6 s; a dead interval of 2 s): build/tools/
# dtls_relay_peer timers plays an OpenSSL AP and lscd's relay role and
# checks that a keyed peer without a Join is ended at WaitJoin with a
# close_notify it decrypts, that records under ended keys are dropped
# quietly for DTLSSessionDelete and relayed after it, that an AP in Run
# that goes silent gets the controller's close_notify and its keys open
# nothing after, and that the AP's own close_notify is answered with one (6
# checks).  Around it: the reasons in the kernel log and the AP's
# history, a wait_join_s out of range refused, and the module's
# close_notify at unload to a peer still keyed.

. tests/lib.sh
plan 14 600

tool=build/tools/dtls_relay_peer
sys=/sys/kernel/capwap_lsc
stat() { cat "$sys/stats/$1"; }

if ! modprobe capwap_lsc wait_join_s=0 2>/dev/null &&
	dmesg | grep -q "capwap_lsc: wait_join_s must be 1..3600"; then
	ok "wait_join_s=0 is refused at load, with its range in the log"
else
	not_ok "wait_join_s=0: $(dmesg | grep wait_join_s | tail -n 1)"
	modprobe -r capwap_lsc
fi
check "modprobe capwap_lsc wait_join_s=6 echo_interval=1 dead_echoes=2" \
	modprobe capwap_lsc wait_join_s=6 echo_interval=1 dead_echoes=2
check "lscctl config dtls on" build/lscctl config dtls on
checks 6 "dtls_relay_peer timers" $tool timers

if dmesg | grep -Eq "capwap_lsc: DTLS 127\.0\.0\.1:[0-9]+ \(02:03:a0:b0:c0:d0\): no Join within WaitJoin, 6 s: session ended \(dtls-wait-join\)" &&
	[ "$(stat dtls_wait_join)" = 1 ] && [ "$(stat dtls_close_sent)" = 2 ]; then
	ok "WaitJoin's end is logged in words (dtls-wait-join); sysfs counts dtls_wait_join 1, dtls_close_sent 2"
else
	not_ok "log: '$(dmesg | grep -i waitjoin | tail -n 1)', dtls_wait_join $(stat dtls_wait_join), dtls_close_sent $(stat dtls_close_sent)"
fi
# The AP went silent in Run, then joined again and sent its close_notify.
if build/lscctl -j show ap 02:03:a0:b0:c0:d0 | python3 -c 'import json,sys
e = [x["end_reason"] for x in json.load(sys.stdin)["history"] if x["event"] == "session-end"]
print("# session ends:", e)
sys.exit(0 if e[-2:] == ["silent", "dtls-peer-disconnect"] else 1)'; then
	ok "the AP's history: silent (the controller's close_notify), then dtls-peer-disconnect (its own)"
else
	not_ok "history: $(build/lscctl show ap 02:03:a0:b0:c0:d0 2>&1 | tail -n 4 | tr '\n' ' ')"
fi
# A peer keyed at unload gets its close_notify before the socket goes:
# "dtls_relay_peer sessions 1" keys 127.0.0.2:10000, where a listener
# then waits for one datagram.
check "modprobe -r capwap_lsc" modprobe -r capwap_lsc
check "modprobe capwap_lsc (WaitJoin at its default, 60 s)" modprobe capwap_lsc
out=$(mktemp)
# Keys first: making its certificates takes the guest a while.
keyed=$($tool sessions 1 2>&1)
# It opens the record with the keys "dtls_relay_peer sessions" gave the
# module's side of its first session: a record of the right shape the
# module did not seal with them is no close_notify of that session.
/usr/bin/python3 -c 'import socket
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.2", 10000))
s.settimeout(300)
print("ready", flush=True)
d, a = s.recvfrom(4096)
r = d[4:]
try:
    aad = r[3:11] + r[0:3] + (len(r) - 13 - 8 - 16).to_bytes(2, "big")
    p = AESGCM(bytes(15) + b"t").decrypt(b"tx\0\0" + r[13:21], r[21:], aad).hex()
except Exception as e:
    p = "unopened (%s)" % type(e).__name__
print("got", len(d), r[0], r[1:5].hex(), p)' >"$out" 2>&1 &
# The guest's python may take long to start: no unload before it listens.
wait_until 180 grep -q ready "$out"
sent=$(stat dtls_close_sent)
modprobe -r capwap_lsc
rc=$?
wait_until 30 grep -q got "$out"
# CAPWAP DTLS header (4), record header (13), nonce (8), alert (2), tag
# (16); the alert a warning (1), close_notify (0)
if grep -q "^got 43 21 fefd0001 0100$" "$out"; then
	ok "at unload a keyed peer gets the controller's close_notify: one alert record of epoch 1, opened with the session's keys"
else
	not_ok "at unload: listener '$(cat "$out" | tr '\n' ' ')', keys '$keyed', dtls_close_sent before $sent, modprobe -r $rc: $(dmesg | tail -n 3 | tr '\n' ' ')"
fi
rm -f "$out"
finish
