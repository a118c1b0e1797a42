#!/usr/bin/env bash
# Bad input and bad connections, each a clear line, nothing lost, nothing
# half-committed: a row that does not parse (that file stops, the others
# load, a re-run after the fix goes on from where it stopped), older files
# without the newer columns and a file with a column unknown here, a
# truncated .gz (its complete members load, the rest once it is whole), a
# partial last line (left until it is whole, said once under --follow), a
# file shorter than what is loaded or replaced under its position, a wrong
# password (SCRAM; the right one from PGPASSFILE or ~/.pgpass works), a server that
# cannot be reached (one line, exit 1; under --follow said once), a
# schema newer than the binary, and an older backup of the database
# restored under ship --follow (it loads again what the backup lacks). A throwaway server (tests/lib/pg.sh).
set -u
cd "$(dirname "$0")/../.."
. tests/lib/pg.sh
pg_prepare fleet_errors
day=2026-03-02
data=$dir/data

pg_up
"$TS_BIN" db init 2>"$dir/init.err" || pg_fail "db init: $(cat "$dir/init.err")"
"$TS_BIN" synth --out "$data" --sensors 2 --from $day --to $day --rate 1 --seed 3 ||
	pg_fail "synth"
check() { python3 tests/fleet/check_db.py "$@" || pg_fail "the database differs from the CSV"; }
# ship ARGS…: run it, stderr in $err, the exit status in $rc
ship() { "$TS_BIN" ship "$@" 2>"$dir/ship.err"; rc=$?; err=$(cat "$dir/ship.err"); }
count() { pg_sql "SELECT count(*) FROM telescope.$1 m JOIN telescope.sensor s ON s.id = m.sensor WHERE s.name = '$2'"; }

echo "a row that does not parse stops its file; the others load"
ports=$data/sensor-01/$day/ports.csv
cp "$ports" "$dir/ports.good"
sed -i '50s/^\([^,]*,[^,]*,[^,]*\),[0-9]*,/\1,70000,/' "$ports"
ship "$data"
[ "$rc" -eq 1 ] || pg_fail "ship exit $rc with a bad row, expected 1"
grep -qx "xdp-telescope: error: $ports:50: port '70000' is not a whole number from 0 to 65535" \
	"$dir/ship.err" || pg_fail "no FILE:LINE line for the bad row: $err"
[ "$(count ports sensor-01)" -eq 0 ] || pg_fail "rows of the bad file were committed"
[ "$(count totals sensor-01)" -eq 1440 ] || pg_fail "the other files of sensor-01 were not loaded"
[ "$(count ports sensor-02)" -gt 0 ] || pg_fail "sensor-02 was not loaded"
ship "$data"
[ "$rc" -eq 1 ] && grep -q ':50: port' "$dir/ship.err" || pg_fail "the bad row not said again by a new ship"
cp "$dir/ports.good" "$ports"
ship "$data"
[ "$rc" -eq 0 ] || pg_fail "ship exit $rc after the fix: $err"
check "$data"

echo "older files without the newer columns (seconds among them); the newest; an unknown column"
old=$dir/old/legacy-1/$day
mkdir -p "$old"
python3 - "$data/sensor-01/$day" "$old" <<'PY'
import csv, sys
src, dst = sys.argv[1], sys.argv[2]
drop = {"totals": ["tagged", "tag_overflow", "seconds"], "ports": ["bytes", "mirai"],
        "port_countries": ["mirai", "sources"], "sources": ["asn", "as_org", "bytes"],
        "backscatter": ["asn", "as_org"]}
