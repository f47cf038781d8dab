"""hnswlib's Python API on a bench workload, timed as bench/cpp/hnswlib_driver.cpp times the C++.

Runs under Debian's /usr/bin/python3 (python3-hnswlib 0.6.2) and under our bin/graalpy, whose `hnswlib`
module is the drop-in: numpy is the only dependency and only the API common to hnswlib 0.6.2 and 0.8.0
is used.

Usage: hnswlib_py_driver.py --data DIR --space l2|ip|cosine [--m 16] [--efc 200] [--build-threads 1]
         [--ks 10] [--efs 10,20] [--queries N] [--repeats 3] [--warmups W] [--batch-threads 1,2]
         [--min-window 0.5] [--engine NAME] [--workload NAME] [--tmp DIR] [--jit-warmup SECONDS] [--sweeps N]
Prints one JSON line per (k, ef); the fields are documented in bench/README.md.

  build_s        one add_items call with num_threads=--build-threads, ids 0..n-1 (build_cpu_s: process
                 CPU seconds over the same span; build_jit_s, under GraalPy only: HotSpot's JIT compilers'
                 time over it, which on 2 cores competes with the build)
  qps_single     one knn_query call per query (a 1-D array), num_threads=1 (qps_single_cpu: by the
                 thread's CPU time, time.thread_time)
  qps_batch_<T>t one knn_query call for the whole query set with num_threads=T
A pass goes over the query set as many times as it takes to last --min-window seconds (one set at a low
ef lasts a few ms, too short to time alone; under GraalPy a collection or a compilation in it would weigh
on the whole figure) and counts the time per set. Medians of --repeats passes after at least --warmups warm-up passes (default 1; GraalPy 2, the JIT compiles the
loop) and until two in a row agree within 10% (at most 5x --warmups single passes, 3x batch passes);
under GraalPy, first at least --jit-warmup seconds (default 60) of searches and until their rate settles (at most
3x as long), then one unmeasured sweep over every (k, ef) (--sweeps 2: a new loop is compiled in the background
while it runs, and the first configurations measured lost the CPU to the compiler), so that the figures are
steady state. Passes settle on wall time, which is what is reported.
Memory is the process RSS delta over the build (gc'd before and after); disk is the save_index size.
Distance evaluations are not exposed by the Python API (null).
"""
import argparse
import gc
import json
import os
import platform
import sys
import time

import numpy as np

import hnswlib


def read_vecs(path, dtype=np.float32):
    raw = np.fromfile(path, dtype=np.int32)
    dim = int(raw[0])
    return np.ascontiguousarray(raw.reshape(-1, dim + 1)[:, 1:]).view(dtype)


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def jit_seconds():
    """HotSpot's accumulated JIT seconds (C1 and C2; Truffle's compilations of Python are not counted) under
    GraalPy, through Java interop; None elsewhere."""
    if platform.python_implementation() != "GraalVM":
        return None
    import java  # GraalPy's host interop module
    jit = java.type("java.lang.management.ManagementFactory").getCompilationMXBean()
    return jit.getTotalCompilationTime() / 1e3 if jit and jit.isCompilationTimeMonitoringSupported() else None


def median(values):
    values = sorted(values)
    n = len(values)
    return values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2


def recall(labels, dists, gt, gt_dist, k):
    """A returned label counts if it is among the exact k nearest or ties the k-th exact distance."""
    truth = gt[:, :k]
    kth = gt_dist[:, k - 1].astype(np.float32)
    tie = kth + np.float32(1e-5) * np.abs(kth) + np.float32(1e-6)
    member = (labels.astype(np.int64)[:, :, None] == truth[:, None, :].astype(np.int64)).any(axis=2)
    hits = member | (dists <= tie[:, None])
    return float(hits.sum()) / (labels.shape[0] * k)


