"""The table (and with --docs, docs/benchmarks.md plus a recall-vs-QPS plot) from bench/run.sh's results.

Usage: /usr/bin/python3 bench/report.py target/bench/results.jsonl [--jmh target/bench/jmh.json] [--docs DIR]

Rows of several rounds of one configuration are merged (median of each timing). Ratios are against
hnswlib's C++ (-O3 -march=native) at the same workload, build threads, k and ef, and read "times as
fast": x single = QPS / hnswlib's QPS, x build = hnswlib's build seconds / build seconds.
"""
import argparse
import json
import os
import statistics
import sys
import time

REFERENCE = "hnswlib-cpp-native"
KEY = ("workload", "build_threads", "k", "ef")
TIMINGS = ("build_s", "build_cpu_s", "build_jit_s", "qps_single", "qps_single_cpu", "qps_batch_1t", "qps_batch_2t")
COLUMNS = [  # (header, field or function)
    ("engine", "engine"), ("workload", "workload"), ("threads", "build_threads"), ("k", "k"), ("ef", "ef"),
    ("build s", "build_s"), ("build cpu s", "build_cpu_s"), ("build jit s", "build_jit_s"),
    ("QPS single", "qps_single_cpu"),
    ("QPS single wall", "qps_single"), ("QPS batch 1t", "qps_batch_1t"),
    ("QPS batch 2t", "qps_batch_2t"), ("recall@k", "recall"), ("dist/query", "dist_per_query"),
    ("tied queries", "tied_share"), ("mem B/vec", "mem_bytes_per_vector"), ("disk B/vec", "disk_bytes_per_vector"),
    ("x single", "x_single"), ("x batch 2t", "x_batch_2t"), ("x build", "x_build"),
]
ENGINE_ORDER = ["hnswlib-cpp-native", "hnswlib-py-debian", "hnswj-java-panama", "hnswj-java-sse",
                "hnswj-graalpy", "lucene"]


def engine_rank(name):
    for i, prefix in enumerate(ENGINE_ORDER):
        if name.startswith(prefix):
            return i
    return len(ENGINE_ORDER)


def load(path):
    """(rows merged over rounds, with ratios; meta lines; paired lines, see paired_table)."""
    rows, metas, paired = [], [], []
    with open(path) as f:
        for line in f:
            if not line.startswith("{"):
                continue
            record = json.loads(line)
            (metas if "meta" in record else paired if "graph" in record else rows).append(record)
    merged = {}
    for r in rows:
        merged.setdefault((r["engine"],) + tuple(r[k] for k in KEY), []).append(r)
    out = []
    for group in merged.values():
        row = dict(group[0])
        row["rounds"] = len(group)
        for field in TIMINGS:
            values = [g[field] for g in group if g.get(field) is not None]
            if values:
                row[field] = statistics.median(values)
        out.append(row)
    out.sort(key=lambda r: (r["workload"], r["build_threads"], r["k"] != 10, r["k"], engine_rank(r["engine"]),
                            r["engine"], r["ef"]))
    reference = {tuple(r[k] for k in KEY): r for r in out if r["engine"] == REFERENCE}
    for r in out:
        ref = reference.get(tuple(r[k] for k in KEY))
        if ref and r is not ref:
            r["x_single"] = ratio(single(r), single(ref))
            r["x_batch_2t"] = ratio(r.get("qps_batch_2t"), ref.get("qps_batch_2t"))
            r["x_build"] = ratio(ref.get("build_cpu_s") or ref.get("build_s"), r.get("build_cpu_s") or r.get("build_s"))
    return out, metas, paired


def single(r):
    """Single-query QPS by the thread's CPU time (robust to other load), else by the wall clock."""
    return r.get("qps_single_cpu") or r.get("qps_single")


def ratio(a, b):
    return a / b if a and b else None


def fmt(value, field):
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if field.startswith("x_"):
        return f"{value:.2f}"
    if field == "recall":
        return f"{value:.4f}"
    if field == "tied_share":
        return f"{100 * value:.1f}%"
    if field in ("build_s", "build_cpu_s", "build_jit_s"):
        return f"{value:.2f}"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.1f}"
    return str(value)


