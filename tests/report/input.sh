#!/usr/bin/env bash
# What of its input the report counts (docs/report.md, "Reading the
# input"): quoted line ends inside names, numbers beyond 64 bits and sums
# that would wrap, the same data read twice, files cut short, and an
# interval written late after an outage (totals.seconds). Each case
# checks the numbers of the report's CSV tables and the line on stderr;
# every case runs, and the test fails if one did.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${TS_BIN:-build/xdp-telescope}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }	# ends the case (a subshell)
# cell FILE KEY COLUMN: the COLUMN-th field of the row whose first field is KEY
cell() { python3 - "$@" <<'EOF'
import csv, sys
for row in csv.reader(open(sys.argv[1], newline="", encoding="utf-8")):
    if row and row[0] == sys.argv[2]:
        print(row[int(sys.argv[3]) - 1])
        break
EOF
}
report() { # OUT ARGS...: --format csv into OUT, stderr into OUT.err
	local out=$1; shift
	"$BIN" report "$@" --format csv --out "$out" 2>"$out.err" ||
		fail "report $* failed: $(cat "$out.err")"
}
day=2026-12-01
period=(--from $day --to $day)
TOTALS=time,sensor,packets,bytes,sources,malformed,non_ip,overflow,fragments,mirai,backscatter,bs_overflow,quote_mismatch,tagged,tag_overflow

quoted_data() { # DIR: a sensor named 'tokyo<LF>1', an AS organisation holding a row
	local d="$1/$day"
	mkdir -p "$d"
	cat >"$d/totals.csv" <<-EOF
	$TOTALS
	${day}T18:00:00Z,"tokyo
	1",503,20120,1,0,0,0,0,0,503,0,0,0,0
	EOF
	cat >"$d/backscatter.csv" <<-EOF
	time,sensor,src_ip,country,asn,proto,src_port,kind,packets,as_org
	${day}T18:00:00Z,"tokyo
	1",203.0.113.50,US,64502,tcp,443,synack,503,"X
	${day}T19:00:00Z,evil,203.0.113.99,US,1,tcp,443,synack,999999,Injected"
	EOF
}

quoted() {
	quoted_data "$work/quoted"
	report "$work/q" --data "$work/quoted" "${period[@]}" --country US
	[ "$(cell "$work/q/summary.csv" packets 2)" = 503 ] || fail "packets: $(cat "$work/q/summary.csv")"
	[ "$(cell "$work/q/sensors.csv" "tokyo 1" 3)" = 503 ] ||
		fail "sensor 'tokyo 1' not in the sensors table: $(cat "$work/q/sensors.csv")"
	[ "$(cell "$work/q/backscatter_countries.csv" 1 5)" = 503 ] ||
		fail "US backscatter: $(cat "$work/q/backscatter_countries.csv")"
	[ "$(cell "$work/q/backscatter_countries.csv" 1 4)" = 1 ] || fail "one victim, not two"
	[ "$(cell "$work/q/backscatter_victims_US.csv" \
	  "X ${day}T19:00:00Z,evil,203.0.113.99,US,1,tcp,443,synack,999999,Injected" 2)" = 203.0.113.50 ] ||
		fail "the organisation, on one line: $(cat "$work/q/backscatter_victims_US.csv")"
	! grep -q "203.0.113.99" "$work/q/chart_backscatter.csv" "$work/q/backscatter_countries.csv" ||
		fail "an injected victim"
	! grep -q warning "$work/q.err" || fail "warnings: $(cat "$work/q.err")"
}

big_numbers() {
	d="$work/big/$day"
	mkdir -p "$d"
	{
		echo "time,sensor,packets,bytes"
		echo "${day}T10:00:00Z,lab,10,600"
		echo "${day}T10:01:00Z,lab,99999999999999999999999,600"
		echo "${day}T10:02:00Z,lab,18446744073709551616,1"
		echo "${day}T10:03:00Z,lab,5,1"
	} >"$d/totals.csv"
	report "$work/b" --data "$work/big" "${period[@]}"
	[ "$(cell "$work/b/summary.csv" packets 2)" = 15 ] || fail "packets: $(cat "$work/b/summary.csv")"
	grep -q "warning: report: skipped 2 line(s) of totals.csv with a number out of range (first at .*/big/$day/totals.csv:3)" \
		"$work/b.err" || fail "no out-of-range warning: $(cat "$work/b.err")"
	{
		echo "time,sensor,packets,bytes"
		echo "${day}T10:00:00Z,lab,18446744073709551615,1"
		echo "${day}T10:01:00Z,lab,1,1"
		echo "${day}T10:02:00Z,lab,1793,1"
	} >"$d/totals.csv"
	report "$work/b2" --data "$work/big" "${period[@]}"
	[ "$(cell "$work/b2/summary.csv" packets 2)" = 18446744073709551615 ] ||
		fail "a sum wrapped: $(cat "$work/b2/summary.csv")"
	grep -q "skipped 2 line(s) of totals.csv that would carry a sum past 18446744073709551615 (first at .*totals.csv:3)" \
		"$work/b2.err" || fail "no sum warning: $(cat "$work/b2.err")"
}

