#!/usr/bin/env bash
# The systemd units as `make install` installs them: systemd-analyze
# verify finds nothing wrong (the binary, the man page it names), and the
# offline security analysis rates each service's exposure at 3.0 or less:
# the sensor's template (xdp-telescope@.service) and the fleet's ship
# units (a one-pass service with its timer, and a --follow service).
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
make -s install DESTDIR="$work/root" PREFIX=/usr/local >/dev/null
unit="$work/root/usr/local/lib/systemd/system/xdp-telescope@.service"
[ -f "$unit" ] || { echo "FAIL: make install put no unit at $unit"; exit 1; }
[ -f "$work/root/usr/local/share/xdp-telescope/example.conf" ] ||
	{ echo "FAIL: no example.conf installed"; exit 1; }
grep -q '^ExecStart=/usr/local/sbin/xdp-telescope run %i ' "$unit" ||
	{ echo "FAIL: ExecStart does not run the installed binary"; exit 1; }
# verify wants the binary where ExecStart says and the man page it names
mkdir -p "$work/units"
sed "s|/usr/local/sbin/|$work/root/usr/local/sbin/|" "$unit" >"$work/units/xdp-telescope@eth1.service"
out=$(MANPATH="$work/root/usr/local/share/man" SYSTEMD_LOG_LEVEL=notice \
	systemd-analyze verify "$work/units/xdp-telescope@eth1.service" 2>&1) ||
	{ echo "FAIL: systemd-analyze verify: $out"; exit 1; }
[ -z "$out" ] || { echo "FAIL: systemd-analyze verify: $out"; exit 1; }
exposure() { # UNIT: its exposure level, at most 3.0
	local score
	score=$(systemd-analyze security --offline=true "$1" 2>&1 |
		sed -n 's/^→ Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	[ -n "$score" ] || { echo "FAIL: no exposure level for $1 from systemd-analyze security"; exit 1; }
	awk -v s="$score" 'BEGIN { exit !(s <= 3.0) }' ||
		{ echo "FAIL: $(basename "$1"): exposure $score, more than 3.0"; exit 1; }
	echo "$score"
}
score=$(exposure "$unit")

ship=(xdp-telescope-ship.service xdp-telescope-ship.timer xdp-telescope-ship-follow.service)
for u in "${ship[@]}"; do
	f="$work/root/usr/local/lib/systemd/system/$u"
	[ -f "$f" ] || { echo "FAIL: make install put no $u"; exit 1; }
	sed "s|/usr/local/sbin/|$work/root/usr/local/sbin/|" "$f" >"$work/units/$u"
done
grep -q '^ExecStart=/usr/local/sbin/xdp-telescope ship \$DIRS' \
	"$work/root/usr/local/lib/systemd/system/xdp-telescope-ship.service" &&
	grep -q '^ExecStart=/usr/local/sbin/xdp-telescope ship --follow ' \
	"$work/root/usr/local/lib/systemd/system/xdp-telescope-ship-follow.service" ||
	{ echo "FAIL: the ship units do not run the installed binary's ship"; exit 1; }
[ -f "$work/root/usr/local/share/xdp-telescope/ship.conf.example" ] ||
	{ echo "FAIL: no ship.conf.example installed"; exit 1; }
out=$(cd "$work/units" && MANPATH="$work/root/usr/local/share/man" SYSTEMD_LOG_LEVEL=notice \
	systemd-analyze verify "${ship[@]}" 2>&1) ||
	{ echo "FAIL: systemd-analyze verify (ship units): $out"; exit 1; }
[ -z "$out" ] || { echo "FAIL: systemd-analyze verify (ship units): $out"; exit 1; }
ship_score=$(exposure "$work/units/xdp-telescope-ship.service")
follow_score=$(exposure "$work/units/xdp-telescope-ship-follow.service")
echo "unit: ok (verify clean; exposure $score, ship $ship_score, ship --follow $follow_score)"
