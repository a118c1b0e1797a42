#!/usr/bin/env bash
# Data from sensors that did not tag yet (no tags.csv, totals.csv without
# tagged,tag_overflow, nor the later seconds) still makes a full report,
# without the Tags section, in every format and language; the same fleet
# with its tags (plain and gzip) gets the section. Tags only on some days
# count those days alone.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${TS_BIN:-build/xdp-telescope}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
range=(--from 2022-09-01 --to 2022-09-21)
check=(--from 2022-09-01 --to 2022-09-21 --prev-from 2022-08-11 --prev-to 2022-08-31)

"$BIN" synth --out "$work/new" --sensors 3 "${range[@]}" --seed 3 --interval 3600 --rate 4
cp -a "$work/new" "$work/old"
find "$work/old" -name tags.csv -delete
find "$work/old" -name totals.csv -exec sed -i -E 's/,[^,]*,[^,]*,[^,]*$//' {} + # tagged,tag_overflow,seconds
head -1 "$work/old/sensor-01/2022-09-01/totals.csv" | grep -q ',quote_mismatch$'
[ -z "$(find "$work/old" -name 'tags.csv*')" ]

"$BIN" report --data "$work/old" "${range[@]}" --format csv --out "$work/c-old"
python3 tests/report/check_tables.py --data "$work/old" --report "$work/c-old" "${check[@]}"
[ ! -e "$work/c-old/tags.csv" ] && ! ls "$work/c-old" | grep -q '^tag_\|^chart_tag_'
! grep -q '^tagged,' "$work/c-old/summary.csv"
for lang in en ja; do
	for fmt in md html; do
		out="$work/old.$lang.$fmt"
		"$BIN" report --data "$work/old" "${range[@]}" --lang "$lang" --format "$fmt" --out "$out"
		if grep -Eq '(## |<h2>)[0-9]+\. (Tags|タグ)' "$out"; then
			echo "$out has a tags section without tag data"; exit 1
		fi
		grep -Eq '(## |<h2>)[0-9]+\. (Sensors compared|センサーごとの観測動向の比較)' "$out"
	done
done

# The same fleet with its tags, written as gzip: the section is there.
"$BIN" synth --out "$work/gz" --sensors 3 "${range[@]}" --seed 3 --interval 3600 --rate 4 --gzip
"$BIN" report --data "$work/gz" "${range[@]}" --format csv --out "$work/c-gz"
python3 tests/report/check_tables.py --data "$work/gz" --report "$work/c-gz" "${check[@]}"
"$BIN" report --data "$work/new" "${range[@]}" --format csv --out "$work/c-new"
cmp "$work/c-new/tags.csv" "$work/c-gz/tags.csv"
grep -q '^tagged,' "$work/c-new/summary.csv"
"$BIN" report --data "$work/gz" "${range[@]}" --format md >"$work/gz.md"
grep -Eq '^## [0-9]+\. Tags$' "$work/gz.md" # not in a pipe: grep -q leaves early

# Tags on some days only (sensors upgraded mid-period): the other days count zero.
cp -a "$work/old" "$work/mixed"
for d in "$work"/new/sensor-0*/2022-09-1[5-9]; do
	[ ! -e "$d/tags.csv" ] || cp "$d/tags.csv" "$work/mixed/$(basename "$(dirname "$d")")/$(basename "$d")/"
done
"$BIN" report --data "$work/mixed" "${range[@]}" --format csv --out "$work/c-mixed"
python3 tests/report/check_tables.py --data "$work/mixed" --report "$work/c-mixed" "${check[@]}"
awk -F, 'NR > 1 && $1 < "2022-09-15" && $2 != "0" { exit 1 }
	 NR > 1 && $1 >= "2022-09-15" && $1 <= "2022-09-19" && $2 + 0 == 0 { exit 1 }' \
	"$work/c-mixed/chart_tag_1.csv"
echo "report_no_tags: ok"
