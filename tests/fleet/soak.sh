#!/usr/bin/env bash
# A soak of the fleet store under every passing trouble at once: two
# `ship --follow` (the owner over two sensors, a sensor's role over a
# third, through its staging tables) load three days of rows that a
# feeder appends an interval at a time, as drains would, while the
# server's data disk (a tmpfs, PG_TMPFS in tests/lib/pg.sh) fills and
# empties, their statements are cancelled and their connections
# terminated at random, and db prune drops the two older days under
# them. At the end every row is in the database exactly once, with the
# hourly aggregates it adds up to (the pruned days' minute rows aside:
# tests/fleet/check_db.py --minutes-from), no file failed, and each
# trouble was said at most once for each time it was made.
#
# TS_SOAK_SECONDS (default 60) is how long the troubles go on; the
# issue's soak is TS_SOAK_SECONDS=300 (docs/fleet.md). A throwaway
# server (tests/lib/pg.sh).
set -u
cd "$(dirname "$0")/../.."
. tests/lib/pg.sh
pg_prepare fleet_soak
SOAK=${TS_SOAK_SECONDS:-60}
[[ "$SOAK" =~ ^[0-9]+$ ]] && [ "$SOAK" -ge 10 ] || pg_fail "TS_SOAK_SECONDS wants a whole number of seconds, 10 or more"
ymd() { date -u -d "@$(( $(date -u +%s) - $1 * 86400 ))" +%F; }   # the day N days ago
src=$dir/src
out_a=$dir/a
out_b=$dir/b
RANDOM=7		# the same troubles in the same order every run

PG_TMPFS=192m pg_up
{ "$TS_BIN" db init && "$TS_BIN" db init --sensor-role s3 --sensor sensor-03; } 2>"$dir/init.err" ||
	pg_fail "db init: $(cat "$dir/init.err")"
for d in 5 4 1; do
	"$TS_BIN" synth --out "$src" --sensors 3 --from "$(ymd $d)" --to "$(ymd $d)" --interval 300 \
		--rate 3 --seed $((20 + d)) >/dev/null || pg_fail "synth"
done

