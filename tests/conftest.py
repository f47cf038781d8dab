"""Shared fixtures of the hnswlib test suite (run under bin/graalpy: `bin/graalpy -m pytest tests -q`).

The suite runs on the engine's default distance kernel, the one users get. Tests that compare with the
reference hnswlib bit for bit use the `sse_kernel` fixture: indexes created while it is active compute
distances in hnswlib's SSE summation order (a per-index choice, so no second JVM is needed).
"""
import os
import subprocess
import zlib

import pytest

import hnswlib
from hnswlib import _bridge

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REFERENCE_PYTHON = os.environ.get("HNSWJ_REFERENCE_PYTHON", "/usr/bin/python3")

# Pickles made with numpy 2 name numpy._core, which the reference side's numpy 1.x lacks: alias it there.
# (A numpy matter, not an hnswlib one: hnswlib's own pickles behave the same across numpy versions.)
REFERENCE_PRELUDE = """
import sys, numpy
if not hasattr(numpy, "_core"):
    import numpy.core, numpy.core.multiarray, numpy.core.numeric
    sys.modules["numpy._core"] = numpy.core
    sys.modules["numpy._core.multiarray"] = numpy.core.multiarray
    sys.modules["numpy._core.numeric"] = numpy.core.numeric
"""


def _reference_environment():
    # bin/graalpy's PYTHONPATH holds GraalPy's numpy and this hnswlib: the reference must not see them
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}


def _reference_available():
    try:
        return subprocess.run([REFERENCE_PYTHON, "-c", "import hnswlib, numpy"], capture_output=True,
                              timeout=60, env=_reference_environment()).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.fixture(scope="session")
def reference():
    """Runs Python code under the reference hnswlib (Debian's python3-hnswlib 0.6.2); returns stdout.
    Missing reference: a skip, but a failure when CI=true."""
    if not _reference_available():
        message = f"the reference hnswlib is missing for {REFERENCE_PYTHON}: apt-get install -y python3-hnswlib"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)

    def run(code, *args):
        result = subprocess.run([REFERENCE_PYTHON, "-c", REFERENCE_PRELUDE + code, *map(str, args)],
                                capture_output=True, text=True, timeout=600, env=_reference_environment())
        assert result.returncode == 0, f"reference hnswlib failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    return run


@pytest.fixture
def sse_kernel():
    """Indexes created in the test compute distances in hnswlib's SSE order (bit-identical results)."""
    previous = _bridge.kernel
    _bridge.kernel = "sse"
    try:
        yield
    finally:
        _bridge.kernel = previous


@pytest.fixture
def seed(request):
    """A seed per test (HNSWJ_TEST_SEED shifts them all), printed when the test fails."""
    return int(os.environ.get("HNSWJ_TEST_SEED", "20261124")) + zlib.crc32(request.node.name.encode()) % 1000


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed and "seed" in item.fixturenames:
        base = os.environ.get("HNSWJ_TEST_SEED", "20261124")
        report.sections.append(("seed", f"seed = {item.funcargs.get('seed')} (HNSWJ_TEST_SEED={base} reproduces it)"))


def pytest_report_header(config):
    import java
    kernels = java.type("io.hnswj.Kernels")
    return f"hnswlib from {os.path.dirname(hnswlib.__file__)}; engine kernel {kernels.active().name()} " \
           f"({kernels.selectionReason()})"
