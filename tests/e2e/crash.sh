#!/usr/bin/env bash
# End to end, exact across loader deaths in the middle of a drain. The
# loader is made to die like kill -9 (XDP_TELESCOPE_FAULT) at each point
# of a drain: before writing its rows, after writing them (the journal
# must cut the files back and the drain be redone), and after marking
# them written (only the clearing is left). Each time a new loader starts
# under live traffic and finishes the job. In the end every CSV series
# must equal what lab-send sent, packet for packet: nothing lost, nothing
# written twice.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/lab.sh

lab_prepare e2e_crash
log="$dir/loader.log"
account="$dir/account.csv"
run_args=(--out "$dir/out" --interval 1 --geoip "$dir/country.mmdb"
	  --asn "$dir/asn.mmdb" --sensor crash)

lab_up
drops_before=$(lab_wire_drops)
send() { # SEED SECONDS
	in_sender "$SEND" --ifname "$SENDER_IF" --mix e2e --seed "$1" \
		--seconds "$2" --rate 800 --account "$account"
}

seed=1
for point in before-write after-write after-written; do
	echo "fault at '$point': the loader dies at its first drain with packets"
	export XDP_TELESCOPE_FAULT=$point
	lab_start_loader "$log" "${run_args[@]}"
	unset XDP_TELESCOPE_FAULT
	send $seed 2 || lab_fail "lab-send failed"
	seed=$((seed + 1))
	for _ in $(seq 50); do
		kill -0 "$LOADER_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$LOADER_PID" 2>/dev/null; then
		lab_fail "the loader did not die at '$point'"
	fi
	wait "$LOADER_PID"
	rc=$?
	[ "$rc" -eq 137 ] || lab_fail "loader exit $rc at '$point', expected 137: $(tail -3 "$log")"
	grep -q "fault injected at '$point'" "$log" ||
		lab_fail "the log does not show the fault at '$point'"

	echo "a new loader recovers while traffic goes on"
	send $seed 1 & sender=$!
	seed=$((seed + 1))
	lab_start_loader "$log" "${run_args[@]}"
	wait "$sender" || lab_fail "lab-send failed"
	# the new loader logs its recovery once it has adopted the pins, which
	# status already saw: wait for the lines, do not just look once
	case $point in
	after-write)
		lab_wait_log "$log" "redoing a drain interrupted while writing"
		lab_wait_log "$log" "totals.csv to " ;;
	after-written)
		lab_wait_log "$log" "finishing a drain interrupted after its rows were written" ;;
	esac
	sleep 1.2
	kill -TERM "$LOADER_PID"
	wait "$LOADER_PID" || lab_fail "loader exit $? after SIGTERM"
done

drops=$(( $(lab_wire_drops) - drops_before ))
[ "$drops" -eq 0 ] || lab_fail "the wire dropped $drops frames: the comparison is void"
lab_check_csv "$dir/out" "$account" 3 || lab_fail "CSV differs from what was sent (artefacts in $dir)"
echo "e2e_crash: ok"
