package io.hnswj;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast kernel: the widest float species the CPU has, two fused multiply-add accumulators per vector
 * (even and odd steps), one more step into the first if it fits; their lanes summed as a tree, plus the
 * tail (a 128-bit step if four floats are left, then scalar) summed on its own. Results differ from
 * hnswlib's in the last bits only.
 *
 * <p>The batch methods stream four vectors at once against one load of the query (a batch's last two
 * or three: two at once, then one): four independent streams keep the memory system busy where a
 * single loop waits on each cache miss (measured on random 256-d vectors: about 48 ns per distance in
 * fours, 75 ns one at a time, 100 ns with the earlier four accumulators per vector). Every vector is
 * summed in exactly the single call's order, so batch and single results are identical and the graph
 * does not depend on which path computed a distance.
 *
 * <p>Each vector is first sliced to exactly its bytes and walked with a {@code long} byte index: C2
 * then hoists the segment bounds checks out of the loop.
 *
 * <p>Loading this class needs the {@code jdk.incubator.vector} module; {@link Kernels} falls back
 * when it is missing.
 */
final class PanamaKernel implements DistanceKernel {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final long STEP = SPECIES.vectorByteSize();
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  private static final int LANES = SPECIES.length();
  private static final VectorSpecies<Float> QUARTER = FloatVector.SPECIES_128;
  private static final long QUARTER_STEP = QUARTER.vectorByteSize();

  static final PanamaKernel INSTANCE = new PanamaKernel();

  /**
   * Per thread, where the batch methods store their four accumulators' lanes. Allocated per call, this
   * array was three quarters of all allocation during a build (the quads are not inlined, so it
   * escapes): hundreds of MB/s streamed through the caches the graph needs, more so with two threads.
   */
  private static final ThreadLocal<float[]> LANE_BUFFER = ThreadLocal.withInitial(() -> new float[4 * LANES]);

  private PanamaKernel() {}

  @Override
  public String name() {
    return "panama";
  }

  /** The vector width in bits, for logs and benchmarks. */
  static int vectorBits() {
    return SPECIES.vectorBitSize();
  }

  @Override
  public float squareDistance(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dim) {
    long bytes = 4L * dim;
    MemorySegment x = a.asSlice(aOffset, bytes);
    MemorySegment y = b.asSlice(bOffset, bytes);
    FloatVector even = FloatVector.zero(SPECIES);
    FloatVector odd = FloatVector.zero(SPECIES);
    long i = 0;
    for (long pairs = pairBound(bytes); i < pairs; i += 2 * STEP) {
      FloatVector d0 = load(x, i).sub(load(y, i));
      FloatVector d1 = load(x, i + STEP).sub(load(y, i + STEP));
      even = d0.fma(d0, even);
      odd = d1.fma(d1, odd);
    }
    if (i + STEP <= bytes) {
      FloatVector d = load(x, i).sub(load(y, i));
      even = d.fma(d, even);
      i += STEP;
    }
    return sumLanes(even.add(odd)) + squareTail(x, y, i, bytes);
  }

  @Override
  public float dotProduct(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dim) {
    long bytes = 4L * dim;
    MemorySegment x = a.asSlice(aOffset, bytes);
    MemorySegment y = b.asSlice(bOffset, bytes);
    FloatVector even = FloatVector.zero(SPECIES);
    FloatVector odd = FloatVector.zero(SPECIES);
    long i = 0;
    for (long pairs = pairBound(bytes); i < pairs; i += 2 * STEP) {
      even = load(x, i).fma(load(y, i), even);
      odd = load(x, i + STEP).fma(load(y, i + STEP), odd);
    }
    if (i + STEP <= bytes) {
      even = load(x, i).fma(load(y, i), even);
      i += STEP;
    }
    return sumLanes(even.add(odd)) + dotTail(x, y, i, bytes);
  }

  @Override
  public void squareDistances(
      MemorySegment a, long aOffset, MemorySegment base, long[] offsets, int count, int dim, float[] out) {
    long bytes = 4L * dim;
    float[] lanes = LANE_BUFFER.get();
    int n = 0;
    for (; n + 4 <= count; n += 4) {
      squareQuad(a, aOffset, base, offsets, n, bytes, out, lanes);
    }
    if (n + 2 <= count) {
      squarePair(a, aOffset, base, offsets, n, bytes, out, lanes);
      n += 2;
    }
    for (; n < count; n++) {
      out[n] = squareDistance(a, aOffset, base, offsets[n], dim);
    }
  }

