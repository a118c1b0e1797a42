"""What of the CSV `xdp-telescope report` counts, written again from
docs/report.md ("Reading the input") for tests/report/check_tables.py; it
shares no code with the report. read() walks the --data directories as
the report does and hands each row that counts, with its share of every
day it covers, to the caller:

  for row in read(data_dirs, period):   # row.series, row.sensor, row.t,
      ...                               # row.f (fields), row.days

Files are bytes: RFC 4180 records (a quoted field may hold CR and LF),
counts of at most 2^64 - 1, text fields cleaned to valid UTF-8 without
control characters; rows repeating a (sensor, time) read before dropped;
rows covering more than their day (totals.seconds) spread over the days.
"""
import os
import re
import zlib

U64 = 2 ** 64 - 1
READ_CHUNK = 1 << 20        # a record longer than this (with its line end) is malformed
MAX_FIELDS = 40
PROTO = {b"tcp": 6, b"udp": 17, b"icmp": 1, b"icmpv6": 58}
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
DIGITS = re.compile(rb"^[0-9]+$")
SERIES = ("totals", "ports", "countries", "port_countries", "backscatter", "tags", "sources")
# The columns each series needs ("?": may be missing), as the report reads them.
COLUMNS = {
    "totals": ["time", "sensor", "packets", "bytes", "?malformed", "?non_ip", "?overflow",
               "?tagged", "?seconds"],
    "ports": ["time", "sensor", "proto", "port", "packets", "?mirai", "?bytes"],
    "countries": ["time", "sensor", "country", "packets", "sources"],
    "port_countries": ["time", "sensor", "proto", "port", "country", "packets", "?mirai"],
    "backscatter": ["time", "sensor", "src_ip", "country", "?asn", "proto", "src_port",
                    "packets", "?as_org"],
    "tags": ["time", "sensor", "tag", "proto", "port", "country", "packets", "sources"],
    "sources": ["time", "sensor", "src_ip", "country", "?asn", "packets", "?bytes", "?as_org"],
}
# The counts summed (the overflow guard adds them up per series).
SUMMED = {
    "totals": ["packets", "bytes", "malformed", "non_ip", "overflow", "tagged"],
    "ports": ["packets", "mirai", "bytes"],
    "countries": ["packets", "sources"],
    "port_countries": ["packets", "mirai"],
    "backscatter": ["packets"],
    "tags": ["packets", "sources"],
    "sources": ["packets", "bytes"],
}
# Every number read, with the largest it may be (a port: 65535).
NUMBERS = {series: [(c, U64) for c in SUMMED[series]] for series in SUMMED}
NUMBERS["totals"].append(("seconds", 2 ** 32 - 1))
for _series in ("ports", "port_countries", "tags"):
    NUMBERS[_series].append(("port", 65535))
NUMBERS["backscatter"] += [("src_port", 65535), ("asn", U64)]
NUMBERS["sources"].append(("asn", U64))
MDAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def days_from_civil(y, m, d):
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468


DAY_RE = re.compile(rb"^[0-9]{4}-[0-9]{2}-[0-9]{2}")


def ymd_day(s):
    """YYYY-MM-DD at the start of s (bytes) as a day number, or None."""
    if not DAY_RE.match(s):
        return None
    y, m, d = int(s[0:4]), int(s[5:7]), int(s[8:10])
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    if y < 1970 or not 1 <= m <= 12 or d < 1 or d > (29 if m == 2 and leap else MDAYS[m - 1]):
        return None
    return days_from_civil(y, m, d)


TIME_RE = re.compile(rb"^([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z$")
_times, _texts, _countries = {}, {}, {}


def parse_time(s):
    """YYYY-MM-DDTHH:MM:SSZ (seconds up to 60) as seconds since 1970, or None."""
    if s in _times:
        return _times[s]
    m = TIME_RE.match(s)
    t = None
    if m and len(s) == 20:
        day = ymd_day(s)
        h, mi, se = int(m.group(2)), int(m.group(3)), int(m.group(4))
        if day is not None and h <= 23 and mi <= 59 and se <= 60:
            t = day * 86400 + h * 3600 + mi * 60 + se
    if len(_times) < 1 << 20:
        _times[s] = t
    return t


