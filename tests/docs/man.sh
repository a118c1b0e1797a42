#!/usr/bin/env bash
# man/xdp-telescope.8 is clean roff (mandoc -Tlint, every level) and names
# every option each command's --help lists, and --version.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${TS_BIN:-$PWD/build/xdp-telescope}
page=man/xdp-telescope.8

lint=$(mandoc -Tlint -Wall "$page" 2>&1) || true
[ -z "$lint" ] || { echo "FAIL: mandoc -Tlint:"; echo "$lint"; exit 1; }
missing=0
for cmd in run status detach report synth; do
	for opt in $("$BIN" "$cmd" --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
		[ "$opt" = --help ] && continue
		# roff writes a hyphen of an option as \-
		grep -qF -- "${opt//-/\\-}" "$page" ||
			{ echo "FAIL: $cmd $opt is not in $page"; missing=1; }
	done
done
grep -qF -- '\-\-version' "$page" || { echo "FAIL: --version is not in $page"; missing=1; }
[ "$missing" -eq 0 ]
echo "man: ok"
