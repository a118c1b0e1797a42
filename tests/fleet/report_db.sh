#!/usr/bin/env bash
# The same report either way: a synth fleet (3 sensors over parts of two
# quarters, with its injected events and sensor-02's gap; 20-minute
# intervals, so that each hourly aggregate adds up three of them) is
# shipped into a throwaway PostgreSQL 15, then `report --db` must write
# byte for byte what `report --data` writes of the CSV: a quarter, a month
# and a week, in English and Japanese, as Markdown and as CSV, read as
# the reader role (SELECT only); also with --port and --country, --tz
# on both sides of UTC and --group. The
# long-range chart and every series but totals come from the hourly
# tables alone (no minute table of another series is scanned), but for
# the day of a late interval, which must be read from its minute rows
# to spread that interval's rows alone over its days. One row
# changed in the database must show in the report (the comparison can
# fail). Bad input: an unreachable server, a wrong password, a schema
# newer than the binary, --db with --data, neither: one line, non-zero.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/pg.sh

pg_prepare fleet_report_db
fleet=$dir/fleet
"$TS_BIN" synth --out "$fleet" --sensors 3 --from 2022-06-10 --to 2022-08-31 \
	--interval 1200 --rate 0.5 --seed 7 >/dev/null || pg_fail "synth"
# A late interval: sensor-01's last of 2022-08-16 covers two hours, into
# the next day (report/span.h spreads its rows over both).
late=$fleet/sensor-01/2022-08-16/totals.csv
sed -i -E 's/^(2022-08-16T23:40:00Z,sensor-01,.*),1200$/\1,7200/' "$late"
grep -q '^2022-08-16T23:40:00Z,.*,7200$' "$late" || pg_fail "no late interval made in $late"
pg_up
"$TS_BIN" db init --reader-role rd 2>"$dir/init.log" || pg_fail "db init: $(cat "$dir/init.log")"
"$TS_BIN" ship "$fleet" 2>"$dir/ship.log" || pg_fail "ship: $(tail -3 "$dir/ship.log")"

# report WHERE ARGS...: the report into $dir/WHERE (a file, or a directory for csv)
report() {
	local where=$1
	shift
	rm -rf "${dir:?}/$where"
	"$@" --out "$dir/$where" 2>"$dir/$where.err" ||
		pg_fail "report ${*:2}: $(cat "$dir/$where.err")"
}
# same LABEL ARGS...: the report from --data and from --db (as rd) the same
same() {
	local label=$1
	shift
	report a "$TS_BIN" report --data "$fleet" "$@"
	PGUSER=rd report b "$TS_BIN" report --db "" "$@"
	diff -r "$dir/a" "$dir/b" >"$dir/diff" ||
		pg_fail "$label: --db differs from --data: $(head -20 "$dir/diff")"
	n=$((n + 1))
}
n=0
for period in "--quarter 2022Q3" "--month 2022-06" "--week 2022-W33"; do
	for lang in en ja; do
		same "$period $lang md" $period --lang $lang --format md
		same "$period $lang csv" $period --lang $lang --format csv
	done
	# what is compared holds the events and the gap
	case $period in
	*Q3) grep -q '^local_spike,.*,sensor-03,' "$dir/a/events.csv" || pg_fail "the quarter has no event" ;;
	*06) grep -q 'sensor-02' "$dir/a/gaps.csv" || pg_fail "the month has no gap" ;;
	*W33) grep -q '^country_spike,.*,RO,' "$dir/a/events.csv" || pg_fail "the week has no spike" ;;
	esac
done

# Local days (--tz: the hours added up by local day, on both sides of
# UTC) and one group of sensors (--group: each sensor's rows apart).
same "--tz Asia/Tokyo quarter" --quarter 2022Q3 --tz Asia/Tokyo --format csv
same "--tz America/New_York month" --month 2022-07 --tz America/New_York --lang ja --format md
same "--group domestic" --quarter 2022Q3 --sensors "$fleet/sensors.csv" --group domestic --format csv
same "--group overseas --tz Asia/Tokyo" --week 2022-W33 --sensors "$fleet/sensors.csv" \
	--group overseas --tz Asia/Tokyo --format md