  // A method of its own, too big to be inlined into callers: C2 then compiles it with its whole
  // inlining budget, so every vector load is intrinsified (a load left as a call boxes its vector).
  private static void squareQuad(MemorySegment a, long aOffset, MemorySegment base, long[] offsets, int n,
      long bytes, float[] out, float[] lanes) {
    MemorySegment x = a.asSlice(aOffset, bytes);
    MemorySegment y0 = base.asSlice(offsets[n], bytes);
    MemorySegment y1 = base.asSlice(offsets[n + 1], bytes);
    MemorySegment y2 = base.asSlice(offsets[n + 2], bytes);
    MemorySegment y3 = base.asSlice(offsets[n + 3], bytes);
    FloatVector even0 = FloatVector.zero(SPECIES);
    FloatVector odd0 = even0;
    FloatVector even1 = even0;
    FloatVector odd1 = even0;
    FloatVector even2 = even0;
    FloatVector odd2 = even0;
    FloatVector even3 = even0;
    FloatVector odd3 = even0;
    long i = 0;
    for (long pairs = pairBound(bytes); i < pairs; i += 2 * STEP) {
      FloatVector q0 = load(x, i);
      FloatVector q1 = load(x, i + STEP);
      FloatVector d = q0.sub(load(y0, i));
      even0 = d.fma(d, even0);
      d = q1.sub(load(y0, i + STEP));
      odd0 = d.fma(d, odd0);
      d = q0.sub(load(y1, i));
      even1 = d.fma(d, even1);
      d = q1.sub(load(y1, i + STEP));
      odd1 = d.fma(d, odd1);
      d = q0.sub(load(y2, i));
      even2 = d.fma(d, even2);
      d = q1.sub(load(y2, i + STEP));
      odd2 = d.fma(d, odd2);
      d = q0.sub(load(y3, i));
      even3 = d.fma(d, even3);
      d = q1.sub(load(y3, i + STEP));
      odd3 = d.fma(d, odd3);
    }
    if (i + STEP <= bytes) {
      FloatVector q = load(x, i);
      FloatVector d = q.sub(load(y0, i));
      even0 = d.fma(d, even0);
      d = q.sub(load(y1, i));
      even1 = d.fma(d, even1);
      d = q.sub(load(y2, i));
      even2 = d.fma(d, even2);
      d = q.sub(load(y3, i));
      even3 = d.fma(d, even3);
      i += STEP;
    }
    // lanes through an array, then summed as sumLanes sums them: few C2 nodes for this large method
    // (a vector passed to a method C2 did not inline is boxed)
    even0.add(odd0).intoArray(lanes, 0);
    even1.add(odd1).intoArray(lanes, LANES);
    even2.add(odd2).intoArray(lanes, 2 * LANES);
    even3.add(odd3).intoArray(lanes, 3 * LANES);
    out[n] = sumLanes(lanes, 0) + squareTail(x, y0, i, bytes);
    out[n + 1] = sumLanes(lanes, LANES) + squareTail(x, y1, i, bytes);
    out[n + 2] = sumLanes(lanes, 2 * LANES) + squareTail(x, y2, i, bytes);
    out[n + 3] = sumLanes(lanes, 3 * LANES) + squareTail(x, y3, i, bytes);
  }

  /** {@link #squareQuad} for two vectors: the leftovers of a batch, two streams instead of one. */
  private static void squarePair(MemorySegment a, long aOffset, MemorySegment base, long[] offsets, int n,
      long bytes, float[] out, float[] lanes) {
    MemorySegment x = a.asSlice(aOffset, bytes);
    MemorySegment y0 = base.asSlice(offsets[n], bytes);
    MemorySegment y1 = base.asSlice(offsets[n + 1], bytes);
    FloatVector even0 = FloatVector.zero(SPECIES);
    FloatVector odd0 = even0;
    FloatVector even1 = even0;
    FloatVector odd1 = even0;
    long i = 0;
    for (long pairs = pairBound(bytes); i < pairs; i += 2 * STEP) {
      FloatVector q0 = load(x, i);
      FloatVector q1 = load(x, i + STEP);
      FloatVector d = q0.sub(load(y0, i));
      even0 = d.fma(d, even0);
      d = q1.sub(load(y0, i + STEP));
      odd0 = d.fma(d, odd0);
      d = q0.sub(load(y1, i));
      even1 = d.fma(d, even1);
      d = q1.sub(load(y1, i + STEP));
      odd1 = d.fma(d, odd1);
    }
    if (i + STEP <= bytes) {
      FloatVector q = load(x, i);
      FloatVector d = q.sub(load(y0, i));
      even0 = d.fma(d, even0);
      d = q.sub(load(y1, i));
      even1 = d.fma(d, even1);
      i += STEP;
    }
    even0.add(odd0).intoArray(lanes, 0);
    even1.add(odd1).intoArray(lanes, LANES);
    out[n] = sumLanes(lanes, 0) + squareTail(x, y0, i, bytes);
    out[n + 1] = sumLanes(lanes, LANES) + squareTail(x, y1, i, bytes);
  }

