#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/run and tests/lib.sh count what the unit and host stages must
# report, on a scratch tree of broken tests (tests/host/vm-harness.sh does
# the same for the VM stage): a mistyped stage or test name is an error;
# a unit test that was not built, a test program that dies before its
# checks or exits non-zero after them, a missing program and a skip with
# no reason all fail, by name; a host script without +x still runs; and
# the summary line adds it all up and the exit status is non-zero.

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. tests/lib.sh
plan 11

tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/tests/unit" "$tree/tests/host" "$tree/build/tests"
cp tests/run tests/lib.sh "$tree/tests/"
# A unit test whose program was never built.
: >"$tree/tests/unit/test_unbuilt.c"
# host tests: name, then body after ". tests/lib.sh".
host() {
	printf '. tests/lib.sh\n%s\n' "$2" >"$tree/tests/host/$1.sh"
}
host a-noexec 'plan 1
ok "noexec: ran"
finish'
chmod 644 "$tree/tests/host/a-noexec.sh"
host b-dies 'plan 5
checks 3 "dead" sh -c "echo \"ok dead: one\"; exit 2"
checks 1 "late" sh -c "echo \"ok late: one\"; exit 3"
finish'
host c-need 'plan 3
ok "need: before"
need no-such-program-capwap-lsc nopkg
ok "need: never reached"
finish'
host d-skip 'plan 2
skip "noreason"
skip "why: cannot run on any machine of this kind"
finish'
chmod 755 "$tree/tests/host/b-dies.sh" "$tree/tests/host/c-need.sh" "$tree/tests/host/d-skip.sh"

out=$(TESTS_ONLY="unit hots" "$tree/tests/run" 2>&1)
rc=$?
if [ "$rc" = 2 ] && [[ "$out" == *"unknown stage 'hots'"* ]]; then
	ok "harness: a mistyped stage in TESTS_ONLY is an error (exit 2)"
else
	not_ok "harness: TESTS_ONLY=\"unit hots\": exit $rc: $(printf '%s' "$out" | tail -n 2 | tr '\n' ' ')"
fi
out=$("$tree/tests/run" a-noexec no-such-test 2>&1)
rc=$?
if [ "$rc" = 2 ] && [[ "$out" == *"no test named 'no-such-test'"* ]]; then
	ok "harness: a test name that does not exist is an error (exit 2)"
else
	not_ok "harness: unknown test name: exit $rc: $(printf '%s' "$out" | tail -n 2 | tr '\n' ' ')"
fi

TESTS_ONLY="unit host" "$tree/tests/run" >"$tree/out" 2>&1
rc=$?
# expect NAME LINE: the run printed LINE exactly.
expect() {
	if grep -qxF -- "$2" "$tree/out"; then
		ok "harness: $1"
	else
		not_ok "harness: $1: no line '$2' in: $(grep -E '^(not ok|skip|[0-9]+ passed)' "$tree/out" | tr '\n' ' ')"
	fi
}
expect "a unit test that was not built fails" \
	"not ok unit/test_unbuilt: no plan (build/tests/test_unbuilt was not built (make unit-tests))"
expect "a host script without +x runs all the same" "ok noexec: ran"
expect "checks: a program that dies after 1 of its 3 checks loses 2, each a failure" \
	"not ok dead: check 3 of 3 never reported (sh exited with status 2)"
expect "checks: a program that exits non-zero after its checks passed fails" \
	"not ok late: sh exited with status 3 after 1 checks passed"
expect "need: a missing program is a failure, not a skip" \
	"not ok no-such-program-capwap-lsc is not installed (Debian package nopkg; scripts/install-deps installs it)"
expect "need: what the test never reported after it is counted" \
	"not ok host/c-need: 1 of 3 planned checks never reported, exit status 1; counted as failures"
expect "a skip without a reason fails" \
	"not ok host/d-skip: a skip without a reason: 'skip noreason'"
expect "a skip with a reason is listed with it" \
	"#   why: cannot run on any machine of this kind"
# Counted in full (12 planned):
#   unit/test_unbuilt  1 failure: no plan (planned as 1)
#   host/a-noexec      1 ok
#   host/b-dies        2 ok; 3 failures: 2 checks lost, 1 exit status
#   host/c-need        1 ok; 2 failures: need's own, 1 check lost
#   host/d-skip        1 failure (the skip with no reason), 1 skip
summary=$(tail -n 1 "$tree/out")
if [ "$rc" -ne 0 ] && [[ "$summary" == "4 passed, 7 failed, 1 skipped (12 planned, "* ]]; then
	ok "harness: the summary adds it all up and the exit status is $rc"
else
	not_ok "harness: exit $rc, summary '$summary'"
fi
finish
