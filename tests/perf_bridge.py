"""Measures the bridge: per-call overhead of a single-vector knn_query and the per-row cost of a batch.
Not a test (pytest does not collect it). Run: bin/graalpy tests/perf_bridge.py  (or with /usr/bin/python3
for Debian's hnswlib, to compare)."""
import statistics
import sys
import time

import numpy as np

import hnswlib


def timed(function, repeat):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main():
    dim, n = 256, 10_000
    rng = np.random.default_rng(1)
    data = rng.random((n, dim), dtype=np.float32)
    queries = rng.random((1000, dim), dtype=np.float32)
    index = hnswlib.Index("l2", dim)
    index.init_index(n)
    index.add_items(data)
    index.set_ef(50)
    tiny = hnswlib.Index("l2", dim)  # one element: the search itself costs nearly nothing
    tiny.init_index(1)
    tiny.add_items(data[:1])
    q = queries[0]
    for _ in range(3000):  # warm-up: let GraalPy and the JVM compile the call path
        tiny.knn_query(q, k=1)
        index.knn_query(q, k=10)
    overhead = timed(lambda: [tiny.knn_query(q, k=1) for _ in range(1000)], 7) / 1000
    single = timed(lambda: [index.knn_query(v, k=10) for v in queries], 5) / len(queries)
    batch = timed(lambda: index.knn_query(queries, k=10, num_threads=1), 7) / len(queries)
    batch2 = timed(lambda: index.knn_query(queries, k=10, num_threads=2), 7) / len(queries)
    print(f"{sys.implementation.name}: per-call overhead {overhead * 1e6:.1f} us (1-element index), "
          f"single-query knn_query {single * 1e6:.1f} us ({1 / single:.0f} QPS), "
          f"batch per row {batch * 1e6:.1f} us at 1 thread, {batch2 * 1e6:.1f} us at 2 threads "
          f"(10,000 x 256, ef=50, k=10)")


if __name__ == "__main__":
    main()
