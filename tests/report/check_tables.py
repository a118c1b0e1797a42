#!/usr/bin/env python3
"""Independent check of `xdp-telescope report --format csv`: recomputes
every table (and the daily chart series) straight from the sensors' CSV
with Python's csv module and compares cell by cell. Shares no code with
the report. Usage:
  check_tables.py --data DIR [--data DIR...] --report CSVDIR --from D --to D
                  --prev-from D --prev-to D [--top N] [--country CC]
                  [--port P/proto ...] [--sensors FILE]
Exit 0 when every compared cell matches; prints each mismatch otherwise.
"""
import argparse
import collections
import csv
import datetime as dt
import gzip
import os
import re
import socket
import sys

PROTO = {"tcp": 6, "udp": 17, "icmp": 1, "icmpv6": 58}
# docs/report.md: fingerprint tags are named as a type, lists as "listed: LABEL".
FINGERPRINTS = {
    "mirai": "Mirai-type", "zmap": "ZMap-type", "masscan": "Masscan-type",
    "nmap_syn": "Nmap SYN-type", "synful_knock": "SYNful Knock-type",
    "sip_options": "SIP OPTIONS-type",
    "sip_friendly_scanner": "SIPVicious-type (friendly-scanner)",
}
DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def day_dirs(root):
    found = [os.path.join(root, d) for d in os.listdir(root)
             if DAY_RE.match(d) and os.path.isdir(os.path.join(root, d))]
    if found:
        return found
    out = []
    for sub in os.listdir(root):
        p = os.path.join(root, sub)
        if os.path.isdir(p):
            out += [os.path.join(p, d) for d in os.listdir(p)
                    if DAY_RE.match(d) and os.path.isdir(os.path.join(p, d))]
    return out


def rows(dirs, name, days=None):
    for d in sorted(dirs, key=lambda p: (os.path.basename(p), p)):
        if days is not None and os.path.basename(d) not in days:
            continue
        for path, opener in ((f"{d}/{name}.csv", open), (f"{d}/{name}.csv.gz", gzip.open)):
            if os.path.exists(path):
                with opener(path, "rt", newline="", encoding="utf-8") as f:
                    yield from csv.DictReader(f)
                break


def proto_num(p):
    return PROTO[p] if p in PROTO else int(p)


def iso(day):
    return day.isoformat()


def pct(a, b):
    return f"{100 * a / b:.2f}" if b else "0.00"


def tag_label(tag):
    if tag in FINGERPRINTS:
        return FINGERPRINTS[tag]
    return "listed: " + tag[5:] if tag.startswith("list:") else tag


