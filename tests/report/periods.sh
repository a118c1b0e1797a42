#!/usr/bin/env bash
# Events dated right in every period: for each detector (new level,
# source drop, regional spike, local spike, backscatter burst), synth
# fleets whose event falls on a week's, a month's and a quarter's first
# day, on its last day, and across its start (two days before it); each
# report's events equal what check_events.py expects of that period from
# the injected events alone (every event of the fleet, not only the one
# aligned). Then a period at the very start of the data says it has too
# little history.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${TS_BIN:-build/xdp-telescope}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# detector, day of its event in synth (user/synth/synth.h), its days
detectors=("level_shift 35" "country_drop 50" "country_spike 68" "local_spike 26"
	   "backscatter_burst 30")
# kind, option, first day, last day
periods=("week --week=2022-W27 2022-07-04 2022-07-10"
	 "month --month=2022-07 2022-07-01 2022-07-31"
	 "quarter --quarter=2022Q3 2022-07-01 2022-09-30")
plus() { date -u -d "$1 $2 days" +%F; }
n=0
for d in "${detectors[@]}"; do
	set -- $d
	type=$1 at=$2
	for p in "${periods[@]}"; do
		set -- $p
		kind=$1 opt=$2 pfrom=$3 pto=$4
		for pos in first last across; do
			case $pos in
			first) start=$pfrom ;;
			last) start=$pto ;;
			across) start=$(plus "$pfrom" -2) ;;
			esac
			from=$(plus "$start" -"$at")
			to=$(plus "$start" 21)
			[[ "$to" < "$pto" ]] && to=$pto
			data="$work/$from-$to"
			[ -d "$data" ] || { rm -rf "$work"/20*; "$BIN" synth --out "$data" --sensors 3 --from "$from" --to "$to" \
				--seed 3 --interval 3600 --rate 2; }
			grep -q "^$type," "$data/events.csv" || { echo "synth lists no $type"; exit 1; }
			"$BIN" report --data "$data" "$opt" --format csv --out "$work/c" 2>/dev/null
			if ! python3 tests/report/check_events.py "$data/events.csv" "$work/c/events.csv" \
				"$pfrom" "$pto" "$from" >"$work/check"; then
				echo "$type on the $kind's $pos day ($start, synth from $from):"
				cat "$work/check"
				exit 1
			fi
			n=$((n + 1))
		done
	done
done
# The first week of the data: nothing judged, and the report says so.
# (Into files: grep -q on a pipe may close it before the report is done.)
"$BIN" synth --out "$work/young" --sensors 3 --from 2022-07-04 --to 2022-07-24 --seed 3 \
	--interval 3600 --rate 2
young() { "$BIN" report --data "$work/young" "$@" --format md --out "$work/young.md" 2>/dev/null; }
young --week 2022-W27
grep -q 'Too little history to judge' "$work/young.md" || { echo "no history note"; exit 1; }
young --week 2022-W28
! grep -q 'Too little history' "$work/young.md" || { echo "a history note with 7 days before"; exit 1; }
young --from 2022-07-06 --to 2022-07-20 --lang ja
grep -q '2022年7月11日より前の日は判断していません' "$work/young.md" || { echo "no partial history note"; exit 1; }
echo "report_periods: ok ($n reports, each detector at the first day, the last day and across the start of a week, a month and a quarter)"