# A zone not a whole number of hours from UTC: the hours count on the
# local day they begin in, and the report says so once.
PGUSER=rd report b "$TS_BIN" report --db "" --week 2022-W33 --tz Asia/Kolkata --format csv
[ "$(grep -c 'not a whole number of hours from UTC' "$dir/b.err")" = 1 ] ||
	pg_fail "--tz Asia/Kolkata: no warning: $(cat "$dir/b.err")"

# --port (the long-range chart over every day) and --country; the
# statistics of the minute tables say which the report read.
pg_sql "SELECT pg_stat_reset()" >/dev/null
same "--port --country" --quarter 2022Q3 --port 1433/tcp --port 1900/udp --country JP \
	--country TW --format md
minute_reads() { # DAYS: scans of the minute tables (not totals) of days matching DAYS
	pg_sql "SELECT coalesce(sum(coalesce(seq_scan, 0) + coalesce(idx_scan, 0)), 0)
		FROM pg_stat_user_tables WHERE schemaname = 'telescope'
		AND relname ~ '^(ports|countries|port_countries|sources|backscatter|tags)_d[0-9]{8}$'
		AND substring(relname from '[0-9]{8}$') ~ '$1'"
}
sleep 1	# the report's backends report their statistics as they end
# only the late interval's day is read from its minute rows
[ "$(minute_reads '^(?!20220816)')" = 0 ] ||
	pg_fail "the report read minute tables other than totals: $(minute_reads '^(?!20220816)') scans"
[ "$(minute_reads '^20220816$')" -gt 0 ] || pg_fail "the late interval's day was not read from its minute rows"

# The comparison can fail: one hourly row more by one packet.
pg_sql "UPDATE telescope.ports_hour SET packets = packets + 1 WHERE (sensor, hour, proto, port) IN
	(SELECT sensor, hour, proto, port FROM telescope.ports_hour
	 WHERE hour >= '2022-08-17' AND hour < '2022-08-18' ORDER BY packets DESC LIMIT 1)" >/dev/null
report a "$TS_BIN" report --data "$fleet" --week 2022-W33 --format csv
report b "$TS_BIN" report --db "" --week 2022-W33 --format csv
diff -r "$dir/a" "$dir/b" >/dev/null && pg_fail "one row changed in the database, and the report did not change"

# Bad input: each one line on stderr and a non-zero exit.
bad() { # LABEL EXPECTED ARGS...
	local label=$1 expected=$2 rc
	shift 2
	"$TS_BIN" report "$@" --week 2022-W33 --format md >/dev/null 2>"$dir/bad.err"
	rc=$?
	[ "$rc" -ne 0 ] || pg_fail "$label: exit 0"
	[ "$(wc -l <"$dir/bad.err")" -eq 1 ] || pg_fail "$label: not one line: $(cat "$dir/bad.err")"
	grep -q -- "$expected" "$dir/bad.err" || pg_fail "$label: no '$expected' in: $(cat "$dir/bad.err")"
}
bad "no server" "report: --db: connection to server" --db "host=$dir/nowhere"
pg_sql "CREATE ROLE pwuser LOGIN PASSWORD 'right horse' IN ROLE telescope_reader" >/dev/null
PGPASSWORD=wrong bad "a wrong password" 'password authentication failed for user "pwuser"' \
	--db "user=pwuser"
pg_sql "INSERT INTO telescope.schema_version (version, applied_by) VALUES (99, 'a newer one')" >/dev/null
bad "a newer schema" "schema is version 99, newer than" --db ""
pg_sql "DELETE FROM telescope.schema_version WHERE version = 99" >/dev/null
bad "--db and --data" "exclude each other" --db "" --data "$fleet"
bad "neither" "give --data DIR or --db CONNINFO"
echo "fleet_report_db: ok ($n reports the same from --db as from --data; no minute table but totals read, but the late interval's day; a changed row shows; 5 bad inputs refused)"
