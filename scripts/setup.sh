#!/usr/bin/env bash
# Sets up everything on a fresh machine, and is quick when nothing changed:
#   - checks for a JDK >= 21,
#   - installs the reference hnswlib (Debian's python3-hnswlib) used by the cross-check tests,
#   - builds the engine (root pom) and resolves GraalPy's jars (launcher/pom.xml),
#   - installs numpy and pytest for GraalPy with GraalPy's own pip into target/graalpy-site, building
#     numpy from source once and caching the wheel under ${XDG_CACHE_HOME:-~/.cache}/hnswj/wheels,
#   - compiles python/native/_hnswj_native.c (the per-call numpy work of knn_query) for GraalPy.
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

NUMPY_VERSION=2.2.6        # GraalPy 25.0 carries patches for numpy >= 2.0, < 2.3
PYTEST_VERSION=8.3.5


JAVA_HOME="$(find_jdk)"
export JAVA_HOME
step "JDK: $JAVA_HOME"

if ! /usr/bin/python3 -c 'import hnswlib, numpy' >/dev/null 2>&1; then
  step "installing the reference hnswlib (python3-hnswlib, python3-numpy)"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-hnswlib python3-numpy >/dev/null
  else
    echo "warning: not root; install python3-hnswlib python3-numpy for the cross-check tests" >&2
  fi
fi

command -v mvn >/dev/null || { echo "error: Maven (mvn) is needed: apt-get install maven" >&2; exit 1; }
MVN=(mvn -B -q -Dstyle.color=never)

step "building the engine"
(cd "$HNSWJ_ROOT" && "${MVN[@]}" package -DskipTests)

if [ ! -f "$GRAALPY_DIR/upgrade/.resolved" ] || [ "$HNSWJ_ROOT/launcher/pom.xml" -nt "$GRAALPY_DIR/upgrade/.resolved" ]; then
  step "resolving GraalPy from Maven Central"
  rm -rf "$GRAALPY_DIR"
  (cd "$HNSWJ_ROOT/launcher" && "${MVN[@]}" package)
  touch "$GRAALPY_DIR/upgrade/.resolved"
fi

graalpy="$HNSWJ_ROOT/bin/graalpy"
if ! PYTHONPATH= "$graalpy" -c "import numpy, pytest; assert numpy.__version__ == '$NUMPY_VERSION'" >/dev/null 2>&1; then
  graalpy_version="$(ls "$GRAALPY_DIR/modules" | sed -n 's/^python-language-\(.*\)\.jar$/\1/p')"
  wheels="$HNSWJ_CACHE/wheels/graalpy-$graalpy_version"
  mkdir -p "$wheels"
  # GraalPy's pip, straight from the wheel GraalPy bundles for ensurepip
  pip_wheel="$("$graalpy" -c 'import ensurepip, glob, os; print(glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), "_bundled", "pip-*.whl"))[0])' 2>/dev/null | tail -n 1)"
  # no network but the package index: skip GraalPy's own wheel index and patch repository
  export PIP_EXTRA_INDEX_URL=https://pypi.org/simple PIP_GRAALPY_PATCHES_URL=disabled PIP_DISABLE_PIP_VERSION_CHECK=1
  # pip and numpy's build start GraalPy hundreds of times for short scripts: there, compiling costs
  # more than it saves (measured: a third of the CPU time without Truffle compilation and C2)
  export HNSWJ_JAVA_OPTS="${HNSWJ_JAVA_OPTS:-} -Dpolyglot.engine.Compilation=false -XX:TieredStopAtLevel=1"
  if ! ls "$wheels"/numpy-"$NUMPY_VERSION"-*.whl >/dev/null 2>&1; then
    step "building numpy $NUMPY_VERSION for GraalPy (once; about 15 minutes on 2 cores)"
    # baseline SIMD only: each dispatch target re-runs numpy's code generators, a GraalPy start each;
    # numpy only moves data for this project, the engine does the arithmetic
    "$graalpy" "$pip_wheel/pip" wheel --quiet "numpy==$NUMPY_VERSION" -w "$wheels" \
      -Csetup-args=-Dcpu-dispatch=none -Csetup-args=-Dcpu-baseline=min
  fi
  if ! ls "$wheels"/pytest-"$PYTEST_VERSION"-*.whl >/dev/null 2>&1; then
    step "downloading pytest $PYTEST_VERSION"
    "$graalpy" "$pip_wheel/pip" wheel --quiet "pytest==$PYTEST_VERSION" -w "$wheels"
  fi
  step "installing numpy, pytest and pip into target/graalpy-site"
  rm -rf "$GRAALPY_SITE"
  "$graalpy" "$pip_wheel/pip" install --quiet --no-index --find-links "$wheels" --target "$GRAALPY_SITE" \
    "numpy==$NUMPY_VERSION" "pytest==$PYTEST_VERSION" "$pip_wheel"
fi

# hnswlib's per-call numpy work in one C call (python/native/): built against this GraalPy and numpy;
# without it, python/hnswlib/_bridge.py does the same from Python, more slowly
native_src="$HNSWJ_ROOT/python/native/_hnswj_native.c"
native_so="$(ls "$GRAALPY_SITE"/_hnswj_native.*.so 2>/dev/null | head -n 1 || true)"
if [ -z "$native_so" ] || [ "$native_src" -nt "$native_so" ]; then
  step "compiling python/native/_hnswj_native.c for GraalPy"
  command -v cc >/dev/null || { echo "error: a C compiler (cc) is needed: apt-get install gcc" >&2; exit 1; }
  read -r py_include numpy_include ext_suffix < <(PYTHONPATH="$GRAALPY_SITE" "$graalpy" -c \
    'import sysconfig, numpy; print(sysconfig.get_paths()["include"], numpy.get_include(), sysconfig.get_config_var("EXT_SUFFIX"))' \
    2>/dev/null | tail -n 1)
  rm -f "$GRAALPY_SITE"/_hnswj_native.*.so
  cc -O2 -fPIC -shared -Wall -Werror -I"$py_include" -I"$numpy_include" "$native_src" \
    -o "$GRAALPY_SITE/_hnswj_native.tmp.so"
  mv "$GRAALPY_SITE/_hnswj_native.tmp.so" "$GRAALPY_SITE/_hnswj_native$ext_suffix"
fi
step "ready: $graalpy"
