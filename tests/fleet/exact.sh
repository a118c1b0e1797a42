#!/usr/bin/env bash
# Exactly once, whatever stops a ship: a lab sensor (tests/lib/lab.sh)
# writes 1-second drains under live traffic, first plain, then --gzip (so
# a day has both forms of each file), while two `ship --follow` load the
# same directory at once. One of them dies a dozen times and is started
# again: killed with -9 at a random moment, or made to die like it
# (XDP_TELESCOPE_SHIP_FAULT, user/fleet/fault.h) in the middle of a COPY,
# after its rows are inserted but before the commit, or just after the
# commit, before it knows. The database server is stopped and started
# again under them (the other ship says so once, and once again when it
# answers). Then a last pass, and every row of every series the sensor
# wrote must be in the database exactly once, with the hourly aggregates
# it adds up to (tests/fleet/check_db.py, which reads the CSV itself).
set -u
cd "$(dirname "$0")/../.."
. tests/lib/lab.sh
. tests/lib/pg.sh

KILLS=12
lab_prepare fleet_exact
out=$dir/out
run_args=(--out "$out" --interval 1 --geoip "$dir/country.mmdb" --asn "$dir/asn.mmdb"
	  --sensor fleet-lab)
lab_up
pg_up
"$TS_BIN" db init 2>"$dir/init.log" || lab_fail "db init: $(cat "$dir/init.log")"

follower() { # LOG EVERY [FAULT]: a `ship --follow` in the background; its pid in $!
	XDP_TELESCOPE_SHIP_FAULT=${3:-} "$TS_BIN" ship --follow "$2" "$out" >>"$1" 2>&1 &
	LAB_PIDS+=("$!")
}
faults=(copy insert commit "")

lab_start_loader "$dir/loader.log" "${run_args[@]}"
in_sender "$SEND" --ifname "$SENDER_IF" --mix e2e --seed 1 --seconds 16 --rate 500 \
	--account "$dir/account.csv" &
sender=$!
sleep 1.5	# the first drain makes the day directory
follower "$dir/steady.log" 0.7	# slower: the dying one finds rows first
steady=$!
for i in $(seq $KILLS); do
	follower "$dir/killed.log" 0.05 "${faults[i % 4]}"
	victim=$!
	r=$(( RANDOM % 10 + 5 ))	# 0.5 to 1.4 s: most lives see a drain
	sleep "$(( r / 10 )).$(( r % 10 ))"
	kill -9 "$victim" 2>/dev/null	# unless it died at its fault already
	wait "$victim" 2>/dev/null
	case $i in
	4)	echo "the sensor goes on with --gzip"
		kill -TERM "$LOADER_PID"
		wait "$LOADER_PID" || lab_fail "loader exit $? after SIGTERM"
		lab_start_loader "$dir/loader.log" "${run_args[@]}" --gzip ;;
	8)	echo "the database server stops and starts again"
		pg_stop fast
		sleep 1.5
		pg_start ;;
	esac
done
injected=$(grep -c 'fault injected' "$dir/killed.log")
echo "a ship died $KILLS times: $injected at an injected fault, the others by kill -9"
[ "$injected" -ge 3 ] || lab_fail "only $injected deaths at an injected fault"
wait "$sender" || lab_fail "lab-send failed"
sleep 1.5
kill -TERM "$LOADER_PID"
wait "$LOADER_PID" || lab_fail "loader exit $? after SIGTERM"
sleep 0.5
kill -TERM "$steady"
wait "$steady" || lab_fail "the steady ship exit $? after SIGTERM: $(tail -3 "$dir/steady.log")"

"$TS_BIN" ship "$out" 2>"$dir/last.log" || lab_fail "the last ship: $(cat "$dir/last.log")"
ls "$out"/*/totals.csv "$out"/*/totals.csv.gz >/dev/null || lab_fail "not both forms of totals"
python3 tests/fleet/check_db.py --ledger "$out" || lab_fail "the database differs from the CSV (artefacts in $dir)"
[ "$(grep -c 'cannot be reached' "$dir/steady.log")" -eq 1 ] &&
	[ "$(grep -c 'answers again' "$dir/steady.log")" -eq 1 ] ||
	lab_fail "the steady ship did not say the server's stop and return once each: $(cat "$dir/steady.log")"
if grep -h 'error:' "$dir/steady.log" "$dir/killed.log" "$dir/last.log"; then
	lab_fail "a ship said an error"
fi
rows=$(pg_sql "SELECT sum(rows) FROM telescope.loaded")
chunks=$(pg_sql "SELECT count(*) FROM telescope.loaded")
echo "fleet_exact: ok ($rows rows in $chunks chunks; $KILLS deaths, $injected of them in a transaction; a server restart; two ships at once)"
