#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Crashes the guest kernel half-way: this case and every one after it
# must count as failures.
. tests/lib.sh
plan 2
ok "crash: before the crash"
echo c > /proc/sysrq-trigger
ok "crash: never reached"
