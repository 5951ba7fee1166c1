#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lsc-wtp --dtls against tests/tools/dtls_ac, a controller built on lscd's
# real DTLS engine (dtls_engine.c, dtls_peer.c, dtls_keys.c), over UDP on
# 127.0.0.1 in a network namespace of the test's own:
#
#   lsc-wtp --dtls ──UDP 127.0.0.1:5246──> dtls_ac (lscd's engine + records)
#        │                          │
#        └── --keylog kl.txt        └── dumpcap on lo ──> tshark + kl.txt
#
# The handshake with an LSC and with a MIC, each followed by a Join the
# controller reads out of a record; the AP's refusals of a controller
# certificate from the wrong CA, from a sibling CA under the LSC CA's root,
# expired, below security level 2 (RSA-1024, SHA-1), of an AP's
# certificate posing as the controller, of a controller it has no CA for or
# no name for, and of a DTLS 1.0-only server (which is shown to speak
# DTLS 1.0); the fallback to the MIC when the controller refuses the LSC in
# the handshake; forged clear text after the handshake dropped; key log
# files it refuses (readable, link, FIFO, hard link); tshark decrypting the capture
# with the key log and decoding the Join inside, and decoding nothing but
# Discovery without it; clear text still the default; and a small fleet,
# one SSL per AP, with its CPU per handshake.

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. tests/lib.sh
plan 26
need tshark tshark
need dumpcap wireshark-common
need text2pcap wireshark-common

wtp=build/lsc-wtp
ac=build/tools/dtls_ac
for b in $wtp $ac; do
	[ -x $b ] || { not_ok "wtp_dtls: build $b first"; exit 1; }
done
netns_scratch wtp-dtls
T=$W
# Background programs start as `$bg_ns CMD... &`, nsenter itself, not through a
# shell function, so that $! is the program's own PID.
bg_ns="nsenter --net=$W/ns"
MAC=f8:66:f2:67:57:7e
# Port 5246: tshark's CAPWAP dissector takes it without being told.
PORT=5246

# ---- A PKI made here -------------------------------------------------------
# ca NAME CN; leaf NAME CA CN [EXTENSION LINE] [rsa|rsa1024|sha1]; subca NAME CA CN
ca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-subj "/CN=$2" -keyout "$T/$1.key" -out "$T/$1.crt" -days 30 2>/dev/null
}
leaf() {
	local alg=(-newkey ec -pkeyopt ec_paramgen_curve:P-256)
	local md=-sha256
	[ "${5:-}" = rsa ] && alg=(-newkey rsa:2048)
	[ "${5:-}" = rsa1024 ] && alg=(-newkey rsa:1024)
	[ "${5:-}" = sha1 ] && md=-sha1
	openssl req -new "${alg[@]}" -nodes -subj "/CN=$3" -keyout "$T/$1.key" \
		-out "$T/$1.csr" 2>/dev/null &&
	printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n%s\n' \
		"${4:-}" >"$T/$1.ext" &&
	openssl x509 -req -in "$T/$1.csr" -CA "$T/$2.crt" -CAkey "$T/$2.key" \
		-CAcreateserial -days "${DAYS:-30}" $md -extfile "$T/$1.ext" -out "$T/$1.crt" 2>/dev/null
}
subca() {
	DAYS=30 leaf "$1" "$2" "$3" "basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign" &&
	sed -i '/^basicConstraints=CA:FALSE$/d; /^keyUsage=digitalSignature/d' "$T/$1.ext" &&
	openssl x509 -req -in "$T/$1.csr" -CA "$T/$2.crt" -CAkey "$T/$2.key" \
		-CAcreateserial -days 30 -extfile "$T/$1.ext" -out "$T/$1.crt" 2>/dev/null
}
# expired NAME CA CN: a controller certificate valid in 2020 only.
expired() {
	python3 tests/tools/expired_cert.py "$T/$2.key" "$T/$2.crt" "$3" "$T/$1"
}
if ca lscca "LSC CA" && ca mfg "Manufacturer CA" && ca evil "LSC CA" &&
   leaf ctl lscca wlc1 "extendedKeyUsage=serverAuth,clientAuth" &&
   leaf ctlrsa lscca wlc1 "" rsa &&
   leaf evilctl evil wlc1 &&
   leaf apctl lscca CAP3G1-0011223344ff &&
   leaf apdot lscca CAP.3G1-0011223344ff &&
   leaf weak lscca wlc1 "" rsa1024 &&
   leaf sha1 lscca wlc1 "" sha1 &&
   ca root "Enterprise Root" && subca ica root "LSC Issuing CA" &&
   subca sib root "Web Server CA" &&
   leaf sibctl sib wlc1 "extendedKeyUsage=serverAuth" &&
   leaf ctl2 ica wlc1 "extendedKeyUsage=serverAuth" &&
   leaf lsc2 ica CAP3G1-f866f267577e "extendedKeyUsage=clientAuth" &&
   mkdir -p "$T/lsc2ap" && cp "$T/lsc2.key" "$T/lsc2ap/lsc.key" &&
   cp "$T/lsc2.crt" "$T/lsc2ap/lsc.crt" && cat "$T/ica.crt" "$T/root.crt" >"$T/lsc2ap/lsc-ca.pem" &&
   cat "$T/ica.crt" "$T/root.crt" >"$T/ica-chain.pem" &&
   expired ctlold lscca wlc1 &&
   leaf lsc lscca CAP3G1-f866f267577e "extendedKeyUsage=clientAuth" &&
   leaf mic mfg AIR-AP3G1-K9-f866f267577e &&
   leaf bigmic mfg AIR-AP3G1-K9-f866f267577e "subjectAltName=$(seq -f 'DNS:padding-%02g.example.net' -s , 1 40)" rsa &&
   mkdir -p "$T/lscap" "$T/micap" &&
   cp "$T/lsc.key" "$T/lscap/lsc.key" && cp "$T/lsc.crt" "$T/lscap/lsc.crt" &&
   cp "$T/lscca.crt" "$T/lscap/lsc-ca.pem"; then
	:
