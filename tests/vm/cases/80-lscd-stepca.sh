#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lscd with a two-tier CA, step-ca (built on the host by
# tests/peers/step-ca/build): GetCACert returns only the intermediate, the
# root comes from ca_root.  The module and the AP get the whole chain, so
# an lsc-wtp AP installs its LSC, verifies it up to the root, and rejoins
# with it.  RSA keys only: this kernel has no ECDSA verifier.
#
# No ca_fingerprint is configured: lscd trusts the first CA on first use
# (state/ca.pin).  Restarted against another CA (scepserver) at a new URL,
# it refuses it, naming both fingerprints, until "lscd ca accept".
#
# In between, a crash right after step-ca answered and before lscd
# journaled the certificate (LSCD_TEST_EXIT_AFTER=answered; the journal
# says "sent"): the restarted lscd asks first with CertPoll under the same
# transactionID, but step-ca keeps no transactions (its CertPoll is "not
# implemented"), so lscd sends the request again: step-ca issues two
# certificates for the request, the first never delivered.  Counted from
# step-ca's own request log: PKIOperations it answered with HTTP 200.

. tests/lib.sh
plan 9
. tests/vm/cases/lscd-lib.bash

STEPCA=build/step-ca
[ -x "$STEPCA" ] || { not_ok "lscd_stepca: $STEPCA missing (tests/peers/step-ca/build on the host)"; exit 1; }
lscd_setup lscd_stepca --attempts 3 --bits 2048

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/root.key" -out "$tmp/root.crt" \
	-days 30 -subj "/O=capwap-lsc tests/CN=step root" \
	-addext "basicConstraints=critical,CA:TRUE" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null &&
openssl req -new -newkey rsa:2048 -nodes -keyout "$tmp/int.key" -out "$tmp/int.csr" \
	-subj "/O=capwap-lsc tests/CN=step intermediate" 2>/dev/null &&
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign,digitalSignature,keyEncipherment\n' \
	>"$tmp/int.ext" &&
openssl x509 -req -in "$tmp/int.csr" -CA "$tmp/root.crt" -CAkey "$tmp/root.key" \
	-CAcreateserial -days 30 -extfile "$tmp/int.ext" -out "$tmp/int.crt" 2>/dev/null ||
	{ not_ok "lscd_stepca: openssl cannot make the two-tier CA"; exit 1; }
cat >"$tmp/ca.json" <<JSON
{
	"root": "$tmp/root.crt", "crt": "$tmp/int.crt", "key": "$tmp/int.key",
	"address": "127.0.0.1:9443", "insecureAddress": "127.0.0.1:9080",
	"dnsNames": ["127.0.0.1"],
	"db": { "type": "badgerv2", "dataSource": "$tmp/db" },
	"logger": { "format": "text" },
	"authority": { "provisioners": [
		{ "type": "SCEP", "name": "scep", "challenge": "sekrit", "forceCN": true } ] }
}
JSON
HOME=$tmp $STEPCA "$tmp/ca.json" >"$tmp/step-ca.log" 2>&1 &
pids+=($!)
URL=http://127.0.0.1:9080/scep/scep
wait_until 60 curl -sf "$URL?operation=GetCACaps" ||
	{ not_ok "lscd_stepca: step-ca did not start: $(tail -n 3 "$tmp/step-ca.log")"; exit 1; }
if ! lscd_start --url "$URL" --challenge sekrit --set ca_root="$tmp/root.crt"; then
	not_ok "lscd_stepca: lscd did not start: $(lscd_tail)"
	exit 1
fi
if wait_until 120 grep -q "chain of 2 up to the root" "$tmp/lscd.log"; then
	ok "lscd_stepca: lscd took the intermediate with the root from ca_root (chain of 2)"
else
	not_ok "lscd_stepca: no chain of 2: $(lscd_tail)"
fi
mac=02:4c:53:76:00:01
d="$tmp/ap-${mac//:/}"
ap_run "$mac" AP3G1 --timeout 300
if wait "${ap_pids[0]}" && [ "$(ap_attr "$mac" cert_type)" = LSC ]; then
	ok "lscd_stepca: the AP installed its LSC and rejoined with it"
else
	not_ok "lscd_stepca: AP: $(ap_log "$mac") state $(ap_attr "$mac" state) / $(lscd_tail)"
fi
if openssl verify -CAfile "$tmp/root.crt" -untrusted "$tmp/int.crt" "$d/lsc.crt" >/dev/null 2>&1 &&
	! grep -q "no root among" "$tmp/ap-${mac//:/}.log"; then
	ok "lscd_stepca: the AP's LSC verifies up to the root"
else
	not_ok "lscd_stepca: verify: $(ls "$d" | tr '\n' ' ') $(ap_log "$mac")"
