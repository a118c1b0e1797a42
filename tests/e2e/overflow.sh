#!/usr/bin/env bash
# End to end with maps too small for the traffic: every packet must still
# be counted exactly once, in its series or in an overflow counter. The
# flow map holds 40 (source, protocol, port) entries, the backscatter map
# 4, the tagged map 4; the e2e mix has hundreds of each per interval.
# Then every sum docs/csv.md promises, interval by interval, with the
# overflow counters in them (tests/lib/check_sums.py, which synth's
# output passes too: tests/report/synth_sums.sh).
set -u
cd "$(dirname "$0")/../.."
. tests/lib/lab.sh

lab_prepare e2e_overflow
log="$dir/loader.log"
account="$dir/account.csv"

lab_up
drops_before=$(lab_wire_drops)
lab_start_loader "$log" --out "$dir/out" --interval 1 --geoip "$dir/country.mmdb" \
	--sensor overflow --max-sources 40 --max-backscatter 4 --max-tagged 4
in_sender "$SEND" --ifname "$SENDER_IF" --mix e2e --seed 5 --seconds 3 \
	--rate 1000 --account "$account" || lab_fail "lab-send failed"
sleep 0.3
kill -TERM "$LOADER_PID"
wait "$LOADER_PID" || lab_fail "loader exit $? after SIGTERM"
drops=$(( $(lab_wire_drops) - drops_before ))
[ "$drops" -eq 0 ] || lab_fail "the wire dropped $drops frames: the comparison is void"

python3 - "$dir/out" "$account" <<'PY' || lab_fail "overflow accounting is not exact (artefacts in $dir)"
import collections, csv, glob, os, sys
out, account = sys.argv[1], sys.argv[2]
bad = []
def rows(name):
    r = []
    for p in sorted(glob.glob(os.path.join(out, "*", name + ".csv"))):
        with open(p, newline="") as f:
            r.extend(csv.DictReader(f))
    return r
acc = [0] * 8
acc_ports = collections.Counter()
for line in open(account):
    if line.startswith("#"):
        continue
    r = next(csv.reader([line]))
    if r[0] == "totals":
        acc = [a + int(b) for a, b in zip(acc, r[1:9])]
    elif r[0] == "port":
        acc_ports[(r[1], r[2])] += int(r[3])
totals = rows("totals")
T = lambda c: sum(int(r[c]) for r in totals)
if (T("packets"), T("bytes"), T("malformed"), T("non_ip")) != tuple(acc[0:4]):
    bad.append("totals %s != account %s" % ((T("packets"), T("bytes"), T("malformed"), T("non_ip")), acc[0:4]))
for c in ("overflow", "bs_overflow", "tag_overflow"):
    if T(c) == 0:
        bad.append("totals.%s is 0: the maps did not overflow, the test proves nothing" % c)
ports = collections.Counter()
for r in rows("ports"):
    ports[(r["proto"], r["port"])] += int(r["packets"])
if ports != +acc_ports:
    bad.append("ports.csv differs from the account (overflowed packets must stay in ports)")
per = collections.defaultdict(collections.Counter)
for name in ("ports", "countries", "sources", "port_countries", "backscatter"):
    for r in rows(name):
        per[r["time"]][name] += int(r["packets"])
for name in ("tags",):
    for r in rows(name):
        if r["tag"] == "mirai":
            per[r["time"]]["mirai_tag"] += int(r["packets"])
for r in totals:
    t, p = r["time"], per[r["time"]]
    want = int(r["packets"]) - int(r["overflow"])
    if p["ports"] != int(r["packets"]):
        bad.append("%s: ports %d != totals %s" % (t, p["ports"], r["packets"]))
    for name in ("countries", "sources", "port_countries"):
        if p[name] != want:
            bad.append("%s: %s %d != totals - overflow %d" % (t, name, p[name], want))
    if p["backscatter"] != int(r["backscatter"]) - int(r["bs_overflow"]):
        bad.append("%s: backscatter rows %d != backscatter - bs_overflow %d" %
                   (t, p["backscatter"], int(r["backscatter"]) - int(r["bs_overflow"])))
    if p["mirai_tag"] != int(r["mirai"]):
        bad.append("%s: mirai tag rows %d != totals.mirai %s" % (t, p["mirai_tag"], r["mirai"]))
for b in bad[:10]:
    print("FAIL:", b)
print("overflow: %d packets, %d overflowed, %d backscatter overflowed, %d tag overflowed" %
      (T("packets"), T("overflow"), T("bs_overflow"), T("tag_overflow")))
sys.exit(1 if bad else 0)
PY
python3 tests/lib/check_sums.py "$dir/out" ||
	lab_fail "a sum of docs/csv.md fails (artefacts in $dir)"
echo "e2e_overflow: ok"
