#!/usr/bin/env python3
"""Hostile variations of a clean data directory, for tests/report/input_fuzz.sh:
  fuzz_input.py CLEAN OUT SEED
copies CLEAN (day directories of CSV as `run` writes them) to OUT and
damages the copy the ways real input gets damaged, and worse: random
bytes, quotes, line ends and NULs at random places, numbers beyond 64
bits, bytes that are no UTF-8, lines over 1 MiB, repeated and reordered
lines, repeated files, a totals.csv with a seconds column (intervals
written late, some across days), files cut short (plain or gzip). The
same SEED gives the same damage."""
import gzip
import os
import random
import shutil
import sys

HUGE = [b"18446744073709551615", b"18446744073709551616", b"99999999999999999999999",
        b"9223372036854775808", b"00000000000000000000000000000000001", b"4294967296"]
NASTY = [b"\0", b'"', b'""', b",", b"\n", b"\r", b"\r\n", b"\xff", b"\xc3", b"\xe6\x9d",
         b"\xed\xa0\x80", b"\xc2\x85", b"'", b"=", b"\x1b[31m", "東京".encode(), b"\t"]


def lines(data):
    return data.split(b"\n")


def mutate_bytes(rng, data):
    """A few bytes replaced, inserted or removed anywhere."""
    b = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        if not b:
            break
        i = rng.randrange(len(b))
        op = rng.random()
        if op < 0.4:
            b[i:i + 1] = rng.choice(NASTY)
        elif op < 0.7:
            b[i:i] = rng.choice(NASTY)
        elif op < 0.85:
            b[i] = rng.randrange(256)
        else:
            del b[i:i + rng.randint(1, 20)]
    return bytes(b)


def mutate_field(rng, data):
    """One field of a data line replaced: a huge number, or nasty text."""
    ls = lines(data)
    if len(ls) < 3:
        return data
    i = rng.randrange(1, len(ls) - 1)
    f = ls[i].split(b",")
    j = rng.randrange(len(f))
    if rng.random() < 0.6:
        f[j] = rng.choice(HUGE)
    else:
        f[j] = b'"' + f[j] + rng.choice(NASTY).replace(b'"', b'""') + b'"'
    ls[i] = b",".join(f)
    return b"\n".join(ls)


def mutate_lines(rng, data):
    """Lines repeated, swapped, removed, or one over 1 MiB added."""
    ls = lines(data)
    if len(ls) < 3:
        return data
    op = rng.random()
    i = rng.randrange(1, len(ls) - 1)
    if op < 0.3:
        n = rng.randint(1, 40)
        ls[i:i] = ls[max(1, i - n):i]                    # a block read twice
    elif op < 0.5:
        j = rng.randrange(1, len(ls) - 1)
        ls[i], ls[j] = ls[j], ls[i]                      # out of time order
    elif op < 0.7:
        del ls[i]
    elif op < 0.85:
        ls.insert(i, b"x" * rng.choice([100000, (1 << 20) + 10]))
    else:
        ls.insert(i, b'"' + b"y\n" * rng.randint(1, 5) + b"z" * ((1 << 20) + 5) + b'",1')
    return b"\n".join(ls)


def add_seconds(rng, data):
    """totals.csv as a sensor that writes seconds does: some rows cover
    many intervals (written late), some reach into the next day."""
    ls = lines(data)
    if not ls or not ls[0].startswith(b"time,"):
        return data
    out = [ls[0] + b",seconds"]
    for line in ls[1:]:
        if not line:
            out.append(line)
            continue
        r = rng.random()
        secs = b"600" if r < 0.85 else str(rng.choice([1200, 6000, 86400, 200000, 0])).encode()
        out.append(line + b"," + secs)
    return b"\n".join(out)


def main():
    clean, out, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rng = random.Random(seed)
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(clean, out)
    files = sorted(os.path.join(dp, f) for dp, _, fs in os.walk(out) for f in fs
                   if f.endswith(".csv") and f != "sensors.csv" and f != "events.csv")
    for path in rng.sample(files, min(len(files), rng.randint(3, 12))):
        with open(path, "rb") as f:
            data = f.read()
        for _ in range(rng.randint(1, 3)):
            data = rng.choice([mutate_bytes, mutate_field, mutate_field, mutate_lines])(rng, data)
        if path.endswith("totals.csv") and rng.random() < 0.3:
            data = add_seconds(rng, data)
        if rng.random() < 0.1:
            data = data + data[data.find(b"\n") + 1:]   # the file repeated in itself
        if rng.random() < 0.15:
            data = data[:rng.randrange(len(data) + 1)]  # cut short
        with open(path, "wb") as f:
            f.write(data)
        if rng.random() < 0.2:                          # as --gzip writes, maybe cut
            with open(path, "rb") as f:
                packed = gzip.compress(f.read())
            if rng.random() < 0.5:
                packed = packed[:rng.randrange(len(packed) + 1)]
            os.remove(path)
            with open(path + ".gz", "wb") as f:
                f.write(packed)
    if rng.random() < 0.15:                             # a sensor's directory copied
        subs = sorted(d for d in os.listdir(out) if os.path.isdir(os.path.join(out, d)))
        if subs:
            s = rng.choice(subs)
            shutil.copytree(os.path.join(out, s), os.path.join(out, s + "-copy"))


if __name__ == "__main__":
    main()
