#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/run must pass the guest command's status through, and must fail
# a run whose guest kernel warned, however the command itself ended.  And
# tests/run must count what broken cases (tests/vm/selftest) never
# reported: a case that hangs is killed after its own timeout and the next
# one still runs; a case that stops early or reports too much fails; a
# guest that crashes fails the case it was in and every case after it.

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. tests/lib.sh
plan 9 1800

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

if out=$(VM_OUT=$scratch/a tests/vm/run -- sh -c 'modprobe capwap_lsc && cat /sys/kernel/capwap_lsc/version' 2>&1) &&
   [ "$(printf '%s\n' "$out" | tail -n 1)" = "$(cat VERSION)" ]; then
	ok "vm/run: modprobe and the version file, exit 0"
else
	not_ok "vm/run: modprobe and the version file: $(printf '%s' "$out" | tail -n 5 | tr '\n' ' ')"
fi

VM_OUT=$scratch/c tests/vm/run -- sh -c 'exit 7' > /dev/null 2>&1
rc=$?
if [ "$rc" -eq 7 ]; then
	ok "vm/run: the guest command's status comes back (7)"
else
	not_ok "vm/run: expected status 7, got $rc"
fi

VM_OUT=$scratch/d tests/vm/run -- sh -c 'modprobe vm_warn; exit 0' > "$scratch/warn.out" 2>&1
rc=$?
if [ "$rc" -ne 0 ] && grep -q 'WARNING:' "$scratch/d/console.log" &&
   grep -q 'kernel log shows problems' "$scratch/warn.out"; then
	ok "vm/run: a kernel warning in the guest fails the run ($rc)"
else
	not_ok "vm/run: a kernel warning did not fail the run (status $rc)"
fi

# expect_line FILE NAME LINE: FILE (tests/run's output) has LINE exactly.
expect_line() {
	if grep -qxF -- "$3" "$1"; then
		ok "$2"
	else
		not_ok "$2: no line '$3' in: $(grep -E '^(not ok|[0-9]+ passed)' "$1" | tr '\n' ' ')"
	fi
}

TESTS_VM_CASES=tests/vm/selftest tests/run 1-hang 2-short 3-over 4-after \
	> "$scratch/broken.out" 2>&1
rc=$?
expect_line "$scratch/broken.out" "tests/run: a hung case is killed after its timeout, its lost check counted" \
	"not ok vm/1-hang: 1 of 2 planned checks never reported (killed by its timeout), exit status 124; counted as failures"
expect_line "$scratch/broken.out" "tests/run: a case that stops early fails by what it did not report" \
	"not ok vm/2-short: 2 of 3 planned checks never reported, exit status 0; counted as failures"
expect_line "$scratch/broken.out" "tests/run: a case that reports more than its plan fails" \
	"not ok vm/3-over: reported 2 checks, planned 1"
expect_line "$scratch/broken.out" "tests/run: the case after a hang runs, with nothing of it left" \
	"ok after: ran, and nothing of the hung case is left"
if [ "$rc" -ne 0 ] && tail -n 1 "$scratch/broken.out" | grep -q '^10 passed, 4 failed, 0 skipped (12 planned, '; then
	ok "tests/run: the broken cases' summary counts 4 failures and exits $rc"
else
	not_ok "tests/run: broken cases: exit $rc, last line '$(tail -n 1 "$scratch/broken.out")'"
fi

TESTS_VM_CASES=tests/vm/selftest tests/run 0-crash 4-after > "$scratch/crash.out" 2>&1
rc=$?
if [ "$rc" -ne 0 ] &&
   grep -qxF "not ok vm/0-crash: 1 of 2 planned checks never reported (the guest stopped in the middle of it); counted as failures" "$scratch/crash.out" &&
   grep -qxF "not ok vm/4-after: 1 of 1 planned checks never reported (never ran: the guest stopped before it); counted as failures" "$scratch/crash.out" &&
   tail -n 1 "$scratch/crash.out" | grep -q '^1 passed, 5 failed, 0 skipped (6 planned, '; then
	ok "tests/run: a guest crash fails its case and every case after it"
else
	not_ok "tests/run: guest crash: exit $rc: $(grep -E '^(not ok|[0-9]+ passed)' "$scratch/crash.out" | tr '\n' ' ')"
fi

finish
