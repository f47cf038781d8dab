"""hnswlib's Python API on a bench/ workload: Debian's hnswlib under /usr/bin/python3, or our module
under bin/graalpy. Prints the JSON lines of bench/hnswlib_driver.cpp, plus the per-call overhead.
Usage: py_driver.py NAME DIR M EF_CONSTRUCTION BUILD_THREADS EF..."""
import json
import sys
import time

import numpy as np

import hnswlib


def read_vecs(path):
    raw = np.fromfile(path, dtype=np.int32)
    dim = raw[0]
    return raw.reshape(-1, dim + 1)[:, 1:].copy()


def main():
    name, directory = sys.argv[1], sys.argv[2]
    m, efc, threads = (int(a) for a in sys.argv[3:6])
    base = read_vecs(directory + "/base.fvecs").view(np.float32)
    queries = read_vecs(directory + "/query.fvecs").view(np.float32)
    truth = read_vecs(directory + "/gt.ivecs")[:, :10]
    index = hnswlib.Index(space="l2", dim=base.shape[1])
    index.init_index(max_elements=len(base), M=m, ef_construction=efc, random_seed=100)
    t0 = time.perf_counter()
    index.add_items(base, num_threads=threads)
    build = time.perf_counter() - t0
    for ef in (int(a) for a in sys.argv[6:]):
        index.set_ef(ef)
        for _ in range(2):  # warm-up (GraalPy compiles the loop)
            for q in queries:
                index.knn_query(q, k=10)
        s0 = time.perf_counter()
        found = [index.knn_query(q, k=10)[0][0] for q in queries]
        single = time.perf_counter() - s0
        b0 = time.perf_counter()
        index.knn_query(queries, k=10, num_threads=1)
        batch1 = time.perf_counter() - b0
        b0 = time.perf_counter()
        index.knn_query(queries, k=10, num_threads=2)
        batch2 = time.perf_counter() - b0
        recall = np.mean([len(set(f.tolist()) & set(t.tolist())) / 10 for f, t in zip(found, truth)])
        print(json.dumps({"engine": name, "ef": ef, "build_s": round(build, 3), "build_threads": threads,
                          "qps_1t": round(len(queries) / single, 1), "qps_batch_1t": round(len(queries) / batch1, 1),
                          "qps_2t": round(len(queries) / batch2, 1), "recall": round(float(recall), 4)}))


if __name__ == "__main__":
    main()
