#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lscd's SCEP client against Debian's real SCEP CA (micromdm scepserver).
#
#   network namespace "ns" (loopback only; scepserver binds every address)
#   +--------------------------------------------------------------------+
#   |  build/lscd ---> :8080 scepserver, RSA-2048 CA, -challenge sekrit   |
#   |            ---> :8081 scepserver, RSA-4096 CA, -allowrenew 0        |
#   |            ---> :8082 scepserver, RSA-2048 CA, -csrverifierexec     |
#   |                       refuse.sh (always exit 1)                    |
#   |            ---> :8091 scep-pending.py (PENDING x3) ---> :8081       |
#   |            ---> :8092 scep-pending.py (PENDING forever) ---> :8081  |
#   |            ---> :8093 scep-pending.py, killed while PENDING         |
#   |            ---> :8443 scep-pending.py as an HTTPS relay ---> :8081  |
#   |            ---> :8099 nothing (the CA is down)                     |
#   +--------------------------------------------------------------------+
#
# Every case enrolls fresh CNs: scepserver refuses a CN that already holds
# a valid certificate.  Enrollments run one at a time, as scepserver's
# file depot hands out duplicate serials under concurrent enrollments.

set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. tests/lib.sh
plan 30

LSCD=$PWD/build/lscd
PEER=$PWD/tests/peers/scep-pending.py

need scepserver scep
[ -x "$LSCD" ] || { not_ok "scep: $LSCD is not built (make userspace)"; exit 1; }
[ "$(id -u)" = 0 ] || { not_ok "scep: network namespaces need root"; exit 1; }

netns_scratch scep
# lscd enroll keeps its self-signed signer there between runs.
export XDG_CACHE_HOME=$W/cache

# serve NAME PORT ARGS...: scepserver on its own depot, inside the namespace.
serve() {
	local name=$1 port=$2
	shift 2
	# nsenter itself in the background (not a shell function), so that $!
	# is the server's own PID once nsenter has exec'd it.
	nsenter --net="$W/ns" scepserver -depot "$W/$name" -port "$port" "$@" \
		>"$W/$name.log" 2>&1 &
	pids+=($!)
	wait_until 10 in_ns curl -sf "http://127.0.0.1:$port/scep?operation=GetCACaps"
}

# Key generation dominates the set-up: run it all at once.
scepserver ca -init -keySize 2048 -depot "$W/ca2048" >/dev/null 2>&1 &
scepserver ca -init -keySize 4096 -depot "$W/ca4096" >/dev/null 2>&1 &
scepserver ca -init -keySize 2048 -depot "$W/careject" >/dev/null 2>&1 &
# AP keys: RSA keygen is slow here, so a few keys serve many CNs.
for k in 1 2 3; do
	openssl genrsa -out "$W/k$k.pem" 2048 2>/dev/null &
done
wait
printf '#!/bin/sh\ncat >/dev/null\nexit 1\n' >"$W/refuse.sh"
chmod +x "$W/refuse.sh"

serve ca2048 8080 -challenge sekrit &&
serve ca4096 8081 -allowrenew 0 &&
serve careject 8082 -csrverifierexec "$W/refuse.sh" ||
	{ not_ok "scep_setup: scepserver did not come up: $(tail -n 3 "$W"/*.log)"; exit 1; }
for spec in "8091 3" "8092 1000000"; do
	set -- $spec
	nsenter --net="$W/ns" python3 "$PEER" --port "$1" --upstream http://127.0.0.1:8081/scep \
		--ca-cert "$W/ca4096/ca.pem" --ca-key "$W/ca4096/ca.key" --pending "$2" \
		>"$W/pending-$1.log" 2>&1 &
	pids+=($!)
	wait_until 10 in_ns curl -sf "http://127.0.0.1:$1/scep?operation=GetCACaps" ||
		{ not_ok "scep_setup: scep-pending.py did not come up"; exit 1; }
done

URL2048=http://127.0.0.1:8080/scep
URL4096=http://127.0.0.1:8081/scep

# csr NAME KEY CN [CHALLENGE]: a PEM PKCS#10 at $W/NAME.csr
csr() {
	local cfg=$W/$1.cnf
	printf '[req]\nprompt = no\ndistinguished_name = dn\n' >"$cfg"
	[ -n "${4:-}" ] && printf 'attributes = attrs\n' >>"$cfg"
	printf '[dn]\nCN = %s\nO = capwap-lsc test\n' "$3" >>"$cfg"
	[ -n "${4:-}" ] && printf '[attrs]\nchallengePassword = %s\n' "$4" >>"$cfg"
	openssl req -new -key "$W/$2.pem" -config "$cfg" -out "$W/$1.csr"
}

