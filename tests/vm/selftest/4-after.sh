#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs after the others: a hang before it must not take it, and must
# leave nothing running.
. tests/lib.sh
plan 1
if pgrep -x sleep > /dev/null; then
	not_ok "after: the hung case left processes behind: $(pgrep -a -x sleep | tr '\n' ' ')"
else
	ok "after: ran, and nothing of the hung case is left"
fi
