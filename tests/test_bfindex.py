"""hnswlib.BFIndex: exact search as in hnswlib 0.8.0, with errors where hnswlib misbehaves."""
import copy
import os
import pickle

import numpy as np
import pytest

import hnswlib

NOT_ENOUGH = "Cannot return the results in a contiguous 2D array. Probably ef or M is too small"


def numpy_distances(space, data, queries):
    if space == "l2":
        return ((queries[:, None, :] - data[None, :, :]) ** 2).sum(-1)
    if space == "cosine":
        data = data / np.linalg.norm(data, axis=1, keepdims=True)
        queries = queries / np.linalg.norm(queries, axis=1, keepdims=True)
    return 1 - queries @ data.T


def test_exact_search_matches_numpy(seed):
    rng = np.random.default_rng(seed)
    data = rng.random((500, 24), dtype=np.float32)
    queries = rng.random((20, 24), dtype=np.float32)
    for space in ("l2", "ip", "cosine"):
        bf = hnswlib.BFIndex(space, 24)
        bf.init_index(500)
        bf.add_items(data)
        for threads in (1, 2):
            labels, distances = bf.knn_query(queries, k=5, num_threads=threads)
            assert labels.dtype == np.uint64 and distances.dtype == np.float32 and labels.shape == (20, 5)
            exact = numpy_distances(space, data.astype(np.float64), queries.astype(np.float64))
            order = np.argsort(exact, axis=1, kind="stable")[:, :5]
            np.testing.assert_array_equal(labels, order)
            np.testing.assert_allclose(distances, np.take_along_axis(exact, order, 1), rtol=1e-5, atol=1e-5)


def test_members_and_errors():
    bf = hnswlib.BFIndex("l2", 4)
    assert repr(bf) == "<hnswlib.BFIndex(space='l2', dim=4)>"
    assert bf.num_threads == os.cpu_count()
    with pytest.raises(RuntimeError, match="^Space name must be one of l2, ip, or cosine.$"):
        hnswlib.BFIndex("hamming", 4)
    with pytest.raises(TypeError, match="incompatible constructor arguments"):
        hnswlib.BFIndex(4, "l2")
    for call in (lambda: bf.knn_query(np.zeros(4)), lambda: bf.add_items(np.zeros(4)), bf.get_max_elements,
                 bf.get_current_count, lambda: bf.delete_vector(1), lambda: bf.save_index("/tmp/x")):
        with pytest.raises(RuntimeError, match="Index not initialized"):
            call()
    bf.init_index(5)
    with pytest.raises(RuntimeError, match="^The index is already initiated.$"):
        bf.init_index(5)
    with pytest.raises(RuntimeError, match="^" + NOT_ENOUGH + "$"):
        bf.knn_query(np.zeros(4))  # empty index: hnswlib segfaults
    bf.add_items(np.eye(4), [10, 11, 12, 13])
    assert bf.get_current_count() == 4 and bf.get_max_elements() == 5
    with pytest.raises(RuntimeError, match="^" + NOT_ENOUGH + "$"):
        bf.knn_query(np.zeros(4), k=5)  # k > count: hnswlib returns garbage
    with pytest.raises(RuntimeError, match="^Wrong dimensionality of the vectors$"):
        bf.knn_query(np.zeros(3))
    with pytest.raises(RuntimeError, match="^Wrong dimensionality of the vectors$"):
        bf.add_items(np.zeros(3))
    with pytest.raises(RuntimeError, match="^Input vector data wrong shape. Number of dimensions 3."):
        bf.add_items(np.zeros((1, 1, 4)))
    with pytest.raises(RuntimeError, match="^The input label shape 1 does not match the input data vector shape 1$"):
        bf.add_items(np.zeros((1, 4)), [1, 2])
    with pytest.raises(TypeError, match="incompatible function arguments"):
        bf.knn_query(np.zeros(4), k=-1)
    assert bf.knn_query(np.zeros((0, 4)), k=2)[0].shape == (0, 2)
    assert bf.knn_query(np.zeros((3, 4)), k=0)[1].shape == (3, 0)


