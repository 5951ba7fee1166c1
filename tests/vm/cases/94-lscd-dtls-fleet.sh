#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A fleet over DTLS (issue 10, "A 200-AP fleet"), with the module in
# "dtls required", the real lscd and a real scepserver, as 93-lscd-dtls
# sets them up:
#   - DTLS_FLEET_APS lsc-wtp APs (default 200, as issue 10 asks; some
#     3 minutes in the guest, both fleets) join with their MIC, get their
#     LSC inside DTLS, and rejoin with it over DTLS; lscd authenticated
#     each one by its MIC and then by its LSC, and the module shows each
#     one installed with its LSC
#   - the capture of the control port, decrypted by tshark with the
#     fleet's key log (--keylog), holds every control message of the
#     exchange, and each one parses with the module's own wire code
#     (build/tools/capwap_wire_check, kmod/wire*.c); nothing but
#     Discovery is clear text
#   - the same fleet in clear-text mode (lscctl config dtls off) does the
#     same, the module shows each AP joined again, and tshark finds
#     nothing to flag in its capture
# It prints what the fleet cost in the guest (wall time from the
# fleet's JSON summary, lscd's CPU): figures, never checked.

. tests/lib.sh
n=${DTLS_FLEET_APS:-200}
# Both fleets and tshark took 186 s for 200 APs in a quiet TCG guest;
# some 6 s per AP leaves room for a busy host.
limit=$((600 + 6 * n))
plan 9 $limit
. tests/vm/cases/lscd-lib.bash

lscctl=build/lscctl
check_wire=build/tools/capwap_wire_check
# The AP keys of the fleet (RSA-2048: its LSCs are DTLS credentials at
# security level 2), made on the host by tests/vm/fixtures.
keys=build/fixtures/demo/keys
lscd_setup dtls_fleet --attempts 3 --bits 2048
need dumpcap wireshark-common
need tshark tshark
[ -x $check_wire ] || { not_ok "dtls_fleet: build $check_wire first"; exit 1; }
[ -s "$keys/$(printf %04d $((n - 1))).key" ] ||
	{ not_ok "dtls_fleet: $n AP keys wanted in $keys (DTLS_FLEET_APS=$n tests/vm/fixtures on the host)"; exit 1; }

ca_serve ca 8080 || { not_ok "dtls_fleet: scepserver did not start"; exit 1; }
lscd_dtls_start dtls_fleet
mkdir -p "$tmp/clear"
cp "$tmp/fleet/mfg-ca.key" "$tmp/fleet/mfg-ca.crt" "$tmp/clear/"
echo "# dtls_fleet: ${SECONDS}s into the case: the controller holds its LSC"

# capture_start NAME / capture_stop: dumpcap on the control port into
# $tmp/NAME.pcapng.  dumpcap drops what it has not read when stopped: a
# last datagram marks the end, and it stops once that is in the file.  The
# mark goes to port 5249, where tshark sees no CAPWAP to flag.
capture_start() {
	cap=$tmp/$1.pcapng
	capname=$1
	dumpcap -q -i lo -f "udp port 5246 or udp port 5249" -B 64 -w "$cap" 2>"$tmp/$1.dumpcap" &
	dcpid=$!
	pids+=($dcpid)
	# A capture that misses the start would fail the checks below for
	# what it lost: none is taken.
	wait_until 120 grep -q "Capturing on" "$tmp/$1.dumpcap" ||
		{ not_ok "dtls_fleet: dumpcap did not start: $(cat "$tmp/$1.dumpcap")"; exit 1; }
}
capture_stop() {
	echo capture-end >/dev/udp/127.0.0.1/5249
	wait_until 30 grep -q capture-end "$cap" ||
		echo "# the end of the capture never reached the file"
	kill -TERM $dcpid 2>/dev/null
	wait $dcpid 2>/dev/null
	grep -h "Packets" "$tmp/$capname.dumpcap" | tail -n 1 | sed 's/^/# dumpcap: /'
	# Kept for a look on the host (and for the fuzzer's seeds).
	[ -z "${VM_RESULT_DIR:-}" ] || cp "$cap" "$VM_RESULT_DIR/dtls-fleet-$capname.pcapng"
}

# ticks PID: utime+stime of PID, in clock ticks.
ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
# json FILE KEY: a number of lsc-wtp's JSON summary.
json() { tr -d ' \n' <"$1" | sed -n "s/.*\"$2\":\([0-9.a-z]*\).*/\1/p"; }

