"""bench/profile.sh's table: perf's samples of hnswlib's C++ and of our engine, summed by activity.

Usage: /usr/bin/python3 bench/profile.py [--rows N] [--hz 499] [--docs DIR] W2=target/bench/profile/W2 ...

Each directory holds perf reports (`perf report --stdio -n --sort comm,dso,sym -t '|'`) named
{cpp,java}-{build,search}.txt and the drivers' JSON lines in the matching .out files. A sample is
sorted by its thread first (the JIT's compiler threads, the JVM's GC and service threads), then by the
function it was in; C2 inlines callees into their callers, so our search loop includes the visited set
and the heaps where hnswlib's does too (std::priority_queue's push is inlined there, its pop is not).
"""
import argparse
import json
import os
import re
import sys

# (activity, thread name pattern or None, function pattern or None, library pattern or None): first match
RULES = [
    ("JIT compiler threads", r"Compiler", None, None),
    ("GC and other JVM threads", r"^(GC |VM |Service|G1 |Common-Cleaner|Reference|Finalizer|Signal)", None, None),
    ("distance kernel", None,
     r"InnerProduct|L2Sqr|PanamaKernel|SseOrderKernel|ScalarKernel|VectorDistance|jdk\.incubator\.vector"
     r"|VectorSupport", None),
    ("search loop: links, visited set, heaps", None,
     r"searchBaseLayer|searchKnn|GraphInserter\.searchLayer|claimNeighbors|GraphSearcher|VisitedSet|HnswGraph"
     r"|priority_queue|StdHeap|__adjust_heap|__push_heap|__pop_heap", None),
    ("neighbour selection and linking", None,
     r"getNeighborsByHeuristic2|mutuallyConnectNewElement|NeighborSelector|DualPivotQuicksort"
     r"|GraphInserter\.(linkBack|connect|selectAndLinkOwn)", None),
    ("locks", None, r"pthread_mutex|NodeLocks|ReentrantReadWriteLock|AbstractQueuedSynchronizer|ScratchPool",
     None),
    ("operating system", None, None, r"^\[kernel"),
    ("interpreter and JVM runtime", None, r"^Interpreter$|^StubRoutines|^I2C|^C2I", r"libjvm"),
]
OTHER = "the rest (reading data, inserts' bookkeeping, results, libc)"
ACTIVITIES = [rule[0] for rule in RULES] + [OTHER]
ENGINES = (("cpp", "hnswlib C++"), ("java", "ours"))
PHASES = (("build", "Building the rows with one thread"),
          ("search", "Searching hnswlib's graph of them, one query per call, the ef sweep"))


def activity(comm, dso, sym):
    for name, comm_re, sym_re, dso_re in RULES:
        if comm_re and re.search(comm_re, comm):
            return name
        if sym_re and re.search(sym_re, sym):
            return name
        if dso_re and re.search(dso_re, dso):
            return name
    return OTHER


def method_name(sym):
    """A JIT frame's class and method without return and argument types ("void a.B.c(d.E, int)" is "a.B.c"),
    so that a type in a signature does not decide its activity; native symbols unchanged."""
    if "(" not in sym:
        return sym
    return sym[:sym.index("(")].split(" ")[-1]


def read_report(path):
    """{activity: samples} from one perf report."""
    totals = dict.fromkeys(ACTIVITIES, 0)
    with open(path) as f:
        for line in f:
            if line.startswith("#") or "|" not in line:
                continue
            fields = [x.strip() for x in line.split("|")]
            if len(fields) < 5:
                continue
            samples, comm, dso, sym = int(fields[1]), fields[2], fields[3], fields[4]
            sym = method_name(re.sub(r"^\[[.k]\]\s*", "", sym))
            totals[activity(comm, dso, sym)] += samples
    return totals


def driver_lines(path):
    lines = []
    if os.path.exists(path):
        for line in open(path):
            if line.startswith("{"):
                lines.append(json.loads(line))
    return lines


def timing(dir_, engine, phase):
    """What the driver itself measured in the profiled run (perf's sampling slows both a little)."""
    lines = driver_lines(os.path.join(dir_, f"{engine}-{phase}.out"))
    if not lines:
        return "no result"
    if phase == "build":
        return f"build {lines[0]['build_s']:.1f} s"
    qps = [str(round(line["qps_single"])) for line in lines]
    return "QPS single " + "/".join(qps) + " at ef " + "/".join(str(line["ef"]) for line in lines)


def table(dir_, phase, hz):
    reports = {}
    for engine, _ in ENGINES:
        path = os.path.join(dir_, f"{engine}-{phase}.txt")
        if not os.path.exists(path):
            return None
        reports[engine] = read_report(path)
    head = "| activity | " + " | ".join(f"{label} s | %" for _, label in ENGINES) + " |"
    out = [head, "|---|" + "---|---|" * len(ENGINES)]
    totals = {engine: sum(r.values()) for engine, r in reports.items()}
    for name in ACTIVITIES:
        if all(reports[e][name] == 0 for e, _ in ENGINES):
            continue
        cells = []
        for engine, _ in ENGINES:
            n = reports[engine][name]
            cells.append(f"{n / hz:.1f} | {100 * n / max(1, totals[engine]):.0f}")
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    out.append("| **all samples** | " + " | ".join(f"**{totals[e] / hz:.1f}** | 100" for e, _ in ENGINES) + " |")
    out.append("")
    out.append("Timed by the drivers in these runs: "
               + "; ".join(f"{label} {timing(dir_, engine, phase)}" for engine, label in ENGINES) + ".")
    return "\n".join(out)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=0)
    p.add_argument("--hz", type=float, default=499)
    p.add_argument("--docs")
    p.add_argument("workloads", nargs="+", help="W=DIR")
    a = p.parse_args()
    sections = []
    for item in a.workloads:
        workload, dir_ = item.split("=", 1)
        for phase, title in PHASES:
            t = table(dir_, phase, a.hz)
            if t:
                sections.append(f"### {workload}, first {a.rows:,} rows: {title}\n\n{t}\n")
    text = "\n".join(sections)
    print(text)
    if a.docs:
        os.makedirs(a.docs, exist_ok=True)
        with open(os.path.join(a.docs, "profile.md"), "w") as f:
            f.write("# Where the time goes\n\n"
                    "Written by `bench/profile.sh --docs` (perf's CPU-clock samples at "
                    f"{a.hz:g} Hz, all threads of each process; seconds = samples / rate). Both engines do the "
                    "same work: the same rows, the same graph to search, the same distance evaluations. "
                    "See bench/profile.py for how samples are sorted.\n\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
