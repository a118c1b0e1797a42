#!/usr/bin/env bash
# The systemd unit as `make install` installs it: systemd-analyze verify
# finds nothing wrong (the binary, the man page it names), and the
# offline security analysis rates its exposure at 3.0 or less.
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
score=$(systemd-analyze security --offline=true "$unit" 2>&1 |
	sed -n 's/^→ Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
[ -n "$score" ] || { echo "FAIL: no exposure level from systemd-analyze security"; exit 1; }
awk -v s="$score" 'BEGIN { exit !(s <= 3.0) }' ||
	{ echo "FAIL: exposure $score, more than 3.0"; exit 1; }
echo "unit: ok (verify clean, exposure $score)"
