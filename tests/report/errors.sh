#!/usr/bin/env bash
# Bad input gets one clear line on stderr and a non-zero exit; malformed
# CSV lines are counted and warned about once, not fatal; gzip input; and
# the demo's case: a report over a single day holding a few minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${TS_BIN:-build/xdp-telescope}
work=$(mktemp -d)
trap 'chmod -R u+rwx "$work" 2>/dev/null; rm -rf "$work"' EXIT

fails() {	# fails EXPECTED_TEXT CMD...: non-zero exit, one stderr line with the text
	local want=$1; shift
	if "$@" >"$work/out" 2>"$work/err"; then echo "should fail: $*"; exit 1; fi
	grep -q -- "$want" "$work/err" || { echo "no '$want' in: $(cat "$work/err")"; exit 1; }
	[ "$(wc -l < "$work/err")" -eq 1 ] || { echo "more than one line: $(cat "$work/err")"; exit 1; }
}

"$BIN" synth --out "$work/d" --sensors 2 --from 2022-09-01 --to 2022-09-03 --seed 5 \
	--interval 600 --rate 4 --gzip
ls "$work/d/sensor-01/2022-09-01/totals.csv.gz" >/dev/null
fails "unknown option '--bogus'" "$BIN" report --data "$work/d" --bogus
fails "give exactly one of" "$BIN" report --data "$work/d"
fails "--quarter wants a quarter like 2022Q3, not '2022Q5'" "$BIN" report --data "$work/d" --quarter 2022Q5
fails "--format wants html, md, csv or pdf, not 'docx'" "$BIN" report --data "$work/d" --month 2022-09 --format docx
fails "--port wants a port and protocol" "$BIN" report --data "$work/d" --month 2022-09 --port 99999/tcp
fails "--country wants a country code" "$BIN" report --data "$work/d" --month 2022-09 --country JPN
fails "--country wants a country code of ISO 3166-1 (alpha-2, e.g. JP), not 'XX'" "$BIN" report --data "$work/d" --month 2022-09 --country XX
fails "--country can be given at most 8 times" "$BIN" report --data "$work/d" --month 2022-09 \
	--country JP --country TW --country US --country CN --country DE --country FR --country GB \
	--country KR --country IN
printf 'match,english,japanese\nAS64512,Cloud,クラウド\n10.0.0.0/40,Bad,悪い\n' >"$work/cats.csv"
fails "$work/cats.csv:3: want AS<number> or an address prefix" "$BIN" report --data "$work/d" --month 2022-09 \
	--anonymize --categories "$work/cats.csv" --format md
fails "--categories names the victims for --anonymize: give both" "$BIN" report --data "$work/d" \
	--month 2022-09 --categories "$work/cats.csv"
printf 'sensor-01,domestic,Tokyo,JP\nsensor-02,overseas,Lima,QQ\n' >"$work/sensors.csv"
fails "$work/sensors.csv:2: bad country 'QQ'" "$BIN" report --data "$work/d" --month 2022-09 \
	--sensors "$work/sensors.csv" --format md
printf 'sensor-01,domestic,Tokyo,JP,extra\n' >"$work/sensors.csv"
fails "$work/sensors.csv:1: want sensor,group,label" "$BIN" report --data "$work/d" --month 2022-09 \
	--sensors "$work/sensors.csv" --format md
fails "give --data DIR or --db CONNINFO" "$BIN" report --month 2022-09
fails "cannot read --data" "$BIN" report --data "$work/nowhere" --month 2022-09
mkdir "$work/empty"
fails "holds no YYYY-MM-DD" "$BIN" report --data "$work/empty" --month 2022-09
fails "no totals rows between 2023-01-01 and 2023-01-31" "$BIN" report --data "$work/d" --month 2023-01
fails "give --out DIR" "$BIN" report --data "$work/d" --month 2022-09 --format csv
fails "--sensors wants a whole number from 1 to 99, not '0'" "$BIN" synth --out "$work/x" --from 2022-01-01 --to 2022-01-02 --sensors 0
fails "--to is before --from" "$BIN" synth --out "$work/x" --from 2022-01-02 --to 2022-01-01