# fleet NAME ARGS...: the fleet, its state in $tmp/NAME; checks that
# every AP holds an LSC and rejoined with it; prints its cost.
fleet() {
	local name=$1 l0 l1 t0 t1
	shift
	l0=$(ticks "$lscd_pid")
	t0=$(date +%s)
	if timeout $((limit / 2)) $wtp --ac 127.0.0.1:5246 --count "$n" --threads 2 --keys-from "$keys" \
		--state-dir "$tmp/$name" --json --timeout $((limit / 2 - 60)) "$@" \
		>"$tmp/$name.json" 2>"$tmp/$name.log" &&
		[ "$(json "$tmp/$name.json" lsc_achieved)" = "$n" ]; then
		ok "dtls_fleet: $name: $n APs joined with their MIC, got an LSC, and rejoined with it"
	else
		not_ok "dtls_fleet: $name: $(tr -d '\n' <"$tmp/$name.json" | cut -c 1-400) $(tail -n 3 "$tmp/$name.log" | tr '\n' ' ') / $(lscd_tail 3)"
	fi
	t1=$(date +%s)
	l1=$(ticks "$lscd_pid")
	echo "# dtls_fleet: $name: $n APs in $((t1 - t0)) s wall (every LSC after $(json "$tmp/$name.json" time_to_all_lsc_s) s), lscd CPU $(awk -v t=$((l1 - l0)) -v h="$(getconf CLK_TCK)" -v n="$n" 'BEGIN { printf "%.2f s (%.0f ms per AP)", t / h, t * 1000 / h / n }'), $(json "$tmp/$name.json" dtls_handshakes) handshakes at $(json "$tmp/$name.json" dtls_cpu_ms_per_handshake) ms AP CPU each"
}

# ---- Over DTLS ---------------------------------------------------------------
capture_start dtls
t_dtls=$(date +%s)
fleet fleet --dtls --controller-ca "$lscca" --controller-name wlc-test --keylog "$tmp/keylog.txt"
capture_stop
[ -z "${VM_RESULT_DIR:-}" ] || cp "$tmp/keylog.txt" "$VM_RESULT_DIR/dtls-fleet-keylog.txt"
echo "# dtls_fleet: ${SECONDS}s into the case: the DTLS fleet is done"

# fleet_settled KIND SINCE: each of the fleet's APs is in the module,
# installed with an LSC, last joined at SINCE (seconds since the epoch)
# or later; with KIND dtls, lscd's log shows each one authenticated by
# its MIC and then by its LSC.  One pass over the log and builtin reads
# of sysfs: a process per AP costs the guest some 0.2 s, minutes at the
# fleet's size.
fleet_settled() {
	local i m how ct st js one bad= nbad=0
	local -A seen=()

	if [ "$1" = dtls ]; then
		# An LSC counts only after a MIC: lscd's log is in time order.
		while read -r m how; do
			[ "$how" = MIC ] || [ -n "${seen[$m.MIC]:-}" ] && seen[$m.$how]=1
		done < <(sed -n 's/.* authenticated as \([0-9a-f:]*\) by its \(MIC\|LSC\),.*/\1 \2/p' "$tmp/lscd.log")
	fi
	for ((i = 0; i < n; i++)); do
		printf -v m '02:4c:53:00:%02x:%02x' $((i >> 8)) $((i & 255))
		one=
		if [ "$1" = dtls ]; then
			[ -n "${seen[$m.MIC]:-}" ] || one="$one $m:no-MIC"
			[ -n "${seen[$m.LSC]:-}" ] || one="$one $m:no-LSC-after-MIC"
		fi
		ct= st= js=
		{
			read -r ct <"$sys/aps/$m/cert_type"
			read -r st <"$sys/aps/$m/state"
			read -r js <"$sys/aps/$m/joined_since"
		} 2>/dev/null
		[ "$ct" = LSC ] || one="$one $m:cert_type=$ct"
		[ "$st" = installed ] || one="$one $m:state=$st"
		[[ ${js:-0} =~ ^[0-9]+$ ]] && [ "${js:-0}" -ge "$2" ] || one="$one $m:joined_since=$js"
		[ -z "$one" ] || { bad="$bad$one"; nbad=$((nbad + 1)); }
	done
	[ -z "$bad" ] && return
	echo "$nbad of $n APs:$(echo $bad | cut -c 1-400)"
	return 1
}

