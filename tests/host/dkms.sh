#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module builds through DKMS against the installed Debian headers, the
# way an operator installs it, and DKMS's record of it is removed again.
# The test registers a version of its own, so that a capwap-lsc the
# operator installed through DKMS is never touched.

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. tests/lib.sh
plan 3

version=$(cat VERSION)-test
kver=$(make -s --no-print-directory print-kver)
name=capwap-lsc
src=/usr/src/$name-$version

need dkms dkms

cleanup() {
	dkms remove -m "$name" -v "$version" --all >/dev/null 2>&1
	rm -rf "$src"
}
trap cleanup EXIT
cleanup

make -s --no-print-directory dkms-src DKMS_VERSION="$version" >/dev/null

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