else
	not_ok "wtp_dtls_setup: cannot make the test PKI"
	exit 1
fi

# start_ac CERT [ARGS...]: dtls_ac with the controller certificate CERT.
acpid=
start_ac() {
	local cert=$1
	shift
	: >"$T/ac.err"
	# shellcheck disable=SC2086 # AC_ENV: VAR=VALUE words for dtls_ac alone
	$bg_ns env ${AC_ENV:-} $ac --port $PORT --cert "$T/$cert.crt" --key "$T/$cert.key" \
		--lsc-ca "$T/lscca.crt" --mic-ca "$T/mfg.crt" --timeout 60 "$@" \
		2>"$T/ac.err" &
	acpid=$!
	pids+=("$acpid")
	wait_until 10 grep -q "listening on" "$T/ac.err" ||
		echo "# dtls_ac did not start: $(cat "$T/ac.err")"
}
stop_ac() {
	kill "$acpid" 2>/dev/null
	wait "$acpid" 2>/dev/null
}

# wtp NAME STATE_DIR [ARGS...]: one AP with the MIC, output in $T/NAME.log.
wtp() {
	local name=$1 dir=$2
	shift 2
	in_ns timeout 30 $wtp --dtls --ac 127.0.0.1:$PORT --mac $MAC --model AP3G1 \
		--serial FTX1433K60R --state-dir "$T/$dir" --mic-key "$T/mic.key" \
		--mic-cert "$T/mic.crt" --controller-name wlc1 "$@" >"$T/$name.log" 2>&1
}

# expect_refusal NAME CERT TEXT [ARGS...]: the AP exits 1 saying TEXT
# ($AC_ARGS: words for dtls_ac).
expect_refusal() {
	local name=$1 cert=$2 text=$3 rc
	shift 3
	# shellcheck disable=SC2086
	start_ac "$cert" ${AC_ARGS:-}
	wtp "$name" micap "$@"
	rc=$?
	stop_ac
	if [ $rc = 1 ] && grep -q "$text" "$T/$name.log" &&
	   ! grep -q "^join inside" "$T/ac.err"; then
		ok "$name: $(grep -o "$text.*" "$T/$name.log" | head -n 1)"
	else
		not_ok "$name: exit $rc, want 1 and '$text': $(tail -n 2 "$T/$name.log" | tr '\n' ' ') / $(tr '\n' ' ' <"$T/ac.err")"
	fi
}

