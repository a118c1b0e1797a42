# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Shell helpers for lab tests: two network namespaces joined by a veth
# pair, the sensor on one end, a sender on the other. Source this file,
# then call lab_up. Everything it creates is removed on any exit (trap),
# including loaders started with lab_start_loader, tmpfs mounts made with
# lab_tmpfs and the pins of the sensor interface.
#
# The lab has no addresses and no routes: lab-send writes whole frames
# with AF_PACKET, so nothing needs them, and nothing can leave. IPv6 is
# disabled in both namespaces so the kernel sends no router or neighbour
# solicitations of its own, which the sensor would count.
#
# Commands run in a namespace through nsenter --net (not `ip netns exec`,
# which remounts /sys and hides the host's bpffs where the pins live).

SENSOR_NS="ts-sensor-$$"
SENDER_NS="ts-sender-$$"
SENSOR_IF="tss$$"
SENDER_IF="tsp$$"
LAB_PINS="/sys/fs/bpf/xdp-telescope/$SENSOR_IF"
LAB_PIDS=()
LAB_MOUNTS=()

. tests/lib/kernel.sh

# lab_prepare NAME: check the kernel (the sensor's BPF, tests/lib/kernel.sh)
# and the binaries (sets SEND to lab-send), make a fresh artefact
# directory $dir = TS_ARTEFACTS/NAME with the test databases country.mmdb
# and asn.mmdb in it.
lab_prepare() {
	: "${TS_BIN:?run through tests/run.sh}" "${TS_TOOLS:?}" "${TS_ARTEFACTS:?}"
	need_kernel bpf bpffs
	SEND="$TS_TOOLS/lab-send"
	[ -x "$TS_BIN" ] || lab_fail "no $TS_BIN (make test-build)"
	[ -x "$SEND" ] || lab_fail "no $SEND (make test-build)"
	dir="$TS_ARTEFACTS/$1"
	rm -rf "$dir"
	mkdir -p "$dir"
	perl tests/lib/mkmmdb.pl country "$dir/country.mmdb" || lab_fail "mkmmdb country"
	perl tests/lib/mkmmdb.pl asn "$dir/asn.mmdb" || lab_fail "mkmmdb asn"
}

in_sensor() { nsenter --net="/run/netns/$SENSOR_NS" "$@"; }
in_sender() { nsenter --net="/run/netns/$SENDER_NS" "$@"; }

lab_fail() {
	echo "FAIL: $*" >&2
	exit 1
}

lab_down() {
	local pid m
	for pid in "${LAB_PIDS[@]}"; do
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	LAB_PIDS=()
	for m in "${LAB_MOUNTS[@]}"; do
		umount "$m" 2>/dev/null
	done
	LAB_MOUNTS=()
	if [ -e "/run/netns/$SENSOR_NS" ] && [ -n "${TS_BIN:-}" ] && [ -x "$TS_BIN" ]; then
		in_sensor "$TS_BIN" detach "$SENSOR_IF" >/dev/null 2>&1
	fi
	rm -rf "$LAB_PINS"
	rm -f "/run/xdp-telescope/$SENSOR_IF.lock" # run's lock file: it outlives run
	ip netns del "$SENSOR_NS" 2>/dev/null
	ip netns del "$SENDER_NS" 2>/dev/null
	return 0
}

lab_up() {
	local ns
	trap 'rc=$?; lab_down; exit $rc' EXIT
	trap 'exit 130' INT TERM
	for ns in "$SENSOR_NS" "$SENDER_NS"; do
		ip netns add "$ns" || lab_fail "cannot create namespace $ns"
		nsenter --net="/run/netns/$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 || lab_fail "sysctl in $ns"
	done
	lab_veth_up
	in_sensor ip link set lo up
	in_sender ip link set lo up
}

# lab_veth_up: the veth pair between the two namespaces, both ends up.
# lab_up makes it; a test that deleted it (lab_veth_down) makes it again.
# LAB_QUEUES=N (default 1) gives each end N receive and transmit queues.
lab_veth_up() {
	local q=${LAB_QUEUES:-1}
	ip link add "$SENSOR_IF" numtxqueues "$q" numrxqueues "$q" netns "$SENSOR_NS" type veth \
		peer name "$SENDER_IF" numtxqueues "$q" numrxqueues "$q" netns "$SENDER_NS" ||
		lab_fail "cannot create veth pair"
	in_sensor ip link set "$SENSOR_IF" up || lab_fail "link $SENSOR_IF up"
	in_sender ip link set "$SENDER_IF" up || lab_fail "link $SENDER_IF up"
}

# lab_veth_down: delete the veth pair (deleting one end deletes both).
lab_veth_down() {
	in_sensor ip link del "$SENSOR_IF" || lab_fail "cannot delete $SENSOR_IF"
}

