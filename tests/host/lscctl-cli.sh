#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lscctl's command line with no module at hand (this host cannot load one):
# a usage error is found before netlink is opened, so it exits 2 and says
# so once; a well-formed command that cannot reach the module exits 1, and
# with -j prints no half document.

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. tests/lib.sh
plan 23

lscctl=build/lscctl
if [ ! -x $lscctl ]; then
	not_ok "lscctl_cli: build $lscctl first"
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# What the usage errors below are told apart from: no capwap_lsc family.
$lscctl show >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc = 1 ] && grep -q "cannot reach the capwap_lsc module" "$tmp/err"; then
	ok "lscctl_cli: show with no module exits 1, saying it cannot reach it"
else
	not_ok "lscctl_cli: show with no module: exit $rc: $(tr '\n' ' ' <"$tmp/err")"
fi
$lscctl -j show aps >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc = 1 ] && [ ! -s "$tmp/out" ]; then
	ok "lscctl_cli: -j show aps with no module exits 1 and prints no JSON"
else
	not_ok "lscctl_cli: -j show aps with no module: exit $rc, stdout '$(cat "$tmp/out")'"
fi

# usage NAME PATTERN ARGS...: exit 2, and exactly one line names the
# error (PATTERN); the rest is the usage text.
usage() {
	local name=$1 pattern=$2 rc errs
	shift 2
	$lscctl "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	errs=$(grep -c '^lscctl' "$tmp/err")
	if [ $rc = 2 ] && [ "$errs" = 1 ] && grep -Eq -- "$pattern" "$tmp/err"; then
		ok "lscctl_cli: $name: exit 2, one message"
	else
		not_ok "lscctl_cli: $name: exit $rc, $errs messages: $(grep -v '^  ' "$tmp/err" | tr '\n' ' ')"
	fi
}
usage "no command" "^lscctl: no command$"
usage "unknown command" "unknown command 'frobnicate'" frobnicate
usage "unknown option" "unknown option '--frobnicate'" --frobnicate show
usage "unknown short option" "unknown option '-x'" -x show
usage "show of something unknown" "expected summary, ap-provision, aps, ap MAC, stats or trust" show frob
usage "show aps with an extra word" "'extra' after show aps" show aps extra
usage "-j show stats --prometheus" "--prometheus is a format of its own, not with -j" \
	-j show stats --prometheus
usage "show stats --prometheus with an extra word" "'extra' after show stats" \
	show stats --prometheus extra
usage "show ap without a MAC" "show ap takes one MAC" show ap
usage "show ap of something not a MAC" "'not-a-mac' is not a MAC address" show ap not-a-mac
usage "-j show ap of something not a MAC" "'00:11' is not a MAC address" -j show ap 00:11
usage "config lsc maybe" "takes enable or disable" config lsc maybe
usage "config attempts 256" "takes a number from 0 to 255" config attempts 256
usage "config subject without =" "is not FIELD=VALUE" config subject C
usage "provision-list add of a short MAC" "'00:11:22' is not a MAC address" \
	config provision-list add f8:66:f2:67:57:7e 00:11:22
usage "renew of something not a MAC" "is not a MAC address, nor all" renew not-a-mac
usage "monitor with an extra word" "monitor takes no arguments but --buffer BYTES" monitor extra
usage "monitor --buffer 10" "--buffer takes a size in bytes from 1024" monitor --buffer 10
usage "-j -p monitor" "-p does not apply: -j prints one JSON object a line" -j -p monitor
check "lscctl_cli: --help exits 0" $lscctl --help
check "lscctl_cli: -j --version exits 0" $lscctl -j --version

finish
