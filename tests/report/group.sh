#!/usr/bin/env bash
# --group NAME: the main tables and charts are those of the group's
# sensors alone. check_tables.py computes every cell of them from the
# group's sensor directories only and compares it with the report of the
# whole fleet; the per-sensor tables are those of the report without
# --group, every sensor listed. The title and the overview name the
# group; an unknown group, or --group without --sensors, is refused.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${TS_BIN:-build/xdp-telescope}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$BIN" synth --out "$work/fleet" --sensors 4 --from 2022-08-20 --to 2022-09-30 \
	--interval 3600 --rate 4 --seed 3
sensors="$work/fleet/sensors.csv"
# synth: the first half domestic (JP), the rest overseas
mkdir "$work/dom"
for s in sensor-01 sensor-02; do ln -s "$work/fleet/$s" "$work/dom/$s"; done
grep -v overseas "$sensors" >"$work/dom.csv"
range=(--from 2022-09-01 --to 2022-09-30)
"$BIN" report --data "$work/fleet" "${range[@]}" --sensors "$sensors" --group domestic \
	--port 23/tcp --format csv --out "$work/g" 2>/dev/null
python3 tests/report/check_tables.py --data "$work/dom" --report "$work/g" "${range[@]}" \
	--prev-from 2022-08-02 --prev-to 2022-08-31 --port 23/tcp --sensors "$work/dom.csv" \
	--skip sensor
# the per-sensor tables: every sensor, as without --group
"$BIN" report --data "$work/fleet" "${range[@]}" --sensors "$sensors" \
	--port 23/tcp --format csv --out "$work/all" 2>/dev/null
for t in sensors sensor_top_ports sensor_monthly chart_sensor_monthly; do
	cmp "$work/g/$t.csv" "$work/all/$t.csv"
done
[ "$(cut -d, -f1 "$work/g/sensors.csv" | tail -n +2 | tr '\n' ' ')" = \
	"sensor-01 sensor-02 sensor-03 sensor-04 " ]
# and the fleet's numbers do differ: the check above can fail
! cmp -s "$work/g/summary.csv" "$work/all/summary.csv"

"$BIN" report --data "$work/fleet" "${range[@]}" --sensors "$sensors" --group domestic \
	--format md >"$work/g.md" 2>/dev/null
head -1 "$work/g.md" | grep -x '# Darknet observation report: domestic sensors' >/dev/null
grep 'sensors of the group “domestic” alone (2 of the 4 sensors with data)' "$work/g.md" >/dev/null
"$BIN" report --data "$work/fleet" "${range[@]}" --sensors "$sensors" --group domestic \
	--format md --lang ja >"$work/g-ja.md" 2>/dev/null
grep 'グループ「domestic」のセンサー（データのある4台中2台）' "$work/g-ja.md" >/dev/null

fails() {	# fails TEXT CMD...: exit 2, one line on stderr holding TEXT
	local want=$1 rc=0
	shift
	"$@" >/dev/null 2>"$work/err" || rc=$?
	[ "$rc" -eq 2 ] && [ "$(wc -l <"$work/err")" -eq 1 ] && grep -qF -- "$want" "$work/err" ||
		{ echo "want exit 2 and '$want': exit $rc, $(cat "$work/err")"; exit 1; }
}
fails "--group 'abroad': no sensor of $sensors is in it (its groups: 'domestic', 'overseas')" \
	"$BIN" report --data "$work/fleet" "${range[@]}" --sensors "$sensors" --group abroad
fails "--group names a group of the --sensors file: give both" \
	"$BIN" report --data "$work/fleet" "${range[@]}" --group domestic
echo "report_group: ok"
