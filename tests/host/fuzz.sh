#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A bounded pass of the wire-code fuzzer (tests/fuzz/run: libFuzzer with
# ASan and UBSan over the same kmod/wire*.c the module runs): half a
# minute (`make fuzz` runs a minute; FUZZ_SECONDS sets either) from the seed
# corpus kept in the tree, tests/fuzz/corpus/wire, with a fixed random
# seed and nothing carried over from earlier runs, so every `make check`
# fuzzes the same way.  A crash, a sanitizer report or a
# broken property of the harness fails it.  The committed seeds must also
# still be what tests/host/wire_gen.c makes of today's wire samples.

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. tests/lib.sh
plan 2 600
need clang clang

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ${CC:-cc} -std=gnu11 -Wall -Wextra -Werror -O2 -Iinclude/uapi -Ikmod -Itests/unit \
	-o "$tmp/wire_gen" tests/host/wire_gen.c $(ls kmod/wire*.c | grep -v '\.mod\.c$') &&
	mkdir "$tmp/seeds" && "$tmp/wire_gen" corpus "$tmp/seeds" &&
	diff -r "$tmp/seeds" tests/fuzz/corpus/wire >"$tmp/seeds.diff" 2>&1; then
	ok "fuzz: the committed seed corpus is what wire_gen makes of the wire samples"
else
	not_ok "fuzz: tests/fuzz/corpus/wire is stale (wire_gen corpus DIR writes it): $(head -n 3 "$tmp/seeds.diff" | tr '\n' ' ')"
fi

checks 1 "fuzz_wire" env FUZZ_SECONDS="${FUZZ_SECONDS:-30}" FUZZ_SEED=1 \
	FUZZ_NEW="$tmp/new" tests/fuzz/run
finish
