package io.hnswj;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import java.lang.foreign.MemorySegment;

/** One float accumulator, in index order: hnswlib's plain C++ loops ({@code L2Sqr}, {@code InnerProduct}). */
final class ScalarKernel implements DistanceKernel {
  static final ScalarKernel INSTANCE = new ScalarKernel();

  private ScalarKernel() {}

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public float squareDistance(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dim) {
    return squareDistance(a, aOffset, b, bOffset, 0, dim);
  }

  @Override
  public float dotProduct(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dim) {
    return dotProduct(a, aOffset, b, bOffset, 0, dim);
  }

  /** The sum over elements {@code [from, to)}, used for the tails of the vectorised kernels too. */
  static float squareDistance(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int from, int to) {
    float sum = 0f;
    for (int i = from; i < to; i++) {
      float t = a.get(JAVA_FLOAT_UNALIGNED, aOffset + 4L * i) - b.get(JAVA_FLOAT_UNALIGNED, bOffset + 4L * i);
      sum += t * t;
    }
    return sum;
  }

  static float dotProduct(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int from, int to) {
    float sum = 0f;
    for (int i = from; i < to; i++) {
      sum += a.get(JAVA_FLOAT_UNALIGNED, aOffset + 4L * i) * b.get(JAVA_FLOAT_UNALIGNED, bOffset + 4L * i);
    }
    return sum;
  }
}
