#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lscd as a daemon, on what the other lscd cases leave out:
#   - requests lscd refuses before any CA sees them: a CSR whose signature
#     does not verify, one with another AP's CN, one whose key is below
#     the module's policy; capwap_peer plays the AP (no real AP sends such
#     requests), which is told why, and the CA issues nothing
#   - lscctl renew all: every AP with an LSC gets a new one
#   - a renewal the operator starts again while the first is PENDING at
#     the CA: the AP asks again with the same key, lscd gives the PENDING
#     transaction to the new request, and the AP gets that certificate
#   - accept_backlog = 1: while lscd holds one request, the next waits in
#     the kernel; max_concurrent = 2: two requests at the CA at once (a
#     front, tests/peers/scep-pending.py --hold, keeps each a while and
#     counts them)

. tests/lib.sh
plan 20 900
. tests/vm/cases/lscd-lib.bash

peer=build/tools/capwap_peer
lscd_setup lscd_daemon --attempts 3
ca_serve ca 8080 -allowrenew 0 || { not_ok "lscd_daemon: scepserver did not start"; exit 1; }
lscd_start --url http://127.0.0.1:8080/scep ||
	{ not_ok "lscd_daemon: lscd did not start: $(lscd_tail)"; exit 1; }
wait_until 120 test -s "$tmp/state/controller.crt" ||
	{ not_ok "lscd_daemon: the controller got no LSC: $(lscd_tail)"; exit 1; }

# --- requests refused by lscd --------------------------------------------
# capwap_peer's AP N has MAC 02:ca:<N, 32 bits> and model AIR-LAP1262N-A-K9.
mac_of() { printf '02:ca:%02x:%02x:%02x:%02x' $(($1 >> 24 & 255)) $(($1 >> 16 & 255)) \
	$(($1 >> 8 & 255)) $(($1 & 255)); }
cn_of() { printf 'CAIR-LAP1262N-A-K9-02ca%08x' "$1"; }
mkcsr() { openssl req -new -key "$1" -subj "/CN=$2" -outform DER -out "$3" 2>/dev/null; }

openssl genrsa -out "$tmp/small.key" 768 2>/dev/null
mkcsr "$fx/controller.key" "$(cn_of 0x9001)" "$tmp/badsig.der"
# The last byte of the DER is the signature's: flip it.
size=$(stat -c %s "$tmp/badsig.der")
last=$(tail -c 1 "$tmp/badsig.der" | od -An -tu1 | tr -d ' ')
printf "\\$(printf %o $((last ^ 255)))" |
	dd of="$tmp/badsig.der" bs=1 seek=$((size - 1)) conv=notrunc 2>/dev/null
mkcsr "$fx/controller.key" "$(cn_of 0x9999)" "$tmp/wrongcn.der"
mkcsr "$tmp/small.key" "$(cn_of 0x9003)" "$tmp/small.der"

# refused INDEX CSR WHY: the AP sends CSR; lscd refuses it with WHY.
refused() {
	local mac
	mac=$(mac_of "$1")
	checks 1 "capwap_peer apcsr ${2##*/}" $peer apcsr "$1" "$2"
	if [[ "$(ap_attr "$mac" last_error)" == *"$3"* ]] &&
		grep -qF "AP $mac request" "$tmp/lscd.log" &&
		grep "AP $mac request" "$tmp/lscd.log" | grep -qF "refused: $3"; then
		ok "lscd_daemon: lscd refuses ${2##*/}: '$3', in the AP's record"
	else
		not_ok "lscd_daemon: ${2##*/}: record '$(ap_attr "$mac" last_error)', log: $(grep "AP $mac" "$tmp/lscd.log" | tail -n 2 | tr '\n' ' ')"
	fi
}
refused 0x9001 "$tmp/badsig.der" "the CSR's signature does not verify"
refused 0x9002 "$tmp/wrongcn.der" "the CSR's CN is not $(cn_of 0x9002)"
refused 0x9003 "$tmp/small.der" "the CSR's key has 768 bits, the module's policy wants 1024"
if [ "$(certs_issued ca)" = 1 ]; then
	ok "lscd_daemon: the CA issued nothing for the refused requests (only the controller's)"
