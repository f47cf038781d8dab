"""The "pip-style" install: the wheel built by the Maven build, installed into a venv made with
`bin/graalpy -m venv`, gives a working `import hnswlib` that brings its own jars (the engine is not on
the class path there: hnswlib/_bridge.py adds hnswlib/_jars/*.jar at import).

GraalPy's pip takes minutes to start and resolve on 2 cores, so by default the wheels are unpacked into
the venv (what pip does with a pure wheel); with HNSWJ_SLOW_TESTS=1 GraalPy's pip installs them.
"""
import glob
import os
import subprocess
import sysconfig
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(*command):
    # the venv must not see this process's module path (bin/graalpy exported it)
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "HNSWJ_KERNEL")}
    result = subprocess.run(command, capture_output=True, text=True, timeout=1200, env=environment)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_wheel_installs_into_a_graalpy_venv(tmp_path):
    wheels = glob.glob(os.path.join(ROOT, "target", "hnswlib-*.whl"))
    assert wheels, "the Maven build writes target/hnswlib-*.whl"
    cache = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "hnswj", "wheels")
    numpy_wheels = glob.glob(os.path.join(cache, "*", "numpy-*.whl"))
    assert numpy_wheels, "scripts/setup.sh caches the numpy wheel it built"
    venv = tmp_path / "venv"
    run(os.path.join(ROOT, "bin", "graalpy"), "-m", "venv", "--without-pip", str(venv))
    python = str(venv / "bin" / "python")
    if os.environ.get("HNSWJ_SLOW_TESTS") == "1":
        import ensurepip
        pip = glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), "_bundled", "pip-*.whl"))[0]
        run(python, os.path.join(pip, "pip"), "install", "--quiet", "--no-index",
            "--find-links", os.path.dirname(numpy_wheels[0]), wheels[0])
    else:
        purelib = sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)})
        for wheel in (wheels[0], numpy_wheels[0]):
            with zipfile.ZipFile(wheel) as archive:
                archive.extractall(purelib)
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
