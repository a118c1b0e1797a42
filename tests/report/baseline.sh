#!/usr/bin/env bash
# No false alarms: on clean synthetic quarters (no injected events, two
# seeds, fleets of 3 and 10 sensors) the report finds no event and no gap.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${TS_BIN:-build/xdp-telescope}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for run in "1 3" "2 10"; do
	set -- $run
	"$BIN" synth --out "$work/d$1" --sensors "$2" --from 2023-01-01 --to 2023-03-31 \
		--seed "$1" --interval 3600 --rate 4 --no-events
	[ "$(wc -l < "$work/d$1/events.csv")" -eq 1 ]
	"$BIN" report --data "$work/d$1" --quarter 2023Q1 --format csv --out "$work/c$1"
	python3 tests/report/check_events.py "$work/d$1/events.csv" "$work/c$1/events.csv"
	[ "$(wc -l < "$work/c$1/gaps.csv")" -eq 1 ]
	"$BIN" report --data "$work/d$1" --quarter 2023Q1 --format md | grep 'No notable change was found' >/dev/null
done
echo "report_baseline: ok"
