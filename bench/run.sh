#!/usr/bin/env bash
# `make bench`: measure the classifier on this machine (docs/bench.md).
#   1. bench-xdp: ns/packet under BPF_PROG_TEST_RUN (repeat) for bare
#      XDP_DROP, the one-hash-update floors and the classifier, on six
#      source mixes; also writes each mix as a pcap file.
#   2. pcap-baseline: the same classification through libpcap.
#   3. Live: the real sensor (`xdp-telescope run`) on a lab veth, fed by
#      bench/livegen (live frames where the kernel allows them, else its
#      XDP fan-out); sent vs counted vs dropped; the same with a bare
#      XDP_DROP and with a live libpcap reader; and on a veth of 1 and of
#      2 receive queues, one generator per CPU.
#   4. Drain: one interval of 1M distinct sources, drained, geolocated and
#      written by the loader (median of TS_BENCH_RUNS intervals): time per
#      step, loader CPU time, peak RSS, BPF map memory.
# Results: a table on stdout and build/bench.csv (name,value,unit).
# Needs root (BPF, namespaces). TS_BENCH_RUNS (default 5) passes per number;
# TS_BENCH_SKIP="xdp pcap live drain" skips parts; TS_BENCH_ENGINE=live or
# fanout picks livegen's engine (default: live where the kernel allows it);
# TS_BENCH_DRAIN_INTERVAL (default 30 s) is the drain part's interval, which
# must outlast a feed of 1M sources.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=build
TOOLS=$BUILD/bench
TS_BIN=${TS_BIN:-$PWD/$BUILD/xdp-telescope}
CSV=$BUILD/bench.csv
RUNS=${TS_BENCH_RUNS:-5}
SKIP=${TS_BENCH_SKIP:-}
GEOIP=${TS_BENCH_GEOIP:-data/country.mmdb}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ts-bench.XXXXXX")
MIXES="1 10k 1M 1M-zipf 10k-mirai 1M-mirai"

# Lab: two namespaces of our own, a veth between them, nothing else.
TX_NS=tsbench-tx-$$
RX_NS=tsbench-rx-$$
TX_IF=tsbench-tx
RX_IF=tsbench-rx
SINK_PIN=/sys/fs/bpf/tsbench-sink-$$
SENSOR_PID=

skipping() { [[ " $SKIP " == *" $1 "* ]]; }
say() { printf '%s\n' "$*" >&2; }
die() { say "bench: $*"; exit 1; }
row() { printf '%s,%s,%s\n' "$1" "$2" "$3" >>"$CSV"; }
# Value of one row of the CSV (empty when absent).
val() { awk -F, -v k="$1" '$1 == k { v = $2 } END { print v }' "$CSV"; }

PCAP_PID=
sensor_stop() {
	if [ -n "$PCAP_PID" ]; then
		kill -TERM "$PCAP_PID" 2>/dev/null || true
		wait "$PCAP_PID" 2>/dev/null || true
		PCAP_PID=
	fi
	if [ -n "$SENSOR_PID" ]; then
		kill -TERM "$SENSOR_PID" 2>/dev/null || true
		wait "$SENSOR_PID" 2>/dev/null || true
		SENSOR_PID=
	fi
}

lab_down() {
	sensor_stop
	if [ -e "/run/netns/$RX_NS" ]; then
		nsenter --net="/run/netns/$RX_NS" "$TS_BIN" detach "$RX_IF" >/dev/null 2>&1 || true
	fi
	ip netns del "$TX_NS" 2>/dev/null || true
	ip netns del "$RX_NS" 2>/dev/null || true
}

