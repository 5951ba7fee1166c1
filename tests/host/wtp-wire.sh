#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every kind of packet lsc-wtp sends, captured on lo and decoded by
# tshark: one AP provisioned by tests/tools/wtp_ac (the scripted test
# controller), both in a network namespace of the test's own, from its
# MIC join to its LSC join, then
# answering an unknown request, a duplicated Configuration Update and a
# Reset, and sending Echo Requests.  Any tshark expert warning fails.

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. tests/lib.sh
plan 16

PORT=15246
wtp=build/lsc-wtp
ac=build/tools/wtp_ac

need tshark tshark
need dumpcap tshark
if [ ! -x $wtp ] || [ ! -x $ac ]; then
	not_ok "wtp_wire: build $wtp and $ac first"
	exit 1
fi

tmp=$(mktemp -d)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	umount "$tmp/ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
private_netns "$tmp/ns" || { not_ok "wtp_wire: cannot create a network namespace"; exit 1; }
# Servers start as `nsenter ... CMD &`, not through a shell function, so
# that $! is their own PID.

# dumpcap flushes every packet when it writes to a pipe, so the capture
# file shows what was captured while the capture runs.
pcap=$tmp/wtp.pcapng
mkfifo "$tmp/capture"
cat "$tmp/capture" >"$pcap" &
catpid=$!
nsenter --net="$tmp/ns" dumpcap -q -i lo -f "udp port $PORT" -w - >"$tmp/capture" 2>"$tmp/dumpcap.err" &
dumpcap_pid=$!
pids+=($dumpcap_pid $catpid)
if ! wait_until 15 grep -q "Capturing on" "$tmp/dumpcap.err"; then
	not_ok "wtp_wire_capture: dumpcap did not start: $(cat "$tmp/dumpcap.err")"
	exit 1
fi

nsenter --net="$tmp/ns" $ac --port $PORT --echo 1 --script --exit-after 1 --timeout 60 \
	>"$tmp/ac.out" 2>"$tmp/ac.err" &
acpid=$!
pids+=($acpid)
wait_until 30 grep -q "listening on" "$tmp/ac.err"
nsenter --net="$tmp/ns" $wtp --ac 127.0.0.1:$PORT --mac f8:66:f2:67:57:7e --model AP3G1 \
	--serial FTX1433K60R --state-dir "$tmp/ap" --daemon \
	>"$tmp/wtp.log" 2>&1 &
wtppid=$!
pids+=($wtppid)

if wait $acpid; then
	ok wtp_wire_scripted_exchange
else
	not_ok "wtp_wire_scripted_exchange: controller saw $(cat "$tmp/ac.out"); AP log: $(tail -n 5 "$tmp/wtp.log" | tr '\n' ' ')"
fi
kill $wtppid 2>/dev/null
wait $wtppid 2>/dev/null

ts() {
	tshark -n -r "$pcap" -d udp.port==$PORT,capwap "$@" 2>/dev/null
}

# The controller is done once the AP joined the third time (MIC, LSC, LSC
# after the reset): wait until the capture holds that join, then stop it.
joins() {
	[ "$(ts -Y "udp.dstport == $PORT && capwap.control.header.message_type == 3" | wc -l)" -ge 3 ]
}
wait_until 30 joins || echo "# the capture never showed the third join"
kill $dumpcap_pid 2>/dev/null
wait $dumpcap_pid $catpid 2>/dev/null

counters=$(cat "$tmp/ac.out")
missing=
for want in mic_joins=1 lsc_joins=2 installed=1 dup_answered=1 unrecognized=1 resets=1; do
	[[ " $counters " == *" $want "* ]] || missing="$missing $want"
done
if [ -z "$missing" ]; then
	ok wtp_wire_controller_counters
else
	not_ok "wtp_wire_controller_counters: want$missing in '$counters'"
fi

found=$(tshark_findings "$pcap" -d udp.port==$PORT,capwap)
if [ -z "$found" ]; then
	ok wtp_wire_no_expert_warnings
else
	not_ok "wtp_wire_no_expert_warnings: $(printf '%s' "$found" | tr '\n' ' ')"
fi

# Message types the AP sent (complete or reassembled messages).
sent=$(ts -Y "udp.dstport == $PORT" -T fields \
	-e capwap.control.header.message_type | grep -v '^$' | sort -un | tr '\n' ' ')
vendor_resp=$(( (32473 << 8) | 2 ))
for t in 1:discovery 3:join 5:config_status 8:config_update_response \
	9:wtp_event 11:change_state 13:echo 18:reset_response \
	$vendor_resp:unrecognized_response; do
	if [[ " $sent " == *" ${t%%:*} "* ]]; then
		ok "wtp_wire_sends_${t#*:}"
	else
		not_ok "wtp_wire_sends_${t#*:}: message type ${t%%:*} not among '$sent'"
	fi
done

# CERT_INFO (vendor element 1) in the Join Requests: MIC first, then LSC.
joins=$(ts -Y "udp.dstport == $PORT && capwap.control.header.message_type == 3" \
	-T fields -E occurrence=a -E aggregator=' ' \
	-e capwap.control.message_element.vsp.vendor_element_id \
	-e capwap.control.message_element.vsp.vendor_data |
	awk -F'\t' '{ n = split($1, id, " "); split($2, d, " ");
		for (i = 1; i <= n; i++) if (id[i] == 1) print substr(d[i], 1, 2) }' |
	tr '\n' ' ')
if [[ "$joins" == "01 03 03 "* ]]; then
	ok wtp_wire_join_mic_then_lsc
else
	not_ok "wtp_wire_join_mic_then_lsc: certificate types in the joins: '$joins'"
fi

events=$(ts -Y "udp.dstport == $PORT && capwap.control.header.message_type == 9" \
	-T fields -E occurrence=a -E aggregator=' ' \
	-e capwap.control.message_element.vsp.vendor_element_id | tr '\n' ' ')
if [[ " $events " == *" 4 "* ]] && [[ " $events " == *" 7 "* ]]; then
	ok wtp_wire_event_cert_request_and_install_result
else
	not_ok "wtp_wire_event_cert_request_and_install_result: element ids '$events'"
fi

# The duplicated request got the cached answer: two responses with its
# sequence number, the same bytes from the CAPWAP header on.
dups=$(ts -Y "udp.dstport == $PORT && capwap.control.header.message_type == 8" \
	-T fields -e capwap.control.header.sequence_number -e udp.payload |
	sort | awk -F'\t' '{ n[$1]++; p[$1, n[$1]] = $2 }
		END { for (s in n) if (n[s] > 1) {
			same = "same"
			for (k = 2; k <= n[s]; k++) if (p[s, k] != p[s, 1]) same = "differ"
			print s, n[s], same
		} }')
# (A request the controller retransmitted under load is answered again
# too, and must be just as identical.)
if [ -n "$dups" ] && ! printf '%s\n' "$dups" | grep -q ' differ$'; then
	ok "wtp_wire_duplicate_answered_from_cache: identical responses (sequence, times: $(echo $dups))"
else
	not_ok "wtp_wire_duplicate_answered_from_cache: sequence numbers answered more than once: '$dups'"
fi

if ts -Y "udp.dstport == $PORT && capwap.control.message_element.result_code == 19" |
	grep -q .; then
	ok wtp_wire_result_code_19
else
	not_ok "wtp_wire_result_code_19: no Result Code 19 in the AP's answers"
fi

finish
