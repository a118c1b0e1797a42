# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""What the lab scripts read back to place rows in time: the totals rows
of a sensor's CSV and the moments a test wrote down."""
import csv
import datetime
import glob
import os


def utc_seconds(stamp):
    """The CSV's `time` (YYYY-MM-DDTHH:MM:SSZ) in seconds since the epoch."""
    return int(datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc).timestamp())


def spans(out):
    """(time, seconds, packets) of every totals.csv row under out, day by
    day and in each file's order; None when the files have no `seconds`."""
    rows = []
    for path in sorted(glob.glob(os.path.join(out, "*", "totals.csv"))):
        with open(path) as f:
            rows += list(csv.DictReader(f))
    if rows and "seconds" not in rows[0]:
        return None
    return [(utc_seconds(r["time"]), int(r["seconds"]), int(r["packets"])) for r in rows]


def moments(path):
    """A test's lines `NAME SECONDS` (from date +%s.%N) as a dict."""
    return {k: float(v) for k, v in (line.split() for line in open(path))}
