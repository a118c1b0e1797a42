#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Checks every sum docs/csv.md promises ("The sums that always hold",
and the keys and rows it relates them by), interval by interval, in the
CSV under each DIR (day directories, or directories of them as synth
writes; NAME.csv or NAME.csv.gz). Reads the files as docs/csv.md
describes them and nothing else: it shares no code with the program.

    check_sums.py DIR...

Exit 0 and one line of what was checked; else the first interval (in
time order) and the first sum that fails there, how many intervals fail,
and exit 1."""
import collections
import csv
import gzip
import os
import sys

SERIES = ("totals", "ports", "countries", "port_countries", "sources",
          "backscatter", "tags")
# The key columns after (time, sensor): (time, sensor, key) is unique.
KEYS = {
    "ports": ("proto", "port"),
    "countries": ("country",),
    "port_countries": ("proto", "port", "country"),
    "sources": ("src_ip",),
    "backscatter": ("src_ip", "proto", "src_port", "kind"),
    "tags": ("tag", "proto", "port", "country"),
}
TOTALS = ("packets", "bytes", "sources", "malformed", "non_ip", "overflow",
          "fragments", "mirai", "backscatter", "bs_overflow", "quote_mismatch",
          "tagged", "tag_overflow")


def open_csv(path):
    if path.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8", newline="")
    return open(path, encoding="utf-8", newline="")


def day_dirs(roots):
    for root in roots:
        for d, _, files in sorted(os.walk(root)):
            if "totals.csv" in files or "totals.csv.gz" in files:
                yield d


def records(d, name):
    """(path, line, row) of d's NAME series, row a list of str, and the
    column numbers by name after each file's header."""
    for path in (os.path.join(d, name + ".csv"), os.path.join(d, name + ".csv.gz")):
        if not os.path.exists(path):
            continue
        with open_csv(path) as f:
            reader = csv.reader(f)
            col = {c: i for i, c in enumerate(next(reader))}
            for row in reader:
                yield path, reader.line_num, row, col


class Interval:
    """What one (time, sensor) holds in every series."""

    def __init__(self):
        self.totals = None
        self.sums = collections.Counter()       # (series, column) -> Σ
        self.rows = collections.Counter()       # series -> rows
        self.by = collections.defaultdict(collections.Counter)  # (what, key) -> Σ
        self.tags = collections.Counter()       # tag -> Σ packets


def load(roots):
    intervals = collections.defaultdict(Interval)
    problems = []
    for d in day_dirs(roots):
        for name in SERIES:
            seen = set()
            for path, line, row, col in records(d, name):
                def v(c):
                    return row[col[c]]
                iv = intervals[(v("time"), v("sensor"))]
                if name == "totals":
                    if iv.totals is not None:
                        problems.append((v("time"), v("sensor"),
                                         f"{path}:{line}: a second totals row"))
                    iv.totals = {c: int(v(c)) for c in TOTALS}
                    continue
                key = (v("time"), v("sensor")) + tuple(v(c) for c in KEYS[name])
                if key in seen:
                    problems.append((v("time"), v("sensor"),
                                     f"{path}:{line}: key {key[2:]} twice in {name}"))
                seen.add(key)
                iv.rows[name] += 1
                packets = int(v("packets"))
                iv.sums[name, "packets"] += packets
                if name == "ports":
                    iv.sums[name, "mirai"] += int(v("mirai"))
                    iv.sums[name, "sources"] += int(v("sources"))
                    iv.by["ports.packets"][v("proto"), v("port")] += packets
                elif name == "countries":
                    iv.sums[name, "sources"] += int(v("sources"))
                    iv.by["countries.packets"][v("country")] += packets
                    iv.by["countries.sources"][v("country")] += int(v("sources"))
                elif name == "port_countries":
                    iv.by["port_countries.packets by port"][v("proto"), v("port")] += packets
                    iv.by["port_countries.packets by country"][v("country")] += packets
                elif name == "sources":
                    iv.by["sources.packets"][v("country")] += packets
                    iv.by["sources rows"][v("country")] += 1
                elif name == "tags":
                    iv.tags[v("tag")] += packets
    return intervals, problems


