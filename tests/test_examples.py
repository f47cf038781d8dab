"""The tutorial's example through bin/graalpy, in a fresh process with the default (fast) kernel."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(*args, env=None):
    environment = dict(os.environ, **(env or {}))
    environment.pop("HNSWJ_KERNEL", None)
    return subprocess.run([os.path.join(ROOT, "bin", "graalpy"), *args], capture_output=True, text=True,
                          timeout=900, env=environment)


def test_getting_started_example():
    result = run(os.path.join(ROOT, "examples", "getting_started.py"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Nearest neighbors' labels: [[") and lines[1].startswith("Distances: [[")


def test_launcher_behaves_like_graalpy(tmp_path):
    script = tmp_path / "args.py"
    script.write_text("import sys\nprint(sys.argv[1:])\nsys.exit(3)\n")
    result = run(str(script), "a", "--b")
    assert result.returncode == 3 and result.stdout.strip() == "['a', '--b']"
    result = run("-c", "import sys, hnswlib, java; print(sys.implementation.name, "
                       "java.type('io.hnswj.Kernels').active().name())")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["graalpy", "panama"]
    result = run("-m", "json.tool", "--help")
    assert result.returncode == 0 and "usage" in result.stdout
