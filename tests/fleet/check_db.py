#!/usr/bin/env python3
"""The database against the CSV, computed independently of xdp-telescope:
every row of every series under the given directories (DIR/YYYY-MM-DD/ or
DIR/SENSOR/YYYY-MM-DD/, plain or .csv.gz) must be in the minute tables
exactly once and nothing else there; every hourly aggregate must be what
those rows add up to; the ledger must account for every row and byte.

    check_db.py [--journals] [--ledger] [--minutes-from DAY] [--only-sensors A,B] DIR...

--only-sensors A,B: compare the rows of those sensors only (on both sides).
--ledger: also each output directory's .xdp-telescope-shipped, which must
say the database's position of every file exactly.
--journals: read a file only up to the size a drain journal of its output
directory records (what ship may load while the journal exists).
--minutes-from YYYY-MM-DD: the minute rows of every series but totals
only from that day on (db prune dropped those before it); the hourly
aggregates, totals and the ledger still in full.
The database is reached with psql through the PG* environment. Prints what
differs (the first few of each kind) and one summary line; exit 1 on a
difference."""
import collections
import datetime
import functools
import glob
import gzip
import io
import ipaddress
import json
import os
import re
import subprocess
import sys
import zlib

PROTOS = {"tcp": 6, "udp": 17, "icmp": 1, "icmpv6": 58}
COUNT, TEXT, IP, PROTO = "count", "text", "ip", "proto"
# How each type of `xdp-telescope schema --json` compares (time and sensor
# are every row's own two fields).
KINDS = {"count": COUNT, "seconds": COUNT, "port": COUNT, "proto": PROTO, "ip": IP,
         "country": TEXT, "word": TEXT, "text": TEXT}


def read_schema():
    """The series' columns as the binary declares them (its names, types and
    roles only: what the rows and sums must be is computed here). SERIES:
    each minute table's columns besides time and sensor (the CSV names);
    HOURLY: each hourly table's key columns, then (column, how, source
    column)."""
    binary = os.environ.get("TS_BIN") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "build", "xdp-telescope")
    schema = json.loads(subprocess.run([binary, "schema", "--json"], check=True,
                                       stdout=subprocess.PIPE).stdout)
    series, hourly = {}, {}
    for s in schema["series"]:
        cols = [c for c in s["columns"] if c["type"] not in ("time", "sensor")]
        series[s["name"]] = [(c["name"], KINDS[c["type"]]) for c in cols]
        aggs = [("first_time", "min", "time"), ("last_time", "max", "time")] if s["hour_span"] else []
        aggs.append(("rows", "count", None))
        for c in cols:
            how = {"sum": (c["name"], "sum"), "distinct_max": (c["name"] + "_max", "max"),
                   "distinct_sum": (c["name"] + "_sum", "sum")}.get(c["role"])
            if how:
                aggs.append(how + (c["name"],))
        hourly[s["name"]] = ([c["name"] for c in cols if c["role"] in ("key", "attribute")], aggs)
    return series, hourly


SERIES, HOURLY = read_schema()

errors = []


def fail(msg):
    errors.append(msg)


def unguard(s):
    """The cell's formula guard taken off (docs/csv.md)."""
    return s[1:] if len(s) > 1 and s[0] == "'" and s[1] in "=+-@\t\r'" else s


CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def text(s):
    """A text field as ship stores it and the report shows it: the formula
    guard undone, each control character a space (what is not UTF-8 was
    U+FFFD when the file was decoded)."""
    return CONTROL.sub(" ", unguard(s))


@functools.lru_cache(maxsize=None)
def epoch(s):
    d = datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    return int(d.timestamp())


@functools.lru_cache(maxsize=1 << 20)
def ip(s):
    return str(ipaddress.ip_address(s))


def norm(kind, v):
    if v is None:
        return None
    if kind == COUNT:
        return int(v)
    if kind == PROTO:
        return PROTOS.get(v.lower(), None) if not v.isdigit() else int(v)
    if kind == IP:
        return ip(v)
    return text(v)


def journal_limits(out):
    limits = {}
    for j in glob.glob(os.path.join(out, ".xdp-telescope-*.journal")):
        for line in open(j):
            m = re.match(r"file (\d+) (.*)$", line.rstrip("\n"))
            if m:
                rel = "/".join(m.group(2).split("/")[-2:])
                size = int(m.group(1))
                limits[rel] = min(size, limits.get(rel, size))
    return limits


def complete_text(path, limit):
    """The complete lines of a file up to limit bytes (gzip: complete members)."""
    data = open(path, "rb").read()
    if limit is not None:
        data = data[:limit]
    if path.endswith(".gz"):
        text, rest = b"", data
        while rest:
            d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            try:
                out = d.decompress(rest)
            except zlib.error:
                break
            if not d.eof:
                break  # an incomplete member is not loaded
            text += out
            rest = d.unused_data
        data = text
    end = data.rfind(b"\n")
    return data[:end + 1].decode("utf-8", "replace") if end >= 0 else ""


