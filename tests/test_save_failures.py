"""Saving when the file system says no, and when the saving process dies.

hnswlib's save_index fails silently on an unwritable path and leaves a truncated file on a full disk.
This module raises RuntimeError (the engine's IOException, translated by _bridge) and, because saves go to
a temporary file that is renamed over the target only when complete, a failed or killed save leaves the
previous file at that path intact.

The full and read-only disks are tiny tmpfs mounts in a private mount namespace (`unshare -rm`: an
unprivileged user namespace, so root is not needed; as root a plain `unshare -m` or a direct mount is
used if user namespaces are unavailable). This process (a JVM with many threads) cannot join that
namespace, so it reaches the mount through /proc/<pid>/root of the process holding the namespace.
"""
import contextlib
import os
import signal
import subprocess
import time

import numpy as np
import pytest

import hnswlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@contextlib.contextmanager
def tiny_filesystem(tmp_path, size="64k", read_only=False):
    """A directory on a tmpfs of `size` bytes (read-only if asked), usable from this process."""
    mountpoint = tmp_path / "mnt"
    mountpoint.mkdir()
    options = f"size={size}" + (",ro" if read_only else "")
    script = 'mount -t tmpfs -o "$1" tmpfs "$2" && echo mounted && exec sleep 3600'
    failures = []
    prefixes = [["unshare", "-rm"]] + ([["unshare", "-m"]] if os.geteuid() == 0 else [])
    for prefix in prefixes:
        try:
            holder = subprocess.Popen(prefix + ["sh", "-c", script, "sh", options, str(mountpoint)],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        except OSError as e:
            failures.append(f"{prefix}: {e}")
            continue
        if holder.stdout.readline().strip() == "mounted":
            try:
                yield f"/proc/{holder.pid}/root{mountpoint}"
            finally:
                holder.kill()
                holder.wait()
            return
        holder.kill()
        failures.append(f"{' '.join(prefix)}: {holder.communicate()[1].strip()}")
    if os.geteuid() == 0:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mountpoint)],
                              capture_output=True, text=True)
        if done.returncode == 0:
            try:
                yield str(mountpoint)
            finally:
                subprocess.run(["umount", str(mountpoint)], check=True)
            return
        failures.append(f"mount: {done.stderr.strip()}")
    pytest.fail("cannot mount a tmpfs (needs user namespaces, or root): " + "; ".join(failures))


def build(dim, n, seed, space="l2"):
    data = np.random.default_rng(seed).random((n, dim), dtype=np.float32)
    index = hnswlib.Index(space, dim)
    index.init_index(n, M=8, ef_construction=40, random_seed=seed)
    index.add_items(data, num_threads=2)
    return index, data


def answers(index, queries):
    labels, distances = index.knn_query(queries, k=3, num_threads=1)
    return labels.tolist(), distances.tolist()


def leftovers(directory, keep):
    return sorted(set(os.listdir(directory)) - set(keep))


# ------------------------------------------------------------------------------ unwritable paths

def test_unwritable_paths_raise_and_leave_nothing(tmp_path, seed):
    index, data = build(8, 50, seed)
    bf = hnswlib.BFIndex("l2", 8)
    bf.init_index(50)
    bf.add_items(data)
    expected = answers(index, data[:5])
    (tmp_path / "a_file").write_bytes(b"not a directory")
    (tmp_path / "a_directory").mkdir()
    (tmp_path / "a_directory" / "inside").write_bytes(b"kept")
    cases = {
        "missing directory": tmp_path / "missing" / "deeper" / "index.bin",
        "parent is a file": tmp_path / "a_file" / "index.bin",
        "target is a directory": tmp_path / "a_directory",
        "empty path": "",
    }
    if os.geteuid() != 0:  # root may write anywhere: the read-only file system below covers it
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        cases["directory without write permission"] = locked / "index.bin"
    for what, path in cases.items():
        for target in (index, bf):
            with pytest.raises(RuntimeError) as error:
                target.save_index(str(path))
            message = str(error.value)
            assert message and "Exception" not in message, f"{what}: unclear message {message!r}"
            if str(path):
                assert str(path) in message, f"{what}: the message does not name the path: {message!r}"
    assert (tmp_path / "a_file").read_bytes() == b"not a directory"
    assert os.listdir(tmp_path / "a_directory") == ["inside"]
    assert leftovers(tmp_path, ["a_file", "a_directory", "locked"]) == [], "temporary files left behind"
    assert answers(index, data[:5]) == expected, "the index changed"
    index.save_index(str(tmp_path / "fine.bin"))  # and it still saves where it can
    assert os.path.getsize(tmp_path / "fine.bin") == index.index_file_size()


def test_read_only_file_system(tmp_path, seed):
    index, data = build(8, 30, seed)
    bf = hnswlib.BFIndex("ip", 8)
    bf.init_index(30)
    bf.add_items(data)
    with tiny_filesystem(tmp_path, read_only=True) as directory:
        for target in (index, bf):
            with pytest.raises(RuntimeError, match="Read-only file system"):
                target.save_index(os.path.join(directory, "index.bin"))
        assert os.listdir(directory) == []


