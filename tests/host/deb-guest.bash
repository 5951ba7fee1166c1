#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/host/deb.sh's VM half (tests/vm/run -- bash tests/host/deb-guest.bash
# OLD NEW): the packages built in directories OLD and NEW (a later version)
# installed, run, upgraded, removed and purged the way an operator does it
# on a controller, with nothing but the installed programs under /usr.
# The guest's root is an overlay in RAM: nothing reaches the host's.  14
# checks.

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. scripts/fleet.bash

old=$1
new=$2
kver=$(uname -r)
conf=/etc/capwap-lsc/lscd.conf
state=/var/lib/capwap-lsc
# lscctl's saved module configuration (not a conffile): what purge must take
# and remove must keep.
startup=/etc/capwap-lsc/startup.conf
fleet_guest_init
export DEBIAN_FRONTEND=noninteractive
# dpkg's and DKMS's output, kept with the VM's results (tests/vm/run's
# result directory) for a failure to be read afterwards.
log=${VM_RESULT_DIR:-$fleet_work}/deb-dpkg.log

# deb_install DEB...: one dpkg run.
deb_install() {
	echo "== $(date +%T) dpkg -i $*" >>"$log"
	dpkg -i "$@" >>"$log" 2>&1
}

dpkg_tail() {
	tail -n 4 "$log" | tr '\n' ' '
}

# dkms_module_ok VERSION: DKMS installed capwap-lsc VERSION for this kernel,
# and modprobe loads that module, from DKMS's directory.
dkms_module_ok() {
	local path
	dkms status -m capwap-lsc -v "$1" -k "$kver" 2>/dev/null | grep -q ': installed' ||
		{ echo "dkms status: $(dkms status 2>&1 | tr '\n' ' ')"; return 1; }
	modprobe capwap_lsc || { echo "modprobe capwap_lsc failed"; return 1; }
	path=$(modinfo -n capwap_lsc)
	case $path in
	/lib/modules/"$kver"/updates/dkms/capwap_lsc.ko*) ;;
	*) echo "modinfo -n: $path, not DKMS's"; return 1 ;;
	esac
	grep -q . /sys/module/capwap_lsc/initstate || { echo "not loaded"; return 1; }
}

# The harness installs the tree's own build of the module in updates/: it
# must not stand in for the one DKMS builds.
rm -f /lib/modules/"$kver"/updates/capwap_lsc.ko*
# DKMS runs depmod -a at each install and remove, and depmod reads every
# one of the kernel's 4000 modules: over 9p, in this VM, that is many
# minutes each time.  For this run the kernel's module tree holds only
# what capwap_lsc needs (its depends= line: udp_tunnel), so that depmod
# has little to read; what DKMS and modprobe do with it is unchanged.
small=$fleet_work/kernel
mkdir -p "$small/net/ipv4"
cp /lib/modules/"$kver"/kernel/net/ipv4/udp_tunnel.ko* "$small/net/ipv4/"
mount --bind "$small" /lib/modules/"$kver"/kernel
# The same for man-db's trigger, which would index every man page.
rm -f /var/lib/man-db/auto-update
# And for the headers DKMS compiles against: each of the module's files
# reads a thousand of them, looked up in a dozen directories, and every
# lookup is a round trip to the host.  They are read once, into RAM.
for h in /usr/src/linux-headers-"$kver" /usr/src/linux-headers-"${kver%-*}"-common; do
	[ -d "$h" ] || continue
	cp -a "$h" "$fleet_work/${h##*/}" && mount --bind "$fleet_work/${h##*/}" "$h"
