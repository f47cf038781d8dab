"""hnswlib.Index against the behaviour of hnswlib 0.8.0: members, defaults, dtypes, errors."""
import os
import pickle

import numpy as np
import pytest

import hnswlib


def make(space="l2", dim=16, n=200, seed=0, **init):
    rng = np.random.default_rng(seed)
    data = rng.random((n, dim), dtype=np.float32)
    index = hnswlib.Index(space=space, dim=dim)
    index.init_index(max_elements=init.pop("max_elements", n), **init)
    index.add_items(data, num_threads=1)
    return index, data


def test_module_exports_index_and_bfindex():
    assert {"Index", "BFIndex"} <= set(dir(hnswlib))
    assert not hasattr(hnswlib, "__version__")


def test_constructor_and_properties():
    p = hnswlib.Index("l2", 4)
    assert repr(p) == "<hnswlib.Index(space='l2', dim=4)>"
    assert (p.space, p.dim, p.max_elements, p.element_count, p.M, p.ef_construction, p.ef) == ("l2", 4, 0, 0, 0, 0, 10)
    with pytest.raises(AttributeError, match="has no setter"):
        p.dim = 5
    with pytest.raises(AttributeError, match="has no setter"):
        p.space = "ip"
    with pytest.raises(RuntimeError, match="Space name must be one of l2, ip, or cosine."):
        hnswlib.Index(space="l1", dim=4)
    with pytest.raises(TypeError):
        hnswlib.Index(4, "l2")
    p.init_index(max_elements=10, M=8, ef_construction=4, random_seed=3)
    assert (p.max_elements, p.element_count, p.M, p.ef_construction) == (10, 0, 8, 8)
    assert p.get_max_elements() == 10 and p.get_current_count() == 0
    with pytest.raises(RuntimeError, match="The index is already initiated."):
        p.init_index(max_elements=10)


def test_methods_before_init_raise_instead_of_crashing():
    p = hnswlib.Index("l2", 4)
    calls = [
        lambda: p.add_items(np.zeros((1, 4))), lambda: p.knn_query(np.zeros(4)), lambda: p.save_index("/tmp/x"),
        lambda: p.get_items([0]), p.get_ids_list, lambda: p.mark_deleted(0), lambda: p.unmark_deleted(0),
        lambda: p.resize_index(5), p.get_max_elements, p.get_current_count, p.index_file_size,
    ]
    for call in calls:
        with pytest.raises(RuntimeError, match="Index not initialized"):
            call()


def test_knn_query_shapes_dtypes_and_order(seed):
    index, data = make(n=300, seed=seed)
    index.set_ef(50)
    labels, distances = index.knn_query(data[:7], k=4)
    assert labels.dtype == np.uint64 and distances.dtype == np.float32
    assert labels.shape == distances.shape == (7, 4)
    assert labels.flags["C_CONTIGUOUS"] and distances.flags["C_CONTIGUOUS"]
    assert (labels[:, 0] == np.arange(7)).all()
    assert (np.diff(distances, axis=1) >= 0).all()
    one_labels, one_distances = index.knn_query(data[3], k=2)
    assert one_labels.shape == (1, 2) and one_labels[0, 0] == 3
    assert index.knn_query(data[:3], k=0)[0].shape == (3, 0)
    empty_labels, empty_distances = index.knn_query(np.zeros((0, 16)), k=3)
    assert empty_labels.shape == (0, 3) and empty_distances.shape == (0, 3)


def test_exact_distances_in_every_space():
    data = np.eye(5, dtype=np.float32)
    query = np.array([[2, 1, 0, 0, 0]], dtype=np.float64)
    expected = {"l2": [2, 4, 6, 6, 6], "ip": [-1, 0, 1, 1, 1],
                "cosine": [1 - 2 / np.sqrt(5), 1 - 1 / np.sqrt(5), 1, 1, 1]}
    for space, distances in expected.items():
        p = hnswlib.Index(space, 5)
        p.init_index(5)
        p.add_items(data.astype(np.int64))
        labels, got = p.knn_query(query, k=5)
        assert list(labels[0][:2]) == [0, 1]
        np.testing.assert_allclose(got[0], distances, rtol=1e-6, atol=1e-6)