def table(rows):
    lines = ["| " + " | ".join(h for h, _ in COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for r in rows:
        lines.append("| " + " | ".join(fmt(r.get(f), f) for _, f in COLUMNS) + " |")
    return "\n".join(lines)


def sweep_rows(rows, workload):
    """A workload's k=10 rows on the graphs of the full ef sweep (the first build-thread count): a graph
    built on more threads is measured at one ef only, and differs, so it would mix two curves."""
    rows = [r for r in rows if r["workload"] == workload and r["k"] == 10]
    threads = min((r["build_threads"] for r in rows), default=None)
    return [r for r in rows if r["build_threads"] == threads]


def at_recall(rows, thresholds=(0.5, 0.8, 0.9, 0.95, 0.99)):
    """Per workload (k=10): each engine's best single-thread QPS among configurations reaching a recall."""
    lines = []
    for workload in sorted({r["workload"] for r in rows}):
        sweep = sweep_rows(rows, workload)
        reached = [t for t in thresholds if any(r["recall"] >= t for r in sweep)]
        if not reached:
            continue
        engines = sorted({r["engine"] for r in sweep}, key=lambda e: (engine_rank(e), e))
        lines.append(f"\n**{workload}**, best QPS single (x hnswlib C++) with recall@10 at least, graphs of the ef sweep:\n")
        lines.append("| engine | " + " | ".join(f"{t:g}" for t in reached) + " |")
        lines.append("|---|" + "---|" * len(reached))
        best = {}
        for e in engines:
            for t in reached:
                qps = [single(r) for r in sweep if r["engine"] == e and r["recall"] >= t]
                best[e, t] = max(qps) if qps else None
        for e in engines:
            cells = []
            for t in reached:
                q, ref = best[e, t], best.get((REFERENCE, t))
                cells.append("-" if q is None else f"{q:,.0f}" + (f" ({q / ref:.2f})" if ref and e != REFERENCE else ""))
            lines.append(f"| {e} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def jmh_scores(path):
    """{(benchmark method, kernel, dim): ns per op} from JMH's JSON."""
    with open(path) as f:
        results = json.load(f)
    scores = {}
    for r in results:
        params = r.get("params", {})
        scores[r["benchmark"].rsplit(".", 1)[-1], params.get("kernel"), int(params.get("dim", 0))] = \
            r["primaryMetric"]["score"]
    return scores


def per_distance(rows, scores):
    """Per workload and ef (k=10, graphs of the ef sweep): the time one query spends per distance
    evaluation, 1e9 / (QPS single x dist/query), for hnswlib's C++ and ours; at the JMH kernels' dim, the
    query rates the kernel alone would allow: every vector hot in cache (JMH l2Batch/dotBatch, else
    l2/dot) or each one a fresh random read from a 1 GiB block, one at a time (JMH l2Cold)."""
    ours = next((e for e in sorted({r["engine"] for r in rows}) if e.startswith("hnswj-java")), None)
    if ours is None:
        return ""
    lines = ["| workload | ef | dist/query | C++ ns/dist | ours ns/dist | ours QPS | QPS bound, hot kernel "
             "| QPS bound, cold one at a time |", "|---|---|---|---|---|---|---|---|"]
    for workload in sorted({r["workload"] for r in rows}):
        sweep = sweep_rows(rows, workload)
        by = {(r["engine"], r["ef"]): r for r in sweep}
        for ef in sorted({r["ef"] for r in sweep}):
            mine, ref = by.get((ours, ef)), by.get((REFERENCE, ef))
            if not mine or not mine.get("dist_per_query") or not single(mine):
                continue
            evals = mine["dist_per_query"]
            # the batch path where JMH measured it (the graph computes its distances in batches)
            kind = "l2" if mine.get("space") == "l2" else "dot"
            hot = scores.get((kind + "Batch", "panama", mine.get("dim"))) or scores.get((kind, "panama", mine.get("dim")))
            cold = scores.get(("l2Cold", "panama", mine.get("dim")))
            cpp = (1e9 / (single(ref) * ref["dist_per_query"])
                   if ref and ref.get("dist_per_query") and single(ref) else None)
            lines.append(f"| {workload} | {ef} | {evals:,.0f} | {fmt(cpp, 'ns')} | "
                         f"{1e9 / (single(mine) * evals):.1f} | {single(mine):,.0f} | "
                         f"{fmt(1e9 / (hot * evals) if hot else None, 'qps')} | "
                         f"{fmt(1e9 / (cold * evals) if cold else None, 'qps')} |")
    return "\n".join(lines)


def graph_name(line):
    """Whose build a paired line's graph is, from the file name run.sh gives it (W2-cpp.bin, W2-java.bin)."""
    name = line["graph"]
    return "hnswlib's" if "-cpp" in name else "ours" if "-java" in name else name


def paired_table(paired):
    """PairedBench's lines: single-query QPS of hnswlib's C++ and ours in one process, alternating chunk
    by chunk on one thread, on the graph each built. Each JVM's ratio is the median over its rounds of
    hnswlib's time over ours; over several JVMs (run.sh --paired-runs), the median of theirs, with the
    lowest and highest JVM's beside it."""
    runs = {}
    for p in paired:
        runs.setdefault((p["workload"], graph_name(p), p["k"], p["ef"]), []).append(p)
    lines = ["| workload | graph | k | ef | recall@k C++ / ours | QPS C++ | QPS ours | ours / C++ | JVMs | per JVM |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for (workload, graph, k, ef), group in sorted(runs.items(), key=lambda item: (
            item[0][0], item[0][1] != "hnswlib's", item[0][2] != 10, item[0][2], item[0][3])):
        ratios = sorted(p["ratio"] for p in group)
        first = group[0]
        lines.append(f"| {workload} | {graph} | {k} | {ef} | {first['recall_cpp']:.4f} / {first['recall_ours']:.4f} | "
                     f"{statistics.median(p['qps_single_cpp'] for p in group):,.0f} | "
                     f"{statistics.median(p['qps_single_ours'] for p in group):,.0f} | "
                     f"{statistics.median(ratios):.2f} | {len(group)} | "
                     f"{', '.join(f'{r:.2f}' for r in ratios)} |")
    return "\n".join(lines)


def jmh_table(path):
    with open(path) as f:
        results = json.load(f)
    lines = ["| benchmark | kernel | dim | ns/op | error |", "|---|---|---|---|---|"]
    for r in results:
        name = r["benchmark"].rsplit(".", 2)
        params = r.get("params", {})
        metric = r["primaryMetric"]
        lines.append(f"| {name[-2]}.{name[-1]} | {params.get('kernel', '-')} | {params.get('dim', '-')} | "
                     f"{metric['score']:.2f} | ±{metric['scoreError']:.2f} |")
    return "\n".join(lines)


def plot(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    workloads = sorted({r["workload"] for r in rows})
    figure, axes = plt.subplots(1, len(workloads), figsize=(6 * len(workloads), 4.5), squeeze=False)
    for ax, workload in zip(axes[0], workloads):
        sweep = sweep_rows(rows, workload)
        for e in sorted({r["engine"] for r in sweep}, key=lambda e: (engine_rank(e), e)):
            points = sorted((r["recall"], single(r)) for r in sweep if r["engine"] == e)
            ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=e,
                    linewidth=2.5 if e == REFERENCE else 1.5)
        first = sweep[0] if sweep else {}
        ax.set_title(f"{workload}: {first.get('n', '?'):,} x {first.get('dim', '?')} {first.get('space', '')}, "
                     f"M={first.get('m', '?')}, efc={first.get('efc', '?')}", fontsize=10)
        ax.set_xlabel("recall@10")
        ax.set_ylabel("queries per second (1 thread, 1 query per call, CPU time)")
        ax.set_yscale("log")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def machine(metas):
    start = next((m for m in metas if m["meta"] == "start"), {})
    end = next((m for m in metas if m["meta"] == "end"), {})
    return (f"{start.get('cpu', '?')}, {start.get('cores', '?')} cores ({', '.join(start.get('simd', []))}), "
            f"Linux {start.get('kernel', '?')}, commit {start.get('commit', '?')}; 1-minute load average "
            f"{start.get('loadavg', 0):.2f} at the start and {end.get('loadavg', 0):.2f} at the end")


NOTES = """\
How to read it:

- One build per engine and workload (`threads` = build threads; `build s` wall-clock seconds, `build cpu s`
  the CPU seconds of the whole process over the build, JIT and GC threads included; `build jit s`, JVM
  engines only: HotSpot's JIT compilers' time within it, by the JVM's CompilationMXBean, which on two cores
  takes its share from a two-thread build). Then for each k and
  ef: `QPS single` is one search call per query on one thread (hnswlib's `searchKnn`, Python `knn_query`
  of one row, Java `HnswIndex.search`) timed by that thread's CPU clock, which time slices lost to other
  processes on a shared machine do not inflate (`QPS single wall`: the same by the wall clock);
  `QPS batch Tt` is one call for the whole query set on T threads, wall clock (hnswlib's Python
  `knn_query(num_threads=T)`; the C++ driver uses the same atomic-counter thread pool; our engine's
  `searchBatch`). Each timed pass goes over the query set again until it has lasted `--min-window`
  seconds (default 0.5; `min_window_s` in the results file) and counts the time per set. Medians of
  several passes after warm-up passes; with `--rounds N` also the median over N alternating runs of
  every engine.
- `recall@k`: returned labels among the exact k nearest (ties at the k-th distance count), ground truth
  by float64 brute force.
- `dist/query`: distance evaluations per query, upper levels included (C++: a counting wrapper around
  hnswlib's distance function; ours: `HnswIndex.searchStats()`; Lucene: the collector's visited count).
  Not available through the Python API.
- `mem B/vec`: C++ and Python: the process RSS growth over the build; ours: the engine's own off-heap
  accounting plus heap growth after GC; Lucene: `ramBytesUsed()` of the graph plus the float[] vectors.
  `disk B/vec`: the saved index (hnswlib's format, identical for ours); Lucene has no file here.
- `x single`, `x batch 2t`, `x build`: times as fast as hnswlib's C++ (Debian 0.6.2 headers, g++ -O3
  -march=native) in the same run, by `QPS single`, `QPS batch 2t` and `build cpu s`; above 1 is faster. hnswlib 0.6.2 counts search statistics with
  atomics, which costs it some multi-threaded speed (0.8.0 switched that off).
- Timings on a shared 2-core machine are noisy: compare ratios within one run, not across runs.
"""


COSTS = """\
One query's single-thread time divided by its distance evaluations (k=10, graphs of the ef sweep): all
of the search's work, graph walk and heaps included, per distance. The two bounds multiply the JMH
kernel's time per distance (at its dim only, 128: W2 and W3) by the same evaluations: with every vector
already in cache, and with every vector a random read from memory waited for one at a time. Where the
measured time per distance is several times the hot kernel's, the search waits on memory, not on
arithmetic, and a faster kernel cannot close the gap.

"""


PAIRED = """\
`--paired`: hnswlib's C++ (bench/cpp/hnswlib_shim.cpp, the driver's headers and flags, built as a
shared library) and our engine load the same saved index into one JVM and answer the queries one call
each on one thread, alternating every 50 queries (which engine goes first alternates too), so that both
are timed under the same machine conditions. Each graph is the one an engine built in this run's first
round (both load either: the file format is the same). A JVM's ratio is the median over 9 rounds of
hnswlib's time over ours (above 1: ours faster), wall clock; `ours / C++` is the median over the JVMs
(`run.sh --paired-runs`, default 3), `per JVM` lists each one's: our search speed can differ by 25-30%
between two JVMs of the same jar on the same graph, for the JVM's whole life. The recalls are equal
when both walk the graph alike.

"""


def main():
    p = argparse.ArgumentParser()
    p.add_argument("results")
    p.add_argument("--jmh")
    p.add_argument("--docs")
    a = p.parse_args()
    rows, metas, paired = load(a.results)
    if not rows and not paired:
        sys.exit("no results in " + a.results)
    text = table(rows) if rows else ""
    startups = [m for m in metas if m["meta"] == "startup"]
    if startups:
        text += "\n\nStart-up, `-c 'import hnswlib'` (median of 3, wall): " + ", ".join(
            f"{m['engine']} {m['seconds']:.2f} s" for m in startups)
    summary = at_recall(rows)
    busy = [m for m in metas if m.get("loadavg", 0) > m.get("cores", 1)]
    if busy:
        loads = ", ".join("%.1f" % m["loadavg"] for m in metas if "loadavg" in m)
        text = (f"Note: other work was running (load average {loads} "
                f"on {metas[0].get('cores')} cores at the start/end): wall-clock numbers are unreliable, "
                "CPU-clock ratios less so; rerun on a quiet machine.\n\n") + text
    print(text)
    if summary:
        print(summary)
    jmh = jmh_table(a.jmh) if a.jmh and os.path.exists(a.jmh) else ""
    if jmh:
        print("\n" + jmh)
    costs = per_distance(rows, jmh_scores(a.jmh) if jmh else {})
    if costs:
        print("\n" + costs)
    pairs = paired_table(paired) if paired else ""
    if pairs:
        print("\n" + pairs)
    if a.docs:
        png = "benchmarks-recall-qps.png"
        plot(rows, os.path.join(a.docs, png))
        args = next((m.get("args", "") for m in metas if m["meta"] == "start"), "")
        with open(os.path.join(a.docs, "benchmarks.md"), "w") as out:
            out.write("# Benchmarks\n\n")
            out.write(f"Written by `{('bench/run.sh ' + args).strip()}` on {time.strftime('%Y-%m-%d', time.gmtime())}: "
                      f"{machine(metas)}. Every engine ran on the same data in the same run; see "
                      "`bench/README.md` for the engines, workloads and how to run it.\n\n")
            out.write(text + "\n")
            if summary:
                out.write("\n## At equal recall\n" + summary + "\n")
            out.write(f"\n## Recall against QPS\n\n![recall@10 against single-thread QPS]({png})\n")
            if jmh:
                out.write("\n## Distance kernels (JMH, one op = one vector)\n\n" + jmh + "\n")
            if costs:
                out.write("\n## Time per distance evaluation, and the kernel's bound\n\n" + COSTS + costs + "\n")
            if pairs:
                out.write("\n## hnswlib's C++ and ours in one process, on the same graphs\n\n" + PAIRED + pairs + "\n")
            out.write("\n## Method\n\n" + NOTES)
        print(f"wrote {os.path.join(a.docs, 'benchmarks.md')} and {png}", file=sys.stderr)


if __name__ == "__main__":
    main()
