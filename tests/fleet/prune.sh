#!/usr/bin/env bash
# Retention: db prune --keep-minutes DAYS drops the minute rows of older
# days, a day partition at a time, and leaves the hourly aggregates as
# they were, and the totals of every interval (a report's gaps); the positions stay (merged to one ledger row per file), so
# the next ship loads nothing again; a late row of a pruned day still
# reaches the aggregates; a prune stopped between detaching and dropping
# is finished by the next. Also: db init on an empty database makes the
# schema, and again changes nothing. A throwaway server (tests/lib/pg.sh).
set -u
cd "$(dirname "$0")/../.."
. tests/lib/pg.sh
pg_prepare fleet_prune
data=$dir/data
today=$(date -u +%s)
ymd() { date -u -d "@$(( today - $1 * 86400 ))" +%F; }   # the day N days ago

version=$(ls user/fleet/sql/v*.sql | wc -l)

pg_up
"$TS_BIN" db init 2>"$dir/init.err" && grep -q "made the schema, version $version" "$dir/init.err" ||
	pg_fail "db init: $(cat "$dir/init.err")"
"$TS_BIN" db init 2>"$dir/init.err" && grep -q "at version $version already" "$dir/init.err" ||
	pg_fail "db init again: $(cat "$dir/init.err")"
"$TS_BIN" synth --out "$data" --sensors 2 --from "$(ymd 8)" --to "$(ymd 3)" --rate 1 --seed 6 \
	>/dev/null || pg_fail "synth"
"$TS_BIN" ship "$data" 2>"$dir/ship.err" || pg_fail "ship: $(cat "$dir/ship.err")"
python3 tests/fleet/check_db.py "$data" || pg_fail "the database differs before the prune"

hourly() {
	for t in totals ports countries port_countries sources backscatter tags; do
		psql -X -q -c "COPY (SELECT * FROM telescope.${t}_hour h ORDER BY h::text) TO STDOUT"
	done | md5sum
}
days_left() { # [TABLES]: the days of the day tables (default: all but totals)
	pg_sql "SELECT string_agg(DISTINCT substring(relname from '[0-9]{8}$'), ' ' ORDER BY substring(relname from '[0-9]{8}$'))
		FROM pg_class WHERE relnamespace = 'telescope'::regnamespace
		AND relname ~ '^(${1:-ports|countries|port_countries|sources|backscatter|tags})_d[0-9]{8}$'"
}
compact() { ymd "$1" | tr -d -; }
aggregates=$(hourly)
positions=$(pg_sql "SELECT string_agg(concat_ws(':', sensor, day, series, gz, to_offset, to_line, tail), ' ' ORDER BY 1)
		    FROM (SELECT DISTINCT ON (sensor, day, series, gz) * FROM telescope.loaded
			  ORDER BY sensor, day, series, gz, to_offset DESC) x")
[ "$(days_left)" = "$(for n in 8 7 6 5 4 3; do printf '%s ' "$(compact $n)"; done | sed 's/ $//')" ] ||
	pg_fail "day tables before the prune: $(days_left)"

echo "prune: keep 5 days"
"$TS_BIN" db prune --keep-minutes 5 2>"$dir/prune.err" || pg_fail "db prune: $(cat "$dir/prune.err")"
grep -q "dropped 18 day tables of minute rows, $(ymd 8) to $(ymd 6); the hourly aggregates and the totals of every interval stay" \
	"$dir/prune.err" || pg_fail "db prune did not say what it dropped: $(cat "$dir/prune.err")"
[ "$(days_left)" = "$(compact 5) $(compact 4) $(compact 3)" ] || pg_fail "day tables after the prune: $(days_left)"
[ "$(pg_sql "SELECT count(*) FROM telescope.ports WHERE time < '$(ymd 5)'")" -eq 0 ] ||
	pg_fail "minute rows of pruned days are left"
[ "$(days_left totals)" = "$(for n in 8 7 6 5 4 3; do printf '%s ' "$(compact $n)"; done | sed 's/ $//')" ] &&
	[ "$(pg_sql "SELECT count(*) FROM telescope.totals WHERE time < '$(ymd 5)'")" -eq $((2 * 3 * 1440)) ] ||
	pg_fail "the prune dropped totals: $(days_left totals)"
[ "$(hourly)" = "$aggregates" ] || pg_fail "the prune changed the hourly aggregates"
[ "$(pg_sql "SELECT string_agg(concat_ws(':', sensor, day, series, gz, to_offset, to_line, tail), ' ' ORDER BY 1)
	     FROM (SELECT DISTINCT ON (sensor, day, series, gz) * FROM telescope.loaded
		   ORDER BY sensor, day, series, gz, to_offset DESC) x")" = "$positions" ] ||
	pg_fail "the prune moved a position"
[ "$(pg_sql "SELECT count(*) FROM telescope.loaded WHERE day < '$(ymd 5)' GROUP BY sensor, day, series, gz HAVING count(*) > 1")" = "" ] ||
	pg_fail "the ledger rows of pruned days were not merged"

echo "ship again: nothing is loaded twice"
"$TS_BIN" ship "$data" 2>"$dir/ship.err" || pg_fail "ship after the prune: $(cat "$dir/ship.err")"
grep -q "ship: 0 rows from 0 files" "$dir/ship.err" || pg_fail "ship loaded again: $(cat "$dir/ship.err")"
[ "$(hourly)" = "$aggregates" ] || pg_fail "the second ship changed the aggregates"

echo "a late row of a pruned day reaches the aggregates"
late=$data/sensor-01/$(ymd 7)/totals.csv
# the day's last row again, 30 s later, with as many columns as the header
tail -1 "$late" | awk -F, -v OFS=, -v t="$(ymd 7)T23:59:30Z" '{ $1 = t; print }' >"$dir/late"
cat "$dir/late" >>"$late"
"$TS_BIN" ship "$data" 2>"$dir/ship.err" || pg_fail "ship of a late row: $(cat "$dir/ship.err")"
grep -q "ship: 1 rows from 1 files" "$dir/ship.err" || pg_fail "the late row: $(cat "$dir/ship.err")"
[ "$(pg_sql "SELECT rows || ' ' || to_char(last_time AT TIME ZONE 'UTC', 'HH24:MI:SS') FROM telescope.totals_hour h
	     JOIN telescope.sensor s ON s.id = h.sensor WHERE s.name = 'sensor-01' AND hour = '$(ymd 7) 23:00:00+00'")" = "61 23:59:30" ] ||
	pg_fail "the late row is not in its hour's aggregate"

echo "a prune stopped after detaching is finished by the next"
old=$(compact 5)
pg_sql "ALTER TABLE telescope.ports DETACH PARTITION telescope.ports_d$old" >/dev/null
"$TS_BIN" db prune --keep-minutes 3 2>"$dir/prune.err" || pg_fail "db prune: $(cat "$dir/prune.err")"
[ "$(days_left)" = "$(compact 3)" ] || pg_fail "day tables after the second prune: $(days_left)"
"$TS_BIN" db prune --keep-minutes 3 2>"$dir/prune.err" && grep -q "no minute rows before" "$dir/prune.err" ||
	pg_fail "a prune with nothing to do: $(cat "$dir/prune.err")"
"$TS_BIN" db prune 2>"$dir/prune.err"
[ $? -eq 2 ] && grep -q "db prune: --keep-minutes DAYS is required" "$dir/prune.err" ||
	pg_fail "db prune without --keep-minutes: $(cat "$dir/prune.err")"
echo "fleet_prune: ok"
