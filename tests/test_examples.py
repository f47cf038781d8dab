"""The tutorial's example ("Getting Started with HNSWlib", milvus.io blog) as a user pastes it.

The blog never inserts its data, so hnswlib itself stops at knn_query with "Cannot return the results in a
contiguous 2D array": the drop-in must stop in the same way. With the one missing line added the example
prints its two lines.
"""
import contextlib
import io
import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# the blog's code blocks exactly as pasted (they never add the data), and the runnable example
AS_PASTED = os.path.join(ROOT, "examples", "tutorial_as_pasted.py")
EXAMPLE = os.path.join(ROOT, "examples", "getting_started.py")
NOT_ENOUGH = "RuntimeError: Cannot return the results in a contiguous 2D array. Probably ef or M is too small"


def run_graalpy(*args):
    environment = {k: v for k, v in os.environ.items() if k != "HNSWJ_KERNEL"}
    return subprocess.run([os.path.join(ROOT, "bin", "graalpy"), *args], capture_output=True, text=True,
                          timeout=900, env=environment)


def test_tutorial_as_pasted_behaves_like_hnswlib():
    result = run_graalpy(AS_PASTED)
    assert result.returncode == 1, result.stderr
    assert result.stderr.rstrip().splitlines()[-1] == NOT_ENOUGH, result.stderr
    assert "ForeignException" not in result.stderr and result.stdout == ""


def test_tutorial_with_its_data_added_prints_its_results():
    source = open(EXAMPLE).read()
    assert source.count("p.add_items(data)") == 1
    source = source.replace("num_elements = 10000", "num_elements = 2000")  # a faster build, same code
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, EXAMPLE, "exec"), {"__name__": "__main__"})
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Nearest neighbors' labels: [[") and lines[0].endswith("]]")
    assert len(lines[0].split("[[")[1].split()) == 5
    assert lines[1].startswith("Distances: [[")


def test_the_launcher_runs_the_vector_api_kernel():
    import java
    kernels = java.type("io.hnswj.Kernels")
    if os.environ.get("HNSWJ_KERNEL") or java.type("java.lang.System").getProperty("hnswj.kernel"):
        pytest.skip("a kernel is forced in this process")
    assert kernels.active().name() == "panama", kernels.selectionReason()


def test_reference_hnswlib_stops_the_tutorial_too(reference, tmp_path):
    source = open(AS_PASTED).read().replace("10000", "100")
    out = reference("import sys\ntry:\n    exec(sys.argv[1])\nexcept RuntimeError as e:\n    print(e)\n", source)
    assert out.strip() == "Cannot return the results in a contigious 2D array. Probably ef or M is too small"
