#!/usr/bin/env bash
# The report on damaged and hostile input (tests/report/fuzz_input.py:
# random bytes, quotes, line ends, NULs, numbers beyond 64 bits, bytes
# that are no UTF-8, lines over 1 MiB, repeated lines and files, late
# intervals, files cut short), a fixed series of seeds. For each: the
# real binary must not crash or hang (exit 0, or 1 with its line), its
# Markdown and HTML must be valid UTF-8, and every number of its CSV
# tables must equal what tests/report/check_tables.py computes for the
# rows that count. TS_FUZZ_ROUNDS sets the number of seeds (default 12).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${TS_BIN:-build/xdp-telescope}
rounds=${TS_FUZZ_ROUNDS:-12}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$BIN" synth --out "$work/clean" --sensors 3 --from 2022-09-01 --to 2022-09-04 --seed 9 \
	--interval 1800 --rate 4 2>/dev/null
period=(--from 2022-09-03 --to 2022-09-04)
checked=0
for seed in $(seq 1 "$rounds"); do
	python3 tests/report/fuzz_input.py "$work/clean" "$work/d" "$seed"
	for format in csv md html; do
		rm -rf "$work/out"
		rc=0
		timeout 120 "$BIN" report --data "$work/d" "${period[@]}" --sensors "$work/clean/sensors.csv" \
			--format "$format" --out "$work/out" 2>"$work/err" || rc=$?
		if [ "$rc" -eq 1 ]; then
			tail -1 "$work/err" | grep -q "error: report: " ||
				{ echo "seed $seed: exit 1 without its line: $(tail -2 "$work/err")"; exit 1; }
			continue
		fi
		[ "$rc" -eq 0 ] || { echo "seed $seed, $format: exit status $rc (crash or hang): $(tail -3 "$work/err")"; exit 1; }
		if [ "$format" = csv ]; then
			python3 tests/report/check_tables.py --data "$work/d" --report "$work/out" \
				--from 2022-09-03 --to 2022-09-04 --prev-from 2022-09-01 --prev-to 2022-09-02 \
				--sensors "$work/clean/sensors.csv" >"$work/check" ||
				{ echo "seed $seed: the report's numbers differ:"; head -20 "$work/check"; exit 1; }
			checked=$((checked + 1))
		else
			python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$work/out" ||
				{ echo "seed $seed: the $format output is not UTF-8"; exit 1; }
		fi
	done
done
[ "$checked" -ge $((rounds / 2)) ] || { echo "only $checked of $rounds rounds made a report"; exit 1; }
echo "report_input_fuzz: $rounds seeds, $checked reports checked: ok"
