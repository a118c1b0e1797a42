#!/usr/bin/env bash
# The formula guard belongs to CSV cells only (docs/csv.md): synth's AS
# organisation `=Research Scanner NL` is the cell `'=Research Scanner NL`
# in sources.csv, and `report --format csv` writes it so too; but the
# published report (Markdown, HTML, PDF) shows the name as it is, read
# from the files (--data) and from the fleet store (--db, after `ship`,
# a throwaway server: tests/lib/pg.sh). Before: the reports showed
# `'=Research Scanner NL`, from either. The PDF (Chromium's print of the
# HTML, about 10 s) is made from --db, whose Markdown must equal --data's;
# TS_GUARD_PDF_BOTH=1 prints --data's too.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/pg.sh
pg_prepare report_guard
for c in chromium pdftotext; do
	command -v "$c" >/dev/null || pg_fail "$c is missing (make deps)"
done
day=2022-07-01
"$TS_BIN" synth --out "$dir/data" --sensors 1 --from $day --to $day --seed 5 \
	--interval 3600 2>/dev/null || pg_fail "synth failed"
python3 - "$dir/data" <<'PY' || pg_fail "the CSV cell lost its guard"
import csv, glob, sys
cells = {r["as_org"] for f in glob.glob(sys.argv[1] + "/*/*/sources.csv")
         for r in csv.DictReader(open(f, newline=""))}
assert "'=Research Scanner NL" in cells, sorted(cells)
assert "=Research Scanner NL" not in cells
PY

pg_up
"$TS_BIN" db init 2>"$dir/init.err" || pg_fail "db init: $(cat "$dir/init.err")"
"$TS_BIN" ship "$dir/data" 2>"$dir/ship.err" || pg_fail "ship: $(cat "$dir/ship.err")"
[ "$(pg_sql "SELECT count(DISTINCT as_org) FROM telescope.sources WHERE as_org LIKE '%Research Scanner NL'")" = 1 ] &&
	[ "$(pg_sql "SELECT DISTINCT as_org FROM telescope.sources WHERE as_org LIKE '%Research Scanner NL'")" = "=Research Scanner NL" ] ||
	pg_fail "the store holds: $(pg_sql "SELECT DISTINCT as_org FROM telescope.sources WHERE as_org LIKE '%Research%'")"

for from in data db; do
	src=(--data "$dir/data") formats=(md html csv)
	[ $from = db ] && src=(--db "")
	[ $from = db ] || [ -n "${TS_GUARD_PDF_BOTH:-}" ] && formats+=(pdf)
	for f in "${formats[@]}"; do
		"$TS_BIN" report "${src[@]}" --from $day --to $day --format $f \
			--out "$dir/$from.$f" 2>"$dir/$from.$f.err" ||
			pg_fail "report --$from --format $f: $(cat "$dir/$from.$f.err")"
	done
	[ ! -e "$dir/$from.pdf" ] || pdftotext -layout "$dir/$from.pdf" "$dir/$from.pdf.txt" ||
		pg_fail "pdftotext $from.pdf"
	python3 - "$dir/$from" <<'PY' || pg_fail "report --$from: the guard in the published report"
import csv, glob, html, os, re, sys
base = sys.argv[1]
name = "=Research Scanner NL"
texts = {
    "md": open(base + ".md", encoding="utf-8").read(),
    "html": html.unescape(re.sub(r"<[^>]*>", " ", open(base + ".html", encoding="utf-8").read())),
}
if os.path.exists(base + ".pdf.txt"):
    texts["pdf"] = " ".join(open(base + ".pdf.txt", encoding="utf-8").read().split())
for fmt, text in texts.items():
    assert name in text, f"{fmt}: no {name!r}"
    assert "'" + name not in text, f"{fmt}: {name!r} shown with the guard's apostrophe"
cells = [c for f in glob.glob(base + ".csv/*.csv") for r in csv.reader(open(f, newline=""))
         for c in r if c.endswith(name)]
assert cells and set(cells) == {"'" + name}, f"csv: the cells {cells}"
print(f"{base}: {name!r} in {', '.join(texts)}; {len(cells)} CSV cell(s) guarded")
PY
done
cmp -s "$dir/data.md" "$dir/db.md" || pg_fail "--db's Markdown differs from --data's: $(diff "$dir/data.md" "$dir/db.md" | head -5)"
echo "report_guard: ok"
