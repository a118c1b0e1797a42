#!/usr/bin/env bash
# Install the Debian packages listed in deps/debian-packages.txt that are
# not installed yet. Needs root (apt-get) only when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
while read -r pkg; do
	pkg=${pkg%%#*}
	read -r pkg cmd <<<"$pkg"
	[ -n "$pkg" ] || continue
	if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
		continue
	fi
	# "PACKAGE COMMAND": COMMAND on the PATH will do (npm also comes
	# with some nodejs builds, which conflict with Debian's npm package)
	if [ -n "${cmd:-}" ] && command -v "$cmd" >/dev/null 2>&1; then
		continue
	fi
	missing+=("$pkg")
done < deps/debian-packages.txt
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages (${missing[*]}) and not root: run 'make deps' as root" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