# ------------------------------------------------------------------------------ a full disk

def test_full_disk_keeps_the_previous_file(tmp_path, seed):
    small, small_data = build(4, 40, seed)                  # about 6 KB
    big, _ = build(64, 600, seed + 1)                       # about 240 KB: more than the disk
    bf_small = hnswlib.BFIndex("l2", 4)
    bf_small.init_index(40)
    bf_small.add_items(small_data)
    bf_big = hnswlib.BFIndex("l2", 64)
    bf_big.init_index(600)
    bf_big.add_items(np.zeros((600, 64), dtype=np.float32))
    queries = small_data[:10]
    expected, bf_expected = answers(small, queries), answers(bf_small, queries)
    with tiny_filesystem(tmp_path, size="64k") as directory:
        path, bf_path = os.path.join(directory, "index.bin"), os.path.join(directory, "bf.bin")
        small.save_index(path)
        bf_small.save_index(bf_path)
        saved, bf_saved = open(path, "rb").read(), open(bf_path, "rb").read()
        for target, where in ((big, path), (bf_big, bf_path), (big, bf_path), (bf_big, path)):
            with pytest.raises(RuntimeError, match="No space left on device") as error:
                target.save_index(where)
            assert where in str(error.value), f"the message does not name the file: {error.value}"
            assert sorted(os.listdir(directory)) == ["bf.bin", "index.bin"], "a temporary file was left"
        assert open(path, "rb").read() == saved and open(bf_path, "rb").read() == bf_saved
        loaded = hnswlib.Index("l2", 4)
        loaded.load_index(path)
        assert answers(loaded, queries) == expected, f"seed {seed}: the previous file answers differently"
        bf_loaded = hnswlib.BFIndex("l2", 4)
        bf_loaded.load_index(bf_path)
        assert answers(bf_loaded, queries) == bf_expected
        # the failed saves gave their space back: saving the small index again works
        small.mark_deleted(0)
        small.save_index(path)
        again = hnswlib.Index("l2", 4)
        again.load_index(path)
        assert 0 not in again.knn_query(queries[0], k=3)[0], "the new save is in place"
    assert big.knn_query(big.get_items([7]), k=1)[0][0, 0] == 7, "the big index still works"


# ------------------------------------------------------------------------------ kill -9 during a save

CHILD = r"""
import sys
import numpy as np
import hnswlib
base, target, n, dim, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
index = hnswlib.Index("l2", dim)
index.load_index(base, max_elements=n + 100000)
i = 0
while True:
    index.add_items(np.random.default_rng(seed + i).random((1, dim), dtype=np.float32), [n + i], num_threads=1)
    index.save_index(target)
    print("saved", i, flush=True)
    i += 1
"""


def test_kill_during_save_keeps_the_previous_file(tmp_path, seed):
    n, dim = 3000, 400  # a 5 MB file: each save takes a while
    index, data = build(dim, n, seed)
    base = str(tmp_path / "base.bin")
    index.save_index(base)
    directory = tmp_path / "target"
    directory.mkdir()
    target = str(directory / "index.bin")
    hits = 0
    for attempt in range(3):
        child = subprocess.Popen([os.path.join(ROOT, "bin", "graalpy"), "-c", CHILD, base, target, str(n), str(dim),
                                  str(seed)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            first = child.stdout.readline()
            assert first.startswith("saved"), f"the child failed: {first}{child.stderr.read()}"
            # wait for a later save's temporary file and kill the child while it is being written
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not any(name.endswith(".tmp") for name in os.listdir(directory)):
                time.sleep(0.0002)
            os.kill(child.pid, signal.SIGKILL)
        finally:
            child.kill()
            child.wait()
        printed = [int(line.split()[1]) for line in ([first] + child.stdout.read().splitlines()) if line.startswith("saved")]
        temporary = [name for name in os.listdir(directory) if name.endswith(".tmp")]
        hits += bool(temporary)
        loaded = hnswlib.Index("l2", dim)
        loaded.load_index(target)  # raises if the file is not a complete index
        count = loaded.get_current_count()
        assert count in (n + printed[-1] + 1, n + printed[-1] + 2), \
            f"seed {seed}: {count} elements, the child had saved {n + printed[-1] + 1}"
        assert os.path.getsize(target) == loaded.index_file_size()
        extra = count - n
        added = np.array([np.random.default_rng(seed + i).random(dim, dtype=np.float32) for i in range(extra)])
        np.testing.assert_array_equal(loaded.get_items(range(n)), data)
        np.testing.assert_array_equal(loaded.get_items(range(n, count)), added.reshape(extra, dim))
        loaded.set_ef(200)  # an approximate search: a wide beam makes finding the exact match certain in practice
        assert count - 1 in loaded.knn_query(added[-1:], k=10)[0][0], f"seed {seed}: the last vector is not found"
        for name in temporary:  # a killed save leaves its temporary file: never the index itself
            os.remove(directory / name)
        if hits:
            break
    assert hits, "no kill landed in the middle of a save"