fi
intfp=$(openssl x509 -in "$tmp/int.crt" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' |
	tr A-F a-f)
if [ "$(cat "$tmp/state/ca.pin" 2>/dev/null)" = "$intfp" ] &&
	[ "$(stat -c %a "$tmp/state/ca.pin")" = 600 ] &&
	grep -q "trusted on first use: fingerprint (SHA-256) $intfp" "$tmp/lscd.log"; then
	ok "lscd_stepca: the intermediate trusted on first use, recorded 0600 in ca.pin and logged"
else
	not_ok "lscd_stepca: ca.pin '$(cat "$tmp/state/ca.pin" 2>&1)' / $(grep -m1 'first use' "$tmp/lscd.log")"
fi
lscd_stop_ok lscd_stepca

stepca_answered() {
	grep -c 'method=POST .*operation=PKIOperation.* status=200 ' "$tmp/step-ca.log"
}
mac=02:4c:53:76:00:02
n0=$(stepca_answered)
# renew_days=0: step-ca's certificates live 24 hours, and a controller
# renewal at each start would blur the count.
LSCD_TEST_EXIT_AFTER=answered lscd_start --url "$URL" --challenge sekrit \
	--set ca_root="$tmp/root.crt" --set renew_days=0 ||
	{ not_ok "lscd_stepca: lscd did not start: $(lscd_tail)"; exit 1; }
ap_run "$mac" AP3G1 --timeout 400
if wait_until 240 sh -c "! kill -0 $lscd_pid 2>/dev/null"; then
	wait "$lscd_pid" 2>/dev/null
	lscd_pid=
	lscd_start --url "$URL" --challenge sekrit --set ca_root="$tmp/root.crt" \
		--set renew_days=0 ||
		{ not_ok "lscd_stepca: lscd did not restart: $(lscd_tail)"; exit 1; }
	if wait "${ap_pids[-1]}" && [ "$(ap_attr "$mac" cert_type)" = LSC ] &&
		grep -q "AP $mac request [0-9]*: resuming from the journal, state sent" "$tmp/lscd.log" &&
		grep -q "AP $mac request [0-9]*: the CA does not answer CertPoll" "$tmp/lscd.log"; then
		ok "lscd_stepca: crash after the CA answered: lscd polled, step-ca refused, lscd sent again; the AP holds its LSC"
	else
		not_ok "lscd_stepca: crash after the CA answered: $(ap_log "$mac") / $(lscd_tail 4)"
	fi
else
	not_ok "lscd_stepca: lscd did not reach the crash point: $(lscd_tail 3)"
	lscd_stop
fi
n=$(( $(stepca_answered) - n0 ))
echo "# lscd_stepca: crash after the CA answered: step-ca issued $n certificate(s) for the request"
if [ "$n" = 2 ]; then
	ok "lscd_stepca: crash after the CA answered: step-ca issued 2 certificates (it keeps no transactions)"
else
	not_ok "lscd_stepca: crash after the CA answered: step-ca answered $n PKIOperation(s) with 200, not 2"
fi
lscd_stop

# Another CA: refused until accepted with one command.
ca_serve ca 8080 -allowrenew 0 || { not_ok "lscd_stepca: scepserver did not start"; exit 1; }
cafp=$(openssl x509 -in "$tmp/ca/ca.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
cafp_lc=$(printf '%s' "$cafp" | sed 's/://g' | tr A-F a-f)
lscd_start --url http://127.0.0.1:8080/scep --set ca_retry_interval=1 ||
	{ not_ok "lscd_stepca: lscd did not restart: $(lscd_tail)"; exit 1; }
if wait_until 60 grep -q "refused: its certificate's fingerprint $cafp_lc is not the trusted $intfp (ca.pin).*lscd ca accept $cafp_lc" "$tmp/lscd.log" &&
	! grep -q "CA http://127.0.0.1:8080/scep: certificates fetched" "$tmp/lscd.log"; then
	build/lscd ca accept --config /dev/null --state-dir "$tmp/state" "$cafp" >"$tmp/accept.out" 2>&1
	if wait_until 60 grep -q "CA http://127.0.0.1:8080/scep: certificates fetched, fingerprint (SHA-256) $cafp_lc" "$tmp/lscd.log"; then
		ok "lscd_stepca: another CA refused with both fingerprints, taken after 'lscd ca accept' (colons, upper case)"
	else
		not_ok "lscd_stepca: after accept: $(cat "$tmp/accept.out") $(lscd_tail)"
	fi
else
	not_ok "lscd_stepca: another CA not refused clearly: $(lscd_tail)"
fi
lscd_stop_ok lscd_stepca_swap
finish
