#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lscctl against the module: every config change shows up in "show" and
# in sysfs, bad values are refused with the kernel's reason, unprivileged
# users are told they need CAP_NET_ADMIN, and joined APs are listed.

. tests/lib.sh
plan 47

lscctl=build/lscctl
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

# expect_out NAME PATTERN COMMAND...: COMMAND succeeds and prints PATTERN.
expect_out() {
	local name=$1 pattern=$2 out
	shift 2
	if out=$("$@" 2>&1) && printf '%s\n' "$out" | grep -Eq -- "$pattern"; then
		ok "$name"
	else
		not_ok "$name: $(printf '%s' "$out" | tail -n 4 | tr '\n' ' ')"
	fi
}

# expect_fail NAME PATTERN COMMAND...: COMMAND fails and says PATTERN.
expect_fail() {
	local name=$1 pattern=$2 out
	shift 2
	if ! out=$("$@" 2>&1) && printf '%s\n' "$out" | grep -Eq -- "$pattern"; then
		ok "$name"
	else
		not_ok "$name: $(printf '%s' "$out" | tail -n 4 | tr '\n' ' ')"
	fi
}

# The module is not loaded: resolving the family loads it.
expect_out "lscctl show loads the module" "Module version +$(cat VERSION)" $lscctl show
check "module loaded by lscctl" test -d /sys/module/capwap_lsc

check "config lsc enable" $lscctl config lsc enable
check "config provision list" $lscctl config provision list
check "config subject" $lscctl config subject C=CN ST=BJ L=BJ O=Cisco OU=BN email=tls@ccie.com
check "config key rsa 3072" $lscctl config key rsa 3072
check "config validity 365" $lscctl config validity 365
check "config attempts 3" $lscctl config attempts 3
check "config provision-list add" $lscctl config provision-list add f8:66:f2:67:57:7e 0011.2233.4455
check "config provision-list del" $lscctl config provision-list del 00-11-22-33-44-55

summary=$($lscctl show summary 2>&1)
for want in "LSC enabled +Yes" "AP LSC provisioning +Enabled, provision list only" \
	"Provision list +1 entry" \
	"LSC certificate subject +C=CN, ST=BJ, L=BJ, O=Cisco, OU=BN, emailAddress=tls@ccie.com" \
	"LSC key +RSA 3072 bits" "LSC validity +365 days" \
	"Provisioning attempts +3, then fall back to MIC" "CA certificate +Not present"; do
	if printf '%s\n' "$summary" | grep -Eq -- "$want"; then
		ok "show summary: $want"
	else
		not_ok "show summary lacks '$want': $(echo $summary)"
	fi
done
check "sysfs agrees: lsc_enabled" test "$(cat /sys/kernel/capwap_lsc/lsc_enabled)" = 1
check "sysfs agrees: key_bits" test "$(cat /sys/kernel/capwap_lsc/key_bits)" = 3072
expect_out "show ap-provision lists the MAC" "f8:66:f2:67:57:7e" $lscctl show ap-provision

expect_fail "key rsa 3000 refused with the kernel's reason" "RSA 384-2048, 3072, 4096" \
	$lscctl config key rsa 3000
expect_fail "key rsa 8192 refused by the policy" "out of range" $lscctl config key rsa 8192
expect_fail "three-letter country refused" "Invalid argument" \
	$lscctl config subject C=CHN
expect_fail "bad MAC refused" "not a MAC address" $lscctl config provision-list add 00:11:22
expect_fail "unknown subject field refused" "unknown subject field" $lscctl config subject X=1
expect_fail "attempts 256 refused" "takes a number from 0 to 255" $lscctl config attempts 256
check "config provision-list flush" $lscctl config provision-list flush
expect_out "flushed list shows empty" "Provision list +Not configured" $lscctl show summary

expect_fail "unprivileged user cannot show" "^lscctl show: .*needs CAP_NET_ADMIN \(run as root\)$" \
	nobody $lscctl show
expect_fail "unprivileged user cannot list the APs" "needs CAP_NET_ADMIN \(run as root\)" \
	nobody $lscctl show aps
expect_fail "unprivileged user cannot change" "Operation not permitted.*needs CAP_NET_ADMIN \(run as root\)" \
	nobody $lscctl config lsc disable
expect_fail "unprivileged user cannot change the provision list" \
	"^lscctl config: .*needs CAP_NET_ADMIN \(run as root\)$" \
	nobody $lscctl config provision-list add f8:66:f2:67:57:7e
expect_fail "unprivileged user cannot renew" "needs CAP_NET_ADMIN \(run as root\)" nobody $lscctl renew all

# expect_status NAME STATUS COMMAND...: COMMAND exits with STATUS.
expect_status() {
	local name=$1 want=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want" ]; then
		ok "$name: exit status $rc"
	else
		not_ok "$name: exit status $rc, $want expected: $(printf '%s' "$out" | tail -n 2 | tr '\n' ' ')"
	fi
}
# 2: the command line is wrong; 1: the module refused (lscctl(8)).
expect_status "unknown command" 2 $lscctl frobnicate
expect_status "config lsc with a word it does not know" 2 $lscctl config lsc maybe
expect_status "renew with something not a MAC" 2 $lscctl renew not-a-mac
expect_status "attempts out of range" 2 $lscctl config attempts 256
expect_status "a key size the module refuses" 1 $lscctl config key rsa 3000
expect_status "a change without CAP_NET_ADMIN" 1 nobody $lscctl config lsc disable
expect_status "show without CAP_NET_ADMIN" 1 nobody $lscctl show

check "config provision off" $lscctl config provision off
lab_cleartext
checks 1 "capwap_peer mkaps" build/tools/capwap_peer mkaps 3
expect_out "show aps lists joined APs" "^3 APs: 0 LSC, [0-9]+ MIC" $lscctl show aps
mac=$($lscctl show aps | awk 'NR == 2 { print $1 }')
expect_out "show ap MAC in detail" "AP Ethernet MAC +$mac" $lscctl show ap "$mac"
expect_fail "show ap of an unknown MAC" "^lscctl show: no AP with MAC 02:00:00:00:00:01$" \
	$lscctl show ap 02:00:00:00:00:01
expect_out "show stats counts Join Requests" "join-request +[1-9]" $lscctl show stats

modprobe -r capwap_lsc
finish
