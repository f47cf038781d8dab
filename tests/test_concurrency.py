"""Concurrency stress of hnswlib.Index from Python.

1. hnswlib's multi-threaded replace test (tests/python/bindings_test_stress_mt_replace.py upstream), on one
   index for many rounds: a full index with allow_replace_deleted=True, half of it marked deleted, the
   holes refilled with replace_deleted=True, all with num_threads=2 or 4. After every step: no deleted label
   is ever returned, no item is lost or duplicated (get_ids_list and get_items match what should be
   there, exactly), the element count adds up, and self-search still finds the new items.
2. Python threads: GraalPy releases its interpreter lock while Java runs, and the engine allows adds,
   deletions and searches at the same time (hnswlib does not). Reader threads search, read items and list
   ids while a writer thread adds, deletes and resizes; a saver thread saves snapshots. Checked: nothing
   deleted before a search started is returned, every returned distance is that of the label's vector (no
   torn reads), every readable item is exact, every saved snapshot is self-consistent, and the threads
   really overlapped (a search completed while an add_items call was running).
"""
import os
import threading
import time

import numpy as np
import pytest

import hnswlib

DIM = 16


def exact_l2(queries, vectors):
    d = queries.astype(np.float64)[:, None, :] - vectors.astype(np.float64)[None, :, :]
    return (d * d).sum(-1)


@pytest.mark.parametrize("num_threads", [2, 4])
def test_replace_deleted_rounds(num_threads, seed):
    rng = np.random.default_rng(seed + num_threads)
    capacity, rounds = 1000, 12
    index = hnswlib.Index("l2", DIM)
    index.init_index(capacity, M=16, ef_construction=64, allow_replace_deleted=True, random_seed=seed)
    index.set_ef(64)
    index.set_num_threads(num_threads)
    vectors = {}   # every label ever added -> its vector (labels are never reused)
    live = set()   # labels the index must return and read
    dead = set()   # labels marked deleted whose slots were not reused yet: listed, never returned
    next_label = 0

    def batch(n):
        nonlocal next_label
        labels = np.arange(next_label, next_label + n, dtype=np.uint64)
        next_label += n
        data = rng.random((n, DIM), dtype=np.float32)
        vectors.update(zip(labels.tolist(), data))
        return data, labels

    data, labels = batch(capacity)
    index.add_items(data, labels, num_threads=num_threads)
    live.update(labels.tolist())
    for round_ in range(rounds):
        where = f"seed {seed}, num_threads {num_threads}, round {round_}"
        victims = rng.choice(sorted(live), size=capacity // 2, replace=False).tolist()
        for label in victims:
            index.mark_deleted(label)
        live -= set(victims)
        dead |= set(victims)
        revived = rng.choice(victims, size=int(rng.integers(0, 6)), replace=False).tolist()
        for label in revived:  # unmarked slots are no longer vacant: replacement must not take them
            index.unmark_deleted(label)
        live |= set(revived)
        dead -= set(revived)
        victim_vectors = np.array([vectors[label] for label in victims])
        found, _ = index.knn_query(victim_vectors, k=5, num_threads=num_threads)
        assert not set(found.reshape(-1).tolist()) & dead, f"{where}: a deleted label was returned"
        with pytest.raises(RuntimeError, match="^Label not found$"):
            index.get_items([next(iter(dead))])
        with pytest.raises(RuntimeError, match="^The number of elements exceeds the specified limit$"):
            index.add_items(victim_vectors[:1], [2**40 + round_])  # full: only replacement makes room
        assert index.element_count == capacity, where
        # refill all holes but a few: those stay deleted and listed until a later round reuses them
        keep = int(rng.integers(0, 8))
        data, labels = batch(len(dead) - keep)
        index.add_items(data, labels, num_threads=num_threads, replace_deleted=True)
        live.update(labels.tolist())
        ids = index.get_ids_list()
        assert len(ids) == len(set(ids)) == index.element_count == index.get_current_count() == capacity, where
        assert live <= set(ids), f"{where}: items lost: {sorted(live - set(ids))[:10]}"
        left = set(ids) - live
        assert left <= dead and len(left) == keep, f"{where}: deleted labels left {sorted(left)}, expected {keep} of them"
        dead = left
        expected = np.array([vectors[label] for label in sorted(live)])
        np.testing.assert_array_equal(index.get_items(sorted(live)), expected, err_msg=where)
        for label in dead:
            with pytest.raises(RuntimeError, match="^Label not found$"):
                index.get_items([label])
        queries = np.concatenate([data, victim_vectors])
        found, distances = index.knn_query(queries, k=3, num_threads=num_threads)
        assert not set(found.reshape(-1).tolist()) - live, f"{where}: returned a deleted or unknown label"
        assert np.mean(found[:len(labels), 0] == labels) > 0.95, f"{where}: self-recall of the new batch"
        rows = np.array([[vectors[label] for label in row] for row in found.tolist()])
        want = ((queries[:, None, :].astype(np.float64) - rows) ** 2).sum(-1)
        np.testing.assert_allclose(distances, want, rtol=1e-4, atol=1e-5, err_msg=where)
    # finally, recall against exact search over what should be there
    labels = np.array(sorted(live))
    queries = rng.random((50, DIM), dtype=np.float32)
    found, _ = index.knn_query(queries, k=10, num_threads=num_threads)
    truth = labels[np.argsort(exact_l2(queries, np.array([vectors[label] for label in labels])), axis=1)[:, :10]]
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found.tolist(), truth.tolist())])
    assert recall > 0.9, f"seed {seed}: recall {recall} after {rounds} rounds of replacement"