done
# DKMS's build log, to watch a slow build from the host.
while sleep 10; do
	cp /var/lib/dkms/capwap-lsc/*/build/make.log "${log%.log}-make.log" 2>/dev/null
done &
fleet_pids+=($!)

v_old=$(dpkg-deb -f "$old"/capwap-lsc_*_amd64.deb Version)
v_new=$(dpkg-deb -f "$new"/capwap-lsc_*_amd64.deb Version)

if deb_install "$old"/capwap-lsc-dkms_*_all.deb "$old"/capwap-lsc_*_amd64.deb \
	"$old"/lsc-wtp_*_amd64.deb; then
	ok "dpkg -i capwap-lsc-dkms, capwap-lsc, lsc-wtp $v_old"
else
	not_ok "dpkg -i $v_old: $(dpkg_tail)"
fi

if out=$(dkms_module_ok "$v_old" 2>&1); then
	ok "DKMS built capwap-lsc $v_old for $kver; modprobe loads it from $(modinfo -n capwap_lsc)"
else
	not_ok "DKMS module $v_old: $out"
fi

# systemd is not PID 1 here: verify reads the unit and what it names
# (/usr/sbin/lscd, man:lscd(8)) from the installed files.
if out=$(systemd-analyze verify /lib/systemd/system/lscd.service 2>&1) && [ -z "$out" ]; then
	ok "systemd-analyze verify lscd.service: clean"
else
	not_ok "systemd-analyze verify lscd.service: $out"
fi

enabled=$(systemctl is-enabled lscd.service 2>&1)
if [ "$enabled" = disabled ] && [ ! -e /etc/systemd/system/multi-user.target.wants/lscd.service ]; then
	ok "lscd.service installed, not enabled until the operator sets ca_url"
else
	not_ok "lscd.service is-enabled: $enabled"
fi

modes=$(stat -c '%n %a' /etc/capwap-lsc $conf $state 2>&1 | tr '\n' ' ')
conffiles=$(dpkg-query -W -f='${Conffiles}' capwap-lsc | awk '{print $1}' | sort | tr '\n' ' ')
if [ "$modes" = "/etc/capwap-lsc 700 $conf 600 $state 700 " ] &&
   [ "$conffiles" = "$conf /etc/modprobe.d/capwap-lsc.conf " ]; then
	ok "conffiles lscd.conf (0600) and modprobe.d/capwap-lsc.conf; /etc/capwap-lsc, $state 0700"
else
	not_ok "modes: $modes; conffiles: $conffiles"
fi

# --- a short run: 5 APs, the real CA, the installed programs --------------

cp -r "$fleet_fx/ca" "$fleet_work/ca"
ca_start "$fleet_work/ca"
cat >>$conf <<EOF
ca_url = $fleet_ca_url
controller_cn = wlc-deb
subject_org = Example
EOF
install -m 0600 "$fleet_fx/controller.key" $state/controller.key
echo "# saved by lscctl" >$startup
# The lab's clear-text mode, set as an operator would: this run holds the
# packages; DTLS end to end is 93-lscd-dtls's and scripts/demo's.
/usr/sbin/lscctl config dtls off &&
	/usr/sbin/lscctl config subject C=CN ST=BJ L=BJ O=Example OU=Wireless &&
	/usr/sbin/lscctl config key rsa 2048 &&
	/usr/sbin/lscctl config attempts 3 &&
	/usr/sbin/lscctl config provision all &&
	/usr/sbin/lscctl config lsc enable >"$fleet_work/lscctl.log" 2>&1 ||
	echo "# lscctl config failed: $(cat "$fleet_work/lscctl.log")"

# lscd as its unit runs it: the default configuration and state directory.
/usr/sbin/lscd --foreground >"$fleet_work/lscd.log" 2>&1 &
lscd_pid=$!
fleet_pids+=("$lscd_pid")
if wait_until 120 grep -q "lscd .* started" "$fleet_work/lscd.log"; then
	ok "/usr/sbin/lscd started with $conf and $state"
else
	not_ok "lscd did not start: $(tail -n 3 "$fleet_work/lscd.log" | tr '\n' ' ')"
fi

if timeout 400 /usr/bin/lsc-wtp --ac 127.0.0.1:5246 --count 5 --keys-from "$fleet_fx/keys" \
	--state-dir "$fleet_work/aps" --json --timeout 300 \
	>"$fleet_work/fleet.json" 2>"$fleet_work/fleet.log" &&
   python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d["lsc_achieved"] != 5)' \
	"$fleet_work/fleet.json"; then
	ok "/usr/bin/lsc-wtp: 5 simulated APs hold an LSC from the CA"
else
	not_ok "lsc-wtp fleet: $(tr -d '\n' <"$fleet_work/fleet.json") $(tail -n 3 "$fleet_work/fleet.log" | tr '\n' ' ') lscd: $(tail -n 3 "$fleet_work/lscd.log" | tr '\n' ' ')"
fi
lsc=$(grep -lx LSC /sys/kernel/capwap_lsc/aps/*/cert_type 2>/dev/null | wc -l)
if [ "$lsc" = 5 ]; then
	ok "the module shows 5 APs with an LSC"
else
	not_ok "the module shows $lsc APs with an LSC"
fi

kill -TERM "$lscd_pid"
if wait "$lscd_pid"; then
	ok "lscd exits 0 on SIGTERM"
