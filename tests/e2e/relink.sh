#!/usr/bin/env bash
# End to end, the interface deleted and recreated under a running loader:
# send, delete the veth pair, leave it gone for several intervals, create
# it again as lab_up does, send again, SIGTERM. The loader must notice
# both (and say so), attach anew to the new interface with the same maps,
# and write every packet sent to an attached interface exactly once
# (lab-send's account); for the intervals in which no interface was
# there it must write no rows at all (a gap), never rows of zeros.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/lab.sh

lab_prepare e2e_relink
log="$dir/loader.log"
account="$dir/account.csv"
times="$dir/times"
run_args=(--out "$dir/out" --interval 1 --geoip "$dir/country.mmdb"
	  --asn "$dir/asn.mmdb" --sensor relink)

lab_up
send() { # SEED SECONDS
	in_sender "$SEND" --ifname "$SENDER_IF" --mix e2e --seed "$1" \
		--seconds "$2" --rate 800 --account "$account"
}
now() { date +%s.%N; }

echo "phase 1: send 2 s to the interface the loader attached to"
lab_start_loader "$log" "${run_args[@]}"
drops_before=$(lab_wire_drops)
send 1 2 || lab_fail "lab-send failed in phase 1"
drops=$(( $(lab_wire_drops) - drops_before ))
sleep 0.3 # the last frames through the peer's queue

echo "phase 2: delete the veth pair for 3.5 s"
lab_veth_down
echo "gone $(now)" >"$times" # from here to "back" there is no interface
sleep 3.5
kill -0 "$LOADER_PID" 2>/dev/null || lab_fail "the loader died with the interface: $(tail -3 "$log")"
echo "back $(now)" >>"$times"
lab_veth_up

echo "phase 3: the loader attaches anew; send 2 s; SIGTERM"
for _ in $(seq 50); do
	grep -q "is back" "$log" && break
	sleep 0.1
done
grep -q "is back" "$log" || lab_fail "the loader did not attach to the new $SENSOR_IF: $(tail -3 "$log")"
in_sensor "$TS_BIN" status "$SENSOR_IF" >"$dir/status" 2>&1 ||
	lab_fail "status after the loader attached anew: $(head -1 "$dir/status")"
grep -q ": attached," "$dir/status" || lab_fail "status: $(head -1 "$dir/status")"
drops_before=$(lab_wire_drops)
send 2 2 || lab_fail "lab-send failed in phase 3"
drops=$(( drops + $(lab_wire_drops) - drops_before ))
sleep 0.3
kill -TERM "$LOADER_PID"
wait "$LOADER_PID"
rc=$?
[ "$rc" -eq 0 ] || lab_fail "loader exit status $rc after SIGTERM, expected 0: $(tail -3 "$log")"

[ "$drops" -eq 0 ] || lab_fail "the wire dropped $drops frames: the comparison is void"
lab_check_csv "$dir/out" "$account" 2 || lab_fail "CSV differs from what was sent (artefacts in $dir)"

# The log said it, once each.
[ "$(grep -c "$SENSOR_IF is gone" "$log")" -eq 1 ] ||
	lab_fail "the log does not say once that $SENSOR_IF is gone: $(tail -5 "$log")"
[ "$(grep -c "$SENSOR_IF is back" "$log")" -eq 1 ] ||
	lab_fail "the log does not say once that $SENSOR_IF is back: $(tail -5 "$log")"

# No totals row for an interval that lies within the time without an interface.
python3 - "$dir/out" "$times" <<'PYEOF' || lab_fail "rows for the time the interface was gone (artefacts in $dir)"
import csv, glob, sys
out, times = sys.argv[1], sys.argv[2]
t = dict(line.split() for line in open(times))
gone, back = float(t["gone"]), float(t["back"])
import datetime
def ts(s):
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()
rows = []
for p in sorted(glob.glob(out + "/*/totals.csv")):
    rows += list(csv.DictReader(open(p)))
bad = [r["time"] for r in rows
       if ts(r["time"]) >= gone and ts(r["time"]) + int(r.get("seconds") or 1) <= back]
whole = int(back) - int(gone) - 1
print("interface gone for %.1f s (%d whole intervals): %d rows in them" % (back - gone, whole, len(bad)))
if whole < 2:
    print("FAIL: the gap must hold whole intervals for the test to mean anything")
    sys.exit(1)
if bad:
    print("FAIL: totals rows while no interface was there: %s" % bad)
    sys.exit(1)
PYEOF
echo "e2e_relink: ok"
