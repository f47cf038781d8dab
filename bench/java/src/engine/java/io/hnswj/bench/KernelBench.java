package io.hnswj.bench;

import io.hnswj.DistanceKernel;
import io.hnswj.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine's distance kernels ({@link Kernels#byName}: panama, sse, scalar) at dims 100 and 128, one op
 * = one distance, beside {@link BaselineBench}'s plain loop and memory-bandwidth floor (same units):
 * {@code l2}/{@code dot} on two hot off-heap vectors, {@code l2Cold} against a random vector of a 1 GiB
 * segment (HNSW's access pattern); {@code l2Batch}/{@code dotBatch} through the batch path the graph
 * uses ({@link DistanceKernel#squareDistances}), 16 vectors of a 1,024-vector block in cache per call (as
 * one hop's unvisited neighbours), reported per distance.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class KernelBench {
  @Param({"panama", "sse", "scalar"})
  public String kernel;

  // 128 as W2 and W3; 100 as W5 (GloVe), which leaves a 128-bit head step at 256-bit vectors
  @Param({"100", "128"})
  public int dim;

  DistanceKernel k;
  Arena arena;
  MemorySegment a;
  MemorySegment b;
  MemorySegment cold;
  long vectors;
  SplittableRandom random;
  MemorySegment block;
  long[][] batches;
  float[] out = new float[BATCH];
  int nextBatch;

  static final int BATCH = 16;
  static final int BLOCK_VECTORS = 1024;

  @Setup(Level.Trial)
  public void setUp() {
    k = Kernels.byName(kernel);
    SplittableRandom r = new SplittableRandom(42);
    arena = Arena.ofShared();
    a = arena.allocate(4L * dim, 64);
    b = arena.allocate(4L * dim, 64);
    for (int i = 0; i < dim; i++) {
      a.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextDouble());
      b.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextDouble());
    }
    cold = arena.allocate(BaselineBench.COLD_BYTES, 64);
    for (long i = 0; i < BaselineBench.COLD_BYTES / 4; i += 1024) {
      cold.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextDouble());
    }
    vectors = BaselineBench.COLD_BYTES / (4L * dim);
    random = new SplittableRandom(7);
    block = arena.allocate(4L * dim * BLOCK_VECTORS, 64);
    for (long i = 0; i < (long) dim * BLOCK_VECTORS; i++) {
      block.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextDouble());
    }
    batches = new long[64][BATCH];
    for (long[] batch : batches) {
      for (int j = 0; j < BATCH; j++) {
        batch[j] = r.nextLong(BLOCK_VECTORS) * 4L * dim;
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    arena.close();
  }

  @Benchmark
  public float l2() {
    return k.squareDistance(a, 0, b, 0, dim);
  }

  @Benchmark
  public float dot() {
    return k.dotProduct(a, 0, b, 0, dim);
  }

  @Benchmark
  public float l2Cold() {
    return k.squareDistance(a, 0, cold, random.nextLong(vectors) * 4L * dim, dim);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public float[] l2Batch() {
    k.squareDistances(a, 0, block, batches[nextBatch++ & 63], BATCH, dim, out);
    return out;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public float[] dotBatch() {
    k.dotProducts(a, 0, block, batches[nextBatch++ & 63], BATCH, dim, out);
    return out;
  }
}