def warm_up(index, rows, queries, k, ef, at_least, at_most=None):
    """Searches (100 single calls, then one batch of 100, in a loop) for at least `at_least` seconds and
    until the single-call rate has settled: the last three 5-second windows within 10% of each other
    (GraalPy on a stock JDK compiles the Python call path with the Graal compiler, itself compiled by C2
    first, which keeps a core busy for a minute or more). Gives up settling after `at_most` seconds
    (default 3 x at_least). Prints the windows' rates to stderr."""
    at_most = at_most or 3 * at_least
    index.set_ef(ef)
    start = time.perf_counter()
    window_start, calls, rates = start, 0, []
    labels = np.empty((100, k), dtype=np.uint64)
    dists = np.empty((100, k), dtype=np.float32)
    while True:
        search_each(index, rows[:100], k, labels, dists)  # as the measured single pass
        index.knn_query(queries[:100], k=k, num_threads=1)
        calls += 100
        now = time.perf_counter()
        if now - window_start >= 5:
            rates.append(calls / (now - window_start))
            window_start, calls = now, 0
            last = rates[-3:]
            settled = len(last) == 3 and max(last) <= 1.1 * min(last)
            if (now - start >= at_least and settled) or now - start >= at_most:
                break
    print(f"warm-up: {now - start:.0f} s, single-call rates per 5 s window: "
          + " ".join(f"{r:.0f}" for r in rates), file=sys.stderr, flush=True)


def search_each(index, rows, k, labels, dists):
    """One knn_query call per row, each result copied into row q of labels and dists (as a user's loop)."""
    for q, row in enumerate(rows):
        l, d = index.knn_query(row, k=k, num_threads=1)
        labels[q] = l[0]
        dists[q] = d[0]


def timed_window(run, min_seconds):
    """(seconds per call of `run`, calls): calls it again until `min_seconds` have passed (at least once)."""
    start = time.perf_counter()
    calls = 0
    while True:
        run()
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return elapsed / calls, calls


def settle(run_pass, at_least, at_most):
    """Runs a pass at least `at_least` times and until two passes in a row take times within 10% of
    each other (at most `at_most`): under GraalPy each new (k, ef) loop is compiled anew."""
    previous = run_pass()
    for _ in range(at_most - 1):
        current = run_pass()
        at_least -= 1
        if at_least <= 1 and abs(current - previous) <= 0.1 * max(current, previous):
            return
        previous = current


def int_list(text):
    return [int(x) for x in text.split(",") if x]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", required=True)
    p.add_argument("--space", default="l2")
    p.add_argument("--m", type=int, default=16)
    p.add_argument("--efc", type=int, default=200)
    p.add_argument("--build-threads", type=int, default=1)
    p.add_argument("--ks", type=int_list, default=[10])
    p.add_argument("--efs", type=int_list, default=[10])
    p.add_argument("--queries", type=int, default=0)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--batch-threads", type=int_list, default=[1, 2])
    p.add_argument("--min-window", type=float, default=0.5,
                   help="seconds a timed pass lasts at least, going over the query set again (default 0.5)")
    p.add_argument("--warmups", type=int, default=None, help="default: 1, GraalPy 2 (the JIT compiles the loop)")
    p.add_argument("--jit-warmup", type=float, default=None,
                   help="at least this many seconds of searches before any measurement, then until the rate "
                        "settles (at most 3x as long; default: GraalPy 60, else 0)")
    p.add_argument("--sweeps", type=int, default=None,
                   help="sweeps over every (k, ef), only the last one measured (default: GraalPy 2, else 1)")
    p.add_argument("--engine", default="hnswlib-python")
    p.add_argument("--workload", default="")
    p.add_argument("--tmp", default="/tmp")
    a = p.parse_args()

    base = read_vecs(os.path.join(a.data, "base.fvecs"))
    queries = read_vecs(os.path.join(a.data, "query.fvecs"))
    gt = read_vecs(os.path.join(a.data, "gt.ivecs"), np.int32)
    gt_dist = read_vecs(os.path.join(a.data, "gt_dist.fvecs"))
    if 0 < a.queries < len(queries):
        queries, gt, gt_dist = queries[:a.queries], gt[:a.queries], gt_dist[:a.queries]
    n, dim = base.shape
    nq = len(queries)
    ids = np.arange(n, dtype=np.uint64)
    graalpy = platform.python_implementation() == "GraalVM"
    warmups = a.warmups if a.warmups is not None else 2 if graalpy else 1

    gc.collect()
    rss0 = rss_bytes()
    t0, c0, jit0 = time.perf_counter(), time.process_time(), jit_seconds()
    index = hnswlib.Index(space=a.space, dim=dim)
    index.init_index(max_elements=n, ef_construction=a.efc, M=a.m, random_seed=100)
    index.add_items(base, ids, num_threads=a.build_threads)
    build_s = time.perf_counter() - t0
    build_cpu_s = time.process_time() - c0
    build_jit_s = None if jit0 is None else jit_seconds() - jit0
    gc.collect()
    mem_per_vector = (rss_bytes() - rss0) / n

    path = os.path.join(a.tmp, f"hnswlib_py_driver.{os.getpid()}.bin")
    index.save_index(path)
    disk_per_vector = os.path.getsize(path) / n
    os.remove(path)

    rows = list(queries)  # 1-D views, one per query
    jit_warmup = a.jit_warmup if a.jit_warmup is not None else 60.0 if graalpy else 0.0
    if jit_warmup > 0:
        warm_up(index, rows, queries, max(a.ks), min(a.efs), jit_warmup)
    sweeps = a.sweeps if a.sweeps is not None else 2 if graalpy else 1
    for sweep in range(sweeps):
        measure(a, index, rows, queries, gt, gt_dist, warmups, measured=sweep == sweeps - 1,
                build=(n, dim, nq, build_s, build_cpu_s, build_jit_s, mem_per_vector, disk_per_vector))


