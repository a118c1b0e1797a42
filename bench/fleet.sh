#!/usr/bin/env bash
# `make bench`, the fleet step (docs/fleet.md, docs/bench.md): how fast
# `ship` loads, and how big the database grows per sensor-day.
#   A throwaway PostgreSQL 15 (tests/lib/pg.sh, with fsync on: a real
#   server's durability), synth data of TS_BENCH_FLEET_SENSORS sensors
#   (default 4) over TS_BENCH_FLEET_DAYS days (default 7), at synth's
#   default rate; one `ship` pass as the schema's owner (COPY straight
#   into the minute tables) and, for the same data of one more sensor, as
#   that sensor's own role (row-level security: COPY into a staging table,
#   then INSERT … SELECT); rows/s of each, and the size of the minute
#   tables, the hourly aggregates and the ledger per sensor-day.
# Results: rows fleet.* appended to build/bench.csv (made when missing)
# and a summary on stdout. Needs root (initdb runs as the postgres user).
set -euo pipefail
cd "$(dirname "$0")/.."
TS_BIN=${TS_BIN:-$PWD/build/xdp-telescope}
CSV=build/bench.csv
SENSORS=${TS_BENCH_FLEET_SENSORS:-4}
DAYS=${TS_BENCH_FLEET_DAYS:-7}
PG_FSYNC=on
. tests/lib/pg.sh

[ -s "$CSV" ] || echo "name,value,unit" >"$CSV"
row() { printf '%s,%s,%s\n' "$1" "$2" "$3" >>"$CSV"; }
# days a sensor's role may still load (ensure_day: the last 400 days)
from=$(date -u -d "$(date -u +%F) - $((DAYS + 30)) days" +%F)
to=$(date -u -d "$from + $((DAYS - 1)) days" +%F)

pg_up
data=$PG_DIR/data-csv
"$TS_BIN" synth --out "$data" --sensors $((SENSORS + 1)) --from $from --to $to >/dev/null
own=$(printf 'sensor-%02d' $((SENSORS + 1)))
mv "$data/$own" "$PG_DIR/own"
csv_bytes=$(du -sb "$data" | cut -f1)
"$TS_BIN" db init --sensor-role bench_sensor --sensor "$own" 2>/dev/null

ship() { # NAME ARGS...: one timed pass; its rows and rows/s as fleet.NAME.*
	local name=$1 t0 t1 rows
	shift
	t0=$(date +%s.%N)
	"$@" 2>"$PG_DIR/ship.log" || { cat "$PG_DIR/ship.log" >&2; exit 1; }
	t1=$(date +%s.%N)
	rows=$(sed -n 's/.*ship: \([0-9]*\) rows from.*/\1/p' "$PG_DIR/ship.log")
	row "fleet.$name.rows" "$rows" rows
	row "fleet.$name.seconds" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')" s
	row "fleet.$name.rows_per_s" "$(awk -v a="$t0" -v b="$t1" -v n="$rows" 'BEGIN { printf "%.0f", n / (b - a) }')" rows/s
}
ship owner "$TS_BIN" ship "$data"
ship again "$TS_BIN" ship "$data"	# nothing new: the cost of a pass that finds nothing
PGUSER=bench_sensor ship sensor_role "$TS_BIN" ship "$PG_DIR/own"

