"""Resource limits from Python: impossible capacities fail cleanly, and indexes give their off-heap memory back.

hnswlib answers an impossible max_elements with a C++ allocation failure turned into a Python exception
(measured with Debian's 0.6.2 at dim 1000: 2**62 gives ValueError("cannot create std::vector larger than
max_size()"), 2**40 MemoryError("std::bad_alloc"); a malloc that returns NULL is RuntimeError("Not enough
memory")). This module raises the same types before anything is allocated, or "Not enough memory" when the
C allocator refuses, and the Index stays usable.

Vectors and level-0 links live off-heap (calloc); io.hnswj.NativeMemory.allocatedBytes() is the live total.
Dropping the last reference to an Index or BFIndex (and a gc.collect() for cycles) frees it; load_index over
an initialised index and unpickling into one free the replaced graph at once.
"""
import gc
import pickle
import time

import java
import numpy as np
import pytest

import hnswlib

NativeMemory = java.type("io.hnswj.NativeMemory")


def allocated():
    return int(NativeMemory.allocatedBytes())


def settle(limit, what, timeout=30.0):
    """Collects garbage until the live total is at most `limit`. GraalPy frees an object once the JVM's
    collector finds it unreachable; the finalizer that closes the engine then runs on a later collection."""
    deadline = time.monotonic() + timeout
    while True:
        gc.collect()
        now = allocated()
        if now <= limit or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert now <= limit, f"{what}: {now - limit} bytes still allocated {timeout} s after the last reference went"


def record_bytes(dim, m=16):
    return 4 + 4 * 2 * m + 4 * dim + 8


# ------------------------------------------------------------------------------ impossible sizes

def test_impossible_max_elements_fail_cleanly_and_the_index_stays_usable():
    before = allocated()
    p = hnswlib.Index("l2", 1000)
    with pytest.raises(ValueError, match="cannot create std::vector larger than max_size()"):
        p.init_index(2**62)
    for size in (2**40, 2**32):
        with pytest.raises(MemoryError, match=str(size)):
            p.init_index(size)
    # accepted by the size check, refused by the C allocator: 2**31 - 9 records of 4140 bytes (8.9 TB)
    with pytest.raises(RuntimeError, match="^Not enough memory"):
        p.init_index(2**31 - 9)
    assert allocated() == before, "a failed init_index kept memory"
    assert (p.max_elements, p.element_count) == (0, 0)
    with pytest.raises(RuntimeError, match="^Index not initialized"):
        p.get_current_count()
    p.init_index(100)  # and the object can still be initialised
    p.add_items(np.ones((3, 1000)), [1, 2, 3])
    assert p.get_current_count() == 3 and p.knn_query(np.ones(1000), k=1)[0][0, 0] in (1, 2, 3)
    assert allocated() >= before + 100 * record_bytes(1000)


def test_impossible_resize_keeps_the_index():
    rng = np.random.default_rng(5)
    data = rng.random((50, 1000), dtype=np.float32)
    p = hnswlib.Index("ip", 1000)
    p.init_index(60)
    p.add_items(data)
    expected = p.knn_query(data[:5], k=3)
    before = allocated()
    with pytest.raises(MemoryError):
        p.resize_index(2**40)
    with pytest.raises(RuntimeError, match="^Not enough memory"):
        p.resize_index(2**31 - 9)
    assert allocated() == before and p.get_max_elements() == 60 and p.get_current_count() == 50
    for a, b in zip(p.knn_query(data[:5], k=3), expected):
        np.testing.assert_array_equal(a, b)
    p.resize_index(200)  # a sane size still works
    p.add_items(data[:1] * 2, [1000])
    assert p.get_max_elements() == 200 and p.get_current_count() == 51


