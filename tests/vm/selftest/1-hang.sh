#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hangs after one of its two checks, with a child that would outlive it:
# tests/vm/suite must kill both after the 5 s of its plan.
. tests/lib.sh
plan 2 5
ok "hang: the first check"
sleep 600 &
sleep 600
ok "hang: never reached"
