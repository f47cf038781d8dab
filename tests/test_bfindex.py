"""hnswlib.BFIndex: exact search, as hnswlib 0.8.0, with errors where upstream misbehaves."""
import pickle

import numpy as np
import pytest

import hnswlib


def test_exact_search_matches_numpy(seed):
    rng = np.random.default_rng(seed)
    data = rng.random((500, 24), dtype=np.float32)
    queries = rng.random((20, 24), dtype=np.float32)
    for space in ("l2", "ip", "cosine"):
        bf = hnswlib.BFIndex(space, 24)
        bf.init_index(500)
        bf.add_items(data)
        labels, distances = bf.knn_query(queries, k=5)
        assert labels.dtype == np.uint64 and distances.dtype == np.float32 and labels.shape == (20, 5)
        if space == "l2":
            exact = ((queries[:, None, :] - data[None, :, :]) ** 2).sum(-1)
        else:
            a, b = queries, data
            if space == "cosine":
                a = a / np.linalg.norm(a, axis=1, keepdims=True)
                b = b / np.linalg.norm(b, axis=1, keepdims=True)
            exact = 1 - a @ b.T
        order = np.argsort(exact, axis=1, kind="stable")[:, :5]
        np.testing.assert_array_equal(labels, order)
        np.testing.assert_allclose(distances, np.take_along_axis(exact, order, 1), rtol=1e-5, atol=1e-5)


def test_members_and_errors(tmp_path):
    bf = hnswlib.BFIndex("l2", 4)
    assert repr(bf) == "<hnswlib.BFIndex(space='l2', dim=4)>"
    with pytest.raises(RuntimeError, match="Index not initialized"):
        bf.knn_query(np.zeros(4))
    bf.init_index(5)
    with pytest.raises(RuntimeError, match="Cannot return the results"):
        bf.knn_query(np.zeros(4))  # empty index: upstream segfaults
    bf.add_items(np.eye(4), [10, 11, 12, 13])
    assert bf.get_current_count() == 4 and bf.get_max_elements() == 5
    with pytest.raises(RuntimeError, match="Cannot return the results"):
        bf.knn_query(np.zeros(4), k=5)  # k > count: upstream returns garbage
    with pytest.raises(RuntimeError, match="Wrong dimensionality of the vectors"):
        bf.knn_query(np.zeros(3))
    bf.delete_vector(11)
    bf.delete_vector(999)
    assert bf.get_current_count() == 3
    assert 11 not in bf.knn_query(np.zeros(4), k=3)[0]
    labels, _ = bf.knn_query(np.zeros(4), k=3, filter=lambda label: label != 12)
    with pytest.raises(RuntimeError, match="Cannot return the results"):
        bf.knn_query(np.zeros(4), k=1, filter=lambda label: False)
    bf.add_items(np.ones((2, 4)), [20, 21])
    with pytest.raises(RuntimeError, match="The number of elements exceeds the specified limit"):
        bf.add_items(np.ones((1, 4)), [22])
    path = str(tmp_path / "bf.bin")
    bf.save_index(path)
    other = hnswlib.BFIndex("l2", 4)
    other.load_index(path)
    assert other.get_current_count() == 5
    np.testing.assert_array_equal(other.knn_query(np.zeros(4), k=5)[0], bf.knn_query(np.zeros(4), k=5)[0])
    with pytest.raises(TypeError, match="cannot pickle 'hnswlib.BFIndex' object"):
        pickle.dumps(bf)
    bf.num_threads = 2
    assert bf.num_threads == 2
