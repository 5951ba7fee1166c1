# SPDX-License-Identifier: GPL-2.0
# Sourced by every shell test.  Each case prints one line, "ok NAME" or
# "not ok NAME: why", which tests/run counts; a script exits non-zero when
# any of its cases failed.

tests_failed=0

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

# wait_until SECONDS COMMAND...: poll COMMAND every 0.2 s until it succeeds.
wait_until() {
	local deadline=$(( $(date +%s) + $1 ))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.2
	done
}

finish() {
	[ "$tests_failed" -eq 0 ]
}
