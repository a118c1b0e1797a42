#!/usr/bin/env bash
# Locks no other role can hold against ship (sql/v3.sql): a reader that
# holds every advisory key ship once took (the partition maker's, each
# file's) stalls nothing; the reader cannot lock what ship locks, and a
# sensor's role cannot lock another sensor's files. A lock that is held
# (by the owner here: another ship's transaction) is waited for
# lock_timeout at most, said once (55P03) and tried again until it is
# free; a ship waiting for one honours SIGTERM at once. A throwaway
# server (tests/lib/pg.sh).
set -u
cd "$(dirname "$0")/../.."
. tests/lib/pg.sh
pg_prepare fleet_locks
ymd() { date -u -d "@$(( $(date -u +%s) - $1 * 86400 ))" +%F; }   # the day N days ago
data=$dir/data
aside=$dir/aside

pg_up
{ "$TS_BIN" db init && "$TS_BIN" db init --reader-role r1 &&
	"$TS_BIN" db init --sensor-role s1 --sensor sensor-01 &&
	"$TS_BIN" db init --sensor-role s2 --sensor sensor-02; } 2>"$dir/init.err" ||
	pg_fail "db init: $(cat "$dir/init.err")"
"$TS_BIN" synth --out "$data" --sensors 2 --from "$(ymd 3)" --to "$(ymd 1)" --interval 300 --rate 1 --seed 5 \
	>/dev/null || pg_fail "synth"
mkdir -p "$aside"/sensor-0{1,2}
for s in sensor-01 sensor-02; do mv "$data/$s/$(ymd 2)" "$data/$s/$(ymd 1)" "$aside/$s/"; done
ship() { "$TS_BIN" ship "$@" 2>"$dir/ship.err"; rc=$?; err=$(cat "$dir/ship.err"); }
said() { grep -c "$1" "$2"; }
hold() { # ROLE SQL: run it in a transaction that stays open, in the background ($holder)
	psql -X -q -U "$1" -v ON_ERROR_STOP=1 -c "BEGIN; $2; SELECT pg_sleep(600)" >/dev/null 2>&1 &
	holder=$!
	PG_PIDS+=("$holder")
	sleep 0.5
	kill -0 "$holder" 2>/dev/null || pg_fail "$1 could not hold '$2'"
}
release() {
	pg_sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE query LIKE '%pg_sleep(600)%' AND pid <> pg_backend_pid()" >/dev/null
	pg_reap "$holder"
}
waiting() { pg_sql "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'xdp-telescope' AND wait_event_type = 'Lock'"; }

echo "a reader holding the advisory keys ship once took stalls nothing"
epoch_day=$(( $(date -u -d "$(ymd 3)" +%s) / 86400 ))
keys=8239017601
for sensor in 1 2; do
	for series in 0 1 2 3 4 5 6; do
		keys+=",$(( (0x7E1 << 52) | (sensor << 36) | (epoch_day << 4) | series ))"
	done
done
hold r1 "SELECT count(pg_advisory_lock(k)) FROM unnest(ARRAY[$keys]::bigint[]) k"
start=$SECONDS
timeout -k 2 20 "$TS_BIN" ship "$data" 2>"$dir/ship.err"
rc=$?
[ "$rc" -eq 0 ] && [ $((SECONDS - start)) -lt 15 ] ||
	pg_fail "ship with the reader's advisory locks: exit $rc after $((SECONDS - start)) s, $(cat "$dir/ship.err")"
release

echo "the reader cannot lock what ship locks; a sensor's role not another sensor's files"
as() { out=$(psql -X -At -U "$1" -v ON_ERROR_STOP=1 -c "$2" 2>&1); rc=$?; }
for sql in "SELECT FROM telescope.file_lock FOR UPDATE" "BEGIN; LOCK TABLE telescope.file_lock IN ACCESS SHARE MODE" \
	   "BEGIN; LOCK TABLE telescope.day_made IN ACCESS SHARE MODE"; do
	as r1 "$sql"
	[ "$rc" -ne 0 ] && [[ "$out" == *"permission denied"* ]] || pg_fail "r1 may '$sql': $out"
done
id1=$(pg_sql "SELECT id FROM telescope.sensor WHERE name = 'sensor-01'")
as s2 "INSERT INTO telescope.file_lock (sensor, day, series) VALUES ($id1, '$(ymd 3)', 'ports')
	ON CONFLICT (sensor, day, series) DO UPDATE SET taken_at = now()"
[ "$rc" -ne 0 ] && [[ "$out" == *"row-level security"* ]] || pg_fail "s2 may lock a file of sensor-01: $out"
as s2 "SELECT count(*) FROM (SELECT FROM telescope.file_lock WHERE sensor = $id1 FOR UPDATE) x"
[ "$rc" -eq 0 ] && [ "$out" = 0 ] || pg_fail "s2 sees or locks the files of sensor-01: $out"

