"""hnswlib.Index against hnswlib 0.8.0's behaviour: members, defaults, dtypes, shapes, errors."""
import os
import struct
import threading

import numpy as np
import pytest

import hnswlib

NOT_ENOUGH = "Cannot return the results in a contiguous 2D array. Probably ef or M is too small"


def make(space="l2", dim=16, n=200, seed=0, **init):
    rng = np.random.default_rng(seed)
    data = rng.random((n, dim), dtype=np.float32)
    index = hnswlib.Index(space=space, dim=dim)
    index.init_index(max_elements=init.pop("max_elements", n), **init)
    index.add_items(data, num_threads=1)
    return index, data


def brute_force(space, data, queries):
    if space == "l2":
        return ((queries[:, None, :].astype(np.float64) - data[None, :, :]) ** 2).sum(-1)
    if space == "cosine":
        data = data / np.linalg.norm(data, axis=1, keepdims=True)
        queries = queries / np.linalg.norm(queries, axis=1, keepdims=True)
    return 1 - queries.astype(np.float64) @ data.T.astype(np.float64)


# ---------------------------------------------------------------------------- module and construction

def test_module_exports_index_and_bfindex():
    public = {name for name in dir(hnswlib) if not name.startswith("_")}
    assert public == {"Index", "BFIndex"}
    assert not hasattr(hnswlib, "__version__")
    assert hnswlib.Index.__module__ == hnswlib.BFIndex.__module__ == "hnswlib"
    assert not hasattr(hnswlib.Index, "get_ef")


def test_constructors_and_their_errors():
    assert repr(hnswlib.Index("l2", 4)) == "<hnswlib.Index(space='l2', dim=4)>"
    assert repr(hnswlib.Index(space="cosine", dim=np.int64(7))) == "<hnswlib.Index(space='cosine', dim=7)>"
    assert repr(hnswlib.Index("ip", dim=3)) == "<hnswlib.Index(space='ip', dim=3)>"
    with pytest.raises(RuntimeError, match="^Space name must be one of l2, ip, or cosine.$"):
        hnswlib.Index(space="l1", dim=4)
    for args, kwargs in (((4, "l2"), {}), (("l2",), {}), (("l2", 4.0), {}), ((), {"space": "l2", "d": 4}),
                         (("l2", 4, 5), {})):
        with pytest.raises(TypeError, match="incompatible constructor arguments"):
            hnswlib.Index(*args, **kwargs)


def test_properties_before_and_after_init():
    p = hnswlib.Index("l2", 4)
    assert (p.space, p.dim, p.max_elements, p.element_count, p.M, p.ef_construction, p.ef) == ("l2", 4, 0, 0, 0, 0, 10)
    assert p.num_threads == os.cpu_count()
    for name in ("space", "dim", "M", "ef_construction", "max_elements", "element_count"):
        with pytest.raises(AttributeError, match="^property of 'Index' object has no setter$"):
            setattr(p, name, 1)
    p.init_index(max_elements=10, M=8, ef_construction=4, random_seed=3)
    assert (p.max_elements, p.element_count, p.M, p.ef_construction) == (10, 0, 8, 8), "efc raised to M"
    assert p.get_max_elements() == 10 and p.get_current_count() == 0
    assert all(type(v) is int for v in (p.max_elements, p.element_count, p.M, p.ef_construction, p.ef))
    with pytest.raises(RuntimeError, match="^The index is already initiated.$"):
        p.init_index(max_elements=10)
    q = hnswlib.Index("ip", 3)
    q.init_index(5)
    assert (q.M, q.ef_construction, q.ef) == (16, 200, 10)


def test_init_index_argument_types():
    p = hnswlib.Index("l2", 4)
    for kwargs in ({"max_elements": -5}, {"max_elements": 5, "M": -1}, {"max_elements": 5.0},
                   {"max_elements": 5, "random_seed": -1}, {"max_elements": "5"}):
        with pytest.raises(TypeError, match=r"^init_index\(\): incompatible function arguments"):
            p.init_index(**kwargs)
    p.init_index(np.uint32(5), M=np.int64(4))
    assert p.max_elements == 5 and p.M == 4


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
    assert p.get_items().shape == (0,)  # hnswlib reads nothing here either


