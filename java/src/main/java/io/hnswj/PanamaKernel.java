package io.hnswj;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast kernel: the widest float species the CPU has, four independent fused multiply-add
 * accumulators (so the loop is bound by loads, not by the latency of one add chain), then one vector
 * loop and a scalar tail. Results differ from hnswlib's in the last bits only.
 *
 * <p>Loading this class needs the {@code jdk.incubator.vector} module; {@link Kernels} falls back
 * when it is missing.
 */
final class PanamaKernel implements DistanceKernel {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();
  private static final long STEP_BYTES = 4L * LANES;
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

  static final PanamaKernel INSTANCE = new PanamaKernel();

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
    int i = 0;
    float sum = 0f;
    if (dim >= LANES) {
      FloatVector acc0 = FloatVector.zero(SPECIES);
      FloatVector acc1 = FloatVector.zero(SPECIES);
      FloatVector acc2 = FloatVector.zero(SPECIES);
      FloatVector acc3 = FloatVector.zero(SPECIES);
      int unrolledBound = dim - dim % (4 * LANES);
      long ao = aOffset, bo = bOffset;
      for (; i < unrolledBound; i += 4 * LANES, ao += 4 * STEP_BYTES, bo += 4 * STEP_BYTES) {
        FloatVector d0 = load(a, ao).sub(load(b, bo));
        FloatVector d1 = load(a, ao + STEP_BYTES).sub(load(b, bo + STEP_BYTES));
        FloatVector d2 = load(a, ao + 2 * STEP_BYTES).sub(load(b, bo + 2 * STEP_BYTES));
        FloatVector d3 = load(a, ao + 3 * STEP_BYTES).sub(load(b, bo + 3 * STEP_BYTES));
        acc0 = d0.fma(d0, acc0);
        acc1 = d1.fma(d1, acc1);
        acc2 = d2.fma(d2, acc2);
        acc3 = d3.fma(d3, acc3);
      }
      int vectorBound = dim - dim % LANES;
      for (; i < vectorBound; i += LANES, ao += STEP_BYTES, bo += STEP_BYTES) {
        FloatVector d = load(a, ao).sub(load(b, bo));
        acc0 = d.fma(d, acc0);
      }
      sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
    }
    for (; i < dim; i++) {
      float t = a.get(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, aOffset + 4L * i)
          - b.get(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, bOffset + 4L * i);
      sum = Math.fma(t, t, sum);
    }
    return sum;
  }

  @Override
  public float dotProduct(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dim) {
    int i = 0;
    float sum = 0f;
    if (dim >= LANES) {
      FloatVector acc0 = FloatVector.zero(SPECIES);
      FloatVector acc1 = FloatVector.zero(SPECIES);
      FloatVector acc2 = FloatVector.zero(SPECIES);
      FloatVector acc3 = FloatVector.zero(SPECIES);
      int unrolledBound = dim - dim % (4 * LANES);
      long ao = aOffset, bo = bOffset;
      for (; i < unrolledBound; i += 4 * LANES, ao += 4 * STEP_BYTES, bo += 4 * STEP_BYTES) {
        acc0 = load(a, ao).fma(load(b, bo), acc0);
        acc1 = load(a, ao + STEP_BYTES).fma(load(b, bo + STEP_BYTES), acc1);
        acc2 = load(a, ao + 2 * STEP_BYTES).fma(load(b, bo + 2 * STEP_BYTES), acc2);
        acc3 = load(a, ao + 3 * STEP_BYTES).fma(load(b, bo + 3 * STEP_BYTES), acc3);
      }
      int vectorBound = dim - dim % LANES;
      for (; i < vectorBound; i += LANES, ao += STEP_BYTES, bo += STEP_BYTES) {
        acc0 = load(a, ao).fma(load(b, bo), acc0);
      }
      sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
    }
    for (; i < dim; i++) {
      sum = Math.fma(
          a.get(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, aOffset + 4L * i),
          b.get(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, bOffset + 4L * i),
          sum);
    }
    return sum;
  }

  private static FloatVector load(MemorySegment segment, long offset) {
    return FloatVector.fromMemorySegment(SPECIES, segment, offset, LE);
  }
}