# lab_tmpfs DIR SIZE: mount a tmpfs of SIZE (mount's size=, e.g. 4m) on
# DIR, a directory of the test's own; lab_down unmounts it.
lab_tmpfs() {
	mkdir -p "$1" || lab_fail "cannot create $1"
	mount -t tmpfs -o "size=$2,mode=0755" tmpfs "$1" || lab_fail "cannot mount a tmpfs on $1"
	LAB_MOUNTS+=("$1")
}

# lab_spawn_loader LOG ARGS…: `xdp-telescope run SENSOR_IF ARGS…` in the
# sensor namespace, in the background, its output appended to LOG; sets
# LOADER_PID and returns at once.
lab_spawn_loader() {
	local log=$1
	shift
	# nsenter itself, not the in_sensor function: $! must be the loader
	# (nsenter execs it), not a subshell that a kill would miss it behind
	nsenter --net="/run/netns/$SENSOR_NS" "$TS_BIN" run "$SENSOR_IF" "$@" >>"$log" 2>&1 &
	LOADER_PID=$!
	LAB_PIDS+=("$LOADER_PID")
}

# lab_start_loader LOG ARGS…: lab_spawn_loader, then wait until `status`
# sees the program attached (fails after 10 s).
lab_start_loader() {
	local log=$1 i
	lab_spawn_loader "$@"
	for i in $(seq 100); do
		if in_sensor "$TS_BIN" status "$SENSOR_IF" >/dev/null 2>&1; then
			return 0
		fi
		kill -0 "$LOADER_PID" 2>/dev/null || lab_fail "loader exited early: $(tail -3 "$log")"
		sleep 0.1
	done
	lab_fail "loader did not attach to $SENSOR_IF within 10 s: $(tail -3 "$log")"
}

# lab_wait_log LOG TEXT [SECONDS]: wait (default 10 s) until LOG holds
# TEXT (a fixed string); fail with the log's tail if it never does.
lab_wait_log() {
	local i
	for i in $(seq $(( ${3:-10} * 10 ))); do
		grep -qF -- "$2" "$1" && return 0
		sleep 0.1
	done
	lab_fail "no '$2' in $1: $(tail -3 "$1")"
}

# lab_log_once LOG TEXT…: each TEXT (a fixed string) is in LOG exactly
# once: said when it happened, not again and again.
lab_log_once() {
	local log=$1 what n
	shift
	for what in "$@"; do
		n=$(grep -cF -- "$what" "$log")
		[ "$n" -eq 1 ] || lab_fail "the log says '$what' $n times, not once: $(tail -5 "$log")"
	done
}

# lab_prometheus TARGET_PORT WEB_PORT: a real Prometheus in the sensor's
# namespace, its data in $dir/tsdb, scraping 127.0.0.1:TARGET_PORT every
# second (1 s timeout) and answering queries on 127.0.0.1:WEB_PORT;
# lab_down stops it.
lab_prometheus() {
	cat >"$dir/prometheus.yml" <<EOT
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: xdp-telescope
    static_configs:
      - targets: ['127.0.0.1:$1']
EOT
	nsenter --net="/run/netns/$SENSOR_NS" prometheus --config.file="$dir/prometheus.yml" \
		--storage.tsdb.path="$dir/tsdb" --web.listen-address="127.0.0.1:$2" \
		>"$dir/prometheus.log" 2>&1 &
	LAB_PIDS+=("$!")
}

# lab_link_counter NS-FUNC IF FIELD: one counter of /proc/net/dev
# (rx_packets rx_dropped tx_packets tx_dropped) as the namespace sees it.
lab_link_counter() {
	local in_ns=$1 ifname=$2 field=$3
	"$in_ns" cat /proc/net/dev | awk -v ifn="$ifname:" -v f="$field" '
		{ sub(/^ +/, ""); sub(/:/, ": ") }
		$1 == ifn {
			if (f == "rx_packets") print $3
			else if (f == "rx_dropped") print $5
			else if (f == "tx_packets") print $11
			else if (f == "tx_dropped") print $13
		}'
}

# lab_wire_drops: frames lost between the two ends so far (the sender's
# tx_dropped plus the sensor's rx_dropped). A test compares it before and
# after sending, so a loss on the wire is never blamed on the sensor.
lab_wire_drops() {
	echo $(( $(lab_link_counter in_sender "$SENDER_IF" tx_dropped) +
		 $(lab_link_counter in_sensor "$SENSOR_IF" rx_dropped) ))
}