# Sizes (tables, indexes and TOAST) by kind of table, per sensor-day.
size() { pg_sql "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c
	JOIN pg_namespace n ON n.oid = c.relnamespace
	WHERE n.nspname = 'telescope' AND c.relkind = 'r' AND c.relname ~ '$1'"; }
sd=$(( (SENSORS + 1) * DAYS ))
minute=$(size '_d[0-9]{8}$')
hour=$(size '_hour_m[0-9]{6}$')
ledger=$(size '^loaded$')
row fleet.sensor_days "$sd" sensor-days
row fleet.csv_bytes_per_sensor_day $((csv_bytes / (SENSORS * DAYS))) bytes
row fleet.minute_bytes_per_sensor_day $((minute / sd)) bytes
row fleet.hour_bytes_per_sensor_day $((hour / sd)) bytes
row fleet.ledger_bytes_per_sensor_day $((ledger / sd)) bytes
# and table by table (the partitions of each, added up)
pg_sql "SELECT p.relname, sum(pg_total_relation_size(c.oid)) / $sd FROM pg_inherits i
	JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
	JOIN pg_namespace n ON n.oid = p.relnamespace
	WHERE n.nspname = 'telescope' AND c.relkind = 'r' GROUP BY 1 ORDER BY 1" |
	while IFS='|' read -r table bytes; do
		row "fleet.table.$table.bytes_per_sensor_day" "${bytes%.*}" bytes
	done
row fleet.rows_per_sensor_day "$(pg_sql "SELECT (sum(rows) / $sd)::bigint FROM telescope.loaded")" rows

# The report from the database beside the report from the CSV: a year
# of TS_BENCH_REPORT_SENSORS synth sensors (default 10) at 20-minute
# intervals and half a flow a sensor-minute (docs/bench.md says why),
# shipped into a database of its own; then the year's last quarter and
# the whole year with the long-range chart of two ports, each from
# --data and from --db (as the reader role), wall time and peak RSS by
# /usr/bin/time. The two must be byte-identical, and the year's report
# from --db must scan no minute table but totals.
RSENSORS=${TS_BENCH_REPORT_SENSORS:-10}
year=$PG_DIR/year
"$TS_BIN" synth --out "$year" --sensors "$RSENSORS" --from 2025-01-01 --to 2025-12-31 \
	--interval 1200 --rate 0.5 >/dev/null
psql -X -q -d postgres -c 'CREATE DATABASE telescope_year'
export PGDATABASE=telescope_year
"$TS_BIN" db init --reader-role bench_reader 2>/dev/null
ship year "$TS_BIN" ship "$year"
pg_sql "VACUUM ANALYZE" >/dev/null
row fleet.report.sensor_days $((RSENSORS * 365)) sensor-days
report() { # NAME SOURCE ARGS...: one timed report into $PG_DIR/NAME.SOURCE.md
	local name=$1 source=$2 out=$PG_DIR/$1.$2.md
	shift 2
	/usr/bin/time -v -o "$PG_DIR/time.log" "$TS_BIN" report "$@" --verbose --format md --out "$out" \
		2>"$PG_DIR/report.log" || { cat "$PG_DIR/report.log" "$PG_DIR/time.log" >&2; exit 1; }
	row "fleet.report.$name.$source.seconds" "$(awk -F': ' '/Elapsed/ { n = split($2, t, ":");
		s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.2f", s }' "$PG_DIR/time.log")" s
	row "fleet.report.$name.$source.peak_rss" "$(awk -F': ' '/Maximum resident/ { print $2 }' \
		"$PG_DIR/time.log")" KiB
	# its steps (--verbose): the reads, and what either input shares
	local step key
	for step in "period read:read" "look-back read:lookback" "events detected:events" \
		"year before read:year_before" "tables and charts made:tables"; do
		key=${step#*:}
		row "fleet.report.$name.$source.$key.seconds" "$(sed -n "s/.*debug: report: the ${step%:*} \([0-9.]*\) s$/\1/p" \
			"$PG_DIR/report.log")" s
	done
}
minute_scans() {
	pg_sql "SELECT coalesce(sum(coalesce(seq_scan, 0) + coalesce(idx_scan, 0)), 0)
		FROM pg_stat_user_tables WHERE schemaname = 'telescope'
		AND relname ~ '^(ports|countries|port_countries|sources|backscatter|tags)_d[0-9]{8}$'"
}
for name in quarter year; do
	case $name in
	quarter) args=(--quarter 2025Q4) ;;
	year) args=(--from 2025-01-01 --to 2025-12-31 --port 1433/tcp --port 23/tcp) ;;
	esac
	report "$name" data --data "$year" "${args[@]}"
	pg_sql "SELECT pg_stat_reset()" >/dev/null
	PGUSER=bench_reader report "$name" db --db "" "${args[@]}"
	sleep 1	# the report's backends send their statistics as they end
	row "fleet.report.$name.minute_scans" "$(minute_scans)" scans
	cmp -s "$PG_DIR/$name.data.md" "$PG_DIR/$name.db.md" && same=1 || same=0
	row "fleet.report.$name.identical" "$same" bool
