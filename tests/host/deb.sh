#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages: make deb builds capwap-lsc-dkms, capwap-lsc and
# lsc-wtp, lintian finds nothing that is not overridden, and a second
# build as a later version is what the VM upgrades to.  In the VM
# (tests/host/deb-guest.bash): dpkg -i, DKMS builds the module for the
# guest's kernel and modprobe loads it, systemd-analyze verify passes on
# the unit, 5 simulated APs get an LSC from a real CA through the
# installed programs alone, the upgrade keeps the configuration and state,
# remove keeps them, purge leaves nothing of ours.  The VM compiles the
# module and reads dpkg's database over 9p: at a load of 8 on two cores
# the VM half took 30 minutes (headers copied 9, DKMS build 9, each dpkg
# run 1 to 2), so it runs only with DEB_VM=1 (make check-deb).

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. tests/lib.sh
plan 17 3000

need dpkg-buildpackage dpkg-dev
need dh debhelper
need dh_dkms dh-dkms
need lintian lintian
need scepserver scep
. scripts/fleet.bash

scratch=$(mktemp -d /tmp/capwap-deb.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
version=$(cat VERSION)
# Later than any build of VERSION: what an upgrade finds.
bumped=$version+upgrade1

if make -s deb DEB_DIR="$scratch/old" >"$scratch/old.log" 2>&1 &&
   [ -s "$scratch/old/capwap-lsc-dkms_${version}_all.deb" ] &&
   [ -s "$scratch/old/capwap-lsc_${version}_amd64.deb" ] &&
   [ -s "$scratch/old/lsc-wtp_${version}_amd64.deb" ]; then
	ok "make deb: capwap-lsc-dkms, capwap-lsc, lsc-wtp $version"
else
	not_ok "make deb: $(tail -n 5 "$scratch/old.log" | tr '\n' ' ')"
fi

# Every tag lintian reports, info included, must be fixed or overridden
# (debian/*.lintian-overrides, each with its reason).
findings=$(lintian -I "$scratch/old/capwap-lsc_${version}_amd64.changes" 2>&1 |
	grep -v '^running with root privileges')
if [ -z "$findings" ]; then
	ok "lintian -I: no error, warning or info that is not overridden"
else
	not_ok "lintian: $(printf '%s' "$findings" | head -n 8 | tr '\n' ' ')"
fi

if make -s deb DEB_DIR="$scratch/new" DEB_VERSION="$bumped" >"$scratch/new.log" 2>&1 &&
   [ "$(dpkg-deb -f "$scratch/new/capwap-lsc_${bumped}_amd64.deb" Version)" = "$bumped" ]; then
	ok "make deb DEB_VERSION=$bumped"
else
	not_ok "make deb DEB_VERSION=$bumped: $(tail -n 5 "$scratch/new.log" | tr '\n' ' ')"
fi

# The VM half compiles the module under TCG: 10 minutes on a quiet
# machine, 30 under load, too long for make check's budget.  make
# check-deb (DEB_VM=1) runs it; make check says it did not.
if [ "${DEB_VM:-0}" = 1 ]; then
	# The CA and the keys, made on the host (RSA is slow in the VM).
	if ! fleet_fixtures 5 >"$scratch/fixtures.log" 2>&1; then
		not_ok "fixtures: $(tail -n 3 "$scratch/fixtures.log" | tr '\n' ' ')"
		exit 1
	fi
	checks 14 "deb in the VM" env VM_TIMEOUT=2700 VM_OUT="$scratch/vm" \
		tests/vm/run -- bash tests/host/deb-guest.bash "$scratch/old" "$scratch/new"
else
	for i in $(seq 14); do
		skip "deb in the VM, check $i of 14: not run by make check (DKMS compiles the module under TCG, 10 to 30 minutes); make check-deb runs it"
	done
fi

finish
