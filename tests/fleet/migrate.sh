#!/usr/bin/env bash
# The versioned schema: a database that an older xdp-telescope made
# (schema version 1, user/fleet/sql/v1.sql as its db init ran it, with
# rows in it) is refused by this ship with a line that says what to do;
# db init migrates it to this version in one step, keeping the rows and
# giving the partitions made before the migration what the new version
# adds (version 4: the counts of its rows as numeric, a count of 2^64 - 1
# and an hour's sum past it taken, 2^64 refused); then ship loads into
# it. (A schema newer than the binary:
# tests/fleet/errors.sh.) A throwaway server (tests/lib/pg.sh).
set -u
cd "$(dirname "$0")/../.."
. tests/lib/pg.sh
pg_prepare fleet_migrate
day=2026-03-04
want=$(ls user/fleet/sql/v*.sql | wc -l)
[ "$want" -ge 2 ] || pg_fail "only one schema version: nothing to migrate"

pg_up
echo "a database at schema version 1, with a day of rows"
psql -X -q -v ON_ERROR_STOP=1 -1 -f user/fleet/sql/v1.sql >/dev/null || pg_fail "v1.sql"
pg_sql "INSERT INTO telescope.schema_version (version, applied_by) VALUES (1, 'xdp-telescope 0.1.0');
	INSERT INTO telescope.sensor (name) VALUES ('old-1');
	SELECT telescope.ensure_day('$day');
	INSERT INTO telescope.totals (time, sensor, packets, bytes) VALUES ('${day}T10:00:00Z', 1, 7, 420)" \
	>/dev/null || pg_fail "rows at version 1"

"$TS_BIN" synth --out "$dir/data" --sensors 1 --from $day --to $day --rate 1 --seed 2 >/dev/null ||
	pg_fail "synth"
"$TS_BIN" ship "$dir/data" 2>"$dir/ship.err"
rc=$?
[ "$rc" -eq 1 ] && grep -qx "xdp-telescope: error: ship: the database schema is version 1, older than this xdp-telescope's $want: 'xdp-telescope db init' migrates it" \
	"$dir/ship.err" || pg_fail "ship on an older schema: exit $rc, $(cat "$dir/ship.err")"
[ "$(pg_sql "SELECT count(*) FROM telescope.loaded")" -eq 0 ] || pg_fail "ship wrote into an older schema"

echo "db init migrates it"
"$TS_BIN" db init 2>"$dir/init.err" &&
	grep -q "db init: migrated the schema from version 1 to $want" "$dir/init.err" ||
	pg_fail "db init: $(cat "$dir/init.err")"
[ "$(pg_sql "SELECT string_agg(version::text, ' ' ORDER BY version) FROM telescope.schema_version")" = "$(seq -s ' ' 1 "$want")" ] ||
	pg_fail "schema_version after the migration: $(pg_sql "SELECT * FROM telescope.schema_version")"
[ "$(pg_sql "SELECT packets || ' ' || bytes FROM telescope.totals")" = "7 420" ] &&
	[ "$(pg_sql "SELECT packets FROM telescope.totals_hour")" = 7 ] ||
	pg_fail "the rows of version 1 did not survive the migration"
# version 2: the BRIN index on hour, also on a partition made at version 1
[ "$(pg_sql "SELECT count(*) FROM pg_indexes WHERE schemaname = 'telescope'
	     AND tablename = 'ports_hour_m${day:0:4}${day:5:2}' AND indexdef LIKE '%USING brin (hour)%'")" -eq 1 ] ||
	pg_fail "a partition made at version 1 has no BRIN index on hour"
# version 3: the tables of the locks ship takes
[ "$(pg_sql "SELECT to_regclass('telescope.file_lock') IS NOT NULL AND to_regclass('telescope.day_made') IS NOT NULL")" = t ] ||
	pg_fail "no telescope.file_lock or telescope.day_made after the migration"
# version 4: every count a telescope.count, every hourly sum a numeric,
# seconds a bigint, in the partitions made before the migration too; no
# bigint left but the hourly tables' rows
types=$(pg_sql "SELECT string_agg(DISTINCT format_type(a.atttypid, NULL), ' ')
	FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
	WHERE c.relnamespace = 'telescope'::regnamespace AND c.relname LIKE 'ports%' AND a.attname = 'packets'")
[ "$types" = "numeric telescope.count" ] || pg_fail "ports' packets after the migration: $types"
[ "$(pg_sql "SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
	WHERE c.relnamespace = 'telescope'::regnamespace AND c.relname ~ '^(totals|ports|countries|port_countries|sources|backscatter|tags)'
	AND a.attnum > 0 AND (a.atttypid = 'bigint'::regtype AND a.attname <> 'rows' AND a.attname <> 'seconds'
	OR a.atttypid = 'integer'::regtype AND a.attname = 'seconds')")" = 0 ] ||
	pg_fail "bigint counts left after the migration"
probe=$(pg_sql "INSERT INTO telescope.sensor (name) VALUES ('probe-1') RETURNING id")
pg_sql "INSERT INTO telescope.totals (time, sensor, packets, bytes) VALUES
	('${day}T10:00:00Z', $probe, 7, 1), ('${day}T10:01:00Z', $probe, 18446744073709551615, 1)" \
	>/dev/null || pg_fail "a count of 2^64 - 1 into the migrated table"
[ "$(pg_sql "SELECT packets FROM telescope.totals_hour WHERE sensor = $probe")" = 18446744073709551622 ] ||
	pg_fail "an hour's sum past 2^64 - 1: $(pg_sql "SELECT packets FROM telescope.totals_hour")"
pg_sql "INSERT INTO telescope.totals (time, sensor, packets, bytes) VALUES ('${day}T10:02:00Z', $probe, 18446744073709551616, 1)" \
	>/dev/null 2>&1 && pg_fail "the database took a count of 2^64"
"$TS_BIN" db init 2>"$dir/init.err" && grep -q "at version $want already" "$dir/init.err" ||
	pg_fail "db init again: $(cat "$dir/init.err")"

echo "ship loads into the migrated schema"
"$TS_BIN" ship "$dir/data" 2>"$dir/ship.err" || pg_fail "ship after the migration: $(cat "$dir/ship.err")"
python3 tests/fleet/check_db.py --only-sensors sensor-01 "$dir/data" || pg_fail "the database differs from the CSV"
echo "fleet_migrate: ok"
