#!/usr/bin/env python3
"""Compares the events a report found (its events.csv from --format csv)
with the events synth injected (OUT/events.csv). Exit 0 when they are the
same set: no miss, no false alarm. Usage: check_events.py MANIFEST REPORT_EVENTS"""
import csv
import sys


def main():
    with open(sys.argv[1], newline="") as f:
        want = set()
        for r in csv.DictReader(f):
            if r["type"] == "gap":
                want.add(("gap", r["sensor"], r["sensor"], r["start"], r["end"]))
            else:
                want.add((r["type"], r["subject"], r["sensor"], r["from"], r["to"]))
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
