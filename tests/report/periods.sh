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
# one case: its own fleet and report; "ok", or what was wrong, in its file
one_case() { # TYPE AT KIND OPT PFROM PTO POS CASEDIR
	local type=$1 at=$2 kind=$3 opt=$4 pfrom=$5 pto=$6 pos=$7 c=$8 start from to
	case $pos in
	first) start=$pfrom ;;
	last) start=$pto ;;
	across) start=$(plus "$pfrom" -2) ;;
	esac
	from=$(plus "$start" -"$at")
	to=$(plus "$start" 21)
	[[ "$to" < "$pto" ]] && to=$pto
	mkdir -p "$c"
	"$BIN" synth --out "$c/data" --sensors 3 --from "$from" --to "$to" \
		--seed 3 --interval 3600 --rate 2 >/dev/null
	if ! grep -q "^$type," "$c/data/events.csv"; then
		echo "synth lists no $type" >"$c/result"
	elif ! "$BIN" report --data "$c/data" "$opt" --format csv --out "$c/csv" 2>"$c/stderr"; then
		{ echo "$type on the $kind's $pos day: the report failed"; cat "$c/stderr"; } >"$c/result"
	elif ! python3 tests/report/check_events.py "$c/data/events.csv" "$c/csv/events.csv" \
		"$pfrom" "$pto" "$from" >"$c/check"; then
		{ echo "$type on the $kind's $pos day ($start, synth from $from):"; cat "$c/check"; } >"$c/result"
	else
		echo ok >"$c/result"
	fi
	rm -rf "$c/data"	# 70 MB a fleet: only the verdicts stay
}
# Two cases at a time, one a core: each is a synth and a report.
n=0
for d in "${detectors[@]}"; do
	for p in "${periods[@]}"; do
		for pos in first last across; do
			[ "$(jobs -rp | wc -l)" -ge 2 ] && wait -n
			n=$((n + 1))
			one_case $d $p $pos "$work/case$n" &
		done
	done
done
wait
for i in $(seq 1 $n); do
	[ "$(cat "$work/case$i/result" 2>/dev/null)" = ok ] && continue
	cat "$work/case$i/result" 2>/dev/null || echo "case $i left no verdict"
	exit 1
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