def csv_rows(dirs, honour_journals):
    import csv
    outs = []
    for d in dirs:
        if glob.glob(os.path.join(d, "[0-9]" * 4 + "-*")):
            outs.append(d)
        else:
            outs.extend(sorted(p for p in glob.glob(os.path.join(d, "*")) if os.path.isdir(p)))
    rows = {s: [] for s in SERIES}
    files = {}
    LEDGER_FILES.clear()
    for out in outs:
        limits = journal_limits(out) if honour_journals else {}
        for path in sorted(glob.glob(os.path.join(out, "????-??-??", "*.csv*"))):
            name = os.path.basename(path)
            series = name.split(".")[0]
            if series not in SERIES or not re.search(r"\.csv(\.gz)?$", name):
                continue
            rel = "/".join(path.split("/")[-2:])
            text = complete_text(path, limits.get(rel))
            reader = csv.DictReader(io.StringIO(text, newline=""))
            n = 0
            sensor = None
            for r in reader:
                sensor = unguard(r["sensor"])
                t = epoch(r["time"])
                rows[series].append((t, sensor) + tuple(norm(k, r.get(c)) for c, k in SERIES[series]))
                n += 1
            if n:
                day = os.path.basename(os.path.dirname(path))
                key = (sensor, day, series, name.endswith(".gz"))
                files[key] = files.get(key, 0) + n
                LEDGER_FILES.append((out, rel, key))
    return rows, files


LEDGER_FILES = []  # (output directory, "YYYY-MM-DD/FILE", ledger key) of each file with rows


def check_ledgers(positions):
    """--ledger: each output directory's .xdp-telescope-shipped (the ledger
    ship writes for run --keep-days) must name every file with rows and
    say exactly the database's position in it: not behind (after a last
    one-pass ship) and never ahead."""
    ledgers = {}
    for out, rel, key in LEDGER_FILES:
        if out not in ledgers:
            ledgers[out] = {}
            try:
                for line in open(os.path.join(out, ".xdp-telescope-shipped")):
                    name, n = line.rstrip("\n").rsplit(" ", 1)
                    ledgers[out][name] = int(n)
            except OSError as e:
                fail("%s: no ledger: %s" % (out, e))
        got, want = ledgers[out].get(rel), positions.get(key)
        if got != want:
            fail("%s/%s: the ledger says %s bytes, the database holds %s" % (out, rel, got, want))


ESC = {"t": "\t", "n": "\n", "r": "\r"}
MARK = "\\echo '=== %s'\n"


def psql_all(queries):
    """Every query's rows (COPY text), from one psql: {name: [fields]}."""
    script = "".join(MARK % name + "COPY (" + sql + ") TO STDOUT;\n" for name, sql in queries)
    out = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", "-"],
                         input=script.encode(), check=True, capture_output=True).stdout
    result, current = {}, None
    for line in out.decode("utf-8").split("\n"):
        if line.startswith("=== "):
            current = result.setdefault(line[4:], [])
            continue
        if not line:
            continue
        fields = line.split("\t")
        for i, f in enumerate(fields):
            if f == "\\N":
                fields[i] = None
            elif "\\" in f:
                fields[i] = re.sub(r"\\(.)", lambda m: ESC.get(m.group(1), m.group(1)), f)
        current.append(fields)
    return result


ONLY_SQL = ""  # --only-sensors: the database's rows of those sensors only


def rows_sql(series):
    cols = ", ".join("m." + c for c, _ in SERIES[series])
    return ("SELECT extract(epoch from m.time)::bigint, s.name, %s FROM telescope.%s m "
            "JOIN telescope.sensor s ON s.id = m.sensor%s" % (cols, series, ONLY_SQL))


def db_rows(series, fetched):
    got = []
    for f in fetched:
        got.append((int(f[0]), f[1]) + tuple(None if v is None else
                                              (int(v) if k in (COUNT, PROTO) else
                                               (ip(v) if k == IP else v))
                                              for v, (c, k) in zip(f[2:], SERIES[series])))
    return got


def hourly(series, rows):
    keys, aggs = HOURLY[series]
    idx = {c: i + 2 for i, (c, _) in enumerate(SERIES[series])}
    idx["time"] = 0
    groups = collections.defaultdict(list)
    for r in rows:
        groups[(r[1], r[0] - r[0] % 3600) + tuple(r[idx[k]] for k in keys)].append(r)
    result = {}
    for g, rs in groups.items():
        vals = []
        for col, how, src in aggs:
            if how == "count":
                vals.append(len(rs))
                continue
            xs = [r[idx[src]] for r in rs if r[idx[src]] is not None]
            vals.append(None if not xs else sum(xs) if how == "sum" else
                        max(xs) if how == "max" else min(xs))
        result[g] = tuple(vals)
    return result