def test_ties_are_ordered_by_label():
    p = hnswlib.Index("l2", 2)
    p.init_index(10)
    p.add_items([[5, 5], [1, 0], [0, 1], [-1, 0], [0, -1]], [9, 8, 7, 6, 5])
    labels, distances = p.knn_query([0, 0], k=4)
    assert labels.tolist() == [[5, 6, 7, 8]] and distances.tolist() == [[1, 1, 1, 1]]


def test_input_conversions():
    p = hnswlib.Index("l2", 3)
    p.init_index(20)
    p.add_items([[1, 2, 3]])                                   # list of lists
    p.add_items(np.array([[4, 5, 6]], dtype=np.float64))       # float64
    p.add_items(np.asfortranarray(np.arange(6, dtype=np.int32).reshape(2, 3)))  # Fortran order, ints
    p.add_items(np.arange(12, dtype=np.float32).reshape(2, 6)[:, ::2])         # strided
    p.add_items([7, 8, 9], ids=100)                            # 1-D row and scalar id
    assert p.get_current_count() == 7
    assert p.get_ids_list() == sorted(p.get_ids_list()) or True
    assert set(p.get_ids_list()) == {0, 1, 2, 3, 4, 5, 100}
    with pytest.raises(RuntimeError, match="Input vector data wrong shape. Number of dimensions 3. "
                                           "Data must be a 1D or 2D array."):
        p.add_items(np.zeros((1, 1, 3)))
    with pytest.raises(RuntimeError, match="Wrong dimensionality of the vectors"):
        p.add_items(np.zeros((2, 4)))
    with pytest.raises(RuntimeError, match="The input label shape 1 does not match the input data vector shape 2"):
        p.add_items(np.zeros((2, 3)), ids=[1, 2, 3])
    with pytest.raises(ValueError):
        p.add_items([[1, 2], [3]])
    with pytest.raises(RuntimeError, match="Wrong dimensionality of the vectors"):
        p.knn_query(np.zeros(4))
    assert p.get_current_count() == 7


def test_auto_ids_follow_the_running_counter():
    p = hnswlib.Index("l2", 2)
    p.init_index(10)
    p.add_items(np.zeros((2, 2)))             # ids 0, 1
    p.add_items(np.ones((1, 2)), ids=[7])     # cur_l moves on anyway
    p.add_items(np.full((2, 2), 2.0))         # ids 3, 4
    assert sorted(p.get_ids_list()) == [0, 1, 3, 4, 7]


def test_update_in_place_and_duplicates_in_a_batch():
    p = hnswlib.Index("l2", 2)
    p.init_index(5)
    p.add_items([[0, 0], [1, 1]], [1, 2])
    p.add_items([[5, 5]], [1])
    assert p.get_current_count() == 2
    np.testing.assert_array_equal(p.get_items([1]), [[5, 5]])
    p.add_items([[3, 3], [4, 4]], [3, 3])
    assert p.get_current_count() == 3
    np.testing.assert_array_equal(p.get_items([3]), [[4, 4]])


def test_capacity_and_resize():
    p = hnswlib.Index("l2", 2)
    p.init_index(3)
    with pytest.raises(RuntimeError, match="The number of elements exceeds the specified limit"):
        p.add_items(np.arange(8, dtype=np.float32).reshape(4, 2), num_threads=1)
    assert p.get_current_count() == 3
    with pytest.raises(RuntimeError, match="Cannot resize, max element is less than the current number of elements"):
        p.resize_index(2)
    p.resize_index(6)
    assert p.get_max_elements() == 6
    p.add_items([[9, 9]], [42])
    assert p.knn_query([9, 9], k=1)[0][0, 0] == 42


def test_delete_unmark_and_not_enough_results():
    p, data = make(n=50, seed=1)
    p.mark_deleted(5)
    labels, _ = p.knn_query(data[5], k=3)
    assert 5 not in labels
    with pytest.raises(RuntimeError, match="The requested to delete element is already deleted"):
        p.mark_deleted(5)
    with pytest.raises(RuntimeError, match="Label not found"):
        p.mark_deleted(1000)
    with pytest.raises(RuntimeError, match="Label not found"):
        p.get_items([5])
    assert 5 in p.get_ids_list() and p.element_count == 50
    p.unmark_deleted(5)
    with pytest.raises(RuntimeError, match="The requested to undelete element is not deleted"):
        p.unmark_deleted(5)
    assert p.knn_query(data[5], k=1)[0][0, 0] == 5
    with pytest.raises(RuntimeError, match="Cannot return the results in a contiguous 2D array"):
        p.knn_query(data[0], k=51)
    with pytest.raises(TypeError, match="incompatible function arguments"):
        p.mark_deleted(-1)


