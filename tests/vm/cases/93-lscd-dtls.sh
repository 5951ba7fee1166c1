#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# CAPWAP over DTLS end to end (issue 10, docs/PROTOCOL.md section 6), with
# the module in "dtls required", the real lscd answering the handshakes
# the module relays, and a real scepserver:
#   - 4 lsc-wtp APs (a fleet, --dtls --controller-ca <the LSC CA>) join
#     with their MIC, which lscd verifies against the manufacturer CA of
#     mic_ca_file, get their LSC inside DTLS, and rejoin with the LSC over
#     DTLS; lscd logs each AP authenticated by its MIC, then by its LSC
#   - a capture of the control port shows no clear-text control message
#     but Discovery
#   - an AP in clear text is refused (dtls_clear_refused) and gets no
#     AP record
#   - an AP whose MIC comes from a manufacturer CA lscd does not know is
#     refused, and lscd logs why with the AP's address
#   - a new manufacturer CA taken at SIGHUP judges the next handshake at
#     once, while half-open handshakes are in progress
#   - a certificate that is no CA in mic_ca_file is refused by name
#   - lscd's DTLS counters are logged, and the module's (lscd reports
#     each handshake outcome) moved for the completed and refused ones
#   - each fleet AP's history: Joins from 127.0.0.1 inside DTLS, and the
#     session its close_notify ended (dtls-peer-disconnect)
#   - an AP in Run over DTLS with its LSC: sysfs and lscctl -j show the
#     suite and its certificate as openssl reads the AP's lsc.crt
#   - dtls_handshake_timeout (WaitDTLS) set to 3 s ends a half-open
#     handshake as a timeout, logged and counted by the module
#   - after a module reload lscd joins the dtls group again
# The controller answers with a certificate the LSC CA issued for its
# role (dtls_cert_file): scepserver issues clientAuth-only certificates,
# which RFC 5415 APs refuse for a controller.

. tests/lib.sh
plan 17 1000
. tests/vm/cases/lscd-lib.bash

lscctl=build/lscctl
stat() { cat "$sys/stats/$1"; }
# AP keys of 2048 bits: the verdict's security level 2 refuses less.
lscd_setup dtls --attempts 3 --bits 2048
need dumpcap wireshark-common
need tshark tshark

ca_serve ca 8080 || { not_ok "dtls: scepserver did not start"; exit 1; }
lscca=$tmp/ca/ca.pem
# The controller's DTLS certificate, from the LSC CA, for the AC role.
printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n' \
	>"$tmp/ctl.ext"
openssl req -new -key "$tmp/state/controller.key" -subj "/CN=wlc-test" -out "$tmp/ctl.csr" 2>/dev/null &&
	openssl x509 -req -in "$tmp/ctl.csr" -CA "$lscca" -CAkey "$tmp/ca/ca.key" -passin pass: -CAcreateserial \
		-days 30 -extfile "$tmp/ctl.ext" -out "$tmp/ctl.crt" 2>/dev/null ||
	{ not_ok "dtls: cannot issue the controller's certificate"; exit 1; }
# The fleet's manufacturer CA, made here so that lscd can be told of it.
mkdir -p "$tmp/fleet" "$tmp/other"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-subj "/O=capwap-lsc simulated AP maker/CN=Simulated Manufacturing CA" \
	-keyout "$tmp/fleet/mfg-ca.key" -out "$tmp/fleet/mfg-ca.crt" -days 3650 2>/dev/null ||
	{ not_ok "dtls: cannot make the manufacturer CA"; exit 1; }

if $lscctl config dtls required >"$tmp/mode.log" 2>&1 && [ "$(cat $sys/dtls_mode)" = required ]; then
	ok "dtls: lscctl config dtls required"
else
	not_ok "dtls: mode $(cat $sys/dtls_mode): $(cat "$tmp/mode.log")"
fi

lscd_start --url http://127.0.0.1:8080/scep --set mic_ca_file="$tmp/fleet/mfg-ca.crt" \
	--set dtls_cert_file="$tmp/ctl.crt" --set dtls_key_file="$tmp/state/controller.key" ||
	{ not_ok "dtls: lscd did not start: $(lscd_tail)"; exit 1; }
if grep -q "DTLS: joined the dtls group" "$tmp/lscd.log"; then
	ok "dtls: lscd joined the module's dtls group"
else
	not_ok "dtls: lscd did not join the dtls group: $(lscd_tail)"