# ---- An LSC, captured, with the key log -----------------------------------
$bg_ns dumpcap -q -i lo -f "udp port $PORT" -w "$T/cap.pcapng" 2>"$T/dumpcap.err" &
dcpid=$!
pids+=("$dcpid")
wait_until 10 grep -q "Capturing on" "$T/dumpcap.err" ||
	echo "# dumpcap did not start: $(cat "$T/dumpcap.err")"
start_ac ctl --exit-after 1
wtp wtp_dtls_lsc lscap --keylog "$T/kl.txt"
rc=$?
wait "$acpid"
acrc=$?
# dumpcap writes as it goes but drops what it has not read when stopped:
# a last datagram marks the end, and it stops once that is in the file.
in_ns bash -c "echo capture-end >/dev/udp/127.0.0.1/$PORT"
wait_until 10 sh -c "tshark -n -r '$T/cap.pcapng' -Y 'frame contains \"capture-end\"' 2>/dev/null | grep -q ." ||
	echo "# the end of the capture never reached $T/cap.pcapng"
kill -TERM "$dcpid" 2>/dev/null
wait "$dcpid" 2>/dev/null
if [ $rc = 0 ] && [ $acrc = 0 ] && grep -q "joined with its LSC" "$T/wtp_dtls_lsc.log" &&
   grep -q "^handshake done cert=LSC mac=$MAC" "$T/ac.err" &&
   grep -q "^join inside DTLS mac=$MAC cert=LSC" "$T/ac.err"; then
	ok "wtp_dtls_lsc: $(grep '^handshake done' "$T/ac.err")"
else
	not_ok "wtp_dtls_lsc: exit $rc/$acrc: $(tail -n 2 "$T/wtp_dtls_lsc.log" | tr '\n' ' ') / $(tr '\n' ' ' <"$T/ac.err")"
fi
if [ "$(stat -c %a "$T/kl.txt" 2>/dev/null)" = 600 ] &&
   grep -q '^CLIENT_RANDOM [0-9a-f]\{64\} [0-9a-f]\{96\}$' "$T/kl.txt"; then
	ok wtp_dtls_keylog_written_0600
else
	not_ok "wtp_dtls_keylog_written_0600: $(stat -c %a "$T/kl.txt" 2>&1) $(head -c 80 "$T/kl.txt" 2>/dev/null)"
fi

# A key log others can read, or a link someone planted, is not written to.
touch "$T/open.txt"
chmod 644 "$T/open.txt"
ln -s "$T/open.txt" "$T/link.txt"
out1=$(in_ns $wtp --dtls --controller-name wlc1 --keylog "$T/open.txt" --ac 127.0.0.1:$PORT --count 1 \
	--state-dir "$T/kl1" --timeout 5 2>&1)
rc1=$?
out2=$(in_ns $wtp --dtls --controller-name wlc1 --keylog "$T/link.txt" --ac 127.0.0.1:$PORT --count 1 \
	--state-dir "$T/kl2" --timeout 5 2>&1)
rc2=$?
if [ $rc1 != 0 ] && [[ $out1 == *"--keylog $T/open.txt: not a regular file of ours, with one name, that only we can read"* ]] &&
   [ $rc2 != 0 ] && [[ $out2 == *"--keylog $T/link.txt: Too many levels of symbolic links"* ]] &&
   [ ! -s "$T/open.txt" ]; then
	ok wtp_dtls_keylog_refuses_readable_file_and_link
else
	not_ok "wtp_dtls_keylog_refuses_readable_file_and_link: exit $rc1 '$out1', exit $rc2 '$out2'"
fi

# A FIFO does not hold the start (open() without a reader would block),
# and a second name of a file elsewhere is not a key log of its own.
mkfifo -m 600 "$T/kl.fifo"
touch "$T/elsewhere.txt"
chmod 600 "$T/elsewhere.txt"
ln "$T/elsewhere.txt" "$T/hard.txt"
out1=$(in_ns timeout 10 $wtp --dtls --controller-name wlc1 --keylog "$T/kl.fifo" \
	--ac 127.0.0.1:$PORT --count 1 --state-dir "$T/kl3" --timeout 5 2>&1)
rc1=$?
out2=$(in_ns timeout 10 $wtp --dtls --controller-name wlc1 --keylog "$T/hard.txt" \
	--ac 127.0.0.1:$PORT --count 1 --state-dir "$T/kl4" --timeout 5 2>&1)
