#!/usr/bin/env python3
"""The rules of the house (docs/architecture.md), checked on the tree and
on the objects the build made:

1. includes: each folder of user/ includes only the folders below it;
2. no circle: no object calls into an object that calls back into it,
   directly or around (from the symbols `nm` lists of build/user/**/*.o);
3. size: no C source file of user/, bpf/, include/, tests/ or bench/ over
   600 lines, generated tables and the files waiting for a split aside;
4. names: no two files under user/ share a name (`csv.c` in two folders
   leaves a reader, a test and a map asking which);
5. tests: tests/unit/test_<file>.c (or test_<file>_<concern>.c) tests the
   file of user/ or include/ of that name: the longest such <file> the
   test's name begins with, whose header the test includes or which its
   opening comment names with its folder (report/tally.c).

Prints one line per breach and exits 1 if there is any."""
import collections
import glob
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.chdir(ROOT)

# What each folder may include with "…" (its own folder always); the
# kernel-shared headers of include/ by name.
SHARED = {"telescope.h", "parse.h", "fingerprint.h"}
RULES = [  # (folder, allowed prefixes, allowed shared headers)
    ("user/lib/", ("lib/",), {"version.gen.h"}),  # made by the Makefile from VERSION
    ("user/common/", ("lib/", "common/"), {"telescope.h"}),
    ("user/sensor/", ("lib/", "common/", "sensor/"), SHARED | {"telescope.skel.h"}),
    ("user/report/render/", ("lib/", "common/", "report/render/", "report/doc.h",
                             "report/report.h"), set()),
    ("user/report/sections/", ("lib/", "common/", "report/"), {"telescope.h"}),
    ("user/report/", ("lib/", "common/", "report/"), {"telescope.h"}),
    ("user/synth/", ("lib/", "common/", "synth/"), {"telescope.h"}),
    ("user/fleet/", ("lib/", "common/", "fleet/"), {"fleet_sql.gen.h"}),  # sql/vN.sql, by the Makefile
    ("user/", ("lib/", "common/", "sensor/", "report/", "synth/", "fleet/"), set()),
]
GENERATED = {"user/report/countries.c", "vmlinux/vmlinux.h"}
MAX_LINES = 600
SIZED = ("user", "bpf", "include", "tests", "bench")
# Over the limit and not split yet, each for a reason of its own; a file
# that has come back within the limit (or is gone) must leave the list.
NOT_YET_SPLIT = set()

breaches = []


def sources(top):
    for dirpath, _, files in os.walk(top):
        for f in sorted(files):
            if f.endswith((".c", ".h")):
                yield os.path.join(dirpath, f)


def check_includes():
    for path in sources("user"):
        rule = next(r for r in RULES if path.startswith(r[0]))
        folder, prefixes, shared = rule
        for n, line in enumerate(open(path, encoding="utf-8"), 1):
            m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
            if not m:
                continue
            inc = m.group(1)
            if inc in shared or inc.startswith(prefixes):
                continue
            breaches.append(f"{path}:{n}: includes \"{inc}\", which {folder} may not")


def check_sizes():
    for top in SIZED:
        for path in sources(top):
            if path in GENERATED:
                continue
            n = sum(1 for _ in open(path, encoding="utf-8"))
            if n > MAX_LINES and path not in NOT_YET_SPLIT:
                breaches.append(f"{path}: {n} lines (more than {MAX_LINES}: one concern per file?)")
            elif n <= MAX_LINES and path in NOT_YET_SPLIT:
                breaches.append(f"{path}: {n} lines, within {MAX_LINES}: take it off NOT_YET_SPLIT")
    for path in sorted(NOT_YET_SPLIT):
        if not os.path.exists(path):
            breaches.append(f"{path}: on NOT_YET_SPLIT but no longer there")


def check_names():
    seen = collections.defaultdict(list)
    for dirpath, _, files in os.walk("user"):
        for f in files:
            seen[f].append(os.path.join(dirpath, f))
    for name, paths in sorted(seen.items()):
        if len(paths) > 1:
            breaches.append(f"{name}: {len(paths)} files of that name ({', '.join(sorted(paths))}): "
                            "give each a name of its own")


def check_test_names():
    named = collections.defaultdict(list)  # base name -> paths (user/ is unique by check_names)
    for top in ("user", "include"):
        for path in sources(top):
            named[os.path.splitext(os.path.basename(path))[0]].append(path)
    for path in sorted(glob.glob("tests/unit/test_*.c")):
        parts = os.path.basename(path)[len("test_"):-len(".c")].split("_")
        base = next(("_".join(parts[:k]) for k in range(len(parts), 0, -1)
                     if "_".join(parts[:k]) in named), None)
        if base is None:
            breaches.append(f"{path}: names no file of user/ or include/ (test_<file>.c tests <file>)")
            continue
        text = open(path, encoding="utf-8").read()
        opening = re.match(r"\s*(//[^\n]*\n\s*)*/\*.*?\*/", text, re.S)
        opening = opening.group(0) if opening else ""
        includes = set(re.findall(r'#\s*include\s+"([^"]+)"', text))
        ok = False
        for target in named[base]:
            rel = target[len("user/"):] if target.startswith("user/") else target
            header = os.path.splitext(rel)[0] + ".h"
            if header in includes or os.path.basename(header) in includes:
                ok = True
            if re.search(r"(?<![\w/])(user/)?" + re.escape(os.path.splitext(rel)[0]) + r"(\.[ch])?\b",
                         opening):
                ok = True
        if not ok:
            breaches.append(f"{path}: tests {' or '.join(named[base])} by its name, but neither "
                            "includes its header nor names it in its opening comment")


def check_circles():
    # only the objects of today's sources (a renamed file leaves its old one)
    objs = [os.path.join("build", p[:-2] + ".o") for p in sources("user") if p.endswith(".c")]
    objs = [o for o in objs if os.path.exists(o)]
    if not objs:
        breaches.append("build/user has no objects: run `make` first")
        return
    defined, needs = {}, collections.defaultdict(set)
    for o in objs:
        out = subprocess.run(["nm", o], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] in "TDBR":
                defined[parts[2]] = o
            elif len(parts) == 2 and parts[0] == "U":
                needs[o].add(parts[1])
    graph = {o: {defined[s] for s in needs[o] if s in defined and defined[s] != o}
             for o in objs}
    # Tarjan's strongly connected components: a component of two or more
    # objects is a circle.
    index, low, stack, on, comps, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(objs):
        if v not in index:
            visit(v)
    for comp in comps:
        names = [c[len("build/"):-2] + ".c" for c in comp]
        breaches.append("circle: " + " <-> ".join(names))


check_includes()
check_sizes()
check_names()
check_test_names()
check_circles()
for b in breaches:
    print(b)
print(f"house: {len(breaches)} breach(es) of the rules in docs/architecture.md")
sys.exit(1 if breaches else 0)