cleanup() {
	lab_down
	rm -f "/run/xdp-telescope/$RX_IF.lock" # run's lock file: it outlives run
	rm -rf "$SINK_PIN"
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

lab_up() { # [QUEUES]: receive and transmit queues of each end (default 1)
	local q=${1:-1}
	lab_down
	rm -f "/run/xdp-telescope/$RX_IF.lock" # run's lock file: it outlives run
	ip netns add "$TX_NS"
	ip netns add "$RX_NS"
	ip link add "$TX_IF" numtxqueues "$q" numrxqueues "$q" netns "$TX_NS" type veth \
		peer name "$RX_IF" numtxqueues "$q" numrxqueues "$q" netns "$RX_NS"
	# No IPv6 autoconfiguration: the only frames on this wire are ours,
	# so what was sent and what was counted must match exactly.
	for ns in "$TX_NS" "$RX_NS"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
	done
	ip -n "$TX_NS" link set "$TX_IF" up
	ip -n "$RX_NS" link set "$RX_IF" up
}

# sensor_start OUTDIR ARGS…: `xdp-telescope run` on the lab's receiving end.
sensor_start() {
	local out=$1
	shift
	mkdir -p "$out"
	nsenter --net="/run/netns/$RX_NS" "$TS_BIN" run "$RX_IF" --out "$out" \
		--sensor bench --verbose "$@" >"$out/log" 2>&1 &
	SENSOR_PID=$!
	for _ in $(seq 100); do
		grep -q "attached to\|adopted" "$out/log" 2>/dev/null && return 0
		kill -0 "$SENSOR_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$out/log" >&2
	die "the sensor did not start"
}

# Sum of a column of totals.csv over every row the sensor wrote.
totals_sum() {
	local out=$1 col=$2
	cat "$out"/*/totals.csv 2>/dev/null |
		awk -F, -v c="$col" 'NR > 1 && $1 != "time" { s += $c } END { print s + 0 }'
}

ethtool_stat() {
	local ns=$1 dev=$2 name=$3
	ip netns exec "$ns" ethtool -S "$dev" |
		awk -v n="$name:" '$1 == n { print $2; f = 1 } END { if (!f) print 0 }'
}

link_stat() {
	local ns=$1 dev=$2 name=$3
	ip netns exec "$ns" cat "/sys/class/net/$dev/statistics/$name"
}

[ "$(id -u)" -eq 0 ] || die "needs root (BPF programs, network namespaces)"
for t in bench-xdp pcap-baseline livegen drainfeed; do
	[ -x "$TOOLS/$t" ] || die "$TOOLS/$t missing: run 'make bench'"
done
# What the kernel must allow, asked up front (tests/lib/kernel.sh): one
# line for what is missing, not a failure deep inside a part.
KFEATURE=$PWD/$BUILD/tests/tools/kfeature
. tests/lib/kernel.sh
kernel_has bpf bpffs || die "$KERNEL_MISSING"
# The live part's generator: live frames where the kernel allows them,
# else the fan-out (bench/gen.h).
ENGINE=${TS_BENCH_ENGINE:-}
if ! skipping live && [ -z "$ENGINE" ]; then
	if kernel_has live-frames; then
		ENGINE=live
	elif refused=${KERNEL_MISSING#kernel: } && kernel_has xdp-fanout; then
		ENGINE=fanout
		say "bench: $refused: the live part sends with livegen's fan-out"
	else
		say "bench: no generator for the live part, skipped: $KERNEL_MISSING"
		SKIP="$SKIP live"
	fi
fi
if ! skipping live; then
	case $ENGINE in
	live) GENERATOR="live frames (BPF_F_TEST_XDP_LIVE_FRAMES)" need=live-frames ;;
	fanout) GENERATOR="fan-out (AF_PACKET seeds, XDP broadcast copies)" need=xdp-fanout ;;
	*) die "TS_BENCH_ENGINE=$ENGINE: live or fanout" ;;
	esac
	kernel_has "$need" || die "$KERNEL_MISSING"
fi
mkdir -p "$BUILD"
echo "name,value,unit" >"$CSV"
row machine.cpus "$(nproc)" cpus
row machine.kernel "$(uname -r)" text
skipping live || row live.generator "$ENGINE" text
start=$SECONDS

# --- 1. classifier under BPF_PROG_TEST_RUN -----------------------------
if ! skipping xdp; then
	say "== 1. classifier cost (BPF_PROG_TEST_RUN, repeat)"
	"$TOOLS/bench-xdp" --runs "$RUNS" --csv "$CSV" --pcap-dir "$WORK" --pcap-packets 1000000
fi

# --- 2. userspace baseline ---------------------------------------------
if ! skipping pcap && ! skipping xdp; then
	say ""
	say "== 2. userspace baseline: libpcap file reader, same mixes (1M packets; 4M for 1M-zipf, one pass over its table)"
	for mix in $MIXES; do
		"$TOOLS/pcap-baseline" "$WORK/$mix.pcap" --runs "$RUNS" --name "$mix" --csv "$CSV"
		rm -f "$WORK/$mix.pcap"
		awk -v p="$(val "pcap.$mix.ns_per_packet")" -v x="$(val "xdp.$mix.classifier.ns_per_packet")" \
			'BEGIN { printf "%.2f\n", p / x }' >"$WORK/ratio"
		row "pcap.$mix.ratio_to_classifier" "$(cat "$WORK/ratio")" x
	done
fi
rm -f "$WORK"/*.pcap

# --- 3. live path --------------------------------------------------------
# live_run NAME SOURCES PACKETS THREADED RECEIVER: livegen on TX_IF, and on
# RX_IF the sensor (`xdp-telescope run`), a bare XDP_DROP (the ceiling of
# this lab), or pcap: frames passed to the stack and captured by
# pcap-live, which counts them as the sensor does (the live userspace
# baseline; what it loses is libpcap's ps_drop). THREADED=0: the receiver's NAPI runs in softirq
# on the generator's CPU, which paces the generator. THREADED=1: NAPI in
# its own kernel thread on the other CPU, the generator flat out: the
# veth ring overflows, and those frames are wire drops (the sender's
# tx_dropped), which a real NIC counts as rx_missed.
live_run() {
	local name=$1 sources=$2 packets=$3 threaded=$4 receiver=$5 out="$WORK/live-$1"
	local gen_cpu=$(($(nproc) - 1)) pid

	lab_up
	if [ "$receiver" = sensor ]; then
		sensor_start "$out" --interval 3600 --max-sources 1500000 --max-tagged 1500000 --geoip "$GEOIP"
	else
		# bare drop, or pass to the stack for a libpcap reader
		rm -rf "$SINK_PIN"
		bpftool prog loadall "$TOOLS/sink.bpf.o" "$SINK_PIN" type xdp
		nsenter --net="/run/netns/$RX_NS" bpftool net attach xdpdrv \
			pinned "$SINK_PIN/bench_$([ "$receiver" = pcap ] && echo pass || echo sink)" dev "$RX_IF"
		rm -rf "$SINK_PIN" # the attachment holds the program now
	fi
	if [ "$receiver" = pcap ]; then
		rm -f "$WORK/pcap-ready"
		nsenter --net="/run/netns/$RX_NS" taskset -c 0 "$TOOLS/pcap-live" \
			--ifname "$RX_IF" --name "$name" --csv "$CSV" --ready "$WORK/pcap-ready" >&2 &
		PCAP_PID=$!
		for _ in $(seq 100); do
			[ -e "$WORK/pcap-ready" ] && break
			sleep 0.1
		done
	fi
	if [ "$threaded" = 1 ]; then
		ip netns exec "$RX_NS" sh -c "echo 1 > /sys/class/net/$RX_IF/threaded"
		pid=$(pgrep "^napi/$RX_IF" | head -1 || true)
		if [ -n "$pid" ] && [ "$(nproc)" -gt 1 ]; then
			taskset -pc 0 "$pid" >/dev/null
		fi
	fi
	nsenter --net="/run/netns/$TX_NS" taskset -c "$gen_cpu" "$TOOLS/livegen" \
		--ifname "$TX_IF" --engine "$ENGINE" --sources "$sources" --packets "$packets" \
		--csv "$CSV" --name "$name" >&2
	sleep 0.2 # let NAPI empty the ring
	local tx_ok tx_drop rx_xdp counted sent gen_s lost
	tx_ok=$(ethtool_stat "$TX_NS" "$TX_IF" tx_queue_0_xdp_xmit)
	tx_drop=$(link_stat "$TX_NS" "$TX_IF" tx_dropped)
	rx_xdp=$(ethtool_stat "$RX_NS" "$RX_IF" rx_queue_0_xdp_packets)
	if [ "$receiver" = sensor ]; then
		sensor_stop
		counted=$(totals_sum "$out" 3)
	elif [ "$receiver" = pcap ]; then
		sleep 0.5 # let the reader empty its ring
		kill -TERM "$PCAP_PID"
		wait "$PCAP_PID" || true
		PCAP_PID=
		counted=$(val "pcap-live.$name.processed")
	else
		counted=$rx_xdp
	fi
	sent=$(val "live.$name.sent")
	gen_s=$(val "live.$name.generation_seconds")
	lost=$((sent - tx_drop - counted))
	row "live.$name.wire_dropped" "$tx_drop" frames
	row "live.$name.delivered" "$tx_ok" frames
	row "live.$name.receiver_saw" "$rx_xdp" frames
	row "live.$name.counted" "$counted" packets
	row "live.$name.lost_at_receiver" "$lost" packets
	row "live.$name.received_mpps" "$(awk -v c="$counted" -v s="$gen_s" 'BEGIN { printf "%.3f", c / s / 1e6 }')" Mpps
	say "live $name ($receiver): sent $sent, wire drops (sender tx_dropped) $tx_drop," \
		"delivered $tx_ok, counted $counted, lost at the receiver $lost"
	lab_down
	rm -f "/run/xdp-telescope/$RX_IF.lock" # run's lock file: it outlives run
}

# live_mq NAME QUEUES: the sensor on a veth of QUEUES receive queues, one
# generator per queue pinned to a CPU of its own, 10M frames of 1M
# sources in all, each generator its own share of the sources (a NIC's
# RSS keeps a flow on one queue). A frame redirected into the veth lands
# on the queue of the sending CPU and that queue's NAPI runs there, in
# softirq, pacing its generator: QUEUES cores run generator, veth and
# classifier side by side, and nothing is dropped on the wire.
live_mq() {
	local name=$1 queues=$2 out="$WORK/live-$1" q cpu pids=() sources=1000000 packets=10000000
	local tx_drop rx_xdp=0 counted sent gen_s lost n

	lab_up "$queues"
	sensor_start "$out" --interval 3600 --max-sources 1500000 --max-tagged 1500000 --geoip "$GEOIP"
	for q in $(seq 0 $((queues - 1))); do
		cpu=$(( queues == 1 ? $(nproc) - 1 : q ))
		nsenter --net="/run/netns/$TX_NS" taskset -c "$cpu" "$TOOLS/livegen" \
			--ifname "$TX_IF" --engine "$ENGINE" \
			--sources $((sources / queues)) --first $((q * sources / queues)) \
			--packets $((packets / queues)) --csv "$WORK/$name.q$q.csv" --name "$name.q$q" >&2 &
		pids+=($!)
	done
	for q in "${pids[@]}"; do wait "$q"; done
	sleep 0.2 # let NAPI empty the rings
	tx_drop=$(link_stat "$TX_NS" "$TX_IF" tx_dropped)
	for q in $(seq 0 $((queues - 1))); do
		n=$(ethtool_stat "$RX_NS" "$RX_IF" "rx_queue_${q}_xdp_packets")
		row "live.$name.queue$q.receiver_saw" "$n" frames
		rx_xdp=$((rx_xdp + n))
	done
	sensor_stop
	counted=$(totals_sum "$out" 3)
	cat "$WORK/$name".q*.csv | grep -v '^name,' >>"$CSV"
	sent=$(awk -F, -v n="live.$name." 'index($1, n) == 1 && $1 ~ /\.sent$/ { s += $2 } END { print s }' "$CSV")
	# the generators run side by side: the slower one's time is the run's
	gen_s=$(awk -F, -v n="live.$name." 'index($1, n) == 1 && $1 ~ /\.generation_seconds$/ && $2 > m { m = $2 } END { print m }' "$CSV")
	lost=$((sent - tx_drop - counted))
	row "live.$name.sent" "$sent" frames
	row "live.$name.wire_dropped" "$tx_drop" frames
	row "live.$name.receiver_saw" "$rx_xdp" frames
	row "live.$name.counted" "$counted" packets
	row "live.$name.lost_at_receiver" "$lost" packets
	row "live.$name.received_mpps" "$(awk -v c="$counted" -v s="$gen_s" 'BEGIN { printf "%.3f", c / s / 1e6 }')" Mpps
	say "live $name ($queues queue(s)): sent $sent, wire drops $tx_drop, counted $counted," \
		"lost at the receiver $lost, $(val "live.$name.received_mpps") Mpps"
	lab_down
	rm -f "/run/xdp-telescope/$RX_IF.lock" # run's lock file: it outlives run
}

if ! skipping live; then
	say ""
	say "== 3. live path: xdp-telescope run on a lab veth; generator: $GENERATOR"
	[ -x "$TS_BIN" ] || die "$TS_BIN missing: make all"
	live_run paced-1M 1000000 10000000 0 sensor
	live_run paced-drop 1000000 10000000 0 drop
	live_run paced-libpcap 1000000 10000000 0 pcap
	live_run overload-1M 1000000 10000000 1 sensor
	live_run overload-10k 10000 10000000 1 sensor
	live_run overload-drop 1000000 10000000 1 drop
	if [ "$(nproc)" -ge 2 ]; then
		live_mq mq-1q 1
		live_mq mq-2q 2
		awk -v a="$(val live.mq-1q.received_mpps)" -v b="$(val live.mq-2q.received_mpps)" \
			'BEGIN { printf "live.mq_scaling,%.2f,x\n", b / a }' >>"$CSV"
	fi
	# Per-packet CPU on the live path, paced runs: the generator's core
	# runs generator + veth + receiver, so a receiver's cost is its time
	# per packet minus the bare-drop run's. The libpcap tool also spends
	# its reader's CPU (on the other core).
	awk -v s="$(val live.paced-1M.received_mpps)" -v d="$(val live.paced-drop.received_mpps)" \
		-v p="$(val live.paced-libpcap.received_mpps)" \
		-v r="$(val pcap-live.paced-libpcap.reader_cpu_ns_per_packet)" 'BEGIN {
		sensor = 1000 / s - 1000 / d; lib = 1000 / p - 1000 / d + r
		printf "live.sensor_ns_per_packet,%.1f,ns\n", sensor
		printf "live.libpcap_ns_per_packet,%.1f,ns\n", lib
		printf "live.libpcap_ratio_to_sensor,%.2f,x\n", lib / sensor
	}' >>"$CSV"
fi

# --- 4. drain of 1M distinct sources ------------------------------------
# The loader drains on the UTC clock; feed right after one drain so that
# the whole million lands in the next interval, then read that drain's
# log line and the loader's peak RSS before stopping it.
wait_drains() { # wait until the log has N "drained" lines
	local log=$1 n=$2
	for _ in $(seq 600); do
		[ "$(grep -c 'drained ' "$log" || true)" -ge "$n" ] && return 0
		kill -0 "$SENSOR_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

if ! skipping drain; then
	say ""
	say "== 4. drain: one interval of 1M distinct sources, geolocated with $GEOIP (median of $RUNS)"
	[ -f "$GEOIP" ] || die "$GEOIP missing: make geoip"
	out="$WORK/drain"
	interval=${TS_BENCH_DRAIN_INTERVAL:-30}
	lab_up
	sensor_start "$out" --interval "$interval" --max-sources 1500000 --max-tagged 1500000 --geoip "$GEOIP"
	wait_drains "$out/log" 1 || die "no drain from the sensor"
	pin_dir=/sys/fs/bpf/xdp-telescope/$RX_IF
	hwm_before=$(awk '/^VmHWM/ { print $2 }' "/proc/$SENSOR_PID/status")
	# each pass: right after a drain, a million sources; the next drain
	# holds exactly them
	# the loader's CPU time (user + system) across each drain: on a busy
	# machine the wall-clock time grows with what else runs, this less
	cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SENSOR_PID/stat"; }
	for pass in $(seq "$RUNS"); do
		ticks=$(cpu_ticks)
		"$TOOLS/drainfeed" --pin-dir "$pin_dir" --sources 1000000 | tee "$WORK/feed" >&2
		wait_drains "$out/log" $((pass + 1)) || die "the sensor did not drain"
		awk -v a="$ticks" -v b="$(cpu_ticks)" -v hz="$(getconf CLK_TCK)" \
			'BEGIN { printf "%.2f\n", (b - a) / hz }' >>"$WORK/drain-cpu"
		line=$(grep 'drained ' "$out/log" | sed -n "$((pass + 1))p")
		say "loader: $line"
		sed -n 's/.* in \([0-9.]*\) s (read \([0-9.]*\), rows \([0-9.]*\), write \([0-9.]*\), clear \([0-9.]*\)).*/\1 \2 \3 \4 \5/p' \
			<<<"$line" >>"$WORK/drain-steps"
		flows=$(sed -n 's/.*packets, \([0-9]*\) flows.*/\1/p' <<<"$line")
		[ "${flows:-0}" -eq 1000000 ] || die "drain $pass held ${flows:-0} flows, not 1000000:" \
			"the feed ($(sed -n 's/.* fed in \([0-9.]*\) s/\1 s/p' "$WORK/feed")) outlasted" \
			"the ${interval} s interval it began in (TS_BENCH_DRAIN_INTERVAL=S gives it more)"
	done
	hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$SENSOR_PID/status")
	map_bytes=0
	for pin in "$pin_dir"/*; do
		[ "$(basename "$pin")" = link ] && continue
		b=$(bpftool -j map show pinned "$pin" 2>/dev/null |
			sed -n 's/.*"bytes_memlock":\([0-9]*\).*/\1/p')
		map_bytes=$((map_bytes + ${b:-0}))
	done
	sensor_stop
	rows=$(cat "$out"/*/sources.csv | grep -vc '^time')
	row drain.flows "$flows" flows
	row drain.sources_rows "$rows" rows
	col=1
	for step in seconds read_seconds rows_seconds write_seconds clear_seconds; do
		row "drain.$step" "$(cut -d' ' -f$col "$WORK/drain-steps" | median)" s
		[ "$step" = seconds ] && row drain.seconds_min "$(cut -d' ' -f1 "$WORK/drain-steps" | sort -g | head -1)" s &&
			row drain.seconds_max "$(cut -d' ' -f1 "$WORK/drain-steps" | sort -g | tail -1)" s
		col=$((col + 1))
	done
	row drain.cpu_seconds "$(median <"$WORK/drain-cpu")" s
	row drain.loader_peak_rss "$hwm" KiB
	row drain.loader_rss_before_feed "$hwm_before" KiB
	row drain.bpf_map_memory "$map_bytes" bytes
	lab_down
	rm -f "/run/xdp-telescope/$RX_IF.lock" # run's lock file: it outlives run
fi

row bench.seconds "$((SECONDS - start))" s

# --- summary ---------------------------------------------------------------
awk -F, '
function v(k) { return (k in V) ? V[k] : "" }
NR > 1 { V[$1] = $2 }
function check(what, got, op, want, unit,   ok) {
	if (got == "") { printf "  %-56s %10s  (not measured)\n", what, "-"; return }
	ok = (op == "<=") ? (got + 0 <= want) : (got + 0 >= want)
	printf "  %-56s %10.2f%-2s %s %s%s  %s\n", what, got, unit, op, want, unit, ok ? "met" : "MISSED"
}
END {
	print ""
	print "== summary (medians; build/bench.csv has min/max of every number)"
	printf "  %-9s %-18s %9s %9s %8s %8s %8s\n", "mix", "program", "ns/pkt", "Mpps", "xdrop", "xfloor", "xmin"
	n = split("1 10k 1M 1M-zipf 10k-mirai 1M-mirai", mixes, " ")
	m = split("drop floor floor-min classifier classifier-norules", progs, " ")
	for (i = 1; i <= n; i++) {
		for (j = 1; j <= m; j++) {
			k = "xdp." mixes[i] "." progs[j]
			if (v(k ".ns_per_packet") == "") continue
			printf "  %-9s %-18s %9.1f %9.2f %8.2f %8.2f %8.2f\n", mixes[i], progs[j],
				v(k ".ns_per_packet"), v(k ".mpps"), v(k ".ratio_to_drop"), v(k ".ratio_to_floor"),
				v(k ".ratio_to_min_floor")
		}
		if (v("pcap." mixes[i] ".ns_per_packet") != "")
			printf "  %-9s %-18s %9.1f %9.2f   (%.2fx the classifier)\n", mixes[i], "libpcap",
				v("pcap." mixes[i] ".ns_per_packet"), v("pcap." mixes[i] ".mpps"),
				v("pcap." mixes[i] ".ratio_to_classifier")
	}
	print ""
	print "  line-rate budget per core, 64-byte frames: 67.2 ns (10 GbE), 26.9 ns (25 GbE), 6.7 ns (100 GbE)"
	n = split("paced-1M paced-drop paced-libpcap overload-1M overload-10k overload-drop mq-1q mq-2q", lives, " ")
	for (i = 1; i <= n; i++) {
		k = "live." lives[i]
		if (v(k ".sent") == "") continue
		printf "  live %-13s sent %d, wire drops %d, counted %d, lost at receiver %d, %.2f Mpps received\n",
			lives[i], v(k ".sent"), v(k ".wire_dropped"), v(k ".counted"),
			v(k ".lost_at_receiver"), v(k ".received_mpps")
	}
	if (v("live.paced-drop.offered_mpps") != "")
		printf "  live generator %s: %.2f Mpps offered to a bare XDP_DROP on its own core (paced-drop), %.2f Mpps flat out (overload-drop)\n",
			v("live.generator"), v("live.paced-drop.offered_mpps"), v("live.overload-drop.offered_mpps")
	if (v("live.mq_scaling") != "")
		printf "  live, 2 receive queues on 2 cores: %.2fx the packets per second of 1\n", v("live.mq_scaling")
	if (v("live.sensor_ns_per_packet") != "")
		printf "  live, per packet: sensor %.0f ns, libpcap tool %.0f ns (kernel path + reader %.0f ns): %.2fx\n",
			v("live.sensor_ns_per_packet"), v("live.libpcap_ns_per_packet"),
			v("pcap-live.paced-libpcap.reader_cpu_ns_per_packet"), v("live.libpcap_ratio_to_sensor")
	if (v("drain.seconds") != "")
		printf "  drain of %d flows: %.2f s (%.2f-%.2f; read %.2f, rows %.2f, write %.2f, clear %.2f; loader CPU %.2f s), loader peak RSS %.0f MiB, BPF maps %.0f MiB\n",
			v("drain.flows"), v("drain.seconds"), v("drain.seconds_min"), v("drain.seconds_max"),
			v("drain.read_seconds"), v("drain.rows_seconds"), v("drain.write_seconds"),
			v("drain.clear_seconds"), v("drain.cpu_seconds"), v("drain.loader_peak_rss") / 1024,
			v("drain.bpf_map_memory") / 1048576
	print ""
	print "== targets (issue 5)"
	check("classifier / bare XDP_DROP, 10k sources", v("xdp.10k.classifier.ratio_to_drop"), "<=", 2.5, "x")
	check("classifier / one-update floor, 1M sources", v("xdp.1M.classifier.ratio_to_floor"), "<=", 1.3, "x")
	check("classifier / one-update floor, 1M Zipf sources", v("xdp.1M-zipf.classifier.ratio_to_floor"), "<=", 1.3, "x")
	check("libpcap baseline / classifier, 10k sources", v("pcap.10k.ratio_to_classifier"), ">=", 10, "x")
	check("libpcap baseline / classifier, 1M sources", v("pcap.1M.ratio_to_classifier"), ">=", 10, "x")
	check("live libpcap tool / sensor, CPU per packet, 1M sources", v("live.libpcap_ratio_to_sensor"), ">=", 10, "x")
	check("live, paced: packets lost at the sensor", v("live.paced-1M.lost_at_receiver"), "<=", 0, "")
	check("live, overload: packets lost at the sensor", v("live.overload-1M.lost_at_receiver"), "<=", 0, "")
	check("drain of 1M sources, seconds", v("drain.seconds"), "<=", 2, "s")
	print ""
	print "== targets (issue 13)"
	check("classifier / minimal floor, 1M sources, Mirai-heavy", v("xdp.1M-mirai.classifier.ratio_to_min_floor"), "<=", 1.5, "x")
	check("classifier / minimal floor, 10k sources, Mirai-heavy", v("xdp.10k-mirai.classifier.ratio_to_min_floor"), "<=", 2, "x")
	check("live, 2 receive queues / 1, packets per second", v("live.mq_scaling"), ">=", 1.7, "x")
	check("live, 2 queues: packets lost at the sensor", v("live.mq-2q.lost_at_receiver"), "<=", 0, "")
	check("drain of 1M sources, seconds (median)", v("drain.seconds"), "<=", 1.5, "s")
	printf "\n  %d s in all; results in build/bench.csv\n", v("bench.seconds")
}' "$CSV"