rc2=$?
if [ $rc1 != 0 ] && [ $rc1 != 124 ] && [[ $out1 == *"--keylog $T/kl.fifo: "* ]] &&
   [ $rc2 != 0 ] && [ $rc2 != 124 ] &&
   [[ $out2 == *"--keylog $T/hard.txt: not a regular file of ours, with one name"* ]] &&
   [ ! -s "$T/elsewhere.txt" ]; then
	ok "wtp_dtls_keylog_refuses_fifo_and_hard_link: $(grep -o 'kl.fifo: .*' <<<"$out1")"
else
	not_ok "wtp_dtls_keylog_refuses_fifo_and_hard_link: exit $rc1 '$out1', exit $rc2 '$out2'"
fi

# The records' plaintexts, as tshark decrypts them, into a capture of
# their own (text2pcap) that the CAPWAP dissector decodes: tshark's DTLS
# has no table entry that hands application data to CAPWAP.
decrypted() {
	tshark -n -r "$T/cap.pcapng" -d dtls.port==$PORT,data "$@" \
		-T fields -e data.data 2>/dev/null | grep . |
		sed 's/../& /g; s/^/000000 /'
}
decrypted -o tls.keylog_file:"$T/kl.txt" >"$T/dec.txt"
text2pcap -q -u $PORT,$PORT "$T/dec.txt" "$T/dec.pcap" 2>/dev/null
got=$(tshark -n -r "$T/dec.pcap" -Y 'capwap.control.header.message_type == 3' -T fields \
	-e capwap.control.message_element.wtp_board_data.base_mac_address \
	-e capwap.control.message_element.wtp_name 2>/dev/null)
types=$(tshark -n -r "$T/dec.pcap" -T fields -e capwap.control.header.message_type 2>/dev/null |
	tr '\n' ' ')
if [ "$got" = "$MAC	CAP3G1-f866f267577e" ]; then
	ok "wtp_dtls_tshark_decrypts_join: message types inside DTLS: $types"
else
	not_ok "wtp_dtls_tshark_decrypts_join: got '$got' (types '$types')"
fi
# Without the key log nothing decrypts, and in clear text there is only
# Discovery (1, 2): every other control message travelled inside DTLS.
clear=$(tshark -n -r "$T/cap.pcapng" -T fields -e capwap.control.header.message_type \
	2>/dev/null | grep . | sort -u | tr '\n' ' ')
if [ -z "$(decrypted)" ] && [ "$clear" = "1 2 " ]; then
	ok "wtp_dtls_capture_opaque_without_keylog: clear-text message types '$clear'"
else
	not_ok "wtp_dtls_capture_opaque_without_keylog: clear-text message types '$clear', plaintext without the key log: $(decrypted | head -c 60)"
fi

# ---- A MIC, with the controller CA given for the first join ----------------
# The AP's ClientHello is lost once: its retransmission timer
# (DTLSv1_handle_timeout) must send it again.
start_ac ctl --exit-after 1 --drop-dtls 1
$bg_ns $wtp --dtls --ac 127.0.0.1:$PORT --mac $MAC --model AP3G1 --serial FTX1433K60R \
	--state-dir "$T/micap" --mic-key "$T/mic.key" --mic-cert "$T/mic.crt" \
	--controller-ca "$T/lscca.crt" --controller-name wlc1 >"$T/wtp_dtls_mic.log" 2>&1 &
wpid=$!
pids+=("$wpid")
wait "$acpid"
acrc=$?
kill "$wpid" 2>/dev/null
if [ $acrc = 0 ] && grep -q "^handshake done cert=MIC mac=$MAC" "$T/ac.err" &&
   grep -q "^join inside DTLS mac=$MAC cert=MIC" "$T/ac.err" &&
   grep -q "^run cert=MIC" "$T/ac.err" && grep -q "^dropped DTLS datagram 1" "$T/ac.err" &&
   grep -q "joined with its MIC" "$T/wtp_dtls_mic.log"; then
	ok "wtp_dtls_mic: $(grep '^handshake done' "$T/ac.err"), its first ClientHello lost and sent again"
else
	not_ok "wtp_dtls_mic: dtls_ac exit $acrc: $(tr '\n' ' ' <"$T/ac.err") / $(tail -n 2 "$T/wtp_dtls_mic.log" | tr '\n' ' ')"
fi

