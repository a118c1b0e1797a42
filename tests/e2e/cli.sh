#!/usr/bin/env bash
# End to end, the command line: bad flags and files fail with one line on
# stderr and a non-zero exit (and attach nothing), a bad option with the
# same line in every command and exit 2; --help exits 0 and the README
# lists every option of run; `status` with and without a sensor; a
# second `run` on the same interface is refused;
# --gzip writes .csv.gz with exact counts; --pass hands every frame to
# the stack while still counting it; `detach` removes the pins.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/lab.sh

lab_prepare e2e_cli
head -c 4096 /dev/urandom >"$dir/corrupt.mmdb"
: >"$dir/regular-file"
lab_up

# expect_one_line_error DESCRIPTION CMD…: CMD exits non-zero and writes
# exactly one line on stderr.
expect_one_line_error() {
	local what=$1 rc lines
	shift
	"$@" >"$dir/stdout" 2>"$dir/stderr"
	rc=$?
	lines=$(wc -l <"$dir/stderr")
	[ "$rc" -ne 0 ] || lab_fail "$what: exit status 0, expected non-zero"
	[ "$lines" -eq 1 ] || lab_fail "$what: $lines lines on stderr, expected 1: $(head -c 600 "$dir/stderr")"
	echo "  $what: exit $rc, '$(cat "$dir/stderr")'"
}

expect_nothing_attached() {
	if in_sensor "$TS_BIN" status "$SENSOR_IF" >"$dir/status" 2>&1; then
		lab_fail "$1: status exits 0 for $SENSOR_IF, expected nothing attached: $(cat "$dir/status")"
	fi
	[ ! -e "$LAB_PINS" ] || lab_fail "$1: pins left in $LAB_PINS"
	# the roots go with the last pins in them (another sensor's keep them)
	local root
	for root in "${LAB_PINS%/*}" "${LAB_PINS%/*}-staging"; do
		if [ -d "$root" ] && [ -z "$(ls -A "$root")" ]; then
			lab_fail "$1: the empty $root is left"
		fi
	done
}

echo "bad flags and files"
out="$dir/out"
bad_run() { # DESCRIPTION ARGS…
	local what=$1
	shift
	expect_one_line_error "$what" in_sensor "$TS_BIN" run "$@"
	expect_nothing_attached "$what"
}
expect_nothing_attached "before any run"
bad_run "--interval 0" "$SENSOR_IF" --out "$out" --interval 0
bad_run "--interval abc" "$SENSOR_IF" --out "$out" --interval abc
bad_run "--mode foo" "$SENSOR_IF" --out "$out" --mode foo
bad_run "unknown interface" ts-nosuch0 --out "$out"
bad_run "--geoip /nonexistent" "$SENSOR_IF" --out "$out" --geoip /nonexistent
bad_run "--geoip corrupt" "$SENSOR_IF" --out "$out" --geoip "$dir/corrupt.mmdb"
# with a country database, so that its absence adds no warning line
geo=(--geoip "$dir/country.mmdb")
bad_run "--asn corrupt" "$SENSOR_IF" --out "$out" "${geo[@]}" --asn "$dir/corrupt.mmdb"
bad_run "--out a regular file" "$SENSOR_IF" --out "$dir/regular-file" "${geo[@]}"
bad_run "unknown option" "$SENSOR_IF" --out "$out" "${geo[@]}" --frobnicate
# where the metrics cannot be served: found before attaching
busy=19475 # a port something listens on already
nsenter --net="/run/netns/$SENSOR_NS" python3 -c 'import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen()
time.sleep(60)' "$busy" &
LAB_PIDS+=("$!")
for i in $(seq 50); do
	in_sensor ss -ltnH "sport = :$busy" | grep -q . && break
	sleep 0.1
done
bad_run "--metrics-listen 0" "$SENSOR_IF" --out "$out" "${geo[@]}" --metrics-listen 0
bad_run "--metrics-listen busy" "$SENSOR_IF" --out "$out" "${geo[@]}" --metrics-listen "$busy"
bad_run "--metrics-listen elsewhere" "$SENSOR_IF" --out "$out" "${geo[@]}" \
	--metrics-listen 198.51.100.7:9100
[ ! -e "$out" ] || [ -z "$(ls -A "$out")" ] || lab_fail "a failed run wrote into $out"