fi
wait_until 120 test -s "$tmp/state/controller.crt" ||
	{ not_ok "dtls: the controller got no LSC: $(lscd_tail)"; exit 1; }

dumpcap -q -i lo -f "udp port 5246" -w "$tmp/cap.pcapng" 2>"$tmp/dumpcap.err" &
dcpid=$!
pids+=($dcpid)
wait_until 30 grep -q "Capturing on" "$tmp/dumpcap.err" ||
	echo "# dumpcap did not start: $(cat "$tmp/dumpcap.err")"
relayed0=$(stat dtls_relayed)
if timeout 500 $wtp --ac 127.0.0.1:5246 --count 4 --threads 2 --state-dir "$tmp/fleet" \
	--dtls --controller-ca "$lscca" --controller-name wlc-test --json --timeout 400 \
	>"$tmp/fleet.json" 2>"$tmp/fleet.log"; then
	ok "dtls: 4 APs joined over DTLS with their MIC, got an LSC, and rejoined with it over DTLS"
else
	not_ok "dtls: fleet: $(tr -d '\n' <"$tmp/fleet.json") $(tail -n 3 "$tmp/fleet.log" | tr '\n' ' ') / $(lscd_tail 3)"
fi
# dumpcap drops what it has not read when stopped: a last datagram marks
# the end, and it stops once that is in the file.
echo capture-end >/dev/udp/127.0.0.1/5246
wait_until 20 grep -q capture-end "$tmp/cap.pcapng" ||
	echo "# the end of the capture never reached the file"
kill -TERM $dcpid 2>/dev/null
wait $dcpid 2>/dev/null

# Every fleet AP: authenticated by lscd with its MIC, then with its LSC,
# and its LSC installed.
bad=
macs=
for i in 1 2 3 4; do
	m=02:4c:53:00:00:0$((i - 1))
	macs="$macs $m"
	mic=$(grep -n "authenticated as $m by its MIC" "$tmp/lscd.log" | head -n 1 | cut -d: -f1)
	lsc=$(grep -n "authenticated as $m by its LSC" "$tmp/lscd.log" | tail -n 1 | cut -d: -f1)
	if [ -z "$mic" ] || [ -z "$lsc" ] || [ "$mic" -ge "$lsc" ]; then
		bad="$bad $m:mic@${mic:-none},lsc@${lsc:-none}"
	fi
	[ "$(ap_attr "$m" cert_type)" = LSC ] || bad="$bad $m:cert_type=$(ap_attr "$m" cert_type)"
	[ "$(ap_attr "$m" state)" = installed ] || bad="$bad $m:state=$(ap_attr "$m" state)"
done
if [ -z "$bad" ] && [ "$(stat dtls_relayed)" -gt "$relayed0" ]; then
	ok "dtls: lscd authenticated each AP by its MIC, then by its LSC; each with its LSC installed ($(( $(stat dtls_relayed) - relayed0 )) datagrams relayed)"
else
	not_ok "dtls: $bad; relayed $relayed0 -> $(stat dtls_relayed); $(grep -c authenticated "$tmp/lscd.log") authenticated lines"
fi

# Without keys nothing decrypts: in clear text only Discovery (1, 2).
# One tshark run (it takes long to start in the guest): per datagram its
# clear-text message type and its DTLS record types.
tshark -n -r "$tmp/cap.pcapng" -T fields -e capwap.control.header.message_type \
	-e dtls.record.content_type >"$tmp/cap.txt" 2>/dev/null
clear=$(cut -f1 "$tmp/cap.txt" | grep . | sort -u | tr '\n' ' ')
dtls=$(cut -f2 "$tmp/cap.txt" | grep -c .)
if [ "$clear" = "1 2 " ] && [ "$dtls" -gt 0 ]; then
	ok "dtls: the capture holds $dtls DTLS datagrams and no clear-text control message but Discovery"
else
	not_ok "dtls: clear-text message types '$clear', DTLS datagrams $dtls"
fi

# An AP in clear text: its Join is refused, it gets no AP record.
clear_mac=02:4c:53:ff:00:01
refused0=$(stat dtls_clear_refused)
ap_run $clear_mac AP3G1 --timeout 120
if wait_until 60 sh -c "[ \$(cat $sys/stats/dtls_clear_refused) -gt $refused0 ]" &&
	[ ! -e "$sys/aps/$clear_mac" ]; then
	ok "dtls: a clear-text AP is refused in required mode (dtls_clear_refused $refused0 -> $(stat dtls_clear_refused)), and has no AP record"