def test_delete_update_filter_and_capacity():
    bf = hnswlib.BFIndex("l2", 4)
    bf.init_index(5)
    bf.add_items(np.eye(4), [10, 11, 12, 13])
    bf.delete_vector(11)
    bf.delete_vector(999)  # unknown: ignored, as in hnswlib
    assert bf.get_current_count() == 3
    labels, _ = bf.knn_query(np.eye(4)[1], k=3)
    assert 11 not in labels
    labels, distances = bf.knn_query(np.zeros(4), k=2, filter=lambda label: label != 12)
    assert labels.tolist() == [[10, 13]] and distances.tolist() == [[1, 1]]
    with pytest.raises(RuntimeError, match="^" + NOT_ENOUGH + "$"):
        bf.knn_query(np.zeros(4), k=1, filter=lambda label: False)
    with pytest.raises(ZeroDivisionError):
        bf.knn_query(np.zeros(4), k=1, filter=lambda label: 1 / 0)
    with pytest.raises(RuntimeError, match="^Unable to cast Python instance to C"):
        bf.knn_query(np.zeros(4), k=1, filter=lambda label: "no")
    bf.add_items([[5, 5, 5, 5]], [10])  # an existing label is overwritten
    assert bf.get_current_count() == 3
    assert bf.knn_query([5, 5, 5, 5], k=1)[0][0, 0] == 10
    bf.add_items(np.ones((2, 4)), [20, 21])
    with pytest.raises(RuntimeError, match="^The number of elements exceeds the specified limit\n$"):
        bf.add_items(np.ones((1, 4)), [22])
    bf.num_threads = 2
    assert bf.num_threads == 2
    bf.set_num_threads(1)
    assert bf.num_threads == 1


def test_auto_ids():
    bf = hnswlib.BFIndex("ip", 2)
    bf.init_index(10)
    bf.add_items([[1, 0], [0, 1]])
    bf.add_items([[1, 1]], [7])
    bf.add_items([[2, 2]])
    labels, _ = bf.knn_query([1, 1], k=4)
    assert sorted(labels[0].tolist()) == [0, 1, 3, 7]


def test_save_and_load(tmp_path, seed):
    rng = np.random.default_rng(seed)
    data = rng.random((50, 6), dtype=np.float32)
    bf = hnswlib.BFIndex("cosine", 6)
    bf.init_index(60)
    bf.add_items(data)
    path = str(tmp_path / "bf.bin")
    bf.save_index(path)
    assert os.path.getsize(path) == 24 + 60 * (4 * 6 + 8)
    other = hnswlib.BFIndex("cosine", 6)
    other.load_index(path, max_elements=1000)  # the argument is ignored, as in hnswlib
    assert other.get_current_count() == 50 and other.get_max_elements() == 60
    for a, b in zip(other.knn_query(data, k=5), bf.knn_query(data, k=5)):
        np.testing.assert_array_equal(a, b)
    other.add_items(data[:1], [0])  # labels are rebuilt on load: an update, not a duplicate
    assert other.get_current_count() == 50
    other.add_items(data[:1])  # auto ids continue at the loaded count
    assert other.get_current_count() == 51
    with pytest.raises(RuntimeError, match="^Cannot open file$"):
        other.load_index(str(tmp_path / "missing.bin"))
    (tmp_path / "bad.bin").write_bytes(b"\1" * 40)
    with pytest.raises(RuntimeError, match="^Index seems to be corrupted or unsupported$"):
        hnswlib.BFIndex("cosine", 6).load_index(str(tmp_path / "bad.bin"))


def test_not_picklable():
    bf = hnswlib.BFIndex("l2", 4)
    with pytest.raises(TypeError, match="^cannot pickle 'hnswlib.BFIndex' object$"):
        pickle.dumps(bf)
    bf.init_index(3)
    with pytest.raises(TypeError, match="^cannot pickle 'hnswlib.BFIndex' object$"):
        copy.deepcopy(bf)