def measure(a, index, rows, queries, gt, gt_dist, warmups, measured, build):
    """One sweep over every (k, ef): settles each pass, then (if `measured`) prints its JSON line."""
    n, dim, nq, build_s, build_cpu_s, build_jit_s, mem_per_vector, disk_per_vector = build
    for k in a.ks:
        for ef in a.efs:
            index.set_ef(ef)
            labels = np.empty((nq, k), dtype=np.uint64)
            dists = np.empty((nq, k), dtype=np.float32)

            def single_pass():
                c = time.thread_time()
                seconds, sets = timed_window(lambda: search_each(index, rows, k, labels, dists), a.min_window)
                return seconds, (time.thread_time() - c) / sets

            def batch_pass(threads):
                return timed_window(lambda: index.knn_query(queries, k=k, num_threads=threads), a.min_window)[0]

            settle(lambda: single_pass()[0], warmups, 5 * warmups)
            for t in a.batch_threads:
                settle(lambda: batch_pass(t), warmups, 3 * warmups)
            if not measured:
                continue
            single, single_cpu = [], []
            batch = {t: [] for t in a.batch_threads}
            for _ in range(a.repeats):
                wall, cpu = single_pass()
                single.append(wall)
                single_cpu.append(cpu)
                for t in a.batch_threads:
                    batch[t].append(batch_pass(t))
            line = {"engine": a.engine, "workload": a.workload, "space": a.space, "n": n, "dim": dim, "nq": nq,
                    "m": a.m, "efc": a.efc, "build_threads": a.build_threads, "k": k, "ef": ef,
                    "build_s": round(build_s, 3), "build_cpu_s": round(build_cpu_s, 3),
                    "build_jit_s": None if build_jit_s is None else round(build_jit_s, 3),
                    "qps_single": round(nq / median(single), 1),
                    "qps_single_cpu": round(nq / median(single_cpu), 1) if median(single_cpu) > 0 else None}
            for t in a.batch_threads:
                line[f"qps_batch_{t}t"] = round(nq / median(batch[t]), 1)
            line.update({"recall": round(recall(labels, dists, gt, gt_dist, k), 4), "dist_per_query": None,
                         "hops_per_query": None, "mem_bytes_per_vector": round(mem_per_vector, 1),
                         "mem_source": "rss delta",
                         "disk_bytes_per_vector": round(disk_per_vector, 1), "repeats": a.repeats,
                         "min_window_s": a.min_window,
                         "impl": f"{platform.python_implementation()} {platform.python_version()}, "
                                 f"hnswlib from {os.path.dirname(hnswlib.__file__) or hnswlib.__name__}"})
            print(json.dumps(line), flush=True)


if __name__ == "__main__":
    sys.exit(main())
