# SPDX-License-Identifier: GPL-2.0
#
# One controller and its AP fleet, the way an operator runs them, for
# scripts/demo, scripts/drill and tests/bench/fleet.sh.  Sourced from the
# repository root, on the host (the fixtures) and in the VM (the rest):
#
#   lsc-wtp (simulated APs, MIC)  --CAPWAP 127.0.0.1:5246-->  capwap_lsc.ko
#                                                   | genl
#                                                 lscd  --SCEP/HTTP-->  scepserver (CA)
#
# The guest has nothing but loopback, so the CA runs in its initial network
# namespace (the module's genl family lives there, and so must lscd).

# wait_until, from the tests' library.
. tests/lib.sh

fleet_fx=build/fixtures/demo
fleet_ca_url=http://127.0.0.1:8080/scep

# --- on the host ------------------------------------------------------------

# fleet_fixtures APS [NAME...]: the CA's depot ($fleet_fx/ca, and one
# more CA per NAME), the controller's key, APS AP keys, and the simulated
# APs' manufacturer CA ($fleet_fx/mfg: the MICs chain to it, and lscd is
# told of it as an operator installs a vendor's MIC roots).  Made once and
# kept, on the host: RSA key generation is some thirty times slower in
# the VM.
fleet_fixtures() {
	local aps=$1 ca have=0
	shift
	mkdir -p "$fleet_fx"
	for ca in ca "$@"; do
		[ -s "$fleet_fx/$ca/ca.pem" ] ||
			scepserver ca -init -keySize 2048 -depot "$fleet_fx/$ca" >/dev/null
	done
	[ -s "$fleet_fx/controller.key" ] ||
		openssl genrsa -out "$fleet_fx/controller.key" 2048 2>/dev/null
	if [ ! -s "$fleet_fx/mfg/mfg-ca.crt" ]; then
		mkdir -p "$fleet_fx/mfg"
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-subj "/O=capwap-lsc simulated AP maker/CN=Simulated Manufacturing CA" \
			-keyout "$fleet_fx/mfg/mfg-ca.key" -out "$fleet_fx/mfg/mfg-ca.crt" \
			-days 3650 2>/dev/null
	fi
	[ ! -d "$fleet_fx/keys" ] || have=$(find "$fleet_fx/keys" -name '*.key' | wc -l)
	if [ "$have" -lt "$aps" ]; then
		echo "generating $aps AP keys (RSA-2048) on the host"
		rm -rf "$fleet_fx/keys"
		build/lsc-wtp genkeys --count "$aps" --bits 2048 --out "$fleet_fx/keys" >/dev/null
	fi
}

# --- in the VM ----------------------------------------------------------------

fleet_work=
fleet_pids=()
ca_pid=
lscd_pid=
# More lscd settings (--set KEY=VALUE...), for lscd_start.
fleet_lscd_args=()

# fleet_guest_init: a work directory, and everything started here goes
# (the module too) when the script exits.
fleet_guest_init() {
	fleet_work=$(mktemp -d)
	trap fleet_cleanup EXIT
}

fleet_cleanup() {
	local p
	# SIGCONT as well: a drill may have left the fleet stopped, and a
	# stopped process takes its SIGTERM only once it runs again.
	for p in "${fleet_pids[@]}"; do
		kill "$p" 2>/dev/null || true
		kill -CONT "$p" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	modprobe -r capwap_lsc 2>/dev/null || true
	rm -rf "$fleet_work"
}

# ca_start DEPOT [COMMAND...]: Debian's scepserver on DEPOT at
# $fleet_ca_url, run under COMMAND when given (taskset, say), logging to
# DEPOT.log; returns once it answers.
ca_start() {
	local depot=$1
	shift
	"$@" scepserver -depot "$depot" -port 8080 -allowrenew 0 >>"$depot.log" 2>&1 &
	ca_pid=$!
	fleet_pids+=("$ca_pid")
	wait_until 120 curl -sf "$fleet_ca_url?operation=GetCACaps"
}

ca_stop() {
	kill "$ca_pid" 2>/dev/null || true
	wait "$ca_pid" 2>/dev/null || true
	ca_pid=
}

# lsc_configure: the controller's LSC settings, with lscctl.
# No emailAddress: Debian's scepserver leaves it out of the certificates it
# issues, and lscd refuses a certificate whose subject is not the one asked.
lsc_configure() {
	build/lscctl config subject C=CN ST=BJ L=BJ O=Example OU=Wireless &&
		build/lscctl config key rsa 2048 &&
		build/lscctl config attempts 3 &&
		build/lscctl config provision all &&
		build/lscctl config lsc enable
}

