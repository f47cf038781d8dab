package io.hnswj.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One result line (a JSON object, fields in insertion order) plus the timing helpers the drivers share. */
public final class Line {
  private final Map<String, Object> fields = new LinkedHashMap<>();

  /** The fields every driver prints first, in the same order. */
  public static Line header(Options o, Workload w, int k, int ef, double buildSeconds) {
    return new Line().put("engine", o.get("engine")).put("workload", o.get("workload"))
        .put("space", o.get("space")).put("n", w.base().length).put("dim", w.dim())
        .put("nq", w.queries().length).put("m", o.integer("m")).put("efc", o.integer("efc"))
        .put("build_threads", o.integer("build-threads")).put("k", k).put("ef", ef)
        .put("build_s", round(buildSeconds, 3));
  }

  public Line put(String key, Object value) {
    fields.put(key, value);
    return this;
  }

  public static Double round(double value, int digits) {
    double scale = Math.pow(10, digits);
    return Math.round(value * scale) / scale;
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      parts.add(quote(e.getKey()) + ":" + json(e.getValue()));
    }
    return "{" + String.join(",", parts) + "}";
  }

  private static String json(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Double d) {
      return Double.isFinite(d) ? String.format(Locale.ROOT, "%s", d) : "null";
    }
    if (v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    return quote(v.toString());
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  public static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  /** Seconds taken by {@code pass}. */
  public static double time(Pass pass) throws Exception {
    long t0 = System.nanoTime();
    pass.run();
    return (System.nanoTime() - t0) / 1e9;
  }

  /**
   * Seconds per run of {@code pass}, run again until {@code minSeconds} have passed (at least once): one
   * query set at a low ef lasts a few milliseconds, too short to time alone.
   */
  public static double timeWindow(Pass pass, double minSeconds) throws Exception {
    long t0 = System.nanoTime();
    long limit = (long) (minSeconds * 1e9);
    int runs = 0;
    long elapsed;
    do {
      pass.run();
      runs++;
      elapsed = System.nanoTime() - t0;
    } while (elapsed < limit);
    return elapsed / 1e9 / runs;
  }

  /** A timed pass over the queries. */
  @FunctionalInterface
  public interface Pass {
    void run() throws Exception;
  }

  /** Heap in use after a full collection, for memory accounting. */
  public static long heapUsedAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
