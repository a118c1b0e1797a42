#!/usr/bin/env bash
# End to end, the wall clock stepping under `run` (the test build of the
# loader, whose wall clock is the machine's plus the seconds in the file
# $XDP_TELESCOPE_TEST_CLOCK names: sensor/clock.h; the machine's clock is
# never touched). While traffic runs at --interval 1:
#   - the clock steps 4 h forward, and 2.5 s later back: rows go on at
#     every tick, labelled with the clock's time (4 h ahead meanwhile),
#     and the row counting through each step is as long as it counted;
#   - a fresh loader starts after that (the rows 4 h ahead are the last
#     written): it drains from its first interval on;
#   - the clock steps 6 s forward, and 3 s later back: the intervals the
#     clock wrote while ahead are reached again 3 s later, and get no
#     second rows: the row before them counts on through them.
# Every packet is in the CSV exactly once (lab-send's account), no time
# has two rows, the seconds of all rows add up to the time the loaders
# ran, and the log says each step once. About 30 s.
set -u
cd "$(dirname "$0")/../.."
: "${TS_BIN:?run through tests/run.sh}"
TS_BIN="$(dirname "$TS_BIN")/tests/xdp-telescope-clock"
. tests/lib/lab.sh

lab_prepare e2e_clock_step
log="$dir/loader.log"
account="$dir/account.csv"
times="$dir/times"
out="$dir/out"
export XDP_TELESCOPE_TEST_CLOCK="$dir/clock"
run_args=(--out "$out" --interval 1 --geoip "$dir/country.mmdb" --asn "$dir/asn.mmdb"
	  --sensor clock-step)
now() { date +%s.%N; }
step() { # step SECONDS NAME: the loader's clock is SECONDS ahead from now on
	echo "$1" >"$XDP_TELESCOPE_TEST_CLOCK.tmp"
	mv "$XDP_TELESCOPE_TEST_CLOCK.tmp" "$XDP_TELESCOPE_TEST_CLOCK"
	echo "$2 $(now)" >>"$times"
}
stop_loader() {
	kill -TERM "$LOADER_PID"
	wait "$LOADER_PID"
	local rc=$?
	echo "$1 $(now)" >>"$times"
	[ "$rc" -eq 0 ] || lab_fail "loader exit status $rc after SIGTERM: $(tail -3 "$log")"
}

echo 0 >"$XDP_TELESCOPE_TEST_CLOCK"
: >"$times"
lab_up
drops_before=$(lab_wire_drops)
lab_start_loader "$log" "${run_args[@]}"
lab_wait_log "$log" "attached to $SENSOR_IF"
echo "ready1 $(now)" >>"$times"
in_sender "$SEND" --ifname "$SENDER_IF" --mix e2e --seed 11 --seconds 19 --rate 400 \
	--account "$account" & sender=$!

sleep 1.5
step 14400 ahead4h
sleep 2.5
step 0 back4h
sleep 2.5
stop_loader stop1
lab_start_loader "$log" "${run_args[@]}"
lab_wait_log "$log" "adopted $SENSOR_IF"
echo "ready2 $(now)" >>"$times"
sleep 2
step 6 ahead6s
sleep 3
step 0 back6s
sleep 6.5 # the rows written 6 s ahead are reached 3 s from now, and passed 3 s later
wait "$sender" || lab_fail "lab-send failed"
sleep 1.3
stop_loader stop2

drops=$(( $(lab_wire_drops) - drops_before ))
[ "$drops" -eq 0 ] || lab_fail "the wire dropped $drops frames: the comparison is void"
lab_check_csv "$out" "$account" 10 || lab_fail "CSV differs from what was sent (artefacts in $dir)"

lab_log_once "$log" "stepped forward by 14400 s" "stepped back by 14400 s" "stepped forward by 6 s" \
	"stepped back by 6 s" "already has rows (written while the wall clock was ahead)"

python3 - "$out" "$times" <<'PYEOF' || lab_fail "rows misplaced in time (artefacts in $dir)"
import sys
sys.path.insert(0, "tests/lib")
import totals
t = totals.moments(sys.argv[2])
rows = sorted(totals.spans(sys.argv[1]) or [])
errors = []

# the time the rows say they counted, against the time the loaders ran
# (from the first interval each began, to the last one each ended)
ran = (t["stop1"] - t["ready1"]) + (t["stop2"] - t["ready2"])
said = sum(s for _, s, _ in rows)
print("the loaders ran %.1f s; the rows' seconds add up to %d" % (ran, said))
if abs(said - ran) > 4:
    errors.append("the rows count %d s, the loaders ran %.1f s" % (said, ran))

def rows_in(lo, hi):
    return [r for r in rows if lo <= r[0] < hi]

# 4 h ahead: rows while the clock was; at the clock's own time after it
ahead = rows_in(int(t["ahead4h"]) + 14400 - 1, int(t["back4h"]) + 14400 + 2)
if not 2 <= len(ahead) <= 4:
    errors.append("%d rows 4 h ahead, the clock was for 2.5 s: %s" % (len(ahead), ahead))
after = rows_in(int(t["back4h"]) + 1, int(t["stop1"]) + 1)
if len(after) < t["stop1"] - t["back4h"] - 2:
    errors.append("%d rows in the %.1f s after the clock stepped back 4 h"
                  % (len(after), t["stop1"] - t["back4h"]))
# a fresh loader after them: rows from its first intervals on
fresh = rows_in(int(t["ready2"]) + 1, int(t["ahead6s"]))
if len(fresh) < t["ahead6s"] - t["ready2"] - 2:
    errors.append("the fresh loader wrote %d rows in its first %.1f s"
                  % (len(fresh), t["ahead6s"] - t["ready2"]))
# no row longer than the fold: the 6 s ahead are reached again 3 s after
# the clock stepped back, and the row before them counts on through the
# 3 s they hold, as one row of about 4 s
longest = max(s for _, s, _ in rows)
if longest > 6:
    errors.append("a row %d s long" % longest)
fold = [r for r in rows_in(int(t["back6s"]), int(t["stop2"]) + 1) if r[1] >= 3]
if len(fold) != 1:
    errors.append("%d rows of 3 s or more after the clock stepped back 6 s, "
                  "expected the one before the intervals written ahead: %s" % (len(fold), fold))
for e in errors:
    print("FAIL: " + e)
sys.exit(1 if errors else 0)
PYEOF
echo "e2e_clock_step: ok"
