"""Shared fixtures of the hnswlib test suite (runs under bin/graalpy).

The session computes distances with the engine's hnswlib-order kernel (HNSWJ_KERNEL=sse), so that
single-threaded seeded builds match the reference hnswlib exactly; the default fast kernel is covered
by the JUnit suite and by test_examples.py.
"""
import os
import subprocess
import sys
import zlib

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REFERENCE_PYTHON = os.environ.get("HNSWJ_REFERENCE_PYTHON", "/usr/bin/python3")

import java  # noqa: E402

java.type("java.lang.System").setProperty("hnswj.kernel", os.environ.get("HNSWJ_KERNEL", "sse"))


def _reference_available():
    try:
        return subprocess.run([REFERENCE_PYTHON, "-c", "import hnswlib, numpy"], capture_output=True,
                              timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.fixture(scope="session")
def reference():
    """Runs Python code under the reference hnswlib (Debian's python3-hnswlib 0.6.2)."""
    if not _reference_available():
        message = "the reference hnswlib is missing: apt-get install -y python3-hnswlib python3-numpy"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)

    def run(code, *args):
        result = subprocess.run([REFERENCE_PYTHON, "-c", code, *map(str, args)], capture_output=True, text=True,
                                timeout=600)
        assert result.returncode == 0, f"reference hnswlib failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    return run


@pytest.fixture
def seed(request):
    """A seed per test, printed when the test fails."""
    return int(os.environ.get("HNSWJ_TEST_SEED", "20261124")) + zlib.crc32(request.node.name.encode()) % 1000


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)
    if report.when == "call" and report.failed and "seed" in item.fixturenames:
        report.sections.append(("seed", str(item.funcargs.get("seed"))))
