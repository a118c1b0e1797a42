#!/usr/bin/env bash
# End to end, tags: the sensor with a rules file (the shipped rules plus
# one of our own) and two nested labelled lists; lab-send's tags mix (every
# built-in tag, payload rules, labelled sources, near misses) across
# several 1-second intervals. Then tags.csv must equal lab-send's account:
# summed per (tag, proto, port, country), and interval by interval,
# packets and sources, through sources.csv (every source of the mix sends
# one case only). `status` must show the same per-tag counts. A SIGHUP
# with a new rule tags the packets sent after it; a SIGHUP with a broken
# file warns with FILE:LINE and keeps the old rules matching.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/lab.sh

lab_prepare e2e_tags
log="$dir/loader.log"
account="$dir/account.csv"
rules="$dir/lab.rules"

{ cat rules/default.rules; echo 'lab_get tcp 8080 0 "GET /"'; } >"$rules"
cat >"$dir/wide.list" <<'EOF'
# the lab's networks (lab-send's tags mix knows these)
198.51.100.64/26,jp_lab
2001:db8:77::/48,v6lab
EOF
cat >"$dir/scanners.list" <<'EOF'
198.51.100.96/27 , jp_inner   # nested in jp_lab
198.51.100.128/25,research
198.51.100.200/32,one_host
EOF
run_args=(--out "$dir/out" --interval 1 --geoip "$dir/country.mmdb"
	  --asn "$dir/asn.mmdb" --sensor e2e-tags --rules "$rules"
	  --label-list "$dir/wide.list" --label-list "$dir/scanners.list")

send() { # MIX SEED SECONDS
	in_sender "$SEND" --ifname "$SENDER_IF" --mix "$1" --seed "$2" \
		--seconds "$3" --rate 400 --account "$account" >/dev/null ||
		lab_fail "lab-send --mix $1 failed"
}

# check_status: `status` shows, per tag, what the account says was sent.
check_status() {
	in_sensor "$TS_BIN" status "$SENSOR_IF" >"$dir/status.txt" ||
		lab_fail "status failed: $(cat "$dir/status.txt")"
	python3 - "$dir/status.txt" "$account" <<'PYEOF' || lab_fail "status per tag differs from the account"
import collections, csv, sys
want = collections.Counter()
for r in csv.reader(open(sys.argv[2])):
    if r and r[0] == "tag":
        want[r[1]] += int(r[5])
line = [l for l in open(sys.argv[1]) if l.strip().startswith("tags")]
if len(line) != 1:
    sys.exit("FAIL: status has no tags line:\n" + open(sys.argv[1]).read())
got = {}
for item in line[0].strip()[len("tags"):].split(","):
    name, n = item.split()
    got[name] = int(n)
builtin = ["mirai", "zmap", "masscan", "nmap_syn", "synful_knock", "sip_options",
           "sip_friendly_scanner"]
errors = [b + " missing" for b in builtin if b not in got]
for name in set(got) | set(want):
    if got.get(name, 0) != want.get(name, 0):
        errors.append("%s: status %d, sent %d" % (name, got.get(name, 0), want.get(name, 0)))
for e in errors:
    print("FAIL: status: " + e)
print("status: %d tags, %d tagged packets: %s" % (len(got), sum(got.values()),
      "FAILED" if errors else "all equal"))
sys.exit(1 if errors else 0)
PYEOF
}

# status_while_sending PID: `status` again and again while PID sends;
# the packets it shows never go down, though drains keep moving counts
# out of a generation into what was drained behind its back.
status_while_sending() {
	local pid=$1 n=0 last=0 now
	while kill -0 "$pid" 2>/dev/null; do
		now=$(in_sensor "$TS_BIN" status "$SENSOR_IF" |
			sed -n 's/^  total *packets \([0-9]*\),.*/\1/p')
		[ -n "$now" ] || { kill "$pid"; lab_fail "status shows no total packets"; }
		[ "$now" -ge "$last" ] || { kill "$pid"
			lab_fail "status showed $now packets after $last: a drain hid some"; }
		last=$now n=$((n + 1))
	done
	echo "status: $n readings while sending, never fewer packets than before"
}