fleet=(--from 2022-09-01 --to 2022-09-03)
fleet_data() {
	rm -rf "$work/fleet"
	"$BIN" synth --out "$work/fleet" --sensors 2 --from 2022-09-01 --to 2022-09-03 --seed 3 \
		--interval 600 --rate 4 2>/dev/null
}

same_directory() {
	fleet_data
	rc=0
	"$BIN" report --data "$work/fleet" --data "$work/fleet" "${fleet[@]}" --format md \
		>/dev/null 2>"$work/err" || rc=$?
	[ "$rc" -eq 2 ] || fail "--data twice: exit $rc"
	grep -q "error: report: --data $work/fleet and --data $work/fleet are the same directory: its rows would count twice" \
		"$work/err" || fail "--data twice: $(cat "$work/err")"
	ln -s "$work/fleet" "$work/link"
	rc=0
	"$BIN" report --data "$work/fleet" --data "$work/link" "${fleet[@]}" --format md \
		>/dev/null 2>"$work/err" || rc=$?
	[ "$rc" -eq 2 ] && grep -q "are the same directory" "$work/err" ||
		fail "--data and a link to it: exit $rc, $(cat "$work/err")"
	rc=0
	"$BIN" report --data "$work/fleet" --data "$work/fleet/sensor-01" "${fleet[@]}" --format md \
		>/dev/null 2>"$work/err" || rc=$?
	[ "$rc" -eq 2 ] && grep -q "reach the same day directory" "$work/err" ||
		fail "--data and a directory in it: exit $rc, $(cat "$work/err")"
}

