#!/usr/bin/env python3
"""Compares the events a report found (its events.csv from --format csv)
with the events synth injected (OUT/events.csv). Exit 0 when they are the
same set: no miss, no false alarm.

Usage: check_events.py MANIFEST REPORT_EVENTS [PERIOD_FROM PERIOD_TO DATA_FROM]

With a period (and the first day of the data), the injected events are
first seen as a report of that period must show them (docs/report.md,
"Events and thresholds"), from these rules alone:
- an event that does not reach into the period is not there;
- one that does is dated from its first day inside the period to its last;
- a gap counts only when it lies wholly inside the period;
- a new level needs a baseline of 7 days of data, which the report reads
  up to 35 days before the period (so the level's first day must be at
  least 7 days after the data's first and at most 28 before the period),
  and 14 days at the new level inside what the report reads (up to the
  period's end); with fewer it is a wide-area spike still going on at the
  end of the period."""
import csv
import datetime
import sys

LOOKBACK, BASE_MIN, SHIFT_MIN = 35, 7, 14


def day(s):
    return datetime.date.fromisoformat(s)


def expected(r, period):
    if r["type"] == "gap":
        e = ("gap", r["sensor"], r["sensor"], r["start"], r["end"])
    else:
        e = (r["type"], r["subject"], r["sensor"], r["from"], r["to"])
    if not period:
        return e
    p_from, p_to, data_from = period
    if r["type"] == "gap":
        inside = day(r["from"]) >= p_from and day(r["to"]) <= p_to
        return e if inside else None
    f, t = day(r["from"]), day(r["to"])
    if t < p_from or f > p_to:
        return None
    kind = r["type"]
    if kind == "level_shift":
        if (f - data_from).days < BASE_MIN or (p_from - f).days > LOOKBACK - BASE_MIN:
            return None
        t = p_to
        if (p_to - f).days + 1 < SHIFT_MIN:
            kind = "wide_spike"
    return (kind, r["subject"], r["sensor"], str(max(f, p_from)), str(min(t, p_to)))


def main():
    period = None
    if len(sys.argv) == 6:
        period = (day(sys.argv[3]), day(sys.argv[4]), day(sys.argv[5]))
    with open(sys.argv[1], newline="") as f:
        want = {e for e in (expected(r, period) for r in csv.DictReader(f)) if e}
    with open(sys.argv[2], newline="") as f:
        got = {(r["type"], r["subject"], r["sensor"], r["from"], r["to"]) for r in csv.DictReader(f)}
    for e in sorted(want - got):
        print("missed:", e)
    for e in sorted(got - want):
        print("false alarm:", e)
    print(f"check_events: {len(want)} injected, {len(got)} found, "
          f"{len(want & got)} matched")
    return 0 if want == got else 1


if __name__ == "__main__":
    sys.exit(main())
