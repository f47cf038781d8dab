package io.hnswj;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine against the real hnswlib on the same seeded data, single-threaded: the saved files are
 * byte-identical (with hnswlib's SSE summation order), and each side loads the other's file and gives
 * the same labels and distances.
 */
class CrossCheckTest {
  record Case(String space, int dim, int n, int m, int efc, long seed, String data, List<Integer> updates, List<Integer> deletes, int extra) {
    @Override
    public String toString() {
      return space + " " + data + " dim=" + dim + " n=" + n + " M=" + m + " seed=" + seed + " updates=" + updates + " deletes=" + deletes + " extra=" + extra;
    }
  }

  static List<Case> cases() {
    return List.of(
        new Case("l2", 16, 2000, 16, 200, 100, "uniform", List.of(3), List.of(5), 0),
        new Case("cosine", 20, 1500, 8, 60, 7, "clustered", List.of(), List.of(10, 11), 0),
        new Case("ip", 7, 1200, 6, 40, 12345, "uniform", List.of(0, 999), List.of(4), 0),
        new Case("l2", 33, 1000, 4, 20, 3, "clustered", List.of(17), List.of(), 0),
        // equal distances everywhere: the search without deletions resolves them as hnswlib's heaps do
        new Case("l2", 6, 1500, 8, 40, 77, "grid", List.of(), List.of(), 0),
        new Case("ip", 5, 1000, 6, 30, 78, "grid", List.of(), List.of(), 0),
        // rows added after deletions: their searches leave deleted nodes out, as hnswlib's do
        new Case("l2", 12, 1200, 8, 50, 91, "uniform", List.of(), List.of(3, 7, 500), 300));
  }

  @TempDir static Path dir;

  @BeforeAll
  static void reference() {
    ReferenceHnswlib.requireAvailable();
  }

  @ParameterizedTest
  @MethodSource("cases")
  void sameBytesAndAnswersBothWays(Case c) throws Exception {
    Path out = Files.createDirectories(dir.resolve(c.space + c.dim + "-" + c.seed));
    ReferenceHnswlib.run(dir, args(c, out));
    Space space = Space.fromName(c.space);
    float[] data = ReferenceHnswlib.floats(out.resolve("data.f32"));
    float[] queries = ReferenceHnswlib.floats(out.resolve("queries.f32"));
    float[] updates = ReferenceHnswlib.floats(out.resolve("updates.f32"));
    long[] referenceLabels = ReferenceHnswlib.longs(out.resolve("labels.u64"));
    float[] referenceDistances = ReferenceHnswlib.floats(out.resolve("distances.f32"));
    int k = 10;

    try (HnswIndex index = HnswIndex.builder(space, c.dim).maxElements(c.n + c.extra).m(c.m).efConstruction(c.efc)
        .randomSeed(c.seed).kernel(Kernels.byName("sse")).build()) {
      long[] labels = new long[c.n];
      Arrays.setAll(labels, i -> i);
      index.add(data, c.n, labels, 1);
      for (int u = 0; u < c.updates.size(); u++) {
        index.add(Arrays.copyOfRange(updates, u * c.dim, (u + 1) * c.dim), c.updates.get(u));
      }
      for (int label : c.deletes) {
        index.markDeleted(label);
      }
      if (c.extra > 0) {
        long[] extraLabels = new long[c.extra];
        Arrays.setAll(extraLabels, i -> c.n + i);
        index.add(ReferenceHnswlib.floats(out.resolve("extra.f32")), c.extra, extraLabels, 1);
      }
      Path ours = out.resolve("ours.bin");
      index.save(ours);
      byte[] expected = Files.readAllBytes(out.resolve("hnswlib.bin"));
      byte[] actual = Files.readAllBytes(ours);
      assertEquals(expected.length, actual.length, c + ": file size");
      assertEquals(expected.length, index.serializedSize(), c + ": serializedSize");
      assertEquals(-1, Arrays.mismatch(expected, actual), c + ": first differing byte");

      index.setEf(50);
      assertAnswers(c, index, queries, k, referenceLabels, referenceDistances);

      // hnswlib answers from our file
      Path answers = Files.createDirectories(out.resolve("from-ours"));
      ReferenceHnswlib.run(dir, "query", "--space", c.space, "--dim", "" + c.dim, "--index", ours.toString(),
          "--queries-file", out.resolve("queries.f32").toString(), "--out", answers.toString());
      assertArrayEquals(referenceLabels, ReferenceHnswlib.longs(answers.resolve("labels.u64")), c + ": labels from our file");
    }

    // we answer from hnswlib's file, with the default (fast) kernel too
    for (DistanceKernel kernel : List.of(Kernels.byName("sse"), Kernels.active())) {
      try (var channel = java.nio.channels.FileChannel.open(out.resolve("hnswlib.bin"))) {
        try (HnswIndex loaded = HnswIndex.read(channel, channel.size(), space, c.dim, 0, false, 1, kernel)) {
          assertEquals(10, loaded.ef(), "ef after load");
          loaded.setEf(50);
          assertAnswers(c, loaded, queries, k, referenceLabels, referenceDistances);
        }
      }
    }
  }

  private static void assertAnswers(Case c, HnswIndex index, float[] queries, int k, long[] labels, float[] distances) {
    int rows = queries.length / c.dim;
    index.resetSearchStats();
    for (int q = 0; q < rows; q++) {
      SearchResult result = index.search(Arrays.copyOfRange(queries, q * c.dim, (q + 1) * c.dim), k);
      assertArrayEquals(Arrays.copyOfRange(labels, q * k, (q + 1) * k), result.labels(),
          c + " with kernel " + index.kernel().name() + ": labels of query " + q);
      for (int i = 0; i < k; i++) {
        float expected = distances[q * k + i];
        // 1e-5, relative for large distances: the fast kernel differs from hnswlib's in the last bits
        assertEquals(expected, result.distances()[i], 1e-5f * Math.max(1f, Math.abs(expected)),
            c + " with kernel " + index.kernel().name() + ": distance " + i + " of query " + q);
      }
    }
    if (c.data.equals("grid")) {
      // the case is there for the searches that go on from the beam on hnswlib's heaps: make sure some do
      assertTrue(index.searchStats().tiedSearches() > 0, c + ": no search met a tie");
    }
  }

  private static String[] args(Case c, Path out) {
    List<String> a = new java.util.ArrayList<>(List.of("build", "--space", c.space, "--dim", "" + c.dim, "--n", "" + c.n,
        "--M", "" + c.m, "--efc", "" + c.efc, "--seed", "" + c.seed, "--out", out.toString()));
    a.add("--data");
    a.add(c.data);
    if (!c.updates.isEmpty()) {
      a.add("--update");
      c.updates.forEach(u -> a.add("" + u));
    }
    if (!c.deletes.isEmpty()) {
      a.add("--delete");
      c.deletes.forEach(u -> a.add("" + u));
    }
    a.add("--extra");
    a.add("" + c.extra);
    return a.toArray(String[]::new);
  }
}
