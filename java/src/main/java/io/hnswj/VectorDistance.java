package io.hnswj;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import java.lang.foreign.MemorySegment;

/** A {@link Space}'s distance over one {@link DistanceKernel} and dimension: what the graph calls. */
final class VectorDistance {
  private final DistanceKernel kernel;
  private final boolean innerProduct;
  private final int dim;

  VectorDistance(Space space, DistanceKernel kernel, int dim) {
    this.kernel = kernel;
    this.innerProduct = space.usesInnerProduct();
    this.dim = dim;
  }

  DistanceKernel kernel() {
    return kernel;
  }

  float between(MemorySegment a, long aOffset, MemorySegment b, long bOffset) {
    return innerProduct
        ? 1f - kernel.dotProduct(a, aOffset, b, bOffset, dim)
        : kernel.squareDistance(a, aOffset, b, bOffset, dim);
  }

  /**
   * The distances from the vector at {@code a + aOffset} to the {@code count} vectors of {@code base} at
   * {@code offsets}, into {@code out}: the same values as {@link #between}, computed several at a time.
   */
  void betweenAll(MemorySegment a, long aOffset, MemorySegment base, long[] offsets, int count, float[] out) {
    if (innerProduct) {
      kernel.dotProducts(a, aOffset, base, offsets, count, dim, out);
      for (int i = 0; i < count; i++) {
        out[i] = 1f - out[i];
      }
    } else {
      kernel.squareDistances(a, aOffset, base, offsets, count, dim, out);
    }
  }

  /**
   * Copies {@code dim} floats, normalised with hnswlib's float32 formula
   * {@code x_i * (1 / (sqrt(Σ x²) + 1e-30))} (sum in index order), or unchanged when {@code normalize}
   * is false.
   */
  static void copyVector(
      MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, int dim, boolean normalize) {
    if (!normalize) {
      MemorySegment.copy(src, srcOffset, dst, dstOffset, 4L * dim);
      return;
    }
    float norm = 0f;
    for (int i = 0; i < dim; i++) {
      float x = src.get(JAVA_FLOAT_UNALIGNED, srcOffset + 4L * i);
      norm += x * x;
    }
    float scale = 1.0f / ((float) Math.sqrt(norm) + 1e-30f);
    for (int i = 0; i < dim; i++) {
      dst.set(JAVA_FLOAT_UNALIGNED, dstOffset + 4L * i, src.get(JAVA_FLOAT_UNALIGNED, srcOffset + 4L * i) * scale);
    }
  }
}
