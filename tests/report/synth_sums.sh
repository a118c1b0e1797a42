#!/usr/bin/env bash
# synth keeps every sum docs/csv.md promises, interval by interval
# (tests/lib/check_sums.py, which reads the CSV as docs/csv.md describes
# it and shares no code with the program): one sensor, one day, at
# --rate 1, the default rate, and --rate 1000 at --interval 3600 (24
# intervals of over 2,000 flows each: more keys an interval than any
# other run, in a few seconds). TS_SYNTH_SUMS_LONG=1 adds the whole day
# at --rate 1000 and the default interval (1,440 intervals, about 3.5
# million rows: a minute or more).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${TS_BIN:-build/xdp-telescope}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

runs=("--rate 1" "" "--rate 1000 --interval 3600")
[ -n "${TS_SYNTH_SUMS_LONG:-}" ] && runs+=("--rate 1000")
fail=0
for opts in "${runs[@]}"; do
	rm -rf "$work/d"
	# shellcheck disable=SC2086 # the options are words
	"$BIN" synth --out "$work/d" --from 2025-01-01 --to 2025-01-01 --sensors 1 --seed 3 $opts
	echo "synth ${opts:-(default rate)}:"
	python3 tests/lib/check_sums.py "$work/d" || fail=1
done
[ "$fail" -eq 0 ] || { echo "synth_sums: FAIL"; exit 1; }
echo "synth_sums: ok"
