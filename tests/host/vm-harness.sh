#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/run must pass the guest command's status through, and must fail
# a run whose guest kernel warned, however the command itself ended.

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. tests/lib.sh

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

if out=$(VM_OUT=$scratch/a tests/vm/run -- sh -c 'modprobe capwap_lsc && cat /sys/kernel/capwap_lsc/version' 2>&1) &&
   [ "$(printf '%s\n' "$out" | tail -n 1)" = "$(cat VERSION)" ]; then
	ok "vm/run: modprobe and the version file, exit 0"
else
	not_ok "vm/run: modprobe and the version file: $(printf '%s' "$out" | tail -n 5 | tr '\n' ' ')"
fi

VM_OUT=$scratch/b tests/vm/run -- false > /dev/null 2>&1
rc=$?
if [ "$rc" -ne 0 ]; then
	ok "vm/run: 'false' in the guest exits non-zero ($rc)"
else
	not_ok "vm/run: 'false' in the guest exited 0"
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

finish