def clean(b):
    """A text field as the report shows it."""
    if b not in _texts:
        if len(_texts) > 1 << 16:
            _texts.clear()
        _texts[b] = CONTROL.sub(" ", b.decode("utf-8", "replace"))
    return _texts[b]


def number(b):
    """('ok', v), ('range', None) for digits beyond 2^64 - 1, ('bad', None)."""
    if not b.isdigit():
        return "bad", None
    v = int(b)
    return ("ok", v) if v <= U64 else ("range", None)


def proto(b):
    low = b.lower()
    if low in PROTO:
        return PROTO[low]
    if b.isdigit() and int(b) <= 255:
        return int(b)
    return None


def country(b):
    if b not in _countries:
        ok = len(b) == 2 and all(97 <= (c | 0x20) <= 122 for c in b)
        _countries[b] = b.decode().upper() if ok else None
    return _countries[b]


def file_bytes(path):
    """What zlib's gzread gives: gzip members one after another (the rest
    ignored), up to a cut; a file without the gzip magic as it is."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] != b"\x1f\x8b":
        return raw
    out = []
    while raw[:2] == b"\x1f\x8b":
        d = zlib.decompressobj(wbits=31)
        try:
            out.append(d.decompress(raw))
        except zlib.error:
            break
        if not d.eof:
            break
        raw = d.unused_data
    return b"".join(out)


def quoted_record(data, pos):
    """A record with quotes from pos: (fields, end, lines inside) or None
    when the data ends inside it. The rules of docs/csv.md's reader."""
    fields, n, lines = [], len(data), 0
    while True:
        field = bytearray()
        if pos < n and data[pos] == 0x22:
            pos += 1
            while True:
                if pos >= n:
                    return None
                c = data[pos]
                if c == 0x22:
                    if pos + 1 < n and data[pos + 1] == 0x22:
                        field.append(0x22)
                        pos += 2
                        continue
                    pos += 1
                    break
                lines += c == 0x0A
                field.append(c)
                pos += 1
        while pos < n:
            c = data[pos]
            if c == 0x2C or c == 0x0A or (c == 0x0D and data[pos + 1:pos + 2] == b"\n"):
                break
            field.append(c)
            pos += 1
        fields.append(bytes(field))
        if pos >= n:
            return fields, n, lines, False
        c = data[pos]
        if c == 0x2C:
            pos += 1
            continue
        return fields, pos + (2 if c == 0x0D else 1), lines, True


GUARDED = tuple(b"'" + bytes([c]) for c in b"=+-@\t\r'")


def unguard(f):
    """A cell without the formula guard (docs/csv.md): an apostrophe
    before =, +, -, @, TAB, CR or another apostrophe is taken off."""
    return f[1:] if f.startswith(GUARDED) else f


def records(data):
    """(line, fields) of the whole records of data, blank lines left out;
    fields None for a malformed record (a NUL byte, more than MAX_FIELDS
    fields), "long" for one over READ_CHUNK bytes. A last record without
    its line end, or inside an open quote, is cut short: not given."""
    pos, line, n = 0, 1, len(data)
    while pos < n:
        nl = data.find(b"\n", pos)
        if data.find(b'"', pos, nl if nl >= 0 else n) < 0:
            if nl < 0:
                return
            rec, end, inside = data[pos:nl], nl + 1, 0
            if rec.endswith(b"\r"):
                rec = rec[:-1]
            fields = rec.split(b",")
            nul = b"\0" in rec
        else:
            got = quoted_record(data, pos)
            if got is None or not got[3]:
                return
            fields, end, inside, _ = got
            nul = any(b"\0" in f for f in fields)
        first, long_record = line, end - pos > READ_CHUNK
        pos, line = end, line + 1 + inside
        if long_record:
            yield first, "long"
        elif fields != [b""]:
            yield first, None if nul or len(fields) > MAX_FIELDS else [unguard(f) for f in fields]


