"""The module against the real hnswlib (Debian's python3-hnswlib 0.6.2 under /usr/bin/python3) on the
same seeded data. Single-threaded seeded builds with the engine's hnswlib-order kernel (`sse_kernel`)
give the same labels, the same distances and byte-identical files; each side loads the other's files
and pickles (0.6.2's pickle layout is 0.8.0's minus `allow_replace_deleted`)."""
import pickle

import numpy as np
import pytest

import hnswlib

M, EF_CONSTRUCTION, EF, K = 12, 80, 40, 10

# Builds the reference index: add everything, update 50 rows in place, delete one label; then saves
# the file and a pickle and answers the queries. argv: space dim n seed out_dir
BUILD = """
import sys, pickle, numpy as np, hnswlib
space, dim, n, seed, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
data = np.load(out + "/data.npy"); queries = np.load(out + "/queries.npy")
p = hnswlib.Index(space=space, dim=dim)
p.init_index(max_elements=n + 10, M=%d, ef_construction=%d, random_seed=seed)
p.add_items(data, np.arange(n), num_threads=1)
p.add_items(data[:50] * 0.5 + 0.25, np.arange(50), num_threads=1)
p.mark_deleted(3)
p.set_ef(%d)
p.save_index(out + "/reference.bin")
with open(out + "/reference.pkl", "wb") as f:
    pickle.dump(p, f)
labels, distances = p.knn_query(queries, k=%d, num_threads=1)
np.save(out + "/labels.npy", labels); np.save(out + "/distances.npy", distances)
""" % (M, EF_CONSTRUCTION, EF, K)

# Loads an index saved (".bin") or pickled (".pkl") by the module and answers the queries.
# argv: space dim out_dir source
QUERY = """
import sys, pickle, numpy as np, hnswlib
space, dim, out, source = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
queries = np.load(out + "/queries.npy")
if source.endswith(".pkl"):
    with open(source, "rb") as f:
        p = pickle.load(f)
    assert p.ef == %d, p.ef
else:
    p = hnswlib.Index(space=space, dim=dim)
    p.load_index(source)
    p.set_ef(%d)
labels, distances = p.knn_query(queries, k=%d, num_threads=1)
np.save(out + "/their_labels.npy", labels); np.save(out + "/their_distances.npy", distances)
print(p.get_current_count(), p.get_max_elements(), len(p.get_ids_list()))
""" % (EF, EF, K)


def build_ours(out, space, dim, n, seed):
    rng = np.random.default_rng(seed)
    data = rng.random((n, dim), dtype=np.float32)
    queries = rng.random((30, dim), dtype=np.float32)
    np.save(out / "data.npy", data)
    np.save(out / "queries.npy", queries)
    ours = hnswlib.Index(space=space, dim=dim)
    ours.init_index(max_elements=n + 10, M=M, ef_construction=EF_CONSTRUCTION, random_seed=seed)
    ours.add_items(data, np.arange(n), num_threads=1)
    ours.add_items(data[:50] * 0.5 + 0.25, np.arange(50), num_threads=1)
    ours.mark_deleted(3)
    ours.set_ef(EF)
    return ours, queries


def assert_same_answers(labels, distances, their_labels, their_distances):
    np.testing.assert_array_equal(labels, their_labels)
    np.testing.assert_allclose(distances, their_distances, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("space,dim", [("l2", 20), ("cosine", 16), ("ip", 9)])
def test_answers_and_files_match_the_reference(reference, sse_kernel, tmp_path, seed, space, dim):
    n = 1500
    ours, queries = build_ours(tmp_path, space, dim, n, seed)
    reference(BUILD, space, dim, n, seed, tmp_path)
    ref_labels, ref_distances = np.load(tmp_path / "labels.npy"), np.load(tmp_path / "distances.npy")
    labels, distances = ours.knn_query(queries, k=K, num_threads=1)
    assert_same_answers(labels, distances, ref_labels, ref_distances)
    np.testing.assert_array_equal(distances, ref_distances)  # the SSE-order kernel is bit-exact

    ours.save_index(str(tmp_path / "ours.bin"))
    assert (tmp_path / "ours.bin").read_bytes() == (tmp_path / "reference.bin").read_bytes(), "files differ"

    loaded = hnswlib.Index(space=space, dim=dim)
    loaded.load_index(str(tmp_path / "reference.bin"))
    loaded.set_ef(EF)
    assert_same_answers(*loaded.knn_query(queries, k=K, num_threads=1), ref_labels, ref_distances)

    counts = reference(QUERY, space, dim, tmp_path, tmp_path / "ours.bin")
    assert counts.split() == [str(n), str(n + 10), str(n)]
    assert_same_answers(labels, distances, np.load(tmp_path / "their_labels.npy"),
                        np.load(tmp_path / "their_distances.npy"))


def test_pickles_cross_both_ways(reference, sse_kernel, tmp_path, seed):
    n = 800
    ours, queries = build_ours(tmp_path, "l2", 12, n, seed)
    reference(BUILD, "l2", 12, n, seed, tmp_path)
    ref_labels, ref_distances = np.load(tmp_path / "labels.npy"), np.load(tmp_path / "distances.npy")
    with open(tmp_path / "reference.pkl", "rb") as f:
        theirs = pickle.load(f)
    assert type(theirs) is hnswlib.Index and theirs.ef == EF and theirs.get_current_count() == n
    assert_same_answers(*theirs.knn_query(queries, k=K, num_threads=1), ref_labels, ref_distances)
    theirs.save_index(str(tmp_path / "theirs_resaved.bin"))
    assert (tmp_path / "theirs_resaved.bin").read_bytes() == (tmp_path / "reference.bin").read_bytes()

    with open(tmp_path / "ours.pkl", "wb") as f:
        pickle.dump(ours, f)
    counts = reference(QUERY, "l2", 12, tmp_path, tmp_path / "ours.pkl")
    assert counts.split() == [str(n), str(n + 10), str(n)]
    assert_same_answers(*ours.knn_query(queries, k=K, num_threads=1), np.load(tmp_path / "their_labels.npy"),
                        np.load(tmp_path / "their_distances.npy"))


BRUTE_FORCE = """
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
    reference(BRUTE_FORCE, tmp_path)
    theirs_bytes, ours_bytes = (tmp_path / "reference_bf.bin").read_bytes(), (tmp_path / "ours_bf.bin").read_bytes()
    used = 24 + 300 * (4 * 10 + 8)  # the unused slots hold uninitialised memory in hnswlib's file
    assert len(ours_bytes) == len(theirs_bytes) and ours_bytes[:used] == theirs_bytes[:used]
    labels, _ = ours.knn_query(queries, k=5)
    np.testing.assert_array_equal(labels, np.load(tmp_path / "labels.npy"))
    np.testing.assert_array_equal(labels, np.load(tmp_path / "their_labels.npy"))
    loaded = hnswlib.BFIndex("l2", 10)
    loaded.load_index(str(tmp_path / "reference_bf.bin"))
    np.testing.assert_array_equal(loaded.knn_query(queries, k=5)[0], labels)
