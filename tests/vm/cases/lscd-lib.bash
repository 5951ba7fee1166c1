# SPDX-License-Identifier: GPL-2.0
# Sourced by the 7x-lscd-*.sh cases: lscd against capwap_lsc.ko and a real
# Debian scepserver, with lsc-wtp as the APs.
#
#   guest, initial network namespace (only lo; nothing leaves the guest)
#   +------------------------------------------------------------------+
#   |  lsc-wtp APs --CAPWAP 127.0.0.1:5246--> capwap_lsc.ko             |
#   |                                            | genl (init netns only)|
#   |                                          lscd --HTTP--> scepserver |
#   +------------------------------------------------------------------+
#
# The module's genl family is not netns-aware, so lscd must run in the
# initial namespace, and so does the CA it talks to.  scepserver binds
# every address, which is harmless here: the guest's initial namespace
# has nothing but loopback.  On a host, run it in a namespace of its own
# (tests/host/scep.sh).

. tests/lib.sh

wtp=build/lsc-wtp
lscd=build/lscd
helper=build/tools/lsc_test_helper
sys=/sys/kernel/capwap_lsc
tmp=$(mktemp -d)
pids=()
ap_pids=()
lscd_pid=

# Everything the case started goes, APs included: a case that stops
# early must not wait for its APs' own timeouts.
lscd_cleanup() {
	local p
	[ -z "$lscd_pid" ] || kill "$lscd_pid" 2>/dev/null
	for p in "${pids[@]}" "${ap_pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	modprobe -r capwap_lsc 2>/dev/null
	rm -rf "$tmp"
}
trap lscd_cleanup EXIT

# Keys and CAs: tests/vm/lscd-fixtures.sh, on the host before the boot
# when possible (RSA key generation is ~30 times slower in the VM); made
# here when missing.
lscd_fixtures() {
	local d=build/fixtures/lscd
	if [ ! -s $d/controller.key ] || [ ! -s $d/ca2048/ca.pem ] || [ ! -s $d/ca4096/ca.pem ]; then
		mkdir -p $d 2>/dev/null && [ -w $d ] || d=$tmp/fixtures
		tests/vm/lscd-fixtures.sh "$d" >/dev/null || return 1
	fi
	echo "$d"
}

# ca_serve NAME PORT ARGS...: scepserver on a fresh copy of the 2048 CA.
ca_serve() {
	local name=$1 port=$2
	shift 2
	[ -d "$tmp/$name" ] || cp -r "$fx/ca2048" "$tmp/$name"
	scepserver -depot "$tmp/$name" -port "$port" "$@" >>"$tmp/$name.log" 2>&1 &
	pids+=($!)
	eval "ca_pid_$name=$!"
	wait_until 20 curl -sf "http://127.0.0.1:$port/scep?operation=GetCACaps"
}

# pending_front PORT CA LOG ARGS...: tests/peers/scep-pending.py on PORT in
# front of the scepserver on 8080 serving $tmp/CA, logging to LOG; its pid
# in $front.  Returns once it answers.
pending_front() {
	local port=$1 ca=$2 log=$3
	shift 3
	python3 tests/peers/scep-pending.py --port "$port" --upstream http://127.0.0.1:8080/scep \
		--ca-cert "$tmp/$ca/ca.pem" --ca-key "$tmp/$ca/ca.key" "$@" >"$log" 2>&1 &
	front=$!
	pids+=($front)
	wait_until 120 curl -sf "http://127.0.0.1:$port/scep?operation=GetCACaps"
}

# certs_issued NAME: certificates the CA's depot holds (its own excluded).
certs_issued() {
	find "$tmp/$1" -maxdepth 1 -name '*.pem' ! -name ca.pem | wc -l
}

# lscd_setup NAME [HELPER_CONFIG_ARGS...]: the module loaded, provisioning
# enabled for every AP, RSA AP keys (scepserver cannot issue for an EC
# request: it signs with the request's signature algorithm, and its CA key
# is RSA), 1024 bits unless the case asks for more (key generation is slow
# in the VM).
lscd_setup() {
	local name=$1
	shift
	for b in $wtp $lscd $helper; do
		[ -x $b ] || { not_ok "$name: build $b first"; exit 1; }
	done
	need scepserver scep
	fx=$(lscd_fixtures) || { not_ok "$name: cannot make the fixtures"; exit 1; }
	# The APs run without --dtls (the lab mode) but in 93-lscd-dtls,
	# which sets "required" itself.
	lab_modprobe || { not_ok "$name: modprobe capwap_lsc, lab mode"; exit 1; }
	if ! $helper config --ca "$fx/ca2048/ca.pem" --key-type rsa --bits 1024 "$@" \
		>"$tmp/config.log" 2>&1; then
		not_ok "$name: configuring the module: $(cat "$tmp/config.log")"
		exit 1
	fi
	mkdir -p "$tmp/state"
	chmod 700 "$tmp/state"
	cp "$fx/controller.key" "$tmp/state/controller.key"
	chmod 600 "$tmp/state/controller.key"
}

