"""The C helper behind knn_query's per-call numpy work (python/native/_hnswj_native.c).

scripts/setup.sh builds it into bin/graalpy's site directory; python/hnswlib/_bridge.py falls back to the
same steps in Python without it. Both paths must give the same arrays and the same answers.
"""
import numpy as np
import pytest

import hnswlib
from hnswlib import _bridge


def test_the_helper_is_built_and_used():
    import _hnswj_native as native  # an ImportError here: scripts/setup.sh did not build it

    assert _bridge.result_arrays is native.result_arrays
    assert _bridge.address is native.address


def test_result_arrays_match_the_python_fallback():
    rows = np.arange(12, dtype=np.float32).reshape(3, 4)
    for n, k in ((3, 5), (1, 1), (0, 4), (2, 0)):
        native = _bridge.result_arrays(rows, n, k)
        python = _bridge._result_arrays(rows, n, k)
        for ours, theirs in zip(native[:2], python[:2]):
            assert ours.shape == theirs.shape == (n, k)
            assert ours.dtype == theirs.dtype
            assert ours.flags.c_contiguous and ours.flags.writeable and ours.flags.owndata
        assert native[2] == python[2] == rows.ctypes.data
        assert native[3] == native[0].ctypes.data
        assert native[4] == native[1].ctypes.data


def test_the_helper_refuses_what_is_not_an_array():
    with pytest.raises(TypeError, match="expected a numpy array"):
        _bridge.address([1.0, 2.0])
    with pytest.raises(TypeError, match="expected a numpy array"):
        _bridge.result_arrays(b"1234", 1, 1)
    with pytest.raises(ValueError, match="negative"):
        _bridge.result_arrays(np.zeros(4, np.float32), -1, 3)
    with pytest.raises(TypeError, match="takes 3 arguments"):
        _bridge.result_arrays(np.zeros(4, np.float32), 1)
    with pytest.raises(TypeError):
        _bridge.result_arrays(np.zeros(4, np.float32), 1, "3")


@pytest.mark.parametrize("index_type", [hnswlib.Index, hnswlib.BFIndex])
def test_queries_answer_the_same_through_either_path(index_type, seed, monkeypatch):
    rng = np.random.default_rng(seed)
    data = rng.random((500, 16), dtype=np.float32)
    queries = rng.random((40, 16), dtype=np.float32)
    index = index_type(space="l2", dim=16)
    index.init_index(max_elements=500)
    index.add_items(data, np.arange(500) * 3)
    if index_type is hnswlib.Index:
        index.set_ef(200)  # so that the search is close to exact for the check below

    def answers():
        single = [index.knn_query(q, k=7) for q in queries]
        return np.vstack([s[0] for s in single]), np.vstack([s[1] for s in single]), index.knn_query(queries, k=7)

    native_labels, native_distances, native_batch = answers()
    monkeypatch.setattr(_bridge, "result_arrays", _bridge._result_arrays)
    python_labels, python_distances, python_batch = answers()
    np.testing.assert_array_equal(native_labels, python_labels)
    np.testing.assert_array_equal(native_distances, python_distances)
    np.testing.assert_array_equal(native_batch[0], python_batch[0])
    np.testing.assert_array_equal(native_batch[1], python_batch[1])
    # and the answers are the exact nearest labels (a brute-force check, so a wrong address cannot pass)
    exact = np.argsort(((queries[:, None, :] - data[None, :, :]) ** 2).sum(axis=2), axis=1)[:, :7] * 3
    assert (python_batch[0] == exact).mean() > 0.95


def _python_float_rows(data, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(_bridge, "_native_float_rows", None)
        return _bridge.float_rows(data)


def test_float_rows_match_the_python_fallback(seed, monkeypatch):
    rng = np.random.default_rng(seed)
    matrix = rng.random((6, 5))
    inputs = [matrix, matrix.astype(np.float32), np.asfortranarray(matrix), matrix[::2, 1:], matrix[0],
              matrix[:, 0], (matrix * 100).astype(np.int64), np.zeros((0, 5)), np.zeros(0, np.float32),
              matrix.astype(np.float16), matrix > 0.5]
    for data in inputs:
        native = _bridge.float_rows(data)
        python = _python_float_rows(data, monkeypatch)
        assert native[1:] == python[1:], data
        assert native[0].dtype == np.float32 and native[0].flags.c_contiguous
        np.testing.assert_array_equal(native[0], python[0])
    float32_rows = matrix.astype(np.float32)
    assert _bridge.float_rows(float32_rows)[0] is float32_rows  # no copy when none is needed


def test_float_rows_errors_match_the_python_fallback(monkeypatch):
    for data in (np.zeros((2, 2, 2)), np.float64(3.0), np.array(["a", "b"])):
        errors = []
        for convert in (_bridge.float_rows, lambda d: _python_float_rows(d, monkeypatch)):
            with pytest.raises(Exception) as caught:
                convert(data)
            errors.append((type(caught.value), str(caught.value)))
        assert errors[0] == errors[1], data
