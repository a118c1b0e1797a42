#!/usr/bin/env bash
# `make geoip` installs the pinned default country database from the npm
# registry into data/country.mmdb, and the sensor's geolocation code finds
# and uses it. Lookups only: no traffic goes to the addresses looked up.
# Also: a lock file whose integrity does not match is refused, and nothing
# is installed. Needs the npm registry (the only test that does).
set -euo pipefail
cd "$(dirname "$0")/../.."

tools=${TS_TOOLS:-build/tests/tools}
work=$(mktemp -d "${TS_ARTEFACTS:-/tmp}/geoip_default.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "geoip_default: $*" >&2; exit 1; }

make -s geoip
[ -s data/country.mmdb ] || fail "data/country.mmdb not installed"

# The file itself, read by libmaxminddb's own tool.
for addr in 8.8.8.8 2001:4860:4860::8888; do
	cc=$(mmdblookup -f data/country.mmdb -i "$addr" country_code)
	grep -q '"US"' <<<"$cc" || fail "mmdblookup $addr: expected US, got: $cc"
done

# Our code, with the database named explicitly.
out=$("$tools/geolookup" --geoip data/country.mmdb 8.8.8.8 2001:4860:4860::8888 198.51.100.1)
grep -qx '8.8.8.8,US,0,' <<<"$out" || fail "geolookup 8.8.8.8: $out"
grep -qx '2001:4860:4860::8888,US,0,' <<<"$out" || fail "geolookup 2001:4860:4860::8888: $out"
grep -qx '198.51.100.1,ZZ,0,' <<<"$out" || fail "geolookup 198.51.100.1 (documentation prefix): $out"

# Our code finding the default: a binary in <dir>/bin looks in <dir>/data,
# as build/xdp-telescope finds data/country.mmdb (unless one is installed
# in the data directory, which comes first).
mkdir -p "$work/tree/bin" "$work/tree/data"
cp "$tools/geolookup" "$work/tree/bin/"
cp data/country.mmdb "$work/tree/data/country.mmdb"
installed=/usr/local/share/xdp-telescope/country.mmdb
expect=$(realpath "$work/tree/data/country.mmdb")
[ -r "$installed" ] && expect=$installed
out=$(env -u XDP_TELESCOPE_GEOIP "$work/tree/bin/geolookup" 8.8.8.8)
grep -qx "# country database: $expect" <<<"$out" || fail "default path: expected $expect: $out"
grep -qx '8.8.8.8,US,0,' <<<"$out" || fail "default database, 8.8.8.8: $out"

# $XDP_TELESCOPE_GEOIP comes first.
out=$(XDP_TELESCOPE_GEOIP="$PWD/data/country.mmdb" "$work/tree/bin/geolookup" 8.8.8.8)
grep -qx "# country database: $PWD/data/country.mmdb" <<<"$out" || fail "XDP_TELESCOPE_GEOIP ignored: $out"

# A tampered pin: npm refuses the download, nothing lands in data/.
mkdir -p "$work/pin"
cp geoip/package.json "$work/pin/"
wrong=$(head -c 64 /dev/zero | base64 -w0)
sed -E "s#\"integrity\": \"sha512-[^\"]*\"#\"integrity\": \"sha512-$wrong\"#" \
	geoip/package-lock.json > "$work/pin/package-lock.json"
grep -q "sha512-$wrong" "$work/pin/package-lock.json" || fail "could not tamper with the lock file"
if TS_GEOIP_DIR="$work/pin" TS_DATA_DIR="$work/data" scripts/geoip.sh > "$work/log" 2>&1; then
	fail "geoip.sh accepted a package that does not match its integrity"
fi
grep -q "does not match the sha512 integrity" "$work/log" || { cat "$work/log"; fail "no clear integrity error"; }
[ ! -e "$work/data/country.mmdb" ] || fail "a database was installed despite the integrity failure"
echo "geoip_default: ok"
