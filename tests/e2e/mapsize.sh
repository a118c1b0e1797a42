#!/usr/bin/env bash
# End to end, map sizes: a --max-* beyond what the kernel gives a hash map
# (2^27 entries) is a bad option (exit 2, the range in the message), not
# a failed load; sizes the machine has not the memory for are refused
# before any map is made, naming the option to lower (exit 1, one line);
# nothing is attached either way.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/lab.sh

lab_prepare e2e_mapsize
lab_up
out="$dir/out"
geo=(--geoip "$dir/country.mmdb")

expect_nothing_attached() {
	if in_sensor "$TS_BIN" status "$SENSOR_IF" >"$dir/status" 2>&1; then
		lab_fail "$1: status exits 0 for $SENSOR_IF, expected nothing attached: $(cat "$dir/status")"
	fi
	[ ! -e "$LAB_PINS" ] || lab_fail "$1: pins left in $LAB_PINS"
}

echo "--max-* beyond the kernel's limit: a bad option"
for opt in max-sources max-backscatter max-tagged max-labels; do
	in_sensor "$TS_BIN" run "$SENSOR_IF" --out "$out" "${geo[@]}" --"$opt" 268435456 \
		>"$dir/stdout" 2>"$dir/stderr"
	rc=$?
	want="xdp-telescope: error: run: --$opt wants a whole number from 1 to 134217728, not '268435456'"
	[ "$rc" -eq 2 ] || lab_fail "--$opt 268435456: exit status $rc, expected 2: $(cat "$dir/stderr")"
	[ "$(cat "$dir/stderr")" = "$want" ] ||
		lab_fail "--$opt 268435456: stderr '$(cat "$dir/stderr")', expected '$want'"
	echo "  exit 2, '$want'"
	expect_nothing_attached "--$opt 268435456"
done

echo "sizes the machine cannot hold: refused before the load"
# at least 128 bytes a flow entry, two generations
need_kb=$(( 2 * 134217728 * 128 / 1024 ))
avail_kb=$(awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo)
if [ "$avail_kb" -ge "$need_kb" ]; then
	echo "  skipped: $((avail_kb / 1048576)) GiB available, --max-sources 134217728 would fit"
else
	in_sensor "$TS_BIN" run "$SENSOR_IF" --out "$out" "${geo[@]}" --max-sources 134217728 \
		>"$dir/stdout" 2>"$dir/stderr"
	rc=$?
	[ "$rc" -eq 1 ] || lab_fail "--max-sources 134217728: exit status $rc, expected 1: $(cat "$dir/stderr")"
	[ "$(wc -l <"$dir/stderr")" -eq 1 ] ||
		lab_fail "--max-sources 134217728: not one line on stderr: $(cat "$dir/stderr")"
	for part in "the maps of both generations need at least" "--max-sources 134217728: " \
		"this machine has available (MemAvailable); lower --max-sources"; do
		grep -qF -- "$part" "$dir/stderr" ||
			lab_fail "--max-sources 134217728: no '$part' in '$(cat "$dir/stderr")'"
	done
	echo "  exit 1, '$(cat "$dir/stderr")'"
	expect_nothing_attached "--max-sources 134217728"
fi
echo "e2e_mapsize: ok"
