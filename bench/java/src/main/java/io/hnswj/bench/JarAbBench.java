package io.hnswj.bench;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Two builds of the engine in one JVM, each jar in a class loader of its own, building the same rows and
 * then searching them, round after round, the jar that goes first alternating: both see the same
 * moments of the machine, so its drift (10-25% between runs here, more than most engine changes) cancels
 * out of their ratio. How a change to the engine is judged before it lands.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx12g \
 *   -cp 'target/bench/java/classes:target/lib/*' io.hnswj.bench.JarAbBench \
 *   --data ~/.cache/hnswj/bench/W5 --space cosine --rows 40000 --rounds 7 \
 *   --a /tmp/before.jar --b target/hnswj-0.1.0-SNAPSHOT.jar
 * </pre>
 *
 * Options as the drivers' ({@code --space l2}, {@code --m 16}, {@code --efc 200}, {@code --build-threads
 * 1}), plus {@code --rows} (default all), {@code --rounds 7}, and {@code --ef 10} and {@code --passes 3}
 * for the searches (every query, one call each, that many times after as many unmeasured). Prints each
 * round, then the median ratio of A's time over B's (above 1: B is faster) with its range. Through
 * reflection only: the engine's classes are not on this class path.
 */
public final class JarAbBench {
  private JarAbBench() {}

  public static void main(String[] args) throws Exception {
    Options options = new Options(args, "ab");
    Workload workload = Workload.load(Path.of(options.get("data")), 0);
    int rows = Math.min(options.integer("rows", Integer.MAX_VALUE), workload.base().length);
    float[][] base = Arrays.copyOf(workload.base(), rows);
    String space = options.get("space");
    int rounds = options.integer("rounds", 7);
    Engine[] engines = {
        new Engine(Path.of(options.required("a"))), new Engine(Path.of(options.required("b")))};
    double[][] build = new double[2][rounds];
    double[][] search = new double[2][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int turn = 0; turn < 2; turn++) {
        int e = r % 2 == 0 ? turn : 1 - turn;
        double[] seconds = engines[e].run(base, workload.queries(), space, options);
        build[e][r] = seconds[0];
        search[e][r] = seconds[1];
        System.out.printf("round %d %s: build %.3f s, search %.3f s%n",
            r, e == 0 ? "A" : "B", seconds[0], seconds[1]);
      }
    }
    System.out.println(
        "A/B build " + ratio(build) + "; A/B search " + ratio(search) + " (above 1: B faster)");
  }

  private static String ratio(double[][] seconds) {
    double[] ratios = new double[seconds[0].length];
    for (int r = 0; r < ratios.length; r++) {
      ratios[r] = seconds[0][r] / seconds[1][r];
    }
    Arrays.sort(ratios);
    return String.format("median %.3f, range %.3f-%.3f",
        ratios[ratios.length / 2], ratios[0], ratios[ratios.length - 1]);
  }

  /** One engine jar, its classes loaded apart from the other's (everything else from the class path). */
  private static final class Engine {
    private final ClassLoader loader;

    Engine(Path jar) throws Exception {
      ClassLoader parent = JarAbBench.class.getClassLoader();
      loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, parent) {
        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
          if (!name.startsWith("io.hnswj.") || name.startsWith("io.hnswj.bench.")) {
            return super.loadClass(name, resolve);
          }
          synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            return loaded != null ? loaded : findClass(name);
          }
        }
      };
    }

    /** Builds the rows (labels 0..n-1) and times the searches; {build seconds, search seconds}. */
    double[] run(float[][] base, float[][] queries, String spaceName, Options options) throws Exception {
      Class<?> spaceClass = loader.loadClass("io.hnswj.Space");
      Class<?> indexClass = loader.loadClass("io.hnswj.HnswIndex");
      Object space = spaceClass.getMethod("fromName", String.class).invoke(null, spaceName);
      Object builder =
          indexClass.getMethod("builder", spaceClass, int.class).invoke(null, space, base[0].length);
      Class<?> builderClass = builder.getClass();
      builderClass.getMethod("maxElements", long.class).invoke(builder, (long) base.length);
      builderClass.getMethod("m", int.class).invoke(builder, options.integer("m"));
      builderClass.getMethod("efConstruction", int.class).invoke(builder, options.integer("efc"));
      builderClass.getMethod("randomSeed", long.class).invoke(builder, 100L);
      try (AutoCloseable index = (AutoCloseable) builderClass.getMethod("build").invoke(builder)) {
        long[] labels = new long[base.length];
        Arrays.setAll(labels, i -> i);
        long started = System.nanoTime();
        indexClass.getMethod("add", float[][].class, long[].class, int.class)
            .invoke(index, base, labels, options.integer("build-threads"));
        double buildSeconds = (System.nanoTime() - started) / 1e9;
        indexClass.getMethod("setEf", int.class).invoke(index, options.integer("ef", 10));
        Method search = indexClass.getMethod("search", float[].class, int.class);
        int passes = options.integer("passes", 3);
        searchAll(search, index, queries, passes); // unmeasured: the JIT's turn
        started = System.nanoTime();
        searchAll(search, index, queries, passes);
        return new double[] {buildSeconds, (System.nanoTime() - started) / 1e9};
      }
    }

    private static void searchAll(Method search, Object index, float[][] queries, int passes)
        throws Exception {
      for (int pass = 0; pass < passes; pass++) {
        for (float[] query : queries) {
          search.invoke(index, query, 10);
        }
      }
    }
  }
}