echo "option errors: the same line everywhere, exit 2; --help exits 0"
# expect_usage_error LINE CMD…: CMD exits 2 with exactly LINE on stderr.
expect_usage_error() {
	local want=$1 rc
	shift
	"$@" >"$dir/stdout" 2>"$dir/stderr"
	rc=$?
	[ "$rc" -eq 2 ] || lab_fail "$*: exit status $rc, expected 2"
	[ "$(cat "$dir/stderr")" = "$want" ] ||
		lab_fail "$*: stderr '$(cat "$dir/stderr")', expected '$want'"
	echo "  exit 2, '$want'"
}
e="xdp-telescope: error:"
try() { echo "(try 'xdp-telescope $1 --help')"; }
run_in() { in_sensor "$TS_BIN" run "$@"; }
expect_usage_error "$e run: --interval wants a whole number from 1 to 86400, not 'abc'" \
	run_in "$SENSOR_IF" --out "$out" --interval abc
expect_usage_error "$e run: --max-sources wants a whole number from 1 to 134217728, not '18446744073709551616'" \
	run_in "$SENSOR_IF" --out "$out" --max-sources 18446744073709551616
expect_usage_error "$e run: --mode wants auto, native or skb, not 'foo'" \
	run_in "$SENSOR_IF" --out "$out" -m foo
expect_usage_error "$e run: unknown option '--frobnicate' $(try run)" \
	run_in "$SENSOR_IF" --out "$out" --frobnicate
expect_usage_error "$e run: --metrics-listen wants PORT, ADDR:PORT or [ADDR]:PORT (PORT 1 to 65535), not '0'" \
	run_in "$SENSOR_IF" --out "$out" --metrics-listen 0
expect_usage_error "$e run: --metrics-listen $busy: cannot listen there: Address already in use" \
	run_in "$SENSOR_IF" --out "$out" --metrics-listen "$busy"
expect_usage_error "$e run: --metrics-listen 198.51.100.7:9100: cannot listen there: Cannot assign requested address" \
	run_in "$SENSOR_IF" --out "$out" --metrics-listen 198.51.100.7:9100
expect_usage_error "$e run: --out needs a value $(try run)" run_in "$SENSOR_IF" --out
expect_usage_error "$e run: --out DIR is required $(try run)" run_in "$SENSOR_IF"
expect_usage_error "$e run: missing IFACE $(try run)" run_in --out "$out"
expect_usage_error "$e run: unexpected argument 'eth9' $(try run)" run_in "$SENSOR_IF" eth9 --out "$out"
expect_usage_error "$e status: unknown option '--frobnicate' $(try status)" \
	in_sensor "$TS_BIN" status --frobnicate
expect_usage_error "$e status: unexpected argument 'eth9' $(try status)" \
	in_sensor "$TS_BIN" status "$SENSOR_IF" eth9
expect_usage_error "$e detach: unknown option '-x' $(try detach)" in_sensor "$TS_BIN" detach -x
expect_usage_error "$e detach: missing IFACE $(try detach)" in_sensor "$TS_BIN" detach
expect_usage_error "lab-send: error: --count wants a whole number from 1 to 18446744073709551615, not 'abc'" \
	"$SEND" --pcap "$dir/unused.pcap" --count abc
expect_usage_error "lab-send: error: --mix wants e2e, demo, tags or tags-reload, not 'e3e'" \
	"$SEND" --pcap "$dir/unused.pcap" --count 1 --mix e3e
for cmd in run status detach; do
	"$TS_BIN" "$cmd" --help >"$dir/help-$cmd" 2>"$dir/stderr" || lab_fail "$cmd --help: exit status $?"
	[ ! -s "$dir/stderr" ] || lab_fail "$cmd --help wrote on stderr: $(cat "$dir/stderr")"
	head -1 "$dir/help-$cmd" | grep -q "^usage: xdp-telescope $cmd" ||
		lab_fail "$cmd --help: $(head -1 "$dir/help-$cmd")"
done
# The README's table of run's options has every option --help lists.
for opt in $(sed -n 's/^  \(-., \|    \)--\([a-z-]*\).*/\2/p' "$dir/help-run"); do
	[ "$opt" = help ] && continue
	grep -Eq -- "^\| \`--$opt( |\`)" README.md || lab_fail "README.md: no row for run --$opt"
done
expect_nothing_attached "after the option errors"

echo "run --gzip --pass, status, a second run"
lab_start_loader "$dir/loader.log" --out "$out" --interval 1 --gzip --pass \
	--geoip "$dir/country.mmdb" --asn "$dir/asn.mmdb" --sensor cli
