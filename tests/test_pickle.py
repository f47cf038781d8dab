"""Pickling hnswlib.Index with hnswlib's state layout (ser_version 1), Index(params) and Index(index)."""
import copy
import pickle

import numpy as np
import pytest

import hnswlib

SCALAR_KEYS = {"ser_version", "space", "dim", "index_inited", "ep_added", "normalize", "num_threads", "seed"}
ANN_KEYS = {"offset_level0", "max_elements", "cur_element_count", "size_data_per_element", "label_offset",
            "offset_data", "max_level", "enterpoint_node", "max_M", "max_M0", "M", "mult", "ef_construction",
            "ef", "has_deletions", "size_links_per_element", "allow_replace_deleted", "label_lookup_external",
            "label_lookup_internal", "element_levels", "data_level0", "link_lists"}


def filled(space, dim, n, seed, capacity=None, **init):
    data = np.random.default_rng(seed).random((n, dim), dtype=np.float32)
    p = hnswlib.Index(space, dim)
    p.init_index(capacity or n, random_seed=seed, **init)
    p.add_items(data, num_threads=1)
    return p, data


def test_uninitialised_index_round_trips():
    p = hnswlib.Index("cosine", 5)
    p.set_ef(42)
    p.num_threads = 3
    (state,) = p.__getstate__()
    assert set(state) == SCALAR_KEYS | {"ef"}
    assert state["index_inited"] is False and state["normalize"] is True and state["ep_added"] is True
    q = pickle.loads(pickle.dumps(p))
    assert type(q) is hnswlib.Index and repr(q) == repr(p)
    assert (q.ef, q.num_threads, q.max_elements, q.element_count) == (42, 3, 0, 0)
    q.init_index(10)
    q.add_items(np.ones((1, 5)))
    assert q.get_current_count() == 1


def test_state_layout_matches_hnswlib(tmp_path):
    p, data = filled("l2", 8, 300, seed=5, capacity=400, M=6, ef_construction=20)
    p.mark_deleted(2)
    (state,) = p.__getstate__()
    assert set(state) == SCALAR_KEYS | ANN_KEYS
    count, size = state["cur_element_count"], state["size_data_per_element"]
    assert (state["max_elements"], count, state["M"], state["max_M"], state["max_M0"]) == (400, 300, 6, 6, 12)
    assert (state["offset_data"], size, state["label_offset"]) == (4 + 4 * 12, 4 + 4 * 12 + 4 * 8 + 8, 4 + 4 * 12 + 32)
    assert state["size_links_per_element"] == 4 + 4 * 6 and state["ef_construction"] == 20
    assert state["mult"] == pytest.approx(1 / np.log(6), rel=1e-15) and type(state["mult"]) is float
    assert state["has_deletions"] is True and state["allow_replace_deleted"] is False
    for key in (SCALAR_KEYS | ANN_KEYS) - {"label_lookup_external", "label_lookup_internal", "element_levels",
                                            "data_level0", "link_lists", "mult", "space"}:
        assert type(state[key]) in (int, bool), key
    arrays = {"label_lookup_external": (np.uint64, (300,)), "label_lookup_internal": (np.uint32, (300,)),
              "element_levels": (np.int32, (400,)), "data_level0": (np.int8, (300 * size,))}
    for key, (dtype, shape) in arrays.items():
        assert state[key].dtype == dtype and state[key].shape == shape, key
    assert state["link_lists"].dtype == np.int8
    levels = state["element_levels"]
    assert levels[300:].sum() == 0 and state["max_level"] == levels.max()
    assert state["link_lists"].shape == (int(levels.sum()) * (4 + 4 * 6),)
    lookup = dict(zip(state["label_lookup_external"].tolist(), state["label_lookup_internal"].tolist()))
    assert sorted(lookup) == list(range(300))
    p.save_index(str(tmp_path / "p.bin"))
    blob = (tmp_path / "p.bin").read_bytes()
    assert state["data_level0"].tobytes() == blob[96:96 + 300 * size], "level-0 bytes are the file's"


@pytest.mark.parametrize("space,dim", [("ip", 16), ("l2", 53), ("cosine", 32)])
def test_filled_index_round_trips(space, dim, seed):
    # bindings_test_pickle: equal items and answers, parameters survive, the copy keeps working
    p, data = filled(space, dim, 400, seed, capacity=500, M=12, ef_construction=50)
    p.mark_deleted(7)
    p.set_ef(40)
    p.num_threads = 2
    for protocol in (2, pickle.HIGHEST_PROTOCOL):
        q = pickle.loads(pickle.dumps(p, protocol))
        assert (q.space, q.dim, q.M, q.ef_construction, q.ef, q.num_threads, q.max_elements, q.element_count) == \
               (space, dim, 12, 50, 40, 2, 500, 400)
        np.testing.assert_array_equal(p.get_items(range(8, 400)), q.get_items(range(8, 400)))
        with pytest.raises(RuntimeError, match="^Label not found$"):
            q.get_items([7])
        for a, b in zip(p.knn_query(data[:50], k=5), q.knn_query(data[:50], k=5)):
            np.testing.assert_array_equal(a, b)
        assert sorted(q.get_ids_list()) == list(range(400))
        q.add_items(data[:10] + 1)  # auto ids continue at the element count
        assert q.get_current_count() == 410 and p.get_current_count() == 400
    exact = ((data[:50, None, :] - data[None, :, :]) ** 2).sum(-1) if space == "l2" else None
    if exact is not None:
        exact[:, 7] = np.inf
        labels, _ = q.knn_query(data[:50], k=1)
        assert np.mean(labels[:, 0] == exact.argmin(1)) > 0.9