# lscd_start ARGS...: lscd in the foreground, logging to $tmp/lscd.log;
# returns once this lscd (not an earlier one in the same log) started.
lscd_start() {
	local n
	n=$(grep -c "lscd .* started" "$tmp/lscd.log" 2>/dev/null)
	$lscd --foreground --config /dev/null --state-dir "$tmp/state" \
		--set controller_cn=wlc-test --set subject_org="capwap-lsc tests" \
		--set min_ap_key_bits=1024 "$@" \
		>>"$tmp/lscd.log" 2>&1 &
	lscd_pid=$!
	wait_until 120 sh -c "[ \$(grep -c 'lscd .* started' '$tmp/lscd.log') -gt ${n:-0} ]"
}

lscd_stop() {
	[ -n "$lscd_pid" ] || return 0
	kill -TERM "$lscd_pid" 2>/dev/null
	wait "$lscd_pid"
	local rc=$?
	lscd_pid=
	return $rc
}

# lscd_stop_ok NAME: stops lscd; one check that it exited 0.  (Not through
# `check`, whose command substitution could not wait for lscd.)
lscd_stop_ok() {
	if lscd_stop; then
		ok "$1: SIGTERM: lscd exits 0"
	else
		not_ok "$1: SIGTERM: lscd exited non-zero: $(lscd_tail 3)"
	fi
}

# ap_run MAC MODEL [ARGS...]: one lsc-wtp agent in the background.
ap_run() {
	local mac=$1 model=$2
	shift 2
	timeout 600 $wtp --ac 127.0.0.1:5246 --mac "$mac" --model "$model" \
		--serial "SIM${mac//:/}" --state-dir "$tmp/ap-${mac//:/}" "$@" \
		>"$tmp/ap-${mac//:/}.log" 2>&1 &
	ap_pids+=($!)
}

ap_attr() {
	cat "$sys/aps/$1/$2" 2>/dev/null
}

ap_log() {
	tail -n 3 "$tmp/ap-${1//:/}.log" 2>/dev/null | tr '\n' ' '
}

# journal_empty: lscd's journal exists and holds nothing (a missing
# directory is no proof that nothing was left).
journal_empty() {
	[ -d "$tmp/state/journal" ] && [ -z "$(ls -A "$tmp/state/journal")" ]
}

lscd_tail() {
	tail -n "${1:-5}" "$tmp/lscd.log" | tr '\n' ' '
}

# lscd_dtls_start NAME: for the DTLS cases, after lscd_setup and a
# scepserver on 8080 (ca_serve ca 8080): the controller's DTLS certificate
# from the LSC CA for its role ($tmp/ctl.crt: scepserver issues
# clientAuth-only certificates, which RFC 5415 APs refuse for a
# controller), a manufacturer CA for the fleet ($tmp/fleet/mfg-ca.*,
# where lsc-wtp --state-dir $tmp/fleet finds it), the module in "dtls
# required", and lscd told of both, started and holding its own LSC.
# $lscca is the LSC CA the APs get as --controller-ca.  ARGS after NAME go
# to lscd_start.  On a failure: one not_ok and exit.
lscd_dtls_start() {
	local name=$1
	shift
	lscca=$tmp/ca/ca.pem
	printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n' \
		>"$tmp/ctl.ext"
	openssl req -new -key "$tmp/state/controller.key" -subj "/CN=wlc-test" -out "$tmp/ctl.csr" 2>/dev/null &&
		openssl x509 -req -in "$tmp/ctl.csr" -CA "$lscca" -CAkey "$tmp/ca/ca.key" -passin pass: \
			-CAcreateserial -days 30 -extfile "$tmp/ctl.ext" -out "$tmp/ctl.crt" 2>/dev/null ||
		{ not_ok "$name: cannot issue the controller's certificate"; exit 1; }
	mkdir -p "$tmp/fleet"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-subj "/O=capwap-lsc simulated AP maker/CN=Simulated Manufacturing CA" \
		-keyout "$tmp/fleet/mfg-ca.key" -out "$tmp/fleet/mfg-ca.crt" -days 3650 2>/dev/null ||
		{ not_ok "$name: cannot make the manufacturer CA"; exit 1; }
	build/lscctl config dtls required >"$tmp/mode.log" 2>&1 ||
		{ not_ok "$name: lscctl config dtls required: $(cat "$tmp/mode.log")"; exit 1; }
	lscd_start --url http://127.0.0.1:8080/scep --set mic_ca_file="$tmp/fleet/mfg-ca.crt" \
		--set dtls_cert_file="$tmp/ctl.crt" --set dtls_key_file="$tmp/state/controller.key" "$@" ||
		{ not_ok "$name: lscd did not start: $(lscd_tail)"; exit 1; }
	wait_until 120 test -s "$tmp/state/controller.crt" ||
		{ not_ok "$name: the controller got no LSC: $(lscd_tail)"; exit 1; }
}
