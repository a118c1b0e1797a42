#!/usr/bin/env bash
# Refusals that pass: the server refuses rows for a while for a reason
# that is not in them, and `ship --follow` tries again (with the backoff
# of a lost connection, said once) until every row is in, exactly once:
# its data disk full (a tmpfs, PG_TMPFS in tests/lib/pg.sh: 53100) and
# then emptied; its statements cancelled again and again
# (pg_cancel_backend: 57014); the days it loads pruned under it (db
# prune detaching and dropping their tables while it loads them: no
# partition for a row, then a day being pruned, until ensure_day makes
# it anew). A refusal of the data itself (a bad row) stays an error of
# that file, said once (tests/fleet/errors.sh). A throwaway server
# (tests/lib/pg.sh).
set -u
cd "$(dirname "$0")/../.."
. tests/lib/pg.sh
pg_prepare fleet_refusals
ymd() { date -u -d "@$(( $(date -u +%s) - $1 * 86400 ))" +%F; }   # the day N days ago

PG_TMPFS=256m pg_up
"$TS_BIN" db init 2>"$dir/init.err" || pg_fail "db init: $(cat "$dir/init.err")"
csv_rows() { # the data rows of every series file under DIR/SENSOR/YYYY-MM-DD/
	python3 -c 'import csv, glob, gzip, sys
print(sum(sum(1 for _ in csv.reader((gzip.open if p.endswith(".gz") else open)(p, "rt", newline=""))) - 1
	  for p in glob.glob(sys.argv[1] + "/*/????-??-??/*.csv*")))' "$1"
}
db_rows() { pg_sql "SELECT coalesce(sum(rows), 0) FROM telescope.loaded"; }
follower() { # LOG DIR: ship --follow in the background, its pid in $follower
	"$TS_BIN" ship --follow 0.2 "$2" 2>"$1" &
	follower=$!
	PG_PIDS+=("$follower")
}
stop_follower() { # LOG
	kill -TERM "$follower"
	pg_reap "$follower" || pg_fail "ship --follow exit $? after SIGTERM: $(cat "$1")"
}
wait_rows() { # N SECONDS LOG: until the ledger holds N rows
	local i
	for i in $(seq $(( $2 * 10 ))); do
		[ "$(db_rows)" -eq "$1" ] && return 0
		sleep 0.1
	done
	pg_fail "$(db_rows) rows of $1 in the database after $2 s: $(cat "$3")"
}
said() { grep -c "$1" "$2"; }   # PATTERN LOG: how many lines say it

echo "a full data disk: refused (53100), said once, loaded once there is room"
full=$dir/full
"$TS_BIN" synth --out "$full" --sensors 1 --from "$(ymd 2)" --to "$(ymd 2)" --interval 120 --seed 11 \
	>/dev/null || pg_fail "synth"
pg_fill 2048

follower "$dir/full.log" "$full"
for _ in $(seq 200); do grep -q 'SQLSTATE 53100' "$dir/full.log" && break; sleep 0.1; done
grep -q 'SQLSTATE 53100' "$dir/full.log" || pg_fail "no refusal for a full disk: $(cat "$dir/full.log")"
sleep 2			# a few more tries while it is full
pg_unfill
wait_rows "$(csv_rows "$full")" 40 "$dir/full.log"
stop_follower "$dir/full.log"
[ "$(said 'SQLSTATE 53100' "$dir/full.log")" -eq 1 ] && [ "$(said 'takes the rows again' "$dir/full.log")" -eq 1 ] &&
	[ "$(said 'error:' "$dir/full.log")" -eq 0 ] || pg_fail "the full disk not said once: $(cat "$dir/full.log")"
cat "$dir/full.log"

echo "statements cancelled again and again (57014): each retried (.csv.gz)"
cancel=$dir/cancel
"$TS_BIN" synth --out "$cancel" --sensors 1 --from "$(ymd 3)" --to "$(ymd 3)" --seed 12 --gzip \
	>/dev/null || pg_fail "synth"