same_rows() {
	fleet_data
	report "$work/f0" --data "$work/fleet" "${fleet[@]}"
	cp -r "$work/fleet/sensor-01" "$work/fleet/sensor-01-backup"
	report "$work/f1" --data "$work/fleet" "${fleet[@]}"
	diff -r "$work/f0" "$work/f1" >/dev/null || fail "a copied directory counted: $(diff -r "$work/f0" "$work/f1" | head -5)"
	grep -q "skipped 432 duplicate line(s) of totals.csv (their sensor and time were read before)" "$work/f1.err" ||
		fail "no duplicate warning: $(cat "$work/f1.err")"
	rm -rf "$work/fleet/sensor-01-backup"
	for f in "$work"/fleet/sensor-02/2022-09-02/*.csv; do
		cp "$f" "$work/once.csv"
		tail -n +2 "$work/once.csv" >>"$f"
	done
	report "$work/f2" --data "$work/fleet" "${fleet[@]}"
	diff -r "$work/f0" "$work/f2" >/dev/null || fail "a repeated file counted: $(diff -r "$work/f0" "$work/f2" | head -5)"
	grep -q "skipped 144 duplicate line(s) of totals.csv (their sensor and time were read before) (first at .*sensor-02/2022-09-02/totals.csv:146)" \
		"$work/f2.err" || fail "no duplicate warning: $(cat "$work/f2.err")"
	python3 tests/report/check_tables.py --data "$work/fleet" --report "$work/f2" --from 2022-09-01 \
		--to 2022-09-03 --prev-from 2022-08-29 --prev-to 2022-08-31
}

cut_gzip() {
	"$BIN" synth --out "$work/gz" --sensors 1 --from 2022-09-01 --to 2022-09-02 --seed 3 \
		--interval 60 --rate 4 --gzip 2>/dev/null
	f="$work/gz/sensor-01/2022-09-01/ports.csv.gz"
	head -c $(( $(stat -c %s "$f") / 2 )) "$f" >"$work/half.gz"
	mv "$work/half.gz" "$f"
	"$BIN" report --data "$work/gz" --from 2022-09-01 --to 2022-09-02 --format md \
		>"$work/gz.md" 2>"$work/gz.err" || fail "report on a cut file failed: $(cat "$work/gz.err")"
	grep -q "warning: report: $f: the gzip stream is truncated: read up to line [0-9]*, the rest is lost" \
		"$work/gz.err" || fail "no truncated warning: $(cat "$work/gz.err")"
	grep -q "Data quality: 1 file end early" "$work/gz.md" || fail "no data-quality note"
	grep -q "ports.csv.gz (sensor-01, 2022-09-01): from line [0-9]* on (the last row read whole: 2022-09-01T" \
		"$work/gz.md" || fail "the note does not name the file: $(grep 'Data quality' -A2 "$work/gz.md")"
	! grep -q "$work" "$work/gz.md" || fail "a path of this machine in the report"
}

late_interval() {
	python3 - "$work/late" <<-'EOF'
	import datetime as dt, os, sys
	out = sys.argv[1]
	hour = dt.timedelta(hours=1)
	t, end = dt.datetime(2022, 9, 1), dt.datetime(2022, 9, 6)
	down, back = dt.datetime(2022, 9, 2, 7), dt.datetime(2022, 9, 4, 10)   # 51 h
	while t < end:
	    secs = int((back - down).total_seconds()) if t == down else 3600
	    pk = 100 * secs // 3600
	    d = os.path.join(out, t.strftime("%Y-%m-%d"))
	    os.makedirs(d, exist_ok=True)
	    for name, head, row in (
	            ("totals", "time,sensor,packets,bytes,sources,malformed,non_ip,overflow,seconds",
	             f"lab,{pk},{pk * 40},1,0,0,0,{secs}"),
	            ("ports", "time,sensor,proto,port,packets,bytes,sources,mirai", f"lab,tcp,23,{pk},{pk * 40},1,0"),
	            ("countries", "time,sensor,country,packets,sources", f"lab,CN,{pk},1")):
	        path = os.path.join(d, name + ".csv")
	        new = not os.path.exists(path)
	        with open(path, "a") as f:
	            f.write((head + "\n" if new else "") + t.strftime("%Y-%m-%dT%H:%M:%SZ") + "," + row + "\n")
	    t = back if t == down else t + hour
	EOF
	report "$work/l" --data "$work/late" --from 2022-09-01 --to 2022-09-05
	for day in 2022-09-01 2022-09-02 2022-09-03 2022-09-04 2022-09-05; do
		[ "$(cell "$work/l/chart_top_ports.csv" $day 2)" = 2400 ] ||
			fail "$day: $(cell "$work/l/chart_top_ports.csv" $day 2) packets, not 2400: $(cat "$work/l/chart_top_ports.csv")"
		[ "$(cell "$work/l/chart_top_countries.csv" $day 2)" = 2400 ] || fail "$day: countries"
	done
	[ "$(wc -l <"$work/l/gaps.csv")" -eq 1 ] || fail "a gap: $(cat "$work/l/gaps.csv")"
	[ "$(cell "$work/l/sensors.csv" lab 6)" = 100.00 ] || fail "coverage: $(cat "$work/l/sensors.csv")"
	"$BIN" report --data "$work/late" --from 2022-09-01 --to 2022-09-05 --format md >"$work/l.md" 2>/dev/null
	grep -q "183600 s of data written late as one interval (lab, 2022-09-02 07:00–2022-09-04 10:00 UTC)" \
		"$work/l.md" || fail "no note of the late interval: $(grep -i 'data quality' "$work/l.md")"
	python3 tests/report/check_tables.py --data "$work/late" --report "$work/l" --from 2022-09-01 \
		--to 2022-09-05 --prev-from 2022-08-27 --prev-to 2022-08-31
}

sensor_file() {
	quoted_data "$work/quoted2"
	printf 'sensor,group,label,country\n"tokyo\n1",domestic,"Tokyo\nOne",JP\n' >"$work/sensors.csv"
	report "$work/s" --data "$work/quoted2" "${period[@]}" --sensors "$work/sensors.csv"
	[ "$(cell "$work/s/sensors.csv" "tokyo 1" 2)" = domestic ] ||
		fail "--sensors: $(cat "$work/s/sensors.csv" "$work/s.err")"
}

failed=()
for c in quoted big_numbers same_directory same_rows cut_gzip late_interval sensor_file; do
	if ( "$c" ); then echo "$c: ok"; else failed+=("$c"); echo "$c: FAILED"; fi
done
[ ${#failed[@]} -eq 0 ] || { echo "report_input: ${#failed[@]} case(s) failed: ${failed[*]}"; exit 1; }
echo "report_input: ok"
