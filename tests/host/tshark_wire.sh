#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# tshark decodes every packet the wire builder makes, with no expert
# warning or error: one capture (written by tests/host/wire_gen.c) holds a
# sample of each control message, the LSC vendor elements in their
# carrier messages, and the large ones fragmented at a 1400-byte MTU.
# Two deliberately broken packets first prove the expert check can fail,
# one on an error-level finding and one on a warning-level one.

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. tests/lib.sh
plan 9
need tshark tshark

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gen=$tmp/wire_gen
pcap=$tmp/wire.pcap

# shellcheck disable=SC2046
check tshark_build_generator ${CC:-cc} -std=gnu11 -Wall -Wextra -Werror -O2 \
	-Iinclude/uapi -Ikmod -Itests/unit -o "$gen" tests/host/wire_gen.c \
	$(ls kmod/wire*.c | grep -v '\.mod\.c$')
[ -x "$gen" ] || exit 1
check tshark_write_capture "$gen" pcap "$pcap"
"$gen" pcap-bad "$tmp/bad.pcap" >/dev/null 2>&1
"$gen" pcap-warn "$tmp/warn.pcap" >/dev/null 2>&1

ts() {
	tshark -n -r "$@" 2>/dev/null
}

found=$(tshark_findings "$tmp/bad.pcap")
if printf '%s\n' "$found" | grep -q 'Result Code length'; then
	ok "tshark_negative_control_error: $(printf '%s\n' "$found" | head -n 1)"
else
	not_ok "tshark_negative_control_error: a 2-byte Result Code went unflagged: '$found'"
fi
found=$(tshark_findings "$tmp/warn.pcap")
if printf '%s\n' "$found" | grep -q '^Warns (1)$' &&
   ! printf '%s\n' "$found" | grep -q '^Errors'; then
	ok "tshark_negative_control_warning: $(printf '%s\n' "$found" | head -n 1)"
else
	not_ok "tshark_negative_control_warning: a header length with 4 bytes unaccounted for went unflagged: '$found'"
fi

# A capture cut short makes tshark fail before any expert section: that
# must read as a finding, never as a clean capture.
head -c $(($(stat -c %s "$pcap") - 7)) "$pcap" >"$tmp/short.pcap"
found=$(tshark_findings "$tmp/short.pcap")
if printf '%s\n' "$found" | grep -q '^tshark failed (exit [1-9]'; then
	ok "tshark_negative_control_cut_short: $(printf '%s' "$found" | head -c 160)"
else
	not_ok "tshark_negative_control_cut_short: a capture cut short read as '$found'"
fi

found=$(tshark_findings "$pcap")
if [ -z "$found" ]; then
	ok tshark_no_expert_warnings
else
	not_ok "tshark_no_expert_warnings: $(printf '%s' "$found" | tr '\n' ' ')"
fi

# Message types of the complete (or reassembled) messages, in order.
want="1 2 3 4 5 6 11 12 13 14 7 7 7 7 8 9 9 10 8313089 8313090"
got=$(ts "$pcap" -T fields -e capwap.control.header.message_type |
	grep -v '^$' | tr '\n' ' ' | sed 's/ $//')
if [ "$got" = "$want" ]; then
	ok tshark_message_types
else
	not_ok "tshark_message_types: got '$got', want '$want'"
fi

# LSC element ids under our vendor id, with how often each appears: the
# CA chain (5) and the device certificate (6) only decode if tshark
# reassembled their fragmented messages.
want="1:1 2:1 3:1 4:1 5:3 6:2 7:1 8:1"
got=$(ts "$pcap" -T fields -E occurrence=a -E aggregator=' ' \
	-e capwap.control.message_element.vsp.vendor_identifier \
	-e capwap.control.message_element.vsp.vendor_element_id |
	awk -F'\t' '$1 != "" {
		n = split($1, v, " "); split($2, id, " ");
		for (i = 1; i <= n; i++) if (v[i] == 32473) c[id[i]]++
	} END { for (k in c) printf "%s:%d\n", k, c[k] }' |
	sort -n | tr '\n' ' ' | sed 's/ $//')
if [ "$got" = "$want" ]; then
	ok tshark_lsc_elements
else
	not_ok "tshark_lsc_elements: got '$got', want '$want'"
fi

if ts "$pcap" -Y 'capwap.message_element.type == 33 &&
	capwap.control.message_element.result_code == 19' | grep -q .; then
	ok tshark_result_code_19
else
	not_ok "tshark_result_code_19: no Result Code 19 response decoded"
fi

finish