want=$(( $(db_rows) + $(csv_rows "$cancel") ))
follower "$dir/cancel.log" "$cancel"
hits=0
for _ in $(seq 300); do
	[ "$(db_rows)" -eq "$want" ] && break
	n=$(pg_sql "SELECT count(*) FILTER (WHERE pg_cancel_backend(pid)) FROM pg_stat_activity
		    WHERE application_name = 'xdp-telescope' AND state = 'active'")
	hits=$((hits + n))
	[ "$hits" -ge 5 ] && break
	sleep 0.15
done
wait_rows "$want" 40 "$dir/cancel.log"
[ "$hits" -ge 3 ] || pg_fail "only $hits statements of ship cancelled"
stop_follower "$dir/cancel.log"
n=$(said 'SQLSTATE 57014' "$dir/cancel.log")
[ "$n" -ge 1 ] && [ "$n" -le "$hits" ] && [ "$(said 'error:' "$dir/cancel.log")" -eq 0 ] ||
	pg_fail "$hits cancels said $n times: $(cat "$dir/cancel.log")"
echo "$hits statements cancelled, said $n times"

echo "a day pruned after it was loaded, then given late rows: made anew"
old=$dir/old
"$TS_BIN" synth --out "$old" --sensors 1 --from "$(ymd 6)" --to "$(ymd 6)" --interval 300 --seed 13 \
	>/dev/null || pg_fail "synth"
all_rows() { echo $(( $(csv_rows "$full") + $(csv_rows "$cancel") + $(csv_rows "$old") )); }
late() { # HH:MM:SS: each file of the day gets the rows of its last interval again, at that time
	local f t
	for f in "$old"/*/"$(ymd 6)"/*.csv; do
		t=$(tail -1 "$f" | cut -d, -f1)
		grep "^$t," "$f" | sed "s/^$t,/$(ymd 6)T$1Z,/" >"$dir/late"
		cat "$dir/late" >>"$f"
	done
}
prune() {
	"$TS_BIN" db prune --keep-minutes 4 2>>"$dir/prunes.log" || pg_fail "db prune: $(tail -3 "$dir/prunes.log")"
	grep -q "dropped 6 day tables of minute rows, $(ymd 6) to $(ymd 6)" "$dir/prunes.log" ||
		pg_fail "the prune did not drop the day: $(cat "$dir/prunes.log")"
	: >"$dir/prunes.log"
}
follower "$dir/prune.log" "$old"
wait_rows "$(all_rows)" 40 "$dir/prune.log"
prune
late 23:59:30
wait_rows "$(all_rows)" 20 "$dir/prune.log"

echo "a day pruned while a pass loads it: no partition for its rows (23514), made anew"
# the pass waits for the lock of one of the day's files, which this
# session holds, while the prune drops the day's tables: then it finds
# no partition for the rows of that file, says so once and tries again
psql -X -q -c "BEGIN; INSERT INTO telescope.file_lock (sensor, day, series)
	SELECT id, '$(ymd 6)', 'ports' FROM telescope.sensor WHERE name = 'sensor-01'
	ON CONFLICT (sensor, day, series) DO UPDATE SET taken_at = now(); SELECT pg_sleep(600)" \
	>/dev/null 2>&1 &
holder=$!
PG_PIDS+=("$holder")
late 23:59:45
waiting() { pg_sql "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'xdp-telescope' AND wait_event_type = 'Lock'"; }
for _ in $(seq 100); do [ "$(waiting)" -eq 1 ] && break; sleep 0.1; done
[ "$(waiting)" -eq 1 ] || pg_fail "ship does not wait for the lock held"
prune
pg_sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'psql' AND pid <> pg_backend_pid()" >/dev/null
pg_reap "$holder"
wait_rows "$(all_rows)" 20 "$dir/prune.log"
stop_follower "$dir/prune.log"
prune
python3 tests/fleet/check_db.py --minutes-from "$(ymd 4)" "$full" "$cancel" "$old" ||
	pg_fail "the database differs from the CSV"
[ "$(said 'SQLSTATE 23514' "$dir/prune.log")" -eq 1 ] && [ "$(said 'error:' "$dir/prune.log")" -eq 0 ] ||
	pg_fail "the day pruned under a pass not said once: $(cat "$dir/prune.log")"
cat "$dir/prune.log"
echo "fleet_refusals: ok"
