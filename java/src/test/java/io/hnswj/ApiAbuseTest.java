package io.hnswj;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Thousands of random calls, many of them wrong (bad widths, NaN and infinities, negative, huge and
 * duplicate labels, k = 0 and k > count, beyond capacity): each either works or throws a clear
 * exception, and a failed call leaves the index answering exactly as before. The number of calls can
 * be raised for a soak: {@code -Dhnswj.abuse.calls=100000}.
 */
class ApiAbuseTest {
  private static final int DIM = 6;

  @Test
  void randomCallsNeverCorruptTheIndex() {
    long seed = Long.getLong("hnswj.abuse.seed", 777);
    int calls = Integer.getInteger("hnswj.abuse.calls", 3000);
    Random random = new Random(seed);
    float[][] probes = TestData.uniform(seed, 5, DIM);
    try (HnswIndex index = HnswIndex.builder(Space.COSINE, DIM).maxElements(300).m(6).efConstruction(30)
        .allowReplaceDeleted(true).build()) {
      for (int call = 0; call < calls; call++) {
        long sizeBefore = index.size();
        long deletedBefore = index.deletedCount();
        SearchResult[] before = answers(index, probes);
        String what = "call " + call + " seed " + seed;
        boolean failed = false;
        String failure = "";
        int kind = random.nextInt(11);
        try {
          doRandomCall(index, random, kind);
        } catch (IllegalArgumentException | IllegalStateException expected) {
          failed = true;
          failure = expected.toString();
          if (expected.getMessage() == null || expected.getMessage().isBlank()) {
            fail(what + ": exception without a message", expected);
          }
        } catch (Throwable t) {
          fail(what + ": " + t, t);
        }
        what += " after " + failure;
        // a batch keeps the rows before its failing row (hnswlib's semantics), so only single calls
        // must leave no trace
        if (failed && kind != BATCH_ADD) {
          assertEquals(sizeBefore, index.size(), what);
          assertEquals(deletedBefore, index.deletedCount(), what);
          SearchResult[] after = answers(index, probes);
          for (int i = 0; i < probes.length; i++) {
            assertArrayEquals(before[i].labels(), after[i].labels(), what);
          }
        }
      }
    }
  }

  private static SearchResult[] answers(HnswIndex index, float[][] probes) {
    SearchResult[] out = new SearchResult[probes.length];
    for (int i = 0; i < probes.length; i++) {
      out[i] = index.search(probes[i], 3);
    }
    return out;
  }

  private static float[] vector(Random random) {
    float[] v = new float[random.nextInt(20) == 0 ? DIM + random.nextInt(3) - 1 : DIM];
    for (int i = 0; i < v.length; i++) {
      v[i] = switch (random.nextInt(40)) {
        case 0 -> Float.NaN;
        case 1 -> Float.POSITIVE_INFINITY;
        case 2 -> -Float.MAX_VALUE;
        default -> (float) random.nextGaussian();
      };
    }
    return v;
  }

  private static long label(Random random) {
    return switch (random.nextInt(10)) {
      case 0 -> -1;
      case 1 -> Long.MAX_VALUE;
      case 2 -> Long.MIN_VALUE;
      default -> random.nextInt(400);
    };
  }

  private static final int BATCH_ADD = 9;

  private static void doRandomCall(HnswIndex index, Random random, int kind) {
    switch (kind) {
      case 0, 1, 2 -> index.add(vector(random), label(random), random.nextInt(4) == 0);
      case 3 -> index.search(vector(random), random.nextInt(12) - 1);
      case 4 -> index.markDeleted(label(random));
      case 5 -> index.unmarkDeleted(label(random));
      case 6 -> index.getVector(label(random));
      case 7 -> index.setEf(random.nextInt(60) - 5);
      case 8 -> {
        int rows = random.nextInt(4);
        int k = random.nextInt(5);
        index.searchBatch(MemorySegment.ofArray(new float[rows * DIM]), rows, k, random.nextInt(3),
            random.nextBoolean() ? null : l -> l % 2 == 0,
            MemorySegment.ofArray(new long[rows * k + random.nextInt(2) - (rows * k > 0 ? random.nextInt(2) : 0)]),
            MemorySegment.ofArray(new float[rows * k]));
      }
      case BATCH_ADD -> {
        int rows = random.nextInt(5);
        long[] labels = new long[rows];
        for (int i = 0; i < rows; i++) {
          labels[i] = random.nextInt(3) == 0 ? 5 : label(random);
        }
        float[] flat = new float[rows * DIM];
        for (int i = 0; i < flat.length; i++) {
          flat[i] = (float) random.nextGaussian();
        }
        index.add(flat, rows, labels, random.nextInt(3));
      }
      default -> index.resize(index.size() + random.nextInt(50) - 10);
    }
  }
}
