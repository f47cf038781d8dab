package io.hnswj;

import java.lang.foreign.MemorySegment;

/**
 * The two float32 reductions every space is built from, over {@code dim} floats stored little-endian at
 * byte offsets of two memory segments. Implementations differ only in summation order (and so in the
 * last bits of the result) and in speed; {@link Kernels} picks one at run time.
 *
 * <p>Implementations are stateless and thread-safe.
 */
public interface DistanceKernel {

  /** A short name: {@code panama}, {@code sse} or {@code scalar}. */
  String name();

  /** {@code Σ (a_i - b_i)²}. */
  float squareDistance(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dim);

  /** {@code Σ a_i b_i}. */
  float dotProduct(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dim);

  /**
   * {@link #squareDistance} from the vector at {@code a + aOffset} to {@code count} vectors of {@code base}
   * at the byte offsets {@code offsets[0..count)}, into {@code out}. Each result equals the single call's
   * bit for bit; a kernel overrides this to stream several vectors at once, which keeps more memory
   * requests in flight (hnswlib gets that from {@code _mm_prefetch}) and loads the query once for all.
   */
  default void squareDistances(
      MemorySegment a, long aOffset, MemorySegment base, long[] offsets, int count, int dim, float[] out) {
    for (int i = 0; i < count; i++) {
      out[i] = squareDistance(a, aOffset, base, offsets[i], dim);
    }
  }

  /** {@link #dotProduct} to many vectors, as {@link #squareDistances}. */
  default void dotProducts(
      MemorySegment a, long aOffset, MemorySegment base, long[] offsets, int count, int dim, float[] out) {
    for (int i = 0; i < count; i++) {
      out[i] = dotProduct(a, aOffset, base, offsets[i], dim);
    }
  }
}