# ---- A certificate and a Join larger than the MTU ---------------------------
# The handshake's Certificate is fragmented by DTLS, the Join (with the
# certificate inside) by CAPWAP, one record per fragment: no datagram
# above the 1400 bytes of the MTU.
start_ac ctl --exit-after 1
$bg_ns $wtp --dtls --ac 127.0.0.1:$PORT --mac $MAC --model AP3G1 --serial FTX1433K60R \
	--state-dir "$T/bigap" --mic-key "$T/bigmic.key" --mic-cert "$T/bigmic.crt" \
	--controller-ca "$T/lscca.crt" --controller-name wlc1 >"$T/wtp_dtls_mtu.log" 2>&1 &
wpid=$!
pids+=("$wpid")
wait "$acpid"
acrc=$?
kill "$wpid" 2>/dev/null
size=$(openssl x509 -in "$T/bigmic.crt" -outform der | wc -c)
join=$(grep "^join inside DTLS mac=$MAC cert=MIC" "$T/ac.err")
frags=$(sed -n 's/.* fragments=\([0-9]*\) .*/\1/p' <<<"$join")
largest=$(sed -n 's/.* largest_datagram=\([0-9]*\).*/\1/p' <<<"$join")
if [ $acrc = 0 ] && [ "$size" -gt 1400 ] && [ "${frags:-0}" -ge 2 ] &&
   [ "${largest:-9999}" -le 1400 ]; then
	ok "wtp_dtls_mtu: a $size-byte certificate, the Join in $frags fragments, largest datagram $largest"
else
	not_ok "wtp_dtls_mtu: dtls_ac exit $acrc, certificate $size bytes, join '$join': $(tail -n 2 "$T/wtp_dtls_mtu.log" | tr '\n' ' ')"
fi

# ---- The AP's refusals -------------------------------------------------------
expect_refusal wtp_dtls_wrong_ca evilctl "does not chain to the controller CA file" \
	--controller-ca "$T/lscca.crt"
expect_refusal wtp_dtls_ap_cert_as_controller apctl "its CN names the AP 00:11:22:33:44:ff" \
	--controller-ca "$T/lscca.crt"
expect_refusal wtp_dtls_wrong_name ctl "does not name the controller wlc2" \
	--controller-ca "$T/lscca.crt" --controller-name wlc2
expect_refusal wtp_dtls_no_controller_ca ctl "was given no controller CA"
# The LSC's CA is the anchor once the AP holds one: the controller CA
# file given alongside does not widen it.
expect_refusal wtp_dtls_lsc_wrong_ca evilctl "does not chain to the CA that issued the AP's LSC" \
	--controller-ca "$T/evil.crt" --state-dir "$T/lscap"
# An AP's LSC whose model made its CN name no AP (CAP.3G1-..., no EKU):
# the controller is named, not guessed from what the CN is not.
expect_refusal wtp_dtls_ap_lsc_dotted_model apdot "does not name the controller wlc1" \
	--state-dir "$T/lscap"
# Root -> {issuing CA, sibling CA}: the LSC came with the issuing CA and
# the root, and a controller certificate of the sibling CA is foreign.
AC_ARGS="--chain $T/sib.crt --lsc-ca $T/ica-chain.pem" expect_refusal wtp_dtls_sibling_ca sibctl \
	"does not chain to the CA that issued the AP's LSC" --state-dir "$T/lsc2ap"
# Below the security level: an RSA-1024 key, a SHA-1 signature.  dtls_ac
# is let load them (OPENSSL_CONF at level 0); the AP stays at 2.
printf 'openssl_conf = c\n[c]\nssl_conf = s\n[s]\nsystem_default = d\n[d]\nCipherString = DEFAULT:@SECLEVEL=0\n' >"$T/level0.cnf"
# The same hierarchy's issuing CA vouches for its own controller.
start_ac ctl2 --chain "$T/ica.crt" --lsc-ca "$T/ica-chain.pem" --exit-after 1
wtp wtp_dtls_issuing_ca lsc2ap
rc=$?
wait "$acpid"
if [ $rc = 0 ] && grep -q "^run cert=LSC" "$T/ac.err"; then
	ok "wtp_dtls_issuing_ca: the controller of the CA that issued the LSC is accepted"
else
	not_ok "wtp_dtls_issuing_ca: exit $rc: $(tail -n 2 "$T/wtp_dtls_issuing_ca.log" | tr '\n' ' ') / $(tr '\n' ' ' <"$T/ac.err")"