else
	not_ok "dtls: clear-text AP: dtls_clear_refused $refused0 -> $(stat dtls_clear_refused), state '$(ap_attr $clear_mac state)': $(ap_log $clear_mac)"
fi

# An AP whose MIC a manufacturer CA lscd does not know signed (its own
# state directory makes another CA).
other_mac=02:4c:53:ff:00:02
ap_run $other_mac AP3G1 --state-dir "$tmp/other" --dtls --controller-ca "$lscca" --controller-name wlc-test --timeout 120
refusal="DTLS: handshake from 127.0.0.1:[0-9]* for $other_mac refused: untrusted"
if wait_until 60 grep -q "$refusal" "$tmp/lscd.log" &&
	[ ! -e "$sys/aps/$other_mac" ]; then
	ok "dtls: a MIC from an unknown CA is refused: $(grep -o "$refusal.*" "$tmp/lscd.log" | head -n 1 | cut -c 7-150)"
else
	not_ok "dtls: unknown MIC: $(grep "DTLS: handshake" "$tmp/lscd.log" | tail -n 2 | tr '\n' ' ') state '$(ap_attr $other_mac state)': $(ap_log $other_mac)"
fi
for p in "${ap_pids[@]}"; do
	kill "$p" 2>/dev/null
done

# A policy change while handshakes are half-open: the manufacturer CA of
# that AP goes into mic_ca_file, lscd is sent SIGHUP while a trickle of
# half-open handshakes (tests/tools/dtls_half_open.py, real OpenSSL
# clients that stop after the cookie) never leaves lscd without one, and
# the AP's next handshake is judged by the new trust at once.
/usr/bin/python3 tests/tools/dtls_half_open.py 127.0.0.1 5246 8 >"$tmp/half.log" 2>&1 &
halfpid=$!
pids+=($halfpid)
wait_until 120 grep -q "half-open" "$tmp/half.log" ||
	echo "# no half-open handshake: $(tail -n 3 "$tmp/half.log" | tr '\n' ' ')"
# With it, by mistake, a certificate that is no CA: the controller's own.
cat "$tmp/other/mfg-ca.crt" "$tmp/ctl.crt" >>"$tmp/fleet/mfg-ca.crt"
hups=$(grep -c "SIGHUP: reloading" "$tmp/lscd.log")
kill -HUP "$lscd_pid"
wait_until 30 sh -c "[ \$(grep -c 'SIGHUP: reloading' '$tmp/lscd.log') -gt $hups ]"
ap_run $other_mac AP3G1 --state-dir "$tmp/other" --dtls --controller-ca "$lscca" --controller-name wlc-test --timeout 120
wait_until 90 grep -q "authenticated as $other_mac by its MIC" "$tmp/lscd.log"
# The rebuild's line after the SIGHUP: how many handshakes were under way.
inprog=$(sed -n "$(grep -n 'SIGHUP: reloading' "$tmp/lscd.log" | tail -n 1 | cut -d: -f1),\$p" "$tmp/lscd.log" |
	grep -o "answering new handshakes as .*; [0-9]* in progress" | head -n 1 | grep -o "[0-9]* in progress")
if grep -q "authenticated as $other_mac by its MIC" "$tmp/lscd.log" &&
	[ -n "$inprog" ] && [ "${inprog%% *}" -ge 1 ]; then
	ok "dtls: a new MIC CA is taken at SIGHUP with $inprog half-open handshake(s) in progress ($(grep -c half-open "$tmp/half.log") made): the AP it refused is authenticated"
else
	not_ok "dtls: after SIGHUP with half-open handshakes ($(grep -c half-open "$tmp/half.log") made, '${inprog:-no rebuild line}'): $(grep "DTLS: handshake\|DTLS: answering" "$tmp/lscd.log" | tail -n 2 | tr '\n' ' ') $(ap_log $other_mac)"
fi
kill $halfpid 2>/dev/null
noca="mic_ca_file $tmp/fleet/mfg-ca.crt: certificate 3 (.*CN *= *wlc-test) refused: not a CA certificate"
if grep -q "$noca" "$tmp/lscd.log"; then
	ok "dtls: a certificate in mic_ca_file that is no CA is refused by name: $(grep -o "certificate 3 .*" "$tmp/lscd.log" | head -n 1 | cut -c 1-160)"
else
	not_ok "dtls: the controller's certificate in mic_ca_file was not refused: $(grep "mic_ca_file\|manufacturer CA" "$tmp/lscd.log" | tail -n 2 | tr '\n' ' ')"
