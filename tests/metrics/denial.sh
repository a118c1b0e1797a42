#!/usr/bin/env bash
# The metrics server under slow and many clients. A sensor in the lab
# serves its metrics on the lab's loopback while traffic runs, a real
# Prometheus scrapes it every second with a 1 s timeout, and clients on
# other loopback addresses of the sensor's namespace attack it:
#   - slow: 12 addresses open 6 connections each and send a header line
#     every 0.5 s, never ending the request: 4 of each are served (the
#     per-client limit), and cut 5 s after they began (the deadline for
#     the whole request, which no byte now and then resets); the other 2
#     are closed at once;
#   - many: one address opens 10^4 connections: all but 4 closed at once;
#   - then 200 addresses hold one idle connection each, more than the
#     server keeps open (64): the oldest give way to the new ones.
# Meanwhile a scrape every 0.25 s from 127.0.0.1 is answered within 1 s,
# Prometheus's scrapes never fail nor take 1 s, other methods get 405
# (with Allow), and afterwards the counts are exact: the CSV equals
# lab-send's account, Prometheus's packet counter equals totals.csv. The
# loader logs one line about all of it (at most one a minute, as counts).
set -u
cd "$(dirname "$0")/../.."
. tests/lib/lab.sh

lab_prepare metrics_denial
log="$dir/loader.log"
account="$dir/account.csv"
port=19473
lab_up

lab_prometheus "$port" 19092 # first: it starts while the loader does
# prometheus_check wait | SECONDS OUT: wait until Prometheus scrapes the
# sensor; or check the SECONDS before now (every scrape up and shorter
# than 1 s) and that its packet counter comes to the sum of totals.csv
prometheus_check() {
	in_sensor python3 - "$@" <<'PYEOF'
import csv, glob, json, os, sys, time, urllib.parse, urllib.request
def query(q):
    url = "http://127.0.0.1:19092/api/v1/query?" + urllib.parse.urlencode({"query": q})
    try:
        r = json.load(urllib.request.urlopen(url, timeout=5))["data"]["result"]
    except OSError:
        return None
    return float(r[0]["value"][1]) if r else None
def until(q, want, seconds):
    for i in range(int(seconds * 5)):
        got = query(q)
        if got == want:
            break
        time.sleep(0.2)
    return got
if sys.argv[1] == "wait":
    sys.exit(0 if until('up{job="xdp-telescope"}', 1, 30) == 1 else "Prometheus does not scrape the sensor")
span, out = int(sys.argv[1]), sys.argv[2]
up = query('min_over_time(up{job="xdp-telescope"}[%ds])' % span)
slowest = query('max_over_time(scrape_duration_seconds{job="xdp-telescope"}[%ds])' % span)
want = sum(int(r["packets"]) for f in glob.glob(os.path.join(out, "*", "totals.csv"))
           for r in csv.DictReader(open(f)))
got = until('sum(xdp_telescope_packets_total{job="xdp-telescope"})', want, 15)
print("prometheus: min up %s, the slowest scrape %s s, packets %s = totals.csv %d" % (up, slowest, got, want))
sys.exit(0 if up == 1 and slowest is not None and slowest < 1 and got == want else 1)
PYEOF
}

lab_start_loader "$log" --out "$dir/out" --interval 1 --geoip "$dir/country.mmdb" \
	--asn "$dir/asn.mmdb" --sensor denial --metrics-listen "127.0.0.1:$port"
lab_wait_log "$log" "writing $dir/out every 1 s"
prometheus_check wait || lab_fail "Prometheus does not scrape the sensor"

in_sender "$SEND" --ifname "$SENDER_IF" --mix e2e --seed 13 --seconds 10 --rate 400 \
	--account "$account" >/dev/null & sender=$!
attack_start=$(date +%s)
in_sensor python3 - "$port" "$dir/attack.txt" <<'PYEOF' || lab_fail "the server failed the attack: $(cat "$dir/attack.txt")"
import http.client, resource, selectors, socket, sys, threading, time
port, report = int(sys.argv[1]), sys.argv[2]
resource.setrlimit(resource.RLIMIT_NOFILE, (12000, 12000))
errors, notes = [], []
T0 = time.monotonic()

def now():
    return time.monotonic() - T0

def connect(src, wait=True):
    """A connection from src, non-blocking (once connected, if wait)."""
    s = socket.socket()
    s.bind((src, 0))
    if wait:
        s.connect(("127.0.0.1", port))
        s.setblocking(False)
    else:
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
    return s

def closed_by_server(s):
    try:
        return s.recv(4096) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True

