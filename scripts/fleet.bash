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
# more CA per NAME), the controller's key and APS AP keys.  Made once and
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
	"$@" build/lscd --foreground --config /dev/null --state-dir "$fleet_work/state" \
		--url "$fleet_ca_url" --set controller_cn=wlc-demo \
		--set subject_org=Example >>"$fleet_work/lscd.log" 2>&1 &
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