fi
for p in "${ap_pids[@]}"; do
	kill "$p" 2>/dev/null
done

# The counters' line: 8 handshakes handed over (4 with a MIC, 4 with an
# LSC), the unknown MIC among the failures.
if wait_until 30 grep -Eq "DTLS counters: .* ([89]|[1-9][0-9]+) handed over, [1-9][0-9]* failed \(.*untrusted [1-9]" "$tmp/lscd.log"; then
	ok "dtls: lscd logs its DTLS counters: $(grep -o "DTLS counters: .*" "$tmp/lscd.log" | tail -n 1 | cut -c 1-200)"
else
	not_ok "dtls: counters: $(grep -o "DTLS counters: .*" "$tmp/lscd.log" | tail -n 1)"
fi

# The module's counters, from lscd's reports: 8 handshakes completed and
# the unknown MIC refused (authentication, FailedDTLSAuthFailCount).
hs() { stat "dtls_handshakes_$1"; }
if [ "$(hs started)" -ge 9 ] && [ "$(hs completed)" -ge 8 ] &&
	[ "$(hs failed_authentication)" -ge 1 ] &&
	[ "$(stat failed_dtls_session_count)" -ge 1 ] &&
	[ "$(stat failed_dtls_auth_fail_count)" -ge 1 ] &&
	$lscctl show stats | grep -q "FailedDTLSAuthFailCount" &&
	$lscctl show stats --prometheus | grep -q '^capwap_lsc_dtls_handshakes_failed_authentication_total [1-9]'; then
	ok "dtls: the module counts lscd's handshakes: started $(hs started), completed $(hs completed), failed (authentication) $(hs failed_authentication), FailedDTLSSessionCount $(stat failed_dtls_session_count), FailedDTLSAuthFailCount $(stat failed_dtls_auth_fail_count)"
else
	not_ok "dtls: counters: started $(hs started) completed $(hs completed) auth $(hs failed_authentication) sessions $(stat failed_dtls_session_count) authfail $(stat failed_dtls_auth_fail_count)"
fi

# Each fleet AP rebooted onto its LSC: lsc-wtp's close_notify ended its
# MIC session, and every Join came inside DTLS from 127.0.0.1.
bad=
for m in $macs; do
	$lscctl -j show ap "$m" >"$tmp/hist.json" 2>&1
	python3 - "$tmp/hist.json" <<'EOF2' || bad="$bad $m"
import json, sys
h = json.load(open(sys.argv[1]))["history"]
j = [e for e in h if e["event"] == "join"]
ends = [e.get("end_reason") for e in h if e["event"] == "session-end"]
sys.exit(0 if j and all(e.get("address") == "127.0.0.1" and e.get("authenticated") is True for e in j)
         and "dtls-peer-disconnect" in ends else 1)
EOF2
done
if [ -z "$bad" ]; then
	ok "dtls: each fleet AP's history shows its Joins from 127.0.0.1 inside DTLS, and a session ended by its close_notify (dtls-peer-disconnect)"
else
	not_ok "dtls: history of$bad: $($lscctl show ap ${bad%% *} 2>&1 | tail -n 12 | tr '\n' ' ')"
fi

# One AP that stays in Run over DTLS with its LSC: what the module shows
# of its session is openssl's reading of the certificate it holds.
held=02:4c:53:ff:00:03
mkdir -p "$tmp/held"
cp "$tmp/fleet/mfg-ca.key" "$tmp/fleet/mfg-ca.crt" "$tmp/held/"
ap_run $held AP3G1 --state-dir "$tmp/held" --dtls --controller-ca "$lscca" \
	--controller-name wlc-test --daemon --timeout 300
