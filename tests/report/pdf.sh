#!/usr/bin/env bash
# --format pdf: the report printed to A4 by headless Chromium. For each
# language: A4 pages, a contents page listing every section heading of
# the same report in Markdown, in order, each with the number of the page
# it is on (the text of that page holds it, no page before it
# does); the widest table, a 14-day incident table of long IPv6 victims
# (v6_victims.py makes the fleet's JP victims so), within the page: every
# word of every page (pdftotext -bbox) inside the A4 page less its 14 mm
# margins, the table's 14 day columns there (what runs off the page is
# not in the text at all); "page / pages" at the foot of
# every page; the references at the end; the page images (pdftoppm) kept
# in $TS_ARTEFACTS. A browser that is missing is one clear error.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${TS_BIN:-build/xdp-telescope}
ART=${TS_ARTEFACTS:-build/test-artefacts}
mkdir -p "$ART"
for c in chromium pdfinfo pdftotext pdftoppm; do
	command -v "$c" >/dev/null || { echo "$c is missing (make deps)"; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$BIN" synth --out "$work/data" --sensors 4 --from 2022-07-01 --to 2022-09-30 \
	--seed 7 --interval 3600 --rate 4
python3 tests/report/v6_victims.py "$work/data"
q=(--data "$work/data" --quarter 2022Q3 --sensors "$work/data/sensors.csv" --port 1433/tcp)
for lang in en ja; do
	"$BIN" report "${q[@]}" --lang $lang --format pdf --out "$work/q3.$lang.pdf" 2>/dev/null
	"$BIN" report "${q[@]}" --lang $lang --format md --out "$work/q3.$lang.md" 2>/dev/null
	pdfinfo "$work/q3.$lang.pdf" >"$work/info.$lang"
	pdftotext -layout "$work/q3.$lang.pdf" "$work/q3.$lang.txt"
	python3 - "$work/info.$lang" "$work/q3.$lang.txt" "$work/q3.$lang.md" $lang <<'PY'
import re, sys
info, text, md, lang = open(sys.argv[1]).read(), open(sys.argv[2], encoding="utf-8").read(), \
    open(sys.argv[3], encoding="utf-8").read(), sys.argv[4]
pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
assert re.search(r"^Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)", info, re.M), "not A4"
assert 6 <= pages <= 60, f"{pages} pages"
sheets = text.split("\f")
if sheets and not sheets[-1].strip():
    sheets.pop()
assert len(sheets) == pages, f"{len(sheets)} pages of text for {pages}"
for i, s in enumerate(sheets, 1):
    foot = [l.strip() for l in s.strip().splitlines()][-1]
    assert foot == f"{i} / {pages}", f"page {i} ends with {foot!r}, not its number"
# The contents: every heading of the report (levels 2 and 3), in order.
heads = [h.strip() for h in re.findall(r"^###? (.+)$", md, re.M)]
contents = "目次" if lang == "ja" else "Contents"
first = sheets[0]
assert contents in first, "no contents on page 1"
toc = []
for l in [l.strip() for l in first.split(contents, 1)[1].splitlines() if l.strip()][:-1]:
    m = re.match(r"^(.*\S)\s+(\d+)$", l)
    assert m, f"contents line {l!r} has no page number"
    toc.append((m.group(1), int(m.group(2))))
assert [t for t, _ in toc] == heads, f"contents {toc} != headings {heads}"
flat = [" ".join(s.split()) for s in sheets]
for h, n in toc:
    h1 = " ".join(h.split())
    assert 2 <= n <= pages, f"{h!r}: page {n} of {pages}"
    assert h1 in flat[n - 1], f"{h!r} is listed on page {n}, but not there"
    assert not any(h1 in flat[k] for k in range(1, n - 1)), f"{h!r} is before page {n}"
# Every section heading is on some later page; the references close the report.
body = "\n".join(sheets[1:])
pos = 0
for h in heads:
    at = body.find(h, pos)
    assert at >= 0, f"heading {h!r} not in the pages after the contents (in order)"
    pos = at
ref = "参考文献" if lang == "ja" else "References"
assert heads[-1].endswith(ref), f"last section is {heads[-1]!r}"
last = sheets[-1]
assert "(1) IANA, Service Name and Transport Protocol Port Number Registry" in last.replace("\n", " ") \
    or "(1) IANA" in text.split(heads[-1])[-1], "references missing at the end"
for bad in ("/etc/services", "docs/report.md", "file://", "/tmp/"):
    assert bad not in text, f"{bad} in the published text"
print(f"{lang}: {pages} A4 pages, {len(heads)} headings in the contents with their pages, "
      "page numbers on each")
PY
	pdftotext -bbox "$work/q3.$lang.pdf" "$work/q3.$lang.bbox"
	python3 - "$work/q3.$lang.bbox" $lang <<'PY'
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
days = [f"7/{d}" for d in range(25, 32)] + [f"8/{d}" for d in range(1, 8)]
assert not [d for d in days if d not in heads], f"day columns missing: {[d for d in days if d not in heads]}"
assert table >= 8, f"the incident table's IPv6 victims are not there ({table})"
print(f"{lang}: every word within the margins, the IPv6 incident table's 14 days and {table} victims")
PY
	pdftoppm -r 60 -png "$work/q3.$lang.pdf" "$ART/report-pdf-$lang"
	n=$(ls "$ART"/report-pdf-$lang-*.png | wc -l)
	[ "$n" -ge 6 ] || { echo "only $n page images"; exit 1; }
done
# No browser: one line, exit 1, no file.
if XDP_TELESCOPE_CHROMIUM=/nonexistent/chromium "$BIN" report "${q[@]}" --format pdf \
	--out "$work/none.pdf" 2>"$work/err"; then
	echo "a report without a browser succeeded"; exit 1
fi
grep -q 'report: --format pdf prints with /nonexistent/chromium (Debian package chromium)' "$work/err" \
	|| { cat "$work/err"; exit 1; }
[ ! -e "$work/none.pdf" ] || { echo "a PDF was left without a browser"; exit 1; }
echo "report_pdf: ok (page images in $ART/report-pdf-*.png)"