  @Override
  public void dotProducts(
      MemorySegment a, long aOffset, MemorySegment base, long[] offsets, int count, int dim, float[] out) {
    long bytes = 4L * dim;
    float[] lanes = LANE_BUFFER.get();
    int n = 0;
    for (; n + 4 <= count; n += 4) {
      dotQuad(a, aOffset, base, offsets, n, bytes, out, lanes);
    }
    if (n + 2 <= count) {
      dotPair(a, aOffset, base, offsets, n, bytes, out, lanes);
      n += 2;
    }
    for (; n < count; n++) {
      out[n] = dotProduct(a, aOffset, base, offsets[n], dim);
    }
  }

  private static void dotQuad(MemorySegment a, long aOffset, MemorySegment base, long[] offsets, int n,
      long bytes, float[] out, float[] lanes) {
    MemorySegment x = a.asSlice(aOffset, bytes);
    MemorySegment y0 = base.asSlice(offsets[n], bytes);
    MemorySegment y1 = base.asSlice(offsets[n + 1], bytes);
    MemorySegment y2 = base.asSlice(offsets[n + 2], bytes);
    MemorySegment y3 = base.asSlice(offsets[n + 3], bytes);
    FloatVector even0 = FloatVector.zero(SPECIES);
    FloatVector odd0 = even0;
    FloatVector even1 = even0;
    FloatVector odd1 = even0;
    FloatVector even2 = even0;
    FloatVector odd2 = even0;
    FloatVector even3 = even0;
    FloatVector odd3 = even0;
    long i = 0;
    for (long pairs = pairBound(bytes); i < pairs; i += 2 * STEP) {
      FloatVector q0 = load(x, i);
      FloatVector q1 = load(x, i + STEP);
      even0 = q0.fma(load(y0, i), even0);
      odd0 = q1.fma(load(y0, i + STEP), odd0);
      even1 = q0.fma(load(y1, i), even1);
      odd1 = q1.fma(load(y1, i + STEP), odd1);
      even2 = q0.fma(load(y2, i), even2);
      odd2 = q1.fma(load(y2, i + STEP), odd2);
      even3 = q0.fma(load(y3, i), even3);
      odd3 = q1.fma(load(y3, i + STEP), odd3);
    }
    if (i + STEP <= bytes) {
      FloatVector q = load(x, i);
      even0 = q.fma(load(y0, i), even0);
      even1 = q.fma(load(y1, i), even1);
      even2 = q.fma(load(y2, i), even2);
      even3 = q.fma(load(y3, i), even3);
      i += STEP;
    }
    // lanes through an array, then summed as sumLanes sums them: few C2 nodes for this large method
    // (a vector passed to a method C2 did not inline is boxed)
    even0.add(odd0).intoArray(lanes, 0);
    even1.add(odd1).intoArray(lanes, LANES);
    even2.add(odd2).intoArray(lanes, 2 * LANES);
    even3.add(odd3).intoArray(lanes, 3 * LANES);
    out[n] = sumLanes(lanes, 0) + dotTail(x, y0, i, bytes);
    out[n + 1] = sumLanes(lanes, LANES) + dotTail(x, y1, i, bytes);
    out[n + 2] = sumLanes(lanes, 2 * LANES) + dotTail(x, y2, i, bytes);
    out[n + 3] = sumLanes(lanes, 3 * LANES) + dotTail(x, y3, i, bytes);
  }

  /** {@link #dotQuad} for two vectors, as {@link #squarePair}. */
  private static void dotPair(MemorySegment a, long aOffset, MemorySegment base, long[] offsets, int n,
      long bytes, float[] out, float[] lanes) {
    MemorySegment x = a.asSlice(aOffset, bytes);
    MemorySegment y0 = base.asSlice(offsets[n], bytes);
    MemorySegment y1 = base.asSlice(offsets[n + 1], bytes);
    FloatVector even0 = FloatVector.zero(SPECIES);
    FloatVector odd0 = even0;
    FloatVector even1 = even0;
    FloatVector odd1 = even0;
    long i = 0;
    for (long pairs = pairBound(bytes); i < pairs; i += 2 * STEP) {
      FloatVector q0 = load(x, i);
      FloatVector q1 = load(x, i + STEP);
      even0 = q0.fma(load(y0, i), even0);
      odd0 = q1.fma(load(y0, i + STEP), odd0);
      even1 = q0.fma(load(y1, i), even1);
      odd1 = q1.fma(load(y1, i + STEP), odd1);
    }
    if (i + STEP <= bytes) {
      FloatVector q = load(x, i);
      even0 = q.fma(load(y0, i), even0);
      even1 = q.fma(load(y1, i), even1);
      i += STEP;
    }
    even0.add(odd0).intoArray(lanes, 0);
    even1.add(odd1).intoArray(lanes, LANES);
    out[n] = sumLanes(lanes, 0) + dotTail(x, y0, i, bytes);
    out[n + 1] = sumLanes(lanes, LANES) + dotTail(x, y1, i, bytes);
  }

