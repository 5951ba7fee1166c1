#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run by build/tools/dtls_relay_peer (DTLS_PEER_HOOK) while its AP
# $DTLS_AP_MAC is in Run over DTLS, with the AP's certificate in the PEM
# file $DTLS_PEER_CERT: what the module shows of the AP's DTLS session
# must be what openssl reads in that certificate (3 checks).

. tests/lib.sh

mac=$DTLS_AP_MAC
cert=$DTLS_PEER_CERT
suite=ECDHE-ECDSA-AES128-GCM-SHA256
dir=/sys/kernel/capwap_lsc/aps/$mac
# One openssl run (each costs seconds in a busy guest): three lines.
openssl x509 -in "$cert" -noout -subject -issuer -fingerprint -sha256 \
	-nameopt RFC2253 >"$cert.txt" 2>&1
subject=$(sed -n 's/^subject=//p' "$cert.txt")
issuer=$(sed -n 's/^issuer=//p' "$cert.txt")
fp=$(sed -n 's/^sha256 Fingerprint=//p' "$cert.txt" | tr -d ':' | tr 'A-F' 'a-f')

# The files appear from a work item once the session is over DTLS.
wait_until 30 test -r "$dir/dtls_fingerprint"
got="$(cat "$dir/dtls" "$dir/dtls_suite" "$dir/cert_type" "$dir/dtls_subject" \
	"$dir/dtls_issuer" "$dir/dtls_fingerprint" 2>&1 | tr '\n' '|')"
want="dtls|$suite|LSC|$subject|$issuer|$fp|"
if [ -n "$subject" ] && [ -n "$fp" ] && [ "$got" = "$want" ]; then
	ok "sysfs aps/$mac: dtls, suite, cert_type, subject, issuer and SHA-256 are openssl's reading of the AP's certificate"
else
	not_ok "sysfs aps/$mac: '$got', openssl: '$want'"
fi

build/lscctl -j show ap "$mac" >"$cert.json" 2>&1
# Both JSON checks in one python3 run.
python3 - "$cert.json" "$suite" "$subject" "$issuer" "$fp" <<'EOF'
import json, sys
try:
    ap = json.load(open(sys.argv[1]))
except Exception as e:
    ap = {"dtls": {}, "history": [], "error": repr(e)}
d = ap.get("dtls", {})
want = {"state": "dtls", "suite": sys.argv[2], "cert_type": "LSC",
        "subject": sys.argv[3], "issuer": sys.argv[4],
        "fingerprint_sha256": sys.argv[5], "suite_id": "0xc02b"}
bad = {k: (d.get(k), v) for k, v in want.items() if d.get(k) != v}
if bad or not sys.argv[3] or not sys.argv[5]:
    print("not ok lscctl -j show ap: DTLS fields (shown, openssl's): %r" % bad)
else:
    print("ok lscctl -j show ap: the DTLS state, suite, peer certificate type, subject, issuer and SHA-256 are openssl's")
j = [e for e in ap.get("history", []) if e.get("event") == "join"]
if j and j[-1].get("address") == "127.0.0.1" and j[-1].get("authenticated") is True:
    print("ok the AP's history: its Join came from 127.0.0.1 inside an authenticated DTLS session")
else:
    print("not ok the AP's history: joins %r" % j)
EOF
exit 0
