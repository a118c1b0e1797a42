#!/usr/bin/env bash
# bench/livegen chooses its engine by what the kernel allows, and what
# either engine says it sent is what the sensor counts, frame by frame
# of the mix. The refusal of live frames is made with tests/tools/
# refuse-live (a seccomp filter on the test's own processes: the kernel
# answers EPERM to BPF_F_TEST_XDP_LIVE_FRAMES, as a kernel or security
# module that forbids them does).
set -u
cd "$(dirname "$0")/../.."
. tests/lib/lab.sh

lab_prepare e2e_livegen
skip_without xdp-fanout
GEN=${TS_LIVEGEN:-$PWD/build/bench/livegen}
REFUSE=$TS_TOOLS/refuse-live
[ -x "$GEN" ] || lab_fail "no $GEN (make test-build)"
N=200000
lab_up
drops_before=$(lab_wire_drops)
lab_start_loader "$dir/loader.log" --out "$dir/out" --interval 3600 --geoip "$dir/country.mmdb" \
	--sensor gen

gen() { # LOG ARGS...: livegen in the sending namespace, through refuse-live when REFUSING=1
	local log=$1
	shift
	if [ "${REFUSING:-0}" = 1 ]; then
		nsenter --net="/run/netns/$SENDER_NS" "$REFUSE" "$GEN" --ifname "$SENDER_IF" "$@" >"$log" 2>&1
	else
		nsenter --net="/run/netns/$SENDER_NS" "$GEN" --ifname "$SENDER_IF" "$@" >"$log" 2>&1
	fi
}

# A kernel that refuses live frames: --engine live says so in one line
# and sends nothing; auto says why it sends with the fan-out instead.
REFUSING=1 gen "$dir/live.log" --engine live --packets "$N" --sources 1000 &&
	lab_fail "livegen --engine live ran where live frames are refused: $(cat "$dir/live.log")"
grep -q "^livegen: the kernel refuses a live test run: Operation not permitted (--engine fanout sends without live frames)$" \
	"$dir/live.log" || lab_fail "no clear refusal: $(cat "$dir/live.log")"
[ "$(grep -vc '^refuse-live: ' "$dir/live.log")" -eq 1 ] || lab_fail "more than one line: $(cat "$dir/live.log")"
REFUSING=1 gen "$dir/auto.log" --packets "$N" --sources 1000 --csv "$dir/gen.csv" --name refused ||
	lab_fail "livegen (auto) where live frames are refused: $(cat "$dir/auto.log")"
grep -q "^livegen: BPF_PROG_TEST_RUN refuses BPF_F_TEST_XDP_LIVE_FRAMES .*: Operation not permitted: the fanout engine sends instead$" \
	"$dir/auto.log" || lab_fail "auto did not say why it chose the fan-out: $(cat "$dir/auto.log")"
grep -q "^livegen: fanout engine sent $N frames" "$dir/auto.log" ||
	lab_fail "auto did not send with the fan-out: $(cat "$dir/auto.log")"
runs=1

# Where the kernel allows live frames, auto takes them.
if kernel_has live-frames; then
	gen "$dir/auto-live.log" --packets "$N" --sources 1000 --csv "$dir/gen.csv" --name allowed ||
		lab_fail "livegen (auto): $(cat "$dir/auto-live.log")"
	grep -q "^livegen: live engine sent $N frames" "$dir/auto-live.log" ||
		lab_fail "auto did not take live frames: $(cat "$dir/auto-live.log")"
	runs=2
else
	echo "no live-frames run: $KERNEL_MISSING"
fi
# The fan-out's own veth pairs are gone with each run.
n=$(in_sender ip -o link show | grep -vc -e ": lo:" -e ": $SENDER_IF@")
[ "$n" -eq 0 ] || lab_fail "livegen left $n interface(s) in the sending namespace: $(in_sender ip -o link show)"

sleep 0.3
kill -TERM "$LOADER_PID"
wait "$LOADER_PID" || lab_fail "loader exit status $? after SIGTERM: $(tail -3 "$dir/loader.log")"

# The sensor's counts against what the generators sent, by the mix's
# shares (bench/mix.c): 445/tcp 15 %, 5060/udp 5 %, ICMP echo 5 %, and
# Mirai-type SYNs 4 % of every run (the total alone, less the wire's
# drops, should the veth's ring have overflowed).
sent=$(awk -F, '$1 ~ /^live\.(refused|allowed)\.sent$/ { s += $2 } END { print s + 0 }' "$dir/gen.csv")
[ "$sent" -eq $((runs * N)) ] || lab_fail "the generators say they sent $sent frames, not $((runs * N))"
drops=$(( $(lab_wire_drops) - drops_before ))
python3 - "$dir/out" "$sent" "$drops" <<'PYEOF' || lab_fail "the sensor's counts differ from what was sent"
import csv, glob, sys
out, sent, drops = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def rows(name):
    for path in sorted(glob.glob(f"{out}/*/{name}")):
        with open(path, newline="") as f:
            yield from csv.DictReader(f)
totals = list(rows("totals.csv"))
packets = sum(int(r["packets"]) for r in totals)
mirai = sum(int(r["mirai"]) for r in totals)
ports = {}
for r in rows("ports.csv"):
    ports[(r["proto"], r["port"])] = ports.get((r["proto"], r["port"]), 0) + int(r["packets"])
want = {"packets": sent, "mirai": sent * 4 // 100, "tcp/445": sent * 15 // 100,
        "udp/5060": sent * 5 // 100, "icmp/8": sent * 5 // 100}
got = {"packets": packets, "mirai": mirai, "tcp/445": ports.get(("tcp", "445"), 0),
       "udp/5060": ports.get(("udp", "5060"), 0), "icmp/8": ports.get(("icmp", "8"), 0)}
if drops:  # frames the veth's full ring dropped: only the total can be compared
    want, got = {"packets": sent - drops}, {"packets": packets}
    print(f"{drops} frames dropped on the wire: the shares are not compared")
bad = [f"{k}: counted {got[k]}, sent {want[k]}" for k in want if got[k] != want[k]]
print("\n".join(bad) or f"exact: {packets} packets, {mirai} Mirai-type")
sys.exit(1 if bad else 0)
PYEOF
