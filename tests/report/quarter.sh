#!/usr/bin/env bash
# A synthetic quarter of four sensors: the report must find exactly the
# injected events, and every number of every table (and of the daily
# chart series, the tag tables included) must equal an independent
# computation over the same CSV (tests/report/check_tables.py). Markdown
# and HTML in both languages.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${TS_BIN:-build/xdp-telescope}
ART=${TS_ARTEFACTS:-build/test-artefacts}
mkdir -p "$ART"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$BIN" synth --out "$work/data" --sensors 4 --from 2022-07-01 --to 2022-09-30 \
	--seed 7 --interval 3600 --rate 4
"$BIN" synth --out "$work/data" --from 2022-07-01 --to 2022-09-30 --sensors 4 \
	--seed 7 --interval 3600 --rate 4 --list-events | cmp - "$work/data/events.csv"

common=(--data "$work/data" --quarter 2022Q3 --sensors "$work/data/sensors.csv" --port 1433/tcp)
"$BIN" report "${common[@]}" --country JP --country TW --format csv --out "$work/csv"
python3 tests/report/check_events.py "$work/data/events.csv" "$work/csv/events.csv"
python3 tests/report/check_tables.py --data "$work/data" --report "$work/csv" \
	--from 2022-07-01 --to 2022-09-30 --prev-from 2022-04-01 --prev-to 2022-06-30 \
	--sensors "$work/data/sensors.csv" --port 1433/tcp --country JP --country TW