for name, cols in drop.items():
    rows = list(csv.reader(open("%s/%s.csv" % (src, name), newline="")))
    keep = [i for i, c in enumerate(rows[0]) if c not in cols]
    with open("%s/%s.csv" % (dst, name), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        for r in rows:
            r = [r[i] for i in keep]
            r[1] = "legacy-1" if r[1] != "sensor" else r[1]
            w.writerow(r)
PY
newer=$dir/old/newer-1/$day
mkdir -p "$newer"
awk -F, -v OFS=, 'NR > 1 { $2 = "newer-1" } { print }' \
	"$data/sensor-01/$day/totals.csv" >"$newer/totals.csv"
ship "$dir/old"
[ "$rc" -eq 0 ] || pg_fail "ship of older and newer files, exit $rc: $err"
[ "$(pg_sql "SELECT count(*) FROM telescope.totals WHERE tagged IS NULL AND seconds IS NULL")" -eq 1440 ] ||
	pg_fail "the older totals rows do not have NULL tagged and seconds"
[ "$(pg_sql "SELECT sum(seconds) FROM telescope.totals_hour h JOIN telescope.sensor s ON s.id = h.sensor WHERE s.name = 'newer-1'")" -eq 86400 ] ||
	pg_fail "the seconds of the newer totals did not reach the aggregate"
check "$data" "$dir/old"
mkdir -p "$dir/unknown/x-1/$day"
printf 'time,sensor,country,packets,sources,frobs\n%sT00:00:00Z,x-1,JP,1,1,2\n' $day \
	>"$dir/unknown/x-1/$day/countries.csv"
ship "$dir/unknown"
[ "$rc" -eq 1 ] && [[ "$err" == *"countries.csv:1: column 'frobs' of the header is not one this xdp-telescope knows"* ]] ||
	pg_fail "an unknown column: exit $rc, $err"

echo "a truncated .gz: the complete members load, the rest once it is whole"
gzd=$dir/gz/gz-1/$day
mkdir -p "$gzd"
python3 - "$data/sensor-02/$day/tags.csv" "$gzd/tags.csv.gz" "$dir/tags.gz.whole" <<'PY'
import gzip, sys
lines = open(sys.argv[1]).read().replace(",sensor-02,", ",gz-1,").splitlines(keepends=True)
half = len(lines) // 2
whole = gzip.compress("".join(lines[:half]).encode()) + gzip.compress("".join(lines[half:]).encode())
cut = len(gzip.compress("".join(lines[:half]).encode())) + 100
open(sys.argv[2], "wb").write(whole[:cut])
open(sys.argv[3], "wb").write(whole)
PY
ship "$dir/gz"
[ "$rc" -eq 0 ] || pg_fail "ship of a truncated .gz, exit $rc: $err"
[[ "$err" == *"tags.csv.gz: ends in an incomplete gzip member from byte "* ]] ||
	pg_fail "no line about the incomplete member: $err"
check "$data" "$dir/old" "$dir/gz"		# the complete member only
cp "$dir/tags.gz.whole" "$gzd/tags.csv.gz"
ship "$dir/gz"
[ "$rc" -eq 0 ] && [[ "$err" != *incomplete* ]] || pg_fail "the whole .gz: exit $rc, $err"

# a backup of the database as it is now, restored at the end
pg_stop
cp -a "$PG_DIR/data" "$PG_DIR/backup"
pg_start

echo "a partial last line waits until it is whole"
pd=$dir/partial/part-1/$day
mkdir -p "$pd"
sed 's/,sensor-02,/,part-1,/' "$data/sensor-02/$day/countries.csv" >"$dir/part.whole"
head -c $(( $(head -20 "$dir/part.whole" | wc -c) + 9 )) "$dir/part.whole" >"$pd/countries.csv"
ship "$dir/partial"
[ "$rc" -eq 0 ] && [ "$(count countries part-1)" -eq 19 ] ||
	pg_fail "a partial last line: exit $rc, $(count countries part-1) rows, $err"
"$TS_BIN" ship --follow 0.1 "$dir/partial" 2>"$dir/follow.err" &
follower=$!
sleep 1.5		# a dozen passes find it as it was
kill -TERM $follower
wait $follower || pg_fail "ship --follow exit $? after SIGTERM: $(cat "$dir/follow.err")"
[ "$(grep -c 'countries.csv: ends in a partial line from byte' "$dir/follow.err")" -eq 1 ] ||
	pg_fail "the partial line not said once under --follow: $(cat "$dir/follow.err")"
cp "$dir/part.whole" "$pd/countries.csv"
ship "$dir/partial"
[ "$rc" -eq 0 ] && [ "$(count countries part-1)" -eq $(( $(wc -l <"$dir/part.whole") - 1 )) ] ||
	pg_fail "the line made whole: exit $rc, $(count countries part-1) rows, $err"

echo "a file shorter than what is loaded, or other bytes under its position"
cc=$data/sensor-02/$day/countries.csv
cp "$cc" "$dir/cc.good"
before=$(count countries sensor-02)
truncate -s $(( $(stat -c %s "$cc") / 2 )) "$cc"
ship "$data"
[ "$rc" -eq 1 ] && [[ "$err" == *"countries.csv: "*" bytes, but "*" bytes of it are in the database already"* ]] ||
	pg_fail "a file cut back: exit $rc, $err"
[ "$(count countries sensor-02)" -eq "$before" ] || pg_fail "rows changed after a file was cut back"
cp "$dir/cc.good" "$cc"
sed -i '$s/,[0-9]*$/,99999/' "$cc"		# same file, another last row
ship "$data"
[ "$rc" -eq 1 ] && [[ "$err" == *"are not those loaded"* ]] || pg_fail "a replaced file: exit $rc, $err"
cp "$dir/cc.good" "$cc"
ship "$data"
[ "$rc" -eq 0 ] || pg_fail "after the file came back: exit $rc, $err"

echo "a wrong password; the right one from PGPASSFILE and from ~/.pgpass"
pg_sql "CREATE ROLE pwuser LOGIN PASSWORD 'right horse' IN ROLE telescope_loader" >/dev/null
extra=$dir/extra
"$TS_BIN" synth --out "$extra" --sensors 1 --from $day --to $day --rate 1 --seed 9 >/dev/null
mv "$extra/sensor-01" "$extra/pw-1"
sed -i 's/,sensor-01,/,pw-1,/' "$extra/pw-1/$day"/*.csv
ship --db "user=pwuser password=wrong" "$extra"
[ "$rc" -eq 1 ] && [ "$(wc -l <"$dir/ship.err")" -eq 1 ] &&
	[[ "$err" == *"cannot connect to the database: "*"password authentication failed for user \"pwuser\""* ]] ||
	pg_fail "a wrong password: exit $rc, $err"
[ "$(pg_sql "SELECT count(*) FROM telescope.sensor WHERE name = 'pw-1'")" -eq 0 ] ||
	pg_fail "something was written with a wrong password"
printf '*:*:*:pwuser:right horse\n' >"$dir/pgpass"
chmod 600 "$dir/pgpass"
PGPASSFILE=$dir/pgpass ship --db "user=pwuser" "$extra"
[ "$rc" -eq 0 ] || pg_fail "the password from a password file: exit $rc, $err"
mkdir -p "$dir/home"
mv "$dir/pgpass" "$dir/home/.pgpass"
HOME=$dir/home ship --db "user=pwuser" "$extra"	# nothing new, but it must get in
[ "$rc" -eq 0 ] || pg_fail "the password from ~/.pgpass: exit $rc, $err"

echo "a server that cannot be reached"
ship --db "host=$dir/nowhere" "$data"
[ "$rc" -eq 1 ] && [ "$(wc -l <"$dir/ship.err")" -eq 1 ] &&
	[[ "$err" == "xdp-telescope: error: ship: cannot connect to the database: "* ]] ||
	pg_fail "an unreachable server: exit $rc, $err"
"$TS_BIN" ship --follow 0.1 --db "host=$dir/nowhere" "$data" 2>"$dir/follow.err" &
follower=$!
sleep 2
kill -TERM $follower
wait $follower
rc=$?
[ "$rc" -eq 0 ] || pg_fail "ship --follow exit $rc after SIGTERM"
[ "$(grep -c 'cannot be reached' "$dir/follow.err")" -eq 1 ] && [ "$(wc -l <"$dir/follow.err")" -eq 1 ] ||
	pg_fail "ship --follow did not say it once: $(cat "$dir/follow.err")"

echo "a schema newer than this binary"
pg_sql "INSERT INTO telescope.schema_version (version, applied_by) VALUES (99, 'the future')" >/dev/null
for cmd in "ship $data" "db init" "db prune --keep-minutes 9"; do
	# shellcheck disable=SC2086
	"$TS_BIN" $cmd 2>"$dir/newer.err"
	rc=$?
	[ "$rc" -eq 1 ] && grep -q "schema is version 99, newer than this xdp-telescope's $(ls user/fleet/sql/v*.sql | wc -l): upgrade xdp-telescope" "$dir/newer.err" ||
		pg_fail "$cmd on a newer schema: exit $rc, $(cat "$dir/newer.err")"
done
pg_sql "DELETE FROM telescope.schema_version WHERE version = 99" >/dev/null
ship "$data" "$dir/old" "$dir/gz" "$dir/partial" "$extra"
[ "$rc" -eq 0 ] || pg_fail "ship after all: exit $rc, $err"
check "$data" "$dir/old" "$dir/gz" "$dir/partial" "$extra"

echo "the older backup restored under ship --follow: it reads the positions again"
"$TS_BIN" ship --follow 0.1 "$dir/partial" 2>"$dir/follow.err" &
follower=$!
sleep 1
pg_stop
rm -rf "$PG_DIR/data"
mv "$PG_DIR/backup" "$PG_DIR/data"
pg_start
for _ in $(seq 100); do grep -q 'answers again' "$dir/follow.err" && break; sleep 0.1; done
sleep 1
kill -TERM $follower
wait $follower || pg_fail "ship --follow exit $? after SIGTERM: $(cat "$dir/follow.err")"
grep -q 'answers again' "$dir/follow.err" || pg_fail "ship --follow did not come back: $(cat "$dir/follow.err")"
check "$data" "$dir/old" "$dir/gz" "$dir/partial"
echo "fleet_errors: ok"