def file_rows(path, want):
    """(line, row) of one file after its header: row a dict of the wanted
    columns present, or None when the record is malformed. Nothing when
    the header is not one or lacks a column that must be there."""
    header = None
    for line, fields in records(file_bytes(path)):
        if fields == "long":
            if header is not None:
                yield line, None
            continue
        if header is None:
            if fields is None:
                return
            header = {name: i for i, name in enumerate(fields)}     # the last one wins
            col = {}
            for w in want:
                name = w.lstrip("?")
                if name.encode() in header:
                    col[name] = header[name.encode()]
                elif not w.startswith("?"):
                    return
            width = len(fields)
            continue
        if fields is None or len(fields) != width:
            yield line, None
            continue
        yield line, {k: fields[i] for k, i in col.items()}


def day_dirs(root):
    """The day directories of root, or of each of its sub-directories."""
    def days_in(d):
        out = []
        for e in os.listdir(d):
            day = ymd_day(e.encode())
            if day is not None and len(e) == 10 and os.path.isdir(os.path.join(d, e)):
                out.append((day, os.path.join(d, e)))
        return out
    found = days_in(root)
    if found:
        return found
    for sub in os.listdir(root):
        p = os.path.join(root, sub)
        if not sub.startswith(".") and os.path.isdir(p):
            found += days_in(p)
    return found


class Period:
    def __init__(self, frm, to, prev_from, prev_to, ports=()):
        self.frm, self.to, self.prev_from, self.prev_to = frm, to, prev_from, prev_to
        self.ports = set(ports)             # (proto, port) of --port


class Row:
    """A row that counts: its series, cleaned sensor, time, fields (bytes)
    and numbers, and days: [(day, seconds of the day it covers, {column:
    share})], only the days from the previous period's start on."""
    __slots__ = ("series", "sensor", "t", "seconds", "f", "v", "days", "line", "path",
                 "has_tagged", "dir")