def hourly_sql(series):
    keys, aggs = HOURLY[series]
    cols = ", ".join(["h." + k for k in keys] +
                     [("extract(epoch from h.%s)::bigint" % c) if c.endswith("_time") else "h." + c
                      for c, _, _ in aggs])
    return ("SELECT s.name, extract(epoch from h.hour)::bigint, %s FROM telescope.%s_hour h "
            "JOIN telescope.sensor s ON s.id = h.sensor%s" % (cols, series, ONLY_SQL))


def db_hourly(series, fetched):
    keys, aggs = HOURLY[series]
    kinds = dict(SERIES[series])
    got = {}
    for f in fetched:
        key = [f[0], int(f[1])]
        for k, v in zip(keys, f[2:2 + len(keys)]):
            key.append(norm(kinds[k], v) if v is not None else None)
        vals = tuple(None if v is None else int(v) for v in f[2 + len(keys):])
        got[tuple(key)] = vals
    return got


def compare(what, want, got):
    if want == got:
        return
    missing = want - got
    extra = got - want
    fail("%s: %d rows missing from the database, %d there but not in the CSV; first missing %s, "
         "first extra %s" % (what, sum(missing.values()), sum(extra.values()),
                             list(missing)[:2], list(extra)[:2]))


def main():
    args = sys.argv[1:]
    journals = "--journals" in args
    ledger_wanted = "--ledger" in args
    args = [a for a in args if a not in ("--journals", "--ledger")]
    minutes_from = None
    if args and args[0] == "--minutes-from":
        minutes_from = epoch(args[1] + "T00:00:00Z")
        args = args[2:]
    if args and args[0] == "--only-sensors":
        only = args[1].split(",")
        args = args[2:]
        global ONLY_SQL
        ONLY_SQL = " WHERE s.name IN (%s)" % ", ".join("'%s'" % n.replace("'", "''") for n in only)
    else:
        only = None
    want_rows, want_files = csv_rows(args, journals)
    if only is not None:
        for series in want_rows:
            want_rows[series] = [r for r in want_rows[series] if r[1] in only]
        want_files = {k: v for k, v in want_files.items() if k[0] in only}
    queries = [(s, rows_sql(s)) for s in SERIES] + [(s + "_hour", hourly_sql(s)) for s in SERIES]
    queries.append(("positions", "SELECT s.name, l.day, l.series, l.gz, max(l.to_offset) "
                                 "FROM telescope.loaded l JOIN telescope.sensor s ON s.id = l.sensor"
                                 + ONLY_SQL + " GROUP BY 1, 2, 3, 4"))
    queries.append(("ledger", "SELECT s.name, l.day, l.series, l.gz, sum(l.rows) "
                              "FROM telescope.loaded l JOIN telescope.sensor s ON s.id = l.sensor"
                              + ONLY_SQL + " GROUP BY 1, 2, 3, 4"))
    fetched = psql_all(queries)
    total = 0
    for series in SERIES:
        pruned = minutes_from is not None and series != "totals"
        want = collections.Counter(r for r in want_rows[series]
                                   if not pruned or r[0] >= minutes_from)
        got = collections.Counter(r for r in db_rows(series, fetched.get(series, []))
                                  if not pruned or r[0] >= minutes_from)
        total += sum(got.values())
        compare(series, want, got)
        dup = [k for k, n in got.items() if n > 1]
        if dup:
            fail("%s: %d rows twice in the database, first %s" % (series, len(dup), dup[:1]))
        wh = hourly(series, want_rows[series])
        gh = db_hourly(series, fetched.get(series + "_hour", []))
        if wh != gh:
            diff = [k for k in set(wh) | set(gh) if wh.get(k) != gh.get(k)]
            fail("%s_hour: %d aggregates differ; first %s: CSV %s, database %s" %
                 (series, len(diff), diff[:1], wh.get(diff[0]), gh.get(diff[0])))
    ledger = {}
    for f in fetched.get("ledger", []):
        ledger[(f[0], f[1], f[2], f[3] == "t")] = int(f[4])
    if ledger != want_files:
        diff = [k for k in set(ledger) | set(want_files) if ledger.get(k) != want_files.get(k)]
        fail("ledger: %d files' rows differ, first %s: CSV %s, ledger %s" %
             (len(diff), diff[0], want_files.get(diff[0]), ledger.get(diff[0])))
    if ledger_wanted:
        check_ledgers({(f[0], f[1], f[2], f[3] == "t"): int(f[4])
                       for f in fetched.get("positions", [])})
    for e in errors:
        print("FAIL: " + e)
    print("check_db: %d CSV rows, %d database rows, %d files: %s" %
          (sum(len(v) for v in want_rows.values()), total, len(want_files),
           "all equal, each once" if not errors else "DIFFERENT"))
    sys.exit(1 if errors else 0)


main()
