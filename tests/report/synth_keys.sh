#!/usr/bin/env bash
# synth keeps the CSV contract's keys (docs/csv.md): one row per
# (time, sensor, key) in every file, as the sensor writes them — the
# fleet database refuses a second one, and a report would add it twice.
# A quarter of 4 sensors with its injected events: backscatter (where
# two flows of an interval can share a key) every day, the series that
# synth sums by key in hash maps (sources too) its first week.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${TS_BIN:-build/xdp-telescope}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$BIN" synth --out "$work/d" --sensors 4 --from 2022-07-01 --to 2022-09-30 --seed 1 \
	--interval 300 2>/dev/null
python3 - "$work/d" <<'PYEOF'
import collections, csv, glob, sys
KEYS = {"totals": (), "ports": ("proto", "port"), "countries": ("country",),
        "port_countries": ("proto", "port", "country"), "sources": ("src_ip",),
        "backscatter": ("src_ip", "proto", "src_port", "kind"),
        "tags": ("tag", "proto", "port", "country")}
bad = 0
for series, key in KEYS.items():
    seen = collections.Counter()
    days = "*" if series == "backscatter" else "2022-07-0[1-7]"
    for path in glob.glob(f"{sys.argv[1]}/*/{days}/{series}.csv"):
        with open(path, newline="") as f:
            for r in csv.DictReader(f):
                seen[(r["time"], r["sensor"]) + tuple(r[k] for k in key)] += 1
    dups = {k: n for k, n in seen.items() if n > 1}
    print(f"{series}: {len(seen)} keys, {len(dups)} written more than once")
    if not seen:
        print(f"FAIL: no {series} rows"); bad += 1
    for k in list(dups)[:3]:
        print(f"FAIL: {series} {k} written {dups[k]} times"); bad += 1
sys.exit(1 if bad else 0)
PYEOF
echo "synth_keys: ok"
