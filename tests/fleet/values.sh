#!/usr/bin/env bash
# Every value the CSV contract allows reaches the fleet store, and the
# report reads the same from it as from the files (docs/csv.md, "Numbers"
# and "Text"): two totals rows (and two ports rows of one port) in one
# hour whose sum passes 2^63 - 1 (before: the whole file failed, "bigint
# out of range"), counts of 2^64 - 1 (before: refused), seconds up to
# 2^32 - 1, and AS organisation names with quoted line ends, a tab and
# bytes that are not UTF-8, as an older sensor wrote them (before: the
# file failed, the record cut at its line end). check_db.py finds the
# database equal to the CSV, and `report --db` writes byte for byte what
# `report --data` writes. What the contract does not allow is refused
# with FILE:LINE: a count of 2^64, seconds of 0. A throwaway server
# (tests/lib/pg.sh).
set -u
cd "$(dirname "$0")/../.."
. tests/lib/pg.sh
pg_prepare fleet_values
day=2026-03-02
data=$dir/data
a=4611686018427387909 max=18446744073709551615	# 2^62 + 5, 2^64 - 1
T=time,sensor,packets,bytes,sources,malformed,non_ip,overflow,fragments,mirai,backscatter,bs_overflow,quote_mismatch,tagged,tag_overflow,seconds
P=time,sensor,proto,port,packets,bytes,sources,mirai
S=time,sensor,src_ip,country,asn,packets,bytes,as_org
B=time,sensor,src_ip,country,asn,proto,src_port,kind,packets,as_org
# csv SENSOR FILE HEADER ROW…: DATA/SENSOR/DAY/FILE.csv, each ROW "MM,FIELDS"
# (the minute, and the fields after time and sensor; printf's %b escapes)
csv() {
	local sensor=$1 file=$2 header=$3 row
	shift 3
	mkdir -p "$data/$sensor/$day"
	{
		echo "$header"
		for row in "$@"; do
			printf '%b\n' "${day}T00:${row%%,*}:00Z,$sensor,${row#*,}"
		done
	} >"$data/$sensor/$day/$file.csv"
}
# 1. rows that each fit a bigint, two a key and hour: their sum does not
csv values-1 totals $T "00,$a,$a,3,0,0,0,0,$a,$a,0,0,0,0,60" "01,$a,$a,2,0,0,0,0,$a,$a,0,0,0,0,60"
csv values-1 ports $P "00,tcp,23,$a,$a,3,$a" "01,tcp,23,$a,$a,2,$a"
csv values-1 countries time,sensor,country,packets,sources "00,JP,$a,3" "01,JP,$a,2"
csv values-1 backscatter $B "00,203.0.113.50,JP,64510,tcp,443,synack,$a,Victim" \
	"01,203.0.113.50,JP,64510,tcp,443,synack,$a,Victim"
# 2. counts of 2^64 - 1 (the report adds them to the others: still 2^64 - 1
# at most a column), seconds of 2^32 - 1
csv values-2 totals $T "00,1,1,1,$max,0,0,0,0,0,0,0,0,0,60" "02,1,1,1,0,0,0,0,0,0,0,0,0,0,4294967295"
csv values-2 sources $S "00,198.51.100.9,NL,$max,1,$max,Max" "02,198.51.100.9,NL,$max,1,0,Max"
# 3. AS organisations as older sensors wrote them: quoted line ends (LF,
# CRLF), a tab, a byte that is not UTF-8, a formula guard
csv values-3 totals $T "00,4,4,3,0,0,0,0,0,2,0,0,0,0,60"
csv values-3 sources $S "00,198.51.100.7,JP,64500,1,0,\"Foo\"\"\nBar,\r\nInc\"" \
	"00,203.0.113.9,JP,64501,1,0,\"'=Tab\tand \xff byte\"" "00,2001:db8::5,JP,64502,2,0,\"line\nend\""
csv values-3 backscatter $B "00,203.0.113.60,JP,64520,tcp,443,synack,2,\"Victim\nCo\""

