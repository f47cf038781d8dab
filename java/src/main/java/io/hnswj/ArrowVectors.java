package io.hnswj;

import java.lang.foreign.MemorySegment;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * Arrow matrices as the engine sees them: a {@code FixedSizeListVector} of {@code Float4Vector} (or of
 * {@code BigIntVector} for labels) is one contiguous row-major block in its child's data buffer, which
 * the engine reads and writes in place through a {@link MemorySegment} view, without copying.
 */
public final class ArrowVectors {
  private ArrowVectors() {}

  /**
   * A view of the rows of a float matrix.
   *
   * @throws IllegalArgumentException if it is not {@code dim} wide, not of float32, or has null rows
   */
  public static MemorySegment floats(FixedSizeListVector matrix, int dim) {
    if (matrix.getListSize() != dim) {
      throw new IllegalArgumentException("Wrong dimensionality of the vectors: expected " + dim + ", got " + matrix.getListSize());
    }
    if (!(matrix.getDataVector() instanceof Float4Vector values)) {
      throw new IllegalArgumentException("expected a FixedSizeListVector of Float4Vector, got " + matrix.getDataVector().getClass().getSimpleName());
    }
    if (matrix.getNullCount() != 0) {
      throw new IllegalArgumentException("the matrix has " + matrix.getNullCount() + " null rows");
    }
    return view(values.getDataBuffer(), (long) matrix.getValueCount() * dim * 4);
  }

  /** A view of 64-bit labels ({@code BigIntVector} or {@code UInt8Vector}). */
  public static MemorySegment labels(FieldVector labels) {
    if (!(labels instanceof BigIntVector) && !(labels instanceof UInt8Vector)) {
      throw new IllegalArgumentException("labels must be a BigIntVector or UInt8Vector, got " + labels.getClass().getSimpleName());
    }
    if (labels.getNullCount() != 0) {
      throw new IllegalArgumentException("labels contain " + labels.getNullCount() + " nulls");
    }
    return view(labels.getDataBuffer(), (long) labels.getValueCount() * 8);
  }

  /** A zero-copy view of the first {@code bytes} bytes of an Arrow buffer. */
  public static MemorySegment view(ArrowBuf buffer, long bytes) {
    if (buffer.capacity() < bytes) {
      throw new IllegalArgumentException("the buffer holds " + buffer.capacity() + " bytes, " + bytes + " needed");
    }
    return bytes == 0 ? MemorySegment.NULL : MemorySegment.ofAddress(buffer.memoryAddress()).reinterpret(bytes);
  }

  /** A new {@code rows × cols} float matrix, all rows set (not null), values zero. */
  public static FixedSizeListVector newFloatMatrix(BufferAllocator allocator, String name, int rows, int cols) {
    FixedSizeListVector matrix = FixedSizeListVector.empty(name, cols, allocator);
    matrix.addOrGetVector(FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)));
    fill(matrix, rows, cols);
    return matrix;
  }

  /** A new {@code rows × cols} matrix of 64-bit signed integers (labels). */
  public static FixedSizeListVector newLongMatrix(BufferAllocator allocator, String name, int rows, int cols) {
    FixedSizeListVector matrix = FixedSizeListVector.empty(name, cols, allocator);
    matrix.addOrGetVector(FieldType.notNullable(new ArrowType.Int(64, true)));
    fill(matrix, rows, cols);
    return matrix;
  }

  private static void fill(FixedSizeListVector matrix, int rows, int cols) {
    matrix.setInitialCapacity(rows);
    matrix.allocateNew();
    FieldVector values = (FieldVector) matrix.getDataVector();
    int count = Math.multiplyExact(rows, cols);
    for (int i = 0; i < rows; i++) {
      matrix.setNotNull(i);
    }
    // the child's validity bits must be set too, or its getters report nulls
    ArrowBuf validity = values.getValidityBuffer();
    validity.setOne(0, (count + 7) / 8);
    values.setValueCount(count);
    matrix.setValueCount(rows);
  }

  /** The labels and distances of a batch search, {@code rows × k} each; close both when done. */
  public record SearchResults(FixedSizeListVector labels, FixedSizeListVector distances) implements AutoCloseable {
    @Override
    public void close() {
      labels.close();
      distances.close();
    }

    /** The label at row {@code row}, column {@code i}. */
    public long label(int row, int i) {
      return ((BigIntVector) labels.getDataVector()).get(row * labels.getListSize() + i);
    }

    public float distance(int row, int i) {
      return ((Float4Vector) distances.getDataVector()).get(row * distances.getListSize() + i);
    }
  }
}
