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
}
