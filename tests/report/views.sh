#!/usr/bin/env bash
# The report's newer views, each checked in the HTML and kept as a
# screenshot (headless Chromium) in $TS_ARTEFACTS/view-*.png: the JP and
# TW backscatter incidents, the same anonymised, Mirai-type by country,
# a --port from one country and a --port never seen, the hatched days
# with data from part of the fleet (and, in Markdown, exactly the days
# check_partial.py finds in totals.csv, also in local days of --tz), a
# fleet-wide outage told once, and the monthly averages by group beside
# the same months a year earlier (every cell recomputed).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${TS_BIN:-build/xdp-telescope}
ART=${TS_ARTEFACTS:-build/test-artefacts}
mkdir -p "$ART"
command -v chromium >/dev/null || { echo "chromium is missing (make deps)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. tests/lib/browser.sh

"$BIN" synth --out "$work/data" --sensors 4 --from 2022-07-01 --to 2022-09-30 \
	--seed 7 --interval 3600 --rate 4
rm -r "$work"/data/sensor-0*/2022-08-10	# every sensor: a fleet-wide outage
printf 'match,english,japanese\nAS64666,Government site,政府系サイト\n198.19.136.96/28,Cloud provider,クラウド事業者\n' \
	>"$work/categories.csv"
q=(--data "$work/data" --quarter 2022Q3 --sensors "$work/data/sensors.csv" --country JP --country TW
   --port 1433/tcp --port 9/udp)
"$BIN" report "${q[@]}" --lang en --out "$work/en.html" 2>/dev/null
"$BIN" report "${q[@]}" --lang ja --out "$work/ja.html" 2>/dev/null
"$BIN" report "${q[@]}" --lang ja --anonymize --categories "$work/categories.csv" \
	--out "$work/anon.html" 2>/dev/null
# the partial days of the fleet's charts, from totals.csv alone: in UTC,
# and in two zones whose days cut the outage and the data's ends apart
for tz in UTC Asia/Tokyo America/New_York; do
	"$BIN" report "${q[@]}" --tz $tz --format md --out "$work/partial.md" 2>/dev/null
	python3 tests/report/check_partial.py "$work/data" "$work/partial.md" 2022-07-01 2022-09-30 $tz
done

# Each view: what must be in it; then a page of just those elements.
python3 - "$work" <<'PY'
import re, sys
work = sys.argv[1]
doc = {k: open(f"{work}/{k}.html", encoding="utf-8").read() for k in ("en", "ja", "anon")}
style = re.search(r"<style>.*?</style>", doc["en"], re.S).group(0)

def element(d, kind, id_):
    m = re.search(rf'<{kind}[^>]* id="{id_}".*?</{kind}>', d, re.S)
    assert m, f"no {kind} {id_}"
    return m.group(0)

def page(name, lang, parts):
    with open(f"{work}/view-{name}.html", "w", encoding="utf-8") as f:
        f.write(f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{style}</head>'
                f'<body><main>{"".join(parts)}</main></body></html>')

jp, tw = element(doc["ja"], "table", "backscatter_incident_JP_1"), element(doc["en"], "table", "backscatter_incident_TW_1")
assert "○" in jp and "7/31" in jp and "8/1" in jp and "Example" in jp
assert "8/28" in tw and "9/1" in tw
anon = element(doc["anon"], "table", "backscatter_incident_JP_1")
assert "198.19." not in anon and "Example" not in anon, "an address or a name in the anonymised table"
assert "政府系サイトA" in anon and "組織A" in anon and "クラウド事業者A" in anon, anon[:400]
page("incidents", "ja", [jp, anon])
page("incidents-tw", "en", [tw])
mir = [element(doc["ja"], "table", "mirai_JP"), element(doc["ja"], "figure", "chart_mirai_JP_1"),
       element(doc["ja"], "table", "mirai_TW")]
assert "23/TCP" in mir[0] and "Mirai型" in mir[1]
page("mirai", "ja", mir)
cc = element(doc["en"], "figure", "chart_port_1433_6_JP")
never = element(doc["en"], "figure", "chart_port_9_17")
# a port never seen: its own name in the legend, and grey only on the outage day
assert "9/UDP (discard)" in never and never.count('class="nodata"') == 1, never[:300]
assert re.search(r"ranked \d+ among [\d,]+ destination ports", doc["en"])
assert "No packet from Japan went to 9/UDP (discard)." in doc["en"] or "From Japan, 9/UDP" in doc["en"]
iran = element(doc["en"], "figure", "chart_country_IR")
assert "Daily packets from Iran" in iran
page("ports", "en", [cc, never, iran])
top = element(doc["en"], "figure", "chart_top_ports")
assert '<g class="partial">' in top and "data from part of the fleet" in top
assert "一部のセンサーのみのデータ" in element(doc["ja"], "figure", "chart_top_ports")
gaps = element(doc["en"], "table", "gaps")
assert "All 4 sensors wrote no data from 2022-08-10 00:00 to 2022-08-11 00:00 UTC" in doc["en"]
assert "<td>all 4 sensors</td>" in gaps and gaps.count("<tr>") == 3, gaps
page("fleet", "en", [top, gaps])
print("views: incidents (JP, TW, anonymised), Mirai-type by country, --port views, partial days, outage")
PY
# The monthly averages by group beside the same months a year earlier
# (seed 002): a fleet of 15 months, sensor-01 without three days and with
# half of another a year earlier; every cell of the table and of its
# chart recomputed from totals.csv.
"$BIN" synth --out "$work/year" --sensors 2 --from 2021-07-01 --to 2022-09-30 --seed 4 \
	--interval 3600 --rate 1 --no-events
rm -r "$work"/year/sensor-01/2021-08-0[345]
t="$work/year/sensor-01/2021-09-10/totals.csv"
head -13 "$t" >"$t.half" && mv "$t.half" "$t"
"$BIN" report --data "$work/year" --quarter 2022Q3 --sensors "$work/year/sensors.csv" --lang ja \
	--out "$work/year.html" 2>/dev/null
"$BIN" report --data "$work/year" --quarter 2022Q3 --sensors "$work/year/sensors.csv" --format csv \
	--out "$work/year-csv" 2>/dev/null
python3 - "$work" <<'PY'
import csv, glob, re, sys, collections
work = sys.argv[1]
rows = list(csv.DictReader(open(f"{work}/year-csv/sensor_monthly.csv")))
assert list(rows[0]) == ["month", "domestic", "domestic, a year earlier", "overseas",
                         "overseas, a year earlier"], list(rows[0])
group = {r["sensor"]: r["group"] for r in csv.DictReader(open(f"{work}/year/sensors.csv"))}
pk, days = collections.Counter(), collections.defaultdict(set)	# (group, month)
for f in glob.glob(f"{work}/year/sensor-*/*/totals.csv"):
    for r in csv.DictReader(open(f)):
        key = (group[r["sensor"]], r["time"][:7])
        pk[key] += int(r["packets"])
        days[key].add((r["sensor"], r["time"][:10]))	# sensor-days with a row
chart = list(csv.DictReader(open(f"{work}/year-csv/chart_sensor_monthly.csv")))
cells = 0
for row, point in zip(rows, chart):
    assert point["day"] == row["month"] + "-01", (point, row)
    for g in ("domestic", "overseas"):
        for col, year in ((g, 0), (f"{g}, a year earlier", 1)):
            month = f"{int(row['month'][:4]) - year}{row['month'][4:]}"
            want = f"{pk[(g, month)] / len(days[(g, month)]):.0f}"
            assert row[col] == want and point[col] == want, (row["month"], col, row[col], point[col], want)
            cells += 2
assert [r["month"] for r in rows] == ["2022-07", "2022-08", "2022-09"] and cells == 24
doc = open(f"{work}/year.html", encoding="utf-8").read()
fig = re.search(r'<figure[^>]* id="chart_sensor_monthly".*?</figure>', doc, re.S).group(0)
tab = re.search(r'<table[^>]* id="sensor_monthly".*?</table>', doc, re.S).group(0)
assert "domestic（前年同月）" in fig and fig.count("<polyline") >= 4
style = re.search(r"<style>.*?</style>", doc, re.S).group(0)
open(f"{work}/view-monthly.html", "w", encoding="utf-8").write(
    f'<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">{style}</head><body><main>{tab}{fig}</main></body></html>')
print(f"monthly averages: {cells} cells of the table and chart, the year before's too, "
      "as totals.csv gives them")
PY
for v in incidents incidents-tw mirai ports fleet monthly; do
	browse "$work/profile" "$work/chromium.log" --screenshot="$ART/view-$v.png" \
		--window-size=1000,1500 "file://$work/view-$v.html" >/dev/null
	[ -s "$ART/view-$v.png" ] || { echo "no screenshot of $v"; exit 1; }
done
echo "report_views: ok (screenshots $ART/view-*.png)"