# A bad option: the same line in every command, exit 2; --help: exit 0.
usage_error() {	# usage_error LINE CMD...: exit status 2, exactly LINE on stderr
	local want=$1 rc=0; shift
	"$@" >"$work/out" 2>"$work/err" || rc=$?
	[ "$rc" -eq 2 ] || { echo "exit $rc, not 2: $*"; exit 1; }
	[ "$(cat "$work/err")" = "$want" ] || { echo "want '$want', got: $(cat "$work/err")"; exit 1; }
}
e="xdp-telescope: error:"
month=(--data "$work/d" --month 2022-09)
listing=(--from 2022-01-01 --to 2022-01-02 --list-events)
usage_error "$e report: --top wants a whole number from 1 to 100, not '1e3'" "$BIN" report "${month[@]}" --top 1e3
usage_error "$e report: --top wants a whole number from 1 to 100, not '-1'" "$BIN" report "${month[@]}" --top -1
usage_error "$e report: --lang wants en or ja, not 'fr'" "$BIN" report "${month[@]}" --lang fr
usage_error "$e report: unknown option '--frobnicate' (try 'xdp-telescope report --help')" \
	"$BIN" report "${month[@]}" --frobnicate
usage_error "$e report: --top needs a value (try 'xdp-telescope report --help')" "$BIN" report "${month[@]}" --top
usage_error "$e report: unexpected argument 'extra' (try 'xdp-telescope report --help')" \
	"$BIN" report "${month[@]}" extra
usage_error "$e report: --port can be given at most 16 times" "$BIN" report "${month[@]}" \
	$(for p in $(seq 1 17); do echo --port $p/tcp; done)
usage_error "$e synth: --seed wants a whole number from 0 to 18446744073709551615, not '18446744073709551616'" \
	"$BIN" synth "${listing[@]}" --seed 18446744073709551616
usage_error "$e synth: --rate wants a number above 0 and at most 1000, not 'fast'" \
	"$BIN" synth "${listing[@]}" --rate fast
usage_error "$e synth: --interval wants a number of seconds dividing a day (1 to 86400), not '7'" \
	"$BIN" synth "${listing[@]}" --interval 7
usage_error "$e synth: unknown option '--frobnicate' (try 'xdp-telescope synth --help')" \
	"$BIN" synth "${listing[@]}" --frobnicate
usage_error "$e synth: --from YYYY-MM-DD is required (try 'xdp-telescope synth --help')" \
	"$BIN" synth --to 2022-01-02 --list-events
# --help: exit 0, on stdout; docs/report.md has every option it lists.
for cmd in report synth; do
	"$BIN" "$cmd" --help >"$work/help" 2>"$work/err"
	[ ! -s "$work/err" ] && head -1 "$work/help" | grep -q "^usage: xdp-telescope $cmd" ||
		{ echo "$cmd --help: $(head -2 "$work/help") $(cat "$work/err")"; exit 1; }
	for opt in $(sed -n 's/^  \(-., \|    \)--\([a-z-]*\).*/\2/p' "$work/help"); do
		[ "$opt" = help ] || grep -Eq -- "--$opt([^a-z-]|\$)" docs/report.md ||
			{ echo "docs/report.md does not name $cmd --$opt"; exit 1; }
	done
done

if [ "$(id -u)" -ne 0 ]; then
	mkdir "$work/locked" && chmod 000 "$work/locked"
	fails "cannot read --data" "$BIN" report --data "$work/locked" --month 2022-09
fi

# gzip input reads like plain input
"$BIN" report --data "$work/d" --from 2022-09-01 --to 2022-09-03 --format csv --out "$work/c" 2>/dev/null
python3 tests/report/check_tables.py --data "$work/d" --report "$work/c" --from 2022-09-01 \
	--to 2022-09-03 --prev-from 2022-08-29 --prev-to 2022-08-31

