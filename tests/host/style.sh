#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel code passes the kernel's own checkpatch.pl with no error and
# no warning (`make style`), and the checker itself still catches a
# known-bad file, so a checkpatch that silently checks nothing cannot pass.

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. tests/lib.sh
plan 2

if ! out=$(make -s --no-print-directory style 2>&1); then
	not_ok "checkpatch clean: $(printf '%s\n' "$out" | grep -E 'ERROR|WARNING|style:' | head -n 8 | tr '\n' ' ')"
else
	ok "checkpatch clean"
fi

bad=$(mktemp --suffix=.c)
trap 'rm -f "$bad"' EXIT
printf '%s\n' '// SPDX-License-Identifier: GPL-2.0' 'int f(int a){' \
	'    if (a) { return 1; }' '	return 0;' '}' >"$bad"
checkpatch=$(make -s --no-print-directory print-checkpatch)
if [ -x "$checkpatch" ] && ! "$checkpatch" --no-tree --terse -f "$bad" >/dev/null 2>&1; then
	ok "checkpatch rejects a badly styled file"
else
	not_ok "checkpatch rejects a badly styled file: '$checkpatch' passed it or is missing"
fi
exit "$tests_failed"