# lscd_start [COMMAND...]: lscd with its state in $fleet_work/state (made
# with the controller's key the first time), logging to
# $fleet_work/lscd.log, run under COMMAND when given; returns once this
# lscd (not an earlier one in the same log) started.
lscd_start() {
	local n=0
	if [ ! -d "$fleet_work/state" ]; then
		mkdir -m 0700 "$fleet_work/state"
		install -m 0600 "$fleet_fx/controller.key" "$fleet_work/state/controller.key"
	fi
	[ ! -f "$fleet_work/lscd.log" ] || n=$(grep -c "lscd .* started" "$fleet_work/lscd.log" || true)
	"$@" build/lscd --foreground --config "${fleet_lscd_config:-/dev/null}" \
		--state-dir "$fleet_work/state" \
		--url "$fleet_ca_url" --set controller_cn=wlc-demo \
		--set subject_org=Example "${fleet_lscd_args[@]}" >>"$fleet_work/lscd.log" 2>&1 &
	lscd_pid=$!
	fleet_pids+=("$lscd_pid")
	wait_until 120 sh -c "[ \$(grep -c 'lscd .* started' '$fleet_work/lscd.log') -gt $n ]"
}

# lscd_kill SIGNAL: stops lscd with SIGNAL and reaps it.
lscd_kill() {
	kill -"$1" "$lscd_pid" 2>/dev/null || true
	wait "$lscd_pid" 2>/dev/null || true
	lscd_pid=
}

# fleet_argv APS ARG...: sets fleet_cmd to the lsc-wtp command line of APS
# simulated APs with the keys made on the host, their state in
# $fleet_work/aps, and ARGs.
fleet_argv() {
	local aps=$1
	shift
	fleet_cmd=(build/lsc-wtp --ac 127.0.0.1:5246 --count "$aps"
		--keys-from "$fleet_fx/keys" --state-dir "$fleet_work/aps" "$@")
}

# fleet_ap_dir INDEX: the state directory of the fleet's AP INDEX.
fleet_ap_dir() {
	printf '%s/aps/ap/%04d' "$fleet_work" "$1"
}

# --- on the host, after the VM --------------------------------------------------