if bad=$(fleet_settled dtls "$t_dtls"); then
	ok "dtls_fleet: lscd authenticated each of the $n APs by its MIC, then by its LSC, and the module shows each with its LSC installed, joined during the fleet"
else
	not_ok "dtls_fleet: $bad"
fi

# One tshark pass (it is slow to start in the guest), with the key log:
# per datagram its clear-text message type, its DTLS record types, its
# direction and the plaintexts of its records, which tshark hands to its
# "data" dissector (one frame may hold several records: tshark joins
# their data with commas), never to CAPWAP's.
tshark -n -r "$cap" -o tls.keylog_file:"$tmp/keylog.txt" -d dtls.port==5246,data \
	-Y "udp.port == 5246" -T fields -e capwap.control.header.message_type \
	-e dtls.record.content_type -e ip.src -e udp.srcport -e ip.dst -e udp.dstport \
	-e data.data >"$tmp/dtls.txt" 2>"$tmp/tshark.err"
echo "# dtls_fleet: ${SECONDS}s into the case: tshark is done"
clear=$(cut -f1 "$tmp/dtls.txt" | grep . | sort -u | tr '\n' ' ')
records=$(cut -f2 "$tmp/dtls.txt" | grep -c .)
if [ "$clear" = "1 2 " ] && [ "$records" -gt "$n" ]; then
	ok "dtls_fleet: the capture holds $records DTLS datagrams and no clear-text control message but Discovery"
else
	not_ok "dtls_fleet: clear-text message types '$clear', DTLS datagrams $records: $(head -c 200 "$tmp/tshark.err")"
fi
awk -F'\t' '$7 != "" { n = split($7, d, ","); for (i = 1; i <= n; i++) print $3 ":" $4 ">" $5 ":" $6 "\t" d[i] }' \
	"$tmp/dtls.txt" >"$tmp/plain.txt"
# Per AP some 22 messages: two Joins (MIC, LSC) with their Configuration
# Status and Change State, the CSR's and the install's WTP Events, the
# certificates' Configuration Updates, each request with its response.
checks 1 "dtls_fleet: capwap_wire_check" $check_wire "$tmp/plain.txt" $((n * 20)) \
	join-request:$((2 * n)) join-response:$((2 * n)) change-state-event-request:$((2 * n)) \
	wtp-event-request:$((2 * n)) configuration-update-request:$((2 * n)) \
	configuration-update-response:$((2 * n))

# ---- In clear text -------------------------------------------------------------
# A fresh depot of the same CA: scepserver issues a CN only once.
kill "$ca_pid_ca" 2>/dev/null
wait "$ca_pid_ca" 2>/dev/null
ca_serve ca2 8080 || { not_ok "dtls_fleet: the second scepserver did not start"; exit 1; }
$lscctl config dtls off >"$tmp/mode.log" 2>&1 && [ "$(cat $sys/dtls_mode)" = off ] ||
	{ not_ok "dtls_fleet: lscctl config dtls off: mode $(cat $sys/dtls_mode): $(cat "$tmp/mode.log")"; exit 1; }
capture_start clear
t_clear=$(date +%s)
fleet clear
capture_stop
if bad=$(fleet_settled clear "$t_clear"); then
	ok "dtls_fleet: clear text: the module shows each of the $n APs with its LSC installed, joined during the clear-text fleet"
else
	not_ok "dtls_fleet: clear text: $bad"
fi
echo "# dtls_fleet: ${SECONDS}s into the case: the clear-text fleet is done"
frames=$(capinfos -c -M "$cap" 2>/dev/null | awk '/Number of packets/ { print $NF }')
found=$(tshark_findings "$cap")
echo "# dtls_fleet: ${SECONDS}s into the case: tshark is done"
if [ -z "$found" ] && [ "${frames:-0}" -gt $((n * 12)) ]; then
	ok "dtls_fleet: clear text: tshark decodes the fleet's $frames datagrams without expert warnings"
else
	not_ok "dtls_fleet: clear text: tshark expert on $frames frames: $(printf '%s\n' "$found" | head -n 12 | tr '\n' ' ')"
fi

lscd_stop_ok dtls_fleet
check "dtls_fleet: modprobe -r capwap_lsc" modprobe -r capwap_lsc
finish