def test_errors_are_ordinary_python_exceptions():
    p = hnswlib.Index("l2", 2)
    p.init_index(1)
    try:
        p.mark_deleted(3)
    except Exception as e:  # a polyglot.ForeignException would escape this (it is a BaseException)
        assert type(e) is RuntimeError and str(e) == "Label not found"
        assert e.__cause__ is None and e.__suppress_context__
    else:
        pytest.fail("no exception")


# ---------------------------------------------------------------------------- knn_query

def test_knn_query_shapes_dtypes_and_order(seed):
    index, data = make(n=300, seed=seed)
    index.set_ef(50)
    labels, distances = index.knn_query(data[:7], k=4)
    assert labels.dtype == np.uint64 and distances.dtype == np.float32
    assert labels.shape == distances.shape == (7, 4)
    assert labels.flags["C_CONTIGUOUS"] and distances.flags["C_CONTIGUOUS"]
    assert (labels[:, 0] == np.arange(7)).all() and (distances[:, 0] == 0).all()
    assert (np.diff(distances, axis=1) >= 0).all()
    result = index.knn_query(data[3], k=2)
    assert isinstance(result, tuple) and len(result) == 2
    assert result[0].shape == (1, 2) and result[0][0, 0] == 3
    assert index.knn_query(data[:3], k=0)[0].shape == (3, 0)
    empty_labels, empty_distances = index.knn_query(np.zeros((0, 16)), k=3)
    assert empty_labels.shape == (0, 3) and empty_distances.shape == (0, 3)
    assert empty_labels.dtype == np.uint64 and empty_distances.dtype == np.float32
    assert index.knn_query(data[:2], k=np.int32(2))[0].shape == (2, 2)
    with pytest.raises(RuntimeError, match="^" + NOT_ENOUGH + "$"):
        index.knn_query(data[0], k=301)
    with pytest.raises(RuntimeError, match="^Wrong dimensionality of the vectors$"):
        index.knn_query(np.zeros(15))  # hnswlib reads the wrong floats instead


def test_knn_query_argument_types():
    index, data = make(n=20)
    for kwargs in ({"k": -1}, {"k": 2.0}, {"k": "2"}, {"num_threads": 1.5}, {"filter": 3}):
        with pytest.raises(TypeError, match=r"^knn_query\(\): incompatible function arguments"):
            index.knn_query(data[0], **kwargs)


def test_exact_distances_in_every_space():
    # bindings_test_spaces: integer and float64 input, zero padding
    data = np.asarray([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 1], [1, 1, 1]])
    expected = {"ip": [-2.0, -1.0, 0.0, 0.0, 0.0], "l2": [0.0, 1.0, 2.0, 2.0, 2.0],
                "cosine": [0, 1.835e-01, 4.23e-01, 4.23e-01, 4.23e-01]}
    for space, distances in expected.items():
        for rightdim in range(1, 30, 7):
            for leftdim in range(0, 15, 7):
                p = hnswlib.Index(space, leftdim + 3 + rightdim)
                p.init_index(5)
                padded = np.concatenate([np.zeros([5, leftdim]), data, np.zeros([5, rightdim])], axis=1)
                p.add_items(padded)
                labels, got = p.knn_query(np.asarray(padded[-1:]), k=5)
                np.testing.assert_allclose(got[0], distances, atol=1e-3)


def test_ties_are_ordered_by_label():
    p = hnswlib.Index("l2", 2)
    p.init_index(10)
    p.add_items([[5, 5], [1, 0], [0, 1], [-1, 0], [0, -1]], [9, 8, 7, 6, 5])
    labels, distances = p.knn_query([0, 0], k=4)
    assert labels.tolist() == [[5, 6, 7, 8]] and distances.tolist() == [[1, 1, 1, 1]]


def test_recall_against_bfindex_and_numpy(seed):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(20, 32)) * 4
    data = (centres[rng.integers(0, 20, 4000)] + rng.normal(size=(4000, 32))).astype(np.float32)
    queries = (data[:200] + rng.normal(size=(200, 32)) * 0.1).astype(np.float32)
    for space in ("l2", "ip", "cosine"):
        p = hnswlib.Index(space, 32)
        p.init_index(4000, M=16, ef_construction=100)
        p.add_items(data)
        p.set_ef(100)
        exact = hnswlib.BFIndex(space, 32)
        exact.init_index(4000)
        exact.add_items(data)
        found, found_distances = p.knn_query(queries, k=10)
        truth, truth_distances = exact.knn_query(queries, k=10)
        recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, truth)])
        assert recall >= 0.95, f"{space}: recall {recall}"
        numpy_truth = np.sort(brute_force(space, data, queries), axis=1)[:, :10]
        np.testing.assert_allclose(truth_distances, numpy_truth, rtol=1e-4, atol=1e-4)