# Malformed lines: counted, one warning per file kind, report still made.
day="$work/m/2022-09-01"
mkdir -p "$day"
{
	echo "time,sensor,packets,bytes,sources,malformed,non_ip,overflow"
	echo "2022-09-01T10:00:00Z,lab,10,600,2,0,0,0"
	echo "2022-09-01T10:01:00Z,lab,ten,600,2,0,0,0"
	echo "2022-09-01T10:02:00Z,lab,12"
	echo "2022-09-01T10:03:00Z,lab,14,840,3,0,0,0"
} > "$day/totals.csv"
{
	echo "time,sensor,proto,port,packets,bytes,sources,mirai"
	echo "2022-09-01T10:00:00Z,lab,tcp,23,10,600,2,4"
	echo "not,a,row"
	echo "2022-09-01T10:03:00Z,lab,tcp,23,14,840,3,0"
} > "$day/ports.csv"
"$BIN" report --data "$work/m" --from 2022-09-01 --to 2022-09-01 --format md \
	> "$work/m.md" 2> "$work/m.err"
grep -q "skipped 2 malformed line(s) of totals.csv (first at .*totals.csv:3)" "$work/m.err"
grep -q "skipped 1 malformed line(s) of ports.csv" "$work/m.err"
[ "$(grep -c warning "$work/m.err")" -eq 2 ]
grep -q '| 1 | 23/TCP (telnet) | 24 |' "$work/m.md"
grep -q 'lab' "$work/m.md"
# A 3-minute gap between 10:00 and 10:03 rows at a 1-minute interval? Only
# two good rows: interval 180 s, no gap. The demo case: one day, minutes.
grep -q 'Every sensor wrote a row for every interval' "$work/m.md"

# A malformed line in a look-back day that the week itself does not read
# (ports.csv 20 days before it, outside the previous week) is warned about
# too; one in a day both read (the previous week), once.
"$BIN" synth --out "$work/lb" --sensors 1 --from 2022-08-01 --to 2022-09-11 --seed 5 \
	--interval 3600 --rate 4 --no-events
echo "2022-08-15T10:00:00Z,sensor-01,tcp,23,many" >>"$work/lb/sensor-01/2022-08-15/ports.csv"
echo "2022-08-30T10:00:00Z,sensor-01,tcp,23,many" >>"$work/lb/sensor-01/2022-08-30/ports.csv"
"$BIN" report --data "$work/lb" --week 2022-W36 --format md >/dev/null 2>"$work/lb.err"
grep -q "skipped 1 malformed line(s) of ports.csv (first at .*2022-08-30/ports.csv:" "$work/lb.err"
grep -q "skipped 1 malformed line(s) of ports.csv in the look-back days before the period (first at .*2022-08-15/ports.csv:" "$work/lb.err"
[ "$(grep -c 'skipped' "$work/lb.err")" -eq 2 ] || { cat "$work/lb.err"; exit 1; }

# --verbose says how long each step took, one line a step, and changes
# nothing else; without it, no such line.
"$BIN" report --data "$work/lb" --week 2022-W36 --format md --out "$work/v.md" -v 2>"$work/v.err"
"$BIN" report --data "$work/lb" --week 2022-W36 --format md --out "$work/q.md" 2>"$work/q.err"
cmp -s "$work/v.md" "$work/q.md" || { echo "--verbose changed the report"; exit 1; }
for step in "the directories found" "the period read" "the look-back read" "events detected" \
	"the year before read" "the tables and charts made" "the output written"; do
	grep -qE "debug: report: $step [0-9]+\.[0-9]{3} s$" "$work/v.err" ||
		{ echo "no '$step' in: $(cat "$work/v.err")"; exit 1; }
done
[ "$(grep -c 'debug:' "$work/v.err")" -eq 7 ] || { cat "$work/v.err"; exit 1; }
if grep -q 'debug:' "$work/q.err"; then echo "a step said without --verbose"; exit 1; fi
echo "report_errors: ok"
