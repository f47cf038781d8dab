package io.hnswj.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The measurement protocol of every driver in bench/, for engines on the JVM: build once, then for each
 * (k, ef) warm up, time {@code repeats} single-query passes and batch passes (each over the query set as
 * many times as it takes to last {@code --min-window} seconds), and print one {@link Line}.
 * Subclasses say how to build and search; the timing and recall code is shared so the Lucene anchor
 * and our engine are measured identically (and as bench/cpp/hnswlib_driver.cpp measures hnswlib).
 */
public abstract class Driver {
  protected Options options;
  protected Workload workload;

  /** Builds the index from {@code workload.base()} (label = row) with {@code threads} threads. */
  protected abstract void build(int threads) throws Exception;

  /** Sets the query beam width (hnswlib's ef; {@code max(ef, k)} is used). */
  protected abstract void setEf(int ef);

  /** Searches query {@code q} alone on the calling thread; writes row {@code q} of the outputs. */
  protected abstract void searchOne(int q, int k, long[] labels, float[] distances) throws Exception;

  /** Searches every query on {@code threads} threads (default: a pool running {@link #searchOne}). */
  protected void searchBatch(int k, int threads, long[] labels, float[] distances) throws Exception {
    int nq = workload.queries().length;
    if (threads <= 1) {
      for (int q = 0; q < nq; q++) {
        searchOne(q, k, labels, distances);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      futures.add(pool(threads).submit(() -> {
        for (int q; (q = next.getAndIncrement()) < nq; ) {
          searchOne(q, k, labels, distances);
        }
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
  }

  /** The build time to report, given the time {@link #build} took (override to exclude accounting). */
  protected double buildSeconds(double measured) {
    return measured;
  }

  /** Resets the engine's query counters, if it has any. */
  protected void resetStats() {}

  /**
   * Distance evaluations and hops per query since {@link #resetStats()}, and the share of queries that
   * met distances tied where hnswlib's heaps choose; or nulls.
   */
  protected Double[] stats() {
    return new Double[] {null, null, null};
  }

  /** Index memory in bytes (and how it was measured, see {@link #memorySource()}). */
  protected abstract double memoryBytes();

  protected abstract String memorySource();

  /** Serialized size in bytes, or a negative number when the engine has no file format here. */
  protected abstract double diskBytes(Path tmp) throws Exception;

  /** What runs: versions, kernel, flags. */
  protected abstract String impl();

  private ExecutorService pool;

  /** Single-query warm-up calls per (k, ef), at least (more if --warmups passes make more). */
  static final int WARMUP_QUERIES = 2000;

  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  /** CPU time of the whole JVM (JIT compiler and GC threads included), as the C++ driver's process clock. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /**
   * HotSpot's JIT compilers' accumulated time (C1 and C2 threads, the elapsed time of their tasks), within the
   * process CPU: a short build's JIT takes its share of two cores from a two-thread build; -1 if unsupported.
   */
  private static long jitMillis() {
    java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
  }

  protected ExecutorService pool(int threads) {
    if (pool == null) {
      pool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), r -> {
        Thread t = new Thread(r, "bench-search");
        t.setDaemon(true);
        return t;
      });
    }
    return pool;
  }

  public final void run(String[] args, String defaultEngine) throws Exception {
    options = new Options(args, defaultEngine);
    workload = Workload.load(Path.of(options.get("data")), options.integer("queries"));
    int n = workload.base().length;
    int nq = workload.queries().length;
    int repeats = options.integer("repeats");
    int warmups = options.integer("warmups");
    int[] batchThreads = options.integers("batch-threads");
    double minWindow = options.decimal("min-window");

    long t0 = System.nanoTime();
    long c0 = processCpuNanos();
    long jit0 = jitMillis();
    build(options.integer("build-threads"));
    double buildSeconds = buildSeconds((System.nanoTime() - t0) / 1e9);
    double buildCpuSeconds = (processCpuNanos() - c0) / 1e9;
    Double buildJitSeconds = jit0 < 0 ? null : (jitMillis() - jit0) / 1e3;
    double memory = memoryBytes() / n;
    double disk = diskBytes(Path.of(options.get("tmp"))) / n;

    for (int k : options.integers("ks")) {
      for (int ef : options.integers("efs")) {
        setEf(ef);
        long[] labels = new long[nq * k];
        float[] distances = new float[nq * k];
        long[] batchLabels = new long[nq * k];
        float[] batchDistances = new float[nq * k];
        Line.Pass single = () -> {
          for (int q = 0; q < nq; q++) {
            searchOne(q, k, labels, distances);
          }
        };
        // the JIT needs a few thousand calls whatever the query count: warm up by queries, not passes
        int singleWarmups = Math.max(warmups, (WARMUP_QUERIES + nq - 1) / nq);
        for (int w = 0; w < singleWarmups; w++) {
          single.run();
          for (int t : batchThreads) {
            if (w < warmups) {
              searchBatch(k, t, batchLabels, batchDistances);
            }
          }
        }
        resetStats();
        double[] singleSeconds = new double[repeats];
        double[] singleCpuSeconds = new double[repeats];
        double[][] batchSeconds = new double[batchThreads.length][repeats];
        Double[] stats = null;
        for (int r = 0; r < repeats; r++) {
          long cpu0 = THREADS.getCurrentThreadCpuTime();
          int[] sets = {0};
          singleSeconds[r] = Line.timeWindow(() -> {
            single.run();
            sets[0]++;
          }, minWindow);
          singleCpuSeconds[r] = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e9 / sets[0];
          if (r == 0) {
            stats = stats();  // per query: the same whatever the number of sets
          }
          for (int i = 0; i < batchThreads.length; i++) {
            int t = batchThreads[i];
            batchSeconds[i][r] = Line.timeWindow(() -> searchBatch(k, t, batchLabels, batchDistances), minWindow);
          }
        }
        double recall = workload.recall(labels, distances, k);
        double batchRecall = workload.recall(batchLabels, batchDistances, k);
        Line line = Line.header(options, workload, k, ef, buildSeconds)
            .put("build_cpu_s", Line.round(buildCpuSeconds, 3))
            .put("build_jit_s", buildJitSeconds == null ? null : Line.round(buildJitSeconds, 3))
            .put("qps_single", Line.round(nq / Line.median(singleSeconds), 1))
            .put("qps_single_cpu", Line.round(nq / Line.median(singleCpuSeconds), 1));
        for (int i = 0; i < batchThreads.length; i++) {
          line.put("qps_batch_" + batchThreads[i] + "t", Line.round(nq / Line.median(batchSeconds[i]), 1));
        }
        line.put("recall", Line.round(recall, 4));
        if (Math.abs(batchRecall - recall) > 0.02) {
          line.put("recall_batch", Line.round(batchRecall, 4));  // a batch path that disagrees: show it
        }
        line.put("dist_per_query", stats[0] == null ? null : Line.round(stats[0], 1))
            .put("hops_per_query", stats[1] == null ? null : Line.round(stats[1], 1))
            .put("tied_share", stats[2] == null ? null : Line.round(stats[2], 4))
            .put("mem_bytes_per_vector", Line.round(memory, 1))
            .put("mem_source", memorySource())
            .put("disk_bytes_per_vector", disk < 0 ? null : Line.round(disk, 1))
            .put("repeats", repeats)
            .put("min_window_s", minWindow)
            .put("impl", impl());
        System.out.println(line);
        System.out.flush();
      }
    }
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
