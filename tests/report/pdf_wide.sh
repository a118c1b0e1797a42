#!/usr/bin/env bash
# The widest table of the report, printed: a backscatter incident table
# of 14 days whose victims are long IPv6 addresses with long organisation
# names (v6_victims.py), in both languages. Every word of every page
# (pdftotext -bbox) lies within the page box less its 14 mm margins, and
# the table is there with its IPv6 addresses and all 14 day columns (what
# runs off the page is not in the text at all); the page images are kept as
# $TS_ARTEFACTS/report-pdf-wide-{en,ja}-NN.png.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${TS_BIN:-build/xdp-telescope}
ART=${TS_ARTEFACTS:-build/test-artefacts}
mkdir -p "$ART"
for c in chromium pdftotext pdftoppm; do
	command -v "$c" >/dev/null || { echo "$c is missing (make deps)"; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$BIN" synth --out "$work/d" --sensors 3 --from 2022-07-01 --to 2022-08-10 \
	--interval 3600 --rate 4 --seed 1
python3 tests/report/v6_victims.py "$work/d"
for lang in en ja; do
	"$BIN" report --data "$work/d" --from 2022-07-20 --to 2022-08-10 --country JP \
		--lang $lang --format pdf --out "$work/w.$lang.pdf" 2>/dev/null
	pdftotext -bbox "$work/w.$lang.pdf" "$work/w.$lang.html"
	python3 - "$work/w.$lang.html" $lang <<'PY'
import re, sys
text, lang = open(sys.argv[1], encoding="utf-8").read(), sys.argv[2]
margin = 14 / 25.4 * 72 - 1	# 14 mm, less a point of rounding
pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', text, re.S)
table, heads = 0, set()
for i, (w, h, body) in enumerate(pages, 1):
    words = re.findall(r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<', body)
    for x0, x1, word in words:
        assert margin <= float(x0) and float(x1) <= float(w) - margin, \
            f"page {i}: {word!r} at x {x0}-{x1} is outside the page's {w} less its margins"
    victims = sum(1 for _, _, word in words if word.startswith("2001:db8:fedc:"))
    if victims:	# the table's pages: their day columns (the charts have dates too)
        heads |= {word for _, _, word in words if re.fullmatch(r"\d+/\d+", word)}
    table += victims
# text past the page's edge is not in it at all: so each of the table's
# 14 day columns must be found, as well as within the margins
days = [f"7/{d}" for d in range(25, 32)] + [f"8/{d}" for d in range(1, 8)]
assert not [d for d in days if d not in heads], f"day columns missing: {[d for d in days if d not in heads]}"
assert table >= 8, f"the incident table's IPv6 victims are not there ({table})"
print(f"{lang}: {len(pages)} pages, every word within the margins, {table} IPv6 victim addresses")
PY
	pdftoppm -r 60 -png "$work/w.$lang.pdf" "$ART/report-pdf-wide-$lang"
done
echo "report_pdf_wide: ok"
