# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# A throwaway PostgreSQL 15 server for the fleet tests (and bench/fleet.sh):
# Debian's initdb and pg_ctl, run as the postgres user, into a temporary
# directory; it listens only on a Unix socket in that directory
# (listen_addresses=''), so nothing outside can reach it and several can
# run at once. Source this file, then call pg_up (after lab_up, when a
# test has both: pg_up's trap takes the lab down too). The server is
# stopped and its directory removed on any exit.
#
# Processes a test starts against the server go into PG_PIDS: pg_down
# kills them first (pg_reap PID waits for one and takes it out).
#
# pg_up exports PGHOST, PGPORT, PGUSER and PGDATABASE: psql and
# xdp-telescope reach the database with no --db. pg_hba.conf trusts every
# local connection but those of the role `pwuser`, which must give its
# password (SCRAM), for the tests of a wrong password.
#
# PG_TMPFS=SIZE (mount's size=, e.g. 96m) puts the server's data directory
# on a tmpfs of that size, which pg_fill fills up and pg_unfill empties,
# for the tests of a full disk; the write-ahead log stays outside it
# (initdb --waldir), as on a server whose data disk filled up: a full WAL
# disk stops the server itself (PANIC), which is another matter.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_FSYNC=${PG_FSYNC:-off}	# tests need no durability; bench/fleet.sh sets it on
PG_TMPFS=${PG_TMPFS:-}
PG_DIR=
PG_PIDS=()

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
	local pid
	for pid in "${PG_PIDS[@]}"; do
		kill -KILL "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	PG_PIDS=()
	if [ -n "$PG_DIR" ] && [ -d "$PG_DIR" ]; then
		[ -f "$PG_DIR/data/postmaster.pid" ] && pg_stop immediate 2>/dev/null
		mountpoint -q "$PG_DIR/data" && umount "$PG_DIR/data"
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
	local waldir=()
	if [ -n "$PG_TMPFS" ]; then
		mkdir "$PG_DIR/data"
		mount -t tmpfs -o "size=$PG_TMPFS,mode=0700" tmpfs "$PG_DIR/data" ||
			pg_fail "cannot mount a tmpfs on $PG_DIR/data"
		chown postgres "$PG_DIR/data"
		waldir=(--waldir="$PG_DIR/wal")
	fi
	as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" "${waldir[@]}" -U postgres -A trust -E UTF8 \
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

# pg_reap PID: wait for a process of PG_PIDS; its exit status.
pg_reap() {
	local rc pid keep=()
	wait "$1"
	rc=$?
	for pid in "${PG_PIDS[@]}"; do [ "$pid" = "$1" ] || keep+=("$pid"); done
	PG_PIDS=("${keep[@]}")
	return $rc
}

# pg_sql SQL: one value per line, fields separated by '|'.
pg_sql() { psql -X -q -At -v ON_ERROR_STOP=1 -c "$1"; }

# pg_fill [KB]: fill the data directory's tmpfs (PG_TMPFS) but KB (default
# 2048) with a file of its own (called again, it adds to it); pg_unfill
# removes it.
pg_fill() {
	local free
	free=$(df --output=avail -k "$PG_DIR/data" | tail -1)
	[ "$free" -gt "${1:-2048}" ] || return 0
	dd if=/dev/zero of="$PG_DIR/data/ballast" bs=1k count=$((free - ${1:-2048})) \
		oflag=append conv=notrunc status=none 2>/dev/null
	return 0
}
pg_unfill() { rm -f "$PG_DIR/data/ballast"; }
