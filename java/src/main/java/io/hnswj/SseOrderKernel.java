package io.hnswj;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * hnswlib's SSE kernels, summed in exactly their order so that results match a stock (SSE) hnswlib build
 * bit for bit: four lane accumulators over a vectorised prefix, combined as {@code ((l0+l1)+l2)+l3}, then
 * a scalar tail added last. The prefix follows hnswlib's choice by dimension: all of it when
 * {@code dim % 4 == 0}; the largest multiple of 16 when {@code dim > 16}; of 4 when {@code dim > 4};
 * nothing (plain scalar loop) below that.
 *
 * <p>With this kernel a single-threaded seeded build writes the same bytes as hnswlib.
 */
final class SseOrderKernel implements DistanceKernel {
  static final SseOrderKernel INSTANCE = new SseOrderKernel();

  private SseOrderKernel() {}

  @Override
  public String name() {
    return "sse";
  }

  /** The length of the prefix that hnswlib sums in four lanes. */
  static int vectorPrefix(int dim) {
    if (dim % 4 == 0) {
      return dim;
    }
    if (dim > 16) {
      return dim & ~15;
    }
    if (dim > 4) {
      return dim & ~3;
    }
    return 0;
  }

  @Override
  public float squareDistance(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dim) {
    int prefix = vectorPrefix(dim);
    if (prefix == 0) {
      return ScalarKernel.squareDistance(a, aOffset, b, bOffset, 0, dim);
    }
    float l0 = 0f, l1 = 0f, l2 = 0f, l3 = 0f;
    for (int i = 0; i < prefix; i += 4) {
      long ao = aOffset + 4L * i, bo = bOffset + 4L * i;
      float d0 = a.get(JAVA_FLOAT_UNALIGNED, ao) - b.get(JAVA_FLOAT_UNALIGNED, bo);
      float d1 = a.get(JAVA_FLOAT_UNALIGNED, ao + 4) - b.get(JAVA_FLOAT_UNALIGNED, bo + 4);
      float d2 = a.get(JAVA_FLOAT_UNALIGNED, ao + 8) - b.get(JAVA_FLOAT_UNALIGNED, bo + 8);
      float d3 = a.get(JAVA_FLOAT_UNALIGNED, ao + 12) - b.get(JAVA_FLOAT_UNALIGNED, bo + 12);
      l0 += d0 * d0;
      l1 += d1 * d1;
      l2 += d2 * d2;
      l3 += d3 * d3;
    }
    float sum = ((l0 + l1) + l2) + l3;
    if (prefix == dim) {
      return sum;
    }
    return sum + ScalarKernel.squareDistance(a, aOffset, b, bOffset, prefix, dim);
  }

  @Override
  public float dotProduct(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dim) {
    int prefix = vectorPrefix(dim);
    if (prefix == 0) {
      return ScalarKernel.dotProduct(a, aOffset, b, bOffset, 0, dim);
    }
    float l0 = 0f, l1 = 0f, l2 = 0f, l3 = 0f;
    for (int i = 0; i < prefix; i += 4) {
      long ao = aOffset + 4L * i, bo = bOffset + 4L * i;
      l0 += a.get(JAVA_FLOAT_UNALIGNED, ao) * b.get(JAVA_FLOAT_UNALIGNED, bo);
      l1 += a.get(JAVA_FLOAT_UNALIGNED, ao + 4) * b.get(JAVA_FLOAT_UNALIGNED, bo + 4);
      l2 += a.get(JAVA_FLOAT_UNALIGNED, ao + 8) * b.get(JAVA_FLOAT_UNALIGNED, bo + 8);
      l3 += a.get(JAVA_FLOAT_UNALIGNED, ao + 12) * b.get(JAVA_FLOAT_UNALIGNED, bo + 12);
    }
    float sum = ((l0 + l1) + l2) + l3;
    if (prefix == dim) {
      return sum;
    }
    return sum + ScalarKernel.dotProduct(a, aOffset, b, bOffset, prefix, dim);
  }
}
