#!/usr/bin/env bash
# TLS as docs/fleet.md documents it: the throwaway server (tests/lib/pg.sh)
# also listens on 127.0.0.1 with a certificate for "localhost" from a CA
# of the test's own, and takes TCP connections only over TLS. ship with
# sslmode=verify-full and that CA as sslrootcert loads; the same with
# another CA, or to a host name the certificate does not name, or without
# TLS, is refused with one clear line and writes nothing.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/pg.sh
pg_prepare fleet_tls
day=2026-03-05

pg_up
"$TS_BIN" db init 2>"$dir/init.err" || pg_fail "db init: $(cat "$dir/init.err")"
echo "a CA, a server certificate for localhost; the server on 127.0.0.1 with ssl on"
cert() { # NAME SUBJECT [CA]: NAME.key and NAME.crt, signed by CA (else self-signed)
	openssl req -new -newkey rsa:2048 -nodes -keyout "$dir/$1.key" -subj "/CN=$2" \
		-out "$dir/$1.csr" 2>/dev/null || pg_fail "openssl req $1"
	if [ -n "${3:-}" ]; then
		printf 'subjectAltName=DNS:%s\n' "$2" >"$dir/$1.ext"
		openssl x509 -req -in "$dir/$1.csr" -CA "$dir/$3.crt" -CAkey "$dir/$3.key" \
			-CAcreateserial -days 2 -extfile "$dir/$1.ext" -out "$dir/$1.crt" 2>/dev/null
	else
		openssl x509 -req -in "$dir/$1.csr" -signkey "$dir/$1.key" -days 2 \
			-extfile <(printf 'basicConstraints=critical,CA:true\n') -out "$dir/$1.crt" 2>/dev/null
	fi || pg_fail "openssl x509 $1"
}
cert ca "test CA"
cert other "another CA"
cert server localhost ca
# a free port on the loopback
port=
for p in $(shuf -i 20000-60000 -n 20); do
	ss -Htln "sport = :$p" | grep -q . || { port=$p; break; }
done
[ -n "$port" ] || pg_fail "no free port on 127.0.0.1"
pg_stop
install -o postgres -m 0600 "$dir/server.key" "$PG_DIR/data/server.key"
install -o postgres -m 0644 "$dir/server.crt" "$PG_DIR/data/server.crt"
cat >>"$PG_DIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
ssl = on
CONF
# TCP only over TLS; the Unix socket as before
printf 'hostssl all all 127.0.0.1/32 trust\nhostnossl all all 127.0.0.1/32 reject\n' \
	>>"$PG_DIR/data/pg_hba.conf"
pg_start
export PGPORT=$port	# the socket in PG_DIR takes the same port number

"$TS_BIN" synth --out "$dir/data" --sensors 1 --from $day --to $day --rate 1 --seed 5 >/dev/null ||
	pg_fail "synth"
ship() { "$TS_BIN" ship --db "$1" "$dir/data" 2>"$dir/ship.err"; rc=$?; err=$(cat "$dir/ship.err"); }
nothing() { [ "$(pg_sql "SELECT count(*) FROM telescope.loaded")" -eq 0 ] || pg_fail "$1 wrote something"; }

echo "verify-full with another CA: refused"
ship "host=localhost port=$port dbname=telescope sslmode=verify-full sslrootcert=$dir/other.crt"
[ "$rc" -eq 1 ] && [ "$(wc -l <"$dir/ship.err")" -eq 1 ] && [[ "$err" == *"certificate verify failed"* ]] ||
	pg_fail "another CA: exit $rc, $err"
nothing "a ship with another CA"
echo "verify-full to a name the certificate does not hold: refused"
ship "host=127.0.0.1 port=$port dbname=telescope sslmode=verify-full sslrootcert=$dir/ca.crt"
[ "$rc" -eq 1 ] && [[ "$err" == *"does not match host name \"127.0.0.1\""* ]] ||
	pg_fail "a name not in the certificate: exit $rc, $err"
nothing "a ship to a name not in the certificate"
echo "without TLS: refused by the server"
ship "host=localhost port=$port dbname=telescope sslmode=disable"
[ "$rc" -eq 1 ] && [[ "$err" == *"no encryption"* ]] || pg_fail "without TLS: exit $rc, $err"
nothing "a ship without TLS"

echo "verify-full with the CA: loads, over TLS"
ship "postgresql://postgres@localhost:$port/telescope?sslmode=verify-full&sslrootcert=$dir/ca.crt"
[ "$rc" -eq 0 ] || pg_fail "verify-full: exit $rc, $err"
python3 tests/fleet/check_db.py "$dir/data" || pg_fail "the database differs from the CSV"
[ "$(PGSSLMODE=verify-full PGSSLROOTCERT=$dir/ca.crt psql -X -At -h localhost -p "$port" \
	-c "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")" = t ] ||
	pg_fail "the connection was not TLS"
echo "fleet_tls: ok"
