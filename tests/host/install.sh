#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make install puts programs, man pages, the systemd unit, the
# modprobe.d example and the bash completion where a Debian system expects
# them.

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. tests/lib.sh
plan 21
need systemd-analyze systemd

dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT

check "make install DESTDIR" make -s install DESTDIR="$dest"
for f in usr/sbin/lscd usr/sbin/lscctl usr/bin/lsc-wtp; do
	check "installed $f, executable" test -x "$dest/$f"
done
for f in usr/share/man/man8/lscd.8 usr/share/man/man8/lscctl.8 \
	 usr/share/man/man8/lsc-wtp.8 lib/systemd/system/lscd.service \
	 etc/modprobe.d/capwap-lsc.conf.example etc/capwap-lsc/lscd.conf.example; do
	check "installed $f" test -s "$dest/$f"
done
for f in etc/capwap-lsc/lscd.conf.example etc/capwap-lsc/lscd.conf; do
	check "installed $f, 0600" test "$(stat -c %a "$dest/$f")" = 600
done
# bash-completion's own directory when it is installed, else Debian's.
comp=$(pkg-config --variable=completionsdir bash-completion 2>/dev/null)
comp=$dest${comp:-/usr/share/bash-completion/completions}
check "installed bash completion for lscctl, lscd and lsc-wtp in ${comp#"$dest"}" \
	sh -c "test -s '$comp/lscctl' && test \"\$(readlink -f '$comp/lscd')\" = '$comp/lscctl' &&
	test \"\$(readlink -f '$comp/lsc-wtp')\" = '$comp/lscctl'"
check "the installed completion, loaded by the name lsc-wtp, completes lsc-wtp" \
	bash --norc --noprofile -c ". '$comp/lsc-wtp' && complete -p lsc-wtp"
check "installed lib/modprobe.d/capwap-lsc-startup.conf: applies the saved configuration with /usr/sbin/lscctl" \
	grep -q '^install capwap_lsc /sbin/modprobe --ignore-install capwap_lsc \$CMDLINE_OPTS && { /usr/sbin/lscctl config apply-saved; true; }$' \
	"$dest/lib/modprobe.d/capwap-lsc-startup.conf"
check "etc/capwap-lsc is 0700" test "$(stat -c %a "$dest/etc/capwap-lsc")" = 700
echo "ca_url = http://ca.example/scep" >"$dest/etc/capwap-lsc/lscd.conf"
make -s install DESTDIR="$dest" >/dev/null 2>&1
check "a second make install keeps the operator's lscd.conf" \
	grep -q "^ca_url = http://ca.example/scep" "$dest/etc/capwap-lsc/lscd.conf"
for m in lscd lscctl lsc-wtp; do
	check "man page $m renders without warnings" \
		sh -c "! MANWIDTH=80 man --warnings -l '$dest/usr/share/man/man8/$m.8' 2>&1 >/dev/null | grep ."
done
# --man=no: the man page is installed under DESTDIR, not on this system.
verify=$(systemd-analyze verify --man=no "$dest/lib/systemd/system/lscd.service" 2>&1 |
	grep -v '/usr/sbin/lscd')
if [ -z "$verify" ]; then
	ok "lscd.service passes systemd-analyze verify"
else
	not_ok "lscd.service: $verify"
fi

finish