pg_up
"$TS_BIN" db init --reader-role rd 2>"$dir/init.err" || pg_fail "db init: $(cat "$dir/init.err")"
echo "every value the contract allows is loaded"
"$TS_BIN" ship "$data" 2>"$dir/ship.err" || pg_fail "ship refused values the contract allows: $(cat "$dir/ship.err")"
python3 tests/fleet/check_db.py --ledger "$data" || pg_fail "the database differs from the CSV"
h=9223372036854775818		# 2^63 + 10
[ "$(pg_sql "SELECT string_agg(packets::text, ' ' ORDER BY packets) FROM telescope.totals_hour")" = "2 4 $h" ] &&
	[ "$(pg_sql "SELECT packets FROM telescope.ports_hour")" = $h ] ||
	pg_fail "the hourly sums: $(pg_sql "SELECT sensor, packets FROM telescope.totals_hour")"
[ "$(pg_sql "SELECT count(*) FROM telescope.sources WHERE as_org = 'Foo\" Bar,  Inc'")" = 1 ] ||
	pg_fail "as_org with quoted line ends: $(pg_sql "SELECT as_org FROM telescope.sources")"

echo "report --db writes what report --data writes"
for f in md csv; do
	"$TS_BIN" report --data "$data" --from $day --to $day --format $f --out "$dir/data.$f" \
		2>"$dir/data.$f.err" || pg_fail "report --data: $(cat "$dir/data.$f.err")"
	PGUSER=rd "$TS_BIN" report --db "" --from $day --to $day --format $f --out "$dir/db.$f" \
		2>"$dir/db.$f.err" || pg_fail "report --db: $(cat "$dir/db.$f.err")"
	diff -r "$dir/data.$f" "$dir/db.$f" >"$dir/diff" ||
		pg_fail "--format $f: --db differs from --data: $(head -20 "$dir/diff")"
done
# the report counted them all: no line skipped, the sums in its tables
! grep -q "skipped" "$dir/data.md.err" || pg_fail "the report skipped lines: $(cat "$dir/data.md.err")"
grep -rq "$max" "$dir/data.csv" || pg_fail "no 2^64 - 1 in the report's tables"
grep -q "| Foo\" Bar,  Inc |" "$dir/data.md" && grep -q "| Victim Co |" "$dir/data.md" ||
	pg_fail "the AS organisations not in the report as read"

echo "what the contract does not allow: FILE:LINE"
bad=$dir/bad/values-4/$day
mkdir -p "$bad"
printf '%s\n%s\n' "$T" "${day}T00:00:00Z,values-4,18446744073709551616,0,0,0,0,0,0,0,0,0,0,0,0,60" \
	>"$bad/totals.csv"
printf '%s\n%s\n%s\n' time,sensor,proto,port,packets,bytes,sources,mirai \
	"${day}T00:00:00Z,values-4,tcp,23,1,1,1,0" "${day}T00:00:00Z,values-4,tcp,24,1.0,1,1,0" \
	>"$bad/ports.csv"
"$TS_BIN" ship "$dir/bad" 2>"$dir/bad.err" && pg_fail "ship loaded values the contract does not allow"
grep -qx "xdp-telescope: error: $bad/totals.csv:2: packets '18446744073709551616' is not a whole number from 0 to 2^64 - 1" \
	"$dir/bad.err" && grep -qx "xdp-telescope: error: $bad/ports.csv:3: packets '1.0' is not a whole number from 0 to 2^64 - 1" \
	"$dir/bad.err" || pg_fail "no FILE:LINE for the values out of range: $(cat "$dir/bad.err")"
sed -i 's/,18446744073709551616,0,0,0,0,0,0,0,0,0,0,0,0,60$/,1,0,0,0,0,0,0,0,0,0,0,0,0,0/' "$bad/totals.csv"
"$TS_BIN" ship "$dir/bad" 2>"$dir/bad.err"
grep -qx "xdp-telescope: error: $bad/totals.csv:2: seconds '0' is not a whole number from 1 to 2^32 - 1" \
	"$dir/bad.err" || pg_fail "seconds 0: $(cat "$dir/bad.err")"
[ "$(pg_sql "SELECT count(*) FROM telescope.sensor s JOIN telescope.totals t ON t.sensor = s.id WHERE s.name = 'values-4'")" = 0 ] ||
	pg_fail "rows of a refused file were committed"
echo "fleet_values: ok"
