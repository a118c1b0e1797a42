# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# A throwaway PostgreSQL 15 server for the fleet tests (and bench/fleet.sh):
# Debian's initdb and pg_ctl, run as the postgres user, into a temporary
# directory; it listens only on a Unix socket in that directory
# (listen_addresses=''), so nothing outside can reach it and several can
# run at once. Source this file, then call pg_up (after lab_up, when a
# test has both: pg_up's trap takes the lab down too). The server is
# stopped and its directory removed on any exit.
#
# pg_up exports PGHOST, PGPORT, PGUSER and PGDATABASE: psql and
# xdp-telescope reach the database with no --db. pg_hba.conf trusts every
# local connection but those of the role `pwuser`, which must give its
# password (SCRAM), for the tests of a wrong password.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_FSYNC=${PG_FSYNC:-off}	# tests need no durability; bench/fleet.sh sets it on
PG_DIR=

pg_fail() {
	echo "FAIL: $*" >&2
	[ -n "$PG_DIR" ] && [ -f "$PG_DIR/log" ] && tail -5 "$PG_DIR/log" >&2
	exit 1
}

# pg_prepare NAME: a fresh artefacts directory for the test, in $dir
# (tests that also use the lab get theirs from lab_prepare).
pg_prepare() {
	: "${TS_BIN:?run through tests/run.sh}" "${TS_ARTEFACTS:?}"
	dir=$TS_ARTEFACTS/$1
	rm -rf "$dir"
	mkdir -p "$dir"
}

as_postgres() { runuser -u postgres -- "$@"; }

pg_start() {
	as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 30 start \
		>/dev/null || pg_fail "the test server did not start"
}

# pg_stop [MODE]: stop the server (fast by default; immediate is a crash).
pg_stop() {
	as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m "${1:-fast}" -w stop >/dev/null
}

pg_down() {
	if [ -n "$PG_DIR" ] && [ -d "$PG_DIR" ]; then
		[ -f "$PG_DIR/data/postmaster.pid" ] && pg_stop immediate 2>/dev/null
		rm -rf "$PG_DIR"
	fi
	PG_DIR=
	return 0
}

pg_up() {
	[ -x "$PG_BIN/initdb" ] || pg_fail "no $PG_BIN/initdb (apt-get install postgresql)"
	id postgres >/dev/null 2>&1 || pg_fail "no postgres user (apt-get install postgresql)"
	PG_DIR=$(mktemp -d /tmp/ts-pg.XXXXXX)
	trap '_rc=$?; pg_down; if declare -F lab_down >/dev/null; then lab_down; fi; exit $_rc' EXIT
	trap 'exit 130' INT TERM
	chown postgres "$PG_DIR"
	as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 \
		--locale=C --no-sync >"$PG_DIR/initdb.log" 2>&1 || pg_fail "initdb: $(tail -3 "$PG_DIR/initdb.log")"
	cat >"$PG_DIR/data/pg_hba.conf" <<-HBA
	local all pwuser scram-sha-256
	local all all trust
	HBA
	cat >>"$PG_DIR/data/postgresql.conf" <<-CONF
	listen_addresses = ''
	unix_socket_directories = '$PG_DIR'
	fsync = $PG_FSYNC
	max_connections = 50
	log_min_messages = warning
	CONF
	pg_start
	export PGHOST=$PG_DIR PGPORT=5432 PGUSER=postgres PGDATABASE=telescope
	psql -X -q -d postgres -c 'CREATE DATABASE telescope' || pg_fail "cannot create the database"
}

# pg_sql SQL: one value per line, fields separated by '|'.
pg_sql() { psql -X -q -At -v ON_ERROR_STOP=1 -c "$1"; }
