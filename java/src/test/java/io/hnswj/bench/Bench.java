package io.hnswj.bench;

import io.hnswj.HnswIndex;
import io.hnswj.Kernels;
import io.hnswj.NativeMemory;
import io.hnswj.SearchResult;
import io.hnswj.Space;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The engine on a bench/ workload, printing the same JSON lines as bench/hnswlib_driver.cpp: build
 * time, single-query QPS at 1 thread (one search call per query), batch QPS at 2 threads, recall@10,
 * distance evaluations per query, bytes per vector off-heap. Run by bench/run.sh.
 *
 * <p>Usage: {@code Bench DIR M EF_CONSTRUCTION BUILD_THREADS EF...}
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    int m = Integer.parseInt(args[1]);
    int efConstruction = Integer.parseInt(args[2]);
    int buildThreads = Integer.parseInt(args[3]);
    float[][] base = readVecs(dir.resolve("base.fvecs"));
    float[][] queries = readVecs(dir.resolve("query.fvecs"));
    float[][] truthRows = readVecs(dir.resolve("gt.ivecs"));
    int dim = base[0].length;
    long[] labels = new long[base.length];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i;
    }
    long memoryBefore = NativeMemory.allocatedBytes();
    try (HnswIndex index = HnswIndex.builder(Space.L2, dim).maxElements(base.length).m(m)
        .efConstruction(efConstruction).build()) {
      long t0 = System.nanoTime();
      index.add(base, labels, buildThreads);
      double build = (System.nanoTime() - t0) / 1e9;
      double bytesPerVector = (double) (NativeMemory.allocatedBytes() - memoryBefore) / base.length;
      for (int a = 4; a < args.length; a++) {
        int ef = Integer.parseInt(args[a]);
        index.setEf(ef);
        // warm-up: the JIT compiles the search path
        for (int w = 0; w < 2; w++) {
          for (float[] q : queries) {
            index.search(q, 10);
          }
        }
        index.resetSearchStats();
        long[][] found = new long[queries.length][];
        long s0 = System.nanoTime();
        for (int q = 0; q < queries.length; q++) {
          found[q] = index.search(queries[q], 10).labels();
        }
        double single = (System.nanoTime() - s0) / 1e9;
        double distances = index.searchStats().distancesPerQuery();
        long b0 = System.nanoTime();
        SearchResult[] batch = index.search(queries, 10, 2);
        double batch2 = (System.nanoTime() - b0) / 1e9;
        int hits = 0;
        for (int q = 0; q < queries.length; q++) {
          Set<Long> truth = new HashSet<>();
          for (int i = 0; i < 10; i++) {
            truth.add((long) Float.floatToRawIntBits(truthRows[q][i]));
          }
          for (long l : found[q]) {
            hits += truth.contains(l) ? 1 : 0;
          }
        }
        if (batch.length != queries.length) {
          throw new IllegalStateException("batch search lost rows");
        }
        System.out.printf(
            "{\"engine\":\"hnswj-java-%s\",\"ef\":%d,\"build_s\":%.3f,\"build_threads\":%d,\"qps_1t\":%.1f,"
                + "\"qps_2t\":%.1f,\"recall\":%.4f,\"dist_per_query\":%.1f,\"bytes_per_vector\":%.1f}%n",
            Kernels.active().name(), ef, build, buildThreads, queries.length / single,
            queries.length / batch2, hits / (10.0 * queries.length), distances, bytesPerVector);
      }
    }
  }

  /** Reads .fvecs (or .ivecs, as raw bits) rows. */
  static float[][] readVecs(Path path) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
    int dim = bytes.getInt(0);
    int rows = bytes.capacity() / (4 * (dim + 1));
    float[][] out = new float[rows][dim];
    for (int i = 0; i < rows; i++) {
      bytes.getInt();
      for (int j = 0; j < dim; j++) {
        out[i][j] = bytes.getFloat();
      }
    }
    return out;
  }
}
