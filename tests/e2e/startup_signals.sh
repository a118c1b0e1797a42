#!/usr/bin/env bash
# End to end, signals while the loader starts. Start-up takes seconds
# with a large address list (parsing it, attaching or adopting, loading
# it into the kernel) and with a recovery drain after a loader died in
# the middle of one (XDP_TELESCOPE_FAULT, then XDP_TELESCOPE_STALL holds
# the recovery drain for 2 s). A SIGHUP or a SIGTERM at each of these
# moments — right after exec, once the program is attached while the list
# still loads, during the recovery drain — must not kill the loader:
# SIGHUP reloads once the loop runs, SIGTERM writes and exits 0. Traffic
# goes on between the starts; in the end every packet is in the CSV
# exactly once (lab-send's account).
set -u
cd "$(dirname "$0")/../.."
. tests/lib/lab.sh

lab_prepare e2e_startup_signals
account="$dir/account.csv"
list="$dir/big.list"
python3 - "$list" <<'PYEOF' || lab_fail "cannot write $list"
import sys
with open(sys.argv[1], "w") as f:  # 100,000 listed /32s in 10.0.0.0/8
    for i in range(100000):
        f.write("10.%d.%d.%d/32,big\n" % (i >> 16, (i >> 8) & 255, i & 255))
PYEOF
run_args=(--out "$dir/out" --interval 1 --geoip "$dir/country.mmdb" --asn "$dir/asn.mmdb"
	  --sensor startup --label-list "$list" --max-labels 131072)

lab_up
drops_before=$(lab_wire_drops)
send() { # SEED SECONDS
	in_sender "$SEND" --ifname "$SENDER_IF" --mix e2e --seed "$1" --seconds "$2" \
		--rate 500 --account "$account" >/dev/null || lab_fail "lab-send failed"
}

# start N [VAR=VALUE…]: loader number N in the background, with these
# variables in its environment, log $dir/loader-N.log, without waiting.
start() {
	local n=$1 v
	shift
	log="$dir/loader-$n.log"
	: >"$log"
	for v in "$@"; do export "$v"; done
	lab_spawn_loader "$log" "${run_args[@]}"
	for v in "$@"; do unset "${v%%=*}"; done
}

# alive: the current loader runs (not gone, not a zombie waiting for wait).
alive() {
	local state
	state=$(awk '{ sub(/^.*\) /, ""); print $1 }' "/proc/$LOADER_PID/stat" 2>/dev/null)
	[ -n "$state" ] && [ "$state" != Z ]
}

# died: the current loader is gone; fail, saying how.
died() {
	wait "$LOADER_PID"
	lab_fail "the loader exited with status $? $1: $(tail -3 "$log")"
}

# wait_log PATTERN: until the current loader's log matches (30 s at most).
wait_log() {
	local i
	for i in $(seq 300); do
		grep -q "$1" "$log" && return 0
		alive || died "before '$1'"
		sleep 0.1
	done
	lab_fail "no '$1' in $log within 30 s: $(tail -3 "$log")"
}

started() { grep -q "attached to\|adopted" "$log"; }

# at_exec: as soon as the loader is xdp-telescope (nsenter has exec'd it)
# with SIGHUP, SIGINT and SIGTERM blocked, which must be before it attaches.
at_exec() {
	local i bits exe
	for i in $(seq 300); do
		exe=$(readlink "/proc/$LOADER_PID/exe" 2>/dev/null)
		bits=$(awk '/^SigBlk/ { print $2 }' "/proc/$LOADER_PID/status" 2>/dev/null)
		if [ "$exe" = "$(readlink -f "$TS_BIN")" ] && [ -n "$bits" ] &&
		   [ $(( 0x$bits & 0x4003 )) -eq $(( 0x4003 )) ]; then
			started && lab_fail "signals were blocked only after attaching: $(head -1 "$log")"
			return 0
		fi
		alive || died "right after exec"
		sleep 0.01
	done
	lab_fail "the loader never blocked SIGHUP, SIGINT and SIGTERM"
}

prog_id() { in_sensor "$TS_BIN" status "$SENSOR_IF" 2>/dev/null | sed -n '1s/.*program \([0-9]*\),.*/\1/p'; }

# at_list: the new program is in the link (status shows its id), and the
# loader has not said it runs yet: it is loading the list into the kernel.
at_list() {
	local before=$1 i id
	for i in $(seq 300); do
		id=$(prog_id)
		if [ -n "$id" ] && [ "$id" != "$before" ]; then
			started && lab_fail "the list was loaded before the test could signal: make it longer"
			return 0
		fi
		alive || died "while starting"
		sleep 0.05
	done
	lab_fail "no new program in the link of $SENSOR_IF within 15 s"
}

# at_recovery N: loader N-1 dies in a drain (after writing, before marking
# it written); loader N stalls in the drain that finishes that one.
at_recovery() {
	local n=$1 rc
	start $((n - 1)) XDP_TELESCOPE_FAULT=after-write
	wait_log "attached to\|adopted"
	send "$n" 1
	for _ in $(seq 100); do
		alive || break
		sleep 0.1
	done
	wait "$LOADER_PID"
	rc=$?
	[ "$rc" -eq 137 ] || lab_fail "loader $((n - 1)) exit $rc, expected 137 (fault): $(tail -3 "$log")"
	start "$n" XDP_TELESCOPE_STALL=before-write
	wait_log "stall injected at 'before-write'"
	grep -q "redoing a drain interrupted while writing" "$log" ||
		lab_fail "loader $n did not recover the drain: $(tail -3 "$log")"
}

# survive_hup: SIGHUP now; the loader reloads once running, goes on
# counting, and writes and exits 0 on SIGTERM.
survive_hup() {
	local seed=$1 rc
	kill -HUP "$LOADER_PID"
	wait_log "rules and lists reloaded"
	send "$seed" 1
	kill -TERM "$LOADER_PID"
	wait "$LOADER_PID"
	rc=$?
	[ "$rc" -eq 0 ] || lab_fail "exit $rc after SIGHUP then SIGTERM, expected 0: $(tail -3 "$log")"
}

# exit_on_term: SIGTERM now; the loader finishes starting, writes, exits 0.
exit_on_term() {
	local rc
	kill -TERM "$LOADER_PID"
	wait "$LOADER_PID"
	rc=$?
	[ "$rc" -eq 0 ] || lab_fail "exit $rc after SIGTERM during start-up, expected 0: $(tail -3 "$log")"
	grep -q "signal 15: writing the last interval and exiting" "$log" ||
		lab_fail "no last drain logged: $(tail -3 "$log")"
}

echo "SIGHUP right after exec"
start 1
at_exec
survive_hup 1

echo "SIGTERM right after exec"
send 2 1
start 2
at_exec
exit_on_term

echo "SIGHUP while the list loads"
send 3 1
id=$(prog_id)
start 3
at_list "$id"
survive_hup 4

echo "SIGTERM while the list loads"
send 5 1
id=$(prog_id)
start 4
at_list "$id"
exit_on_term

echo "SIGHUP during a recovery drain"
at_recovery 6
survive_hup 7

echo "SIGTERM during a recovery drain"
at_recovery 8
exit_on_term

drops=$(( $(lab_wire_drops) - drops_before ))
[ "$drops" -eq 0 ] || lab_fail "the wire dropped $drops frames: the comparison is void"
lab_check_csv "$dir/out" "$account" 6 || lab_fail "CSV differs from what was sent (artefacts in $dir)"
echo "e2e_startup_signals: ok"
