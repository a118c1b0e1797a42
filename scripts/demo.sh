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
ip link add tsd0 netns "$sns" type veth peer name tsd1 netns "$gns"
ip -n "$sns" link set lo up
ip -n "$sns" link set tsd0 up
ip -n "$gns" link set tsd1 up

echo "== xdp-telescope run tsd0 --interval $interval (drains every $interval s)"
nsenter --net=/run/netns/$sns "$bin" run tsd0 --out "$out/csv" --sensor demo \
	--geoip "$out/country.mmdb" --asn "$out/asn.mmdb" --interval "$interval" &
loader=$!
sleep 1

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
echo "Demo done: CSV in $out/csv, what was sent in $out/sent.csv."
