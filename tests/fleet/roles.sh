#!/usr/bin/env bash
# Who may do what (docs/fleet.md): a sensor's role loads its own sensor's
# rows and is refused another's, by ship and by the database itself (row-
# level security), leaving nothing behind; it reads no sensor's data and
# updates or deletes nothing. The reader's role reads everything and
# writes nothing. The loader's role (a centre) loads every sensor, and a
# second ship of the same directories, from a copy elsewhere (another
# host's rsync), changes nothing. A sensor's role may make the partitions
# of the last 400 days up to the day after tomorrow only, the loader's and
# the owner's of any day since 2000. A password file that cannot be read
# is said before db init makes anything. A throwaway server
# (tests/lib/pg.sh).
set -u
cd "$(dirname "$0")/../.."
. tests/lib/pg.sh
pg_prepare fleet_roles
ymd() { date -u -d "@$(( $(date -u +%s) + $1 * 86400 ))" +%F; }   # the day N days from today
day=$(ymd -2)
data=$dir/data

pg_up
echo "a password file that cannot be read: one line, nothing made"
"$TS_BIN" db init --reader-role r9 --password-file "$dir/none" 2>"$dir/init.err"
rc=$?
[ "$rc" -eq 1 ] && [ "$(wc -l <"$dir/init.err")" -eq 1 ] &&
	grep -qx "xdp-telescope: error: db init: cannot read --password-file $dir/none: No such file or directory" "$dir/init.err" ||
	pg_fail "db init with a password file that is not there: exit $rc, $(cat "$dir/init.err")"
[ "$(pg_sql "SELECT (to_regnamespace('telescope') IS NULL) || ' ' || count(*) FROM pg_roles WHERE rolname = 'r9'")" = "true 0" ] ||
	pg_fail "db init made something with a password file that is not there"

printf 'sensor one\n' >"$dir/pw"
"$TS_BIN" db init --sensor-role s1 --sensor sensor-01 --password-file "$dir/pw" 2>"$dir/init.err" &&
	"$TS_BIN" db init --reader-role r1 2>>"$dir/init.err" &&
	"$TS_BIN" db init --loader-role l1 2>>"$dir/init.err" || pg_fail "db init: $(cat "$dir/init.err")"
grep -q "role s1 made, a member of telescope_sensor" "$dir/init.err" &&
	grep -q "sensor sensor-01 (id 1) is written by role s1" "$dir/init.err" ||
	pg_fail "db init did not say what it made: $(cat "$dir/init.err")"
[ "$(pg_sql "SELECT rolpassword LIKE 'SCRAM-SHA-256\$%' FROM pg_authid WHERE rolname = 's1'")" = t ] ||
	pg_fail "s1 has no SCRAM password"
"$TS_BIN" synth --out "$data" --sensors 2 --from $day --to $day --rate 2 --seed 4 >/dev/null ||
	pg_fail "synth"
ship() { "$TS_BIN" ship "$@" 2>"$dir/ship.err"; rc=$?; err=$(cat "$dir/ship.err"); }
# as ROLE SQL: psql as that role; its output and error in $out, status in $rc
as() { out=$(psql -X -At -U "$1" -v ON_ERROR_STOP=1 -c "$2" 2>&1); rc=$?; }
refused() { # ROLE SQL WHY: the statement fails with WHY
	as "$1" "$2"
	[ "$rc" -ne 0 ] && [[ "$out" == *"$3"* ]] || pg_fail "$1 was not refused '$2': $out"
}
# everything the database holds, as one line per table: rows and a checksum
digest() {
	pg_sql "SELECT string_agg(t || ' ' || n, ', ' ORDER BY t) FROM (
		SELECT 'loaded' t, count(*) || ' ' || sum(hashtext(concat_ws(' ', sensor, day, series, gz, from_offset, to_offset, rows))) n FROM telescope.loaded
		UNION ALL SELECT 'sensor', count(*) || '' FROM telescope.sensor
		UNION ALL SELECT 'totals', count(*) || ' ' || sum(packets) FROM telescope.totals
		UNION ALL SELECT 'ports', count(*) || ' ' || sum(packets) FROM telescope.ports
		UNION ALL SELECT 'sources', count(*) || ' ' || sum(packets) FROM telescope.sources
		UNION ALL SELECT 'tags_hour', count(*) || ' ' || sum(packets) FROM telescope.tags_hour) x"
}