# lab_capture FILE SECONDS: count the frames that reach the sensor
# namespace's stack on SENSOR_IF (after XDP) for SECONDS; write the count
# to FILE. Run it in the background, then lab_capture_ready FILE before
# sending. The count is the kernel's own (PACKET_STATISTICS: frames the
# socket was handed, those its full queue dropped included), so a slow
# reader on a loaded machine does not make frames look lost.
lab_capture() {
	rm -f "$1.ready"
	in_sensor python3 -c '
import socket, struct, sys, time
SOL_PACKET, PACKET_STATISTICS = 263, 6
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind((sys.argv[1], 0))
s.setblocking(False)
open(sys.argv[3], "w").close()
end = time.time() + float(sys.argv[2])
while time.time() < end:
    time.sleep(0.05)
    try:
        while True:
            s.recv(65536)
    except BlockingIOError:
        pass
packets, drops = struct.unpack("II", s.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8))
print(packets)' "$SENSOR_IF" "$2" "$1.ready" >"$1"
}

# lab_capture_ready FILE: wait (up to 10 s) until lab_capture FILE listens.
lab_capture_ready() {
	local i
	for i in $(seq 100); do
		[ -e "$1.ready" ] && return 0
		sleep 0.1
	done
	lab_fail "the capture on $SENSOR_IF did not start"
}

