#!/usr/bin/env python3
"""synth can write one key twice in an interval, which the CSV contract
forbids and the fleet database refuses: a backscatter victim picked twice
a minute, and a source address of two of the minute's top flows (it
writes sources.csv per flow). Until synth sums them itself, the fleet
tests and bench/fleet.sh sum such rows here, as the sensor would have:

    merge_dups.py DIR...   (every backscatter and sources file below, in place)

Prints how many rows it merged."""
import csv
import gzip
import io
import os
import sys

KEYS = {"backscatter": ("time", "sensor", "src_ip", "proto", "src_port", "kind"),
        "sources": ("time", "sensor", "src_ip")}
SUMS = ("packets", "bytes")
merged = 0
for top in sys.argv[1:]:
    for root, _, files in os.walk(top):
        for name in files:
            series = name.split(".")[0]
            if series not in KEYS or name not in (series + ".csv", series + ".csv.gz"):
                continue
            path = os.path.join(root, name)
            opener = gzip.open if name.endswith(".gz") else open
            with opener(path, "rt", newline="") as f:
                rows = list(csv.reader(f))
            header, out, at = rows[0], [], {}
            idx = [header.index(k) for k in KEYS[series]]
            sums = [header.index(c) for c in SUMS if c in header]
            for r in rows[1:]:
                k = tuple(r[i] for i in idx)
                if k in at:
                    for c in sums:
                        out[at[k]][c] = str(int(out[at[k]][c]) + int(r[c]))
                    merged += 1
                else:
                    at[k] = len(out)
                    out.append(r)
            if len(out) == len(rows) - 1:
                continue
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\n").writerows([header] + out)
            with opener(path, "wt", newline="") as f:
                f.write(buf.getvalue())
print("merge_dups: %d rows of a key already in their interval summed" % merged)