lsc_in_run() {
	[ "$(ap_attr $held cert_type)" = LSC ] && [ "$(ap_attr $held state)" = installed ] &&
		[ "$(ap_attr $held dtls)" = dtls ] && [ -r "$sys/aps/$held/dtls_fingerprint" ] &&
		[ -n "$(find "$tmp/held" -name lsc.crt)" ]
}
if wait_until 240 lsc_in_run; then
	crt=$(find "$tmp/held" -name lsc.crt | head -n 1)
	fp=$(openssl x509 -in "$crt" -noout -fingerprint -sha256 | sed 's/^.*=//; s/://g' | tr 'A-F' 'a-f')
	subj=$(openssl x509 -in "$crt" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')
	iss=$(openssl x509 -in "$crt" -noout -issuer -nameopt RFC2253 | sed 's/^issuer=//')
	d=$sys/aps/$held
	$lscctl -j show ap $held >"$tmp/held.json" 2>&1
	if [ "$(cat $d/dtls_fingerprint)" = "$fp" ] && [ "$(cat $d/dtls_subject)" = "$subj" ] &&
		[ "$(cat $d/dtls_issuer)" = "$iss" ] && grep -q GCM "$d/dtls_suite" &&
		python3 - "$tmp/held.json" "$fp" "$subj" "$iss" "$(cat $d/dtls_suite)" <<'EOF2'
import json, sys
d = json.load(open(sys.argv[1]))["dtls"]
sys.exit(0 if d.get("state") == "dtls" and d.get("cert_type") == "LSC" and
         d.get("fingerprint_sha256") == sys.argv[2] and d.get("subject") == sys.argv[3] and
         d.get("issuer") == sys.argv[4] and d.get("suite") == sys.argv[5] else 1)
EOF2
	then
		ok "dtls: an AP in Run over DTLS with its LSC: sysfs and lscctl -j show $(cat $d/dtls_suite), LSC, '$subj' from '$iss', SHA-256 as openssl reads its lsc.crt"
	else
		not_ok "dtls: held AP: sysfs fp $(cat $d/dtls_fingerprint) subj '$(cat $d/dtls_subject)' iss '$(cat $d/dtls_issuer)' suite $(cat $d/dtls_suite); openssl fp $fp subj '$subj' iss '$iss'; json $(tr -d '\n' <"$tmp/held.json" | grep -o '"dtls":{[^}]*}')"
	fi
else
	not_ok "dtls: the held AP never reached Run over DTLS with its LSC: cert_type $(ap_attr $held cert_type) state $(ap_attr $held state) dtls $(ap_attr $held dtls): $(ap_log $held)"
fi
kill "${ap_pids[-1]}" 2>/dev/null

# WaitDTLS (RFC 5415 section 4.7) from lscd.conf: with
# dtls_handshake_timeout at 3 s, a handshake that stops after the cookie
# fails as a timeout long before the 60 s default would end it.
lscd_stop
lscd_start --url http://127.0.0.1:8080/scep --set mic_ca_file="$tmp/fleet/mfg-ca.crt" \
	--set dtls_cert_file="$tmp/ctl.crt" --set dtls_key_file="$tmp/state/controller.key" \
	--set dtls_handshake_timeout=3 ||
	{ not_ok "dtls: lscd did not start again: $(lscd_tail)"; exit 1; }
to0=$(stat dtls_handshakes_failed_timeout)
/usr/bin/python3 tests/tools/dtls_half_open.py 127.0.0.1 5246 1000 >"$tmp/half1.log" 2>&1 &
halfpid=$!
pids+=($halfpid)
waitdtls="DTLS: handshake from 127.0.0.1:[0-9]* refused: .*no handshake within 3 s of the returned cookie"
if wait_until 30 grep -q "$waitdtls" "$tmp/lscd.log" &&
	wait_until 20 sh -c "[ \$(cat $sys/stats/dtls_handshakes_failed_timeout) -gt $to0 ]"; then
	ok "dtls: dtls_handshake_timeout = 3 (WaitDTLS): a half-open handshake fails as a timeout, logged and counted ($(grep -o "refused: .*within 3 s[^)]*" "$tmp/lscd.log" | head -n 1 | cut -c 1-120))"
else
	not_ok "dtls: WaitDTLS of 3 s: $(grep -c half-open "$tmp/half1.log") half-open, timeouts $to0 -> $(stat dtls_handshakes_failed_timeout): $(grep "DTLS: handshake" "$tmp/lscd.log" | tail -n 2 | tr '\n' ' ')"
fi
kill $halfpid 2>/dev/null

# A reloaded module: lscd joins its dtls group again, as it does events.
modprobe -r capwap_lsc && modprobe capwap_lsc
if wait_until 60 sh -c "[ \$(grep -c 'DTLS: joined the dtls group' '$tmp/lscd.log') -ge 2 ]"; then
	ok "dtls: after a module reload lscd joins the dtls group again"
else
	not_ok "dtls: after a module reload: $(grep "DTLS: \|module reload" "$tmp/lscd.log" | tail -n 3 | tr '\n' ' ')"
fi

lscd_stop_ok dtls
check "dtls: modprobe -r capwap_lsc" modprobe -r capwap_lsc
finish
