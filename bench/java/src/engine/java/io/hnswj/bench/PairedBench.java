package io.hnswj.bench;

import io.hnswj.HnswIndex;
import io.hnswj.Kernels;
import io.hnswj.SearchResult;
import io.hnswj.Space;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * Single-query search of hnswlib's C++ ({@link HnswlibShim}) and of our engine on the same saved graph,
 * in one process and on one thread, alternating chunk by chunk: the two see the same machine at the
 * same moments, so drift between phases and runs (10-25% here) cancels out of their ratio.
 *
 * <p>Each round times every query once per engine, in chunks of {@code --chunk} queries; which engine
 * runs a chunk first alternates. A round's ratio is hnswlib's time over ours (above 1: ours faster); the
 * line gives the median over {@code --rounds} rounds and their range. {@code --index} takes one or more
 * files (comma-separated, hnswlib's format): for instance the graph hnswlib built and the one ours built
 * from the same rows, which separates the graph's share of a difference from the search code's.
 * Before the rounds of each ef, both engines search in alternation for at least {@code --warmups}
 * passes, 2,000 queries and {@code --warmup-millis} (default 2,000).
 */
public final class PairedBench {
  private PairedBench() {}

  public static void main(String[] args) throws Throwable {
    Options options = new Options(args, "paired");
    Workload workload = Workload.load(Path.of(options.get("data")), options.integer("queries"));
    Path shimLibrary = Path.of(options.required("shim"));
    int rounds = options.integer("rounds", 9);
    int chunk = options.integer("chunk", 50);
    int warmups = options.integer("warmups");
    int warmupMillis = options.integer("warmup-millis", 2000);
    String space = options.get("space");
    int dim = workload.dim();
    int nq = workload.queries().length;
    float[][] queryRows = workload.queries();

    try (Arena arena = Arena.ofConfined()) {
      MemorySegment queries = arena.allocate(4L * nq * dim, 64);
      MemorySegment.copy(Workload.flatten(queryRows), 0, queries, ValueLayout.JAVA_FLOAT, 0, nq * dim);
      for (String file : options.required("index").split(",")) {
        Path indexFile = Path.of(file);
        try (HnswlibShim cpp = HnswlibShim.load(shimLibrary, space, dim, indexFile);
            HnswIndex ours = HnswIndex.load(indexFile, Space.fromName(space), dim, workload.base().length, false)) {
          for (int k : options.integers("ks")) {
            MemorySegment cppLabels = arena.allocate(8L * nq * k, 8);
            MemorySegment cppDistances = arena.allocate(4L * nq * k, 4);
            long[] ourLabels = new long[nq * k];
            float[] ourDistances = new float[nq * k];
            for (int ef : options.integers("efs")) {
              cpp.setEf(ef);
              ours.setEf(ef);
              Chunk cppChunk = (from, to) -> {
                if (cpp.searchEach(queries, from, to, k, cppLabels, cppDistances) != 0) {
                  throw new IllegalStateException("hnswlib returned fewer than k results");
                }
              };
              Chunk ourChunk = (from, to) -> {
                for (int q = from; q < to; q++) {
                  SearchResult r = ours.search(queryRows[q], k);
                  if (r.labels().length != k) {
                    throw new IllegalStateException("ours returned fewer than k results");
                  }
                  System.arraycopy(r.labels(), 0, ourLabels, q * k, k);
                  System.arraycopy(r.distances(), 0, ourDistances, q * k, k);
                }
              };
              // the JIT needs a few thousand calls, whatever the query count, and its compiler threads
              // a few seconds: on a small graph a few thousand queries take milliseconds
              int warmupPasses = Math.max(warmups, (Driver.WARMUP_QUERIES + nq - 1) / nq);
              long warmupEnd = System.nanoTime() + warmupMillis * 1_000_000L;
              for (int w = 0; w < warmupPasses || System.nanoTime() < warmupEnd; w++) {
                alternate(cppChunk, ourChunk, nq, chunk);
              }
              double[] ratios = new double[rounds];
              double[] cppSeconds = new double[rounds];
              double[] ourSeconds = new double[rounds];
              for (int r = 0; r < rounds; r++) {
                long[] nanos = alternate(cppChunk, ourChunk, nq, chunk);
                cppSeconds[r] = nanos[0] / 1e9;
                ourSeconds[r] = nanos[1] / 1e9;
                ratios[r] = (double) nanos[0] / nanos[1];
              }
              long[] cppLabelArray = cppLabels.toArray(ValueLayout.JAVA_LONG);
              float[] cppDistanceArray = cppDistances.toArray(ValueLayout.JAVA_FLOAT);
              double[] sorted = ratios.clone();
              java.util.Arrays.sort(sorted);
              Line line = Line.header(options, workload, k, ef, 0)
                  .put("graph", indexFile.getFileName().toString())
                  .put("qps_single_cpp", Line.round(nq / Line.median(cppSeconds), 1))
                  .put("qps_single_ours", Line.round(nq / Line.median(ourSeconds), 1))
                  .put("ratio", Line.round(Line.median(ratios), 3))
                  .put("ratio_min", Line.round(sorted[0], 3))
                  .put("ratio_max", Line.round(sorted[rounds - 1], 3))
                  .put("recall_cpp", Line.round(workload.recall(cppLabelArray, cppDistanceArray, k), 4))
                  .put("recall_ours", Line.round(workload.recall(ourLabels, ourDistances, k), 4))
                  .put("rounds", rounds)
                  .put("chunk", chunk)
                  .put("impl", "hnswlib 0.6.2 C++ through bench/cpp/hnswlib_shim.cpp; hnswj kernel "
                      + ours.kernel().name() + " (" + Kernels.selectionReason() + "), JDK " + Runtime.version());
              System.out.println(line);
              System.out.flush();
            }
          }
        }
      }
    }
  }

  /** One pass over every query per engine, chunk by chunk, the first engine alternating; their nanos. */
  private static long[] alternate(Chunk cpp, Chunk ours, int nq, int chunk) throws Throwable {
    long cppNanos = 0;
    long ourNanos = 0;
    for (int from = 0, i = 0; from < nq; from += chunk, i++) {
      int to = Math.min(nq, from + chunk);
      if (i % 2 == 0) {
        cppNanos += time(cpp, from, to);
        ourNanos += time(ours, from, to);
      } else {
        ourNanos += time(ours, from, to);
        cppNanos += time(cpp, from, to);
      }
    }
    return new long[] {cppNanos, ourNanos};
  }

  private static long time(Chunk chunk, int from, int to) throws Throwable {
    long t0 = System.nanoTime();
    chunk.run(from, to);
    return System.nanoTime() - t0;
  }

  /** Searches queries {@code [from, to)}, one call each. */
  @FunctionalInterface
  private interface Chunk {
    void run(int from, int to) throws Throwable;
  }
}