echo "a sensor's role loads its own sensor"
ship --db "user=s1" "$data/sensor-01"
[ "$rc" -eq 0 ] || pg_fail "s1 shipping sensor-01: exit $rc, $err"
python3 tests/fleet/check_db.py "$data/sensor-01" || pg_fail "sensor-01 as s1"

echo "and is refused another's, leaving nothing behind"
ship --db "user=s1" "$data/sensor-02"
[ "$rc" -eq 1 ] && [[ "$err" == *"sensor 'sensor-02' is not one the role 's1' may write"* ]] ||
	pg_fail "s1 shipping sensor-02: exit $rc, $err"
[ "$(pg_sql "SELECT count(*) FROM telescope.sensor WHERE name <> 'sensor-01'")" -eq 0 ] ||
	pg_fail "s1 registered another sensor"
# registered by the owner, with no writer: the database itself must refuse
id2=$(pg_sql "INSERT INTO telescope.sensor (name) VALUES ('sensor-02') RETURNING id")
pg_sql "SELECT telescope.ensure_day('$day')" >/dev/null
before=$(digest)
ship --db "user=s1" "$data/sensor-02"
[ "$rc" -eq 1 ] || pg_fail "s1 shipping a registered sensor-02: exit $rc"
refused s1 "INSERT INTO telescope.totals (time, sensor, packets, bytes) VALUES ('${day}T00:00:00Z', $id2, 1, 1)" \
	"new row violates row-level security policy"
# one statement with a row of its own and one of another's: all or nothing
refused s1 "INSERT INTO telescope.ports (time, sensor, proto, port, packets) VALUES
	('${day}T23:59:59Z', 1, 6, 1, 1), ('${day}T23:59:59Z', $id2, 6, 1, 1)" \
	"new row violates row-level security policy"
refused s1 "CREATE TEMP TABLE x AS SELECT '${day}T23:59:59Z'::timestamptz AS time, $id2::smallint AS sensor, 1::bigint AS packets, 1::bigint AS bytes;
	INSERT INTO telescope.totals (time, sensor, packets, bytes) SELECT * FROM x" \
	"new row violates row-level security policy"
refused s1 "INSERT INTO telescope.loaded (sensor, day, series, gz, from_offset, to_offset, to_line, tail, rows, host, path)
	VALUES ($id2, '$day', 'totals', false, 0, 10, 1, 0, 1, 'h', 'p')" "row-level security"
refused s1 "INSERT INTO telescope.sensor (name, writer) VALUES ('sensor-03', 's1')" "permission denied"
refused s1 "UPDATE telescope.sensor SET writer = 's1'" "permission denied"
[ "$(digest)" = "$before" ] || pg_fail "the refused writes left something behind: $(digest) (was $before)"

echo "it reads no sensor's data and changes nothing"
for table in totals ports sources totals_hour ports_hour sources_hour; do
	refused s1 "SELECT count(*) FROM telescope.$table" "permission denied"
done
for sql in "UPDATE telescope.totals SET packets = 0" "DELETE FROM telescope.totals" \
	   "DELETE FROM telescope.loaded" "UPDATE telescope.loaded SET to_offset = 0" \
	   "TRUNCATE telescope.totals" "INSERT INTO telescope.totals_hour (hour, first_time, last_time, rows, packets, bytes, sensor) VALUES (now(), now(), now(), 1, 1, 1, 1)" \
	   "DROP TABLE telescope.totals" "CREATE TABLE telescope.x (a int)"; do
	as s1 "$sql"
	[ "$rc" -ne 0 ] || pg_fail "s1 may '$sql'"