def test_threads_give_the_same_answers(seed):
    rng = np.random.default_rng(seed)
    data = rng.random((3000, 24), dtype=np.float32)
    p = hnswlib.Index("l2", 24)
    p.init_index(3000)
    p.add_items(data, num_threads=4)
    assert p.get_current_count() == 3000 and sorted(p.get_ids_list()) == list(range(3000))
    p.set_ef(60)
    one = p.knn_query(data[:500], k=5, num_threads=1)
    for threads in (2, 4, 0, -1):
        many = p.knn_query(data[:500], k=5, num_threads=threads)
        np.testing.assert_array_equal(one[0], many[0])
        np.testing.assert_array_equal(one[1], many[1])
    p.num_threads = -3  # hnswlib: a negative default makes every call single-threaded
    np.testing.assert_array_equal(p.knn_query(data[:500], k=5)[0], one[0])


def test_python_threads_search_concurrently(seed):
    p, data = make(n=1000, dim=8, seed=seed)
    expected = p.knn_query(data, k=3, num_threads=1)[0]
    failures = []

    def worker():
        try:
            for _ in range(5):
                np.testing.assert_array_equal(p.knn_query(data, k=3, num_threads=1)[0], expected)
        except BaseException as e:  # noqa: BLE001 - reported below
            failures.append(e)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures


# ---------------------------------------------------------------------------- add_items

def test_input_conversions():
    p = hnswlib.Index("l2", 3)
    p.init_index(20)
    p.add_items([[1, 2, 3]])                                                   # list of lists
    p.add_items(np.array([[4, 5, 6]], dtype=np.float64))                       # float64
    p.add_items(np.asfortranarray(np.arange(6, dtype=np.int32).reshape(2, 3)))  # Fortran order, ints
    p.add_items(np.arange(12, dtype=np.float32).reshape(2, 6)[:, ::2])         # strided
    p.add_items(np.array([7, 8, 9], dtype=np.float16), ids=100)                # 1-D row, scalar id
    assert p.get_current_count() == 7
    assert set(p.get_ids_list()) == {0, 1, 2, 3, 4, 5, 100}
    np.testing.assert_array_equal(p.get_items([2, 3, 4, 5, 100]), [[0, 1, 2], [3, 4, 5], [0, 2, 4], [6, 8, 10], [7, 8, 9]])
    for bad, ndim in ((np.zeros((1, 1, 3)), 3), (5.0, 0), (None, 0)):
        with pytest.raises(RuntimeError, match=f"^Input vector data wrong shape. Number of dimensions {ndim}. "
                                               "Data must be a 1D or 2D array.$"):
            p.add_items(bad)
    with pytest.raises(RuntimeError, match="^Wrong dimensionality of the vectors$"):
        p.add_items(np.zeros((2, 4)))
    with pytest.raises(ValueError):
        p.add_items([[1, 2, 3], [3]])
    with pytest.raises(ValueError, match="could not convert string to float"):
        p.add_items([["a", "b", "c"]])
    assert p.get_current_count() == 7


def test_ids_rules():
    p = hnswlib.Index("l2", 2)
    p.init_index(10)
    with pytest.raises(RuntimeError, match="^The input label shape 1 does not match the input data vector shape 2$"):
        p.add_items(np.zeros((2, 2)), ids=[1, 2, 3])
    with pytest.raises(RuntimeError, match="^The input label shape 0 does not match the input data vector shape 2$"):
        p.add_items(np.zeros((2, 2)), ids=5)
    with pytest.raises(RuntimeError, match="^The input label shape 2 does not match the input data vector shape 2$"):
        p.add_items(np.zeros((2, 2)), ids=[[1], [2]])
    big = 2**64 - 2
    p.add_items([[1, 1], [2, 2]], ids=np.array([big, 2**63], dtype=np.uint64))
    p.add_items([[3, 3]], ids=[7.9])  # floats truncate
    assert sorted(p.get_ids_list()) == [7, 2**63, big]
    labels, _ = p.knn_query([[1, 1], [2, 2]], k=1)
    assert labels.tolist() == [[big], [2**63]]
    seen = []
    p.knn_query([0, 0], k=1, filter=lambda label: seen.append(label) or True)
    assert set(seen) <= {7, 2**63, big} and all(type(v) is int for v in seen)
    p.mark_deleted(big)
    p.unmark_deleted(big)
    np.testing.assert_array_equal(p.get_items([big]), [[1, 1]])


