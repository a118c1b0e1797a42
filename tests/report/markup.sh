#!/usr/bin/env bash
# Names from the data are text in the Markdown report, never markup: a
# month of two sensors whose --sensors labels and groups, and whose AS
# organisation names (sources.csv, a JP victim's in backscatter.csv),
# hold HTML, JavaScript, a link, an image, entities, pipes, backslashes
# and a group named with 30 backticks (alone on its line of the monthly
# chart: it would end the chart's code block). The report, in both
# languages, goes through a real Markdown viewer's converter (cmark-gfm,
# GitHub's, with tables, autolinks and raw HTML let through): the HTML it
# makes must hold no element the report did not write (no script, no
# img, no link of the data's own making: links go to the references, or
# to an address a name spells out, which GFM links by itself), every
# table row as many cells as its header, and every hostile name, as
# text, whole.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${TS_BIN:-build/xdp-telescope}
command -v cmark-gfm >/dev/null || { echo "cmark-gfm is missing (make deps)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$BIN" synth --out "$work/data" --sensors 2 --from 2022-07-01 --to 2022-07-31 \
	--interval 3600 --rate 2 --seed 3
ticks=$(printf '`%.0s' $(seq 30))
org1='<script>alert(1)</script> AT&T &amp; [x](javascript:alert(1))'
org2='<img src=file:///etc/passwd>'
label1='<script>alert(2)</script> a|b \| c\'
label2='![p](https://198.51.100.7/p.png) &lt;b&gt; <b>bold</b>'
group2='<script>alert(3)</script>'
printf 'sensor,group,label,country\nsensor-01,%s,%s,JP\nsensor-02,%s,%s,US\n' \
	"$ticks" "$label1" "$group2" "$label2" >"$work/sensors.csv"
# the commonest AS of sources.csv, and a JP victim's organisation
sed_text() { printf '%s' "$1" | sed 's/[&|\\]/\\&/g'; }
find "$work/data" -name sources.csv -exec sed -i "s|,Example CN Backbone\$|,$(sed_text "$org1")|" {} +
find "$work/data" -name backscatter.csv -exec sed -i "s|,Example Portal V5\$|,$(sed_text "$org2")|" {} +
grep -rqF "$org1" "$work/data" && grep -rqF "$org2" "$work/data" || { echo "no hostile names made"; exit 1; }

for lang in en ja; do
	"$BIN" report --data "$work/data" --month 2022-07 --sensors "$work/sensors.csv" \
		--country JP --lang $lang --format md --out "$work/$lang.md" 2>/dev/null
	cmark-gfm --unsafe -e table -e autolink "$work/$lang.md" >"$work/$lang.html"
	python3 - "$work/$lang.html" "$lang" "$org1" "$org2" "$label1" "$label2" "$group2" \
		"$ticks" <<'PY'
import re, sys
from html.parser import HTMLParser
path, lang, *names = sys.argv[1:]
ours = {"h1", "h2", "h3", "h4", "p", "strong", "em", "table", "thead", "tbody", "tr",
        "th", "td", "pre", "code", "blockquote", "a"}
refs = ("https://www.iana.org/", "https://www.usenix.org/", "https://www.caida.org/",
        "https://ioda.inetintel.cc.gatech.edu/")

class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.bad = [], []
    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") or ""
        # a link: to a reference, or an address written out in a name,
        # which GFM links by itself (shown, nothing fetched or run)
        if tag not in ours or (tag == "a" and not href.startswith(refs) and
                               not (href.startswith("https://") and
                                    any(href in n for n in names))):
            self.bad.append((tag, attrs))
    def handle_data(self, data):
        self.text.append(data)

html = open(path, encoding="utf-8").read()
p = Page()
p.feed(html)
assert not p.bad, f"{lang}: markup from the data: {p.bad[:5]}"
tables = re.findall(r"<table>(.*?)</table>", html, re.S)
for t in tables:
    head = len(re.findall(r"<th\b", re.search(r"<thead>(.*?)</thead>", t, re.S).group(1)))
    body = re.search(r"<tbody>(.*?)</tbody>", t, re.S)
    for row in re.findall(r"<tr>(.*?)</tr>", body.group(1) if body else "", re.S):
        n = len(re.findall(r"<td\b", row))
        assert n == head, f"{lang}: a row of {n} cells under {head} headings: {row[:200]}"
text = " ".join("".join(p.text).split())
for name in names:
    assert " ".join(name.split()) in text, f"{lang}: {name!r} is not shown as it is"
tables = len(tables)
print(f"{lang}: {tables} tables, no markup from the data, every name shown whole")
PY
done
echo "report_markup: ok"
