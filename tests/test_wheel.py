"""The "pip-style" install: the wheel built by the Maven build, pip-installed into a venv made with
`bin/graalpy -m venv`, gives a working `import hnswlib` that brings its own jars."""
import glob
import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(*command):
    # the venv must not see this process's module path (bin/graalpy exported it)
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(command, capture_output=True, text=True, timeout=1200, env=environment)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_wheel_installs_into_a_graalpy_venv(tmp_path):
    wheels = glob.glob(os.path.join(ROOT, "target", "hnswlib-*.whl"))
    assert wheels, "the Maven build writes target/hnswlib-*.whl"
    cache = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "hnswj", "wheels")
    numpy_wheels = glob.glob(os.path.join(cache, "*", "numpy-*.whl"))
    assert numpy_wheels, "scripts/setup.sh caches the numpy wheel it built"
    import ensurepip
    pip = glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), "_bundled", "pip-*.whl"))[0]
    venv = tmp_path / "venv"
    run(os.path.join(ROOT, "bin", "graalpy"), "-m", "venv", "--without-pip", str(venv))
    python = str(venv / "bin" / "python")
    run(python, os.path.join(pip, "pip"), "install", "--quiet", "--no-index",
        "--find-links", os.path.dirname(numpy_wheels[0]), wheels[0])
    out = run(python, "-c",
              "import hnswlib, numpy as np\n"
              "p = hnswlib.Index('cosine', 8)\n"
              "p.init_index(100)\n"
              "p.add_items(np.random.rand(100, 8))\n"
              "labels, distances = p.knn_query(p.get_items([5]), k=1)\n"
              "print(hnswlib.__file__)\n"
              "print(int(labels[0, 0]))\n")
    path, label = out.split()
    assert path.startswith(str(venv)), "hnswlib comes from the venv, not from the source tree"
    assert label == "5"