def test_auto_ids_follow_hnswlibs_running_counter():
    p = hnswlib.Index("l2", 2)
    p.init_index(10)
    p.add_items(np.zeros((2, 2)))             # ids 0, 1
    p.add_items(np.ones((1, 2)), ids=[7])     # cur_l moves on anyway
    p.add_items(np.full((2, 2), 2.0))         # ids 3, 4
    p.add_items(np.full((1, 2), 3.0), ids=1)  # an update, cur_l still moves
    p.add_items(np.full((2, 2), 4.0))         # ids 6, 7: 7 becomes an update
    assert sorted(p.get_ids_list()) == [0, 1, 3, 4, 6, 7]
    np.testing.assert_array_equal(p.get_items([7]), [[4, 4]])


def test_empty_batches():
    p = hnswlib.Index("l2", 3)
    p.init_index(5)
    with pytest.raises(IndexError, match="^index 0 is out of bounds for axis 0 with size 0$"):
        p.add_items(np.zeros((0, 3)))  # hnswlib reads the first row of a fresh index
    p.add_items(np.ones((1, 3)))
    p.add_items(np.zeros((0, 3)))
    assert p.get_current_count() == 1


def test_update_in_place_and_duplicates_in_a_batch():
    p = hnswlib.Index("l2", 2)
    p.init_index(5)
    p.add_items([[0, 0], [1, 1]], [1, 2])
    p.add_items([[5, 5]], [1])
    assert p.get_current_count() == 2
    np.testing.assert_array_equal(p.get_items([1]), [[5, 5]])
    assert p.knn_query([5, 5], k=1)[0][0, 0] == 1
    p.add_items([[3, 3], [4, 4]], [3, 3])
    assert p.get_current_count() == 3
    np.testing.assert_array_equal(p.get_items([3]), [[4, 4]])


def test_capacity_and_resize():
    p = hnswlib.Index("l2", 2)
    p.init_index(3)
    with pytest.raises(RuntimeError, match="^The number of elements exceeds the specified limit$"):
        p.add_items(np.arange(8, dtype=np.float32).reshape(4, 2), num_threads=1)
    assert p.get_current_count() == 3, "rows before the failure stay inserted"
    with pytest.raises(RuntimeError, match="^Cannot resize, max element is less than the current number of elements$"):
        p.resize_index(2)
    p.resize_index(6)
    assert p.get_max_elements() == 6 and p.max_elements == 6
    p.add_items([[9, 9]], [42])
    assert p.knn_query([9, 9], k=1)[0][0, 0] == 42
    zero = hnswlib.Index("l2", 2)
    zero.init_index(0)
    with pytest.raises(RuntimeError, match="exceeds the specified limit"):
        zero.add_items([[1, 2]])


def test_resize_rounds_like_bindings_test_resize(seed):
    rng = np.random.default_rng(seed)
    data = rng.random((2000, 16), dtype=np.float32)
    for round_ in range(4):
        p = hnswlib.Index("l2", 16)
        p.init_index(1000)
        p.set_num_threads(round_ % 3)  # 0 is used too
        p.add_items(data[:1000])
        p.resize_index(2000)
        p.add_items(data[1000:])
        p.set_ef(50)
        labels, _ = p.knn_query(data, k=1)
        assert np.mean(labels.reshape(-1) == np.arange(2000)) > 0.99
        np.testing.assert_array_equal(p.get_items(np.arange(2000)), data)
        assert sorted(p.get_ids_list()) == list(range(2000))


# ---------------------------------------------------------------------------- deletion