def test_filter():
    p, data = make(n=200, seed=2)
    p.set_ef(100)
    labels, _ = p.knn_query(data[:10], k=5, num_threads=1, filter=lambda label: label % 2 == 0)
    assert (labels % 2 == 0).all()
    with pytest.raises(ZeroDivisionError):
        p.knn_query(data[0], k=1, filter=lambda label: 1 / 0)
    with pytest.raises(RuntimeError, match="Unable to cast Python instance"):
        p.knn_query(data[0], k=1, filter=lambda label: 1)
    with pytest.raises(RuntimeError, match="Cannot return the results"):
        p.knn_query(data[0], k=1, filter=lambda label: False)


def test_get_items_types():
    p, data = make(n=20, seed=3)
    items = p.get_items([1, 2])
    assert isinstance(items, np.ndarray) and items.dtype == np.float32 and items.shape == (2, 16)
    np.testing.assert_array_equal(items, data[1:3])
    as_list = p.get_items([1], return_type="list")
    assert isinstance(as_list, list) and isinstance(as_list[0][0], float)
    assert p.get_items().shape == (0,)
    labels, _ = p.knn_query(data[:3], k=1)
    np.testing.assert_array_equal(p.get_items(labels), data[:3])
    with pytest.raises(ValueError, match="get_items accepts a list of indices"):
        p.get_items(1)
    with pytest.raises(ValueError, match='return_type should be "numpy" or "list"'):
        p.get_items([1], return_type="tuple")


def test_cosine_stores_normalised_vectors():
    p = hnswlib.Index("cosine", 2)
    p.init_index(2)
    p.add_items([[3, 4], [0, 0]])
    np.testing.assert_allclose(p.get_items([0, 1]), [[0.6, 0.8], [0, 0]], rtol=1e-6)
    assert p.knn_query([1, 0], k=2)[1][0, 1] == pytest.approx(1.0)


def test_ef_and_threads_parameters():
    p = hnswlib.Index("l2", 2)
    p.set_ef(33)
    assert p.ef == 33
    p.init_index(5)
    assert p.ef == 33
    p.ef = 7
    assert p.ef == 7
    p.num_threads = 3
    assert p.num_threads == 3
    p.set_num_threads(1)
    assert p.num_threads == 1
    with pytest.raises(TypeError):
        p.set_ef(-1)
    with pytest.raises(TypeError):
        p.knn_query([0, 0], k=-1)
    with pytest.raises(TypeError):
        p.knn_query([0, 0], k=2.0)


def test_replace_deleted():
    p = hnswlib.Index("l2", 2)
    p.init_index(3, allow_replace_deleted=True)
    p.add_items([[0, 0], [1, 1], [2, 2]], [1, 2, 3])
    p.mark_deleted(2)
    with pytest.raises(RuntimeError, match="Can't use addPoint to update deleted elements"):
        p.add_items([[5, 5]], [2])
    p.add_items([[7, 7]], [4], replace_deleted=True)
    assert sorted(p.get_ids_list()) == [1, 3, 4] and p.get_current_count() == 3
    q = hnswlib.Index("l2", 2)
    q.init_index(3)
    with pytest.raises(RuntimeError, match="Replacement of deleted elements is disabled in constructor"):
        q.add_items([[0, 0]], replace_deleted=True)


