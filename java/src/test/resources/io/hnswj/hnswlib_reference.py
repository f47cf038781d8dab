"""Drives the reference hnswlib (Debian's python3-hnswlib) for the engine's cross-check tests.

build: makes seeded data, builds single-threaded, optionally updates and deletes, saves the index and
       writes the data, the queries and hnswlib's answers as raw little-endian files.
query: loads an index file and writes hnswlib's answers to the given queries.
"""
import argparse
import os
import sys

import hnswlib
import numpy as np


def write(path, array):
    np.ascontiguousarray(array).tofile(path)


def answers(index, queries, k, out):
    labels, distances = index.knn_query(queries, k=k, num_threads=1)
    write(os.path.join(out, "labels.u64"), labels.astype("<u8"))
    write(os.path.join(out, "distances.f32"), distances.astype("<f4"))


def build(args):
    rng = np.random.default_rng(args.seed)
    if args.data == "clustered":
        centers = rng.normal(size=(16, args.dim)).astype(np.float32) * 4
        data = centers[rng.integers(0, 16, args.n)] + rng.normal(size=(args.n, args.dim)).astype(np.float32)
    elif args.data == "grid":
        # small integers: exact duplicates and equal distances everywhere, so ties decide the answers
        data = rng.integers(0, 4, (args.n, args.dim)).astype(np.float32)
    else:
        data = rng.random((args.n, args.dim), dtype=np.float32)
    if args.data == "grid":
        queries = rng.integers(0, 4, (args.queries, args.dim)).astype(np.float32)
    else:
        queries = rng.random((args.queries, args.dim), dtype=np.float32)
    updates = rng.random((len(args.update), args.dim), dtype=np.float32)
    extra = rng.random((args.extra, args.dim), dtype=np.float32)
    os.makedirs(args.out, exist_ok=True)
    write(os.path.join(args.out, "data.f32"), data.astype("<f4"))
    write(os.path.join(args.out, "queries.f32"), queries.astype("<f4"))
    write(os.path.join(args.out, "updates.f32"), updates.astype("<f4"))
    write(os.path.join(args.out, "extra.f32"), extra.astype("<f4"))
    index = hnswlib.Index(space=args.space, dim=args.dim)
    index.init_index(max_elements=args.n + args.extra, M=args.M, ef_construction=args.efc, random_seed=args.seed)
    index.add_items(data, np.arange(args.n), num_threads=1)
    for row, label in enumerate(args.update):
        index.add_items(updates[row : row + 1], np.array([label]), num_threads=1)
    for label in args.delete:
        index.mark_deleted(label)
    if args.extra:
        # inserted while deleted nodes are in the graph, which the insert's search does not keep
        index.add_items(extra, np.arange(args.n, args.n + args.extra), num_threads=1)
    index.save_index(os.path.join(args.out, "hnswlib.bin"))
    index.set_ef(args.ef)
    answers(index, queries, args.k, args.out)


def query(args):
    queries = np.fromfile(args.queries_file, dtype="<f4").reshape(-1, args.dim)
    index = hnswlib.Index(space=args.space, dim=args.dim)
    index.load_index(args.index)
    index.set_ef(args.ef)
    answers(index, queries, args.k, args.out)


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build")
    b.add_argument("--space", default="l2")
    b.add_argument("--dim", type=int, default=16)
    b.add_argument("--n", type=int, default=1000)
    b.add_argument("--queries", type=int, default=50)
    b.add_argument("--seed", type=int, default=100)
    b.add_argument("--M", type=int, default=16)
    b.add_argument("--efc", type=int, default=200)
    b.add_argument("--ef", type=int, default=50)
    b.add_argument("--k", type=int, default=10)
    b.add_argument("--data", choices=["uniform", "clustered", "grid"], default="uniform")
    b.add_argument("--update", type=int, nargs="*", default=[])
    b.add_argument("--delete", type=int, nargs="*", default=[])
    b.add_argument("--extra", type=int, default=0)
    b.add_argument("--out", required=True)
    q = sub.add_parser("query")
    q.add_argument("--space", default="l2")
    q.add_argument("--dim", type=int, required=True)
    q.add_argument("--index", required=True)
    q.add_argument("--queries-file", required=True)
    q.add_argument("--ef", type=int, default=50)
    q.add_argument("--k", type=int, default=10)
    q.add_argument("--out", required=True)
    args = parser.parse_args()
    build(args) if args.command == "build" else query(args)


if __name__ == "__main__":
    sys.exit(main())