in_sensor "$TS_BIN" status "$SENSOR_IF" >"$dir/status" 2>&1 ||
	lab_fail "status exits non-zero with a sensor running: $(cat "$dir/status")"
grep -q "program [0-9]" "$dir/status" || lab_fail "status names no program: $(cat "$dir/status")"
grep -Eq "(native|skb) mode" "$dir/status" || lab_fail "status names no mode: $(cat "$dir/status")"
grep -q "packets [0-9]" "$dir/status" || lab_fail "status shows no totals: $(cat "$dir/status")"
expect_one_line_error "second run on $SENSOR_IF" in_sensor "$TS_BIN" run "$SENSOR_IF" --out "$dir/out2" "${geo[@]}"
kill -0 "$LOADER_PID" 2>/dev/null || lab_fail "the first loader died when a second one was refused"

# Count what reaches the sensor's stack: with --pass, every frame.
lab_capture "$dir/passed" 4 &
capture=$!
lab_capture_ready "$dir/passed"
drops_before=$(lab_wire_drops)
in_sender "$SEND" --ifname "$SENDER_IF" --mix e2e --seed 7 --count 1500 \
	--rate 1000 --account "$dir/account.csv" || lab_fail "lab-send failed"
wait "$capture"
drops=$(( $(lab_wire_drops) - drops_before ))
[ "$drops" -eq 0 ] || lab_fail "the wire dropped $drops frames: the comparison is void"
[ "$(cat "$dir/passed")" -eq 1500 ] ||
	lab_fail "--pass: the sensor's stack saw $(cat "$dir/passed") of 1500 frames"
sleep 1.2
kill -TERM "$LOADER_PID"
wait "$LOADER_PID"
rc=$?
[ "$rc" -eq 0 ] || lab_fail "loader exit status $rc after SIGTERM: $(tail -3 "$dir/loader.log")"

echo "the .csv.gz files"
ls "$out"/*/totals.csv.gz >/dev/null 2>&1 || lab_fail "no totals.csv.gz under $out"
if ls "$out"/*/*.csv >/dev/null 2>&1; then
	lab_fail "--gzip also wrote plain .csv files: $(ls "$out"/*/*.csv)"
fi
zpackets=$(zcat "$out"/*/totals.csv.gz | awk -F, '$1 != "time" { n += $3 } END { print n + 0 }')
sent=$(awk -F, '$1 == "totals" { n += $2 } END { print n + 0 }' "$dir/account.csv")
[ "$zpackets" -eq "$sent" ] || lab_fail "zcat totals.csv.gz: $zpackets packets, sent $sent"
lab_check_csv "$out" "$dir/account.csv" 1 || lab_fail "gzip CSV differs from what was sent"

echo "detach"
in_sensor "$TS_BIN" detach "$SENSOR_IF" || lab_fail "detach exits non-zero"
[ ! -e "$LAB_PINS" ] || lab_fail "detach left $LAB_PINS"
expect_nothing_attached "after detach"
in_sensor ip -d link show "$SENSOR_IF" | grep -q "prog/xdp" &&
	lab_fail "an XDP program is still attached to $SENSOR_IF after detach"
echo "run --mode skb: generic XDP counts exactly too"
lab_start_loader "$dir/loader.log" --out "$dir/out-skb" --interval 1 --mode skb \
	--geoip "$dir/country.mmdb" --asn "$dir/asn.mmdb" --sensor cli
in_sensor "$TS_BIN" status "$SENSOR_IF" >"$dir/status" 2>&1 ||
	lab_fail "status exits non-zero in skb mode: $(cat "$dir/status")"
grep -q "skb mode" "$dir/status" || lab_fail "status does not say skb mode: $(cat "$dir/status")"
in_sender "$SEND" --ifname "$SENDER_IF" --mix e2e --seed 8 --count 480 \
	--rate 1000 --account "$dir/account-skb.csv" || lab_fail "lab-send failed"
sleep 1.2
kill -TERM "$LOADER_PID"
wait "$LOADER_PID" || lab_fail "loader exit status $? after SIGTERM in skb mode"
lab_check_csv "$dir/out-skb" "$dir/account-skb.csv" 1 || lab_fail "skb mode: CSV differs from what was sent"
in_sensor "$TS_BIN" detach "$SENSOR_IF" || lab_fail "detach exits non-zero (skb mode)"
expect_nothing_attached "after detach (skb mode)"
echo "e2e_cli: ok"
