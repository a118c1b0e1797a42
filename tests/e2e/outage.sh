#!/usr/bin/env bash
# End to end, a full disk under a running loader: --out is a small tmpfs
# of the test's own; while traffic runs, a filler file takes all its
# space for 6 s, then goes. Every packet must be in the CSV exactly once
# (lab-send's account), and in the right time: the intervals before the
# outage one row each, one row for the time the disk was full as long as
# it was (totals.seconds, within an interval), no row for the intervals
# in between, the intervals after it one row each again. The log must say
# it once when it begins and once when it ends, not every interval. The
# report counts every packet, notes the outage as one interval written
# late and lists no gap.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/lab.sh

lab_prepare e2e_outage
log="$dir/loader.log"
account="$dir/account.csv"
times="$dir/times"
out="$dir/out"
run_args=(--out "$out" --interval 1 --geoip "$dir/country.mmdb"
	  --asn "$dir/asn.mmdb" --sensor outage)
now() { date +%s.%N; }

lab_up
lab_tmpfs "$out" 8m
drops_before=$(lab_wire_drops)
lab_start_loader "$log" "${run_args[@]}"
in_sender "$SEND" --ifname "$SENDER_IF" --mix e2e --seed 7 --seconds 14 --rate 500 \
	--account "$account" & sender=$!

sleep 4
echo "the disk is full for 6 s"
echo "fill $(now)" >"$times"
dd if=/dev/zero of="$out/filler" bs=64k 2>/dev/null # until ENOSPC
echo "full $(now)" >>"$times"
[ "$(df --output=avail "$out" | tail -1)" -eq 0 ] || lab_fail "the filler left room on $out"
sleep 6
kill -0 "$LOADER_PID" 2>/dev/null || lab_fail "the loader died of the full disk: $(tail -3 "$log")"
echo "free $(now)" >>"$times"
rm -f "$out/filler"
echo "freed $(now)" >>"$times"

wait "$sender" || lab_fail "lab-send failed"
sleep 1.3
kill -TERM "$LOADER_PID"
wait "$LOADER_PID"
rc=$?
[ "$rc" -eq 0 ] || lab_fail "loader exit status $rc after SIGTERM, expected 0: $(tail -3 "$log")"
cp -r "$out" "$dir/csv" # the tmpfs goes with the test

drops=$(( $(lab_wire_drops) - drops_before ))
[ "$drops" -eq 0 ] || lab_fail "the wire dropped $drops frames: the comparison is void"
lab_check_csv "$dir/csv" "$account" 8 || lab_fail "CSV differs from what was sent (artefacts in $dir)"

# What the log said: once at the start of the outage, once at its end
# (and the space running low, then free again, once each).
lab_log_once "$log" "No space left on device" "cannot be written:" "writing works again after" \
	"of its space free (below 5%)" "of its space free again"

# Where the rows are in time.
python3 - "$dir/csv" "$times" <<'PYEOF' || lab_fail "rows misplaced in time (artefacts in $dir)"
import sys
sys.path.insert(0, "tests/lib")
import totals
t = totals.moments(sys.argv[2])
spans = totals.spans(sys.argv[1])
if not spans:
    print("FAIL: no totals.csv rows, or no column 'seconds'")
    sys.exit(1)
errors = []
if spans != sorted(spans):
    errors.append("totals rows not in time order: %s" % spans)
spans.sort()
# every interval once: each row begins where the one before ends
for (t0, s0, _), (t1, _, _) in zip(spans, spans[1:]):
    if t1 != t0 + s0:
        errors.append("row %d + %d s is followed by row %d" % (t0, s0, t1))
long = [(t0, s0) for t0, s0, _ in spans if s0 != 1]
if len(long) != 1:
    errors.append("%d rows longer than one interval, expected one: %s" % (len(long), long))
else:
    outage = t["free"] - t["full"]
    slack = 1 + (t["full"] - t["fill"]) + (t["freed"] - t["free"]) + 0.25
    t0, s0 = long[0]
    print("outage %.2f s; its row: %d s from %d (%.1f s after the disk filled)"
          % (outage, s0, t0, t0 - t["full"]))
    if abs(s0 - outage) > slack:
        errors.append("the outage's row is %d s long, the outage %.2f s" % (s0, outage))
    if not t["fill"] - 1 <= t0 <= t["full"] + 1:
        errors.append("the outage's row begins at %d, the disk filled at %.2f" % (t0, t["full"]))
    before = [t1 for t1, _, _ in spans if t1 < t0]
    if len(before) < 3:
        errors.append("only %d rows before the outage" % len(before))
for e in errors:
    print("FAIL: " + e)
sys.exit(1 if errors else 0)
PYEOF
# The report: every packet once, the outage's row one interval written
# late (a data-quality note), not a gap.
days=$(cd "$dir/csv" && ls -d 20??-??-?? | sort)
first=$(echo "$days" | head -1) last=$(echo "$days" | tail -1)
"$TS_BIN" report --data "$dir/csv" --from "$first" --to "$last" --format csv --out "$dir/report" \
	2>"$dir/report.err" || lab_fail "report failed: $(cat "$dir/report.err")"
"$TS_BIN" report --data "$dir/csv" --from "$first" --to "$last" --format md --out "$dir/report.md" \
	2>>"$dir/report.err" || lab_fail "report failed: $(cat "$dir/report.err")"
counted=$(awk -F, '$1 == "packets" { print $2 }' "$dir/report/summary.csv")
csv_total=$(cat "$dir"/csv/*/totals.csv | awk -F, 'NR > 1 && $1 != "time" { s += $3 } END { print s }')
[ "$counted" = "$csv_total" ] || lab_fail "the report counts $counted packets, the CSV holds $csv_total"
[ "$(wc -l <"$dir/report/gaps.csv")" -eq 1 ] || lab_fail "the outage is reported as a gap: $(cat "$dir/report/gaps.csv")"
grep -q "of data written late as one interval (outage, " "$dir/report.md" ||
	lab_fail "the report does not note the late interval: $(grep -i 'data quality' "$dir/report.md")"
echo "report: $counted packets, the outage one late interval, no gap"
echo "e2e_outage: ok"