def test_delete_unmark_and_not_enough_results():
    p, data = make(n=50, seed=1)
    p.mark_deleted(5)
    labels, _ = p.knn_query(data[5], k=3)
    assert 5 not in labels
    with pytest.raises(RuntimeError, match="^The requested to delete element is already deleted$"):
        p.mark_deleted(5)
    with pytest.raises(RuntimeError, match="^Label not found$"):
        p.mark_deleted(1000)
    with pytest.raises(RuntimeError, match="^Label not found$"):
        p.unmark_deleted(1000)
    with pytest.raises(RuntimeError, match="^Label not found$"):
        p.get_items([5])
    assert 5 in p.get_ids_list() and p.element_count == 50 and p.get_current_count() == 50
    p.unmark_deleted(5)
    with pytest.raises(RuntimeError, match="^The requested to undelete element is not deleted$"):
        p.unmark_deleted(5)
    assert p.knn_query(data[5], k=1)[0][0, 0] == 5
    for label in range(45):
        p.mark_deleted(label)
    assert p.knn_query(data[0], k=5)[0].min() >= 45
    with pytest.raises(RuntimeError, match="^" + NOT_ENOUGH + "$"):
        p.knn_query(data[0], k=6)
    with pytest.raises(TypeError, match="incompatible function arguments"):
        p.mark_deleted(-1)


def test_deleting_then_readding_a_label_updates_it():
    p, data = make(n=30, dim=4, seed=2)
    p.mark_deleted(3)
    p.add_items([[9, 9, 9, 9]], [3])  # without allow_replace_deleted: unmarks and updates
    np.testing.assert_array_equal(p.get_items([3]), [[9, 9, 9, 9]])
    assert p.knn_query([9, 9, 9, 9], k=1)[0][0, 0] == 3 and p.get_current_count() == 30


def test_replace_deleted():
    p = hnswlib.Index("l2", 2)
    p.init_index(3, allow_replace_deleted=True)
    p.add_items([[0, 0], [1, 1], [2, 2]], [1, 2, 3])
    p.mark_deleted(2)
    with pytest.raises(RuntimeError, match="^Can't use addPoint to update deleted elements if replacement of "
                                           "deleted elements is enabled.$"):
        p.add_items([[5, 5]], [2])
    p.add_items([[7, 7]], [4], replace_deleted=True)
    assert sorted(p.get_ids_list()) == [1, 3, 4] and p.get_current_count() == 3
    np.testing.assert_array_equal(p.get_items([4]), [[7, 7]])
    with pytest.raises(RuntimeError, match="^Label not found$"):
        p.get_items([2])
    with pytest.raises(RuntimeError, match="exceeds the specified limit"):
        p.add_items([[8, 8]], [5], replace_deleted=True)  # no vacancy: a normal insert, and it is full
    q = hnswlib.Index("l2", 2)
    q.init_index(3)
    with pytest.raises(RuntimeError, match="^Replacement of deleted elements is disabled in constructor$"):
        q.add_items([[0, 0]], replace_deleted=True)


def test_replace_deleted_keeps_recall(seed):
    rng = np.random.default_rng(seed)
    first, second = rng.random((1000, 16), dtype=np.float32), rng.random((500, 16), dtype=np.float32)
    p = hnswlib.Index("l2", 16)
    p.init_index(1000, allow_replace_deleted=True)
    p.add_items(first)
    for label in range(0, 1000, 2):
        p.mark_deleted(label)
    p.add_items(second, np.arange(1000, 1500), replace_deleted=True)
    assert p.get_current_count() == 1000
    np.testing.assert_array_equal(p.get_items(np.arange(1000, 1500)), second)
    p.set_ef(100)
    labels, _ = p.knn_query(second, k=1)
    assert np.mean(labels.reshape(-1) == np.arange(1000, 1500)) > 0.98
    assert not (set(labels.reshape(-1).tolist()) & set(range(0, 1000, 2)))


# ---------------------------------------------------------------------------- filter

def test_filter():
    p, data = make(n=200, seed=2)
    p.set_ef(100)
    for threads in (1, 4):
        labels, _ = p.knn_query(data[:10], k=5, num_threads=threads, filter=lambda label: label % 2 == 0)
        assert (labels % 2 == 0).all()
        assert (labels[::2, 0] == np.arange(0, 10, 2)).all()
    with pytest.raises(RuntimeError, match="^" + NOT_ENOUGH + "$"):
        p.knn_query(data[0], k=1, filter=lambda label: False)
    # pybind11's bool conversion: anything with __bool__ is used for its truth value, None is False
    assert p.knn_query(data[0], k=1, filter=lambda label: 1)[0][0, 0] == 0
    assert p.knn_query(data[0], k=1, filter=lambda label: np.bool_(label == 7))[0][0, 0] == 7
    with pytest.raises(RuntimeError, match="^" + NOT_ENOUGH + "$"):
        p.knn_query(data[0], k=1, filter=lambda label: None)


