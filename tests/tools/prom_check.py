#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""prom_check.py < FILE: exits 0 when FILE is Prometheus text exposition
format (0.0.4) that node_exporter's textfile collector takes: the
prometheus_client library's parser reads all of it, and every sample
belongs to a family declared before it by exactly one # HELP and one
# TYPE line, and no series (name and labels) comes twice.  Debian's
python3-prometheus-client, rather than promtool, whose package installs
and starts a Prometheus server.  Debian's own python3, whatever python3
comes first on PATH."""
import re
import sys

from prometheus_client.parser import text_string_to_metric_families

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*$")


def fail(msg):
    print(f"prom_check: {msg}")
    sys.exit(1)


text = sys.stdin.read()
try:
    families = list(text_string_to_metric_families(text))
except Exception as e:  # the parser raises ValueError and others
    fail(f"does not parse: {e}")
if not families:
    fail("no metrics")

declared = {"HELP": set(), "TYPE": {}}
samples = {}
for n, line in enumerate(text.splitlines(), 1):
    if not line.strip():
        continue
    m = re.match(r"# (HELP|TYPE) (\S+)(?: (\S+))?", line)
    if m:
        kind, name = m[1], m[2]
        if not NAME.match(name):
            fail(f"line {n}: bad metric name {name!r}")
        seen = declared[kind]
        if name in seen:
            fail(f"line {n}: a second {kind} line for {name}")
        if kind == "TYPE":
            if name not in declared["HELP"]:
                fail(f"line {n}: TYPE for {name} before its HELP")
            seen[name] = m[3]
        else:
            seen.add(name)
        continue
    if line.startswith("#"):
        continue
    series = re.match(r"[^\s{]+(?:\{[^}]*\})?", line)[0]
    if series in samples:
        fail(f"line {n}: {series} again (line {samples[series]}): the collector refuses the file")
    samples[series] = n
    name = re.match(r"[^{\s]+", line)[0]
    if name not in declared["TYPE"]:
        fail(f"line {n}: sample {name} of no declared family")
    if declared["TYPE"][name] == "counter" and not name.endswith("_total"):
        fail(f"line {n}: counter {name} does not end in _total")
print(f"prom_check: {len(families)} families")