def test_bfindex_impossible_sizes():
    before = allocated()
    bf = hnswlib.BFIndex("l2", 1000)
    with pytest.raises(MemoryError):
        bf.init_index(2**40)  # hnswlib's malloc "succeeds" (overcommit) and crashes later
    with pytest.raises(RuntimeError, match="^Not enough memory"):
        bf.init_index(2**31 - 9)
    assert allocated() == before
    bf.init_index(10)
    bf.add_items(np.zeros((2, 1000)))
    assert bf.get_current_count() == 2


# ------------------------------------------------------------------------------ memory given back

def drop_many_indexes():
    """Creates indexes of every kind and drops them all; returns the bytes they held."""
    before = allocated()
    data = np.random.default_rng(1).random((200, 64), dtype=np.float32)
    indexes = []
    for space in ("l2", "ip", "cosine"):
        p = hnswlib.Index(space, 64)
        p.init_index(5000)
        p.add_items(data)
        indexes.append(p)
        indexes.append(pickle.loads(pickle.dumps(p)))  # unpickled copies hold their own memory
        indexes.append(hnswlib.Index(p))
        bf = hnswlib.BFIndex(space, 64)
        bf.init_index(5000)
        bf.add_items(data)
        indexes.append(bf)
    held = allocated() - before
    cycle = {"index": indexes[0]}
    cycle["self"] = cycle  # one index reachable only through a reference cycle
    del p, bf, cycle
    indexes.clear()
    return held


def test_dropped_indexes_release_their_memory():
    # GraalPy's interpreter can keep an object seen by a call site that runs for the first time alive
    # until that site runs again (seen with plain Python objects too): a first round warms the sites up
    drop_many_indexes()
    for _ in range(3):
        gc.collect()
    base = allocated()
    held = drop_many_indexes()
    assert held >= 9 * 5000 * record_bytes(64) + 3 * 5000 * (4 * 64 + 8)
    settle(base, "dropped indexes")  # without the finalizers: 22 MB more


def test_replacing_a_graph_frees_the_old_one_at_once(tmp_path):
    gc.collect()
    base = allocated()
    p = hnswlib.Index("l2", 32)
    p.init_index(20000)
    p.add_items(np.ones((10, 32)))
    small = hnswlib.Index("l2", 32)
    small.init_index(10)
    small.add_items(np.zeros((10, 32)))
    path = str(tmp_path / "small.bin")
    small.save_index(path)
    state = small.__getstate__()
    with_both = allocated()
    assert with_both - base >= 20010 * record_bytes(32)
    p.load_index(path)  # the 20,000-slot graph goes now, not at the next collection
    assert allocated() == with_both - 20000 * record_bytes(32) + 10 * record_bytes(32), "load_index kept the old graph"
    assert p.get_max_elements() == 10
    p.resize_index(30000)
    grown = allocated()
    p.__setstate__(state)  # unpickling into an initialised index frees its graph too
    assert allocated() == grown - 30000 * record_bytes(32) + 10 * record_bytes(32)
    failed = allocated()
    with pytest.raises(RuntimeError):
        p.load_index(str(tmp_path / "missing.bin"))
    with pytest.raises(RuntimeError):
        p.__setstate__((dict(state[0], max_M0=7),))
    assert allocated() == failed and p.get_current_count() == 10, "a failed replacement changed the index"


def test_many_short_lived_indexes_do_not_accumulate():
    """A loop creating indexes without keeping them: the live total stays bounded (collected as it goes)."""
    gc.collect()
    base = allocated()
    peak = 0
    for i in range(200):
        p = hnswlib.Index("l2", 16)
        p.init_index(4000)  # about 1 MB each: 200 MB if none were freed
        p.add_items(np.ones((2, 16)) * i)
        if i % 20 == 19:
            gc.collect()
        peak = max(peak, allocated() - base)
    del p
    one = 4000 * record_bytes(16)
    assert peak < 60 * one, f"{peak} bytes live at the peak: dropped indexes are not freed"
    settle(base + 2 * one, "short-lived indexes")  # the odd one may be held by GraalPy a while longer
