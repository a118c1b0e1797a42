#!/usr/bin/env bash
# Under systemd (Type=notify): run says READY=1 once it is attached and
# counting (not before: the unit's dependants may then rely on it), feeds
# the watchdog at half the period systemd asks for, updates its status
# after each drain, and says STOPPING=1 on SIGTERM. Also: --keep-days
# removes old days after a drain and keeps today's. The notify socket is
# one of this test's, read by a small listener.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/lab.sh

lab_prepare e2e_notify
log="$dir/loader.log"
sock="$dir/notify.sock"
lab_up

python3 - "$sock" "$dir/notified" <<'PYEOF' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(12)
with open(sys.argv[2], "w") as out:
    try:
        while True:
            msg = s.recv(4096).decode()
            out.write("%.3f %s\n" % (time.time(), msg.replace("\n", "|")))
            out.flush()
            if "STOPPING=1" in msg:
                break
    except socket.timeout:
        pass
PYEOF
listener=$!
LAB_PIDS+=("$listener")
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done

# an old day for --keep-days to remove after the first drain
mkdir -p "$dir/out/2020-01-01"
echo "time,sensor,packets" >"$dir/out/2020-01-01/totals.csv"
NOTIFY_SOCKET=$sock WATCHDOG_USEC=1000000 \
	lab_start_loader "$log" --out "$dir/out" --interval 1 --geoip "$dir/country.mmdb" \
	--keep-days 30
lab_wait_log "$dir/notified" "READY=1"
grep -q "READY=1|STATUS=counting on $SENSOR_IF: program " "$dir/notified" ||
	lab_fail "READY=1 without the status line: $(cat "$dir/notified")"
grep -q "writing $dir/out every 1 s" "$log" ||
	lab_fail "READY=1 came before the loader was attached and counting"
sleep 3
kill -TERM "$LOADER_PID"
wait "$LOADER_PID" || lab_fail "loader exit $? after SIGTERM"
wait "$listener"

feeds=$(grep -c ' WATCHDOG=1$' "$dir/notified")
[ "$feeds" -ge 5 ] || lab_fail "the watchdog was fed $feeds times in about 3 s (period 1 s)"
grep -q 'STATUS=counting: last drain ' "$dir/notified" || lab_fail "no status after a drain"
grep -q 'STOPPING=1' "$dir/notified" || lab_fail "no STOPPING=1 on SIGTERM"
[ ! -e "$dir/out/2020-01-01" ] || lab_fail "--keep-days 30 left a day of 2020"
ls "$dir/out" | grep -q "^$(date -u +%F)$" || lab_fail "--keep-days removed today"
echo "notify: READY=1, $feeds watchdog feeds, drain statuses, STOPPING=1"
echo "e2e_notify: ok"
