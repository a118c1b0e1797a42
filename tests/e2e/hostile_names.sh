#!/usr/bin/env bash
# End to end, names that would break the CSV: `run` refuses a --sensor
# name that is not clean UTF-8 text (a line end, invalid bytes, over 255
# bytes); then a sensor named in Japanese runs on the lab veth with an
# ASN database whose organisation names hold line ends and control
# characters, one of them a whole backscatter row of today (written by
# tests/lib/mkmmdb.pl --hostile). The CSV must hold those names as one
# line of text each, and the report over it must count exactly what
# lab-send's account says was sent: its backscatter packets and victims
# per country, and every table (tests/report/check_tables.py).
set -u
cd "$(dirname "$0")/../.."
. tests/lib/lab.sh

lab_prepare e2e_hostile_names
log="$dir/loader.log"
account="$dir/account.csv"
today=$(date -u +%F)
perl tests/lib/mkmmdb.pl asn "$dir/hostile.mmdb" "--hostile=$today" || lab_fail "mkmmdb --hostile"

echo "run refuses a --sensor that is not clean UTF-8 text (exit 2, one line)"
long=$(printf 'a%.0s' $(seq 256))
for name in $'tokyo\n1' $'tab\there' $'bad\xffbyte' "$long"; do
	rc=0
	"$TS_BIN" run ts-no-such-if --out "$dir/refused" --sensor "$name" >"$dir/refused.out" 2>"$dir/err" || rc=$?
	[ "$rc" -eq 2 ] || lab_fail "--sensor $(printf %q "$name"): exit $rc, expected 2: $(cat "$dir/err")"
	[ "$(wc -l <"$dir/err")" -eq 1 ] &&
		grep -q "^xdp-telescope: error: run: --sensor wants valid UTF-8 without control characters, at most 255 bytes: the name given " "$dir/err" ||
		lab_fail "--sensor $(printf %q "$name"): $(cat "$dir/err")"
	[ ! -e "$dir/refused" ] || lab_fail "a refused run wrote $dir/refused"
done

echo "a sensor with hostile AS names: send the e2e mix for 3 s"
lab_up
drops_before=$(lab_wire_drops)
lab_start_loader "$log" --out "$dir/out" --interval 1 --geoip "$dir/country.mmdb" \
	--asn "$dir/hostile.mmdb" --sensor "東京-1"
in_sender "$SEND" --ifname "$SENDER_IF" --mix e2e --seed 5 --seconds 3 --rate 1000 \
	--account "$account" || lab_fail "lab-send failed"
sleep 0.3
kill -TERM "$LOADER_PID"
wait "$LOADER_PID"
rc=$?
[ "$rc" -eq 0 ] || lab_fail "loader exit status $rc after SIGTERM: $(tail -3 "$log")"
drops=$(( $(lab_wire_drops) - drops_before ))
[ "$drops" -eq 0 ] || lab_fail "the wire dropped $drops frames: the comparison is void"

days=$(ls "$dir/out" | grep -E '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' | sort)
from=$(echo "$days" | head -1)
to=$(echo "$days" | tail -1)
[ -n "$from" ] || lab_fail "no day directory under $dir/out"
"$TS_BIN" report --data "$dir/out" --from "$from" --to "$to" --format csv --out "$dir/report" \
	--country US 2>"$dir/report.err" || lab_fail "report failed: $(cat "$dir/report.err")"
grep -q "warning" "$dir/report.err" && lab_fail "the report warned: $(cat "$dir/report.err")"
prev_to=$(date -u -d "$from - 1 day" +%F)
prev_from=$(date -u -d "$from - $(( ($(date -u -d "$to" +%s) - $(date -u -d "$from" +%s)) / 86400 + 1 )) days" +%F)
python3 tests/report/check_tables.py --data "$dir/out" --report "$dir/report" --from "$from" \
	--to "$to" --prev-from "$prev_from" --prev-to "$prev_to" --country US ||
	lab_fail "the report's tables differ from the CSV"

python3 - "$dir/out" "$account" "$dir/report" "$today" <<'EOF' || lab_fail "the CSV or the report differs from what was sent"
import collections, csv, glob, io, ipaddress, sys

out, account, report, today = sys.argv[1:]
NETS = [(ipaddress.ip_network("198.51.100.0/25"), "JP", "Example JP Net"),
        (ipaddress.ip_network("198.51.100.128/25"), "NL", "'=Research Scanner  NL"),
        (ipaddress.ip_network("203.0.113.0/24"), "US", "X %sT19:00:00Z,evil,203.0.113.99,US,1,tcp,"
         "443,synack,999999,Injected" % today),
        (ipaddress.ip_network("2001:db8::/32"), "DE", "Example  DE ")]

def net(ip):
    a = ipaddress.ip_address(ip)
    return next(((cc, org) for n, cc, org in NETS if a.version == n.version and a in n),
                ("ZZ", ""))

errors = []
# The account: backscatter packets and victims per country, all packets.
sent = collections.Counter()
victims = collections.defaultdict(set)
packets = 0
for line in open(account):
    if line.startswith("#") or not line.strip():
        continue
    r = next(csv.reader([line]))
    if r[0] == "backscatter":
        cc = net(r[1])[0]
        sent[cc] += int(r[5])
        victims[cc].add(str(ipaddress.ip_address(r[1])))
    elif r[0] == "totals":
        packets += int(r[1])
# The CSV: every file one record a line, the organisations as text.
for path in glob.glob(out + "/*/*.csv"):
    data = open(path, "rb").read()
    text = data.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if len(rows) != text.count("\n"):
        errors.append("%s: %d records on %d lines (a name holds a line end)" %
                      (path, len(rows), text.count("\n")))
    if any(c in text.replace("\n", "") for c in "\r\t\x7f\x85"):
        errors.append(path + ": a control character in a name")
    head = rows[0]
    for r in rows[1:]:
        f = dict(zip(head, r))
        if f.get("sensor") != "東京-1":
            errors.append("%s: sensor %r" % (path, f.get("sensor")))
        if "as_org" in f and f["as_org"] != net(f["src_ip"])[1]:
            errors.append("%s: as_org %r for %s" % (path, f["as_org"], f["src_ip"]))
# The report: exactly what was sent.
got = {r["country"]: r for r in csv.DictReader(open(report + "/backscatter_countries.csv"))}
for cc in set(sent) | set(got):
    want = (sent[cc], len(victims[cc]))
    have = (int(got[cc]["packets"]), int(got[cc]["sources"])) if cc in got else (0, 0)
    if want != have:
        errors.append("backscatter from %s: report %d packets from %d victims, sent %d from %d" %
                      (cc, have[0], have[1], want[0], want[1]))
summary = {r["item"]: r["value"] for r in csv.DictReader(open(report + "/summary.csv"))}
if int(summary["packets"]) != packets:
    errors.append("report: %s packets, sent %d" % (summary["packets"], packets))
for e in errors[:20]:
    print("FAIL: " + e)
print("backscatter sent %s; report %s" % (dict(sent), {cc: got[cc]["packets"] for cc in got}))
sys.exit(1 if errors else 0)
EOF
echo "e2e_hostile_names: ok"
