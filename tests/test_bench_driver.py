"""bench/python/hnswlib_py_driver.py, the benchmark's Python driver, on a tiny workload: its JSON line has
the documented fields, its timed passes repeat a short call until --min-window has passed, and this module and Debian's hnswlib
reach the same recall on the same bytes."""
import contextlib
import io
import json
import os
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DRIVER = os.path.join(ROOT, "bench", "python", "hnswlib_py_driver.py")
SEED = 20261205


def write_vecs(path, rows, dtype):
    rows = np.ascontiguousarray(rows, dtype=dtype)
    dims = np.full((rows.shape[0], 1), rows.shape[1], dtype=np.int32)
    np.hstack([dims, rows.view(np.int32)]).tofile(path)


@pytest.fixture(scope="module")
def workload(tmp_path_factory):
    """400 x 12 base rows and 30 queries, with exact ground truth, in the bench's file layout."""
    directory = tmp_path_factory.mktemp("bench-workload")
    rng = np.random.default_rng(SEED)
    base = rng.random((400, 12), dtype=np.float32)
    queries = rng.random((30, 12), dtype=np.float32)
    distances = ((queries[:, None, :] - base[None, :, :]) ** 2).sum(axis=2)
    truth = np.argsort(distances, axis=1, kind="stable")[:, :20]
    write_vecs(directory / "base.fvecs", base, np.float32)
    write_vecs(directory / "query.fvecs", queries, np.float32)
    write_vecs(directory / "gt.ivecs", truth, np.int32)
    write_vecs(directory / "gt_dist.fvecs", np.take_along_axis(distances, truth, axis=1), np.float32)
    return str(directory)


def options(workload, tmp, window):
    return ["--data", workload, "--space", "l2", "--ks", "10", "--efs", "10,40", "--repeats", "3",
            "--min-window", str(window), "--jit-warmup", "0", "--sweeps", "1", "--warmups", "1",
            "--tmp", str(tmp)]


def run_here(arguments):
    """The driver's main() in this interpreter (this hnswlib module), its JSON lines parsed."""
    namespace = {"__name__": "hnswlib_py_driver"}
    exec(compile(open(DRIVER).read(), DRIVER, "exec"), namespace)
    out = io.StringIO()
    saved = sys.argv
    sys.argv = [DRIVER, *arguments]
    try:
        with contextlib.redirect_stdout(out):
            namespace["main"]()
    finally:
        sys.argv = saved
    return [json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{")]


def test_driver_prints_one_line_per_ef_with_the_documented_fields(workload, tmp_path):
    window = 0.2
    lines = run_here(options(workload, tmp_path, window))
    assert [(line["k"], line["ef"]) for line in lines] == [(10, 10), (10, 40)], f"seed {SEED}"
    for line in lines:
        assert line["n"] == 400 and line["dim"] == 12 and line["nq"] == 30
        assert line["min_window_s"] == window and line["repeats"] == 3
        for field in ("qps_single", "qps_batch_1t", "qps_batch_2t"):
            assert 0 < line[field] < float("inf"), (field, line)
        assert 0.0 <= line["recall"] <= 1.0
        # under GraalPy the build's JIT time comes from the JVM through Java interop
        assert isinstance(line["build_jit_s"], float) and line["build_jit_s"] >= 0.0, line
    assert lines[1]["recall"] >= 0.95, f"ef 40 on 400 rows should be near exact (seed {SEED}): {lines[1]}"


def test_timed_window_repeats_a_short_call_until_the_window_has_passed():
    namespace = {"__name__": "hnswlib_py_driver"}
    exec(compile(open(DRIVER).read(), DRIVER, "exec"), namespace)
    calls = []
    seconds, count = namespace["timed_window"](lambda: calls.append(1), 0.05)
    assert count == len(calls) and count > 1
    assert seconds * count >= 0.05


def test_driver_agrees_with_debian_hnswlib_on_recall(workload, tmp_path, reference):
    arguments = options(workload, tmp_path, 0.05)
    ours = run_here(arguments)
    output = reference("import runpy, sys\nsys.argv = sys.argv[1:]\nrunpy.run_path(sys.argv[0], run_name='__main__')",
                       DRIVER, *arguments)
    theirs = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert [line["engine"] for line in theirs] == ["hnswlib-python"] * 2
    assert [line["build_jit_s"] for line in theirs] == [None, None]  # CPython has no JIT to report
    # same level generator and heuristic, seed 100 in both: the same graph, the same answers
    assert [line["recall"] for line in ours] == [line["recall"] for line in theirs], f"seed {SEED}"
