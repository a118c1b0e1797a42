#!/usr/bin/env bash
# End to end, exact: the sensor in one namespace, lab-send in another.
# Send the e2e mix across several 1-second intervals, kill -9 the loader
# while sending, keep sending while it is down, start it again, send
# more, stop it with SIGTERM; then every CSV series, summed over all
# intervals, must equal lab-send's account of what it sent, packet for
# packet (tests/lib/lab.sh lab_check_csv), and no frame may have been
# lost on the wire (else the test says so instead of blaming the sensor).
set -u
cd "$(dirname "$0")/../.."
. tests/lib/lab.sh

lab_prepare e2e_exact
log="$dir/loader.log"
account="$dir/account.csv"
run_args=(--out "$dir/out" --interval 1 --geoip "$dir/country.mmdb"
	  --asn "$dir/asn.mmdb" --sensor e2e)

lab_up
drops_before=$(lab_wire_drops)
send() { # SEED SECONDS
	in_sender "$SEND" --ifname "$SENDER_IF" --mix e2e --seed "$1" \
		--seconds "$2" --rate 1000 --account "$account"
}

echo "phase 1: send for 6 s; kill -9 the loader after 4 s"
lab_start_loader "$log" "${run_args[@]}"
lab_capture "$dir/reached-stack" 3 & # XDP_DROP: nothing may get past
capture=$!
lab_capture_ready "$dir/reached-stack"
send 1 6 &
sender=$!
sleep 3.5
kill -9 "$LOADER_PID"
wait "$LOADER_PID" 2>/dev/null
wait "$sender" || lab_fail "lab-send failed in phase 1"
wait "$capture"
[ "$(cat "$dir/reached-stack")" -eq 0 ] ||
	lab_fail "$(cat "$dir/reached-stack") frames got past XDP into the sensor's stack"

echo "phase 2: send 1 s with no loader (the kernel keeps counting)"
send 2 1 || lab_fail "lab-send failed in phase 2"

echo "phase 3: a new loader adopts the pins; send 2 s; SIGTERM"
lab_start_loader "$log" "${run_args[@]}"
send 3 2 || lab_fail "lab-send failed in phase 3"
sleep 0.2
kill -TERM "$LOADER_PID"
wait "$LOADER_PID"
rc=$?
[ "$rc" -eq 0 ] || lab_fail "loader exit status $rc after SIGTERM, expected 0: $(tail -3 "$log")"

drops=$(( $(lab_wire_drops) - drops_before ))
[ "$drops" -eq 0 ] || lab_fail "the wire dropped $drops frames (veth tx_dropped/rx_dropped): not the sensor's fault, but the comparison is void"

lab_check_csv "$dir/out" "$account" 3 || lab_fail "CSV differs from what was sent (artefacts in $dir)"

# The formula-like AS name must be neutralised in the file itself.
grep -q "'=Research Scanner NL" "$dir"/out/*/sources.csv ||
	lab_fail "as_org '=Research Scanner NL' not neutralised in sources.csv"
if grep -q ',=Research' "$dir"/out/*/*.csv; then
	lab_fail "a field starts with '=' in the CSV"
fi
echo "e2e_exact: ok"