done
unset PGDATABASE

awk -F, '
function v(k) { return val[k] }
{ val[$1] = $2 }
$1 ~ /^fleet\.table\./ { t = $1; sub(/^fleet\.table\./, "", t); sub(/\.bytes_per_sensor_day$/, "", t); if (!(t in seen)) { seen[t]; names[++n] = t } }
END {
	print ""
	print "== fleet: ship into PostgreSQL 15 (fsync on), " v("fleet.sensor_days") " sensor-days of synth"
	printf "  ship as the owner        %9d rows in %6.2f s: %8d rows/s\n", v("fleet.owner.rows"),
		v("fleet.owner.seconds"), v("fleet.owner.rows_per_s")
	printf "  ship as a sensor role    %9d rows in %6.2f s: %8d rows/s (row-level security)\n",
		v("fleet.sensor_role.rows"), v("fleet.sensor_role.seconds"), v("fleet.sensor_role.rows_per_s")
	printf "  a pass with nothing new  %6.2f s\n", v("fleet.again.seconds")
	printf "  per sensor-day (%d rows, %.1f MiB of CSV): minute tables %.1f MiB, hourly aggregates %.1f MiB, ledger %.3f MiB\n",
		v("fleet.rows_per_sensor_day"), v("fleet.csv_bytes_per_sensor_day") / 1048576,
		v("fleet.minute_bytes_per_sensor_day") / 1048576, v("fleet.hour_bytes_per_sensor_day") / 1048576,
		v("fleet.ledger_bytes_per_sensor_day") / 1048576
	printf "  table by table, per sensor-day:"
	for (i = 1; i <= n; i++)
		printf "%s %s %.2f MiB", (i - 1) % 4 ? "," : "\n   ", names[i], v("fleet.table." names[i] ".bytes_per_sensor_day") / 1048576
	print ""
	printf "  report from the database, %d sensor-days shipped at %d rows/s:\n",
		v("fleet.report.sensor_days"), v("fleet.year.rows_per_s")
	for (k = 1; k <= 2; k++) {
		r = k == 1 ? "quarter" : "year"
		d = v("fleet.report." r ".data.seconds"); b = v("fleet.report." r ".db.seconds")
		printf "    %-8s --data %7.2f s %7.0f MiB   --db %7.2f s %7.0f MiB   %5.2fx faster, %s, %d minute-table scans\n",
			r, d, v("fleet.report." r ".data.peak_rss") / 1024, b,
			v("fleet.report." r ".db.peak_rss") / 1024, (b > 0 ? d / b : 0),
			v("fleet.report." r ".identical") ? "identical" : "DIFFERENT", v("fleet.report." r ".minute_scans")
		for (k2 = 1; k2 <= 2; k2++) {
			src = k2 == 1 ? "data" : "db"
			p = "fleet.report." r "." src "."
			printf "      %-4s steps: read %.2f s, look-back %.2f s, events %.2f s, year before %.2f s, tables %.2f s\n",
				src, v(p "read.seconds"), v(p "lookback.seconds"), v(p "events.seconds"),
				v(p "year_before.seconds"), v(p "tables.seconds")
		}
	}
	got = v("fleet.owner.rows_per_s") + 0
	printf "\n  %-56s %10d %s %d  %s\n", "ship rows/s (target of issue 10)", got, ">=", 100000,
		(got >= 100000) ? "met" : "MISSED"
	b = v("fleet.report.quarter.db.seconds")
	got = b > 0 ? v("fleet.report.quarter.data.seconds") / b : 0
	printf "  %-56s %10.2f %s %d  %s\n", "a quarter: --data seconds / --db seconds", got, ">=", 5,
		(got >= 5) ? "met" : "MISSED"
}' "$CSV"
