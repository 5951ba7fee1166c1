#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel side of DTLS on the control channel (docs/PROTOCOL.md
# section 6): with "lscctl config dtls on", build/tools/dtls_relay_peer
# plays an OpenSSL DTLS 1.2 AP over UDP and lscd's relay role with
# lscd's own handshake engine, and checks the relay, the record layer
# (sealed answers, replay, forgery, epoch, a genuine record far ahead, a
# new handshake by the same AP, a replacing association, close_notify)
# and CBC key blocks, refused without encrypt-then-MAC and taken with it
# (25 checks), and, while its AP is in
# Run over DTLS, tests/vm/cases/dtls-ident.bash compares what sysfs and
# lscctl show of the AP's suite and certificate with openssl's reading
# of it (3).  After
# it: the sessions DTLS ended carry their end reasons, the handshake
# counters moved, and a clear-text Join's history entry says so.  Around
# it: the mode is required by default, shows in sysfs and lscctl; the lab
# mode (off) is logged once per change and drops DTLS datagrams as
# before; DTLS required drops a
# clear-text Join, and the module unloads with no session left behind
# (slub_debug and panic_on_warn watch the frees).  Then "dtls_relay_peer
# suites" runs each suite the module carries (two AES-GCM, three AES-CBC
# with encrypt-then-MAC) from a new port: key block, first records both
# ways, replay, flipped bit, and for CBC bad padding under a valid MAC
# (23 checks).  "dtls_relay_peer cookie" hands the module cookie secrets
# of its own and holds the module's HelloVerifyRequest to the HMAC it
# computes, OpenSSL's returned cookie to the relay, and the secrets to
# the genl socket that set them (7 checks).

. tests/lib.sh
plan 74 900

tool=build/tools/dtls_relay_peer
sys=/sys/kernel/capwap_lsc
stat() { cat "$sys/stats/$1"; }

check "modprobe capwap_lsc" modprobe capwap_lsc
if [ "$(cat $sys/dtls_mode)" = required ] &&
	build/lscctl show summary | grep -Eq "DTLS control channel +Required"; then
	ok "DTLS is required by default, in sysfs and lscctl show summary"
else
	not_ok "dtls_mode '$(cat $sys/dtls_mode)': $(build/lscctl show summary | grep -i dtls)"
fi
# The lab's clear-text mode: one explicit setting, shown, and logged once
# per change with the process that set it.
check "lscctl config dtls off (the lab mode)" build/lscctl config dtls off
build/lscctl config dtls off >/dev/null 2>&1
logged=$(dmesg | grep -c "capwap_lsc: DTLS off (lab mode), set by lscctl\[[0-9]*\] (uid 0): every control message travels in clear text")
if [ "$(cat $sys/dtls_mode)" = off ] && [ "$logged" = 1 ] &&
	build/lscctl show summary | grep -Eq "DTLS control channel +Off: clear text only \(lab\)"; then
	ok "dtls off: sysfs and lscctl show it, the kernel logs it once for two settings"
else
	not_ok "dtls off: sysfs '$(cat $sys/dtls_mode)', logged $logged times: $(build/lscctl show summary | grep -i dtls)"
fi
# DTLS off: a DTLS datagram is dropped as malformed, as before, not relayed.
before=$(stat malformed/dtls)
python3 -c 'import socket; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.sendto(bytes([1,0,0,0,22,0xfe,0xfd]+[0]*10),("127.0.0.1",5246))'
if wait_until 10 sh -c "[ \$(cat $sys/stats/malformed/dtls) -gt $before ]" &&
	[ "$(stat dtls_relayed)" = 0 ]; then
	ok "DTLS off: a DTLS datagram counts as malformed (dtls) and is not relayed"
else
	not_ok "DTLS off: malformed/dtls $before -> $(stat malformed/dtls), dtls_relayed $(stat dtls_relayed)"
fi

check "lscctl config dtls on" build/lscctl config dtls on
if [ "$(cat $sys/dtls_mode)" = on ] &&
	build/lscctl -j show summary | grep -Eq '"dtls_mode": ?"on"'; then
	ok "dtls on: sysfs and lscctl -j show it"