# slow: 12 addresses x 6 connections, a header line every 0.5 s
def slow():
    conns = []
    for a in range(12):
        for i in range(6):
            s = connect("127.0.1.%d" % (a + 1))
            try:
                s.send(b"GET /metrics HTTP/1.1\r\nHost: sensor\r\n")
            except OSError:
                pass
            conns.append([a, now(), s, None])
    while now() < 7.5 and any(c[3] is None for c in conns):
        for c in conns:
            if c[3] is None and closed_by_server(c[2]):
                c[3] = now() - c[1]
        for c in conns:
            if c[3] is None:
                try:
                    c[2].send(b"X-Slow: 1\r\n")
                except OSError:
                    pass
        time.sleep(0.5)
    for a in range(12):
        lived = sorted(c[3] if c[3] is not None else 99 for c in conns if c[0] == a)
        if not (max(lived[:2]) < 0.7 and all(4.5 <= x <= 6.7 for x in lived[2:])):
            errors.append("slow client %d: its connections lasted %s s; expected 2 closed at once, "
                          "4 cut after 5 s" % (a, ["%.1f" % x for x in lived]))
    notes.append("slow: 12 clients x 6 connections, each 2 closed at once, 4 cut after 5 s")

# many: 10^4 connections from one address, held
def many():
    socks = []
    for i in range(10000):
        try:
            socks.append(connect("127.0.0.2", wait=False))
        except OSError as e:
            errors.append("many: connection %d: %s" % (i, e))
            break
    time.sleep(2)
    open_ = [s for s in socks if not closed_by_server(s)]
    notes.append("many: %d connections opened, %d still open 2 s later" % (len(socks), len(open_)))
    if len(open_) > 4:
        errors.append("many: %d of one client's connections stay open, more than 4" % len(open_))
    time.sleep(max(0, 7.5 - now()))
    for s in socks:
        s.close()

# then 200 addresses, one idle connection each
def wide():
    time.sleep(7.5)
    socks = [connect("127.0.2.%d" % (a + 1)) for a in range(200)]
    time.sleep(1)
    open_ = sum(1 for s in socks if not closed_by_server(s))
    notes.append("wide: 200 clients, %d still open 1 s later" % open_)
    if open_ > 64:
        errors.append("wide: %d connections open, more than 64" % open_)
    for s in socks:
        s.close()

def request(method, path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
    c.request(method, path)
    r = c.getresponse()
    body = r.read()
    c.close()
    return r, body

scrapes = []
def scraper():
    while now() < 9:
        t = now()
        try:
            r, body = request("GET", "/metrics")
            ok = r.status == 200 and b"xdp_telescope_packets_total{" in body
            scrapes.append((t, now() - t, ok, r.status))
        except OSError as e:
            scrapes.append((t, now() - t, False, str(e)))
        time.sleep(0.25)

threads = [threading.Thread(target=f) for f in (slow, many, wide, scraper)]
for th in threads:
    th.start()
time.sleep(3)
for method in ("POST", "PUT", "DELETE"):
    try:
        r, _ = request(method, "/metrics")
        if r.status != 405 or r.getheader("Allow") != "GET, HEAD":
            errors.append("%s /metrics: %d, Allow %s" % (method, r.status, r.getheader("Allow")))
    except OSError as e:
        errors.append("%s /metrics: %s" % (method, e))
try:
    r, body = request("HEAD", "/metrics")
    if r.status != 200 or body:
        errors.append("HEAD /metrics: %d with %d bytes" % (r.status, len(body)))
except OSError as e:
    errors.append("HEAD /metrics: %s" % e)
for th in threads:
    th.join()
bad = [s for s in scrapes if not s[2] or s[1] >= 1]
worst = max(s[1] for s in scrapes)
notes.append("scrapes: %d, the slowest %.3f s" % (len(scrapes), worst))
if bad or len(scrapes) < 20:
    errors.append("%d of %d scrapes failed or took 1 s or more: %s" % (len(bad), len(scrapes), bad[:5]))
with open(report, "w") as f:
    f.write("\n".join(notes + ["FAIL: " + e for e in errors]) + "\n")
sys.exit(1 if errors else 0)
PYEOF
cat "$dir/attack.txt"
wait "$sender" || lab_fail "lab-send failed"
sleep 2.5 # two drains after the last frame
lab_check_csv "$dir/out" "$account" 8 || lab_fail "CSV differs from what was sent (artefacts in $dir)"

# Prometheus throughout: every scrape answered, none taking 1 s; its
# count exact
prometheus_check "$(( $(date +%s) - attack_start ))" "$dir/out" ||
	lab_fail "Prometheus failed a scrape, took 1 s, or counts otherwise"

n=$(grep -c "metrics server:" "$log")
[ "$n" -eq 1 ] || lab_fail "the log has $n lines about the metrics server, not 1: $(grep "metrics server:" "$log" | head -3)"
grep "metrics server:" "$log"
kill -TERM "$LOADER_PID"
wait "$LOADER_PID" || lab_fail "loader exit $? after SIGTERM"
echo "metrics_denial: ok"