fi
# Without a controller name there is no telling the controller from an AP.
out=$(in_ns $wtp --dtls --ac 127.0.0.1:$PORT --count 1 --state-dir "$T/noname" \
	--timeout 5 2>&1)
rc=$?
if [ $rc != 0 ] && [[ $out == *"--dtls needs --controller-name"* ]]; then
	ok "wtp_dtls_controller_name_required: exit $rc"
else
	not_ok "wtp_dtls_controller_name_required: exit $rc '$out'"
fi
AC_ENV="OPENSSL_CONF=$T/level0.cnf" expect_refusal wtp_dtls_rsa1024 weak "EE certificate key too weak" \
	--state-dir "$T/lscap"
AC_ENV="OPENSSL_CONF=$T/level0.cnf" expect_refusal wtp_dtls_sha1 sha1 "CA signature digest algorithm too weak" \
	--state-dir "$T/lscap"

expect_refusal wtp_dtls_expired ctlold "certificate has expired" --state-dir "$T/lscap"

# A controller that refuses the LSC in the handshake: with --attempts 1
# the AP falls back to its MIC at once (a copy: the fallback removes it).
cp -r "$T/lscap" "$T/lscap2"
start_ac ctl --refuse-lsc
wtp wtp_dtls_lsc_refused_fallback lscap2 --attempts 1
rc=$?
stop_ac
if [ $rc = 1 ] && grep -q "fell back to its factory certificate: join with the LSC failed 1 times" \
	"$T/wtp_dtls_lsc_refused_fallback.log" && [ ! -e "$T/lscap2/lsc.crt" ] &&
   grep -q "^handshake refused (type not accepted)" "$T/ac.err"; then
	ok "wtp_dtls_lsc_refused_fallback: $(grep -o 'fell back.*' "$T/wtp_dtls_lsc_refused_fallback.log" | head -n 1)"
else
	not_ok "wtp_dtls_lsc_refused_fallback: exit $rc: $(tail -n 3 "$T/wtp_dtls_lsc_refused_fallback.log" | tr '\n' ' ') / $(tr '\n' ' ' <"$T/ac.err")"
fi

# A DTLS 1.0-only server (RSA, so that a DTLS 1.0 suite exists): it sends
# its DTLS 1.0 ServerHello, and the AP refuses it.
start_ac ctlrsa --dtls10
wtp wtp_dtls_10 micap --controller-ca "$T/lscca.crt"
rc=$?
stop_ac
if [ $rc = 1 ] && grep -q "does not speak DTLS 1.2" "$T/wtp_dtls_10.log" &&
   grep -q "^dtls1.0 flight sent (DTLSv1)" "$T/ac.err"; then
	ok "wtp_dtls_10_refused: $(grep -o 'does not speak.*' "$T/wtp_dtls_10.log" | head -n 1)"
else
	not_ok "wtp_dtls_10_refused: exit $rc: $(tail -n 2 "$T/wtp_dtls_10.log" | tr '\n' ' ') / $(tr '\n' ' ' <"$T/ac.err")"
fi

# ---- Clear text stays the default ------------------------------------------
start_ac ctl
$bg_ns $wtp --ac 127.0.0.1:$PORT --mac $MAC --model AP3G1 --serial FTX1433K60R \
	--state-dir "$T/micap" --mic-key "$T/mic.key" --mic-cert "$T/mic.crt" \
	>"$T/wtp_dtls_clear.log" 2>&1 &
wpid=$!
pids+=("$wpid")
if wait_until 20 grep -q "^clear-text message type 3 refused" "$T/ac.err"; then
	ok "wtp_dtls_clear_text_default: without --dtls the Join goes in clear text (refused by a DTLS controller)"
else
	not_ok "wtp_dtls_clear_text_default: $(tr '\n' ' ' <"$T/ac.err")"
fi
kill "$wpid" 2>/dev/null
stop_ac