# lab_check_csv OUT ACCOUNT MIN_INTERVALS: compare the sensor's CSV under
# OUT (.csv or .csv.gz) with lab-send's account, independently of the
# sensor's code: sums per key over all intervals equal the account, the
# geolocation of every source follows the test networks of
# tests/lib/mkmmdb.pl, every interval keeps the CSV invariants, and
# packets landed in at least MIN_INTERVALS intervals. Prints what differs.
lab_check_csv() {
	python3 - "$@" <<'PYEOF'
import collections, csv, glob, gzip, ipaddress, os, sys

out, account_path, min_intervals = sys.argv[1], sys.argv[2], int(sys.argv[3])
errors = []

def fail(msg):
    errors.append(msg)

# The test networks (tests/lib/mkmmdb.pl); anything else is ZZ / 0 / "".
NETS = [
    (ipaddress.ip_network("198.51.100.0/25"), "JP", "64500", "Example JP Net"),
    (ipaddress.ip_network("198.51.100.128/25"), "NL", "64501", "=Research Scanner NL"),
    (ipaddress.ip_network("203.0.113.0/24"), "US", "64502", 'Example, "US" Hosting'),
    (ipaddress.ip_network("2001:db8::/32"), "DE", "64503", "Example DE"),
]

def geo(ip):
    a = ipaddress.ip_address(ip)
    for net, cc, asn, org in NETS:
        if a.version == net.version and a in net:
            return cc, asn, org
    return "ZZ", "0", ""

def norm_ip(ip):
    return str(ipaddress.ip_address(ip))

def shown(org):
    """as_org as a spreadsheet-safe CSV field shows it (after csv parsing)."""
    return "'" + org if org[:1] in ("=", "+", "-", "@") else org

# ---- the account ----
acc_totals = [0] * 8
acc_ports = collections.Counter()
acc_src = collections.Counter()
acc_flow = collections.Counter()
acc_bs = collections.Counter()
with open(account_path) as f:
    for line in f:
        if line.startswith("#") or not line.strip():
            continue
        r = next(csv.reader([line]))
        kind = r[0]
        if kind == "totals":
            acc_totals = [a + int(b) for a, b in zip(acc_totals, r[1:9])]
        elif kind == "port":
            for i, n in enumerate(r[3:6]):
                acc_ports[(r[1], r[2], i)] += int(n)
        elif kind == "source":
            for i, n in enumerate(r[2:4]):
                acc_src[(norm_ip(r[1]), i)] += int(n)
        elif kind == "flow":
            for i, n in enumerate(r[4:7]):
                acc_flow[(norm_ip(r[1]), r[2], r[3], i)] += int(n)
        elif kind == "backscatter":
            acc_bs[(norm_ip(r[1]), r[2], r[3], r[4])] += int(r[5])
        elif kind == "tag":
            pass  # tags.csv: checked by tests/e2e/tags.sh
        else:
            fail("account: unknown record " + kind)

# ---- the sensor's CSV ----
def rows(name):
    result = []
    paths = sorted(glob.glob(os.path.join(out, "*", name + ".csv")) +
                   glob.glob(os.path.join(out, "*", name + ".csv.gz")))
    for p in paths:
        opener = gzip.open if p.endswith(".gz") else open
        with opener(p, "rt", newline="") as f:
            result.extend(csv.DictReader(f))
    return result

totals, ports, countries = rows("totals"), rows("ports"), rows("countries")
pcs, sources, bscat = rows("port_countries"), rows("sources"), rows("backscatter")
if not totals:
    fail("no totals rows under " + out)

def nonzero(counter):
    return {k: v for k, v in counter.items() if v}

def compare(what, got, want):
    got, want = nonzero(got), nonzero(want)
    if got == want:
        return
    keys = sorted(set(got) | set(want), key=str)
    diff = [(k, got.get(k, 0), want.get(k, 0)) for k in keys if got.get(k, 0) != want.get(k, 0)]
    fail("%s: %d keys differ (sensor, account), first: %s" % (what, len(diff), diff[:5]))

# totals
cols = ["packets", "bytes", "malformed", "non_ip", "mirai", "fragments", "backscatter", "quote_mismatch"]
got = {c: sum(int(r[c]) for r in totals) for c in cols if not totals or c in totals[0]}
compare("totals", got, {c: acc_totals[i] for i, c in enumerate(cols) if c in got})
for c in ("overflow", "bs_overflow"):
    n = sum(int(r.get(c) or 0) for r in totals)
    if n:
        fail("totals.%s = %d, expected 0 (maps sized for this test)" % (c, n))

# ports
got = collections.Counter()
for r in ports:
    for i, c in enumerate(("packets", "bytes", "mirai")):
        got[(r["proto"], r["port"], i)] += int(r[c])
compare("ports (proto,port)", got, acc_ports)

# sources, with their geolocation
got = collections.Counter()
for r in sources:
    ip = norm_ip(r["src_ip"])
    got[(ip, 0)] += int(r["packets"])
    got[(ip, 1)] += int(r["bytes"])
    cc, asn, org = geo(ip)
    if (r["country"], r["asn"]) != (cc, asn):
        fail("sources: %s has country/asn %s/%s, expected %s/%s" % (ip, r["country"], r["asn"], cc, asn))
    if "as_org" in r and r["as_org"] != shown(org):
        fail("sources: %s has as_org %r, expected %r" % (ip, r["as_org"], shown(org)))
compare("sources (src_ip)", got, acc_src)

# countries and port_countries, from the account through the networks
want_cc, want_pc = collections.Counter(), collections.Counter()
for (ip, proto, port, i), n in acc_flow.items():
    cc = geo(ip)[0]
    if i == 0:
        want_cc[cc] += n
    if i != 1:
        want_pc[(proto, port, cc, i)] += n
got = collections.Counter()
for r in countries:
    got[r["country"]] += int(r["packets"])
compare("countries", got, want_cc)
got = collections.Counter()
for r in pcs:
    got[(r["proto"], r["port"], r["country"], 0)] += int(r["packets"])
    got[(r["proto"], r["port"], r["country"], 2)] += int(r["mirai"])
compare("port_countries (proto,port,country)", got, want_pc)

# backscatter
got = collections.Counter()
for r in bscat:
    ip = norm_ip(r["src_ip"])
    got[(ip, r["proto"], r["src_port"], r["kind"])] += int(r["packets"])
    cc, asn, org = geo(ip)
    if (r["country"], r["asn"]) != (cc, asn):
        fail("backscatter: %s has country/asn %s/%s, expected %s/%s" % (ip, r["country"], r["asn"], cc, asn))
compare("backscatter (src_ip,proto,src_port,kind)", got, acc_bs)

# per-interval invariants
by_time = collections.defaultdict(lambda: collections.Counter())
for name, rs in (("ports", ports), ("countries", countries), ("sources", sources), ("pcs", pcs)):
    for r in rs:
        by_time[r["time"]][name] += int(r["packets"])
src_count = collections.Counter(r["time"] for r in sources)
cc_sources = collections.Counter()
for r in sources:
    cc_sources[(r["time"], r["country"])] += 1
for r in totals:
    t, s = r["time"], by_time[r["time"]]
    packets, overflow = int(r["packets"]), int(r["overflow"])
    if s["ports"] != packets:
        fail("%s: sum of ports.packets %d != totals.packets %d" % (t, s["ports"], packets))
    for name in ("countries", "sources", "pcs"):
        if s[name] != packets - overflow:
            fail("%s: sum of %s.packets %d != totals.packets - overflow %d" % (t, name, s[name], packets - overflow))
    if int(r["sources"]) != src_count[t]:
        fail("%s: totals.sources %s != %d rows in sources.csv" % (t, r["sources"], src_count[t]))
for r in countries:
    if int(r["sources"]) != cc_sources[(r["time"], r["country"])]:
        fail("%s: countries.sources for %s is %s, sources.csv has %d" % (r["time"], r["country"], r["sources"], cc_sources[(r["time"], r["country"])]))
times = [r["time"] for r in totals]
if len(times) != len(set(times)):
    fail("more than one totals row for an interval")
busy = sum(1 for r in totals if int(r["packets"]))
if busy < min_intervals:
    fail("packets landed in %d intervals, expected at least %d" % (busy, min_intervals))

for e in errors:
    print("FAIL: " + e)
print("checked %d totals rows (%d with packets), %d packets, %d sources: %s" %
      (len(totals), busy, acc_totals[0], len({k[0] for k in acc_src}),
       "FAILED" if errors else "all equal"))
sys.exit(1 if errors else 0)
PYEOF
}
