#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/bench/dtls-fixtures.sh DIR: the keys and certificates of the DTLS
# benchmarks, made on the host (an RSA key takes seconds in the VM):
# a P-256 CA that stands for the APs' manufacturer (lscd's mic_ca_file)
# and issues the controller's certificate, the controller's P-256 key,
# and one AP key of each type the handshake bench compares (RSA-2048,
# P-256), from which dtls_load issues each AP its own certificate.
# Kept when already there.
set -euo pipefail
d=$1
[ -s "$d/ap-rsa.key" ] && exit 0
mkdir -p "$d"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-subj "/O=capwap-lsc bench/CN=Bench Manufacturing CA" \
	-keyout "$d/ca.key" -out "$d/ca.pem" -days 3650 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$d/ctl.key" 2>/dev/null
printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth,clientAuth,1.3.6.1.5.5.7.3.18\n' >"$d/ctl.ext"
openssl req -new -key "$d/ctl.key" -subj "/CN=wlc-bench" -out "$d/ctl.csr" 2>/dev/null
openssl x509 -req -in "$d/ctl.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
	-days 365 -extfile "$d/ctl.ext" -out "$d/ctl.pem" 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$d/ap-ec.key" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$d/ap-rsa.key.tmp" 2>/dev/null
chmod 600 "$d"/*.key "$d/ap-rsa.key.tmp"
mv "$d/ap-rsa.key.tmp" "$d/ap-rsa.key"
