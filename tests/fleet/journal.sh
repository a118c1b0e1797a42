#!/usr/bin/env bash
# ship and the sensor's crash recovery (user/sensor/output.c): a lab
# sensor is made to die (XDP_TELESCOPE_FAULT=after-write) once it has
# appended a drain but before the drain is complete, so its journal
# remains with the sizes from before; one appended file is cut in the
# middle, as a drain half written. While the journal exists, ship (one
# pass, and --follow for a while) loads the earlier drains, up to those
# sizes, and nothing past them. Then a
# new loader cuts the files back and writes the drain again, and ship
# loads it exactly once. Plain, then with --gzip.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/lab.sh
. tests/lib/pg.sh

lab_prepare fleet_journal
lab_up
pg_up
"$TS_BIN" db init 2>"$dir/init.log" || lab_fail "db init: $(cat "$dir/init.log")"
seed=1
send() { # SECONDS
	in_sender "$SEND" --ifname "$SENDER_IF" --mix e2e --seed $seed --seconds "$1" --rate 400 \
		--account "$dir/account.csv" >/dev/null || lab_fail "lab-send failed"
	seed=$((seed + 1))
}
ship() { "$TS_BIN" ship "$@" 2>"$dir/ship.log" || lab_fail "ship: $(cat "$dir/ship.log")"; }
db_rows() { pg_sql "SELECT sum(rows) FROM telescope.loaded"; }
csv_rows() { # every complete data row in the files, journal or not
	python3 - "$1" <<'PY'
import glob, gzip, sys
n = 0
for p in glob.glob(sys.argv[1] + "/*/*.csv*"):
    try:
        data = (gzip.open if p.endswith(".gz") else open)(p, "rb").read()
    except (EOFError, OSError):  # a member cut short: what came before it
        data = b""
        with gzip.open(p, "rb") as f:
            try:
                while True:
                    chunk = f.read(4096)
                    if not chunk:
                        break
                    data += chunk
            except (EOFError, OSError):
                pass
    n += data.count(b"\n") - 1
print(n)
PY
}

for form in plain gzip; do
	out=$dir/out-$form
	args=(--out "$out" --interval 1 --geoip "$dir/country.mmdb" --asn "$dir/asn.mmdb"
	      --sensor "journal-$form")
	[ $form = gzip ] && args+=(--gzip)
	journal=$out/.xdp-telescope-$SENSOR_IF.journal

	echo "$form: drains, not shipped yet"
	lab_start_loader "$dir/loader.log" "${args[@]}"
	send 1.5
	sleep 1.1
	kill -TERM "$LOADER_PID"
	wait "$LOADER_PID" || lab_fail "loader exit $? after SIGTERM"
	outs=("$dir"/out-*)

	echo "$form: the loader dies in a drain, its journal stays; a file half written"
	export XDP_TELESCOPE_FAULT=after-write
	lab_start_loader "$dir/loader.log" "${args[@]}"
	unset XDP_TELESCOPE_FAULT
	send 1
	for _ in $(seq 50); do kill -0 "$LOADER_PID" 2>/dev/null || break; sleep 0.1; done
	wait "$LOADER_PID"
	[ $? -eq 137 ] || lab_fail "the loader did not die at the fault"
	[ -f "$journal" ] || lab_fail "no journal after the fault"
	read -r size path < <(awk '$1 == "file" && $3 ~ /sources/ { print $2, $3 }' "$journal")
	[ -n "${path:-}" ] || lab_fail "the journal names no sources file: $(cat "$journal")"
	now=$(stat -c %s "$path")
	[ "$now" -gt "$size" ] || lab_fail "nothing was appended past the journal's $size bytes"
	truncate -s $(( size + (now - size) / 2 )) "$path"
	before=$(db_rows)
	ship "$out"
	"$TS_BIN" ship --follow 0.1 "$out" 2>"$dir/follow.log" &
	LAB_PIDS+=("$!")
	follower=$!
	sleep 1
	kill -TERM $follower
	wait $follower || lab_fail "ship --follow: $(cat "$dir/follow.log")"
	python3 tests/fleet/check_db.py --journals "${outs[@]}" ||
		lab_fail "$form: ship read past the journal's sizes"
	held=0
	for o in "${outs[@]}"; do held=$(( held + $(csv_rows "$o") )); done
	held=$(( held - $(db_rows) ))
	[ "$held" -gt 0 ] || lab_fail "$form: nothing was held back (the test proves nothing)"
	echo "$form: $(( $(db_rows) - before )) rows loaded, $held past the journal's sizes held back"

	echo "$form: a new loader cuts the files back and drains again"
	lab_start_loader "$dir/loader.log" "${args[@]}"
	send 1
	sleep 1.1
	kill -TERM "$LOADER_PID"
	wait "$LOADER_PID" || lab_fail "loader exit $? after SIGTERM"
	grep -q "rolled back $path to $size bytes" "$dir/loader.log" ||
		lab_fail "the loader did not cut $path back"
	[ -f "$journal" ] && lab_fail "the journal outlived the recovery"
	ship "$out"
	python3 tests/fleet/check_db.py --ledger "${outs[@]}" || lab_fail "$form: after the recovery"
done
echo "fleet_journal: ok"
