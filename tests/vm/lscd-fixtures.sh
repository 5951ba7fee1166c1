#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Keys and CAs for the 7x-lscd-*.sh VM cases, under build/fixtures/lscd
# (or DIR): scepserver depots with an RSA-2048 and an RSA-4096 CA, and the
# controller's RSA-2048 key.  Run it on the host before booting the VM:
# RSA key generation is ~30 times slower in the guest (minutes for 4096).
# Prints the directory.  Existing files are kept.

set -e
d=${1:-build/fixtures/lscd}
mkdir -p "$d"
[ -s "$d/ca2048/ca.pem" ] || scepserver ca -init -keySize 2048 -depot "$d/ca2048" >/dev/null 2>&1
[ -s "$d/ca4096/ca.pem" ] || scepserver ca -init -keySize 4096 -depot "$d/ca4096" >/dev/null 2>&1
[ -s "$d/controller.key" ] || openssl genrsa -out "$d/controller.key" 2048 2>/dev/null
chmod 600 "$d/controller.key"
echo "$d"