def test_python_threads_search_while_another_thread_writes(seed, tmp_path):
    rng = np.random.default_rng(seed)
    index = hnswlib.Index("l2", DIM)
    index.init_index(2000, M=12, ef_construction=60, random_seed=seed)
    index.set_ef(40)
    vectors = {}          # every label ever added -> its vector (labels are never reused)
    doomed = set()        # labels passed to mark_deleted (added before the call)
    deleted = set()       # labels whose mark_deleted has returned (never revived)
    submitted = [0]       # labels below this have been passed to add_items
    lock = threading.Lock()
    adding = threading.Event()
    done = threading.Event()
    errors = []
    stats = {"searches": 0, "searches_during_add": 0, "items": 0, "snapshots": 0, "adds": 0}

    first = rng.random((400, DIM), dtype=np.float32)
    index.add_items(first, np.arange(400), num_threads=2)
    vectors.update(enumerate(first))
    submitted[0] = 400

    def guarded(function):
        def run():
            try:
                function()
            except BaseException as e:  # noqa: BLE001 - reported by the main thread
                errors.append(e)
                done.set()
        return run

    @guarded
    def writer():
        writer_rng = np.random.default_rng(seed + 1)
        for round_ in range(12):
            n = 300
            start = submitted[0]
            data = writer_rng.random((n, DIM), dtype=np.float32)
            with lock:
                vectors.update(zip(range(start, start + n), data))
                submitted[0] = start + n
            if index.get_max_elements() < start + n:
                index.resize_index(start + n + 500)
            adding.set()
            index.add_items(data, np.arange(start, start + n), num_threads=2)
            adding.clear()
            stats["adds"] += 1
            live = [label for label in range(start) if label not in deleted]
            for label in writer_rng.choice(live, size=60, replace=False).tolist():
                with lock:
                    doomed.add(label)
                index.mark_deleted(label)
                with lock:
                    deleted.add(label)
            time.sleep(0.005)
        done.set()

    @guarded
    def searcher():
        reader_rng = np.random.default_rng(seed + 2)
        while not done.is_set():
            with lock:
                gone = set(deleted)  # deleted before this search started
                known = submitted[0]
            queries = reader_rng.random((20, DIM), dtype=np.float32)
            during = adding.is_set()
            labels, distances = index.knn_query(queries, k=5, num_threads=int(reader_rng.integers(1, 3)))
            during = during and adding.is_set()
            stats["searches"] += 1
            stats["searches_during_add"] += during
            flat = labels.reshape(-1).tolist()
            assert not set(flat) & gone, f"seed {seed}: deleted labels returned: {set(flat) & gone}"
            assert max(flat) < max(known, submitted[0]), f"seed {seed}: a label that was never added"
            with lock:
                rows = np.array([[vectors[label] for label in row] for row in labels.tolist()])
            want = ((queries[:, None, :].astype(np.float64) - rows) ** 2).sum(-1)
            np.testing.assert_allclose(distances, want, rtol=1e-4, atol=1e-5,
                                       err_msg=f"seed {seed}: a distance is not that of the label's vector")
            assert (np.diff(distances, axis=1) >= 0).all(), f"seed {seed}: results out of order"

    @guarded
    def reader():
        reader_rng = np.random.default_rng(seed + 3)
        while not done.is_set():
            with lock:
                candidates = [label for label in reader_rng.integers(0, 400, 10).tolist() if label not in deleted]
            try:
                items = index.get_items(candidates)
                with lock:
                    np.testing.assert_array_equal(items, [vectors[label] for label in candidates],
                                                  err_msg=f"seed {seed}: get_items")
            except RuntimeError as e:  # possible only if one of them is being deleted meanwhile
                assert str(e) == "Label not found", e
                with lock:
                    assert set(candidates) & doomed, f"seed {seed}: Label not found for live labels {candidates}"
            ids = index.get_ids_list()
            assert len(ids) == len(set(ids)), f"seed {seed}: duplicate ids"
            with lock:
                assert set(ids) <= set(vectors), f"seed {seed}: unknown ids"
            stats["items"] += 1

    @guarded
    def saver():
        count = 0
        while not done.is_set() and count < 4:
            path = str(tmp_path / "snapshot.bin")
            index.save_index(path)
            snapshot = hnswlib.Index("l2", DIM)
            snapshot.load_index(path)
            ids = snapshot.get_ids_list()
            assert len(ids) == len(set(ids)) == snapshot.get_current_count(), f"seed {seed}: snapshot ids"
            with lock:
                assert set(ids) <= set(vectors), f"seed {seed}: unknown labels in a snapshot"
                # never passed to mark_deleted before now, so live in the snapshot too
                readable = [label for label in ids if label not in doomed]
                expected = [vectors[label] for label in readable]
            np.testing.assert_array_equal(snapshot.get_items(readable), expected,
                                          err_msg=f"seed {seed}: snapshot vectors")
            found, _ = snapshot.knn_query(np.array(expected[:50]), k=1)
            assert np.mean(found[:, 0] == readable[:50]) > 0.9, f"seed {seed}: snapshot search"
            count += 1
            stats["snapshots"] += 1
            time.sleep(0.05)

    threads = [threading.Thread(target=f) for f in (writer, searcher, searcher, reader, saver)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), f"seed {seed}: a thread hangs"
    assert not errors, f"seed {seed}: {errors[0]!r}" if errors else ""
    assert stats["adds"] == 12 and stats["searches"] > 0 and stats["items"] > 0 and stats["snapshots"] > 0, stats
    # GraalPy lets other Python threads run while one is in Java: searches ran during add_items calls
    assert stats["searches_during_add"] > 0, f"no search overlapped an add: {stats}"
    ids = index.get_ids_list()
    assert sorted(ids) == list(range(submitted[0])) and index.element_count == submitted[0]
    live = sorted(set(ids) - deleted)
    np.testing.assert_array_equal(index.get_items(live), [vectors[label] for label in live])
    found, _ = index.knn_query(np.array([vectors[label] for label in live[:300]]), k=1)
    assert np.mean(found[:, 0] == live[:300]) > 0.95
