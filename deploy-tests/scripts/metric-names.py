#!/usr/bin/env python3
"""Turns /q/metrics scrapes (<dir>/<service>.txt, Prometheus text format) into exported-metrics.txt:
one line per sample name, `<metric> <service>[,<service>...]`, sorted. Used by regenerate-exported-metrics.sh."""
import re, sys, pathlib, datetime

scrapes = pathlib.Path(sys.argv[1])
names = {}
for f in sorted(scrapes.glob("*.txt")):
    service = f.stem
    for line in f.read_text().splitlines():
        m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]", line)
        if m and not line.startswith("#"):
            names.setdefault(m.group(1), set()).add(service)
print("# Metric names the five services exported at /q/metrics, scraped from a running ./platform up after a small")
print("# workload (deploy-tests/scripts/regenerate-exported-metrics.sh). A SNAPSHOT: regenerate it when a service's")
print("# metrics change. Format: <sample name> <services exporting it>.")
print(f"# Generated {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')}")
for n in sorted(names):
    print(n, ",".join(sorted(names[n])))
