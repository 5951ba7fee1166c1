# SPDX-License-Identifier: GPL-2.0
# Sourced by every shell test.  How a test reports, and what tests/run
# makes of it (tests/README.md has the whole convention):
#
#   plan N [SECONDS]  first, before the test does anything else: it reports
#                     exactly N checks, and may run SECONDS (default 600);
#                     then it is killed (tests/run, tests/vm/suite).
#   ok NAME           one check passed.
#   not_ok NAME: WHY  one check failed, and why.
#   check NAME CMD... one check: passes when CMD succeeds.
#   checks N NAME CMD...
#                     CMD is a test program (capwap_peer, say) that prints
#                     N "ok"/"not ok" lines of its own.  They pass through;
#                     each one it never printed (it died, hung or returned
#                     early) becomes a "not ok", and so does a non-zero exit.
#   need CMD PACKAGE  a missing program is a failure, never a skip:
#                     scripts/install-deps installs everything a test needs.
#   skip NAME: WHY    only for a check that cannot run on any machine this
#                     suite runs on, saying why.
#
# tests/run asks each test for its plan before it runs anything (it sets
# TESTS_PLAN_ONLY=1, and plan then prints the plan and exits), counts what
# the test reported against it, and counts every check never reported as
# a failure, by the test's name.  A test also fails when it reports more
# than its plan, exits non-zero without a failed check, or skips without
# saying why.

if [ -z "${TESTS_LIB_SOURCED:-}" ]; then
TESTS_LIB_SOURCED=1
tests_failed=0

# plan N [SECONDS]
plan() {
	printf '1..%s%s\n' "$1" "${2:+ # timeout $2}"
	if [ -n "${TESTS_PLAN_ONLY:-}" ]; then
		trap - EXIT
		exit 0
	fi
}

ok() {
	echo "ok $*"
}

not_ok() {
	echo "not ok $*"
	tests_failed=$((tests_failed + 1))
}

skip() {
	echo "skip $*"
}

# check NAME COMMAND...: one case that passes when COMMAND succeeds.
check() {
	local name=$1
	shift
	local output
	if output=$("$@" 2>&1); then
		ok "$name"
	else
		not_ok "$name: $* failed: $(printf '%s' "$output" | tail -n 3 | tr '\n' ' ')"
	fi
}

# checks N NAME COMMAND...: COMMAND reports N checks itself.
checks() {
	local want=$1 name=$2 line got=0 bad=0 rc=lost i
	shift 2
	while IFS= read -r line; do
		case $line in
		"ok "* | "skip "*) got=$((got + 1)) ;;
		"not ok "*) got=$((got + 1)); bad=$((bad + 1)); tests_failed=$((tests_failed + 1)) ;;
		__checks_rc=*) rc=${line#__checks_rc=}; continue ;;
		"") continue ;;
		esac
		printf '%s\n' "$line"
	done < <("$@" 2>&1 < /dev/null; printf '\n__checks_rc=%s\n' "$?")
	for ((i = got + 1; i <= want; i++)); do
		not_ok "$name: check $i of $want never reported ($1 exited with status $rc)"
	done
	if [ "$got" -gt "$want" ]; then
		not_ok "$name: reported $got checks, $want expected"
	elif [ "$rc" != 0 ] && [ "$bad" -eq 0 ] && [ "$got" -eq "$want" ]; then
		not_ok "$name: $1 exited with status $rc after $got checks passed"
	fi
}

# need COMMAND PACKAGE: fails the test unless COMMAND is installed.
need() {
	command -v "$1" > /dev/null && return 0
	not_ok "$1 is not installed (Debian package $2; scripts/install-deps installs it)"
	exit 1
}

# private_netns FILE: a network namespace of the test's own, held by
# FILE, with only lo up, so that its ports meet no one else's.  Run in it
# with `nsenter --net=FILE CMD` (nsenter execs CMD: `$!` of a background
# one is CMD's own PID); `umount FILE` when done.
private_netns() {
	touch "$1" && unshare --net="$1" true && nsenter --net="$1" ip link set lo up
}

# netns_scratch NAME: W, a scratch directory /tmp/lscd-NAME.*, with a
# network namespace of its own at $W/ns that in_ns CMD... runs in.  What
# the test starts in the background goes in pids[]: at exit it is killed
# and reaped, the namespace unmounted and W removed.
netns_scratch() {
	W=$(mktemp -d "/tmp/lscd-$1.XXXXXX")
	pids=()
	trap netns_scratch_cleanup EXIT
	private_netns "$W/ns" || { not_ok "$1_setup: cannot create a network namespace"; exit 1; }
}
netns_scratch_cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null
	done
	umount "$W/ns" 2>/dev/null
	rm -rf "$W"
}
in_ns() { nsenter --net="$W/ns" "$@"; }

# tshark_findings CAPTURE [TSHARK_OPTION...]: tshark's expert findings of
# warning level and worse, one section per level ("Errors (1)", "Warns
# (2)" in tshark 4.0: any such heading counts); nothing when none.  A
# tshark that fails (a capture cut short, an unreadable file) is a finding
# too: its silence would otherwise read as a clean capture.
tshark_findings() {
	local capture=$1 out rc=0
	shift
	out=$(tshark -n -r "$capture" "$@" -q -z expert,warn 2>&1) || rc=$?
	if [ "$rc" -ne 0 ]; then
		printf 'tshark failed (exit %d): %s\n' "$rc" \
			"$(printf '%s\n' "$out" | grep -v '^Running as user' | head -n 3 | tr '\n' ' ')"
		return 0
	fi
	printf '%s\n' "$out" | sed -n '/^[A-Z][a-z]* ([0-9][0-9]*)$/,$p'
}

# wait_until SECONDS COMMAND...: poll COMMAND every 0.2 s until it succeeds.
wait_until() {
	local deadline=$(( $(date +%s) + $1 ))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.2
	done
}

# lab_cleartext: the loaded capwap_lsc put in the lab's clear-text mode
# the way an operator does, "lscctl config dtls off" (its default is
# "required").  For the tests whose APs (capwap_peer, capwap_flood,
# lsc-wtp without --dtls) speak clear-text CAPWAP: the control path, the
# LSC exchange and lscd they hold run the same inside DTLS records
# (docs/PROTOCOL.md section 6.9), and DTLS itself is held by
# 35-dtls-relay, 93-lscd-dtls and scripts/demo.  Says why when it fails.
lab_cleartext() {
	local out
	out=$(build/lscctl config dtls off 2>&1) && return 0
	echo "# lscctl config dtls off failed: $out"
	return 1
}

# lab_modprobe [PARAM=VALUE...]: modprobe capwap_lsc PARAMs, then
# lab_cleartext.
lab_modprobe() {
	modprobe capwap_lsc "$@" && lab_cleartext
}

finish() {
	[ "$tests_failed" -eq 0 ]
}
fi
