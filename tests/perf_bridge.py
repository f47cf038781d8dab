"""Measures the Python-Java bridge: the per-call overhead of a single-vector knn_query and the per-row
cost of a batch. A command, not a test (pytest does not collect it):

    bin/graalpy tests/perf_bridge.py          # this module on the engine
    /usr/bin/python3 tests/perf_bridge.py     # Debian's hnswlib (C++), for comparison

Prints one line per measurement; medians of repeated timings after a warm-up (GraalPy and the JVM
compile the call path during the first few thousand calls).
"""
import os
import statistics
import sys
import time

import numpy as np

import hnswlib


def per_call(function, calls, repeat):
    """Median seconds per call over `repeat` runs of `calls` calls."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(calls):
            function()
        samples.append((time.perf_counter() - start) / calls)
    return statistics.median(samples)


def main():
    dim, n, k = 256, 10_000, 10
    rng = np.random.default_rng(1)
    data = rng.random((n, dim), dtype=np.float32)
    queries = rng.random((1000, dim), dtype=np.float32)
    index = hnswlib.Index("l2", dim)
    index.init_index(n)
    start = time.perf_counter()
    index.add_items(data)
    build = time.perf_counter() - start
    index.set_ef(50)
    tiny = hnswlib.Index("l2", dim)  # one element: the search itself costs next to nothing
    tiny.init_index(1)
    tiny.add_items(data[:1])
    q = queries[0]
    name = sys.implementation.name
    warm_up = int(os.environ.get("PERF_WARMUP", 5000)) if name == "graalpy" else 100
    for i in range(warm_up):
        tiny.knn_query(q, k=1)
        index.knn_query(queries[i % 1000], k=k)
    for _ in range(5):
        index.knn_query(queries, k=k, num_threads=1)

    overhead = per_call(lambda: tiny.knn_query(q, k=1), 2000, 7)
    single = per_call(lambda: [index.knn_query(v, k=k) for v in queries], 1, 5) / len(queries)
    batch = per_call(lambda: index.knn_query(queries, k=k, num_threads=1), 1, 7) / len(queries)
    batch2 = per_call(lambda: index.knn_query(queries, k=k, num_threads=2), 1, 7) / len(queries)
    print(f"{name}: build {n} x {dim} (M=16, ef_construction=200, all cores): {build:.2f} s")
    print(f"{name}: per-call overhead, knn_query of 1 vector on a 1-element index: {overhead * 1e6:.1f} us")
    print(f"{name}: knn_query of 1 vector, 10,000 x 256, ef=50, k=10: {single * 1e6:.1f} us/call "
          f"({1 / single:.0f} QPS)")
    print(f"{name}: batch of 1000 queries: {batch * 1e6:.1f} us/row on 1 thread, {batch2 * 1e6:.1f} us/row on 2 threads")

    if name == "graalpy":  # where the per-call time goes
        from hnswlib import _bridge
        import java
        kernels = java.type("io.hnswj.Kernels")
        print(f"{name}: kernel {kernels.active().name()}")
        rows, n, _ = _bridge.float_rows(q)
        parts = {
            "a static Java call (Kernels.active)": kernels.active,
            "_bridge.float_rows(query): numpy conversion checks": lambda: _bridge.float_rows(q),
            "the address of a numpy array (the C helper's, if built)": lambda: _bridge.address(rows),
            "the address of a numpy array (ctypes, the fallback)": lambda: _bridge._address(rows),
            "two (1, 1) results and three addresses (the C helper's, if built)":
                lambda: _bridge.result_arrays(rows, 1, 1),
            "two (1, 1) results and three addresses (numpy, the fallback)":
                lambda: _bridge._result_arrays(rows, 1, 1),
            "the bridge's search on the 1-element index": lambda: tiny._engine.search(rows, 1, 1, 1, None),
        }
        for label, function in parts.items():
            for _ in range(2000):
                function()
            print(f"{name}:   {label}: {per_call(function, 5000, 5) * 1e6:.2f} us")


if __name__ == "__main__":
    main()
