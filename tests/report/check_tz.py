#!/usr/bin/env python3
"""Local days of --tz, computed here from the CSV with Python's zoneinfo
alone: every row counts on the local date of its `time` (the fleet of
synth rows has no `seconds`). Compared cell by cell with a report's CSV
directory:

  check_tz.py ZONE FLEET OUT --long P/PROTO        the daily charts
  check_tz.py ZONE FLEET - --day-total YYYY-MM-DD N   one day's packets
  check_tz.py ZONE FLEET OUT --gaps                gaps.csv in local time
"""
import argparse
import csv
import datetime as dt
import glob
import os
import sys
from collections import defaultdict
from zoneinfo import ZoneInfo

PROTOS = {"tcp": 6, "udp": 17, "icmp": 1, "icmpv6": 58}


def rows(fleet, series):
    for path in sorted(glob.glob(os.path.join(fleet, "*", "????-??-??", series + ".csv"))):
        with open(path, newline="", encoding="utf-8") as f:
            yield from csv.DictReader(f)


def utc(stamp):
    return dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)


def local(zone, stamp):
    return utc(stamp).astimezone(zone)


def read_chart(path):
    with open(path, newline="", encoding="utf-8") as f:
        r = list(csv.reader(f))
    return r[0], r[1:]


def fail(msg):
    print("check_tz: " + msg, file=sys.stderr)
    sys.exit(1)


def check_cell(what, got, want, counted):
    if (int(got) if got else 0) != want:
        fail(f"{what}: report {got!r}, local days give {want}")
    counted[0] += 1


def port_daily(zone, fleet):
    out = defaultdict(int)	# (proto, port, day) -> packets
    for r in rows(fleet, "ports"):
        day = local(zone, r["time"]).date().isoformat()
        out[(PROTOS.get(r["proto"], r["proto"]), int(r["port"]), day)] += int(r["packets"])
    return out


def label_port(label):
    """'23/TCP (telnet)' -> (6, 23)."""
    num, proto = label.split(" ")[0].split("/")
    return PROTOS[proto.lower()], int(num)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("zone")
    ap.add_argument("fleet")
    ap.add_argument("out")
    ap.add_argument("--long")
    ap.add_argument("--day-total", nargs=2)
    ap.add_argument("--gaps", action="store_true")
    a = ap.parse_args()
    zone = ZoneInfo(a.zone)
    counted = [0]

    if a.day_total:
        want = sum(int(r["packets"]) for r in rows(a.fleet, "totals")
                   if local(zone, r["time"]).date().isoformat() == a.day_total[0])
        check_cell(f"packets of {a.day_total[0]}", a.day_total[1], want, counted)
        return
    if a.gaps:
        by_sensor = defaultdict(list)
        for r in rows(a.fleet, "totals"):
            by_sensor[r["sensor"]].append(utc(r["time"]))	# UTC: differences in real seconds
        want = []
        clock = lambda t: t.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        for s, ts in sorted(by_sensor.items()):
            ts.sort()
            step = min(b - x for x, b in zip(ts, ts[1:]))
            for x, b in zip(ts, ts[1:]):
                if b - x >= 2 * step:
                    want.append([s, clock(x + step), clock(b)])
        with open(os.path.join(a.out, "gaps.csv"), newline="", encoding="utf-8") as f:
            got = [r[:3] for r in list(csv.reader(f))[1:]]
        if sorted(got) != sorted(want) or not want:
            fail(f"gaps.csv {got[:4]}, local times give {want[:4]}")
        print(f"check_tz: {len(want)} gap(s) in local time")
        return

    daily = port_daily(zone, a.fleet)
    # the top ports' daily chart, over the period
    head, body = read_chart(os.path.join(a.out, "chart_top_ports.csv"))
    for label_i, label in enumerate(head[1:], 1):
        p = label_port(label)
        for r in body:
            check_cell(f"{label} on {r[0]}", r[label_i], daily.get((*p, r[0]), 0), counted)
    # one port over every day the data hold (local days at both ends too)
    proto = PROTOS[a.long.split("/")[1].lower()]
    port = int(a.long.split("/")[0])
    head, body = read_chart(os.path.join(a.out, f"chart_port_{port}_{proto}_long.csv"))
    days = sorted({k[2] for k in daily})
    if [r[0] for r in body] != days:
        fail(f"long chart days {[r[0] for r in body]}, local days of the data {days}")
    for r in body:
        check_cell(f"{a.long} on {r[0]} (long)", r[1], daily.get((proto, port, r[0]), 0), counted)
    # distinct source addresses per local day
    addrs = defaultdict(set)
    for r in rows(a.fleet, "sources"):
        addrs[local(zone, r["time"]).date().isoformat()].add(r["src_ip"])
    head, body = read_chart(os.path.join(a.out, "chart_source_addresses.csv"))
    for r in body:
        check_cell(f"addresses on {r[0]}", r[1], len(addrs.get(r[0], ())), counted)
    print(f"check_tz: {counted[0]} cells equal the local days of {a.zone}")


main()
