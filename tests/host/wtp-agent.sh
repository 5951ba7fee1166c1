#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lsc-wtp's outcomes against tests/tools/wtp_ac (the scripted test
# controller), both in a network namespace of the test's own: the
# single-AP agent's exit status and message for success and for every
# failure it must report, and the fleet simulator's counts, fallback and
# pre-generated keys.

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. tests/lib.sh
plan 20

PORT=15346
wtp=build/lsc-wtp
ac=build/tools/wtp_ac

if [ ! -x $wtp ] || [ ! -x $ac ]; then
	not_ok "wtp_agent: build $wtp and $ac first"
	exit 1
fi

tmp=$(mktemp -d)
acpid=
cleanup() {
	[ -z "$acpid" ] || kill "$acpid" 2>/dev/null
	wait 2>/dev/null
	umount "$tmp/ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
private_netns "$tmp/ns" || { not_ok "wtp_agent: cannot create a network namespace"; exit 1; }
# $ac starts as `nsenter ... $ac &`, not through a shell function, so
# that $! is its own PID.
in_ns() { nsenter --net="$tmp/ns" "$@"; }

start_ac() {
	nsenter --net="$tmp/ns" $ac --port $PORT --echo 5 --key-type ec --bits 256 --timeout 120 "$@" \
		>"$tmp/ac.out" 2>"$tmp/ac.err" &
	acpid=$!
	wait_until 30 grep -q "listening on" "$tmp/ac.err" ||
		echo "# wtp_ac did not start: $(cat "$tmp/ac.err")"
}

stop_ac() {
	kill "$acpid" 2>/dev/null
	wait "$acpid" 2>/dev/null
	acpid=
}

# agent NAME STATE_DIR [ARGS...]: runs one AP, output in $tmp/NAME.log.
agent() {
	local name=$1 dir=$2
	shift 2
	in_ns timeout 60 $wtp --ac 127.0.0.1:$PORT --mac f8:66:f2:67:57:7e \
		--model AP3G1 --serial FTX1433K60R --state-dir "$dir" "$@" \
		>"$tmp/$name.log" 2>&1
}

# expect_fail NAME TEXT [ARGS...]: the agent exits 1 and says TEXT.
expect_fail() {
	local name=$1 text=$2 rc
	shift 2
	agent "$name" "$tmp/$name" "$@"
	rc=$?
	if [ $rc = 1 ] && grep -q "$text" "$tmp/$name.log"; then
		ok "$name"
	else
		not_ok "$name: exit $rc, want 1 and '$text': $(tail -n 2 "$tmp/$name.log" | tr '\n' ' ')"
	fi
}

start_ac
if agent wtp_agent_lsc "$tmp/ap" && [ "$(stat -L -c %a "$tmp/ap/lsc.key")" = 600 ] &&
	openssl x509 -in "$tmp/ap/lsc.crt" -noout -subject |
	grep -q 'CN = CAP3G1-f866f267577e'; then
	ok wtp_agent_lsc
else
	not_ok "wtp_agent_lsc: $(tail -n 3 "$tmp/wtp_agent_lsc.log" | tr '\n' ' ')"
fi
if agent wtp_agent_rejoin "$tmp/ap" && grep -q "joining with the LSC" "$tmp/wtp_agent_rejoin.log"; then
	ok wtp_agent_rejoin_with_installed_lsc
else
	not_ok "wtp_agent_rejoin_with_installed_lsc: $(tail -n 3 "$tmp/wtp_agent_rejoin.log" | tr '\n' ' ')"
fi
expect_fail wtp_agent_bridge_refused "bridge mode APs are not provisioned" --mode bridge
expect_fail wtp_agent_mesh_refused "mesh APs are not provisioned" --mode mesh

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$tmp/mic.key" -out "$tmp/mic.crt" -days 30 \
	-subj "/CN=CAP3G1-f866f267577e" >/dev/null 2>&1
if agent wtp_agent_given_cert "$tmp/given" --mic-key "$tmp/mic.key" \
	--mic-cert "$tmp/mic.crt" && [ ! -e "$tmp/given/mfg-ca.key" ]; then
	ok wtp_agent_given_cert
else
	not_ok "wtp_agent_given_cert: $(tail -n 3 "$tmp/wtp_agent_given_cert.log" | tr '\n' ' ')"
fi
expect_fail wtp_agent_mismatched_cert "does not match" --mic-key "$tmp/mic.key" \
	--mic-cert "$tmp/ap/mic.crt"
stop_ac

start_ac --fail-ca 1
expect_fail wtp_agent_ca_failure "CA refused: Transaction not permitted"
stop_ac

for bad in wrong-key:"public key" wrong-cn:"is not the AP's" broken-chain:"does not chain"; do
	start_ac --bad-cert "${bad%%:*}"
	expect_fail "wtp_agent_refuses_${bad%%:*}" "${bad#*:}"
	stop_ac
done

start_ac --refuse-lsc
agent wtp_agent_lsc_join_refused "$tmp/ap"
rc=$?
if [ $rc = 1 ] && grep -q "join with its LSC refused" "$tmp/wtp_agent_lsc_join_refused.log"; then
	ok wtp_agent_lsc_join_refused
else
	not_ok "wtp_agent_lsc_join_refused: exit $rc: $(tail -n 2 "$tmp/wtp_agent_lsc_join_refused.log" | tr '\n' ' ')"
fi
stop_ac

expect_fail wtp_agent_unreachable "unreachable" --discovery-interval 1

# fleet NAME [ARGS...]: a simulated fleet, JSON summary in $tmp/NAME.json.
fleet() {
	local name=$1
	shift
	in_ns timeout 120 $wtp --ac 127.0.0.1:$PORT --state-dir "$tmp/fleet" --json \
		--settle 3 --timeout 90 "$@" >"$tmp/$name.json" 2>"$tmp/$name.log"
}

# json_is NAME KEY VALUE
json_is() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if str(d[sys.argv[2]]) == sys.argv[3] else 1)' \
		"$tmp/$1.json" "$2" "$3"
}

