#!/usr/bin/env bash
# Behaviour unchanged, byte for byte: a fixed synth fleet and three fixed
# lab-send mixes (replayed through the classifier and one drain, see
# tests/tools/replay.c) must give exactly the CSV files and the reports
# (Markdown, CSV, HTML; English and Japanese; quarter, month, week and
# range) recorded in tests/golden/expected.sha256. The small outputs are
# also kept whole under tests/golden/expected/, so a change shows as a diff.
#
#   tests/golden/golden.sh            compare (a test)
#   tests/golden/golden.sh --update   record what the code writes now
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${TS_BIN:-$PWD/build/xdp-telescope}
TOOLS=${TS_TOOLS:-$PWD/build/tests/tools}
here=tests/golden
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
got="$work/got"
mkdir -p "$got"

perl tests/lib/mkmmdb.pl country "$work/country.mmdb"
perl tests/lib/mkmmdb.pl asn "$work/asn.mmdb"

# The sensor: frames -> classifier -> maps -> drain -> rows -> files.
replay() { # NAME MIX COUNT [replay options]
	local name=$1 mix=$2 count=$3
	shift 3
	"$TOOLS/lab-send" --pcap "$work/$name.pcap" --mix "$mix" --count "$count" --seed 3 >/dev/null
	"$TOOLS/replay" --pcap "$work/$name.pcap" --out "$got/sensor/$name" \
		--time 2026-11-30T12:34:00Z --sensor "$name" --geoip "$work/country.mmdb" \
		--asn "$work/asn.mmdb" "$@" >/dev/null
}
{ cat rules/default.rules; echo 'lab_get tcp 8080 0 "GET /"'; } >"$work/lab.rules"
printf '198.51.100.64/26,jp_lab\n2001:db8:77::/48,v6lab\n' >"$work/wide.list"
printf '198.51.100.96/27,jp_inner\n198.51.100.128/25,research\n198.51.100.200/32,one_host\n' \
	>"$work/scanners.list"
replay e2e e2e 3000 --rules rules/default.rules
replay overflow e2e 3000 --rules rules/default.rules --max-sources 64 \
	--max-backscatter 4 --max-tagged 8
replay demo demo 4000 --rules rules/default.rules
replay tags tags 400 --rules "$work/lab.rules" --label-list "$work/wide.list" \
	--label-list "$work/scanners.list"

# The report: a synthetic fleet with a previous quarter's month and events.
"$BIN" synth --out "$got/synth" --sensors 3 --from 2022-06-01 --to 2022-09-30 \
	--seed 5 --interval 900 --rate 6 2>/dev/null
mkdir -p "$got/report"
q=(--data "$got/synth" --sensors "$got/synth/sensors.csv" --port 1433/tcp --port 5060/udp)
for lang in en ja; do
	"$BIN" report "${q[@]}" --quarter 2022Q3 --lang $lang --format md --out "$got/report/quarter.$lang.md" 2>/dev/null
	"$BIN" report "${q[@]}" --quarter 2022Q3 --lang $lang --format html --out "$got/report/quarter.$lang.html" 2>/dev/null
	"$BIN" report "${q[@]}" --quarter 2022Q3 --lang $lang --format csv --out "$got/report/quarter-csv.$lang" 2>/dev/null
done
"$BIN" report --data "$got/synth" --month 2022-08 --top 8 --country TW --format md --out "$got/report/month.md" 2>/dev/null
"$BIN" report --data "$got/synth" --week 2022-W31 --format md --out "$got/report/week.md" 2>/dev/null
"$BIN" report --data "$got/synth" --from 2022-07-10 --to 2022-08-20 --lang ja --format md \
	--out "$got/report/range.ja.md" 2>/dev/null
"$BIN" report --data "$got/sensor/e2e" --data "$got/sensor/tags" --data "$got/sensor/demo" \
	--from 2026-11-30 --to 2026-11-30 --country NL --format md --out "$got/report/sensor.md" 2>/dev/null

(cd "$got" && find . -type f | LC_ALL=C sort | xargs sha256sum) >"$work/got.sha256"
whole=(sensor report/quarter.en.md report/quarter.ja.md report/month.md report/week.md
       report/range.ja.md report/sensor.md)

if [ "${1:-}" = --update ]; then
	cp "$work/got.sha256" "$here/expected.sha256"
	rm -rf "$here/expected"
	for p in "${whole[@]}"; do
		mkdir -p "$here/expected/$(dirname "$p")"
		cp -r "$got/$p" "$here/expected/$p"
	done
	echo "golden: recorded $(wc -l <"$here/expected.sha256") files"
	exit 0
fi

fail=0
for p in "${whole[@]}"; do
	diff -ru "$here/expected/$p" "$got/$p" | head -40 || fail=1
done
if ! diff -u "$here/expected.sha256" "$work/got.sha256"; then
	echo "golden: the files above differ from what the code wrote when they were recorded"
	fail=1
fi
[ "$fail" -eq 0 ] || exit 1
echo "golden: $(wc -l <"$here/expected.sha256") files byte-identical"
