"""Seeded workloads for bench/run.sh, with exact ground truth (k=10), as .fvecs/.ivecs files.

W1: the tutorial's data, 10,000 x 256 uniform [0,1), 1,000 queries, l2.
W2: 100,000 x 128 Gaussian mixture (100 centres), 1,000 held-out queries, l2.
"""
import os
import sys

import numpy as np


def write_vecs(path, array):
    array = np.ascontiguousarray(array)
    n, d = array.shape
    out = np.empty((n, d + 1), dtype=np.int32)
    out[:, 0] = d
    out[:, 1:] = array.view(np.int32)
    out.tofile(path)


def ground_truth(base, queries, k=10):
    truth = np.empty((len(queries), k), dtype=np.int32)
    base_norms = (base.astype(np.float64) ** 2).sum(1)
    for start in range(0, len(queries), 100):
        q = queries[start:start + 100].astype(np.float64)
        d = base_norms[None, :] - 2 * q @ base.T.astype(np.float64)
        truth[start:start + 100] = np.argsort(d, axis=1)[:, :k]
    return truth


def workload(name):
    if name == "W1":
        rng = np.random.default_rng(1)
        return rng.random((10_000, 256), dtype=np.float32), rng.random((1_000, 256), dtype=np.float32)
    if name == "W2":
        rng = np.random.default_rng(2)
        centres = rng.normal(size=(100, 128)) * 3
        points = centres[rng.integers(0, 100, 101_000)] + rng.normal(size=(101_000, 128))
        points = points.astype(np.float32)
        return points[:100_000], points[100_000:]
    raise SystemExit(f"unknown workload {name}")


def main():
    directory, names = sys.argv[1], sys.argv[2:]
    for name in names:
        target = os.path.join(directory, name)
        if os.path.exists(os.path.join(target, "gt.ivecs")):
            continue
        os.makedirs(target, exist_ok=True)
        base, queries = workload(name)
        write_vecs(os.path.join(target, "base.fvecs"), base)
        write_vecs(os.path.join(target, "query.fvecs"), queries)
        write_vecs(os.path.join(target, "gt.ivecs"), ground_truth(base, queries).view(np.float32))
        print(f"{name}: {base.shape} base, {queries.shape} queries", file=sys.stderr)


if __name__ == "__main__":
    main()
