"""The module against the real hnswlib (Debian's python3-hnswlib 0.6.2 under /usr/bin/python3) on the
same seeded data, single-threaded: same labels and distances, and each side loads the other's files and
pickles."""
import os
import pickle

import numpy as np

import hnswlib

BUILD = """
import sys, pickle, numpy as np, hnswlib
space, dim, n, seed, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
data = np.load(out + "/data.npy"); queries = np.load(out + "/queries.npy")
p = hnswlib.Index(space=space, dim=dim)
p.init_index(max_elements=n, M=12, ef_construction=80, random_seed=seed)
p.add_items(data, np.arange(n), num_threads=1)
p.mark_deleted(3)
p.set_ef(40)
p.save_index(out + "/reference.bin")
with open(out + "/reference.pkl", "wb") as f:
    pickle.dump(p, f)
labels, distances = p.knn_query(queries, k=10, num_threads=1)
np.save(out + "/labels.npy", labels); np.save(out + "/distances.npy", distances)
"""

QUERY = """
import sys, pickle, numpy as np, hnswlib
space, dim, out, source = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
queries = np.load(out + "/queries.npy")
if source.endswith(".pkl"):
    with open(source, "rb") as f:
        p = pickle.load(f)
else:
    p = hnswlib.Index(space=space, dim=dim)
    p.load_index(source)
p.set_ef(40)
labels, distances = p.knn_query(queries, k=10, num_threads=1)
np.save(out + "/their_labels.npy", labels); np.save(out + "/their_distances.npy", distances)
"""


def build_both(tmp_path, space, dim, n, seed):
    rng = np.random.default_rng(seed)
    data = rng.random((n, dim), dtype=np.float32)
    queries = rng.random((30, dim), dtype=np.float32)
    np.save(tmp_path / "data.npy", data)
    np.save(tmp_path / "queries.npy", queries)
    ours = hnswlib.Index(space=space, dim=dim)
    ours.init_index(max_elements=n, M=12, ef_construction=80, random_seed=seed)
    ours.add_items(data, np.arange(n), num_threads=1)
    ours.mark_deleted(3)
    ours.set_ef(40)
    return ours, queries


def check_same(labels, distances, their_labels, their_distances):
    np.testing.assert_array_equal(labels, their_labels)
    np.testing.assert_allclose(distances, their_distances, rtol=1e-5, atol=1e-5)


def test_files_and_answers_match_the_reference(reference, tmp_path, seed):
    for space, dim in (("l2", 20), ("cosine", 16), ("ip", 9)):
        out = tmp_path / space
        out.mkdir()
        ours, queries = build_both(out, space, dim, 1500, seed)
        reference(BUILD, space, dim, 1500, seed, out)
        ref_labels, ref_distances = np.load(out / "labels.npy"), np.load(out / "distances.npy")
        labels, distances = ours.knn_query(queries, k=10, num_threads=1)
        check_same(labels, distances, ref_labels, ref_distances)

        ours.save_index(str(out / "ours.bin"))
        assert (out / "ours.bin").read_bytes() == (out / "reference.bin").read_bytes(), f"{space}: files differ"

        loaded = hnswlib.Index(space=space, dim=dim)
        loaded.load_index(str(out / "reference.bin"))
        loaded.set_ef(40)
        check_same(*loaded.knn_query(queries, k=10, num_threads=1), ref_labels, ref_distances)

        reference(QUERY, space, dim, out, out / "ours.bin")
        check_same(labels, distances, np.load(out / "their_labels.npy"), np.load(out / "their_distances.npy"))


def test_pickles_cross_both_ways(reference, tmp_path, seed):
    ours, queries = build_both(tmp_path, "l2", 12, 800, seed)
    reference(BUILD, "l2", 12, 800, seed, tmp_path)
    with open(tmp_path / "reference.pkl", "rb") as f:
        theirs = pickle.load(f)
    assert isinstance(theirs, hnswlib.Index) and theirs.ef == 40
    check_same(*theirs.knn_query(queries, k=10, num_threads=1), np.load(tmp_path / "labels.npy"),
               np.load(tmp_path / "distances.npy"))
    with open(tmp_path / "ours.pkl", "wb") as f:
        pickle.dump(ours, f)
    reference(QUERY, "l2", 12, tmp_path, tmp_path / "ours.pkl")
    check_same(*ours.knn_query(queries, k=10, num_threads=1), np.load(tmp_path / "their_labels.npy"),
               np.load(tmp_path / "their_distances.npy"))


BF = """
import sys, numpy as np, hnswlib
out = sys.argv[1]
data = np.load(out + "/data.npy"); queries = np.load(out + "/queries.npy")
theirs = hnswlib.BFIndex(space="l2", dim=data.shape[1])
theirs.init_index(len(data) + 5)
theirs.add_items(data, np.arange(len(data)) * 3)
theirs.save_index(out + "/reference_bf.bin")
ours = hnswlib.BFIndex(space="l2", dim=data.shape[1])
ours.load_index(out + "/ours_bf.bin")
for name, index in (("labels", theirs), ("their_labels", ours)):
    labels, distances = index.knn_query(queries, k=5)
    np.save(out + "/" + name + ".npy", labels)
"""


def test_bfindex_files_cross_both_ways(reference, tmp_path, seed):
    rng = np.random.default_rng(seed)
    data = rng.random((300, 10), dtype=np.float32)
    queries = rng.random((20, 10), dtype=np.float32)
    np.save(tmp_path / "data.npy", data)
    np.save(tmp_path / "queries.npy", queries)
    ours = hnswlib.BFIndex("l2", 10)
    ours.init_index(305)
    ours.add_items(data, np.arange(300) * 3)
    ours.save_index(str(tmp_path / "ours_bf.bin"))
    reference(BF, tmp_path)
    assert (tmp_path / "ours_bf.bin").stat().st_size == (tmp_path / "reference_bf.bin").stat().st_size
    labels, _ = ours.knn_query(queries, k=5)
    np.testing.assert_array_equal(labels, np.load(tmp_path / "labels.npy"))
    np.testing.assert_array_equal(labels, np.load(tmp_path / "their_labels.npy"))
    loaded = hnswlib.BFIndex("l2", 10)
    loaded.load_index(str(tmp_path / "reference_bf.bin"))
    np.testing.assert_array_equal(loaded.knn_query(queries, k=5)[0], labels)
