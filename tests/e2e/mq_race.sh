#!/usr/bin/env bash
# Two CPUs, the same new flows at the same moment: the sensor on a veth
# with two receive queues, one generator pinned to each CPU (bench/livegen),
# each frame's source taken from the clock (--time-shift: a new source
# every 4 us), so both CPUs meet every new flow within the same
# microseconds: both miss the lookup, both insert, one gets -EEXIST and
# must count in the other's entry; then both update it at once. The
# veth's NAPI for a queue runs on the CPU that fed it, so the classifier
# runs on both CPUs together. One-second intervals flip generations
# under that load. Every count must come out exact: the totals against
# what the generators sent (minus wire drops), and every per-flow series
# against the totals. (A classifier that inserts with BPF_ANY instead of
# BPF_NOEXIST loses counts here.)
#
# Once with each engine of livegen the kernel allows: live frames
# (BPF_F_TEST_XDP_LIVE_FRAMES), and fan-out (AF_PACKET seeds copied by an
# XDP broadcast redirect), which kernels that refuse live frames still run.
# TS_RACE_ENGINES="fanout" (or "live") runs only that one.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/lab.sh

[ "$(nproc)" -ge 2 ] || { echo "skipped: needs two CPUs"; exit 77; }
lab_prepare e2e_mq_race
GEN=${TS_LIVEGEN:-$PWD/build/bench/livegen}
[ -x "$GEN" ] || lab_fail "no $GEN (make test-build)"
engines=()
for engine in ${TS_RACE_ENGINES:-live fanout}; do
	feature=$([ "$engine" = live ] && echo live-frames || echo xdp-fanout)
	if kernel_has "$feature"; then engines+=("$engine"); else echo "no $engine run: $KERNEL_MISSING"; fi
done
[ ${#engines[@]} -gt 0 ] || { echo "skipped: no engine of livegen runs on this kernel"; exit 77; }
PACKETS=3000000 # a generator

LAB_QUEUES=2
lab_up

queue_frames() { # Q: frames receive queue Q of the sensor's veth has run XDP on so far
	in_sensor ethtool -S "$SENSOR_IF" | awk -v k="rx_queue_${1}_xdp_packets:" '$1 == k { print $2 + 0 }'
}

race() { # ENGINE: one race, a fresh sensor, every count checked
	local engine=$1 out="$dir/out-$1" log="$dir/loader-$1.log" gens=() pid cpu q n
	local drops_before sent drops packets intervals f mirai q_before=()

	echo "--- engine $engine"
	drops_before=$(lab_wire_drops)
	for q in 0 1; do q_before[q]=$(queue_frames "$q"); done
	lab_start_loader "$log" --out "$out" --interval 1 --geoip "$dir/country.mmdb" \
		--asn "$dir/asn.mmdb" --sensor race --max-sources 2000000 --max-tagged 2000000
	for cpu in 0 1; do
		nsenter --net="/run/netns/$SENDER_NS" taskset -c "$cpu" "$GEN" --ifname "$SENDER_IF" \
			--engine "$engine" --sources 1000 --packets "$PACKETS" --time-shift 12 \
			--name "$engine.cpu$cpu" --csv "$dir/gen.csv" >"$dir/gen-$engine$cpu.log" 2>&1 &
		gens+=($!)
		LAB_PIDS+=($!)
	done
	for pid in "${gens[@]}"; do
		wait "$pid" || lab_fail "livegen --engine $engine failed: $(cat "$dir"/gen-"$engine"*.log)"
	done
	sleep 0.3
	kill -TERM "$LOADER_PID"
	wait "$LOADER_PID" || lab_fail "loader exit status $? after SIGTERM: $(tail -3 "$log")"
	in_sensor "$TS_BIN" detach "$SENSOR_IF" >/dev/null || lab_fail "detach after the $engine run"

	# Both queues must have carried frames, or the CPUs did not race.
	for q in 0 1; do
		n=$(( $(queue_frames "$q") - q_before[q] ))
		[ "$n" -gt 0 ] || lab_fail "receive queue $q saw no frames: the CPUs did not both classify"
	done

	sent=$(awk -F, -v e="$engine" '$1 == "live." e ".cpu0.sent" || $1 == "live." e ".cpu1.sent" { s += $2 }
		END { print s + 0 }' "$dir/gen.csv")
	drops=$(( $(lab_wire_drops) - drops_before ))
	sum() { # FILE COLUMN-NAME [FILTER-COLUMN VALUE]: sum of a column over every interval
		cat "$out"/*/"$1" | awk -F, -v c="$2" -v fc="${3:-}" -v fv="${4:-}" '
			$1 == "time" { for (i = 1; i <= NF; i++) col[$i] = i; next }
			fc == "" || $col[fc] == fv { s += $col[c] } END { print s + 0 }'
	}
	packets=$(sum totals.csv packets)
	intervals=$(cat "$out"/*/totals.csv | grep -vc '^time')
	echo "sent $sent, wire drops $drops, counted $packets in $intervals intervals"
	[ "$sent" -eq $((2 * PACKETS)) ] || lab_fail "the generators sent $sent frames, not $((2 * PACKETS))"
	[ "$intervals" -ge 2 ] || lab_fail "only $intervals interval(s): no flip under load"
	[ "$packets" -eq $((sent - drops)) ] ||
		lab_fail "totals.packets $packets, but $sent sent and $drops dropped on the wire"
	[ "$(sum totals.csv overflow)" -eq 0 ] || lab_fail "flows overflowed: the comparison is void"
	[ "$(sum totals.csv tag_overflow)" -eq 0 ] || lab_fail "tagged keys overflowed"
	for f in ports.csv sources.csv port_countries.csv countries.csv; do
		n=$(sum "$f" packets)
		[ "$n" -eq "$packets" ] || lab_fail "Σ $f packets $n, totals.packets $packets"
	done
	[ "$(sum ports.csv bytes)" -eq "$(sum totals.csv bytes)" ] || lab_fail "Σ ports.bytes differs from totals.bytes"
	[ "$(sum sources.csv bytes)" -eq "$(sum totals.csv bytes)" ] || lab_fail "Σ sources.bytes differs from totals.bytes"
	mirai=$(sum totals.csv mirai)
	[ "$(sum ports.csv mirai)" -eq "$mirai" ] || lab_fail "Σ ports.mirai differs from totals.mirai $mirai"
	[ "$(sum tags.csv packets tag mirai)" -eq "$mirai" ] || lab_fail "tags.csv mirai differs from totals.mirai $mirai"
	# with no wire drops the generators' shares are exact: Mirai-type SYNs
	# are 4 % of each generator's frames (bench/mix.c)
	if [ "$drops" -eq 0 ]; then
		[ "$mirai" -eq $((2 * PACKETS * 4 / 100)) ] ||
			lab_fail "totals.mirai $mirai, $((2 * PACKETS * 4 / 100)) sent"
	fi
	echo "exact: $packets packets, $mirai Mirai-type, over $(sum ports.csv sources) flow entries"
}

for engine in "${engines[@]}"; do
	race "$engine"
done
