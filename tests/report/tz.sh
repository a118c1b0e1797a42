#!/usr/bin/env bash
# --tz ZONE: days are local calendar days. Every cell checked here is
# computed again by check_tz.py from the CSV with Python's zoneinfo: the
# top ports' daily packets, one port over every day of the data, distinct
# source addresses per local day, single days' packets, and the gaps in
# local time (the injected outage begins at 15:00 UTC, local midnight in
# Tokyo, so it is dated a day later than in UTC). Europe/Berlin's 25-hour
# day (2022-10-30) with one hour missing is partial, and its 23-hour day
# (2022-03-27) complete; --tz UTC gives the very numbers of no --tz; an
# unknown zone is refused, and so is one that counts leap seconds.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${TS_BIN:-build/xdp-telescope}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
synth() { "$BIN" synth --sensors 3 --interval 3600 --rate 4 --seed 1 "$@"; }
csv_cell() { awk -F, -v k="$2" '$1 == k { print $2 }' "$1"; }

synth --out "$work/tokyo" --from 2022-10-01 --to 2022-10-20
"$BIN" report --data "$work/tokyo" --from 2022-10-02 --to 2022-10-19 --tz Asia/Tokyo \
	--port 23/tcp --format csv --out "$work/c" 2>/dev/null
python3 tests/report/check_tz.py Asia/Tokyo "$work/tokyo" "$work/c" --long 23/tcp
python3 tests/report/check_tz.py Asia/Tokyo "$work/tokyo" "$work/c" --gaps
grep -q '^gap,2022-10-17 00:00,' "$work/c/events.csv" || { echo "gap not on its local day:"; cat "$work/c/events.csv"; exit 1; }
for day in 2022-10-01 2022-10-02 2022-10-17 2022-10-21; do
	"$BIN" report --data "$work/tokyo" --from $day --to $day --tz Asia/Tokyo --format csv \
		--out "$work/d$day" 2>/dev/null
	python3 tests/report/check_tz.py Asia/Tokyo "$work/tokyo" - \
		--day-total $day "$(csv_cell "$work/d$day/summary.csv" packets)"
done
"$BIN" report --data "$work/tokyo" --from 2022-10-02 --to 2022-10-08 --tz Asia/Tokyo \
	--format md >"$work/tokyo.md" 2>/dev/null
grep 'local time in Asia/Tokyo (JST, UTC+9)' "$work/tokyo.md" >/dev/null
grep -x '2022-10-02 – 2022-10-08, JST' "$work/tokyo.md" >/dev/null
"$BIN" report --data "$work/tokyo" --from 2022-10-02 --to 2022-10-08 --tz Asia/Tokyo \
	--format md --lang ja 2>/dev/null | grep 'すべて日本標準時（JST、UTC+9）' >/dev/null

# the identity zone takes the zone's path and changes no number
"$BIN" report --data "$work/tokyo" --from 2022-10-02 --to 2022-10-19 --port 23/tcp \
	--format csv --out "$work/u0" 2>/dev/null
"$BIN" report --data "$work/tokyo" --from 2022-10-02 --to 2022-10-19 --port 23/tcp \
	--tz UTC --format csv --out "$work/u1" 2>/dev/null
diff -r "$work/u0" "$work/u1"

# daylight saving: a day's coverage is of its real length
synth --out "$work/fall" --from 2022-10-27 --to 2022-11-01 --no-events
t="$work/fall/sensor-01/2022-10-30/totals.csv"
grep -v '^2022-10-30T12:00:00Z,' "$t" >"$t.new" && mv "$t.new" "$t"
"$BIN" report --data "$work/fall" --from 2022-10-28 --to 2022-10-31 --tz Europe/Berlin \
	--format md >"$work/fall.md" 2>/dev/null
grep -q '^> Data from part of the fleet: 10/30\.$' "$work/fall.md" ||
	{ echo "2022-10-30 (25 h, one hour missing) is not partial"; grep -n 'part of' "$work/fall.md"; exit 1; }
grep -q 'CET, UTC+1' "$work/fall.md" && grep -q 'CEST, UTC+2' "$work/fall.md"
python3 tests/report/check_partial.py "$work/fall" "$work/fall.md" 2022-10-28 2022-10-31 Europe/Berlin
"$BIN" report --data "$work/fall" --from 2022-10-28 --to 2022-10-31 --tz Europe/Berlin \
	--format csv --out "$work/fc" 2>/dev/null
python3 tests/report/check_tz.py Europe/Berlin "$work/fall" "$work/fc" --gaps
"$BIN" report --data "$work/fall" --from 2022-10-30 --to 2022-10-30 --tz Europe/Berlin \
	--format csv --out "$work/f30" 2>/dev/null
python3 tests/report/check_tz.py Europe/Berlin "$work/fall" - \
	--day-total 2022-10-30 "$(csv_cell "$work/f30/summary.csv" packets)"
synth --out "$work/spring" --from 2022-03-24 --to 2022-03-30 --no-events
"$BIN" report --data "$work/spring" --from 2022-03-25 --to 2022-03-29 --tz Europe/Berlin \
	--format md >"$work/spring.md" 2>/dev/null
python3 tests/report/check_partial.py "$work/spring" "$work/spring.md" 2022-03-25 2022-03-29 Europe/Berlin
if grep -q 'part of the fleet' "$work/spring.md"; then
	echo "2022-03-27 (23 h, complete) is partial"; exit 1
fi

# an unknown zone: one line naming it, exit 2
rc=0
"$BIN" report --data "$work/tokyo" --month 2022-10 --tz Mars/Olympus 2>"$work/err" || rc=$?
[ "$rc" -eq 2 ] && [ "$(wc -l <"$work/err")" -eq 1 ] && grep -q "'Mars/Olympus'" "$work/err" ||
	{ echo "unknown zone: exit $rc, $(cat "$work/err")"; exit 1; }
# a zone that counts leap seconds: refused before any reading, --data or
# --db alike (the database put the rows of a UTC midnight on the day
# before; the CSV's reading did not), one line naming the plain zone
for src in "--data $work/tokyo" "--db host=/nonexistent"; do
	rc=0
	"$BIN" report $src --month 2022-10 --tz right/UTC 2>"$work/err" >/dev/null || rc=$?
	[ "$rc" -eq 2 ] && [ "$(wc -l <"$work/err")" -eq 1 ] &&
		grep -q "^xdp-telescope: error: report: --tz 'right/UTC' counts leap seconds, and the data's UTC times do not: give 'UTC'\$" "$work/err" ||
		{ echo "right/UTC with ${src%% *}: exit $rc, $(cat "$work/err")"; exit 1; }
done
echo "report_tz: ok"