# lscd_run NAME ARGS...: runs lscd in the namespace; output in $W/NAME.{out,err}
lscd_run() {
	local name=$1
	shift
	in_ns "$LSCD" "$@" >"$W/$name.out" 2>"$W/$name.err"
}

# cert_ok CRT CSR CAFILE: issued cert verifies, same key and subject as CSR.
cert_ok() {
	[ -s "$1" ] || { echo "no certificate $1"; return 1; }
	openssl verify -CAfile "$3" "$1" >/dev/null || { echo "openssl verify failed"; return 1; }
	[ "$(openssl x509 -in "$1" -noout -pubkey)" = "$(openssl req -in "$2" -noout -pubkey)" ] ||
		{ echo "public key differs"; return 1; }
	# scepserver writes the RDNs in its own order (O before CN): compare sets.
	[ "$(openssl x509 -in "$1" -noout -subject -nameopt sep_multiline | sort)" = \
		"$(openssl req -in "$2" -noout -subject -nameopt sep_multiline | sort)" ] ||
		{ echo "subject differs"; return 1; }
}

fail_why() { tail -n 2 "$W/$1.err" | tr '\n' ' '; }

fp2048=$(openssl x509 -in "$W/ca2048/ca.pem" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' |
	tr A-F a-f)
# The same fingerprint as openssl prints it: upper case, with colons.
fp2048colons=$(openssl x509 -in "$W/ca2048/ca.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
fp4096=$(openssl x509 -in "$W/ca4096/ca.pem" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' |
	tr A-F a-f)

# --- getca ---------------------------------------------------------------
if lscd_run getca getca --url "$URL2048" &&
	grep -q "^Capabilities: .*POSTPKIOperation" "$W/getca.out" &&
	grep -q "^CA fingerprint (SHA-256): $fp2048\$" "$W/getca.out" &&
	grep -q "key usage:   keyCertSign,cRLSign" "$W/getca.out"; then
	ok "scep_getca_caps_and_fingerprint"
else
	not_ok "scep_getca_caps_and_fingerprint: $(fail_why getca) $(head -n 3 "$W/getca.out" | tr '\n' ' ')"
fi

mkdir -p "$W/getca-out"
if lscd_run getca_pin getca --url "$URL2048" --fingerprint "$fp2048" --out "$W/getca-out" &&
	grep -q "matches the pinned one" "$W/getca_pin.out" &&
	cmp -s <(openssl x509 -in "$W/getca-out/ca.pem" -outform DER) \
		<(openssl x509 -in "$W/ca2048/ca.pem" -outform DER); then
	ok "scep_getca_pin_right_writes_ca_pem"
else
	not_ok "scep_getca_pin_right_writes_ca_pem: $(fail_why getca_pin)"
fi

wrong=$(printf '%s' "$fp2048" | tr 0-9a-f 1-9a-f0)
if ! lscd_run getca_pinbad getca --url "$URL2048" --fingerprint "$wrong" &&
	grep -q "does not match the pinned" "$W/getca_pinbad.err"; then
	ok "scep_getca_pin_wrong_refused"
else
	not_ok "scep_getca_pin_wrong_refused: accepted or no clear message: $(fail_why getca_pinbad)"
fi

csr pinned k1 AP-pinned sekrit
mkdir -p "$W/o-pinbad"
if ! lscd_run enroll_pinbad enroll --url "$URL2048" --fingerprint "$wrong" \
	--csr "$W/pinned.csr" --out "$W/o-pinbad" && [ ! -e "$W/o-pinbad/pinned.crt" ]; then
	ok "scep_enroll_pin_wrong_refused"
else
	not_ok "scep_enroll_pin_wrong_refused: enrolled with a wrong CA pin"
fi

# Whoever answers GetCACert must not choose the CA: no pin, no enrollment.
csr nopin k1 AP-no-pin sekrit
mkdir -p "$W/o-nopin"
lscd_run nopin enroll --url "$URL2048" --challenge sekrit --csr "$W/nopin.csr" --out "$W/o-nopin"
rc=$?
if [ "$rc" = 2 ] && [ ! -e "$W/o-nopin/nopin.crt" ] &&
	grep -q "^CA fingerprint (SHA-256): $fp2048\$" "$W/nopin.out" &&
	grep -q "not enrolling with a CA nobody pinned.*--fingerprint $fp2048" "$W/nopin.err"; then
	ok "scep_enroll_without_pin_refused_exit_2"
else
	not_ok "scep_enroll_without_pin_refused_exit_2: rc=$rc $(fail_why nopin)"
fi

# --- enrollment ----------------------------------------------------------
csr ap2048 k1 AP3G1-f866f267577e sekrit
mkdir -p "$W/o2048"
if lscd_run enroll2048 enroll --url "$URL2048" --fingerprint "$fp2048colons" --challenge sekrit \
	--csr "$W/ap2048.csr" --out "$W/o2048" --trace &&
	why=$(cert_ok "$W/o2048/ap2048.crt" "$W/ap2048.csr" "$W/ca2048/ca.pem"); then
	ok "scep_enroll_rsa2048_ca_challenge_right"
else
	not_ok "scep_enroll_rsa2048_ca_challenge_right: ${why:-} $(fail_why enroll2048)"
fi

missing=
for want in "operation GetCACaps" "operation GetCACert" "HTTP status 200" \
	"< Content-Type: application/x-pki-message" "MIME type application/x-pki-message" \
	"messageType 19 (PKCSReq)" "messageType 3 (CertRep)" "transactionID [0-9a-f]\{64\}" \
	"senderNonce [0-9a-f]\{32\}" "recipientNonce [0-9a-f]\{32\}" "pkiStatus: SUCCESS" \
	"subject: .*SCEP CA" "key usage:" "AES-128-CBC + SHA256" "DES-CBC needs OpenSSL's legacy" \
	"requests use AES-128-CBC and SHA256; CA chain of 1"; do
	grep -q -- "$want" "$W/enroll2048.err" || missing="$missing [$want]"
done
if [ -z "$missing" ]; then
	ok "scep_trace_fields"
else
	not_ok "scep_trace_fields: missing$missing"
fi

csr ap4096 k2 AP-4096-a
openssl req -in "$W/ap4096.csr" -outform DER -out "$W/ap4096der.der"
mkdir -p "$W/o4096"
if lscd_run enroll4096 enroll --url "$URL4096" --ca-file "$W/ca4096/ca.pem" --csr "$W/ap4096der.der" --out "$W/o4096" &&
	why=$(cert_ok "$W/o4096/ap4096der.crt" "$W/ap4096.csr" "$W/ca4096/ca.pem"); then
	ok "scep_enroll_rsa4096_ca_der_csr"
else
	not_ok "scep_enroll_rsa4096_ca_der_csr: ${why:-} $(fail_why enroll4096)"
fi

csr wrongch k2 AP-wrong-challenge nottheone
mkdir -p "$W/owrong"
if ! lscd_run wrongch enroll --url "$URL2048" --ca-file "$W/ca2048/ca.pem" --challenge sekrit --csr "$W/wrongch.csr" \
	--out "$W/owrong" &&
	grep -q "failInfo badRequest: Transaction not permitted or supported" "$W/wrongch.err" &&
	[ ! -e "$W/owrong/wrongch.crt" ]; then
	ok "scep_enroll_challenge_wrong_badrequest_in_words"
else
	not_ok "scep_enroll_challenge_wrong_badrequest_in_words: $(fail_why wrongch)"
fi

csr noch k2 AP-no-challenge
if ! lscd_run noch enroll --url "$URL2048" --ca-file "$W/ca2048/ca.pem" --challenge sekrit --csr "$W/noch.csr" \
	--out "$W/owrong" && grep -q "carries no challengePassword" "$W/noch.err"; then
	ok "scep_enroll_challenge_missing_from_csr_refused"
else
	not_ok "scep_enroll_challenge_missing_from_csr_refused: $(fail_why noch)"
fi

csr refused k3 AP-refused-by-policy
mkdir -p "$W/orefused"
if ! lscd_run refused enroll --url http://127.0.0.1:8082/scep --ca-file "$W/careject/ca.pem" --csr "$W/refused.csr" \
	--out "$W/orefused" && grep -q "bad-request.*pkiStatus FAILURE, failInfo badRequest" \
	"$W/refused.err"; then
	ok "scep_enroll_csr_verifier_refuses"
else
	not_ok "scep_enroll_csr_verifier_refuses: $(fail_why refused)"
fi

# Two good requests and a bad one in one run: two certificates, exit 1.
csr mix1 k1 AP-mix-1 sekrit
csr mix2 k2 AP-mix-2 sekrit
csr mix3 k3 AP-mix-3 wrong
mkdir -p "$W/omix"
lscd_run mix enroll --url "$URL2048" --ca-file "$W/ca2048/ca.pem" --challenge sekrit --out "$W/omix" \
	--csr "$W/mix1.csr" "$W/mix2.csr" "$W/mix3.csr"
rc=$?
if [ "$rc" = 1 ] && [ -s "$W/omix/mix1.crt" ] && [ -s "$W/omix/mix2.crt" ] &&
	[ ! -e "$W/omix/mix3.crt" ] && grep -q "mix3.csr: enrollment failed (bad-request)" "$W/mix.err" &&
	grep -q "2 of 3 requests enrolled" "$W/mix.out"; then
	ok "scep_enroll_several_exit_status_per_csr"
else
	not_ok "scep_enroll_several_exit_status_per_csr: rc=$rc $(fail_why mix)"
fi

# One enrollment at a time, yet the CA never waits for us: the second
# request leaves before the first reply is read (and once it has left, the
# first reply is read before the second reply), each request exactly once.
csr ovl1 k1 AP-overlap-1
csr ovl2 k2 AP-overlap-2
mkdir -p "$W/ovl"
if lscd_run ovl enroll --url "$URL4096" --ca-file "$W/ca4096/ca.pem" --out "$W/ovl" --trace \
	--csr "$W/ovl1.csr" "$W/ovl2.csr" &&
	order=$(grep -n -e "ovl2: > POST" -e "ovl1: CertRep signed by" -e "ovl2: CertRep signed by" \
		"$W/ovl.err" | sed 's/^[0-9]*:scep: //; s/ http.*//; s/ by .*//' | tr '\n' ';') &&
	[ "$order" = "ovl2: > POST;ovl1: CertRep signed;ovl2: CertRep signed;" ] &&
	[ -s "$W/ovl/ovl1.crt" ] && [ -s "$W/ovl/ovl2.crt" ]; then
	ok "scep_enroll_next_request_leaves_before_the_reply_is_read"
else
	not_ok "scep_enroll_next_request_leaves_before_the_reply_is_read: order '${order:-}' $(fail_why ovl)"
fi

# The self-signed signer of the first run serves the runs after it.
if [ "$(stat -c %a "$W/cache/lscd/signer.key" 2>/dev/null)" = 600 ] &&
	[ "$(grep -l "signing identity (self-signed, new)" "$W"/*.err | wc -l)" -le 1 ] &&
	grep -q "signing identity (self-signed, kept from an earlier run)" "$W/ovl.err" &&
	a=$(openssl x509 -in "$W/cache/lscd/signer.crt" -noout -fingerprint -sha256 |
		sed 's/.*=//; s/://g' | tr A-F a-f) &&
	grep -A7 'signing identity' "$W/ovl.err" | grep -qi "SHA-256: *$a"; then
	ok "scep_enroll_signer_kept_across_runs_key_0600"
else
	not_ok "scep_enroll_signer_kept_across_runs_key_0600: $(ls -l "$W/cache/lscd" 2>&1 | tr '\n' ' ') $(grep -h 'signing identity' "$W"/*.err | sort | uniq -c | tr '\n' ' ')"
fi

# An --out the certificates cannot reach: refused before the CA sees a request.
issued() { find "$W/ca4096" -maxdepth 1 -name '*.pem' ! -name ca.pem | wc -l; }
csr noout k1 AP-no-out-dir
# out_refused CHECK OUT MESSAGE
out_refused() {
	local n0
	n0=$(issued)
	if ! lscd_run "$1" enroll --url "$URL4096" --fingerprint "$fp4096" \
		--csr "$W/noout.csr" --out "$2" &&
		grep -q -- "--out $2: $3" "$W/$1.err" && [ "$(issued)" = "$n0" ]; then
		ok "scep_enroll_out_${1}_refused_before_any_request"
	else
		not_ok "scep_enroll_out_${1}_refused_before_any_request: issued $n0 -> $(issued) $(fail_why "$1")"
	fi
}
out_refused missing "$W/no/such/dir" "No such file or directory"
touch "$W/file"
out_refused not_a_directory "$W/file" "not a directory"

# The controller's own identity signs the requests.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/ctl.key" -out "$W/ctl.pem" \
	-subj "/CN=wlc-controller" -days 2 2>/dev/null
csr withid k3 AP-with-controller-id
mkdir -p "$W/oid"
if lscd_run withid enroll --url "$URL4096" --ca-file "$W/ca4096/ca.pem" --key "$W/ctl.key" --cert "$W/ctl.pem" \
	--csr "$W/withid.csr" --out "$W/oid" --trace &&
	grep -q "from --key/--cert" "$W/withid.err" &&
	why=$(cert_ok "$W/oid/withid.crt" "$W/withid.csr" "$W/ca4096/ca.pem"); then
	ok "scep_enroll_signed_by_controller_key"
else
	not_ok "scep_enroll_signed_by_controller_key: ${why:-} $(fail_why withid)"
fi

csr viaget k1 AP-via-get
mkdir -p "$W/oget"
if lscd_run viaget enroll --url "$URL4096" --ca-file "$W/ca4096/ca.pem" --get --csr "$W/viaget.csr" --out "$W/oget" --trace &&
	grep -q "> GET $URL4096?operation=PKIOperation&message=" "$W/viaget.err" &&
	why=$(cert_ok "$W/oget/viaget.crt" "$W/viaget.csr" "$W/ca4096/ca.pem"); then
	ok "scep_enroll_by_http_get"
else
	not_ok "scep_enroll_by_http_get: ${why:-} $(fail_why viaget)"
fi

# Renewal: a new key for the same CN, RenewalReq signed with the current
# key and certificate.
csr renew1 k2 AP-renewed
csr renew2 k3 AP-renewed
mkdir -p "$W/orenew"
if lscd_run renew1 enroll --url "$URL4096" --ca-file "$W/ca4096/ca.pem" --csr "$W/renew1.csr" --out "$W/orenew" &&
	lscd_run renew2 enroll --url "$URL4096" --ca-file "$W/ca4096/ca.pem" --renew --key "$W/k2.pem" \
		--cert "$W/orenew/renew1.crt" --csr "$W/renew2.csr" --out "$W/orenew" --trace &&
	grep -q "messageType 17 (RenewalReq)" "$W/renew2.err" &&
	why=$(cert_ok "$W/orenew/renew2.crt" "$W/renew2.csr" "$W/ca4096/ca.pem"); then
	ok "scep_renewal_req"
else
	not_ok "scep_renewal_req: ${why:-} $(fail_why renew1) $(fail_why renew2)"
fi

# --- PENDING and CertPoll ------------------------------------------------
csr pend k1 AP-pending-1
mkdir -p "$W/opend"
if lscd_run pend enroll --url http://127.0.0.1:8091/scep --ca-file "$W/ca4096/ca.pem" --csr "$W/pend.csr" --out "$W/opend" \
	--poll-initial 0.1 --poll-factor 2 --poll-max-interval 0.5 --trace &&
	[ "$(grep -c 'pkiStatus: PENDING' "$W/pend.err")" = 3 ] &&
	[ "$(grep -c 'messageType 20 (CertPoll)' "$W/pend.err")" = 3 ] &&
	[ "$(grep -o 'transactionID [0-9a-f]*' "$W/pend.err" | sort -u | wc -l)" = 1 ] &&
	why=$(cert_ok "$W/opend/pend.crt" "$W/pend.csr" "$W/ca4096/ca.pem"); then
	ok "scep_pending_certpoll_then_success"
else
	not_ok "scep_pending_certpoll_then_success: ${why:-} $(fail_why pend)"
fi

csr pendc1 k2 AP-pending-c1
csr pendc2 k3 AP-pending-c2
if lscd_run pendc enroll --url http://127.0.0.1:8091/scep --ca-file "$W/ca4096/ca.pem" --out "$W/opend" --concurrency 2 \
	--poll-initial 0.1 --poll-max-interval 0.2 --csr "$W/pendc1.csr" "$W/pendc2.csr" &&
	[ -s "$W/opend/pendc1.crt" ] && [ -s "$W/opend/pendc2.crt" ]; then
	ok "scep_pending_two_concurrent"
else
	not_ok "scep_pending_two_concurrent: $(fail_why pendc)"
fi

csr slow k1 AP-pending-forever
if ! lscd_run slow enroll --url http://127.0.0.1:8092/scep --ca-file "$W/ca4096/ca.pem" --csr "$W/slow.csr" --out "$W/opend" \
	--poll-initial 0.2 --poll-max-interval 0.3 --poll-max-time 1.2 &&
	grep -q "(timeout-ca-signing): CA left the request PENDING" "$W/slow.err"; then
	ok "scep_pending_gives_up_after_max_time"
else
	not_ok "scep_pending_gives_up_after_max_time: $(fail_why slow)"
fi

# --- CA down ---------------------------------------------------------------
csr down k2 AP-ca-down
if ! lscd_run down enroll --url http://127.0.0.1:8099/scep --ca-file "$W/ca4096/ca.pem" --csr "$W/down.csr" --out "$W/opend" \
	--retries 2 --retry-delay 0.2 --trace &&
	grep -q "CA unreachable: .*127.0.0.1.*8099.* after 3 attempts" "$W/down.err" &&
	[ "$(grep -c 'retrying in' "$W/down.err")" = 2 ]; then
	ok "scep_ca_down_bounded_retries"
else
	not_ok "scep_ca_down_bounded_retries: $(fail_why down)"
fi

# --- HTTPS: CA bundle and server key pinning --------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/tls.key" -out "$W/tls.pem" -days 2 \
	-subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/tls-other.key" -out "$W/tls-other.pem" \
	-days 2 -subj "/CN=other" 2>/dev/null
pin() { openssl x509 -in "$1" -pubkey -noout | openssl pkey -pubin -outform DER |
	openssl dgst -sha256 -binary | base64; }
nsenter --net="$W/ns" python3 "$PEER" --port 8443 --upstream http://127.0.0.1:8081/scep \
	--ca-cert "$W/ca4096/ca.pem" --ca-key "$W/ca4096/ca.key" --pending 0 \
	--tls-cert "$W/tls.pem" --tls-key "$W/tls.key" >"$W/tls-8443.log" 2>&1 &
pids+=($!)
URLTLS=https://127.0.0.1:8443/scep
if wait_until 10 in_ns curl -sf --cacert "$W/tls.pem" "$URLTLS?operation=GetCACaps"; then
	csr tls1 k1 AP-over-https
	mkdir -p "$W/otls"
	if lscd_run tls1 enroll --url "$URLTLS" --ca-file "$W/ca4096/ca.pem" --ca-bundle "$W/tls.pem" \
		--pinned-pubkey "sha256//$(pin "$W/tls.pem")" --csr "$W/tls1.csr" --out "$W/otls" &&
		why=$(cert_ok "$W/otls/tls1.crt" "$W/tls1.csr" "$W/ca4096/ca.pem"); then
		ok "scep_https_ca_bundle_and_pinned_key"
	else
		not_ok "scep_https_ca_bundle_and_pinned_key: ${why:-} $(fail_why tls1)"
	fi
	if ! lscd_run tls2 getca --url "$URLTLS" --ca-bundle "$W/tls.pem" \
		--pinned-pubkey "sha256//$(pin "$W/tls-other.pem")" --retries 0 &&
		grep -q "GetCACaps failed: .*pinned public key.*https://127.0.0.1:8443" "$W/tls2.err"; then
		ok "scep_https_wrong_pinned_key_refused"
	else
		not_ok "scep_https_wrong_pinned_key_refused: $(fail_why tls2)"
	fi
	if ! lscd_run tls3 getca --url "$URLTLS" --ca-bundle "$W/tls-other.pem" &&
		grep -q "GetCACaps failed: .*certificate" "$W/tls3.err"; then
		ok "scep_https_untrusted_server_refused"
	else
		not_ok "scep_https_untrusted_server_refused: $(fail_why tls3)"
	fi
else
	not_ok "scep_https: the HTTPS relay did not come up"
fi

# The CA goes away while a request is PENDING: the CertPoll is retried a
# bounded number of times, then the request fails as no-response.
nsenter --net="$W/ns" python3 "$PEER" --port 8093 --upstream http://127.0.0.1:8081/scep \
	--ca-cert "$W/ca4096/ca.pem" --ca-key "$W/ca4096/ca.key" --pending 1000000 \
	>"$W/pending-8093.log" 2>&1 &
front=$!
pids+=($front)
csr gone k3 AP-ca-gone-while-pending
if wait_until 10 in_ns curl -sf "http://127.0.0.1:8093/scep?operation=GetCACaps"; then
	lscd_run gone enroll --url http://127.0.0.1:8093/scep --ca-file "$W/ca4096/ca.pem" --csr "$W/gone.csr" --out "$W/opend" \
		--poll-initial 1 --poll-max-time 30 --retries 2 --retry-delay 0.2 --trace &
	lscd_pid=$!
	# Kill the front once lscd has its PENDING and waits to poll.
	wait_until 10 grep -q "PENDING: CertPoll" "$W/gone.err"
	kill "$front"
	wait "$front" 2>/dev/null
	wait "$lscd_pid"
	rc=$?
	if [ "$rc" = 1 ] && grep -q "(no-response): CA unreachable: .*8093.* after 3 attempts" "$W/gone.err" &&
		grep -q "messageType 20 (CertPoll)" "$W/gone.err"; then
		ok "scep_ca_down_while_pending_bounded_retries"
	else
		not_ok "scep_ca_down_while_pending_bounded_retries: rc=$rc $(fail_why gone)"
	fi
else
	not_ok "scep_ca_down_while_pending_bounded_retries: front did not come up"
fi

# --- no downgrade: GetCACaps forged on the path ---------------------------
# "POSTPKIOperation" alone says "single DES only": never used, whatever the
# minimums; 3DES is refused below min_cipher aes128 and taken when lowered.
downgrade_front() {
	nsenter --net="$W/ns" python3 "$PEER" --port "$1" --upstream http://127.0.0.1:8081/scep \
		--ca-cert "$W/ca4096/ca.pem" --ca-key "$W/ca4096/ca.key" --pending 0 \
		--caps "$2" >"$W/front-$1.log" 2>&1 &
	pids+=($!)
	wait_until 10 in_ns curl -sf "http://127.0.0.1:$1/scep?operation=GetCACaps"
}
mkdir -p "$W/odown"
if downgrade_front 8094 "POSTPKIOperation" && downgrade_front 8095 "POSTPKIOperation,DES3,SHA-256"; then
	csr down1 k1 AP-downgrade-des
	lscd_run down1 enroll --url http://127.0.0.1:8094/scep --ca-file "$W/ca4096/ca.pem" \
		--min-cipher des3 --min-digest sha1 --csr "$W/down1.csr" --out "$W/odown"
	rc=$?
	if [ "$rc" = 1 ] && [ ! -e "$W/odown/down1.crt" ] &&
		grep -q "CA refused: its GetCACaps lists no cipher but single DES.*single DES is never used" "$W/down1.err" &&
		! grep -q '"POST ' "$W/front-8094.log"; then
		ok "scep_downgrade_single_des_never_used"
	else
		not_ok "scep_downgrade_single_des_never_used: rc=$rc $(fail_why down1) $(grep -c POST "$W/front-8094.log") POST(s)"
	fi
	csr down2 k1 AP-downgrade-3des
	lscd_run down2 enroll --url http://127.0.0.1:8095/scep --ca-file "$W/ca4096/ca.pem" \
		--csr "$W/down2.csr" --out "$W/odown"
	rc=$?
	if [ "$rc" = 1 ] && [ ! -e "$W/odown/down2.crt" ] &&
		grep -q "CA refused: its GetCACaps lists 3DES at best, below min_cipher aes128" "$W/down2.err" &&
		! grep -q '"POST ' "$W/front-8095.log"; then
		ok "scep_downgrade_3des_below_min_cipher_refused"
	else
		not_ok "scep_downgrade_3des_below_min_cipher_refused: rc=$rc $(fail_why down2)"
	fi
	if lscd_run down3 enroll --url http://127.0.0.1:8095/scep --ca-file "$W/ca4096/ca.pem" \
		--min-cipher des3 --csr "$W/down2.csr" --out "$W/odown" --trace &&
		grep -q "requests use DES-EDE3-CBC and SHA256" "$W/down3.err" &&
		why=$(cert_ok "$W/odown/down2.crt" "$W/down2.csr" "$W/ca4096/ca.pem"); then
		ok "scep_downgrade_3des_taken_when_min_cipher_lowered"
	else
		not_ok "scep_downgrade_3des_taken_when_min_cipher_lowered: ${why:-} $(fail_why down3)"
	fi
else
	not_ok "scep_downgrade: the forging fronts did not come up"
	not_ok "scep_downgrade_3des_below_min_cipher_refused: no front"
	not_ok "scep_downgrade_3des_taken_when_min_cipher_lowered: no front"
fi

finish