else
	not_ok "lscd exited non-zero on SIGTERM: $(tail -n 3 "$fleet_work/lscd.log" | tr '\n' ' ')"
fi
modprobe -r capwap_lsc

# What must outlive an upgrade and a remove: the operator's lscd.conf, the
# saved module configuration, and lscd's state (its key and certificate,
# the CA pin, the journal).
keep_sums() {
	(cd / && find etc/capwap-lsc var/lib/capwap-lsc -type f -print0 2>/dev/null |
		sort -z | xargs -0 -r sha256sum)
}
keep_sums >"$fleet_work/kept"
kept_files=$(wc -l <"$fleet_work/kept")

# --- upgrade ------------------------------------------------------------

# capwap-lsc and lsc-wtp, which hold the configuration: the module package
# stays (an upgrade of it is DKMS's own remove and build again, some minutes
# of compiling in this VM), and the new capwap-lsc must accept it, since
# its module is of the same VERSION.
if deb_install "$new"/capwap-lsc_*_amd64.deb "$new"/lsc-wtp_*_amd64.deb &&
   [ "$(dpkg-query -W -f='${Version}' capwap-lsc)" = "$v_new" ] &&
   [ "$(dpkg-query -W -f='${Version}' lsc-wtp)" = "$v_new" ]; then
	ok "dpkg -i capwap-lsc, lsc-wtp $v_new upgrades them from $v_old"
else
	not_ok "upgrade to $v_new: $(dpkg_tail)"
fi
if out=$(dkms_module_ok "$v_old" 2>&1) && /usr/sbin/lscctl show summary >/dev/null 2>&1; then
	ok "after the upgrade modprobe loads DKMS's module and $v_new's lscctl talks to it"
else
	not_ok "after the upgrade: $out $(/usr/sbin/lscctl show summary 2>&1 | tail -n 2 | tr '\n' ' ')"
fi
modprobe -r capwap_lsc
if keep_sums | cmp -s - "$fleet_work/kept" && grep -qx "ca_url = $fleet_ca_url" $conf &&
   [ -s $state/controller.crt ] && [ -s $startup ]; then
	ok "the upgrade keeps lscd.conf, startup.conf and lscd's state ($kept_files files, unchanged)"
else
	not_ok "the upgrade changed: $(keep_sums | diff - "$fleet_work/kept" | tr '\n' ' ')"
fi

# --- remove, then purge -------------------------------------------------

# dpkg --remove and --purge: what apt remove and apt purge run, without
# apt's package lists (the host's, read over 9p).
echo "== $(date +%T) dpkg --remove" >>"$log"
if dpkg --remove capwap-lsc lsc-wtp capwap-lsc-dkms >>"$log" 2>&1 &&
   keep_sums | cmp -s - "$fleet_work/kept" && [ ! -e /usr/sbin/lscd ]; then
	ok "dpkg --remove keeps the configuration and state ($kept_files files)"
else
	not_ok "dpkg --remove: $(dpkg_tail) $(keep_sums | diff - "$fleet_work/kept" | tr '\n' ' ')"
fi

echo "== $(date +%T) dpkg --purge" >>"$log"
dpkg --purge capwap-lsc lsc-wtp capwap-lsc-dkms >>"$log" 2>&1
echo "== $(date +%T) done" >>"$log"
# By name, so that what the scripts or DKMS might leave (systemd's state of
# the unit, DKMS's tree, a signing of the module) is found too.
left=$( (find /lib/modules -name 'capwap_lsc.ko*'
	find /etc /var/lib /usr/src /usr/share/doc /usr/share/man/man8 /usr/share/lintian/overrides \
		/usr/share/bash-completion/completions /lib/systemd/system -maxdepth 3 \
		\( -name '*capwap[-_]lsc*' -o -name 'lscd*' -o -name 'lscctl*' -o -name 'lsc-wtp*' \) \
		-print -prune
	ls -d /usr/sbin/lscd /usr/sbin/lscctl /usr/bin/lsc-wtp; dpkg-query -W -f='${db:Status-Status} ${Package}\n' \
	capwap-lsc capwap-lsc-dkms lsc-wtp 2>/dev/null | grep -v '^not-installed') 2>/dev/null)
if [ -z "$left" ]; then
	ok "dpkg --purge leaves no module under /lib/modules and nothing of ours in /etc, /var/lib, /usr"
else
	not_ok "after dpkg --purge: $(echo "$left" | tr '\n' ' ') $(dpkg_tail)"
fi
finish