def tag_kind(tag):
    if tag in FINGERPRINTS:
        return "fingerprint"
    return "list" if tag.startswith("list:") else "rule"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", action="append", required=True)
    ap.add_argument("--report", required=True)
    ap.add_argument("--from", dest="frm", required=True)
    ap.add_argument("--to", required=True)
    ap.add_argument("--prev-from", required=True)
    ap.add_argument("--prev-to", required=True)
    ap.add_argument("--top", type=int, default=5)
    ap.add_argument("--country", default=None)
    ap.add_argument("--port", action="append", default=[])
    ap.add_argument("--sensors", default=None)
    a = ap.parse_args()

    frm, to = dt.date.fromisoformat(a.frm), dt.date.fromisoformat(a.to)
    pfrm, pto = dt.date.fromisoformat(a.prev_from), dt.date.fromisoformat(a.prev_to)
    period = [frm + dt.timedelta(days=i) for i in range((to - frm).days + 1)]
    cur_days = {iso(d) for d in period}
    prev_days = {iso(pfrm + dt.timedelta(days=i)) for i in range((pto - pfrm).days + 1)}
    dirs = [p for root in a.data for p in day_dirs(root)]

    def in_cur(t):
        return t[:10] in cur_days

    # --- totals
    s_rows = collections.defaultdict(list)
    day_pk = collections.Counter()
    day_rows = collections.Counter()
    sensor_day_pk = collections.Counter()
    sensor_days = collections.defaultdict(set)
    tot = collections.Counter()
    prev_seen = False
    prev_packets = 0
    tagged_seen = False
    for r in rows(dirs, "totals", cur_days | prev_days):
        t = r["time"]
        if in_cur(t):
            s_rows[r["sensor"]].append(t)
            pk = int(r["packets"])
            day_pk[t[:10]] += pk
            day_rows[t[:10]] += 1
            sensor_day_pk[(r["sensor"], t[:10])] += pk
            sensor_days[r["sensor"]].add(t[:10])
            tot["packets"] += pk
            tot["bytes"] += int(r["bytes"])
            tot["overflow"] += int(r.get("overflow") or 0)
            tot["malformed"] += int(r.get("malformed") or 0)
            if r.get("tagged") is not None:
                tagged_seen = True
                tot["tagged"] += int(r["tagged"])
        elif t[:10] in prev_days:
            prev_seen = True
            prev_packets += int(r["packets"])

    # --- ports
    port_pk = collections.Counter()
    port_day = collections.Counter()
    prev_port = collections.Counter()
    sensor_port = collections.defaultdict(collections.Counter)
    for r in rows(dirs, "ports", cur_days | prev_days):
        key = (proto_num(r["proto"]), int(r["port"]))
        pk = int(r["packets"])
        if in_cur(r["time"]):
            port_pk[key] += pk
            port_day[(key, r["time"][:10])] += pk
            sensor_port[r["sensor"]][key] += pk
        elif r["time"][:10] in prev_days:
            prev_port[key] += pk

    # --- countries
    cc_pk = collections.Counter()
    cc_day = collections.Counter()
    prev_cc = collections.Counter()
    for r in rows(dirs, "countries", cur_days | prev_days):
        pk = int(r["packets"])
        if in_cur(r["time"]):
            cc_pk[r["country"]] += pk
            cc_day[(r["country"], r["time"][:10])] += pk
        elif r["time"][:10] in prev_days:
            prev_cc[r["country"]] += pk

    # --- sensors file
    listed, group, country_of = [], {}, {}
    if a.sensors:
        with open(a.sensors, newline="") as f:
            for i, rec in enumerate(csv.reader(f)):
                if not rec or (i == 0 and rec[0] == "sensor"):
                    continue
                listed.append(rec[0])
                if len(rec) > 1 and rec[1]:
                    group[rec[0]] = rec[1]
                if len(rec) > 3 and rec[3]:
                    country_of[rec[0]] = rec[3].upper()
    focus = a.country
    if not focus:
        counts = collections.Counter(country_of.values())
        focus = "JP"
        for cc in sorted(counts):
            if counts[cc] > counts[focus]:
                focus = cc
    focus = focus.upper()

    # --- port x country
    focus_port = collections.defaultdict(lambda: [0, 0])
    want_ports = []
    for p in a.port:
        num, pr = p.split("/")
        want_ports.append((proto_num(pr.lower()), int(num)))
    port_cc = collections.defaultdict(collections.Counter)
    for r in rows(dirs, "port_countries", cur_days):
        key = (proto_num(r["proto"]), int(r["port"]))
        if r["country"] == focus:
            focus_port[key][0] += int(r["packets"])
            focus_port[key][1] += int(r.get("mirai") or 0)
        if key in want_ports:
            port_cc[key][r["country"]] += int(r["packets"])

    # --- tags (a packet with two tags is in two rows: no sum across tags)
    tag_pk = collections.Counter()
    tag_src = collections.Counter()
    tag_port = collections.defaultdict(lambda: [0, 0])
    tag_cc = collections.defaultdict(lambda: [0, 0])
    tag_day = collections.Counter()
    for r in rows(dirs, "tags", cur_days):
        tag = r["tag"][1:] if r["tag"].startswith("'") else r["tag"]
        pk, src = int(r["packets"]), int(r["sources"])
        tag_pk[tag] += pk
        tag_src[tag] += src
        for bucket, key in ((tag_port, (tag, proto_num(r["proto"]), int(r["port"]))),
                            (tag_cc, (tag, r["country"]))):
            bucket[key][0] += pk
            bucket[key][1] += src
        tag_day[(tag, r["time"][:10])] += pk

    # --- backscatter
    bs = {}
    for r in rows(dirs, "backscatter", cur_days):
        ip = r["src_ip"]
        if ip not in bs:
            bs[ip] = {"cc": r["country"], "asn": r.get("asn") or "0", "org": r.get("as_org", ""),
                      "pk": 0, "days": set(), "ports": collections.Counter()}
        b = bs[ip]
        pk = int(r["packets"])
        b["pk"] += pk
        b["days"].add(r["time"][:10])
        b["ports"][(proto_num(r["proto"]), int(r["src_port"]))] += pk

    expect = {}
    limit = max(10, a.top)

    def prev_rank(rank_of, key):
        if not prev_seen:
            return ""
        r = rank_of.get(key, 0)
        if r and r <= limit:
            return str(r)
        return "outside" if r else "new"

    def pname(p):
        return {6: "tcp", 17: "udp", 1: "icmp", 58: "icmpv6"}.get(p, str(p))

    active = [s for s in s_rows]
    expect["summary"] = [
        ["sensors", str(len(active))],
        ["days", str(len([d for d in cur_days if day_rows[d]]))],
        ["packets", str(tot["packets"])], ["bytes", str(tot["bytes"])],
        ["overflow", str(tot["overflow"])], ["malformed", str(tot["malformed"])],
    ] + ([["tagged", str(tot["tagged"])]] if tagged_seen else []) + [
        ["previous_packets", str(prev_packets) if prev_seen else ""],
    ]

    ranked = sorted(port_pk.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1]))
    prev_rank_of = {k: i + 1 for i, (k, _) in
                    enumerate(sorted(prev_port.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1])))}
    total = sum(port_pk.values())
    tp = []
    for i, ((p, port), pk) in enumerate(ranked[:a.top]):
        try:
            svc = socket.getservbyport(port, pname(p)) if p in (6, 17) else ""
        except OSError:
            svc = ""
        tp.append([str(i + 1), pname(p), str(port), str(pk), pct(pk, total),
                   prev_rank(prev_rank_of, (p, port)), svc])
    expect["top_ports"] = tp

    ranked_cc = sorted(cc_pk.items(), key=lambda kv: (-kv[1], kv[0]))
    prev_cc_rank = {k: i + 1 for i, (k, _) in
                    enumerate(sorted(prev_cc.items(), key=lambda kv: (-kv[1], kv[0])))}
    ctotal = sum(cc_pk.values())
    expect["top_countries"] = [[str(i + 1), None, cc, str(pk), pct(pk, ctotal),
                                prev_rank(prev_cc_rank, cc)]
                               for i, (cc, pk) in enumerate(ranked_cc[:a.top])]

    has_data = [iso(d) for d in period if day_rows[iso(d)]]
    chart = []
    for d in period:
        k = iso(d)
        row = [k]
        for (p, port), _ in ranked[:a.top]:
            row.append(str(port_day[((p, port), k)]) if day_rows[k] else "")
        chart.append(row)
    expect["chart_top_ports"] = chart
    chart = []
    for d in period:
        k = iso(d)
        chart.append([k] + [str(cc_day[(cc, k)]) if day_rows[k] else "" for cc, _ in ranked_cc[:a.top]])
    expect["chart_top_countries"] = chart

    # backscatter by country and per day
    by_cc = collections.defaultdict(lambda: [0, 0])
    for b in bs.values():
        by_cc[b["cc"]][0] += 1
        by_cc[b["cc"]][1] += b["pk"]
    bcc = sorted(by_cc.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
    expect["backscatter_countries"] = [[str(i + 1), None, cc, str(v[0]), str(v[1])]
                                       for i, (cc, v) in enumerate(bcc[:a.top])]
    series_cc = [cc for cc, _ in bcc[:4]]
    chart = []
    for d in period:
        k = iso(d)
        if not day_rows[k]:
            chart.append([k] + [""] * (1 + len(series_cc)))
            continue
        chart.append([k, str(sum(1 for b in bs.values() if k in b["days"]))] +
                     [str(sum(1 for b in bs.values() if k in b["days"] and b["cc"] == cc))
                      for cc in series_cc])
    expect["chart_backscatter"] = chart

    pres = sorted([(ip, b) for ip, b in bs.items() if b["cc"] == focus], key=lambda x: (-x[1]["pk"], x[0]))[:20]
    if pres:
        marks = collections.Counter()
        for _, b in pres:
            for k in b["days"]:
                marks[k] += 1
        days = sorted(sorted(marks, key=lambda k: (-marks[k], k))[:14])
        tab = []
        for ip, b in pres:
            (pp, port), _ = sorted(b["ports"].items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1]))[0]
            tab.append([ip, b["org"], b["asn"], f"{port}/{pname(pp)}", str(b["pk"])] +
                       ["1" if k in b["days"] else "" for k in days])
        expect["backscatter_presence"] = tab
        expect["backscatter_presence#header"] = ["src_ip", "as_org", "asn", "dominant_src_port", "packets"] + days

    mir = sorted(focus_port.items(), key=lambda kv: (-kv[1][0], kv[0][0], kv[0][1]))
    expect["mirai"] = [[str(i + 1), pname(p), str(port), str(v[0]), str(v[1]), pct(v[1], v[0])]
                       for i, ((p, port), v) in enumerate(mir[:a.top])]

    # sensors
    def order_key(s):
        return (0, listed.index(s), "") if s in listed else (1, 0, s)
    sens = sorted(active, key=order_key)
    srows, top10, gaps = [], [], []
    for s in sens:
        ts = sorted(set(s_rows[s]))
        secs = [int(dt.datetime.strptime(t, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc).timestamp()) for t in ts]
        spacing = collections.Counter(b - x for x, b in zip(secs, secs[1:]))
        interval = min(spacing, key=lambda v: (-spacing[v], v)) if spacing else 0
        nrows = len(s_rows[s])
        span = secs[-1] - secs[0] + interval
        cov = f"{100 * nrows * interval / span:.2f}" if interval else "100.00"
        fmt = lambda v: dt.datetime.fromtimestamp(v, dt.timezone.utc).strftime("%Y-%m-%d %H:%M")
        srows.append([s, group.get(s, ""), str(sum(sensor_day_pk[(s, d)] for d in sensor_days[s])),
                      str(len(sensor_days[s])), str(interval), cov, fmt(secs[0]), fmt(secs[-1])])
        rk = sorted(sensor_port[s].items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1]))[:10]
        top10.append([s] + [f"{port}/{pname(p)}" for (p, port), _ in rk] + [""] * (10 - len(rk)))
        for x, b in zip(secs, secs[1:]):
            if interval and b - x >= 2 * interval:
                gaps.append((x + interval, s, [s, fmt(x + interval), fmt(b), str(b - x - interval),
                                               str((b - x - interval) // interval)]))
    expect["sensors"] = srows
    expect["sensor_top_ports"] = top10
    expect["gaps"] = [g[2] for g in sorted(gaps, key=lambda g: (g[0] // 86400, g[0], sens.index(g[1])))]

    groups = []
    for s in sens:
        g = group.get(s, "All sensors")
        if g not in groups:
            groups.append(g)
    months = []
    for d in period:
        m = d.strftime("%Y-%m")
        if m not in months:
            months.append(m)
    mon = []
    for m in months:
        row = [m]
        for g in groups:
            pk = sd = 0
            for s in active:
                if group.get(s, "All sensors") != g:
                    continue
                for d in sensor_days[s]:
                    if d.startswith(m):
                        pk += sensor_day_pk[(s, d)]
                        sd += 1
            row.append(f"{pk / sd:.0f}" if sd else "")
        mon.append(row)
    expect["sensor_monthly"] = mon

    for (p, port) in want_ports:
        c = sorted(port_cc[(p, port)].items(), key=lambda kv: (-kv[1], kv[0]))
        t = sum(v for _, v in c)
        expect[f"port_{port}_{p}_countries"] = [[str(i + 1), None, cc, str(v), pct(v, t), f"{port}/{pname(p)}"]
                                                for i, (cc, v) in enumerate(c[:a.top])]

    tags_ranked = sorted(tag_pk.items(), key=lambda kv: (-kv[1], kv[0]))
    expect["tags"] = [[str(i + 1), tag_label(t), t, tag_kind(t), str(pk), pct(pk, tot["packets"]),
                       str(tag_src[t])] for i, (t, pk) in enumerate(tags_ranked)]
    for i, (t, pk) in enumerate(tags_ranked):
        ports = sorted(((p, port, v) for (tt, p, port), v in tag_port.items() if tt == t),
                       key=lambda x: (-x[2][0], x[0], x[1]))
        expect[f"tag_{i + 1}_ports"] = [[str(k + 1), pname(p), str(port), str(v[0]), pct(v[0], pk),
                                         str(v[1]), t] for k, (p, port, v) in enumerate(ports[:a.top])]
        ccs = sorted(((cc, v) for (tt, cc), v in tag_cc.items() if tt == t),
                     key=lambda x: (-x[1][0], x[0]))
        expect[f"tag_{i + 1}_countries"] = [[str(k + 1), None, cc, str(v[0]), pct(v[0], pk), str(v[1]), t]
                                            for k, (cc, v) in enumerate(ccs[:a.top])]
        expect[f"chart_tag_{i + 1}"] = [[iso(d), str(tag_day[(t, iso(d))]) if day_rows[iso(d)] else ""]
                                        for d in period]
        expect[f"chart_tag_{i + 1}#header"] = ["day", tag_label(t)]
    # No tags in the period (data from before the sensors tagged): no tag tables at all.
    extra = sorted(f for f in os.listdir(a.report)
                   if re.match(r"^(tags|tag_\d+_(ports|countries)|chart_tag_\d+)\.csv$", f)
                   and f[:-4] not in expect)
    bad = 0
    for f in extra:
        print(f"UNEXPECTED {f}: the data holds {len(tags_ranked)} tags")
        bad += 1
    if not tags_ranked:
        del expect["tags"]

    # --- compare
    checked = 0
    for name, want in expect.items():
        if name.endswith("#header"):
            continue
        path = os.path.join(a.report, name + ".csv")
        if not os.path.exists(path):
            print(f"MISSING {path}")
            bad += 1
            continue
        with open(path, newline="", encoding="utf-8") as f:
            got = list(csv.reader(f))
        header, got = got[0], got[1:]
        if name in ("top_countries", "backscatter_countries") or name.startswith("port_") or \
                re.match(r"^tag_\d+_countries$", name):
            got = [[c for j, c in enumerate(r) if header[j] != "name"] for r in got]
            want = [[c for c in r if c is not None] for r in want]
        if name + "#header" in expect and header != expect[name + "#header"]:
            print(f"{name}: header {header} != {expect[name + '#header']}")
            bad += 1
        if len(got) != len(want):
            print(f"{name}: {len(got)} rows, expected {len(want)}")
            bad += 1
        for i, (g, w) in enumerate(zip(got, want)):
            for j, (gc, wc) in enumerate(zip(g, w)):
                checked += 1
                if gc != wc and not (gc.startswith("'") and gc[1:] == wc):
                    print(f"{name} row {i + 1} col {j + 1}: report {gc!r}, independent {wc!r}")
                    bad += 1
            if len(g) != len(w):
                print(f"{name} row {i + 1}: {len(g)} cells, expected {len(w)}")
                bad += 1
    print(f"check_tables: {checked} cells compared in {len(expect)} tables, {bad} mismatches")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
