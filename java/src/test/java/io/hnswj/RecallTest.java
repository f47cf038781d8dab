package io.hnswj;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Seeded recall@10 against exact search, with every kernel. */
class RecallTest {
  @ParameterizedTest
  @ValueSource(strings = {"panama", "sse", "scalar"})
  void recallAtTenOnClusteredData(String kernelName) {
    long seed = 20_000_064;
    int n = 20_000, dim = 64, k = 10, queries = 200;
    // queries are held-out points of the same mixture
    float[][] all = TestData.clustered(seed, n + queries, dim, 32);
    float[][] data = java.util.Arrays.copyOf(all, n);
    float[][] probes = java.util.Arrays.copyOfRange(all, n, n + queries);
    DistanceKernel kernel = Kernels.byName(kernelName);
    try (HnswIndex index = HnswIndex.builder(Space.L2, dim).maxElements(n).kernel(kernel).build();
        BruteForceIndex exact = BruteForceIndex.create(Space.L2, dim, n, kernel)) {
      index.add(data, TestData.range(n), 2);
      for (int i = 0; i < n; i++) {
        exact.add(data[i], i);
      }
      index.setEf(100);
      int hits = 0;
      for (float[] q : probes) {
        long[] truth = exact.search(q, k, null).labels();
        long[] found = index.search(q, k).labels();
        hits += (int) Arrays.stream(found).filter(l -> Arrays.stream(truth).anyMatch(t -> t == l)).count();
      }
      double recall = (double) hits / (queries * k);
      assertTrue(recall >= 0.95, "recall@10 " + recall + " with kernel " + kernelName + ", seed " + seed);
    }
  }
}
