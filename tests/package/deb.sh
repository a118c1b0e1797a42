#!/usr/bin/env bash
# The Debian package: dpkg-buildpackage builds it from a copy of this tree
# (the files git knows), lintian finds no error in it, and the binary it
# holds runs from a scratch root (dpkg -x): --version, --help, and the
# files it must ship are there.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/src"
git ls-files -co --exclude-standard | grep -v '^build/\|^data/' | tar -cf - -T - |
	tar -xf - -C "$work/src"
(cd "$work/src" && dpkg-buildpackage -us -uc -b -J"$(nproc)" >"$work/build.log" 2>&1) ||
	{ tail -30 "$work/build.log"; echo "FAIL: dpkg-buildpackage"; exit 1; }
deb=$(ls "$work"/xdp-telescope_*_amd64.deb)
lintian --fail-on error "$deb" >"$work/lintian.log" 2>&1 ||
	{ cat "$work/lintian.log"; echo "FAIL: lintian found errors"; exit 1; }
grep '^E:' "$work/lintian.log" && { echo "FAIL: lintian errors"; exit 1; }
dpkg -x "$deb" "$work/root"
for f in usr/sbin/xdp-telescope usr/share/man/man8/xdp-telescope.8.gz \
	 usr/share/xdp-telescope/default.rules lib/systemd/system/xdp-telescope@.service \
	 usr/share/bash-completion/completions/xdp-telescope; do
	[ -e "$work/root/$f" ] || { echo "FAIL: the package has no /$f"; exit 1; }
done
grep -q '^ExecStart=/usr/sbin/xdp-telescope ' "$work/root/lib/systemd/system/xdp-telescope@.service" ||
	{ echo "FAIL: the unit does not start /usr/sbin/xdp-telescope"; exit 1; }
version=$("$work/root/usr/sbin/xdp-telescope" --version)
[[ $version == "xdp-telescope $(cat VERSION)"* ]] || { echo "FAIL: --version says '$version'"; exit 1; }
"$work/root/usr/sbin/xdp-telescope" --help | grep -q '^  run ' || { echo "FAIL: --help"; exit 1; }
for cmd in run status detach report synth; do
	"$work/root/usr/sbin/xdp-telescope" "$cmd" --help >/dev/null ||
		{ echo "FAIL: $cmd --help"; exit 1; }
done
echo "deb: ok ($(basename "$deb"), $(du -k "$deb" | cut -f1) KiB; $version; lintian: $(grep -c '^[EWIP]:' "$work/lintian.log" || true) tags)"