def test_filter_errors_cross_java_unchanged():
    p, data = make(n=50, seed=2)

    class Custom(Exception):
        pass

    def raising(label):
        raise Custom(label)

    with pytest.raises(ZeroDivisionError):
        p.knn_query(data[0], k=1, filter=lambda label: 1 / 0)
    with pytest.raises(Custom):
        p.knn_query(data[0], k=1, filter=raising)
    for verdict in ("yes", [True], np.array([True, False])):
        with pytest.raises(RuntimeError, match=r"^Unable to cast Python instance to C\+\+ type \(#define "
                                               r"PYBIND11_DETAILED_ERROR_MESSAGES or compile in debug mode "
                                               r"for details\)$"):
            p.knn_query(data[0], k=1, filter=lambda label, v=verdict: v)
    assert p.knn_query(data[0], k=1)[0][0, 0] == 0, "the index still works"


# ---------------------------------------------------------------------------- items

def test_get_items_types_and_errors():
    p, data = make(n=20, seed=3)
    items = p.get_items([1, 2])
    assert isinstance(items, np.ndarray) and items.dtype == np.float32 and items.shape == (2, 16)
    np.testing.assert_array_equal(items, data[1:3])
    as_list = p.get_items([1], return_type="list")
    assert type(as_list) is list and type(as_list[0]) is list and type(as_list[0][0]) is float
    assert as_list == data[1:2].tolist()
    assert p.get_items().shape == (0,) and p.get_items().dtype == np.float32
    assert p.get_items(return_type="list") == []
    labels, _ = p.knn_query(data[:3], k=1)
    np.testing.assert_array_equal(p.get_items(labels), data[:3])  # (n, 1) labels
    np.testing.assert_array_equal(p.get_items(np.array([[4, 5], [6, 7]])), data[4:6])  # first shape[0], flat
    with pytest.raises(ValueError, match="^get_items accepts a list of indices and returns a list of vectors$"):
        p.get_items(1)
    with pytest.raises(ValueError, match='^return_type should be "numpy" or "list"$'):
        p.get_items([1], return_type="tuple")
    with pytest.raises(RuntimeError, match="^Label not found$"):
        p.get_items([1, 99])


def test_get_ids_list():
    p = hnswlib.Index("ip", 2)
    p.init_index(5)
    assert p.get_ids_list() == []
    p.add_items([[1, 0], [0, 1]], [10, 20])
    ids = p.get_ids_list()
    assert type(ids) is list and sorted(ids) == [10, 20] and all(type(i) is int for i in ids)


def test_cosine_stores_normalised_vectors():
    p = hnswlib.Index("cosine", 2)
    p.init_index(2)
    p.add_items([[3, 4], [0, 0]])
    np.testing.assert_allclose(p.get_items([0, 1]), [[0.6, 0.8], [0, 0]], rtol=1e-6)
    labels, distances = p.knn_query([1, 0], k=2)
    assert labels.tolist() == [[0, 1]]
    assert distances[0, 0] == pytest.approx(0.4) and distances[0, 1] == pytest.approx(1.0)


# ---------------------------------------------------------------------------- parameters

def test_ef_and_threads_parameters():
    p = hnswlib.Index("l2", 2)
    p.set_ef(33)
    assert p.ef == 33
    p.init_index(5)
    assert p.ef == 33, "set_ef before init applies at init"
    p.ef = 7
    assert p.ef == 7
    p.set_ef(0)
    p.add_items([[0, 0], [1, 1]])
    assert p.knn_query([0, 0], k=2)[0].tolist() == [[0, 1]], "search uses max(ef, k)"
    p.num_threads = 3
    assert p.num_threads == 3
    p.set_num_threads(1)
    assert p.num_threads == 1
    for bad in (lambda: p.set_ef(-1), lambda: p.set_num_threads(2.5), lambda: setattr(p, "num_threads", "2"),
                lambda: setattr(p, "ef", -2)):
        with pytest.raises(TypeError, match="incompatible function arguments"):
            bad()


# ---------------------------------------------------------------------------- files

