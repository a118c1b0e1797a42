#!/usr/bin/env bash
# The HTML report in headless Chromium: it loads, every <svg> chart has
# data points (polyline/circle/rect with coordinates), so has the daily
# chart of every tag, and a screenshot of each language is kept in
# $TS_ARTEFACTS.
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
for lang in en ja; do
	html="$work/report-$lang.html"
	"$BIN" report --data "$work/data" --quarter 2022Q3 --sensors "$work/data/sensors.csv" \
		--port 1433/tcp --lang "$lang" --out "$html"
	browse "$work/profile" "$work/chromium.log" --dump-dom "file://$html" > "$work/dom-$lang.html"
	python3 - "$work/dom-$lang.html" <<'PY'
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
svgs = re.findall(r"<svg.*?</svg>", dom, re.S)
assert len(svgs) >= 5, f"only {len(svgs)} charts in the loaded page"
for i, svg in enumerate(svgs):
    pts = re.findall(r'<polyline[^>]*points="[-\d. ,]+"', svg) + \
          re.findall(r'<circle[^>]*cx="[\d.]+"', svg) + \
          re.findall(r'<rect(?![^>]*class="nodata")[^>]*height="[\d.]+"', svg)
    assert pts, f"chart {i + 1} has no data points"
assert "</table>" in dom and "<h2>" in dom, "tables or headings missing"
# One daily chart per tag of the tags table, each with data points.
tags = re.search(r'<table id="tags".*?<tbody>(.*?)</tbody>', dom, re.S)
assert tags, "no tags table"
ntags = tags.group(1).count("<tr>")
tag_charts = re.findall(r'<figure class="chart" id="chart_tag_\d+">\s*(<svg.*?</svg>)', dom, re.S)
assert ntags >= 5 and len(tag_charts) == ntags, f"{len(tag_charts)} tag charts for {ntags} tags"
for i, svg in enumerate(tag_charts):
    assert re.search(r'<polyline[^>]*points="[-\d. ,]+"|<circle[^>]*cx="[\d.]+"', svg), \
        f"tag chart {i + 1} has no data points"
print(f"{len(svgs)} charts, each with data points; {ntags} tags, each with its chart")
PY
	browse "$work/profile" "$work/chromium.log" --screenshot="$ART/report-$lang.png" --window-size=1200,4000 "file://$html" >/dev/null
	[ -s "$ART/report-$lang.png" ]
done
echo "report_chromium: ok (screenshots in $ART)"