def test_copies_are_independent():
    p, data = filled("l2", 4, 50, seed=1, capacity=60)
    for copy_of_p in (hnswlib.Index(p), hnswlib.Index(index=p), hnswlib.Index(p.__getstate__()[0]),
                      hnswlib.Index(params=p.__getstate__()[0]), copy.deepcopy(p), copy.copy(p)):
        assert type(copy_of_p) is hnswlib.Index and copy_of_p.get_current_count() == 50
        copy_of_p.add_items(np.full((1, 4), 9.0), [99])
        copy_of_p.mark_deleted(0)
        assert p.get_current_count() == 50 and 99 not in p.get_ids_list()
        assert p.knn_query(data[0], k=1)[0][0, 0] == 0


def test_empty_initialised_index_round_trips():
    p = hnswlib.Index("ip", 3)
    p.init_index(4, allow_replace_deleted=True)
    (state,) = p.__getstate__()
    assert state["ep_added"] is False and state["max_level"] == -1 and state["enterpoint_node"] == 2**32 - 1
    assert state["data_level0"].shape == (0,) and state["link_lists"].shape == (0,)
    q = pickle.loads(pickle.dumps(p))
    with pytest.raises(IndexError):
        q.add_items(np.zeros((0, 3)))  # still a fresh index (ep_added survives)
    q.add_items(np.eye(3))
    q.mark_deleted(1)
    q.add_items([[1, 1, 1]], [5], replace_deleted=True)
    assert sorted(q.get_ids_list()) == [0, 2, 5]


def test_state_from_hnswlib_0_6_without_allow_replace_deleted():
    p, data = filled("l2", 4, 30, seed=2)
    (state,) = p.__getstate__()
    del state["allow_replace_deleted"]
    q = hnswlib.Index(state)
    np.testing.assert_array_equal(q.knn_query(data, k=3)[0], p.knn_query(data, k=3)[0])


class Subclass(hnswlib.Index):
    """A user's subclass (pickled by reference to this module, as any class)."""


def test_subclass_pickles_as_itself():
    m = Subclass("l2", 2)
    m.init_index(3)
    m.add_items([[1, 2]])
    n = pickle.loads(pickle.dumps(m))
    assert type(n) is Subclass and n.get_current_count() == 1


def test_unpickle_errors():
    p = hnswlib.Index("l2", 2)
    with pytest.raises(RuntimeError, match="^Invalid state!$"):
        p.__setstate__(({}, {}))
    (state,) = p.__getstate__()
    with pytest.raises(RuntimeError, match="^Unpickle Error: Invalid serialization version!$"):
        hnswlib.Index(dict(state, ser_version=2))
    with pytest.raises(RuntimeError, match="^Space name must be one of l2, ip, or cosine.$"):
        hnswlib.Index(dict(state, space="hamming"))
    p.init_index(5, M=4)
    p.add_items(np.eye(2))
    (state,) = p.__getstate__()
    for key, value, field in (("max_M0", 3, "maxM0_"), ("offset_level0", 8, "offsetLevel0_"),
                              ("mult", 0.5, "mult_"), ("size_data_per_element", 1, "size_data_per_element_"),
                              ("label_offset", 2, "label_offset_"), ("offset_data", 2, "offsetData_"),
                              ("max_M", 5, "maxM_"), ("ef_construction", 2, "ef_construction_"),
                              ("size_links_per_element", 9, "size_links_per_element_")):
        with pytest.raises(RuntimeError, match=f"^Unpickle Error: Invalid value of {field} $"):
            hnswlib.Index(dict(state, **{key: value}))
    with pytest.raises(RuntimeError, match="^Index seems to be corrupted or unsupported$"):
        hnswlib.Index(dict(state, data_level0=state["data_level0"][:-1]))
    broken_links = state["data_level0"].copy()
    broken_links.view(np.uint8)[4:8] = 255  # a neighbour id far outside the index
    with pytest.raises(RuntimeError, match="^Index seems to be corrupted or unsupported$"):
        hnswlib.Index(dict(state, data_level0=broken_links))
