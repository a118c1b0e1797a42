#!/usr/bin/env python3
"""Independent check of `xdp-telescope report --format csv`: recomputes
every table (and the daily chart series) straight from the sensors' CSV
and compares cell by cell. The rows that count, and each one's share of
the days it covers, come from report_input.py, written again from
docs/report.md; neither shares code with the report. Usage:
  check_tables.py --data DIR [--data DIR...] --report CSVDIR --from D --to D
                  --prev-from D --prev-to D [--top N] [--country CC]
                  [--port P/proto ...] [--sensors FILE] [--skip NAME ...]
(--skip: leave out the tables whose names start with NAME, e.g. the
per-sensor ones of a --group report, which show every sensor.)
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
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report_input  # noqa: E402  (beside this file)

def proto_num(p):
    return PROTO[p] if p in PROTO else int(p)


def iso(day):
    return day.isoformat()


def pct(a, b):
    # in doubles, as the report computes it: counts beyond 2^53 round alike
    return f"{100.0 * float(a) / float(b):.2f}" if b else "0.00"


def tag_label(tag):
    if tag in FINGERPRINTS:
        return FINGERPRINTS[tag]
    return "listed: " + tag[5:] if tag.startswith("list:") else tag


def tag_kind(tag):
    if tag in FINGERPRINTS:
        return "fingerprint"
    return "list" if tag.startswith("list:") else "rule"


def org_rows(bs, cc, days, pname):
    """(sort key, CSV cells) of each organisation of cc with backscatter on
    one of days: ASN and name, else the address, alone."""
    orgs = collections.defaultdict(list)
    for ip, b in bs.items():
        if b["cc"] == cc and b["days"] & set(days):
            named = b["asn"] != "0" or b["org"]
            orgs[(int(b["asn"]), b["org"]) if named else (0, "", ip)].append((ip, b))
    rows = []
    for key, members in orgs.items():
        members.sort(key=lambda m: m[0])
        ports = collections.Counter()
        for _, b in members:
            ports.update(b["ports"])
        (pp, port), _ = sorted(ports.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1]))[0]
        marks = ["1" if any(d in b["days"] for _, b in members) else "" for d in days]
        ip0, b0 = members[0]
        name = b0["org"] or (f"AS{b0['asn']}" if b0["asn"] != "0" else ip0)
        pk = sum(b["pk"] for _, b in members)
        rows.append(((marks.index("1"), -pk, key[0], key[1], ip0),
                     [name, " ".join(ip for ip, _ in members),
                      "" if b0["asn"] == "0" else b0["asn"], b0["org"],
                      f"{port}/{pname(pp)}", str(pk)] + marks))
    return rows


def incident_tables(bs, focus, report, frm, to, pname):
    """The backscatter incidents (docs/report.md): for each burst of a
    --country in the report's events.csv, the days from the one before to
    the one after (within the period), bursts merged while at most 7 days
    apart and 14 columns wide; a row per organisation (ASN and name, else
    the address) with a mark on a day, ordered by first mark, packets,
    then ASN, name and address."""
    out = {}
    with open(os.path.join(report, "events.csv"), newline="", encoding="utf-8") as f:
        bursts = [r for r in csv.DictReader(f) if r["type"] == "backscatter_burst"]
    for cc in focus:
        wins = []
        for r in bursts:
            if r["subject"] != cc:
                continue
            f_ = max(dt.date.fromisoformat(r["from"]) - dt.timedelta(days=1), frm)
            t_ = min(dt.date.fromisoformat(r["to"]) + dt.timedelta(days=1), to)
            if wins and (f_ - wins[-1][1]).days <= 7 and (t_ - wins[-1][0]).days < 14:
                wins[-1][1] = t_
            else:
                wins.append([f_, t_])
        if not wins:   # no burst: the 20 organisations with most packets
            rows = org_rows(bs, cc, [iso(frm + dt.timedelta(days=i)) for i in range((to - frm).days + 1)],
                            pname)
            rows.sort(key=lambda r: (r[0][1], r[0][2], r[0][3], r[0][4]))
            if rows:
                out[f"backscatter_victims_{cc}"] = [r[1][:6] + [str(r[1][6:].count("1"))]
                                                    for r in rows[:20]]
        for n, (f_, t_) in enumerate(wins, 1):
            days = [iso(f_ + dt.timedelta(days=i)) for i in range((t_ - f_).days + 1)]
            name = f"backscatter_incident_{cc}_{n}"
            out[name] = [r for _, r in sorted(org_rows(bs, cc, days, pname))]
            out[name + "#header"] = ["organisation", "addresses", "asn", "as_org",
                                     "dominant_src_port", "packets"] + days
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", action="append", required=True)
    ap.add_argument("--report", required=True)
    ap.add_argument("--from", dest="frm", required=True)
    ap.add_argument("--to", required=True)
    ap.add_argument("--prev-from", required=True)
    ap.add_argument("--prev-to", required=True)
    ap.add_argument("--top", type=int, default=5)
    ap.add_argument("--country", action="append", default=[])
    ap.add_argument("--port", action="append", default=[])
    ap.add_argument("--sensors", default=None)
    ap.add_argument("--skip", action="append", default=[])
    a = ap.parse_args()

    frm, to = dt.date.fromisoformat(a.frm), dt.date.fromisoformat(a.to)
    period = [frm + dt.timedelta(days=i) for i in range((to - frm).days + 1)]
    cur_days = {iso(d) for d in period}
    epoch = dt.date(1970, 1, 1)

    def dnum(iso_day):
        return (dt.date.fromisoformat(iso_day) - epoch).days

    def diso(n):
        return iso(epoch + dt.timedelta(days=n))

    want_ports = []
    for p in a.port:
        num, pr = p.split("/")
        want_ports.append((proto_num(pr.lower()), int(num)))
    per = report_input.Period(dnum(a.frm), dnum(a.to), dnum(a.prev_from), dnum(a.prev_to),
                              want_ports)

    iso_of = {per.frm + i: diso(per.frm + i) for i in range(per.to - per.frm + 1)}

    def cur(row):       # the row's days in the period: (iso day, seconds, shares)
        return [(iso_of[d], secs, v) for d, secs, v in row.days if d in iso_of]

    def prev(row):
        return [v for d, _, v in row.days if per.prev_from <= d <= per.prev_to]

    # --- sensors file (names cleaned as the report cleans the data's)
    listed, group, country_of = [], {}, {}
    if a.sensors:
        with open(a.sensors, newline="", encoding="utf-8") as f:
            for i, rec in enumerate(csv.reader(f)):
                if not rec or (i == 0 and rec[0] == "sensor") or rec[0].startswith("#"):
                    continue
                name = report_input.clean(rec[0].encode())
                if name not in listed:
                    listed.append(name)
                if len(rec) > 1 and rec[1]:
                    group[name] = report_input.clean(rec[1].encode())
                if len(rec) > 3 and rec[3]:
                    country_of[name] = rec[3].upper()
    focus = list(dict.fromkeys(c.upper() for c in a.country))
    if not focus:
        counts = collections.Counter(country_of.values())
        best = "JP"
        for cc in sorted(counts):
            if counts[cc] > counts[best]:
                best = cc
        focus = [best]

    # The rows, as they stream by: totals first (their times are kept per
    # sensor, for intervals and gaps), then the others.
    s_rows = collections.defaultdict(list)      # (t, seconds, has the column)
    day_pk, day_rows, sensor_day_pk = (collections.Counter() for _ in range(3))
    sensor_days = collections.defaultdict(set)
    tot = collections.Counter()
    prev_total = {"seen": False, "packets": 0, "tagged_seen": False}
    port_pk, port_day, prev_port = (collections.Counter() for _ in range(3))
    sensor_port = collections.defaultdict(collections.Counter)
    cc_pk, cc_day, prev_cc = (collections.Counter() for _ in range(3))
    focus_port = collections.defaultdict(lambda: [0, 0])    # (cc, proto, port)
    focus_day = collections.defaultdict(lambda: [0, 0])     # (cc, proto, port, day)
    port_cc = collections.defaultdict(collections.Counter)
    tag_pk, tag_src, tag_day = (collections.Counter() for _ in range(3))
    tag_port = collections.defaultdict(lambda: [0, 0])
    tag_cc = collections.defaultdict(lambda: [0, 0])
    bs = {}
    # The sensor registry's order: --sensors, then as the period's totals
    # and ports rows name them, directory by directory (gaps sort by it).
    registry = list(listed)

    def on_totals(r, days):
        if days:
            s_rows[r.sensor].append((r.t, r.seconds, "seconds" in r.f))
            prev_total["tagged_seen"] |= r.has_tagged
        for d, _, v in days:
            day_pk[d] += v["packets"]
            day_rows[d] += 1
            sensor_day_pk[(r.sensor, d)] += v["packets"]
            sensor_days[r.sensor].add(d)
            for c in ("packets", "bytes", "overflow", "malformed", "tagged"):
                tot[c] += v[c]
        before = prev(r)
        if before:
            prev_total["seen"] = True
            prev_total["packets"] += sum(v["packets"] for v in before)

    def on_ports(r, days):
        key = (r.v["proto"], r.v["port"])
        for d, _, v in days:
            port_pk[key] += v["packets"]
            port_day[(key, d)] += v["packets"]
            sensor_port[r.sensor][key] += v["packets"]
        for v in prev(r):
            prev_port[key] += v["packets"]

    def on_countries(r, days):
        cc = r.v["country"]
        for d, _, v in days:
            cc_pk[cc] += v["packets"]
            cc_day[(cc, d)] += v["packets"]
        for v in prev(r):
            prev_cc[cc] += v["packets"]

    def on_port_countries(r, days):
        key = (r.v["proto"], r.v["port"])
        for d, _, v in days:
            if r.v["country"] in focus:
                for k in ((r.v["country"],) + key, (r.v["country"],) + key + (d,)):
                    b = focus_port if len(k) == 3 else focus_day
                    b[k][0] += v["packets"]
                    b[k][1] += v["mirai"]
            if key in want_ports:
                port_cc[key][r.v["country"]] += v["packets"]

    def on_tags(r, days):     # a packet with two tags is in two rows: no sum across tags
        tag = r.v["tag"]
        for d, _, v in days:
            pk, src = v["packets"], v["sources"]
            tag_pk[tag] += pk
            tag_src[tag] += src
            for bucket, key in ((tag_port, (tag, r.v["proto"], r.v["port"])),
                                (tag_cc, (tag, r.v["country"]))):
                bucket[key][0] += pk
                bucket[key][1] += src
            tag_day[(tag, d)] += pk

    def on_backscatter(r, days):
        ip = report_input.clean(r.f["src_ip"])
        if ip not in bs:
            bs[ip] = {"cc": r.v["country"], "asn": str(r.v["asn"]),
                      "org": report_input.clean(r.f.get("as_org", b"")),
                      "pk": 0, "days": set(), "ports": collections.Counter()}
        b = bs[ip]
        for d, _, v in days:
            b["pk"] += v["packets"]
            b["days"].add(d)
            b["ports"][(r.v["proto"], r.v["src_port"])] += v["packets"]

    # sources.csv: each address once a day (its first row's country) and
    # once over the period (its first row's AS, which gets all its packets)
    addr, src_seen, src_day, src_cc_day = {}, set(), collections.Counter(), collections.Counter()
    as_info = {}

    def on_sources(r, days):
        ip = report_input.clean(r.f["src_ip"])
        if days and ip not in addr:
            asn = r.v["asn"]
            addr[ip] = (r.v["country"], asn)
            if asn not in as_info:
                as_info[asn] = {"org": report_input.clean(r.f.get("as_org", b"")), "addrs": 0, "pk": 0}
            as_info[asn]["addrs"] += 1
        for d, _, v in days:
            cc, asn = addr[ip]
            as_info[asn]["pk"] += v["packets"]
            if (d, ip) not in src_seen:
                src_seen.add((d, ip))
                src_day[d] += 1
                src_cc_day[(cc, d)] += 1

    handle = {"totals": on_totals, "ports": on_ports, "countries": on_countries,
              "port_countries": on_port_countries, "tags": on_tags,
              "backscatter": on_backscatter, "sources": on_sources}
    for row in report_input.read(a.data, per):
        days = cur(row)
        if days and row.series in ("totals", "ports") and row.sensor not in registry:
            registry.append(row.sensor)
        handle[row.series](row, days)
    prev_seen, prev_packets = prev_total["seen"], prev_total["packets"]
    tagged_seen = prev_total["tagged_seen"]

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

    if addr:
        by_cc = collections.Counter(cc for cc, _ in addr.values())
        ranked_src = sorted(by_cc.items(), key=lambda kv: (-kv[1], kv[0]))
        expect["source_address_countries"] = [[str(i + 1), None, cc, str(n)]
                                              for i, (cc, n) in enumerate(ranked_src[:a.top])]
        ranked_as = sorted(as_info.items(), key=lambda kv: (-kv[1]["addrs"], -kv[1]["pk"], kv[0]))
        expect["source_as"] = [[str(i + 1), str(asn) if asn else "", v["org"], str(v["addrs"]), str(v["pk"])]
                               for i, (asn, v) in enumerate(ranked_as[:a.top])]
        expect["chart_source_addresses"] = [
            [iso(d)] + ([str(src_day[iso(d)])] + [str(src_cc_day[(cc, iso(d))]) for cc, _ in ranked_src[:5]]
                        if day_rows[iso(d)] else [""] * (1 + len(ranked_src[:5]))) for d in period]
    # a daily chart of each country a drop or spike names, as the report found them
    with open(os.path.join(a.report, "events.csv"), newline="", encoding="utf-8") as f:
        named = {r["subject"] for r in csv.DictReader(f) if r["type"] in ("country_drop", "country_spike")}
    for cc in named:
        expect[f"chart_country_{cc}"] = [[iso(d), str(cc_day[(cc, iso(d))]) if day_rows[iso(d)] else ""]
                                         for d in period]
    expect.update(incident_tables(bs, focus, a.report, frm, to, pname))

    # Mirai-type by country: ranked by Mirai-type packets, a chart per top-5 port
    for cc in focus:
        mir = sorted(((k[1:], v) for k, v in focus_port.items() if k[0] == cc and v[1]),
                     key=lambda kv: (-kv[1][1], -kv[1][0], kv[0][0], kv[0][1]))[:a.top]
        if mir:     # no Mirai-type packet: a sentence, no table
            expect[f"mirai_{cc}"] = [[str(i + 1), pname(p), str(port), str(v[1]), str(v[0]),
                                      pct(v[1], v[0])] for i, ((p, port), v) in enumerate(mir)]
        for i, ((p, port), _) in enumerate(mir[:5]):
            expect[f"chart_mirai_{cc}_{i + 1}"] = [
                [iso(d)] + ([str(x) for x in focus_day[(cc, p, port, iso(d))]] if day_rows[iso(d)]
                            else ["", ""]) for d in period]

    # sensors
    def order_key(s):
        return (0, listed.index(s), "") if s in listed else (1, 0, s)
    sens = sorted(active, key=order_key)
    srows, top10, gaps = [], [], []
    fmt = lambda v: dt.datetime.fromtimestamp(v, dt.timezone.utc).strftime("%Y-%m-%d %H:%M")
    for s in sens:
        # docs/report.md, Gaps: spacings between rows in the order read,
        # a row not later than the latest before it left out.
        first_t = last_t = None
        last_secs, end_t, plain, cover, steps = 0, 0, 0, 0, []
        for t, seconds, with_secs in s_rows[s]:
            if with_secs:
                cover += seconds
                end_t = max(end_t, t + seconds)
            else:
                plain += 1
            if first_t is None:
                first_t = last_t = t
                last_secs = seconds
                continue
            first_t = min(first_t, t)
            if t <= last_t:
                continue
            steps.append((last_t, t, last_secs))
            last_t, last_secs = t, seconds
        spacing = collections.Counter(b - x for x, b, _ in steps)
        interval = min(spacing, key=lambda v: (-spacing[v], v)) if spacing else 0
        end = max(last_t + (last_secs or interval), end_t)
        cov = (f"{100.0 * (float(plain) * float(interval) + float(cover)) / float(end - first_t):.2f}"
               if interval else "100.00")
        srows.append([s, group.get(s, ""), str(sum(sensor_day_pk[(s, d)] for d in sensor_days[s])),
                      str(len(sensor_days[s])), str(interval), cov, fmt(first_t), fmt(last_t)])
        rk = sorted(sensor_port[s].items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1]))[:10]
        top10.append([s] + [f"{port}/{pname(p)}" for (p, port), _ in rk] + [""] * (10 - len(rk)))
        for x, b, covered in steps:
            covered = covered or interval
            if interval and b - x - covered >= interval:
                start = x + covered
                gaps.append((start, registry.index(s), [s, fmt(start), fmt(b), str(b - start),
                                                        str((b - start) // interval)]))
    expect["sensors"] = srows
    expect["sensor_top_ports"] = top10
    expect["gaps"] = [g[2] for g in sorted(gaps, key=lambda g: (g[0] // 86400, g[0], g[1]))]

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
            row.append(f"{float(pk) / float(sd):.0f}" if sd else "")
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

    for name in [n for n in expect if any(n.startswith(p) for p in a.skip)]:
        del expect[name]

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
        if name in ("top_countries", "backscatter_countries", "source_address_countries") or \
                name.startswith("port_") or \
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