else
	not_ok "lscd_daemon: the CA issued $(certs_issued ca) certificates, 1 expected"
fi

# --- lscctl renew all ----------------------------------------------------
macs="02:4c:53:90:00:01 02:4c:53:90:00:02"
for m in $macs; do
	ap_run "$m" AP3G1 --daemon
done
serial_of() { openssl x509 -in "$tmp/ap-${1//:/}/lsc.crt" -noout -serial 2>/dev/null; }
all_lsc() {
	local m
	for m in $macs; do
		[ "$(ap_attr "$m" cert_type)" = LSC ] && [ -n "$(serial_of "$m")" ] || return 1
	done
}
# renewed WAS: every AP's LSC differs from its serial in WAS ("MAC=SERIAL
# ..."), verifies against the CA, and the module shows it installed.
renewed() {
	local m
	for m in $macs; do
		[[ " $1 " != *" $m=$(serial_of "$m") "* ]] &&
			openssl verify -CAfile "$tmp/ca/ca.pem" "$tmp/ap-${m//:/}/lsc.crt" &&
			[ "$(ap_attr "$m" state)" = installed ] || return 1
	done
}
serials() {
	local m
	for m in $macs; do
		printf '%s=%s ' "$m" "$(serial_of "$m")"
	done
}
if wait_until 300 all_lsc; then
	ok "lscd_daemon: two APs hold an LSC"
else
	not_ok "lscd_daemon: APs without LSC: $(ap_log 02:4c:53:90:00:01) / $(lscd_tail 3)"
fi
was=$(serials)
if build/lscctl renew all >"$tmp/renew.out" 2>&1 && wait_until 300 renewed "$was"; then
	ok "lscd_daemon: lscctl renew all: each AP installed a new LSC from the CA"
else
	not_ok "lscd_daemon: renew all: $(cat "$tmp/renew.out") was $was, now $(serials): $(lscd_tail 3)"
fi

# --- a renewal started again while the first is PENDING --------------------
# front PORT ARGS...: scep-pending.py in front of the CA.
front() {
	local port=$1
	shift
	python3 tests/peers/scep-pending.py --port "$port" --upstream http://127.0.0.1:8080/scep \
		--ca-cert "$tmp/ca/ca.pem" --ca-key "$tmp/ca/ca.key" "$@" >"$tmp/front-$port.log" 2>&1 &
	pids+=($!)
	wait_until 120 curl -sf "http://127.0.0.1:$port/scep?operation=GetCACaps"
}
front 8090 --pending 3 && front 8091 --pending 0 --hold 15 ||
	{ not_ok "lscd_daemon: scep-pending.py did not start: $(tail -n 3 "$tmp"/front-*.log)"; exit 1; }
lscd_stop_ok "lscd_daemon: before the restart"
lscd_start --url http://127.0.0.1:8090/scep --set poll_initial=1 --set poll_factor=1 ||
	{ not_ok "lscd_daemon: lscd did not restart: $(lscd_tail)"; exit 1; }
mac=${macs%% *}
pendings() { grep -c "AP $mac request [0-9]*: the CA left transactionID .* PENDING" "$tmp/lscd.log"; }
n0=$(pendings)
was=$(serials)
build/lscctl renew "$mac"
if wait_until 120 sh -c "[ \$(grep -c 'AP $mac request [0-9]*: the CA left transactionID .* PENDING' '$tmp/lscd.log') -gt $n0 ]"; then
	first=$(grep "AP $mac request [0-9]*: the CA left" "$tmp/lscd.log" | tail -n 1 |
		sed 's/.*AP [^ ]* request \([0-9]*\):.*/\1/')
	build/lscctl renew "$mac"
	# The AP asks again with the key of its unanswered request: lscd gives
	# the request still PENDING at the CA to the new one, and enrolls
	# nothing twice.
	if wait_until 120 grep -q "AP $mac request [0-9]*: same key and subject as request $first, still with the CA" "$tmp/lscd.log"; then
		ok "lscd_daemon: the second renew takes over the first's PENDING transaction"
	else
		not_ok "lscd_daemon: request $first after the second renew: $(grep "request $first" "$tmp/lscd.log" | tail -n 2 | tr '\n' ' ')"
	fi
