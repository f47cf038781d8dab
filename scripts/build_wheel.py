"""Builds the pip-installable hnswlib wheel that carries the engine's jars ("pip-style import").

Run by the Maven build (package phase): python3 scripts/build_wheel.py ROOT VERSION. Writes
target/hnswlib-0.8.0+hnswj.VERSION-py3-none-any.whl with python/hnswlib/ plus hnswlib/_jars/ (the
engine jar and its runtime dependencies), which hnswlib/_bridge.py adds to GraalPy's class path when
the engine is not already there. Installs into a venv made with bin/graalpy -m venv.
"""
import base64
import glob
import hashlib
import os
import sys
import zipfile

HNSWLIB_VERSION = "0.8.0"


def digest(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def main():
    root, version = sys.argv[1], sys.argv[2].replace("-SNAPSHOT", ".dev0").replace("-", ".")
    dist_version = f"{HNSWLIB_VERSION}+hnswj.{version}"
    target = os.path.join(root, "target")
    files = {}
    for path in sorted(glob.glob(os.path.join(root, "python", "hnswlib", "*.py"))):
        files["hnswlib/" + os.path.basename(path)] = open(path, "rb").read()
    jars = [p for p in glob.glob(os.path.join(target, "hnswj-*.jar")) if not p.endswith(("-sources.jar", "-javadoc.jar"))]
    jars += glob.glob(os.path.join(target, "lib", "*.jar"))
    if not jars:
        raise SystemExit("build the engine first: no jar in target/")
    for path in sorted(jars):
        files["hnswlib/_jars/" + os.path.basename(path)] = open(path, "rb").read()
    info = f"hnswlib-{dist_version}.dist-info"
    files[f"{info}/METADATA"] = (
        "Metadata-Version: 2.1\n"
        "Name: hnswlib\n"
        f"Version: {dist_version}\n"
        "Summary: hnswlib's Python API on the hnswj engine (Java), for GraalPy on the JVM\n"
        "Requires-Python: >=3.10\n"
        "Requires-Dist: numpy\n").encode()
    files[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: hnswj build_wheel.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = "".join(f"{name},{digest(data)},{len(data)}\n" for name, data in files.items()) + f"{info}/RECORD,,\n"
    files[f"{info}/RECORD"] = record.encode()
    wheel = os.path.join(target, f"hnswlib-{dist_version}-py3-none-any.whl")
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    print(wheel)


if __name__ == "__main__":
    main()