else
	not_ok "dtls on: sysfs '$(cat $sys/dtls_mode)', lscctl -j: $(build/lscctl -j show summary | grep -o '"dtls_mode[^,]*')"
fi
DTLS_AP_MAC=02:03:a0:b0:c0:d0 DTLS_PEER_CERT=$(mktemp) \
	DTLS_PEER_HOOK="bash tests/vm/cases/dtls-ident.bash" \
	checks 28 "dtls_relay_peer" $tool

# The first AP's session ended when a new association replaced its own;
# the second's with its close_notify (RFC 5415 DTLSPeerDisconnect).
last_end() {
	build/lscctl -j show ap "$1" | python3 -c 'import json,sys
e = [x for x in json.load(sys.stdin)["history"] if x["event"] == "session-end"]
print(e[-1]["end_reason"] if e else "none")'
}
first=$(last_end 02:03:a0:b0:c0:d0)
second=$(last_end 02:03:a0:b0:c0:d1)
if [ "$first" = dtls-closed ] && [ "$second" = dtls-peer-disconnect ]; then
	ok "sessions ended by DTLS carry their reason: dtls-closed (replaced), dtls-peer-disconnect (close_notify)"
else
	not_ok "end reasons: replaced '$first', close_notify '$second'"
fi

# Three handshakes, and the tool's four associations without one (two of
# them CBC with encrypt-then-MAC): 7 key blocks taken.  lscd reports the
# others (93-lscd-dtls).
if [ "$(stat dtls_handshakes_completed)" = 7 ] &&
	build/lscctl -j show stats | grep -Eq '"dtls_handshakes_completed": ?7' &&
	build/lscctl show stats --prometheus | grep -q '^capwap_lsc_dtls_handshakes_completed_total 7$'; then
	ok "dtls_handshakes_completed counts the 7 key blocks taken, in sysfs, lscctl -j and Prometheus"
else
	not_ok "dtls_handshakes_completed: sysfs $(stat dtls_handshakes_completed), $(build/lscctl -j show stats | grep -o '"dtls_handshakes_completed[^,]*'), $(build/lscctl show stats --prometheus | grep dtls_handshakes_completed_total)"
fi

# The counters the tool moved are in sysfs under their names.
if [ "$(stat dtls_drop_replay)" -ge 1 ] && [ "$(stat dtls_drop_auth)" -ge 2 ] &&
	[ "$(stat dtls_drop_epoch)" -ge 1 ] && [ "$(stat dtls_closed)" -ge 1 ] &&
	[ "$(stat dtls_join_mismatch)" -ge 1 ] && [ "$(stat dtls_relayed)" -ge 4 ]; then
	ok "sysfs shows the DTLS counters"
else
	not_ok "sysfs: replay $(stat dtls_drop_replay) auth $(stat dtls_drop_auth) epoch $(stat dtls_drop_epoch) closed $(stat dtls_closed) mismatch $(stat dtls_join_mismatch) relayed $(stat dtls_relayed)"
fi

# Each suite the module carries, both ways, with its drops counted.
checks 23 "dtls_relay_peer suites" $tool suites

# The module's half of the cookie exchange, with secrets the tool sets.
checks 7 "dtls_relay_peer cookie" $tool cookie

# DTLS required: a clear-text Join is dropped and counted.
check "lscctl config dtls required" build/lscctl config dtls required
checks 3 "dtls_relay_peer required" $tool required
# Its first AP joined in clear text, then "required" ended its session.
clear_ap=02:ca:00:00:00:d6
if build/lscctl -j show ap $clear_ap | python3 -c 'import json,sys
h = json.load(sys.stdin)["history"]
j = [e for e in h if e["event"] == "join"][-1]
end = [e for e in h if e["event"] == "session-end"][-1]
print("# join %s, end %s" % (j, end))
sys.exit(0 if j.get("address") == "127.0.0.1" and j.get("authenticated") is False and
         end.get("end_reason") == "clear-text-refused" else 1)'; then
	ok "a clear-text Join's history entry shows its address, unauthenticated; DTLS required ended it as clear-text-refused"
else
	not_ok "the clear-text AP's history: $(build/lscctl show ap $clear_ap 2>&1 | tail -n 4 | tr '\n' ' ')"
fi
check "modprobe -r capwap_lsc" modprobe -r capwap_lsc
finish
