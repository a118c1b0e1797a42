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
# one seed in its own directory: "checked", "ok" (no CSV to check) or
# what was wrong, in its file
one_seed() { # SEED DIR
	local seed=$1 w=$2 format rc checked=0
	mkdir -p "$w"
	python3 tests/report/fuzz_input.py "$work/clean" "$w/d" "$seed"
	for format in csv md html; do
		rm -rf "$w/out"
		rc=0
		timeout 120 "$BIN" report --data "$w/d" "${period[@]}" --sensors "$work/clean/sensors.csv" \
			--format "$format" --out "$w/out" 2>"$w/err" || rc=$?
		if [ "$rc" -eq 1 ]; then
			tail -1 "$w/err" | grep -q "error: report: " ||
				{ echo "seed $seed: exit 1 without its line: $(tail -2 "$w/err")"; return; }
			continue
		fi
		[ "$rc" -eq 0 ] || { echo "seed $seed, $format: exit status $rc (crash or hang): $(tail -3 "$w/err")"; return; }
		if [ "$format" = csv ]; then
			python3 tests/report/check_tables.py --data "$w/d" --report "$w/out" \
				--from 2022-09-03 --to 2022-09-04 --prev-from 2022-09-01 --prev-to 2022-09-02 \
				--sensors "$work/clean/sensors.csv" >"$w/check" ||
				{ echo "seed $seed: the report's numbers differ:"; head -20 "$w/check"; return; }
			checked=1
		else
			python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$w/out" ||
				{ echo "seed $seed: the $format output is not UTF-8"; return; }
		fi
	done
	[ $checked = 1 ] && echo checked || echo ok
}
# Two seeds at a time, one a core.
for seed in $(seq 1 "$rounds"); do
	[ "$(jobs -rp | wc -l)" -ge 2 ] && wait -n
	one_seed "$seed" "$work/s$seed" >"$work/verdict$seed" 2>&1 &
done
wait
checked=0
for seed in $(seq 1 "$rounds"); do
	case $(tail -1 "$work/verdict$seed") in
	checked) checked=$((checked + 1)) ;;
	ok) ;;
	*) cat "$work/verdict$seed"; exit 1 ;;
	esac
done
[ "$checked" -ge $((rounds / 2)) ] || { echo "only $checked of $rounds rounds made a report"; exit 1; }
echo "report_input_fuzz: $rounds seeds, $checked reports checked: ok"