# capture_check DIR APS: DIR/capwap.pcap (the control port), read by
# tshark without error, holds a Discovery Request and no datagram but
# Discovery and DTLS (CAPWAP DTLS preamble), whether tshark parses it as
# CAPWAP or not, the demo-guest's end marker aside; in every DTLS handshake (one
# per server random, per UDP stream) both the AP and the controller send
# a Certificate with a non-empty list; with DIR/keylog.txt tshark decrypts the control messages,
# a Join Request at least for each of APS APs' two joins (MIC, then LSC).
# Says what it found; returns non-zero when any of it fails.
capture_check() {
	local dir=$1 aps=$2 fields bad=0 line err
	fields=$(mktemp)
	# tshark's own warning about running as root is no failure.
	if ! tshark -n -r "$dir/capwap.pcap" -T fields -E occurrence=a -E aggregator=, \
		-e udp.stream -e udp.srcport -e capwap.control.header.message_type \
		-e dtls.handshake.type -e dtls.handshake.random \
		-e dtls.handshake.length -e capwap.preamble.type \
		-e udp.payload >"$fields" 2>"$fields.err" ||
		grep -qv '^Running as user' "$fields.err"; then
		err=$(grep -v '^Running as user' "$fields.err" | head -c 400)
		echo "FAILED: tshark could not read $dir/capwap.pcap: ${err:-exit status non-zero}"
		rm -f "$fields" "$fields.err"
		return 1
	fi
	rm -f "$fields.err"
	# Per stream, the current handshake is the last server random seen.
	line=$(awk -F'\t' '
		{ n++ }
		$3 != "" { k = split($3, t, ","); for (i = 1; i <= k; i++) clear[t[i]]++ }
		# Not DTLS (preamble type 1) and not a Discovery: clear text, parsed
		# as CAPWAP or not; the demo-guest end marker "capture-end" aside.
		{ split($7, pt, ",") }
		pt[1] != "1" && !($3 == 1 || $3 == 2) {
			if ($8 == "636170747572652d656e640a") marker++
			else cleartext++
		}
		# A Certificate (type 11) is the 3-byte length of its list and the
		# list: one of 3 bytes is empty (a client without a certificate).
		# Its length is read from the handshake header, which each fragment
		# carries: tshark does not put together the fragments of the
		# Certificate of a second handshake on the same UDP stream (it
		# takes them for fragments of the first: "New fragment overlaps
		# old data").
		$4 != "" {
			k = split($4, t, ","); split($6, l, ","); server = ($2 == 5246)
			for (i = 1; i <= k; i++) {
				if (t[i] == 2 && server) {
					split($5, r, ","); cur[$1] = r[1]
					if (!(($1, r[1]) in hs)) { hs[$1, r[1]] = 1; nhs++ }
				} else if (t[i] == 11) {
					if (l[i] + 0 <= 3) empty++
					else if (cur[$1] == "") orphan++
					else if (server) scert[$1, cur[$1]] = 1
					else ccert[$1, cur[$1]] = 1
				}
			}
		}
		END {
			for (m in clear) if (m != 1 && m != 2) other = other " " m
			for (h in hs) { if (!(h in scert)) ns++; if (!(h in ccert)) nc++; split(h, p, SUBSEP); st[p[1]] = 1 }
			for (s in st) nst++
			printf "%d %d %d %d %d %d %d %d %d %d|%s\n", n, clear[1], clear[2], nhs, nst, ns, nc, orphan, empty, cleartext, other
		}' "$fields")
	rm -f "$fields"
	local counts=${line%%|*} other=${line#*|}
	local n disc_req disc_resp hs streams no_scert no_ccert orphan empty cleartext
	read -r n disc_req disc_resp hs streams no_scert no_ccert orphan empty cleartext <<<"$counts"
	echo "capwap.pcap: $n datagrams on the control port"
	if [ -z "$other" ] && [ "$cleartext" -eq 0 ] && [ "$disc_req" -gt 0 ]; then
		echo "ok: no clear-text control message but Discovery ($disc_req requests, $disc_resp responses)"
	else
		echo "FAILED: $disc_req Discovery Requests (1 at least); $cleartext clear-text datagrams neither DTLS nor Discovery; clear-text control message types other than Discovery:${other:- none}"
		bad=1
	fi
	if [ "$hs" -gt 0 ] && [ "$hs" -ge $((2 * aps)) ] && [ "$no_scert" -eq 0 ] && [ "$no_ccert" -eq 0 ] &&
		[ "$orphan" -eq 0 ] && [ "$empty" -eq 0 ]; then
		echo "ok: $hs DTLS handshakes in $streams UDP streams, each with a non-empty certificate list from the AP and from the controller"
	else
		echo "FAILED: $hs handshakes (at least $((2 * aps)) expected), $no_scert without the controller's certificate, $no_ccert without the AP's, $empty empty Certificate messages, $orphan Certificates outside a handshake"
		bad=1
	fi
	# tshark decrypts the records but has no CAPWAP dissector under DTLS:
	# the plaintexts go back through it as clear CAPWAP datagrams.
	local work records types joins
	work=$(mktemp -d)
	records=$(tshark -n -r "$dir/capwap.pcap" -T fields -E occurrence=a -E aggregator=, \
		-e dtls.record.content_type 2>/dev/null | tr ',' '\n' | grep -cx 23)
	tshark -n -r "$dir/capwap.pcap" -o "tls.keylog_file:$dir/keylog.txt" -T fields \
		-E occurrence=a -E aggregator=, -e data.data 2>/dev/null | tr ',' '\n' | grep . |
		awk '{ for (i = 1; i <= length($0); i += 32) {
			printf "%06x", (i - 1) / 2
			for (j = i; j < i + 32 && j <= length($0); j += 2) printf " %s", substr($0, j, 2)
			print ""
		} }' >"$work/plain.hex"
	text2pcap -q -u 40000,5246 "$work/plain.hex" "$work/plain.pcap" 2>/dev/null
	tshark -n -r "$work/plain.pcap" -T fields -e capwap.control.header.message_type \
		2>/dev/null | sort -n | uniq -c >"$work/types"
	types=$(awk '{ printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1 }' "$work/types")
	joins=$(awk '$2 == 3 { print $1 }' "$work/types")
	local decrypted parsed findings
	decrypted=$(grep -c '^000000' "$work/plain.hex")
	parsed=$(awk '{ n += $1 } END { print n + 0 }' "$work/types")
	findings=$(tshark_findings "$work/plain.pcap")
	rm -rf "$work"
	if [ "$records" -gt 0 ] && [ "$decrypted" -eq "$records" ] && [ "$parsed" -eq "$decrypted" ] &&
		[ "${joins:-0}" -ge $((2 * aps)) ] && [ -z "$findings" ]; then
		echo "ok: with keylog.txt tshark decrypts all $records application data records, each a CAPWAP control message (type x count: $types)"
	else
		echo "FAILED: with keylog.txt: $records application data records, $decrypted decrypted, $parsed CAPWAP control messages, ${joins:-0} Join Requests (at least $((2 * aps)) expected): ${types:-none} ${findings}"
		bad=1
	fi
	return "$bad"
}
