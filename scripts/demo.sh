#!/usr/bin/env bash
# make demo: a sensor on a lab veth for about a minute.
#
# Two network namespaces joined by a veth pair (no addresses outside
# documentation space, no default route): the sensor attaches to one end,
# lab-send pushes a realistic darknet mix into the other, towards
# 198.51.100.0/24, 203.0.113.0/24 and 2001:db8::/32 only. Everything the
# demo creates is removed on exit, also on failure or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
bin=$top/build/xdp-telescope
send=$top/build/tests/tools/lab-send
out=$top/build/demo
seconds=${DEMO_SECONDS:-60}
interval=${DEMO_INTERVAL:-5}
sns=tsdemo-sensor-$$ gns=tsdemo-send-$$
loader=

[ "$(id -u)" -eq 0 ] || { echo "demo: run as root (XDP and namespaces need it)" >&2; exit 1; }
# what the sensor needs of the kernel, asked up front (tests/lib/kernel.sh)
. tests/lib/kernel.sh
kernel_has bpf bpffs || { echo "demo: $KERNEL_MISSING" >&2; exit 1; }

cleanup() {
	set +e
	[ -n "$loader" ] && kill -TERM "$loader" 2>/dev/null && wait "$loader" 2>/dev/null
	nsenter --net=/run/netns/$sns "$bin" detach tsd0 >/dev/null 2>&1
	rm -f /run/xdp-telescope/tsd0.lock
	ip netns del "$sns" 2>/dev/null
	ip netns del "$gns" 2>/dev/null
}
trap cleanup EXIT INT TERM

rm -rf "$out"; mkdir -p "$out/csv"
echo "== geolocation: small databases for the documentation prefixes (JP, NL, US, DE)"
perl tests/lib/mkmmdb.pl country "$out/country.mmdb"
perl tests/lib/mkmmdb.pl asn "$out/asn.mmdb"

echo "== lab: namespaces $sns (sensor) and $gns (sender), veth tsd0 <-> tsd1"
ip netns add "$sns"
ip netns add "$gns"
# No IPv6 of the namespaces' own: their router and multicast-listener
# solicitations would reach the sensor and be counted beside the mix.
for ns in "$sns" "$gns"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
done
ip link add tsd0 netns "$sns" type veth peer name tsd1 netns "$gns"
ip -n "$sns" link set lo up
ip -n "$sns" link set tsd0 up
ip -n "$gns" link set tsd1 up

echo "== xdp-telescope run tsd0 --interval $interval (drains every $interval s)"
nsenter --net=/run/netns/$sns "$bin" run tsd0 --out "$out/csv" --sensor demo \
	--geoip "$out/country.mmdb" --asn "$out/asn.mmdb" --interval "$interval" &
loader=$!
# Send only once the sensor counts: status succeeds when it is attached.
for i in $(seq 300); do
	nsenter --net=/run/netns/$sns "$bin" status tsd0 >/dev/null 2>&1 && break
	kill -0 "$loader" 2>/dev/null || { echo "demo: the sensor did not start" >&2; exit 1; }
	sleep 0.1
done

echo "== sending a darknet mix for $seconds s"
ip netns exec "$gns" "$send" --ifname tsd1 --mix demo --seconds "$seconds" \
	--rate 2000 --seed 7 --account "$out/sent.csv" &
sender=$!
sleep $((seconds / 2))
echo "== xdp-telescope status tsd0 (half-way)"
nsenter --net=/run/netns/$sns "$bin" status tsd0
wait "$sender"
sleep 1

echo "== stopping the loader (SIGTERM writes the last interval)"
kill -TERM "$loader"; wait "$loader"; loader=
nsenter --net=/run/netns/$sns "$bin" detach tsd0

