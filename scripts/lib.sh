# Shared by bin/graalpy and the set-up scripts: where things are, and which JDK to use.
# shellcheck shell=bash

HNSWJ_ROOT="$(CDPATH= cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)"
HNSWJ_CACHE="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/hnswj"
GRAALPY_DIR="$HNSWJ_ROOT/target/graalpy"
# numpy and pytest for GraalPy live here; bin/graalpy puts it on the module search path
GRAALPY_SITE="$HNSWJ_ROOT/target/graalpy-site"

# Maven 3.8's own libraries (guava) use sun.misc.Unsafe: keep JDK 25 from warning about it
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"

# How bench/'s Java drivers run (bench/run.sh, bench/profile.sh): the engine jar, the bench classes
# beside it, and the same JVM flags for every engine
BENCH_ENGINE_JAR="$HNSWJ_ROOT/target/hnswj-0.1.0-SNAPSHOT.jar"
BENCH_CLASS_PATH="$HNSWJ_ROOT/target/bench/java/classes:$HNSWJ_ROOT/target/bench/java/lib/*:$BENCH_ENGINE_JAR:$HNSWJ_ROOT/target/lib/*"
BENCH_JVM_FLAGS=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED
  --sun-misc-unsafe-memory-access=allow -Xms2g -Xmx8g -XX:+UseParallelGC)

# A progress line on stderr, as every script here prints them
step() { echo "==> $*" >&2; }

# The calling script's header comment (the lines after the shebang up to the first that is not a
# comment) as its usage text; exits 2
usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0" >&2; exit 2; }

java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'
}

# Prints the path of a JDK >= 21 (JAVA_HOME first, then /usr/lib/jvm), or fails with a clear message.
find_jdk() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25* /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    local major
    major="$(java_major "$candidate/bin/java")"
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      echo "$candidate"
      return 0
    fi
  done
  echo "error: no JDK 21 or newer found (set JAVA_HOME; JDK 25 is recommended)" >&2
  return 1
}
