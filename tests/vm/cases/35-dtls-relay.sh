#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel side of DTLS on the control channel (docs/PROTOCOL.md
# section 6): with "lscctl config dtls on", build/tools/dtls_relay_peer
# plays an OpenSSL DTLS 1.2 AP over UDP and lscd's relay role with
# lscd's own handshake engine, and checks the relay, the record layer
# (sealed answers, replay, forgery, epoch, a replacing association,
# close_notify) and the refusal
# of CBC key blocks (21 checks).  Around it: the mode shows in sysfs and
# lscctl, DTLS off drops DTLS datagrams as before, DTLS required drops a
# clear-text Join, and the module unloads with no session left behind
# (slub_debug and panic_on_warn watch the frees).

. tests/lib.sh
plan 32

tool=build/tools/dtls_relay_peer
sys=/sys/kernel/capwap_lsc
stat() { cat "$sys/stats/$1"; }

check "modprobe capwap_lsc" modprobe capwap_lsc
if [ "$(cat $sys/dtls_mode)" = off ] &&
	build/lscctl show summary | grep -Eq "DTLS control channel +Off"; then
	ok "DTLS is off by default, in sysfs and lscctl show summary"
else
	not_ok "dtls_mode '$(cat $sys/dtls_mode)': $(build/lscctl show summary | grep -i dtls)"
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
checks 21 "dtls_relay_peer" $tool

# The counters the tool moved are in sysfs under their names.
if [ "$(stat dtls_drop_replay)" -ge 1 ] && [ "$(stat dtls_drop_auth)" -ge 2 ] &&
	[ "$(stat dtls_drop_epoch)" -ge 1 ] && [ "$(stat dtls_closed)" -ge 1 ] &&
	[ "$(stat dtls_join_mismatch)" -ge 1 ] && [ "$(stat dtls_relayed)" -ge 4 ]; then
	ok "sysfs shows the DTLS counters"
else
	not_ok "sysfs: replay $(stat dtls_drop_replay) auth $(stat dtls_drop_auth) epoch $(stat dtls_drop_epoch) closed $(stat dtls_closed) mismatch $(stat dtls_join_mismatch) relayed $(stat dtls_relayed)"
fi

# DTLS required: a clear-text Join is dropped and counted.
check "lscctl config dtls required" build/lscctl config dtls required
checks 3 "dtls_relay_peer required" $tool required
check "modprobe -r capwap_lsc" modprobe -r capwap_lsc
finish