def pieces(t, seconds, values, lo, hi):
    """The row's days and shares: floor(v * end / S) - floor(v * start / S)."""
    if not seconds:
        return [(t // 86400, 0, dict(values))]
    first, last = t // 86400, (t + seconds - 1) // 86400
    if first == last:
        return [(first, seconds, dict(values))]
    out = []
    for day in range(max(first, lo), min(last, hi) + 1):
        start, end = max(day * 86400, t), min(day * 86400 + 86400, t + seconds)
        b, e = start - t, end - t
        out.append((day, end - start, {k: v * e // seconds - v * b // seconds
                                       for k, v in values.items()}))
    return out


def read(data_dirs, per):
    """Every row that counts, in the order the report reads them: totals
    and ports directory by directory, then the other series (row.dir: the
    index of its day directory)."""
    dirs = sorted((d for root in data_dirs for d in day_dirs(root)),
                  key=lambda x: (x[0], x[1].encode()))
    lo = min(per.prev_from, dirs[0][0] if dirs else per.prev_from)
    hi = max(per.to, dirs[-1][0] if dirs else per.to)
    long_from = min(per.frm, dirs[0][0]) if dirs else per.frm
    long_to = max(per.to, dirs[-1][0]) if dirs else per.to
    seen = {}                               # (sensor, t) of totals -> directory
    marks = [{} for _ in dirs]              # (sensor, t) -> [kinds, seconds]
    span_end = [0] * len(dirs)
    sums = {s: {c: 0 for c in SUMMED[s]} for s in SERIES}

    def touches(first, last, a, b):
        return first <= b and last >= a

    def wanted(day, series, d):
        if per.frm <= day <= per.to:
            return True
        if per.prev_from <= day <= per.prev_to and series in ("totals", "ports", "countries"):
            return True
        if per.ports and series in ("totals", "ports"):
            return True
        return series != "totals" and span_end[d] > per.frm

    def fits(series, row):
        total = sums[series]
        if any(total[c] + row.v[c] > U64 for c in SUMMED[series]):
            return False
        for c in SUMMED[series]:
            total[c] += row.v[c]
        return True

    def rows_of(d, path, series):
        base = os.path.join(path, series + ".csv")
        name = base if os.path.exists(base) else base + ".gz"
        if not os.path.exists(name):
            return
        current, closed = {}, set()
        mk = marks[d] if series != "totals" else {}
        has_here = any(k[0] & 2 for k in mk.values())
        for line, r in file_rows(name, COLUMNS[series]):
            if r is None:
                continue
            row = parse(series, r)
            if row is None:
                continue
            row.line, row.path = line, name
            if series == "totals":
                yield row
                continue
            # the directory's marks: repetitions and spans
            key = (row.sensor, row.t)
            if has_here:
                cur = current.get(row.sensor)
                if cur is not None and cur != row.t:
                    closed.add((row.sensor, cur))
                current[row.sensor] = row.t
            m = mk.get(key)
            row.seconds = 0
            if m:
                if m[0] & 1 or (m[0] & 2 and key in closed):
                    continue
                if m[0] & 4:
                    row.seconds = m[1]
            yield row

    def parse(series, r):
        """The row's numbers and names, or None when it is malformed or
        holds a number out of range."""
        row = Row()
        row.series, row.f, row.has_tagged = series, r, "tagged" in r
        row.v = v = {}
        ok = True
        for col, limit in NUMBERS[series]:
            b = r.get(col)
            if b is None:
                v[col] = 0
            elif b.isdigit() and int(b) <= limit:
                v[col] = int(b)
            else:
                ok = False
        row.t = parse_time(r["time"])
        row.sensor = clean(r["sensor"])
        if not ok or row.t is None:
            return None
        if series == "totals":
            row.seconds = v["seconds"]
            if row.sensor == "" or ("seconds" in r and row.seconds < 1):
                return None
            return row
        row.seconds = 0
        if "proto" in r:
            v["proto"] = proto(r["proto"])
            if v["proto"] is None:
                return None
        if "country" in r:
            v["country"] = country(r["country"])
            if v["country"] is None:
                return None
        if series in ("backscatter", "sources") and r["src_ip"] == b"":
            return None
        if series == "tags":
            name = r["tag"]
            if name == b"":
                return None
            v["tag"] = clean(name)
        return row

    def counted(series, row, first, last):
        period = touches(first, last, per.frm, per.to)
        prev = touches(first, last, per.prev_from, per.prev_to)
        if series in ("totals", "countries"):
            return period or prev
        if series == "ports":
            return period or prev or ((row.v["proto"], row.v["port"]) in per.ports and
                                      touches(first, last, long_from, long_to))
        return period

    for series_list in (("totals", "ports"), ("countries", "port_countries", "backscatter",
                                              "tags"), ("sources",)):
        for d, (day, path) in enumerate(dirs):
            for series in series_list:
                if not wanted(day, series, d):
                    continue
                for row in rows_of(d, path, series):
                    first = row.t // 86400
                    last = (row.t + row.seconds - 1) // 86400 if row.seconds else first
                    if series == "totals":
                        key = (row.sensor, row.t)
                        if key in seen:
                            kind = 2 if seen[key] == d else 1
                            marks[d].setdefault(key, [0, 0])[0] |= kind
                            continue
                        seen[key] = d
                        if last > first:
                            m = marks[d].setdefault(key, [0, 0])
                            m[0] |= 4
                            m[1] = max(m[1], row.seconds)
                            span_end[d] = max(span_end[d], last + 1)
                    if not counted(series, row, first, last) or not fits(series, row):
                        continue
                    row.dir = d
                    row.days = pieces(row.t, row.seconds,
                                      {c: row.v[c] for c in SUMMED[series]}, lo, hi)
                    yield row
