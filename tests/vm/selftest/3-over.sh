#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Reports two checks on a plan of one.
. tests/lib.sh
plan 1
ok "over: one"
ok "over: two"
