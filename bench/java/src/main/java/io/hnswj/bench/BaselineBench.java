package io.hnswj.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The yardsticks for the engine's distance kernels (io.hnswj.bench.KernelBench), one op = one vector
 * of {@code dim} floats:
 *
 * <ul>
 *   <li>{@code scalarArray}/{@code scalarSegment}: the plain loop {@code Σ (a_i - b_i)²} over two hot
 *       vectors, on float[] and on an off-heap segment (what the JIT makes of the obvious code);
 *   <li>{@code bandwidthSum}: the sum of the next {@code dim} floats of a 1 GiB array, read sequentially
 *       with the Vector API: the time memory bandwidth allows per vector;
 *   <li>{@code bandwidthRandom}: the same for a random vector of that array: the floor for a distance
 *       whose vector is not cached (a cache and usually a TLB miss), what {@code l2Cold} pays;
 *   <li>{@code scalarCold}: the plain loop against a random vector of that array (HNSW's access pattern:
 *       every neighbour is a cache miss).
 * </ul>
 *
 * Run: bench/run.sh --jmh (or java -cp ... org.openjdk.jmh.Main 'io.hnswj.bench.*Bench').
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class BaselineBench {
  /** Bytes of the cold array: far beyond the last-level cache. */
  static final long COLD_BYTES = 1L << 30;

  @Param({"128"})
  public int dim;

  float[] a;
  float[] b;
  MemorySegment sa;
  MemorySegment sb;
  Arena arena;
  MemorySegment cold;
  long vectors;
  long cursor;
  SplittableRandom random;

  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom r = new SplittableRandom(42);
    a = new float[dim];
    b = new float[dim];
    for (int i = 0; i < dim; i++) {
      a[i] = (float) r.nextDouble();
      b[i] = (float) r.nextDouble();
    }
    arena = Arena.ofShared();
    sa = arena.allocate(4L * dim, 64);
    sb = arena.allocate(4L * dim, 64);
    MemorySegment.copy(a, 0, sa, ValueLayout.JAVA_FLOAT, 0, dim);
    MemorySegment.copy(b, 0, sb, ValueLayout.JAVA_FLOAT, 0, dim);
    cold = arena.allocate(COLD_BYTES, 64);
    for (long i = 0; i < COLD_BYTES / 4; i += 1024) {
      cold.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextDouble());
    }
    vectors = COLD_BYTES / (4L * dim);
    random = new SplittableRandom(7);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    arena.close();
  }

  @Benchmark
  public float scalarArray() {
    float sum = 0;
    for (int i = 0; i < dim; i++) {
      float d = a[i] - b[i];
      sum += d * d;
    }
    return sum;
  }

  @Benchmark
  public float scalarSegment() {
    return scalar(sa, 0, sb, 0, dim);
  }

  @Benchmark
  public float bandwidthSum() {
    long offset = cursor;
    cursor = (cursor + 4L * dim) % (vectors * 4L * dim);
    return vectorSum(cold, offset, dim);
  }

  @Benchmark
  public float bandwidthRandom() {
    return vectorSum(cold, random.nextLong(vectors) * 4L * dim, dim);
  }

  /** The sum of {@code dim} floats with the widest vectors, two accumulators: as fast as memory delivers. */
  static float vectorSum(MemorySegment segment, long offset, int dim) {
    VectorSpecies<Float> species = FloatVector.SPECIES_PREFERRED;
    FloatVector acc0 = FloatVector.zero(species);
    FloatVector acc1 = FloatVector.zero(species);
    int step = species.length();
    int i = 0;
    for (; i + 2 * step <= dim; i += 2 * step) {
      acc0 = acc0.add(FloatVector.fromMemorySegment(species, segment, offset + 4L * i, ByteOrder.LITTLE_ENDIAN));
      acc1 = acc1.add(
          FloatVector.fromMemorySegment(species, segment, offset + 4L * (i + step), ByteOrder.LITTLE_ENDIAN));
    }
    float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    for (; i < dim; i++) {
      sum += segment.get(ValueLayout.JAVA_FLOAT, offset + 4L * i);
    }
    return sum;
  }

  @Benchmark
  public float scalarCold() {
    long offset = random.nextLong(vectors) * 4L * dim;
    return scalar(sa, 0, cold, offset, dim);
  }

  static float scalar(MemorySegment x, long xOff, MemorySegment y, long yOff, int dim) {
    float sum = 0;
    for (int i = 0; i < dim; i++) {
      float d = x.get(ValueLayout.JAVA_FLOAT, xOff + 4L * i) - y.get(ValueLayout.JAVA_FLOAT, yOff + 4L * i);
      sum += d * d;
    }
    return sum;
  }
}