echo "a lock held too long: said once (55P03), tried again until it is free"
for s in sensor-01 sensor-02; do mv "$aside/$s/$(ymd 2)" "$data/$s/"; done
hold postgres "INSERT INTO telescope.file_lock (sensor, day, series) VALUES ($id1, '$(ymd 2)', 'ports')
	ON CONFLICT (sensor, day, series) DO UPDATE SET taken_at = now()"
PGOPTIONS='-c lock_timeout=300' "$TS_BIN" ship "$data" 2>"$dir/timeout.err" &
shipper=$!
PG_PIDS+=("$shipper")
for _ in $(seq 100); do grep -q 'SQLSTATE 55P03' "$dir/timeout.err" && break; sleep 0.1; done
sleep 2		# a few more tries meanwhile
release
pg_reap "$shipper" || pg_fail "ship exit $? after the lock was free: $(cat "$dir/timeout.err")"
[ "$(said 'SQLSTATE 55P03' "$dir/timeout.err")" -eq 1 ] &&
	[ "$(said 'takes the rows again' "$dir/timeout.err")" -eq 1 ] ||
	pg_fail "the lock held not said once: $(cat "$dir/timeout.err")"
grep 'SQLSTATE 55P03' "$dir/timeout.err"

echo "SIGTERM while it waits for a lock: it stops at once"
for s in sensor-01 sensor-02; do mv "$aside/$s/$(ymd 1)" "$data/$s/"; done
hold postgres "INSERT INTO telescope.file_lock (sensor, day, series) VALUES ($id1, '$(ymd 1)', 'ports')
	ON CONFLICT (sensor, day, series) DO UPDATE SET taken_at = now()"
"$TS_BIN" ship --follow 0.2 "$data" 2>"$dir/term.err" &
shipper=$!
PG_PIDS+=("$shipper")
for _ in $(seq 100); do [ "$(waiting)" -eq 1 ] && break; sleep 0.1; done
[ "$(waiting)" -eq 1 ] || pg_fail "ship --follow does not wait for the lock: $(cat "$dir/term.err")"
start=$SECONDS
kill -TERM "$shipper"
for _ in $(seq 20); do kill -0 "$shipper" 2>/dev/null || break; sleep 0.1; done
kill -0 "$shipper" 2>/dev/null && pg_fail "ship --follow still waits 2 s after SIGTERM"
pg_reap "$shipper" || pg_fail "ship --follow exit $? after SIGTERM: $(cat "$dir/term.err")"
[ ! -s "$dir/term.err" ] || pg_fail "ship --follow said something on SIGTERM: $(cat "$dir/term.err")"
release
ship "$data"
[ "$rc" -eq 0 ] || pg_fail "the last ship: exit $rc, $err"

echo "a drain journal read before another ship loaded past it: read again, nothing failed"
# ship reads the journals, then waits for a file's lock (another ship's
# transaction); meanwhile the drain ends and its journal goes. The
# journal ship read names a size below the position it then finds (as
# when the other ship loaded the file past the drain): not the sensor's
# word any more, so ship reads the journals again, and loads the rest.
file=$data/sensor-01/$(ymd 1)/ports.csv
size=$(stat -c %s "$file")
tail -n 1 "$file" | sed "s/^$(ymd 1)T[0-9:]*Z/$(ymd 1)T23:59:30Z/" >>"$file"
journal=$data/sensor-01/.xdp-telescope-lab0.journal
printf 'gen 0\nsince 0\nfile %d %s\n' $((size - 10)) "$file" >"$journal"
hold postgres "INSERT INTO telescope.file_lock (sensor, day, series) VALUES ($id1, '$(ymd 1)', 'ports')
	ON CONFLICT (sensor, day, series) DO UPDATE SET taken_at = now()"
"$TS_BIN" ship "$data" 2>"$dir/stale.err" &
shipper=$!
PG_PIDS+=("$shipper")
for _ in $(seq 100); do [ "$(waiting)" -eq 1 ] && break; sleep 0.1; done
[ "$(waiting)" -eq 1 ] || pg_fail "ship does not wait for the lock: $(cat "$dir/stale.err")"
rm "$journal"
release
pg_reap "$shipper" || pg_fail "ship after a journal it read went: exit $?, $(cat "$dir/stale.err")"
grep -q "journal" "$dir/stale.err" && pg_fail "ship took a journal that went for the drain's word: $(cat "$dir/stale.err")"
python3 tests/fleet/check_db.py --ledger "$data" || pg_fail "the database differs from the CSV"
echo "fleet_locks: ok"
