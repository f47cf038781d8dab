package io.hnswj.bench;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The command line every driver in bench/ takes ({@code --key value} pairs, same keys and defaults as
 * bench/cpp/hnswlib_driver.cpp and bench/python/hnswlib_py_driver.py).
 */
public final class Options {
  private final Map<String, String> values = new HashMap<>();

  public Options(String[] args, String defaultEngine) {
    values.putAll(Map.of("space", "l2", "m", "16", "efc", "200", "build-threads", "1", "ks", "10",
        "efs", "10", "queries", "0", "repeats", "3", "batch-threads", "1,2", "warmups", "2"));
    values.put("min-window", "0.5");
    values.put("engine", defaultEngine);
    values.put("workload", "");
    values.put("tmp", System.getProperty("java.io.tmpdir"));
    for (int a = 0; a < args.length; a += 2) {
      if (!args[a].startsWith("--") || a + 1 >= args.length) {
        throw new IllegalArgumentException("expected --key value pairs, got " + Arrays.toString(args));
      }
      values.put(args[a].substring(2), args[a + 1]);
    }
    if (!values.containsKey("data")) {
      throw new IllegalArgumentException("usage: --data DIR --space l2|ip|cosine [--m 16] [--efc 200] "
          + "[--build-threads 1] [--ks 10] [--efs 10,20] [--queries N] [--repeats 3] [--batch-threads 1,2] "
          + "[--warmups 2] [--min-window 0.5] [--engine NAME] [--workload NAME] [--tmp DIR] [--index FILE] [--save FILE]");
    }
  }

  public String get(String key) {
    return values.get(key);
  }

  public int integer(String key) {
    return Integer.parseInt(values.get(key));
  }

  /** The option as an int, or {@code otherwise} if not given (for keys without a driver-wide default). */
  public int integer(String key, int otherwise) {
    return values.containsKey(key) ? integer(key) : otherwise;
  }

  /** The option's value; fails with "--key is required" if not given. */
  public String required(String key) {
    String value = values.get(key);
    if (value == null) {
      throw new IllegalArgumentException("--" + key + " is required");
    }
    return value;
  }

  public double decimal(String key) {
    return Double.parseDouble(values.get(key));
  }

  public int[] integers(String key) {
    return Arrays.stream(values.get(key).split(",")).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt)
        .toArray();
  }
}