done
as s1 "SELECT string_agg(name, ',') FROM telescope.sensor"
[ "$out" = sensor-01 ] || pg_fail "s1 sees the sensors '$out'"
as s1 "SELECT count(DISTINCT sensor) FROM telescope.loaded"
[ "$out" = 1 ] || pg_fail "s1 sees the positions of $out sensors"
[ "$(digest)" = "$before" ] || pg_fail "s1 changed something: $(digest) (was $before)"

echo "the reader's role reads everything and writes nothing"
as r1 "SELECT (SELECT count(*) FROM telescope.totals) + (SELECT count(*) FROM telescope.ports_hour) + (SELECT count(*) FROM telescope.loaded)"
[ "$rc" -eq 0 ] && [ "$out" -gt 0 ] || pg_fail "r1 cannot read: $out"
for sql in "INSERT INTO telescope.totals (time, sensor, packets, bytes) VALUES ('${day}T23:59:59Z', 1, 1, 1)" \
	   "UPDATE telescope.totals SET packets = 0" "DELETE FROM telescope.ports" \
	   "INSERT INTO telescope.sensor (name) VALUES ('r')" "DELETE FROM telescope.loaded" \
	   "SELECT telescope.ensure_day('$day')"; do
	as r1 "$sql"
	[ "$rc" -ne 0 ] || pg_fail "r1 may '$sql'"
done
ship --db "user=r1" "$data"
[ "$rc" -eq 1 ] || pg_fail "r1 shipping: exit $rc"
[ "$(digest)" = "$before" ] || pg_fail "r1 changed something: $(digest) (was $before)"

echo "a sensor's role makes the partitions of the last 400 days only"
tables() { pg_sql "SELECT count(*) FROM pg_class WHERE relnamespace = 'telescope'::regnamespace"; }
before=$(tables)
for d in 2001-01-01 "$(ymd -401)" "$(ymd 3)"; do
	refused s1 "SELECT telescope.ensure_day('$d')" "day $d is out of range for role s1: $(ymd -400) to $(ymd 2)"
done
[ "$(tables)" -eq "$before" ] || pg_fail "refused days made tables"
as s1 "SELECT telescope.ensure_day('$(ymd -400)'), telescope.ensure_day('$(ymd 2)')"
[ "$rc" -eq 0 ] || pg_fail "s1 may not make the partitions of $(ymd -400) and $(ymd 2): $out"
pg_sql "SELECT telescope.ensure_day('2001-01-01')" >/dev/null || pg_fail "the owner may not make 2001-01-01"
ancient=$dir/ancient/sensor-01/$(ymd -500)
mkdir -p "$ancient"
sed "s/^$day/$(ymd -500)/" "$data/sensor-01/$day/totals.csv" >"$ancient/totals.csv"
ship --db "user=s1" "$dir/ancient"
[ "$rc" -eq 1 ] && [[ "$err" == *"totals.csv: cannot make the partitions of its day: day $(ymd -500) is out of range for role s1"* ]] ||
	pg_fail "s1 shipping a day 500 days ago: exit $rc, $err"

echo "the loader's role loads every sensor; a second ship from a copy changes nothing"
ship --db "user=l1" "$data"
[ "$rc" -eq 0 ] || pg_fail "l1 shipping: exit $rc, $err"
python3 tests/fleet/check_db.py --ledger "$data" || pg_fail "the fleet as l1"
as l1 "SELECT telescope.ensure_day('2005-06-01')"
[ "$rc" -eq 0 ] || pg_fail "l1 may not make the partitions of 2005-06-01: $out"
after=$(digest)
cp -a "$data" "$dir/copy-on-another-host"
ship --db "user=l1" "$dir/copy-on-another-host"
[ "$rc" -eq 0 ] || pg_fail "the second ship: exit $rc, $err"
[ "$(digest)" = "$after" ] || pg_fail "a second ship of the same files changed $(digest) (was $after)"
echo "fleet_roles: ok"