start_ac --attempts 2
fleet wtp_fleet_mixed --count 40 --bridge-fraction 0.1 --mesh-fraction 0.05 \
	--corrupt-fraction 0.05
rc=$?
# The corrupt ones count from their first failure (failed, or fallback
# once their attempts ran out).
if [ $rc = 0 ] && json_is wtp_fleet_mixed lsc 32 && json_is wtp_fleet_mixed refused 6 &&
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d["failed"] + d["fallback"] != 2)' \
		"$tmp/wtp_fleet_mixed.json"; then
	ok wtp_fleet_mixed
else
	not_ok "wtp_fleet_mixed: exit $rc: $(tr -d '\n' <"$tmp/wtp_fleet_mixed.json")"
fi
# Of 40, 4 bridge, 2 mesh and 2 corrupt: 32 should end with an LSC.
if json_is wtp_fleet_mixed lsc_target 32 && json_is wtp_fleet_mixed lsc_achieved 32 &&
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit("expected_lsc" in d or "lsc_expected" in d)' \
		"$tmp/wtp_fleet_mixed.json"; then
	ok "wtp_fleet_json_keys: lsc_target and lsc_achieved say what they hold"
else
	not_ok "wtp_fleet_json_keys: $(tr -d '\n' <"$tmp/wtp_fleet_mixed.json")"
fi
stop_ac

$wtp genkeys --count 8 --type ec --bits 256 --out "$tmp/keys" >/dev/null 2>&1
start_ac
fleet wtp_fleet_keys_from --count 8 --keys-from "$tmp/keys"
rc=$?
if [ $rc = 0 ] && json_is wtp_fleet_keys_from keys_pregenerated 8 &&
	[ "$(stat -c %a "$tmp/keys/0007.key")" = 600 ]; then
	ok wtp_fleet_keys_from
else
	not_ok "wtp_fleet_keys_from: exit $rc: $(tr -d '\n' <"$tmp/wtp_fleet_keys_from.json")"
fi
stop_ac

start_ac --fail-ca 9 --attempts 3
fleet wtp_fleet_ca_fallback --count 3
rc=$?
if [ $rc = 1 ] && json_is wtp_fleet_ca_fallback fallback 3; then
	ok wtp_fleet_ca_fallback
else
	not_ok "wtp_fleet_ca_fallback: exit $rc: $(tr -d '\n' <"$tmp/wtp_fleet_ca_fallback.json")"
fi
stop_ac

# No controller: a fleet that only waits, with its progress in a file.
fleet wtp_fleet_pipe_progress --count 2 --discovery-interval 1 --timeout 7
lines=$(grep -c '^joined 0  provisioning 0  LSC 0/2 ' "$tmp/wtp_fleet_pipe_progress.log")
if ! grep -q $'[\r\033]' "$tmp/wtp_fleet_pipe_progress.log" && [ "$lines" -ge 2 ]; then
	ok "wtp_fleet_pipe_progress: plain progress lines off a terminal ($lines), no CR or ESC"
else
	not_ok "wtp_fleet_pipe_progress: $lines progress lines: $(head -c 300 "$tmp/wtp_fleet_pipe_progress.log" | cat -v)"
fi
# On a terminal (script(1)'s pty) the line is redrawn in place, unless
# TERM=dumb, as on the VM's serial console.
tty_fleet() {
	TERM=$1 in_ns script -qec "$wtp --ac 127.0.0.1:$PORT --state-dir '$tmp/fleet' \
		--count 2 --discovery-interval 1 --timeout 6 >/dev/null" /dev/null >"$tmp/tty-$1.log"
}
tty_fleet xterm
if grep -q $'\033\[K' "$tmp/tty-xterm.log"; then
	ok "wtp_fleet_tty_progress: redrawn in place on a terminal"
else
	not_ok "wtp_fleet_tty_progress: $(head -c 300 "$tmp/tty-xterm.log" | cat -v)"
fi
tty_fleet dumb
lines=$(grep -c 'joined 0  provisioning 0  LSC 0/2 ' "$tmp/tty-dumb.log")
if ! grep -q $'\033' "$tmp/tty-dumb.log" && [ "$lines" -ge 2 ]; then
	ok "wtp_fleet_dumb_tty_progress: TERM=dumb gets plain lines ($lines), no ESC"
else
	not_ok "wtp_fleet_dumb_tty_progress: $lines lines: $(head -c 300 "$tmp/tty-dumb.log" | cat -v)"
fi

start_ac --refuse-lsc
fleet wtp_fleet_lsc_join_fallback --count 2 --attempts 2 --discovery-interval 1
rc=$?
if [ $rc = 1 ] && json_is wtp_fleet_lsc_join_fallback fallback 2; then
	ok wtp_fleet_lsc_join_fallback
else
	not_ok "wtp_fleet_lsc_join_fallback: exit $rc: $(tr -d '\n' <"$tmp/wtp_fleet_lsc_join_fallback.json")"
fi
stop_ac

finish