day=$(ls "$out/csv" | head -1)
echo
echo "== CSV written under $out/csv/$day/"
for f in "$out/csv/$day"/*.csv; do
	printf '%-22s %6d rows\n' "$(basename "$f")" $(($(wc -l < "$f") - 1))
done
echo
echo "-- totals.csv (last rows)"
tail -n 4 "$out/csv/$day/totals.csv"
echo
echo "-- top destination ports over the run (from ports.csv)"
awk -F, 'NR > 1 { p[$3 "/" $4] += $5 } END { for (k in p) print p[k], k }' \
	"$out/csv/$day/ports.csv" | sort -rn | sed -n 1,8p
echo
echo "-- packets by source country (from countries.csv)"
awk -F, 'NR > 1 { c[$3] += $4 } END { for (k in c) print c[k], k }' \
	"$out/csv/$day/countries.csv" | sort -rn
echo
echo "-- backscatter kinds (from backscatter.csv)"
awk -F, 'NR > 1 { k[$8] += $9 } END { for (x in k) print k[x], x }' \
	"$out/csv/$day/backscatter.csv" | sort -rn

if "$bin" report --help >/dev/null 2>&1; then
	echo
	echo "== xdp-telescope report over today"
	"$bin" report --data "$out/csv" --from "$day" --to "$day" --format md \
		--out "$out/report.md" && sed -n '1,60p' "$out/report.md"
	"$bin" report --data "$out/csv" --from "$day" --to "$day" --format html \
		--out "$out/report.html" && echo "(HTML: $out/report.html)"
fi
echo
echo "== what was sent (lab-send's account) beside what the sensor counted (the CSV)"
python3 - "$out/sent.csv" "$out/csv" <<'PYEOF'
import collections, csv, glob, os, sys
sent = collections.Counter()
for r in csv.reader(open(sys.argv[1])):
    if not r or r[0].startswith("#"):
        continue
    if r[0] == "totals":
        for name, v in zip(("packets", "bytes", "malformed", "non_ip", "mirai"), r[1:6]):
            sent["totals " + name] += int(v)
        sent["totals backscatter"] += int(r[7])
    elif r[0] == "port":
        sent[("port", r[1], r[2])] += int(r[3])
    elif r[0] == "source":
        sent[("source", r[1])] += int(r[2])
    elif r[0] == "backscatter":
        sent[("backscatter", r[1], r[2], r[3], r[4])] += int(r[5])
got = collections.Counter()
def rows(series):
    for f in sorted(glob.glob(os.path.join(sys.argv[2], "*", series + ".csv"))):
        yield from csv.DictReader(open(f))
for r in rows("totals"):
    for name in ("packets", "bytes", "malformed", "non_ip", "mirai", "backscatter"):
        got["totals " + name] += int(r[name])
for r in rows("ports"):
    got[("port", r["proto"], r["port"])] += int(r["packets"])
for r in rows("sources"):
    got[("source", r["src_ip"])] += int(r["packets"])
for r in rows("backscatter"):
    got[("backscatter", r["src_ip"], r["proto"], r["src_port"], r["kind"])] += int(r["packets"])
print("%-26s %12s %12s" % ("series", "sent", "counted"))
exact = True
for name in ("packets", "bytes", "malformed", "non_ip", "mirai", "backscatter"):
    k = "totals " + name
    print("%-26s %12d %12d" % ("totals." + name, sent[k], got[k]))
    exact &= sent[k] == got[k]
for kind, label in (("port", "ports.csv"), ("source", "sources.csv"),
                    ("backscatter", "backscatter.csv")):
    keys = {k for k in sent if isinstance(k, tuple) and k[0] == kind} | \
           {k for k in got if isinstance(k, tuple) and k[0] == kind}
    same = sum(sent[k] == got[k] for k in keys)
    print("%-26s %12d %12d   (%d of %d keys equal)" % (
        label + " packets", sum(sent[k] for k in keys), sum(got[k] for k in keys),
        same, len(keys)))
    exact &= same == len(keys)
print("every packet counted exactly once" if exact else "MISMATCH: see above")
sys.exit(0 if exact else 1)
PYEOF
echo
echo "Demo done: CSV in $out/csv, what was sent in $out/sent.csv."