def test_save_load_and_file_size(tmp_path, capsys):
    p, data = make(n=100, seed=4)
    p.mark_deleted(3)
    path = str(tmp_path / "index.bin")
    p.save_index(path)
    assert os.path.getsize(path) == p.index_file_size()
    blob = open(path, "rb").read()
    header = struct.unpack_from("<QQQQQQiIQQQdQ", blob)
    assert header[:6] == (0, 100, 100, 4 + 4 * 32 + 4 * 16 + 8, 4 + 4 * 32 + 4 * 16, 4 + 4 * 32)
    assert header[8:11] == (16, 32, 16) and header[12] == 200
    q = hnswlib.Index("l2", 16)
    q.set_ef(77)
    q.load_index(path, max_elements=150)
    assert q.ef == 10, "ef is not stored in the file"
    assert q.get_max_elements() == 150 and q.get_current_count() == 100
    assert 3 not in q.knn_query(data[3], k=3)[0]
    np.testing.assert_array_equal(q.get_items(np.arange(4, 100)), data[4:])
    q.add_items(data[:1] + 5)  # auto id = element count = 100
    assert q.get_current_count() == 101 and 100 in q.get_ids_list()
    capsys.readouterr()
    q.load_index(path)  # over an initialised index: hnswlib warns on stderr
    assert "Warning: Calling load_index for an already inited index. Old index is being deallocated." \
        in capsys.readouterr().err
    assert q.get_max_elements() == 100, "the file's capacity when max_elements is below the count"
    with pytest.raises(RuntimeError, match="^Cannot open file$"):
        q.load_index(str(tmp_path / "missing.bin"))
    assert q.get_current_count() == 100, "a failed load keeps the index"
    (tmp_path / "bad.bin").write_bytes(b"\0" * 50)
    with pytest.raises(RuntimeError, match="^Index seems to be corrupted or unsupported$"):
        hnswlib.Index("l2", 16).load_index(str(tmp_path / "bad.bin"))
    (tmp_path / "truncated.bin").write_bytes(blob[:-3])
    with pytest.raises(RuntimeError, match="^Index seems to be corrupted or unsupported$"):
        hnswlib.Index("l2", 16).load_index(str(tmp_path / "truncated.bin"))
    with pytest.raises(RuntimeError, match="^Index seems to be corrupted or unsupported$"):
        hnswlib.Index("l2", 15).load_index(path)  # hnswlib does not check the dimension
    with pytest.raises(RuntimeError):
        p.save_index(str(tmp_path / "no" / "dir" / "x.bin"))  # hnswlib fails silently


def test_load_keeps_deletions_and_replacement(tmp_path):
    p = hnswlib.Index("cosine", 4)
    p.init_index(10, allow_replace_deleted=True)
    p.add_items(np.eye(4))
    p.mark_deleted(1)
    p.save_index(str(tmp_path / "r.bin"))
    q = hnswlib.Index("cosine", 4)
    q.load_index(str(tmp_path / "r.bin"), max_elements=4, allow_replace_deleted=True)
    assert 1 not in q.knn_query(np.eye(4)[1], k=3)[0]
    q.add_items([[1, 1, 0, 0]], [7], replace_deleted=True)
    assert sorted(q.get_ids_list()) == [0, 2, 3, 7] and q.get_current_count() == 4


# ---------------------------------------------------------------------------- subclassing

def test_subclassing_like_lazy_index():
    class LazyIndex(hnswlib.Index):  # python_bindings/LazyIndex.py
        def __init__(self, space, dim, max_elements=1024, **kwargs):
            super().__init__(space=space, dim=dim)
            self.init_max_elements = max_elements
            self.init_kwargs = kwargs

        def add_items(self, data, ids=None, num_threads=-1):
            if self.max_elements == 0:
                self.init_index(max_elements=self.init_max_elements, **self.init_kwargs)
            return super().add_items(data, ids, num_threads)

    lazy = LazyIndex("l2", 3, 10, M=8)
    assert lazy.max_elements == 0 and isinstance(lazy, hnswlib.Index)
    lazy.add_items([[1, 2, 3]])
    assert lazy.max_elements == 10 and lazy.M == 8 and lazy.knn_query([1, 2, 3])[0][0, 0] == 0
    with pytest.raises(AttributeError, match="^property of 'LazyIndex' object has no setter$"):
        lazy.dim = 4