else
	not_ok "lscd_daemon: the renewal never went PENDING: $(lscd_tail 3)"
fi
one_renewed() {
	[[ " $was " != *" $mac=$(serial_of "$mac") "* ]] &&
		openssl verify -CAfile "$tmp/ca/ca.pem" "$tmp/ap-${mac//:/}/lsc.crt" &&
		[ "$(ap_attr "$mac" state)" = installed ]
}
if wait_until 300 one_renewed; then
	ok "lscd_daemon: the AP installed the LSC of its second request"
else
	not_ok "lscd_daemon: after the second renew: $(ap_log "$mac") / $(lscd_tail 3)"
fi

# --- accept_backlog and max_concurrent -------------------------------------
# held N: the front has logged N requests held at once.
held() { grep -aq "in flight $1" "$tmp/front-8091.log"; }
# states A B: one AP of two is in state A and the other in B.
states() {
	local s
	s=$(for m in $macs; do ap_attr "$m" state; done | sort | tr '\n' ' ')
	[ "$s" = "$(printf '%s\n' "$1" "$2" | sort | tr '\n' ' ')" ]
}
backlog_shows() { held 1 && states enrolling csr-received; }
lscd_stop_ok lscd_daemon
lscd_start --url http://127.0.0.1:8091/scep --set max_concurrent=2 --set accept_backlog=1 ||
	{ not_ok "lscd_daemon: lscd did not restart: $(lscd_tail)"; exit 1; }
was=$(serials)
build/lscctl renew all
if wait_until 120 backlog_shows; then
	ok "lscd_daemon: accept_backlog = 1: lscd holds one request, the other waits in the kernel"
else
	not_ok "lscd_daemon: accept_backlog = 1: states $(for m in $macs; do ap_attr "$m" state; done | tr '\n' ' '): $(lscd_tail 3)"
fi
if wait_until 300 renewed "$was" && ! held 2; then
	ok "lscd_daemon: accept_backlog = 1: both renewed, never two at the CA at once"
else
	not_ok "lscd_daemon: accept_backlog = 1: was $was, now $(serials); front: $(grep -a 'in flight' "$tmp/front-8091.log" | sort -u | tr '\n' ' ')"
fi
lscd_stop_ok lscd_daemon
: >"$tmp/front-8091.log"
lscd_start --url http://127.0.0.1:8091/scep --set max_concurrent=2 ||
	{ not_ok "lscd_daemon: lscd did not restart: $(lscd_tail)"; exit 1; }
was=$(serials)
build/lscctl renew all
if wait_until 120 held 2; then
	ok "lscd_daemon: max_concurrent = 2: two requests at the CA at once"
else
	not_ok "lscd_daemon: max_concurrent = 2: front saw $(grep -a 'in flight' "$tmp/front-8091.log" | sort -u | tr '\n' ' ')"
fi
if wait_until 300 renewed "$was"; then
	ok "lscd_daemon: max_concurrent = 2: both APs installed their new LSC"
else
	not_ok "lscd_daemon: max_concurrent = 2: was $was, now $(serials): $(lscd_tail 3)"
fi
lscd_stop_ok lscd_daemon
if journal_empty; then
	ok "lscd_daemon: journal empty at the end"
else
	not_ok "lscd_daemon: journal left: $(ls -A "$tmp/state/journal" 2>&1 | tr '\n' ' ')"
fi
finish