def failures(t, iv):
    """The sums that fail in interval t, in the order docs/csv.md lists them."""
    if iv.totals is None:
        yield "rows in " + ", ".join(sorted(iv.rows)) + " but no totals.csv row"
        return
    tot = iv.totals
    fitted = tot["packets"] - tot["overflow"]

    def equal(left, lv, right, rv):
        if lv != rv:
            return f"{left} = {lv}, {right} = {rv}"
        return None

    checks = [
        equal("Σ ports.packets", iv.sums["ports", "packets"], "totals.packets", tot["packets"]),
        equal("Σ countries.packets", iv.sums["countries", "packets"],
              "totals.packets − totals.overflow", fitted),
        equal("Σ sources.packets", iv.sums["sources", "packets"],
              "totals.packets − totals.overflow", fitted),
        equal("Σ port_countries.packets", iv.sums["port_countries", "packets"],
              "totals.packets − totals.overflow", fitted),
        equal("Σ backscatter.packets", iv.sums["backscatter", "packets"],
              "totals.backscatter − totals.bs_overflow",
              tot["backscatter"] - tot["bs_overflow"]),
        equal("Σ ports.mirai", iv.sums["ports", "mirai"], "totals.mirai", tot["mirai"]),
        equal("Σ tags.packets of tag mirai", iv.tags["mirai"], "totals.mirai", tot["mirai"]),
        equal("Σ countries.sources", iv.sums["countries", "sources"],
              "totals.sources", tot["sources"]),
        # one sources.csv row per distinct source address that fitted
        equal("sources.csv rows", iv.rows["sources"], "totals.sources", tot["sources"]),
    ]
    yield from (c for c in checks if c)
    if iv.sums["ports", "sources"] < tot["sources"]:
        yield (f"Σ ports.sources = {iv.sums['ports', 'sources']} < "
               f"totals.sources = {tot['sources']}")
    for tag, packets in sorted(iv.tags.items()):
        if packets > tot["tagged"]:
            yield f"Σ tags.packets of tag {tag} = {packets} > totals.tagged = {tot['tagged']}"
    if sum(iv.tags.values()) < tot["tagged"]:
        yield (f"Σ tags.packets over all tags = {sum(iv.tags.values())} < "
               f"totals.tagged = {tot['tagged']}")
    if tot["tag_overflow"] > tot["tagged"]:
        yield f"totals.tag_overflow = {tot['tag_overflow']} > totals.tagged = {tot['tagged']}"
    # By key: a per-source file holds what fitted of each port and country
    # (all of it without overflow); a source has one country.
    exact = tot["overflow"] == 0
    pairs = [  # (part, whole, key, always equal)
        ("port_countries.packets by port", "ports.packets", "(proto, port)", exact),
        ("port_countries.packets by country", "countries.packets", "country", True),
        ("sources.packets", "countries.packets", "country", True),
    ]
    for part, whole, what, equal_always in pairs:
        for key in sorted(set(iv.by[part]) | set(iv.by[whole])):
            p, w = iv.by[part][key], iv.by[whole][key]
            if p > w or (equal_always and p != w):
                yield f"{what} {key}: Σ {part} = {p}, {whole} = {w}"
    for key in sorted(set(iv.by["sources rows"]) | set(iv.by["countries.sources"])):
        rows, sources = iv.by["sources rows"][key], iv.by["countries.sources"][key]
        if rows != sources:
            yield f"country {key}: sources.csv rows = {rows}, countries.sources = {sources}"


def main(argv):
    if len(argv) < 2 or any(not os.path.isdir(d) for d in argv[1:]):
        print("usage: check_sums.py DIR...", file=sys.stderr)
        return 2
    intervals, problems = load(argv[1:])
    if not intervals:
        print(f"check_sums: no totals.csv under {' '.join(argv[1:])}", file=sys.stderr)
        return 1
    failed = []
    for key in sorted(intervals):
        first = next(failures(key, intervals[key]), None)
        if first:
            failed.append((key, first))
    failed += [((t, s), why) for t, s, why in problems]
    failed.sort()
    if failed:
        (t, sensor), why = failed[0]
        print(f"check_sums: {t} {sensor}: {why}")
        print(f"check_sums: {len(set(k for k, _ in failed))} of {len(intervals)} "
              "intervals fail")
        return 1
    rows = sum(sum(iv.rows.values()) + 1 for iv in intervals.values())
    print(f"check_sums: {len(intervals)} intervals, {rows} rows: every sum holds")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
