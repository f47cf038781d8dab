package io.hnswj;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
// called directly, never through a helper: it is @ForceInline, a helper of ours is not (see below)
import static jdk.incubator.vector.FloatVector.fromMemorySegment;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast kernel: the widest float species the CPU has, two fused multiply-add accumulators per vector
 * (even and odd steps; with an odd number of whole steps, the first step's products start the even
 * one), their lanes summed as a tree, plus the rest summed on its own: a 128-bit head step when four
 * floats or more would be left over (as GloVe's 100 dimensions leave four), then the last floats
 * scalar. Results differ from hnswlib's in the last bits only.
 *
 * <p>The batch methods stream eight vectors at once against one load of the query (a batch's last one
 * to seven: four at once, then two, then one): independent streams keep the memory system busy where a
 * single loop waits on each cache miss (measured on random 256-d vectors: about 48 ns per distance in
 * fours, 75 ns one at a time, 100 ns with the earlier four accumulators per vector). Eight rather than
 * four because a four's loop at 128 dimensions is about as many instructions as the core keeps in
 * flight: the next four's first loads had to wait for this four's misses, where eight issue theirs
 * together. PairedBench against hnswlib on the full graphs, medians of alternating JVMs at ef 10, 40
 * and 320: W2 1.19, 1.24, 1.24x with fours, 1.29, 1.29, 1.24x with eights; W5 1.10, 1.11, 1.09x and
 * 1.20, 1.22, 1.19x. Sixteen exceed C2's inlining budget and box their vectors: eight times slower.
 * Each width is spelled out as its own method, the eight's, four's and two's the same lines: vectors
 * kept in an array, or handed to a loop's helper, would be boxed too.
 * Every vector is summed in exactly the single call's order, so batch and single results are
 * identical and the graph does not depend on which path computed a distance.
 *
 * <p>Each vector is first sliced to exactly its bytes and walked with a {@code long} byte index: C2
 * then hoists the segment bounds checks out of the loop.
 *
 * <p>Every vector operation comes before or inside the loop, none after it: C2 inlines a large method's
 * calls in order until its node budget runs out, and a vector operation left as a call boxes its vector
 * (so does a slice passed to such a call). With the odd step and the 128-bit step after the loop, the
 * batch methods allocated 30 bytes per distance at 100 or 104 dimensions and took twice as long as at
 * 96 (KernelBench's l2Batch/dotBatch).
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
  /** Where the batch methods keep their heads' products in the lane buffer: after eight vectors' lanes. */
  private static final int HEADS = 8 * LANES;

  static final PanamaKernel INSTANCE = new PanamaKernel();

  /**
   * Per thread, where the batch methods store their accumulators' lanes and their heads' products.
   * Allocated per call, this array was three quarters of all allocation during a build (the fours were
   * not inlined, so it escapes): hundreds of MB/s streamed through the caches the graph needs, more so
   * with two threads.
   */
  private static final ThreadLocal<float[]> LANE_BUFFER =
      ThreadLocal.withInitial(() -> new float[HEADS + 32]);

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
    float rest = 0f;
    long i = headBytes(bytes);
    if (i != 0) {
      FloatVector d = fromMemorySegment(QUARTER, x, 0, LE).sub(fromMemorySegment(QUARTER, y, 0, LE));
      FloatVector h = d.mul(d);
      rest = (h.lane(0) + h.lane(2)) + (h.lane(1) + h.lane(3));
    }
    FloatVector even = FloatVector.zero(SPECIES);
    FloatVector odd = even;
    if (oddSteps(bytes)) {
      FloatVector d = fromMemorySegment(SPECIES, x, i, LE).sub(fromMemorySegment(SPECIES, y, i, LE));
      even = d.mul(d);
      i += STEP;
    }
    for (long end = wholeStepsEnd(bytes); i < end; i += 2 * STEP) {
      FloatVector d0 = fromMemorySegment(SPECIES, x, i, LE).sub(fromMemorySegment(SPECIES, y, i, LE));
      FloatVector d1 =
          fromMemorySegment(SPECIES, x, i + STEP, LE).sub(fromMemorySegment(SPECIES, y, i + STEP, LE));
      even = d0.fma(d0, even);
      odd = d1.fma(d1, odd);
    }
    // the lane tree spelled out here with the JDK's lane(), always inlined: a helper of ours taking the
    // vector, refused by C2 in a large caller past its node budget, would box it
    FloatVector sum = even.add(odd);
    float lanes;
    if (LANES == 8) {
      lanes = ((sum.lane(0) + sum.lane(4)) + (sum.lane(2) + sum.lane(6)))
          + ((sum.lane(1) + sum.lane(5)) + (sum.lane(3) + sum.lane(7)));
    } else {
      float[] buffer = LANE_BUFFER.get();
      sum.intoArray(buffer, 0);
      lanes = sumLanes(buffer, 0);
    }
    return lanes + squareTail(a, aOffset, b, bOffset, i, bytes, rest);
  }

  @Override
  public float dotProduct(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dim) {
    long bytes = 4L * dim;
    MemorySegment x = a.asSlice(aOffset, bytes);
    MemorySegment y = b.asSlice(bOffset, bytes);
    float rest = 0f;
    long i = headBytes(bytes);
    if (i != 0) {
      FloatVector h = fromMemorySegment(QUARTER, x, 0, LE).mul(fromMemorySegment(QUARTER, y, 0, LE));
      rest = (h.lane(0) + h.lane(2)) + (h.lane(1) + h.lane(3));
    }
    FloatVector even = FloatVector.zero(SPECIES);
    FloatVector odd = even;
    if (oddSteps(bytes)) {
      even = fromMemorySegment(SPECIES, x, i, LE).mul(fromMemorySegment(SPECIES, y, i, LE));
      i += STEP;
    }
    for (long end = wholeStepsEnd(bytes); i < end; i += 2 * STEP) {
      even = fromMemorySegment(SPECIES, x, i, LE).fma(fromMemorySegment(SPECIES, y, i, LE), even);
      odd = fromMemorySegment(SPECIES, x, i + STEP, LE).fma(fromMemorySegment(SPECIES, y, i + STEP, LE), odd);
    }
    // the lane tree spelled out here with the JDK's lane(), always inlined: a helper of ours taking the
    // vector, refused by C2 in a large caller past its node budget, would box it
    FloatVector sum = even.add(odd);
    float lanes;
    if (LANES == 8) {
      lanes = ((sum.lane(0) + sum.lane(4)) + (sum.lane(2) + sum.lane(6)))
          + ((sum.lane(1) + sum.lane(5)) + (sum.lane(3) + sum.lane(7)));
    } else {
      float[] buffer = LANE_BUFFER.get();
      sum.intoArray(buffer, 0);
      lanes = sumLanes(buffer, 0);
    }
    return lanes + dotTail(a, aOffset, b, bOffset, i, bytes, rest);
  }

  @Override
  public void squareDistances(
      MemorySegment a, long aOffset, MemorySegment base, long[] offsets, int count, int dim, float[] out) {
    long bytes = 4L * dim;
    float[] lanes = LANE_BUFFER.get();
    int n = 0;
    for (; n + 8 <= count; n += 8) {
      squareOctet(a, aOffset, base, offsets, n, bytes, out, lanes);
    }
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
  // inlining budget. That budget still runs out before the end of the method: a vector operation of
  // ours left as a call there would box its vector, so the loads are the JDK's own (@ForceInline, which
  // C2 inlines later rather than refuse) and what follows the loop takes no vector and no slice.
  private static void squareOctet(MemorySegment a, long aOffset, MemorySegment base, long[] offsets, int n,
      long bytes, float[] out, float[] lanes) {
    MemorySegment x = a.asSlice(aOffset, bytes);
    MemorySegment y0 = base.asSlice(offsets[n], bytes);
    MemorySegment y1 = base.asSlice(offsets[n + 1], bytes);
    MemorySegment y2 = base.asSlice(offsets[n + 2], bytes);
    MemorySegment y3 = base.asSlice(offsets[n + 3], bytes);
    MemorySegment y4 = base.asSlice(offsets[n + 4], bytes);
    MemorySegment y5 = base.asSlice(offsets[n + 5], bytes);
    MemorySegment y6 = base.asSlice(offsets[n + 6], bytes);
    MemorySegment y7 = base.asSlice(offsets[n + 7], bytes);
    long i = headBytes(bytes);
    if (i != 0) {
      FloatVector q = fromMemorySegment(QUARTER, x, 0, LE);
      FloatVector d0 = q.sub(fromMemorySegment(QUARTER, y0, 0, LE));
      d0.mul(d0).intoArray(lanes, HEADS);
      FloatVector d1 = q.sub(fromMemorySegment(QUARTER, y1, 0, LE));
      d1.mul(d1).intoArray(lanes, HEADS + 4);
      FloatVector d2 = q.sub(fromMemorySegment(QUARTER, y2, 0, LE));
      d2.mul(d2).intoArray(lanes, HEADS + 8);
      FloatVector d3 = q.sub(fromMemorySegment(QUARTER, y3, 0, LE));
      d3.mul(d3).intoArray(lanes, HEADS + 12);
      FloatVector d4 = q.sub(fromMemorySegment(QUARTER, y4, 0, LE));
      d4.mul(d4).intoArray(lanes, HEADS + 16);
      FloatVector d5 = q.sub(fromMemorySegment(QUARTER, y5, 0, LE));
      d5.mul(d5).intoArray(lanes, HEADS + 20);
      FloatVector d6 = q.sub(fromMemorySegment(QUARTER, y6, 0, LE));
      d6.mul(d6).intoArray(lanes, HEADS + 24);
      FloatVector d7 = q.sub(fromMemorySegment(QUARTER, y7, 0, LE));
      d7.mul(d7).intoArray(lanes, HEADS + 28);
    }
    FloatVector zero = FloatVector.zero(SPECIES);
    FloatVector even0 = zero;
    FloatVector odd0 = zero;
    FloatVector even1 = zero;
    FloatVector odd1 = zero;
    FloatVector even2 = zero;
    FloatVector odd2 = zero;
    FloatVector even3 = zero;
    FloatVector odd3 = zero;
    FloatVector even4 = zero;
    FloatVector odd4 = zero;
    FloatVector even5 = zero;
    FloatVector odd5 = zero;
    FloatVector even6 = zero;
    FloatVector odd6 = zero;
    FloatVector even7 = zero;
    FloatVector odd7 = zero;
    if (oddSteps(bytes)) {
      FloatVector q = fromMemorySegment(SPECIES, x, i, LE);
      FloatVector d0 = q.sub(fromMemorySegment(SPECIES, y0, i, LE));
      even0 = d0.mul(d0);
      FloatVector d1 = q.sub(fromMemorySegment(SPECIES, y1, i, LE));
      even1 = d1.mul(d1);
      FloatVector d2 = q.sub(fromMemorySegment(SPECIES, y2, i, LE));
      even2 = d2.mul(d2);
      FloatVector d3 = q.sub(fromMemorySegment(SPECIES, y3, i, LE));
      even3 = d3.mul(d3);
      FloatVector d4 = q.sub(fromMemorySegment(SPECIES, y4, i, LE));
      even4 = d4.mul(d4);
      FloatVector d5 = q.sub(fromMemorySegment(SPECIES, y5, i, LE));
      even5 = d5.mul(d5);
      FloatVector d6 = q.sub(fromMemorySegment(SPECIES, y6, i, LE));
      even6 = d6.mul(d6);
      FloatVector d7 = q.sub(fromMemorySegment(SPECIES, y7, i, LE));
      even7 = d7.mul(d7);
      i += STEP;
    }
    for (long end = wholeStepsEnd(bytes); i < end; i += 2 * STEP) {
      FloatVector q0 = fromMemorySegment(SPECIES, x, i, LE);
      FloatVector q1 = fromMemorySegment(SPECIES, x, i + STEP, LE);
      FloatVector d;
      d = q0.sub(fromMemorySegment(SPECIES, y0, i, LE));
      even0 = d.fma(d, even0);
      d = q0.sub(fromMemorySegment(SPECIES, y1, i, LE));
      even1 = d.fma(d, even1);
      d = q0.sub(fromMemorySegment(SPECIES, y2, i, LE));
      even2 = d.fma(d, even2);
      d = q0.sub(fromMemorySegment(SPECIES, y3, i, LE));
      even3 = d.fma(d, even3);
      d = q0.sub(fromMemorySegment(SPECIES, y4, i, LE));
      even4 = d.fma(d, even4);
      d = q0.sub(fromMemorySegment(SPECIES, y5, i, LE));
      even5 = d.fma(d, even5);
      d = q0.sub(fromMemorySegment(SPECIES, y6, i, LE));
      even6 = d.fma(d, even6);
      d = q0.sub(fromMemorySegment(SPECIES, y7, i, LE));
      even7 = d.fma(d, even7);
      d = q1.sub(fromMemorySegment(SPECIES, y0, i + STEP, LE));
      odd0 = d.fma(d, odd0);
      d = q1.sub(fromMemorySegment(SPECIES, y1, i + STEP, LE));
      odd1 = d.fma(d, odd1);
      d = q1.sub(fromMemorySegment(SPECIES, y2, i + STEP, LE));
      odd2 = d.fma(d, odd2);
      d = q1.sub(fromMemorySegment(SPECIES, y3, i + STEP, LE));
      odd3 = d.fma(d, odd3);
      d = q1.sub(fromMemorySegment(SPECIES, y4, i + STEP, LE));
      odd4 = d.fma(d, odd4);
      d = q1.sub(fromMemorySegment(SPECIES, y5, i + STEP, LE));
      odd5 = d.fma(d, odd5);
      d = q1.sub(fromMemorySegment(SPECIES, y6, i + STEP, LE));
      odd6 = d.fma(d, odd6);
      d = q1.sub(fromMemorySegment(SPECIES, y7, i + STEP, LE));
      odd7 = d.fma(d, odd7);
    }
    even0.add(odd0).intoArray(lanes, 0 * LANES);
    even1.add(odd1).intoArray(lanes, 1 * LANES);
    even2.add(odd2).intoArray(lanes, 2 * LANES);
    even3.add(odd3).intoArray(lanes, 3 * LANES);
    even4.add(odd4).intoArray(lanes, 4 * LANES);
    even5.add(odd5).intoArray(lanes, 5 * LANES);
    even6.add(odd6).intoArray(lanes, 6 * LANES);
    even7.add(odd7).intoArray(lanes, 7 * LANES);
    finishSquares(lanes, a, aOffset, base, offsets, n, 8, i, bytes, out);
  }

  /** {@link #squareOctet} for four vectors: a batch's leftovers, four streams instead of one. */
  private static void squareQuad(MemorySegment a, long aOffset, MemorySegment base, long[] offsets, int n,
      long bytes, float[] out, float[] lanes) {
    MemorySegment x = a.asSlice(aOffset, bytes);
    MemorySegment y0 = base.asSlice(offsets[n], bytes);
    MemorySegment y1 = base.asSlice(offsets[n + 1], bytes);
    MemorySegment y2 = base.asSlice(offsets[n + 2], bytes);
    MemorySegment y3 = base.asSlice(offsets[n + 3], bytes);
    long i = headBytes(bytes);
    if (i != 0) {
      FloatVector q = fromMemorySegment(QUARTER, x, 0, LE);
      FloatVector d0 = q.sub(fromMemorySegment(QUARTER, y0, 0, LE));
      d0.mul(d0).intoArray(lanes, HEADS);
      FloatVector d1 = q.sub(fromMemorySegment(QUARTER, y1, 0, LE));
      d1.mul(d1).intoArray(lanes, HEADS + 4);
      FloatVector d2 = q.sub(fromMemorySegment(QUARTER, y2, 0, LE));
      d2.mul(d2).intoArray(lanes, HEADS + 8);
      FloatVector d3 = q.sub(fromMemorySegment(QUARTER, y3, 0, LE));
      d3.mul(d3).intoArray(lanes, HEADS + 12);
    }
    FloatVector zero = FloatVector.zero(SPECIES);
    FloatVector even0 = zero;
    FloatVector odd0 = zero;
    FloatVector even1 = zero;
    FloatVector odd1 = zero;
    FloatVector even2 = zero;
    FloatVector odd2 = zero;
    FloatVector even3 = zero;
    FloatVector odd3 = zero;
    if (oddSteps(bytes)) {
      FloatVector q = fromMemorySegment(SPECIES, x, i, LE);
      FloatVector d0 = q.sub(fromMemorySegment(SPECIES, y0, i, LE));
      even0 = d0.mul(d0);
      FloatVector d1 = q.sub(fromMemorySegment(SPECIES, y1, i, LE));
      even1 = d1.mul(d1);
      FloatVector d2 = q.sub(fromMemorySegment(SPECIES, y2, i, LE));
      even2 = d2.mul(d2);
      FloatVector d3 = q.sub(fromMemorySegment(SPECIES, y3, i, LE));
      even3 = d3.mul(d3);
      i += STEP;
    }
    for (long end = wholeStepsEnd(bytes); i < end; i += 2 * STEP) {
      FloatVector q0 = fromMemorySegment(SPECIES, x, i, LE);
      FloatVector q1 = fromMemorySegment(SPECIES, x, i + STEP, LE);
      FloatVector d;
      d = q0.sub(fromMemorySegment(SPECIES, y0, i, LE));
      even0 = d.fma(d, even0);
      d = q1.sub(fromMemorySegment(SPECIES, y0, i + STEP, LE));
      odd0 = d.fma(d, odd0);
      d = q0.sub(fromMemorySegment(SPECIES, y1, i, LE));
      even1 = d.fma(d, even1);
      d = q1.sub(fromMemorySegment(SPECIES, y1, i + STEP, LE));
      odd1 = d.fma(d, odd1);
      d = q0.sub(fromMemorySegment(SPECIES, y2, i, LE));
      even2 = d.fma(d, even2);
      d = q1.sub(fromMemorySegment(SPECIES, y2, i + STEP, LE));
      odd2 = d.fma(d, odd2);
      d = q0.sub(fromMemorySegment(SPECIES, y3, i, LE));
      even3 = d.fma(d, even3);
      d = q1.sub(fromMemorySegment(SPECIES, y3, i + STEP, LE));
      odd3 = d.fma(d, odd3);
    }
    even0.add(odd0).intoArray(lanes, 0);
    even1.add(odd1).intoArray(lanes, LANES);
    even2.add(odd2).intoArray(lanes, 2 * LANES);
    even3.add(odd3).intoArray(lanes, 3 * LANES);
    finishSquares(lanes, a, aOffset, base, offsets, n, 4, i, bytes, out);
  }

  /** {@link #squareOctet} for two vectors, as {@link #squareQuad}. */
  private static void squarePair(MemorySegment a, long aOffset, MemorySegment base, long[] offsets, int n,
      long bytes, float[] out, float[] lanes) {
    MemorySegment x = a.asSlice(aOffset, bytes);
    MemorySegment y0 = base.asSlice(offsets[n], bytes);
    MemorySegment y1 = base.asSlice(offsets[n + 1], bytes);
    long i = headBytes(bytes);
    if (i != 0) {
      FloatVector q = fromMemorySegment(QUARTER, x, 0, LE);
      FloatVector d0 = q.sub(fromMemorySegment(QUARTER, y0, 0, LE));
      d0.mul(d0).intoArray(lanes, HEADS);
      FloatVector d1 = q.sub(fromMemorySegment(QUARTER, y1, 0, LE));
      d1.mul(d1).intoArray(lanes, HEADS + 4);
    }
    FloatVector zero = FloatVector.zero(SPECIES);
    FloatVector even0 = zero;
    FloatVector odd0 = zero;
    FloatVector even1 = zero;
    FloatVector odd1 = zero;
    if (oddSteps(bytes)) {
      FloatVector q = fromMemorySegment(SPECIES, x, i, LE);
      FloatVector d0 = q.sub(fromMemorySegment(SPECIES, y0, i, LE));
      even0 = d0.mul(d0);
      FloatVector d1 = q.sub(fromMemorySegment(SPECIES, y1, i, LE));
      even1 = d1.mul(d1);
      i += STEP;
    }
    for (long end = wholeStepsEnd(bytes); i < end; i += 2 * STEP) {
      FloatVector q0 = fromMemorySegment(SPECIES, x, i, LE);
      FloatVector q1 = fromMemorySegment(SPECIES, x, i + STEP, LE);
      FloatVector d;
      d = q0.sub(fromMemorySegment(SPECIES, y0, i, LE));
      even0 = d.fma(d, even0);
      d = q1.sub(fromMemorySegment(SPECIES, y0, i + STEP, LE));
      odd0 = d.fma(d, odd0);
      d = q0.sub(fromMemorySegment(SPECIES, y1, i, LE));
      even1 = d.fma(d, even1);
      d = q1.sub(fromMemorySegment(SPECIES, y1, i + STEP, LE));
      odd1 = d.fma(d, odd1);
    }
    even0.add(odd0).intoArray(lanes, 0);
    even1.add(odd1).intoArray(lanes, LANES);
    finishSquares(lanes, a, aOffset, base, offsets, n, 2, i, bytes, out);
  }

  @Override
  public void dotProducts(
      MemorySegment a, long aOffset, MemorySegment base, long[] offsets, int count, int dim, float[] out) {
    long bytes = 4L * dim;
    float[] lanes = LANE_BUFFER.get();
    int n = 0;
    for (; n + 8 <= count; n += 8) {
      dotOctet(a, aOffset, base, offsets, n, bytes, out, lanes);
    }
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

  /** {@link #squareOctet} for dot products. */
  private static void dotOctet(MemorySegment a, long aOffset, MemorySegment base, long[] offsets, int n,
      long bytes, float[] out, float[] lanes) {
    MemorySegment x = a.asSlice(aOffset, bytes);
    MemorySegment y0 = base.asSlice(offsets[n], bytes);
    MemorySegment y1 = base.asSlice(offsets[n + 1], bytes);
    MemorySegment y2 = base.asSlice(offsets[n + 2], bytes);
    MemorySegment y3 = base.asSlice(offsets[n + 3], bytes);
    MemorySegment y4 = base.asSlice(offsets[n + 4], bytes);
    MemorySegment y5 = base.asSlice(offsets[n + 5], bytes);
    MemorySegment y6 = base.asSlice(offsets[n + 6], bytes);
    MemorySegment y7 = base.asSlice(offsets[n + 7], bytes);
    long i = headBytes(bytes);
    if (i != 0) {
      FloatVector q = fromMemorySegment(QUARTER, x, 0, LE);
      q.mul(fromMemorySegment(QUARTER, y0, 0, LE)).intoArray(lanes, HEADS);
      q.mul(fromMemorySegment(QUARTER, y1, 0, LE)).intoArray(lanes, HEADS + 4);
      q.mul(fromMemorySegment(QUARTER, y2, 0, LE)).intoArray(lanes, HEADS + 8);
      q.mul(fromMemorySegment(QUARTER, y3, 0, LE)).intoArray(lanes, HEADS + 12);
      q.mul(fromMemorySegment(QUARTER, y4, 0, LE)).intoArray(lanes, HEADS + 16);
      q.mul(fromMemorySegment(QUARTER, y5, 0, LE)).intoArray(lanes, HEADS + 20);
      q.mul(fromMemorySegment(QUARTER, y6, 0, LE)).intoArray(lanes, HEADS + 24);
      q.mul(fromMemorySegment(QUARTER, y7, 0, LE)).intoArray(lanes, HEADS + 28);
    }
    FloatVector zero = FloatVector.zero(SPECIES);
    FloatVector even0 = zero;
    FloatVector odd0 = zero;
    FloatVector even1 = zero;
    FloatVector odd1 = zero;
    FloatVector even2 = zero;
    FloatVector odd2 = zero;
    FloatVector even3 = zero;
    FloatVector odd3 = zero;
    FloatVector even4 = zero;
    FloatVector odd4 = zero;
    FloatVector even5 = zero;
    FloatVector odd5 = zero;
    FloatVector even6 = zero;
    FloatVector odd6 = zero;
    FloatVector even7 = zero;
    FloatVector odd7 = zero;
    if (oddSteps(bytes)) {
      FloatVector q = fromMemorySegment(SPECIES, x, i, LE);
      even0 = q.mul(fromMemorySegment(SPECIES, y0, i, LE));
      even1 = q.mul(fromMemorySegment(SPECIES, y1, i, LE));
      even2 = q.mul(fromMemorySegment(SPECIES, y2, i, LE));
      even3 = q.mul(fromMemorySegment(SPECIES, y3, i, LE));
      even4 = q.mul(fromMemorySegment(SPECIES, y4, i, LE));
      even5 = q.mul(fromMemorySegment(SPECIES, y5, i, LE));
      even6 = q.mul(fromMemorySegment(SPECIES, y6, i, LE));
      even7 = q.mul(fromMemorySegment(SPECIES, y7, i, LE));
      i += STEP;
    }
    for (long end = wholeStepsEnd(bytes); i < end; i += 2 * STEP) {
      FloatVector q0 = fromMemorySegment(SPECIES, x, i, LE);
      FloatVector q1 = fromMemorySegment(SPECIES, x, i + STEP, LE);
      even0 = q0.fma(fromMemorySegment(SPECIES, y0, i, LE), even0);
      even1 = q0.fma(fromMemorySegment(SPECIES, y1, i, LE), even1);
      even2 = q0.fma(fromMemorySegment(SPECIES, y2, i, LE), even2);
      even3 = q0.fma(fromMemorySegment(SPECIES, y3, i, LE), even3);
      even4 = q0.fma(fromMemorySegment(SPECIES, y4, i, LE), even4);
      even5 = q0.fma(fromMemorySegment(SPECIES, y5, i, LE), even5);
      even6 = q0.fma(fromMemorySegment(SPECIES, y6, i, LE), even6);
      even7 = q0.fma(fromMemorySegment(SPECIES, y7, i, LE), even7);
      odd0 = q1.fma(fromMemorySegment(SPECIES, y0, i + STEP, LE), odd0);
      odd1 = q1.fma(fromMemorySegment(SPECIES, y1, i + STEP, LE), odd1);
      odd2 = q1.fma(fromMemorySegment(SPECIES, y2, i + STEP, LE), odd2);
      odd3 = q1.fma(fromMemorySegment(SPECIES, y3, i + STEP, LE), odd3);
      odd4 = q1.fma(fromMemorySegment(SPECIES, y4, i + STEP, LE), odd4);
      odd5 = q1.fma(fromMemorySegment(SPECIES, y5, i + STEP, LE), odd5);
      odd6 = q1.fma(fromMemorySegment(SPECIES, y6, i + STEP, LE), odd6);
      odd7 = q1.fma(fromMemorySegment(SPECIES, y7, i + STEP, LE), odd7);
    }
    even0.add(odd0).intoArray(lanes, 0 * LANES);
    even1.add(odd1).intoArray(lanes, 1 * LANES);
    even2.add(odd2).intoArray(lanes, 2 * LANES);
    even3.add(odd3).intoArray(lanes, 3 * LANES);
    even4.add(odd4).intoArray(lanes, 4 * LANES);
    even5.add(odd5).intoArray(lanes, 5 * LANES);
    even6.add(odd6).intoArray(lanes, 6 * LANES);
    even7.add(odd7).intoArray(lanes, 7 * LANES);
    finishDots(lanes, a, aOffset, base, offsets, n, 8, i, bytes, out);
  }

  /** {@link #dotOctet} for four vectors, as {@link #squareQuad}. */
  private static void dotQuad(MemorySegment a, long aOffset, MemorySegment base, long[] offsets, int n,
      long bytes, float[] out, float[] lanes) {
    MemorySegment x = a.asSlice(aOffset, bytes);
    MemorySegment y0 = base.asSlice(offsets[n], bytes);
    MemorySegment y1 = base.asSlice(offsets[n + 1], bytes);
    MemorySegment y2 = base.asSlice(offsets[n + 2], bytes);
    MemorySegment y3 = base.asSlice(offsets[n + 3], bytes);
    long i = headBytes(bytes);
    if (i != 0) {
      FloatVector q = fromMemorySegment(QUARTER, x, 0, LE);
      q.mul(fromMemorySegment(QUARTER, y0, 0, LE)).intoArray(lanes, HEADS);
      q.mul(fromMemorySegment(QUARTER, y1, 0, LE)).intoArray(lanes, HEADS + 4);
      q.mul(fromMemorySegment(QUARTER, y2, 0, LE)).intoArray(lanes, HEADS + 8);
      q.mul(fromMemorySegment(QUARTER, y3, 0, LE)).intoArray(lanes, HEADS + 12);
    }
    FloatVector zero = FloatVector.zero(SPECIES);
    FloatVector even0 = zero;
    FloatVector odd0 = zero;
    FloatVector even1 = zero;
    FloatVector odd1 = zero;
    FloatVector even2 = zero;
    FloatVector odd2 = zero;
    FloatVector even3 = zero;
    FloatVector odd3 = zero;
    if (oddSteps(bytes)) {
      FloatVector q = fromMemorySegment(SPECIES, x, i, LE);
      even0 = q.mul(fromMemorySegment(SPECIES, y0, i, LE));
      even1 = q.mul(fromMemorySegment(SPECIES, y1, i, LE));
      even2 = q.mul(fromMemorySegment(SPECIES, y2, i, LE));
      even3 = q.mul(fromMemorySegment(SPECIES, y3, i, LE));
      i += STEP;
    }
    for (long end = wholeStepsEnd(bytes); i < end; i += 2 * STEP) {
      FloatVector q0 = fromMemorySegment(SPECIES, x, i, LE);
      FloatVector q1 = fromMemorySegment(SPECIES, x, i + STEP, LE);
      even0 = q0.fma(fromMemorySegment(SPECIES, y0, i, LE), even0);
      odd0 = q1.fma(fromMemorySegment(SPECIES, y0, i + STEP, LE), odd0);
      even1 = q0.fma(fromMemorySegment(SPECIES, y1, i, LE), even1);
      odd1 = q1.fma(fromMemorySegment(SPECIES, y1, i + STEP, LE), odd1);
      even2 = q0.fma(fromMemorySegment(SPECIES, y2, i, LE), even2);
      odd2 = q1.fma(fromMemorySegment(SPECIES, y2, i + STEP, LE), odd2);
      even3 = q0.fma(fromMemorySegment(SPECIES, y3, i, LE), even3);
      odd3 = q1.fma(fromMemorySegment(SPECIES, y3, i + STEP, LE), odd3);
    }
    even0.add(odd0).intoArray(lanes, 0);
    even1.add(odd1).intoArray(lanes, LANES);
    even2.add(odd2).intoArray(lanes, 2 * LANES);
    even3.add(odd3).intoArray(lanes, 3 * LANES);
    finishDots(lanes, a, aOffset, base, offsets, n, 4, i, bytes, out);
  }

  /** {@link #dotOctet} for two vectors, as {@link #squarePair}. */
  private static void dotPair(MemorySegment a, long aOffset, MemorySegment base, long[] offsets, int n,
      long bytes, float[] out, float[] lanes) {
    MemorySegment x = a.asSlice(aOffset, bytes);
    MemorySegment y0 = base.asSlice(offsets[n], bytes);
    MemorySegment y1 = base.asSlice(offsets[n + 1], bytes);
    long i = headBytes(bytes);
    if (i != 0) {
      FloatVector q = fromMemorySegment(QUARTER, x, 0, LE);
      q.mul(fromMemorySegment(QUARTER, y0, 0, LE)).intoArray(lanes, HEADS);
      q.mul(fromMemorySegment(QUARTER, y1, 0, LE)).intoArray(lanes, HEADS + 4);
    }
    FloatVector zero = FloatVector.zero(SPECIES);
    FloatVector even0 = zero;
    FloatVector odd0 = zero;
    FloatVector even1 = zero;
    FloatVector odd1 = zero;
    if (oddSteps(bytes)) {
      FloatVector q = fromMemorySegment(SPECIES, x, i, LE);
      even0 = q.mul(fromMemorySegment(SPECIES, y0, i, LE));
      even1 = q.mul(fromMemorySegment(SPECIES, y1, i, LE));
      i += STEP;
    }
    for (long end = wholeStepsEnd(bytes); i < end; i += 2 * STEP) {
      FloatVector q0 = fromMemorySegment(SPECIES, x, i, LE);
      FloatVector q1 = fromMemorySegment(SPECIES, x, i + STEP, LE);
      even0 = q0.fma(fromMemorySegment(SPECIES, y0, i, LE), even0);
      odd0 = q1.fma(fromMemorySegment(SPECIES, y0, i + STEP, LE), odd0);
      even1 = q0.fma(fromMemorySegment(SPECIES, y1, i, LE), even1);
      odd1 = q1.fma(fromMemorySegment(SPECIES, y1, i + STEP, LE), odd1);
    }
    even0.add(odd0).intoArray(lanes, 0);
    even1.add(odd1).intoArray(lanes, LANES);
    finishDots(lanes, a, aOffset, base, offsets, n, 2, i, bytes, out);
  }

  /**
   * The batch methods' end, one call for their two, four or eight vectors rather than a call each for
   * the lanes' sum and the tail, which C2 does not inline there: {@code out[n + j]} is the lanes at
   * {@code j * LANES} summed as {@link #sumLanes}, plus vector j's head (if any) and tail
   * from {@code from}, as in {@link #squareDistance}.
   */
  private static void finishSquares(float[] lanes, MemorySegment a, long aOffset, MemorySegment base,
      long[] offsets, int n, int count, long from, long bytes, float[] out) {
    for (int j = 0; j < count; j++) {
      out[n + j] = sumLanes(lanes, j * LANES) + squareTail(a, aOffset, base, offsets[n + j], from, bytes,
          headSum(lanes, bytes, HEADS + 4 * j));
    }
  }

  /** {@link #finishSquares} for dot products. */
  private static void finishDots(float[] lanes, MemorySegment a, long aOffset, MemorySegment base,
      long[] offsets, int n, int count, long from, long bytes, float[] out) {
    for (int j = 0; j < count; j++) {
      out[n + j] = sumLanes(lanes, j * LANES) + dotTail(a, aOffset, base, offsets[n + j], from, bytes,
          headSum(lanes, bytes, HEADS + 4 * j));
    }
  }

  /**
   * The sum of the lanes of a vector stored at {@code lanes[from..from + LANES)}, as a halving tree: lane
   * i plus lane i + LANES/2, and so on down to one. The order is fixed ({@code reduceLanes(ADD)} leaves
   * it open, and C2's intrinsic and the interpreter do differ in the last bit: a distance would then
   * depend on whether its caller is compiled yet), and the tree's depth is log2(LANES) additions where
   * first-to-last was LANES - 1 in a row.
   */
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

  /**
   * 16 (a 128-bit step at the start) when the whole steps would leave four floats or more, else 0. Not
   * where one species step is 128 bits: the leftover is then less than four floats.
   */
  private static long headBytes(long bytes) {
    return LANES > 4 && bytes % STEP >= 16 ? 16 : 0;
  }

  /** The head's products stored at {@code lanes[at..at + 4)} summed as a tree, or 0 without a head. */
  private static float headSum(float[] lanes, long bytes, int at) {
    return headBytes(bytes) == 0 ? 0f : (lanes[at] + lanes[at + 2]) + (lanes[at + 1] + lanes[at + 3]);
  }

  /** Whether the whole steps after the head are odd in number: the first one then starts the even sum. */
  private static boolean oddSteps(long bytes) {
    return ((bytes - headBytes(bytes)) / STEP & 1) != 0;
  }

  /** The end of the whole steps after the head: the tail after it is summed scalar. */
  private static long wholeStepsEnd(long bytes) {
    return bytes - (bytes - headBytes(bytes)) % STEP;
  }

  // The rest's own sum, added to the lanes' at the end (the two chains of additions run side by side):
  // the head's sum, then the last floats (fewer than four; up to eleven on 512-bit vectors), scalar.
  private static float squareTail(
      MemorySegment a, long aOffset, MemorySegment b, long bOffset, long from, long bytes, float head) {
    float sum = head;
    for (long i = from; i < bytes; i += 4) {
      float t = a.get(JAVA_FLOAT_UNALIGNED, aOffset + i) - b.get(JAVA_FLOAT_UNALIGNED, bOffset + i);
      sum = Math.fma(t, t, sum);
    }
    return sum;
  }

  private static float dotTail(
      MemorySegment a, long aOffset, MemorySegment b, long bOffset, long from, long bytes, float head) {
    float sum = head;
    for (long i = from; i < bytes; i += 4) {
      sum = Math.fma(a.get(JAVA_FLOAT_UNALIGNED, aOffset + i), b.get(JAVA_FLOAT_UNALIGNED, bOffset + i), sum);
    }
    return sum;
  }
}
