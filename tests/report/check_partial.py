#!/usr/bin/env python3
"""The partial days of the fleet's charts, computed here from totals.csv
alone and compared with the Markdown report's line under its first
chart ("> Data from part of the fleet: 7/16–7/19, 8/2."):

  check_partial.py FLEET REPORT.md FROM TO [ZONE]

A sensor's interval is its most common spacing; it is active from the
day of its first row of the period to the day of its last; a day with
data (some sensor's row) is partial when an active sensor's rows cover
less of it than its length (23 or 25 hours on a daylight-saving day of
ZONE) in intervals. Days are those of ZONE (default UTC).
"""
import collections
import csv
import datetime as dt
import glob
import os
import re
import sys
from zoneinfo import ZoneInfo

fleet, md, frm, to = sys.argv[1:5]
zone = ZoneInfo(sys.argv[5] if len(sys.argv) > 5 else "UTC")
frm, to = dt.date.fromisoformat(frm), dt.date.fromisoformat(to)
UTC = dt.timezone.utc


def day_of(t):
    return t.astimezone(zone).date()


def day_seconds(d):
    start = dt.datetime.combine(d, dt.time(), zone).astimezone(UTC)
    end = dt.datetime.combine(d + dt.timedelta(days=1), dt.time(), zone).astimezone(UTC)
    return (end - start).total_seconds()


times = collections.defaultdict(list)
for path in glob.glob(os.path.join(fleet, "*", "????-??-??", "totals.csv")):
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            t = dt.datetime.strptime(r["time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
            if frm <= day_of(t) <= to:
                times[r["sensor"]].append(t)
partial = []
rows = {s: collections.Counter(day_of(t) for t in ts) for s, ts in times.items()}
interval = {}
for s, ts in times.items():
    ts.sort()
    spacing = collections.Counter((b - a).total_seconds() for a, b in zip(ts, ts[1:]))
    interval[s] = min(spacing, key=lambda k: (-spacing[k], k))
d = frm
while d <= to:
    data = any(rows[s][d] for s in rows)
    short = any(day_of(ts[0]) <= d <= day_of(ts[-1]) and
                rows[s][d] < day_seconds(d) / interval[s] * 0.999 for s, ts in times.items())
    if data and short:
        partial.append(d)
    d += dt.timedelta(days=1)

runs = []
for d in partial:
    if runs and (d - runs[-1][1]).days == 1:
        runs[-1][1] = d
    else:
        runs.append([d, d])
want = ", ".join(f"{a.month}/{a.day}" + (f"–{b.month}/{b.day}" if b > a else "") for a, b in runs)
m = re.search(r"^> Data from part of the fleet: (.*)\.$", open(md, encoding="utf-8").read(), re.M)
got = m.group(1) if m else ""
if got != want:
    print(f"check_partial: the report's partial days {got!r}, totals.csv gives {want!r}")
    sys.exit(1)
print(f"check_partial: {len(partial)} partial days ({want or 'none'}) in {zone}")