# fleet_run NAME N CERT [DTLS_AC ARGS...]: N APs with MICs of their own
# until dtls_ac exits ($acrc), then the summary in $T/NAME.json.
fleet_run() {
	local name=$1 n=$2 wpid
	shift 2
	mkdir -p "$T/$name"
	cp "$T/mfg.key" "$T/$name/mfg-ca.key"
	cp "$T/mfg.crt" "$T/$name/mfg-ca.crt"
	start_ac "$@"
	$bg_ns $wtp --dtls --ac 127.0.0.1:$PORT --count "$n" --state-dir "$T/$name" \
		--controller-ca "$T/lscca.crt" --controller-name wlc1 --json \
		>"$T/$name.json" 2>"$T/$name.err" &
	wpid=$!
	pids+=("$wpid")
	wait "$acpid"
	acrc=$?
	kill -TERM "$wpid" 2>/dev/null
	wait "$wpid" 2>/dev/null
}

# ---- A fleet: one SSL object per AP, and its CPU per handshake -------------
N=20
fleet_run fleet $N ctl --exit-after $N
hs=$(sed -n 's/.*"dtls_handshakes": \([0-9]*\).*/\1/p' "$T/fleet.json")
cpu=$(sed -n 's/.*"dtls_cpu_ms_per_handshake": \([0-9.]*\).*/\1/p' "$T/fleet.json")
if [ $acrc = 0 ] && [ "$(grep -c '^run cert=MIC' "$T/ac.err")" = $N ] &&
   [ "${hs:-0}" -ge $N ]; then
	ok "wtp_dtls_fleet: $N APs in Run over DTLS, $hs handshakes, $cpu ms AP-side CPU each"
else
	not_ok "wtp_dtls_fleet: dtls_ac exit $acrc, $(grep -c '^run' "$T/ac.err") in Run, handshakes '$hs': $(tail -n 3 "$T/fleet.err" | tr '\n' ' ')"
fi

# A Discovery Response in clear-text fragments is not reassembled: only
# a whole one is taken, so the AP never gets to a handshake.
mkdir -p "$T/fragdisc"
cp "$T/mfg.key" "$T/fragdisc/mfg-ca.key"
cp "$T/mfg.crt" "$T/fragdisc/mfg-ca.crt"
start_ac ctl --frag-discovery
in_ns $wtp --dtls --ac 127.0.0.1:$PORT --count 1 --state-dir "$T/fragdisc" \
	--controller-ca "$T/lscca.crt" --controller-name wlc1 --timeout 4 --json \
	>"$T/fragdisc.json" 2>"$T/fragdisc.err"
stop_ac
dropped=$(sed -n 's/.*"clear_dropped": \([0-9]*\).*/\1/p' "$T/fragdisc.json")
hs=$(sed -n 's/.*"dtls_handshakes": \([0-9]*\).*/\1/p' "$T/fragdisc.json")
if [ "${dropped:-0}" -ge 2 ] && [ "$hs" = 0 ] && ! grep -q "^handshake" "$T/ac.err"; then
	ok "wtp_dtls_fragmented_discovery_dropped: clear_dropped $dropped, no handshake"
else
	not_ok "wtp_dtls_fragmented_discovery_dropped: clear_dropped '$dropped', handshakes '$hs': $(tr '\n' ' ' <"$T/ac.err" | tail -c 400) $(tail -n 2 "$T/fragdisc.err" | tr '\n' ' ')"
fi

# ---- Clear text after the session started ----------------------------------
# dtls_ac forges a clear-text Reset and Configuration Update once each AP
# is in Run; each AP's next Echo Request still comes inside DTLS, and the
# fleet counts the two forged messages dropped, no second handshake.
N=2
fleet_run fleet2 $N ctl --clear-after-run --exit-after $N
dropped=$(sed -n 's/.*"clear_dropped": \([0-9]*\).*/\1/p' "$T/fleet2.json")
hs=$(sed -n 's/.*"dtls_handshakes": \([0-9]*\).*/\1/p' "$T/fleet2.json")
if [ $acrc = 0 ] && [ "$(grep -c '^echo inside DTLS after the clear text' "$T/ac.err")" = $N ] &&
   [ "${dropped:-0}" -ge $((2 * N)) ] && [ "${hs:-0}" = $N ]; then
	ok "wtp_dtls_clear_text_after_handshake_dropped: clear_dropped $dropped, $hs handshakes for $N APs"
else
	not_ok "wtp_dtls_clear_text_after_handshake_dropped: dtls_ac exit $acrc, clear_dropped '$dropped', handshakes '$hs': $(tr '\n' ' ' <"$T/ac.err" | tail -c 600)"
fi

finish
