# SPDX-License-Identifier: GPL-2.0
# Sourced by the 60-wtp-*.sh cases: lsc-wtp against capwap_lsc.ko on
# 127.0.0.1:5246, with build/tools/lsc_test_helper playing lscd (it signs
# the APs' requests with a local test CA instead of running SCEP).

. tests/lib.sh

wtp=build/lsc-wtp
helper=build/tools/lsc_test_helper
sys=/sys/kernel/capwap_lsc
tmp=$(mktemp -d)
helper_pid=

wtp_cleanup() {
	[ -z "$helper_pid" ] || kill "$helper_pid" 2>/dev/null
	wait 2>/dev/null
	modprobe -r capwap_lsc 2>/dev/null
	rm -rf "$tmp"
}
trap wtp_cleanup EXIT

# The test CA, made once (on the host when the tests ran there first:
# RSA key generation is ~30 times slower in the VM).
wtp_ca() {
	local d=build/fixtures/wtp
	if [ ! -s $d/ca.pem ]; then
		mkdir -p $d 2>/dev/null && [ -w $d ] || d=$tmp/ca
		mkdir -p "$d"
		openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/ca.key" \
			-subj "/O=capwap-lsc tests/CN=lsc-wtp test CA" -days 3650 \
			-out "$d/ca.pem" >/dev/null 2>&1 || return 1
	fi
	echo "$d"
}

# wtp_setup NAME HELPER_CONFIG_ARGS...: module loaded and configured.
wtp_setup() {
	local name=$1
	shift
	if [ ! -x $wtp ] || [ ! -x $helper ]; then
		not_ok "$name: build $wtp and $helper first"
		exit 1
	fi
	# lsc_test_helper plays lscd without its DTLS relay: the lab mode.
	lab_modprobe || { not_ok "$name: modprobe capwap_lsc, lab mode"; exit 1; }
	ca=$(wtp_ca) || { not_ok "$name: cannot make the test CA"; exit 1; }
	if ! $helper config --ca "$ca/ca.pem" "$@" >"$tmp/config.log" 2>&1; then
		not_ok "$name: configuring the module: $(cat "$tmp/config.log")"
		exit 1
	fi
}

# helper_start [--fail REASON]
helper_start() {
	$helper serve --ca "$ca/ca.pem" --ca-key "$ca/ca.key" "$@" \
		>"$tmp/helper.out" 2>"$tmp/helper.err" &
	helper_pid=$!
	wait_until 30 grep -q serving "$tmp/helper.out"
}

# ap_attr MAC NAME: one of the AP's sysfs attributes.
ap_attr() {
	cat "$sys/aps/$1/$2" 2>/dev/null
}

# json_is FILE KEY VALUE
json_is() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if str(d[sys.argv[2]]) == sys.argv[3] else 1)' \
		"$1" "$2" "$3"
}
