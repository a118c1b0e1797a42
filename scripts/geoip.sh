#!/usr/bin/env bash
# Install the default country database (`make geoip`): the npm package
# pinned in geoip/package.json, at the version and sha512 integrity that
# geoip/package-lock.json records. `npm ci` refuses a tarball whose hash
# differs, so what lands in data/country.mmdb is exactly what was pinned.
#
# TS_GEOIP_DIR (default geoip/) and TS_DATA_DIR (default data/) exist so
# that tests can run this against a copy.
set -euo pipefail
cd "$(dirname "$0")/.."

geoip_dir=${TS_GEOIP_DIR:-geoip}
data_dir=${TS_DATA_DIR:-data}
package=@ip-location-db/geolite2-country-mmdb
# The package also ships IPv4-only and IPv6-only files; this one has both.
file=geolite2-country.mmdb

die() { echo "geoip: $*" >&2; exit 1; }

command -v npm >/dev/null || die "npm not found: run 'make deps' (deps/debian-packages.txt lists it)"
command -v mmdblookup >/dev/null || die "mmdblookup not found: run 'make deps' (package mmdb-bin)"
[ -f "$geoip_dir/package-lock.json" ] || die "$geoip_dir/package-lock.json missing: the pin is gone"

echo "geoip: installing $package as pinned in $geoip_dir/package-lock.json"
if ! log=$(cd "$geoip_dir" && npm ci --ignore-scripts --no-audit --no-fund 2>&1); then
	printf '%s\n' "$log" | grep -v 'Unknown user config' >&2 || true
	if grep -q EINTEGRITY <<<"$log"; then
		die "the downloaded package does not match the sha512 integrity in $geoip_dir/package-lock.json; nothing installed"
	fi
	die "npm ci failed (see above); nothing installed"
fi

src="$geoip_dir/node_modules/$package/$file"
[ -f "$src" ] || die "$src missing from the package; nothing installed"

# The file must open and answer with a two-letter country code for
# IPv4 and IPv6 (a lookup in the file, no traffic).
check_db() {
	local db=$1 addr cc
	for addr in 8.8.8.8 2001:4860:4860::8888; do
		cc=$(mmdblookup -f "$db" -i "$addr" country_code 2>&1) ||
			die "$db: lookup of $addr failed: $(tr -s ' \n' ' ' <<<"$cc")"
		grep -Eq '"[A-Z]{2}" <utf8_string>' <<<"$cc" ||
			die "$db: no country for $addr: $(tr -s ' \n' ' ' <<<"$cc")"
	done
}
check_db "$src"

# Replace by rename: a running sensor keeps its mapping of the old file
# until SIGHUP makes it open the new one.
mkdir -p "$data_dir"
tmp="$data_dir/.country.mmdb.$$"
trap 'rm -f "$tmp"' EXIT
cp "$src" "$tmp"
check_db "$tmp"
mv -f "$tmp" "$data_dir/country.mmdb"
trap - EXIT

version=$(sed -n 's/^ *"version": *"\(.*\)".*/\1/p' "$geoip_dir/node_modules/$package/package.json" | head -1)
built=$(mmdblookup -f "$data_dir/country.mmdb" -i 8.8.8.8 -v 2>/dev/null |
	sed -n 's/^ *Build epoch: *[0-9]* (\(.*\))/\1/p' || true)
echo "geoip: installed $data_dir/country.mmdb ($package $version, built $built)"
echo "geoip: this product includes GeoLite2 data created by MaxMind (https://www.maxmind.com); terms: $geoip_dir/node_modules/$package/GEOLITE2_LICENSE and GEOLITE2_EULA"