# The incidents hold exactly the injected victims on exactly their days
# (user/synth: JP victims 300-311 on day 30, 308-323 on day 31; TW 324-333
# on day 58, 334-347 on day 62; ASN 64512 + victim / 2), beside the
# general pool's victims of those days (lower ASNs).
python3 - "$work/csv" <<'PY'
import csv, sys
def victims(lo, hi):
    return {64512 + v // 2 for v in range(lo, hi + 1)}
want = {("JP", 1): {"2022-07-31": victims(300, 311), "2022-08-01": victims(308, 323)},
        ("TW", 1): {"2022-08-28": victims(324, 333), "2022-09-01": victims(334, 347)}}
for (cc, n), days in want.items():
    rows = list(csv.DictReader(open(f"{sys.argv[1]}/backscatter_incident_{cc}_{n}.csv")))
    injected = {int(r["asn"]): r for r in rows if r["asn"] and int(r["asn"]) >= 64662}
    every = set().union(*days.values())
    assert set(injected) == every, f"{cc}: organisations {sorted(injected)} != {sorted(every)}"
    for asn, r in injected.items():
        on = {d for d in r if d[:2] == "20" and r[d] == "1"}
        assert on == {d for d, v in days.items() if asn in v}, f"{cc} AS{asn}: days {on}"
        assert r["dominant_src_port"] == "443/tcp", r
    assert all(any(r[d] == "1" for d in r if d[:2] == "20") for r in rows), "a row without a mark"
    print(f"{cc}: {len(injected)} injected organisations on their days, {len(rows) - len(injected)} others")
PY

# The previous quarter's ranks: report Q3 over data that also holds Q2.
"$BIN" synth --out "$work/two" --sensors 2 --from 2022-04-01 --to 2022-09-30 \
	--seed 11 --interval 3600 --rate 4 --no-events
"$BIN" report --data "$work/two" --quarter 2022Q3 --format csv --out "$work/csv2" --top 12 --country US
python3 tests/report/check_tables.py --data "$work/two" --report "$work/csv2" \
	--from 2022-07-01 --to 2022-09-30 --prev-from 2022-04-01 --prev-to 2022-06-30 \
	--top 12 --country US
grep -q '^1,tcp,23,' "$work/csv2/top_ports.csv"
awk -F, 'NR > 1 && $6 == "" { exit 1 }' "$work/csv2/top_ports.csv"

for lang in en ja; do
	"$BIN" report "${common[@]}" --lang "$lang" --format md --out "$work/r.$lang.md"
	"$BIN" report "${common[@]}" --lang "$lang" --format html --out "$work/r.$lang.html"
	cp "$work/r.$lang.html" "$ART/report-quarter-$lang.html"
	cp "$work/r.$lang.md" "$ART/report-quarter-$lang.md"
done
# The same numbers on every page: the top port's packets appear in md and html.
top=$(awk -F, 'NR == 2 { print $4 }' "$work/csv/top_ports.csv")
top_fmt=$(printf "%'d" "$top" 2>/dev/null || echo "$top")
top_fmt=$(python3 -c "print(f'{$top:,}')")
for f in "$work"/r.*.md "$work"/r.*.html; do
	grep -q -- "$top_fmt" "$f" || { echo "top port count $top_fmt missing in $f"; exit 1; }
done
grep -q '23/TCP (telnet)' "$work/r.en.md"
grep -q '23/TCP (telnet)' "$work/r.ja.md"
grep -q '宛先ポート番号トップ5' "$work/r.ja.md"
grep -q '送信元地域トップ5' "$work/r.ja.html"
# Natural Japanese: no space between a kana/kanji and a number, either way,
# in any sentence, caption or note (charts, table rows and numbered headings aside).
python3 - "$work/r.ja.md" <<'PY'
import re, sys
cjk = "[\u3040-\u30ff\u3400-\u9fff\uff01-\uff60]"
bad = [l for l in open(sys.argv[1], encoding="utf-8")
       if not l.startswith(("|", "```", " ", "#")) and not re.match(r"^\S+\s+[▁▂▃▄▅▆▇█ ]+  max", l)
       and re.search(f"{cjk} [0-9]|[0-9%] {cjk}", l)]
assert not bad, "spaces around numbers in Japanese:\n" + "".join(bad[:5])
PY
grep -q '中国' "$work/r.ja.md"
grep -q 'イラン' "$work/r.ja.md"
grep -q 'Top 5 destination ports' "$work/r.en.md"
grep -q 'China' "$work/r.en.md"
if grep -q '中国' "$work/r.en.md"; then echo "Japanese in the English report"; exit 1; fi
# Tags: fingerprints as a type, lists as "listed:", rules by name, in both languages.
for f in "$work/r.en.md" "$work/r.en.html"; do
	grep -q '^## [0-9]*\. Tags$\|<h2>[0-9]*\. Tags</h2>' "$f"
	grep -q 'Mirai-type' "$f"; grep -q 'ZMap-type' "$f"; grep -q 'listed: research-scanner' "$f"
	grep -q 'ssdp_msearch' "$f"; grep -q 'Tags by packets' "$f"
done
for f in "$work/r.ja.md" "$work/r.ja.html"; do
	grep -q '^## [0-9]*\. タグ$\|<h2>[0-9]*\. タグ</h2>' "$f"
	grep -q 'Mirai型' "$f"; grep -q 'Masscan型' "$f"; grep -q 'リスト掲載: research-scanner' "$f"
	grep -q 'タグ別のパケット数' "$f"
done
# The tags table's first row: Mirai-type with its packets, the same on every page.
mirai=$(awk -F, 'NR == 2 { print $5 }' "$work/csv/tags.csv")
grep -q '^1,Mirai-type,mirai,fingerprint,' "$work/csv/tags.csv"
mirai_fmt=$(python3 -c "print(f'{$mirai:,}')")
grep -q "| 1 | Mirai-type | $mirai_fmt |" "$work/r.en.md"
grep -q "| 1 | Mirai型 | $mirai_fmt |" "$work/r.ja.md"
# Self-contained: no scripts, nothing fetched, A4 print rules.
for f in "$work"/r.*.html; do
	if grep -Eiq '<script|<link|<img|<iframe|@import|url\(' "$f"; then
		echo "$f is not self-contained"; exit 1
	fi
	if grep -Eo '(src|href)="[^"]*"' "$f" | grep . >/dev/null; then
		echo "$f references something outside itself"; exit 1
	fi
	grep -q '@page { size: A4' "$f"
	[ "$(grep -c '<svg' "$f")" -ge 5 ]
done
echo "report_quarter: ok"
