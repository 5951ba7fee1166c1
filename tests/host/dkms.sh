#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module builds through DKMS against the installed Debian headers, the
# way an operator installs it, and DKMS's record of it is removed again.

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. tests/lib.sh

version=$(cat VERSION)
kver=$(make -s --no-print-directory print-kver)
name=capwap-lsc
src=/usr/src/$name-$version

if ! command -v dkms >/dev/null; then
	not_ok "dkms build: dkms is not installed (apt-get install dkms)"
	exit 1
fi
if [ -e "$src" ] && [ ! -e "$src/.capwap-lsc-test" ]; then
	skip "dkms build: $src exists and is not ours to replace"
	exit 0
fi

cleanup() {
	dkms remove -m "$name" -v "$version" --all >/dev/null 2>&1
	rm -rf "$src"
}
trap cleanup EXIT
cleanup

make -s --no-print-directory dkms-src DKMS_SRC="$src" >/dev/null
touch "$src/.capwap-lsc-test"

check "dkms add" dkms add -m "$name" -v "$version"
check "dkms build against $kver" dkms build -m "$name" -v "$version" -k "$kver"
built=/var/lib/dkms/$name/$version/$kver/x86_64/module/capwap_lsc.ko
[ -e "$built" ] || built=$(ls /var/lib/dkms/$name/$version/$kver/*/module/capwap_lsc.ko* 2>/dev/null | head -n 1)
if [ -n "$built" ] && modinfo "$built" | grep -q "^vermagic: *$kver "; then
	ok "dkms built capwap_lsc.ko for $kver"
else
	not_ok "dkms built no capwap_lsc.ko for $kver"
fi

finish