# the feeder: every file of $src appended to its copy (sensor-03's under
# $out_b, the others' under $out_a) an interval at a time, all of them
# reaching their end after $1 seconds
feed() {
	python3 - "$src" "$out_a" "$out_b" "$1" <<'PY'
import glob, os, sys, time
src, out_a, out_b, secs = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
files = []
for path in sorted(glob.glob(src + "/sensor-*/????-??-??/*.csv")):
    sensor, day, name = path.split("/")[-3:]
    dst = os.path.join(out_b if sensor == "sensor-03" else out_a, sensor, day)
    os.makedirs(dst, exist_ok=True)
    lines = open(path, "rb").read().splitlines(keepends=True)
    parts, cur, prev = [], [lines[0]], None
    for line in lines[1:]:
        t = line.split(b",", 1)[0]
        if prev is not None and t != prev and line[:4].isdigit():
            parts.append(b"".join(cur))
            cur = []
        cur.append(line)
        prev = t if line[:4].isdigit() else prev
    parts.append(b"".join(cur))
    files.append((os.path.join(dst, name), parts, [0]))
steps = max(1, int(secs / 0.25))
for k in range(1, steps + 1):
    for path, parts, done in files:
        upto = len(parts) * k // steps
        if upto > done[0]:
            with open(path, "ab") as f:
                f.write(b"".join(parts[done[0]:upto]))
            done[0] = upto
    time.sleep(secs / steps)
PY
}
db_rows() { pg_sql "SELECT coalesce(sum(rows), 0) FROM telescope.loaded"; }
want=$(python3 -c 'import csv, glob, sys
print(sum(sum(1 for _ in csv.reader(open(p, newline=""))) - 1
	  for p in glob.glob(sys.argv[1] + "/sensor-*/????-??-??/*.csv")))' "$src")

feed $(( SOAK * 4 / 5 )) &
feeder=$!
PG_PIDS+=("$feeder")
for _ in $(seq 100); do [ -d "$out_a" ] && [ -d "$out_b" ] && break; sleep 0.1; done
"$TS_BIN" ship --follow 0.5 "$out_a" 2>"$dir/a.log" &
ship_a=$!
PG_PIDS+=("$ship_a")
"$TS_BIN" ship --follow 0.5 --db "user=s3" "$out_b" 2>"$dir/b.log" &
ship_b=$!
PG_PIDS+=("$ship_b")

# the troubles in turn, 2 to 7 s apart (so that most spells of trouble
# end before the next: the ships' backoff starts again), until SOAK
# seconds have passed; a cancel waits (2 s at most) for a statement of a
# ship to cancel
ships="application_name = 'xdp-telescope' AND pid <> pg_backend_pid()"
fills=0 cancels=0 terminations=0 prunes=0 pruned=0 turn=0
end=$((SECONDS + SOAK))
while [ $SECONDS -lt $end ]; do
	sleep "$(( RANDOM % 5 + 2 )).$(( RANDOM % 10 ))"
	case $(( turn++ % 4 )) in
	0)	pg_fill 0
		sleep "$(( RANDOM % 3 + 3 )).$(( RANDOM % 10 ))"
		pg_unfill
		fills=$((fills + 1)) ;;
	1)	for _ in $(seq 40); do
			n=$(pg_sql "SELECT count(*) FILTER (WHERE pg_cancel_backend(pid))
				    FROM pg_stat_activity WHERE $ships AND state = 'active'")
			cancels=$((cancels + n))
			[ "$n" -gt 0 ] && break
			sleep 0.05
		done ;;
	2)	terminations=$((terminations + $(pg_sql "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))
						FROM pg_stat_activity WHERE $ships"))) ;;
	3)	"$TS_BIN" db prune --keep-minutes 3 2>"$dir/prune.err" ||
			pg_fail "db prune: $(cat "$dir/prune.err")"
		grep -q 'dropped' "$dir/prune.err" && pruned=$((pruned + 1))
		prunes=$((prunes + 1)) ;;
	esac
done
pg_unfill
echo "$SOAK s of troubles: $fills full disks, $cancels statements cancelled, $terminations connections terminated, $prunes prunes ($pruned dropped tables)"

pg_reap "$feeder" || pg_fail "the feeder failed"
for _ in $(seq 900); do [ "$(db_rows)" -eq "$want" ] && break; sleep 0.1; done
[ "$(db_rows)" -eq "$want" ] ||
	pg_fail "$(db_rows) rows of $want in the database 90 s after the troubles: $(tail -3 "$dir/a.log" "$dir/b.log")"
for pid in "$ship_a" "$ship_b"; do
	kill -TERM "$pid"
	pg_reap "$pid" || pg_fail "ship --follow exit $? after SIGTERM: $(cat "$dir/a.log" "$dir/b.log")"
done
{ "$TS_BIN" ship "$out_a" && "$TS_BIN" ship --db "user=s3" "$out_b"; } 2>"$dir/last.log" ||
	pg_fail "the last ship: $(cat "$dir/last.log")"
[ "$(grep -c 'ship: 0 rows from 0 files' "$dir/last.log")" -eq 2 ] ||
	pg_fail "the last ship found rows the followers left: $(cat "$dir/last.log")"
"$TS_BIN" db prune --keep-minutes 3 2>"$dir/prune.err" || pg_fail "the last db prune: $(cat "$dir/prune.err")"
python3 tests/fleet/check_db.py --ledger --minutes-from "$(ymd 3)" "$out_a" "$out_b" ||
	pg_fail "the database differs from the CSV (artefacts in $dir)"

# what the ships said: no file failed; each trouble at most once for each
# time it was made, and every spell of trouble ended
said() { cat "$dir/a.log" "$dir/b.log" | grep -c "$1"; }
if grep -h 'error:' "$dir/a.log" "$dir/b.log"; then pg_fail "a ship said an error"; fi
check_said() { # PATTERN MADE WHAT
	local n
	n=$(said "$1")
	echo "  $3: made $2 times, said $n times"
	[ "$n" -le "$2" ] || pg_fail "$3 said $n times, made $2 times: $(cat "$dir/a.log" "$dir/b.log")"
}
check_said 'SQLSTATE 53100' "$((fills * 2))" "a full disk (two ships)"
check_said 'SQLSTATE 57014' "$cancels" "a cancelled statement"
check_said 'cannot be reached' "$terminations" "a terminated connection"
check_said 'SQLSTATE \(23514\|55006\)' "$((pruned * 2))" "a day pruned under a pass (two ships)"
[ "$fills" -eq 0 ] || [ "$(said 'SQLSTATE 53100')" -ge 1 ] || pg_fail "$fills full disks, never said"
began=$(said 'warning: ship: ')
ended=$(said 'ship: the database \(takes the rows\|answers\) again')
[ "$ended" -ge 1 ] || [ "$began" -eq 0 ] || pg_fail "no spell of trouble ended: $(cat "$dir/a.log" "$dir/b.log")"
[ "$ended" -le "$began" ] || pg_fail "$ended spells ended, $began began"
grep -o 'SQLSTATE [0-9A-Z]*\|cannot be reached\|answers again\|takes the rows again' "$dir/a.log" "$dir/b.log" |
	sort | uniq -c | sed 's/^/  /'
echo "fleet_soak: ok ($want rows, $SOAK s)"
