#!/usr/bin/env python3
"""The cost of the task-budget and preemption checks with both off.

Builds two yieldscript binaries from this tree: "with" as it is, and
"without", a copy in a temporary directory where every check that task
budgets (t.limit), block reports and preemption added to the VM and the
scheduler is compiled out (its condition becomes `false && ...`, which the
compiler removes with the code it guards). Then runs the CPU programs of
bench/programs with `--block-report 0` (both features off), alternating the
two binaries run by run, and compares the fastest run of each (user+sys CPU
seconds of the child and wall seconds).

With --instructions it counts the instructions each binary executes instead
(valgrind's cachegrind, `I refs`, with GOGC=off; about 50 times slower than a
plain run, but the count moves by about 0.01% between runs, so a noisy
machine still resolves well under 1%).

    python3 bench/checks/cost.py                  # 15 rounds, the CPU programs
    python3 bench/checks/cost.py --rounds 31 --programs fib,loop
    python3 bench/checks/cost.py --instructions --rounds 2

The patch is by exact text: when the code it names moves or changes, the
script stops and says which text it did not find.
"""
import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# (text, replacement, how many times it must occur in the tree's Go files)
PATCH = [
    # Preemption at a back-edge (Task.exec, LOOP) and at a call (Task.call).
    ("if w := m.Watch; w != nil && w.preempt() {", "if w := m.Watch; false && w != nil && w.preempt() {", 1),
    ("preempt = m.Watch != nil && m.Watch.preempt()", "preempt = false && m.Watch != nil && m.Watch.preempt()", 1),
    # The watchdog's note of where the task runs, and the task's own budget, in slowTick.
    ("if w := m.Watch; w != nil {\n\t\tw.Note(t)", "if w := m.Watch; false && w != nil {\n\t\tw.Note(t)", 1),
    ("if t.Limit != nil {\n\t\tif e := t.Limit.tickOwn(used)", "if false && t.Limit != nil {\n\t\tif e := t.Limit.tickOwn(used)", 1),
    # The task's own memory budget beside the shared quota.
    ("t.Quota != nil || t.Limit != nil", "t.Quota != nil || false && t.Limit != nil", None),
    # A preempted task resuming without a value.
    ("if t.preempted {\n\t\tt.preempted = false\n\t\treturn t.run(nil)", "if false && t.preempted {\n\t\tt.preempted = false\n\t\treturn t.run(nil)", 1),
    # The scheduler telling the watchdog that a step begins and ends.
    ("if wd := l.watch; wd != nil {\n\t\twd.begin(t)", "if wd := l.watch; false && wd != nil {\n\t\twd.begin(t)", 1),
    ("if wd := l.watch; wd != nil {\n\t\twd.end(t, ended)", "if wd := l.watch; false && wd != nil {\n\t\twd.end(t, ended)", 1),
]

PROGRAMS = "fib,loop,list,strjoin,map,closure,sort,regex"


def build(src, out):
    subprocess.run(["go", "build", "-o", out, "./cmd/yieldscript"], cwd=src, check=True)


def patched_copy(dst):
    os.makedirs(dst)
    archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", dst], input=archive, check=True)
    # Uncommitted changes of the tree count too.
    diff = subprocess.run(["git", "diff", "HEAD"], cwd=ROOT, check=True, capture_output=True).stdout
    if diff:
        subprocess.run(["git", "apply"], cwd=dst, input=diff, check=True)
    files = []
    for d, _, names in os.walk(os.path.join(dst, "lang")):
        files += [os.path.join(d, n) for n in names if n.endswith(".go") and not n.endswith("_test.go")]
    for d, _, names in os.walk(os.path.join(dst, "runtime")):
        files += [os.path.join(d, n) for n in names if n.endswith(".go") and not n.endswith("_test.go")]
    text = {f: open(f).read() for f in files}
    for old, new, want in PATCH:
        n = sum(t.count(old) for t in text.values())
        if n == 0 or want is not None and n != want:
            sys.exit(f"cost.py: found {n} of {old!r} (want {want or 'some'}); update PATCH")
        for f in text:
            text[f] = text[f].replace(old, new)
    for f, t in text.items():
        with open(f, "w") as fh:
            fh.write(t)


def run_once(binary, prog):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([binary, "--block-report", "0", prog], check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def count_instructions(binary, prog):
    # Without the garbage collector the count is the same to 0.01% run after
    # run (with it, GC timing moves it by about 1%); the checks do not
    # allocate, so the comparison loses nothing.
    env = dict(os.environ, GOGC="off")
    out = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
                          binary, "--block-report", "0", prog], check=True, capture_output=True, text=True, env=env).stderr
    m = re.search(r"I\s+refs:\s+([\d,]+)", out)
    if not m:
        sys.exit("cost.py: no instruction count in valgrind's output:\n" + out)
    return int(m.group(1).replace(",", "")), int(m.group(1).replace(",", ""))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--programs", default=PROGRAMS)
    ap.add_argument("--instructions", action="store_true", help="count instructions with valgrind")
    args = ap.parse_args()
    work = tempfile.mkdtemp()
    copy = os.path.join(work, "without")
    try:
        patched_copy(copy)
        bins = {"with": os.path.join(work, "ys-with"), "without": os.path.join(work, "ys-without")}
        build(ROOT, bins["with"])
        build(copy, bins["without"])
        progs = args.programs.split(",")
        best = {(b, p): [float("inf"), float("inf")] for b in bins for p in progs}
        for r in range(args.rounds):
            for p in progs:
                path = os.path.join(ROOT, "bench", "programs", p + ".ys")
                order = ["with", "without"] if r % 2 == 0 else ["without", "with"]
                for b in order:
                    wall, cpu = (count_instructions if args.instructions else run_once)(bins[b], path)
                    cell = best[(b, p)]
                    cell[0], cell[1] = min(cell[0], wall), min(cell[1], cpu)
        n = len(progs)
        if args.instructions:
            print(f"fewest instructions of {args.rounds} alternating runs, --block-report 0 (both off)\n")
            print("| program | without | with | ratio |")
            print("|---|---|---|---|")
            g = 1.0
            for p in progs:
                i0, i1 = best[("without", p)][0], best[("with", p)][0]
                g *= i1 / i0
                print(f"| {p} | {i0:,} | {i1:,} | {i1 / i0:.4f} |")
            print(f"| geometric mean | | | {g ** (1 / n):.4f} |")
            return
        print(f"fastest of {args.rounds} alternating runs, --block-report 0 (both off)\n")
        print("| program | without: wall s | with: wall s | wall ratio | without: CPU s | with: CPU s | CPU ratio |")
        print("|---|---|---|---|---|---|---|")
        walls, cpus = 1.0, 1.0
        for p in progs:
            w0, c0 = best[("without", p)]
            w1, c1 = best[("with", p)]
            walls *= w1 / w0
            cpus *= c1 / c0
            print(f"| {p} | {w0:.3f} | {w1:.3f} | {w1 / w0:.3f} | {c0:.3f} | {c1:.3f} | {c1 / c0:.3f} |")
        print(f"| geometric mean | | | {walls ** (1 / n):.3f} | | | {cpus ** (1 / n):.3f} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
