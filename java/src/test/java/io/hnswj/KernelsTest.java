package io.hnswj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KernelsTest {
  private static final long SEED = 1234;

  @Test
  void allKernelsAgreeWithDoublePrecision() {
    Random random = new Random(SEED);
    DistanceKernel[] kernels = {Kernels.byName("scalar"), Kernels.byName("sse"), Kernels.byName("panama")};
    try (Arena arena = Arena.ofConfined()) {
      for (int dim = 1; dim <= 300; dim += dim < 40 ? 1 : 13) {
        MemorySegment a = arena.allocate(4L * dim + 4);
        MemorySegment b = arena.allocate(4L * dim + 4);
        double l2 = 0, dot = 0, magnitude = 0;
        for (int i = 0; i < dim; i++) {
          float x = (float) random.nextGaussian();
          float y = (float) random.nextGaussian();
          // offset 4: unaligned starts, as in hnswlib's records
          a.set(ValueLayout.JAVA_FLOAT_UNALIGNED, 4 + 4L * i, x);
          b.set(ValueLayout.JAVA_FLOAT_UNALIGNED, 4 + 4L * i, y);
          l2 += (double) (x - y) * (x - y);
          dot += (double) x * y;
          magnitude += Math.abs((double) x * y);
        }
        for (DistanceKernel kernel : kernels) {
          String where = kernel.name() + " dim " + dim + " seed " + SEED;
          assertEquals(l2, kernel.squareDistance(a, 4, b, 4, dim), 1e-5 * Math.max(1, l2), where);
          assertEquals(dot, kernel.dotProduct(a, 4, b, 4, dim), 1e-5 * Math.max(1, magnitude), where);
        }
      }
    }
  }

  @Test
  void batchDistancesEqualSingleOnesBitForBit() {
    Random random = new Random(SEED);
    try (Arena arena = Arena.ofConfined()) {
      for (int dim = 1; dim <= 300; dim += dim < 70 ? 1 : 29) {
        int vectors = 11;
        long stride = 4L * dim + 12; // odd strides: vectors start at every alignment
        MemorySegment base = arena.allocate(stride * vectors + 4);
        MemorySegment query = arena.allocate(4L * dim + 8);
        for (long i = 0; i < base.byteSize() / 4; i++) {
          base.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) random.nextGaussian());
        }
        for (int i = 0; i < dim; i++) {
          query.set(ValueLayout.JAVA_FLOAT_UNALIGNED, 4 + 4L * i, (float) random.nextGaussian());
        }
        // up to 15: eight vectors at once, then four, two and one
        for (int count = 0; count <= 15; count++) {
          long[] offsets = new long[count];
          for (int i = 0; i < count; i++) {
            offsets[i] = 4 + stride * random.nextInt(vectors) + 4L * random.nextInt(3);
          }
          for (String name : new String[] {"scalar", "sse", "panama"}) {
            DistanceKernel kernel = Kernels.byName(name);
            float[] squares = new float[count];
            float[] dots = new float[count];
            kernel.squareDistances(query, 4, base, offsets, count, dim, squares);
            kernel.dotProducts(query, 4, base, offsets, count, dim, dots);
            for (int i = 0; i < count; i++) {
              String where = name + " dim " + dim + " count " + count + " #" + i + " seed " + SEED;
              assertEquals(kernel.squareDistance(query, 4, base, offsets[i], dim), squares[i], 0f, where);
              assertEquals(kernel.dotProduct(query, 4, base, offsets[i], dim), dots[i], 0f, where);
              // symmetric, so that a pair's distance does not depend on which side is the query
              assertEquals(kernel.squareDistance(base, offsets[i], query, 4, dim), squares[i], 0f, where);
            }
          }
        }
      }
    }
  }

  @Test
  void resultsDoNotDependOnTheJitTier() {
    // the first calls run interpreted, later ones compiled: every bit must stay the same
    Random random = new Random(SEED);
    int dim = 37;
    int count = 9;
    long stride = 4L * dim;
    // off-heap, as the graph's vectors: a heap segment here would also change the kernel's type profile
    // for compiledBatchDistancesAllocateNothingPerDistance, which runs in the same JVM
    MemorySegment base = Arena.ofAuto().allocate(4L * dim * count);
    MemorySegment query = Arena.ofAuto().allocate(4L * dim);
    for (long i = 0; i < base.byteSize() / 4; i++) {
      base.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) random.nextGaussian());
    }
    for (long i = 0; i < dim; i++) {
      query.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) random.nextGaussian());
    }
    long[] offsets = new long[count];
    for (int i = 0; i < count; i++) {
      offsets[i] = stride * i;
    }
    DistanceKernel kernel = Kernels.byName("panama");
    float[] cold = new float[2 * count];
    float[] warm = new float[2 * count];
    kernel.squareDistances(query, 0, base, offsets, count, dim, cold);
    float[] dots = new float[count];
    kernel.dotProducts(query, 0, base, offsets, count, dim, dots);
    System.arraycopy(dots, 0, cold, count, count);
    for (int round = 0; round < 50_000; round++) {
      kernel.squareDistances(query, 0, base, offsets, count, dim, warm);
      kernel.dotProducts(query, 0, base, offsets, count, dim, dots);
    }
    System.arraycopy(dots, 0, warm, count, count);
    for (int i = 0; i < 2 * count; i++) {
      assertEquals(cold[i], warm[i], 0f, "result " + i + " seed " + SEED);
    }
  }

  @Test
  void compiledBatchDistancesAllocateNothingPerDistance() {
    // past C2's node budget in the batch methods, a vector operation or slice handed to a call it did
    // not inline is allocated at every distance (30 bytes each at 100 and 104 dimensions, once): poll
    // until the methods are compiled, which takes a second or two. Off-heap vectors, as the engine's
    // (every caller copies a heap array off-heap first). Per call, not per distance, C2 sometimes still
    // leaves one small object (32 bytes at 100 dimensions, one CI run in several): tolerated here, and
    // far below what one per distance would cost (15 distances a call)
    long perCallBound = 64;
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    DistanceKernel kernel = Kernels.byName("panama");
    Random random = new Random(SEED);
    for (int dim : new int[] {100, 104, 128, 37}) {
      int count = 15; // eight at once, then four, a pair and one alone
      long stride = 4L * dim + 8;
      MemorySegment base = Arena.ofAuto().allocate(stride * 16);
      MemorySegment query = Arena.ofAuto().allocate(4L * dim);
      for (long i = 0; i < base.byteSize() / 4; i++) {
        base.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) random.nextGaussian());
      }
      long[] offsets = new long[count];
      for (int i = 0; i < count; i++) {
        offsets[i] = stride * random.nextInt(16);
      }
      float[] out = new float[count];
      long perCall = Long.MAX_VALUE;
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (perCall > perCallBound && System.nanoTime() < deadline) {
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int round = 0; round < 10_000; round++) {
          kernel.squareDistances(query, 0, base, offsets, count, dim, out);
          kernel.dotProducts(query, 0, base, offsets, count, dim, out);
        }
        perCall = (threads.getCurrentThreadAllocatedBytes() - before) / 20_000;
      }
      assertTrue(perCall <= perCallBound, "bytes allocated per batch call at dim " + dim + ": " + perCall
          + " after a minute of calls (at most " + perCallBound + "), seed " + SEED);
    }
  }

  @Test
  void sseKernelSumsInHnswlibsOrder() {
    // dim 5: hnswlib sums lanes of the first 4 floats, then adds the scalar tail
    MemorySegment a = MemorySegment.ofArray(new float[] {1e8f, 1f, -1e8f, 1f, 3f});
    MemorySegment zero = MemorySegment.ofArray(new float[5]);
    float expected = ((1e8f * 1f + 1f * 1f) + (-1e8f * 1f)) + 1f * 1f;
    expected = expected + 3f * 1f;
    MemorySegment ones = MemorySegment.ofArray(new float[] {1, 1, 1, 1, 1});
    assertEquals(expected, Kernels.byName("sse").dotProduct(a, 0, ones, 0, 5));
    assertEquals(0f, Kernels.byName("sse").squareDistance(zero, 0, zero, 0, 5));
    assertEquals(0, SseOrderKernel.vectorPrefix(3));
    assertEquals(4, SseOrderKernel.vectorPrefix(7));
    assertEquals(8, SseOrderKernel.vectorPrefix(8));
    assertEquals(16, SseOrderKernel.vectorPrefix(23));
    assertEquals(20, SseOrderKernel.vectorPrefix(20));
  }

  @Test
  void panamaLaneSumIsTheSameHalvingTreeAtEveryWidth() {
    // the generic tree (AVX-512 and wider) must add in the order the 4- and 8-lane cases spell out,
    // which this machine may not run: values of very different sizes expose any other order
    Random random = new Random(SEED);
    for (int trial = 0; trial < 1000; trial++) {
      float[] l = new float[17];
      for (int i = 0; i < l.length; i++) {
        l[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(16) - 8));
      }
      float four = (l[1] + l[3]) + (l[2] + l[4]);
      float eight = ((l[1] + l[5]) + (l[3] + l[7])) + ((l[2] + l[6]) + (l[4] + l[8]));
      float[] pairs = new float[8];
      for (int i = 0; i < 8; i++) {
        pairs[i] = l[1 + i] + l[9 + i];
      }
      float sixteen = ((pairs[0] + pairs[4]) + (pairs[2] + pairs[6])) + ((pairs[1] + pairs[5]) + (pairs[3] + pairs[7]));
      String where = "trial " + trial + " seed " + SEED;
      assertEquals(four, PanamaKernel.halvingSum(l.clone(), 1, 4), 0f, where);
      assertEquals(eight, PanamaKernel.halvingSum(l.clone(), 1, 8), 0f, where);
      assertEquals(sixteen, PanamaKernel.halvingSum(l.clone(), 1, 16), 0f, where);
    }
  }

  @Test
  void activeKernelIsKnownAndExplained() {
    assertNotNull(Kernels.active());
    assertNotNull(Kernels.selectionReason());
    assertEquals("panama", Kernels.active().name(), "the tests run with the Vector API module: " + Kernels.selectionReason());
    assertThrows(IllegalArgumentException.class, () -> Kernels.byName("avx9000"));
  }
}