  /**
   * The sum of the lanes as a halving tree: lane i plus lane i + LANES/2, and so on down to one. The
   * order is fixed ({@code reduceLanes(ADD)} leaves it open, and C2's intrinsic and the interpreter do
   * differ in the last bit: a distance would then depend on whether its caller is compiled yet), and
   * the tree's depth is log2(LANES) additions where first-to-last was LANES - 1 in a row.
   */
  private static float sumLanes(FloatVector v) {
    return switch (LANES) {
      case 4 -> sumQuarter(v);
      case 8 -> ((v.lane(0) + v.lane(4)) + (v.lane(2) + v.lane(6)))
          + ((v.lane(1) + v.lane(5)) + (v.lane(3) + v.lane(7)));
      default -> {
        // wider species (AVX-512: 16 lanes) through the thread's lane buffer: toArray would allocate
        // at every distance
        float[] lanes = LANE_BUFFER.get();
        v.intoArray(lanes, 0);
        yield halvingSum(lanes, 0, LANES);
      }
    };
  }

  /** {@link #sumLanes(FloatVector)} of a vector stored at {@code lanes[from..from + LANES)}. */
  private static float sumLanes(float[] l, int f) {
    return switch (LANES) {
      case 4 -> (l[f] + l[f + 2]) + (l[f + 1] + l[f + 3]);
      case 8 -> ((l[f] + l[f + 4]) + (l[f + 2] + l[f + 6])) + ((l[f + 1] + l[f + 5]) + (l[f + 3] + l[f + 7]));
      default -> halvingSum(l, f, LANES);
    };
  }

  /** The same tree over {@code count} (a power of two) floats from {@code from}, summed in place. */
  static float halvingSum(float[] lanes, int from, int count) {
    for (int width = count / 2; width > 0; width /= 2) {
      for (int i = from; i < from + width; i++) {
        lanes[i] += lanes[i + width];
      }
    }
    return lanes[from];
  }

  /** The end of the part walked two vector steps at a time. */
  private static long pairBound(long bytes) {
    return bytes - bytes % (2 * STEP);
  }

  // The tail's own sum, added to the lanes' at the end: the two chains of additions run side by side.
  // Four floats or more left (as after 96 of GloVe's 100 dimensions) take one 128-bit step first.
  private static float squareTail(MemorySegment x, MemorySegment y, long from, long bytes) {
    float sum = 0;
    long i = from;
    if (LANES > 4 && i + QUARTER_STEP <= bytes) {
      FloatVector d = quarter(x, i).sub(quarter(y, i));
      sum = sumQuarter(d.mul(d));
      i += QUARTER_STEP;
    }
    for (; i < bytes; i += 4) {
      float t = x.get(JAVA_FLOAT_UNALIGNED, i) - y.get(JAVA_FLOAT_UNALIGNED, i);
      sum = Math.fma(t, t, sum);
    }
    return sum;
  }

  private static float dotTail(MemorySegment x, MemorySegment y, long from, long bytes) {
    float sum = 0;
    long i = from;
    if (LANES > 4 && i + QUARTER_STEP <= bytes) {
      sum = sumQuarter(quarter(x, i).mul(quarter(y, i)));
      i += QUARTER_STEP;
    }
    for (; i < bytes; i += 4) {
      sum = Math.fma(x.get(JAVA_FLOAT_UNALIGNED, i), y.get(JAVA_FLOAT_UNALIGNED, i), sum);
    }
    return sum;
  }

  private static FloatVector quarter(MemorySegment segment, long offset) {
    return FloatVector.fromMemorySegment(QUARTER, segment, offset, LE);
  }

  private static float sumQuarter(FloatVector v) {
    return (v.lane(0) + v.lane(2)) + (v.lane(1) + v.lane(3));
  }

  private static FloatVector load(MemorySegment segment, long offset) {
    return FloatVector.fromMemorySegment(SPECIES, segment, offset, LE);
  }
}
