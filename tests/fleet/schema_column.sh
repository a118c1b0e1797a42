#!/usr/bin/env bash
# A column added to one series in the schema alone (common/columns.c,
# built with TS_SCHEMA_TEST_COLUMN: ports.csv gets an optional text
# `extra`, which no part of the sensor fills) reaches everything that
# reads the schema: `schema --json` lists it, the sensor's drain writes it
# (tests/tools/replay, rows_build as `run` runs it: the header names it,
# every ports row has it empty, every other byte as the build without
# it), `db init` says in one line that the table lacks it, and once the
# column is added as a new sql/vN.sql would add it, ship loads it (empty
# from the sensor's rows, the value from a file that has one), while the
# build without it refuses such a file. And `schema --sql` makes the minute
# tables db init makes (names, types, order, NOT NULL, keys). A throwaway
# server (tests/lib/pg.sh).
set -u
cd "$(dirname "$0")/../.."
. tests/lib/pg.sh
pg_prepare fleet_schema_column
COL=$PWD/build/tests/xdp-telescope-column
REPLAY_COL=$TS_TOOLS/replay-column
[ -x "$COL" ] && [ -x "$REPLAY_COL" ] || pg_fail "no $COL or $REPLAY_COL (make test-build)"
day=2026-11-30

echo "schema --json lists the column"
"$COL" schema --json | python3 -c '
import json, sys
s = {x["name"]: x for x in json.load(sys.stdin)["series"]}
c = s["ports"]["columns"][-1]
sys.exit(0 if c == dict(c, name="extra", type="text", optional=True, role="attribute") else 1)' ||
	pg_fail "schema --json of the scratch build has no optional text ports.extra"
"$TS_BIN" schema --json | grep -q '"extra"' && pg_fail "the ordinary build lists extra"

echo "the sensor writes it, empty, and nothing else changes"
perl tests/lib/mkmmdb.pl country "$dir/country.mmdb"
perl tests/lib/mkmmdb.pl asn "$dir/asn.mmdb"
"$TS_TOOLS/lab-send" --pcap "$dir/mix.pcap" --mix e2e --count 600 --seed 3 >/dev/null
for v in plain column; do
	tool=$TS_TOOLS/replay
	[ $v = column ] && tool=$REPLAY_COL
	"$tool" --pcap "$dir/mix.pcap" --out "$dir/$v" --time "${day}T12:34:00Z" --sensor s1 \
		--geoip "$dir/country.mmdb" --asn "$dir/asn.mmdb" >/dev/null ||
		pg_fail "replay ($v)"
done
ports=$dir/column/$day/ports.csv
[ "$(head -1 "$ports")" = time,sensor,proto,port,packets,bytes,sources,mirai,extra ] ||
	pg_fail "ports.csv header: $(head -1 "$ports")"
rows=$(($(wc -l <"$ports") - 1))
[ "$rows" -gt 5 ] || pg_fail "only $rows ports rows"
[ "$(grep -c ',$' "$ports")" -eq "$rows" ] || pg_fail "not every ports row ends in an empty extra"
sed '1s/,extra$//; 2,$s/,$//' "$ports" | cmp -s - "$dir/plain/$day/ports.csv" ||
	pg_fail "ports.csv without extra is not what the ordinary build writes"
for f in "$dir/plain/$day"/*.csv; do
	[ "${f##*/}" = ports.csv ] || cmp -s "$f" "$dir/column/$day/${f##*/}" ||
		pg_fail "${f##*/} differs between the builds"
done

mkdir -p "$dir/valued/s2/$day"
printf 'time,sensor,proto,port,packets,bytes,sources,mirai,extra\n%s\n' \
	"${day}T00:00:00Z,s2,tcp,23,5,300,2,1,a note" >"$dir/valued/s2/$day/ports.csv"
pg_up
echo "schema --sql makes the minute tables db init makes, column for column"
"$TS_BIN" db init 2>"$dir/init0.err" || pg_fail "db init: $(cat "$dir/init0.err")"
psql -X -q -d postgres -c 'CREATE DATABASE sqlcheck' || pg_fail "cannot create sqlcheck"
{
	echo "CREATE SCHEMA telescope; CREATE DOMAIN telescope.count AS numeric;"
	"$TS_BIN" schema --sql
} | PGDATABASE=sqlcheck psql -X -q -v ON_ERROR_STOP=1 -f - || pg_fail "schema --sql does not run"
tables="SELECT c.relname, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
	pg_get_constraintdef(k.oid) FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
	LEFT JOIN pg_constraint k ON k.conrelid = c.oid AND k.contype = 'p'
	WHERE c.relnamespace = 'telescope'::regnamespace AND c.relkind = 'p'
	AND c.relname NOT LIKE '%_hour' AND a.attnum > 0 ORDER BY 1, 2"
pg_sql "$tables" >"$dir/init.tables"
PGDATABASE=sqlcheck pg_sql "$tables" >"$dir/sql.tables"
[ "$(wc -l <"$dir/init.tables")" -gt 50 ] || pg_fail "db init made $(wc -l <"$dir/init.tables") columns"
diff "$dir/init.tables" "$dir/sql.tables" >"$dir/tables.diff" ||
	pg_fail "schema --sql differs from db init's tables: $(head -4 "$dir/tables.diff")"

echo "db init says the table lacks it; added as a migration would, ship loads it"
"$COL" db init 2>"$dir/init.err" && pg_fail "db init took tables without ports.extra"
[ "$(wc -l <"$dir/init.err")" -eq 2 ] &&
	grep -q "^xdp-telescope: error: db init: the tables differ from this xdp-telescope's columns ('xdp-telescope schema --sql'): ports.extra (text) is not in the database$" \
		"$dir/init.err" || pg_fail "db init said: $(cat "$dir/init.err")"
pg_sql "ALTER TABLE telescope.ports ADD COLUMN extra text"
"$COL" db init 2>"$dir/init2.err" || pg_fail "db init with the column: $(cat "$dir/init2.err")"
"$TS_BIN" db init 2>"$dir/init3.err" && pg_fail "the ordinary build took a table with extra"
grep -q "ports.extra is in the database, not in the schema" "$dir/init3.err" ||
	pg_fail "the ordinary build said: $(cat "$dir/init3.err")"
"$COL" ship "$dir/column" "$dir/valued" 2>"$dir/ship.err" || pg_fail "ship: $(cat "$dir/ship.err")"
got=$(pg_sql "SELECT count(*), count(*) FILTER (WHERE extra = ''), sum(packets)
	FROM telescope.ports p JOIN telescope.sensor s ON s.id = p.sensor WHERE s.name = 's1'")
want="$rows|$rows|$(awk -F, 'NR > 1 { n += $5 } END { print n }' "$ports")"
[ "$got" = "$want" ] || pg_fail "ports of s1: $got, not $want"
got=$(pg_sql "SELECT extra FROM telescope.ports p JOIN telescope.sensor s ON s.id = p.sensor
	WHERE s.name = 's2'")
[ "$got" = "a note" ] || pg_fail "s2's extra: '$got', not 'a note'"
mkdir -p "$dir/valued2/s3/$day"
sed 's/s2/s3/' "$dir/valued/s2/$day/ports.csv" >"$dir/valued2/s3/$day/ports.csv"
"$TS_BIN" ship "$dir/valued2" 2>"$dir/ship2.err" && pg_fail "the ordinary build loaded extra"
grep -q "column 'extra' of the header is not one this xdp-telescope knows" "$dir/ship2.err" ||
	pg_fail "the ordinary build said: $(cat "$dir/ship2.err")"
echo "fleet_schema_column: ok"
