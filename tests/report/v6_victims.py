#!/usr/bin/env python3
"""The fixture of pdf.sh's widest table: in a synth fleet (DIR), Japan's backscatter
victims become IPv6 addresses of eight groups (39 characters), and
sensor-01 gets two more bursts of such victims with long organisation
names 5 days before and after the injected one (days 30-31), so Japan's
incident table spans 14 days. Usage: v6_victims.py DIR"""
import csv, glob, ipaddress, sys
# JP's backscatter victims as long IPv6 addresses (eight groups, 39 characters)
for path in glob.glob(sys.argv[1] + "/*/*/backscatter.csv"):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    for r in rows[1:]:
        if r[3] == "JP":
            n = int(ipaddress.IPv4Address(r[2]))
            r[2] = str(ipaddress.IPv6Address(
                (0x20010db8 << 96) | (0x8000 | n >> 16) << 80 | (0x8000 | n & 0xffff) << 64 |
                0xabcdef0123456789))
    with open(path, "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
# two more bursts of JP victims, 5 days before and after the injected one:
# one incident of 14 days, organisations with long names and addresses
for day, base in (("2022-07-26", 0x100), ("2022-08-06", 0x200)):
    path = f"{sys.argv[1]}/sensor-01/{day}/backscatter.csv"
    with open(path, "a", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        for i in range(24):
            ip = ipaddress.IPv6Address((0x20010db8 << 96) | (0xfedc0000 + base + i) << 64 |
                                       0x8badf00ddeadbeef)
            w.writerow([f"{day}T0{i % 10}:00:00Z", "sensor-01", str(ip), "JP", 64600 + i % 6,
                        "tcp", 443, "synack", 3 + i,
                        f"Example Hosting and Cloud Services Kabushiki Kaisha {i % 6}"])