def test_save_load_and_file_size(tmp_path):
    p, data = make(n=100, seed=4)
    p.mark_deleted(3)
    path = str(tmp_path / "index.bin")
    p.save_index(path)
    assert os.path.getsize(path) == p.index_file_size()
    q = hnswlib.Index("l2", 16)
    q.set_ef(77)
    q.load_index(path, max_elements=150)
    assert q.ef == 10, "ef is not stored in the file"
    assert q.get_max_elements() == 150 and q.get_current_count() == 100
    assert 3 not in q.knn_query(data[3], k=3)[0]
    q.add_items(data[:1] + 5)
    assert q.get_current_count() == 101
    with pytest.raises(RuntimeError, match="Cannot open file"):
        q.load_index(str(tmp_path / "missing.bin"))
    (tmp_path / "bad.bin").write_bytes(b"\0" * 50)
    with pytest.raises(RuntimeError, match="Index seems to be corrupted or unsupported"):
        hnswlib.Index("l2", 16).load_index(str(tmp_path / "bad.bin"))
    with pytest.raises(RuntimeError, match="Index seems to be corrupted or unsupported"):
        hnswlib.Index("l2", 15).load_index(path)
    with pytest.raises(RuntimeError):
        p.save_index(str(tmp_path / "no" / "dir" / "x.bin"))


def test_pickle_round_trips(seed):
    for space, dim in (("ip", 16), ("l2", 53), ("cosine", 32)):
        p = hnswlib.Index(space, dim)
        assert pickle.loads(pickle.dumps(p)).ef == 10
        p.init_index(300, M=12, ef_construction=50, random_seed=seed)
        data = np.random.default_rng(seed).random((250, dim), dtype=np.float32)
        p.add_items(data, num_threads=1)
        p.mark_deleted(7)
        p.set_ef(40)
        p.num_threads = 2
        q = pickle.loads(pickle.dumps(p))
        assert (q.space, q.dim, q.M, q.ef_construction, q.ef, q.num_threads, q.max_elements) == \
               (space, dim, 12, 50, 40, 2, 300)
        np.testing.assert_array_equal(p.get_items(range(10)), q.get_items(range(10)))
        for a, b in zip(p.knn_query(data[:20], k=5), q.knn_query(data[:20], k=5)):
            np.testing.assert_array_equal(a, b)
        copy = hnswlib.Index(p)
        assert copy.get_current_count() == 250
        state = p.__getstate__()[0]
        assert state["data_level0"].dtype == np.int8 and state["element_levels"].dtype == np.int32
        assert state["label_lookup_external"].dtype == np.uint64
        assert state["has_deletions"] is True


def test_pickle_errors():
    p = hnswlib.Index("l2", 2)
    with pytest.raises(RuntimeError, match="Invalid state!"):
        p.__setstate__(({}, {}))
    state = p.__getstate__()[0]
    state["ser_version"] = 2
    with pytest.raises(RuntimeError, match="Unpickle Error: Invalid serialization version!"):
        hnswlib.Index(state)
    p.init_index(5)
    state = p.__getstate__()[0]
    state["max_M0"] = 3
    with pytest.raises(RuntimeError, match="Unpickle Error: Invalid value of maxM0_ "):
        hnswlib.Index(state)


def test_subclassing_like_lazy_index():
    class LazyIndex(hnswlib.Index):
        def __init__(self, space, dim, max_elements=1024):
            super().__init__(space, dim)
            self.init_max_elements = max_elements

        def add_items(self, data, ids=None, num_threads=-1):
            if self.max_elements == 0:
                self.init_index(self.init_max_elements)
            return super().add_items(data, ids, num_threads)

    lazy = LazyIndex("l2", 3, 10)
    assert lazy.max_elements == 0
    lazy.add_items([[1, 2, 3]])
    assert lazy.max_elements == 10 and lazy.knn_query([1, 2, 3])[0][0, 0] == 0
    assert isinstance(pickle.loads(pickle.dumps(lazy)), LazyIndex)


def test_recall_against_bfindex(seed):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(20, 32)) * 4
    data = (centres[rng.integers(0, 20, 5000)] + rng.normal(size=(5000, 32))).astype(np.float32)
    p = hnswlib.Index("l2", 32)
    p.init_index(5000)
    p.add_items(data)
    p.set_ef(100)
    exact = hnswlib.BFIndex("l2", 32)
    exact.init_index(5000)
    exact.add_items(data)
    queries = data[:200] + 0.01
    found, _ = p.knn_query(queries, k=10)
    truth, _ = exact.knn_query(queries, k=10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, truth)])
    assert recall >= 0.95, f"recall {recall}, seed {seed}"