# check_tags OUT ACCOUNT: tags.csv against the account.
check_tags() {
	python3 - "$@" <<'PYEOF'
import collections, csv, glob, ipaddress, os, sys

out, account_path = sys.argv[1], sys.argv[2]
errors = []
fail = errors.append

# the test networks of tests/lib/mkmmdb.pl; anything else is ZZ
NETS = [(ipaddress.ip_network("198.51.100.0/25"), "JP"),
        (ipaddress.ip_network("198.51.100.128/25"), "NL"),
        (ipaddress.ip_network("203.0.113.0/24"), "US"),
        (ipaddress.ip_network("2001:db8::/32"), "DE")]

def geo(ip):
    a = ipaddress.ip_address(ip)
    return next((cc for net, cc in NETS if a.version == net.version and a in net), "ZZ")

def norm(ip):
    return str(ipaddress.ip_address(ip))

tag_acc = collections.Counter()  # (tag, proto, port, src) -> packets
src_acc = collections.Counter()  # src -> all its packets
acc_tagged = 0
for r in csv.reader(open(account_path)):
    if not r or r[0].startswith("#"):
        continue
    if r[0] == "totals":
        acc_tagged += int(r[9])
    elif r[0] == "source":
        src_acc[norm(r[1])] += int(r[2])
    elif r[0] == "tag":
        tag_acc[(r[1], r[2], r[3], norm(r[4]))] += int(r[5])

# the mix's promise: a tagged source sends one case, every packet tagged alike
cases = collections.defaultdict(set)
for (tag, proto, port, src), n in tag_acc.items():
    cases[src].add((tag, proto, port))
    if n != src_acc[src]:
        fail("mix: %s sent %d packets, %d tagged %s" % (src, src_acc[src], n, tag))
for src, keys in cases.items():
    if len({(p, q) for _, p, q in keys}) != 1:
        fail("mix: %s sends to more than one port: %s" % (src, sorted(keys)))

def rows(name):
    result = []
    for p in sorted(glob.glob(os.path.join(out, "*", name + ".csv"))):
        with open(p, newline="") as f:
            text = f.read()
        if name == "tags" and not text.startswith(
                "time,sensor,tag,proto,port,country,packets,sources\n"):
            fail("%s: unexpected header %r" % (p, text.split("\n")[0]))
        result.extend(csv.DictReader(text.splitlines()))
    return result

tags, sources, totals = rows("tags"), rows("sources"), rows("totals")
if not tags:
    fail("no tags.csv rows under " + out)

def compare(what, got, want):
    keys = sorted(set(got) | set(want), key=str)
    diff = [(k, got.get(k), want.get(k)) for k in keys if got.get(k) != want.get(k)]
    if diff:
        fail("%s: %d keys differ (sensor, account), first: %s" % (what, len(diff), diff[:5]))

# 1. all intervals together, per (tag, proto, port, country)
got, want = collections.Counter(), collections.Counter()
for r in tags:
    got[(r["tag"], r["proto"], r["port"], r["country"])] += int(r["packets"])
for (tag, proto, port, src), n in tag_acc.items():
    want[(tag, proto, port, geo(src))] += n
compare("tags.csv summed over intervals", dict(got), dict(want))

# 2. interval by interval: the mix's sources in sources.csv say which rows
got_rows = {}
for r in tags:
    key = (r["time"], r["tag"], r["proto"], r["port"], r["country"])
    if key in got_rows:
        fail("two tags.csv rows for %s" % (key,))
    got_rows[key] = (int(r["packets"]), int(r["sources"]))
want_rows = collections.defaultdict(lambda: [0, 0])
for r in sources:
    src = norm(r["src_ip"])
    for tag, proto, port in cases.get(src, ()):
        w = want_rows[(r["time"], tag, proto, port, geo(src))]
        w[0] += int(r["packets"])
        w[1] += 1
compare("tags.csv per interval (packets, sources)", got_rows,
        {k: tuple(v) for k, v in want_rows.items()})

# 3. totals: tagged packets, nothing overflowed
tagged = sum(int(r["tagged"]) for r in totals)
if tagged != acc_tagged:
    fail("totals.tagged %d, sent %d tagged packets" % (tagged, acc_tagged))
overflow = sum(int(r["tag_overflow"]) for r in totals)
if overflow:
    fail("totals.tag_overflow %d, expected 0" % overflow)
unnamed = {r["tag"] for r in tags if r["tag"].startswith("bit")}
if unnamed:
    fail("tags without names: %s" % sorted(unnamed))

for e in errors:
    print("FAIL: " + e)
print("tags.csv: %d rows in %d intervals, %d tags, %d tagged packets, %d tag rows sent: %s" %
      (len(tags), len({r["time"] for r in tags}), len({r["tag"] for r in tags}),
       acc_tagged, sum(tag_acc.values()), "FAILED" if errors else "all equal"))
sys.exit(1 if errors else 0)
PYEOF
}

lab_up
drops_before=$(lab_wire_drops)

echo "phase 1: the tags mix for 4 s"
lab_start_loader "$log" "${run_args[@]}"
lab_wait_log "$log" "tags: 4 payload rules from $rules, 5 listed prefixes"
send tags 1 4 &
status_while_sending $!
wait $! || exit 1
sleep 0.3
check_status

echo "phase 2: SIGHUP with a new rule; its tag for what is sent after it"
echo 'new_hello udp 5000 0 "HELLO"' >>"$rules"
kill -HUP "$LOADER_PID"
lab_wait_log "$log" "rules and lists reloaded: 5 rules, 5 prefixes"
send tags-reload 2 2

echo "phase 3: SIGHUP with a broken rules file; the old rules keep matching"
printf '# one bad line\nbroken udp 70000 0 00\n' >>"$rules"
bad_line=$(wc -l <"$rules")
kill -HUP "$LOADER_PID"
lab_wait_log "$log" "warning: rules reload failed, keeping the old rules and lists: $rules:$bad_line: port must be 0-65535 or *"
send tags-reload 3 2
sleep 0.3
check_status

kill -TERM "$LOADER_PID"
wait "$LOADER_PID"
rc=$?
[ "$rc" -eq 0 ] || lab_fail "loader exit status $rc after SIGTERM, expected 0: $(tail -3 "$log")"
[ "$(grep -c "rules and lists reloaded" "$log")" -eq 1 ] ||
	lab_fail "expected exactly one successful reload: $(grep reload "$log")"

drops=$(( $(lab_wire_drops) - drops_before ))
[ "$drops" -eq 0 ] || lab_fail "the wire dropped $drops frames: the comparison is void"

lab_check_csv "$dir/out" "$account" 3 || lab_fail "CSV differs from what was sent (artefacts in $dir)"
check_tags "$dir/out" "$account" || lab_fail "tags.csv differs from what was sent (artefacts in $dir)"
grep -q ',new_hello,udp,5000,US,' "$dir"/out/*/tags.csv ||
	lab_fail "new_hello never appeared in tags.csv"
echo "e2e_tags: ok"
