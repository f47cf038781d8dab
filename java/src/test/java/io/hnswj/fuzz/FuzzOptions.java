package io.hnswj.fuzz;

import io.hnswj.Space;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The loader arguments a fuzz input chooses with its first byte; the rest of the input is the file.
 * One plain byte (not Jazzer's FuzzedDataProvider, which reads from the end) keeps the seeds real
 * index files with one byte in front, and lets libFuzzer mutate the arguments and the file alike.
 *
 * <pre>
 * bits 0-1  space: 0 l2, 1 ip, 2 cosine, 3 l2
 * bit  2    allow_replace_deleted
 * bits 3-4  max_elements: 0 (the file's capacity), 1, 64, 1000
 * bit  5    dim 4 instead of the dimension the header implies (exercises the dimension check)
 * </pre>
 */
record FuzzOptions(Space space, boolean allowReplaceDeleted, long maxElements, boolean fixedDim) {
  static final int DEFAULT_DIM = 4;
  /** Larger dimensions are not plausible for a few-KB input and are refused by the header checks anyway. */
  private static final long MAX_PLAUSIBLE_DIM = 4096;
  private static final long[] MAX_ELEMENTS = {0, 1, 64, 1000};

  static FuzzOptions decode(byte options) {
    Space space = Space.values()[(options & 3) % 3];
    boolean allowReplaceDeleted = (options & 4) != 0;
    long maxElements = MAX_ELEMENTS[(options >> 3) & 3];
    boolean fixedDim = (options & 0x20) != 0;
    return new FuzzOptions(space, allowReplaceDeleted, maxElements, fixedDim);
  }

  static byte encode(Space space, boolean allowReplaceDeleted, int maxElementsIndex, boolean fixedDim) {
    return (byte) (space.ordinal() | (allowReplaceDeleted ? 4 : 0) | maxElementsIndex << 3 | (fixedDim ? 0x20 : 0));
  }

  /** The dimension for an hnswlib index file: record = 4 + 4·maxM0 + 4·dim + 8, maxM0 at byte 64. */
  int hnswDim(byte[] file) {
    return dim(file, 24, 12 + 4 * headerLong(file, 64));
  }

  /** The dimension for a BFIndex file: record = 4·dim + 8, at byte 8. */
  int bruteForceDim(byte[] file) {
    return dim(file, 8, 8);
  }

  /** The dimension for pickle parts ({@link PickleInput}): maxM0 is derived from M at byte 72. */
  int pickleDim(byte[] parts) {
    return dim(parts, 24, 12 + 8 * headerLong(parts, 72));
  }

  /**
   * What the record size at {@code sizeField} implies (record = {@code fixedBytes} + 4·dim), so that
   * mutated files of any dimension get past the header, or {@link #DEFAULT_DIM}.
   */
  private int dim(byte[] file, int sizeField, long fixedBytes) {
    if (fixedDim) {
      return DEFAULT_DIM;
    }
    long dim = (headerLong(file, sizeField) - fixedBytes) / 4;
    return dim >= 1 && dim <= MAX_PLAUSIBLE_DIM ? (int) dim : DEFAULT_DIM;
  }

  /** A little-endian header field, or 0 if the file is too short to hold it. */
  private static long headerLong(byte[] file, int offset) {
    return file.length >= offset + 8 ? ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(offset) : 0;
  }
}
