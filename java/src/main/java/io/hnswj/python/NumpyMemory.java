package io.hnswj.python;

import io.hnswj.ArrowVectors;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.ForeignAllocation;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * numpy arrays as Java sees them. Under GraalPy, numpy keeps its data in native memory; the Python side
 * passes an array's data address and byte length (it keeps the array alive for the call), and this class
 * views that memory without copying: as a {@link MemorySegment}, or as an Arrow
 * {@code FixedSizeListVector} of {@code Float4Vector} whose data buffer is the numpy memory itself
 * (an Arrow "foreign allocation" that Arrow never frees).
 */
final class NumpyMemory {
  /** One allocator per process (Arrow's advice); children per call. */
  static final BufferAllocator ROOT = new RootAllocator();

  private NumpyMemory() {}

  static MemorySegment segment(long address, long bytes) {
    if (bytes == 0) {
      return MemorySegment.NULL;
    }
    if (address == 0 || bytes < 0) {
      throw new IllegalArgumentException("invalid buffer: address " + address + ", " + bytes + " bytes");
    }
    return MemorySegment.ofAddress(address).reinterpret(bytes);
  }

  /**
   * A {@code rows × dim} float32 matrix over numpy memory, without copying. Close it (and the
   * allocator) when the call ends; the numpy memory itself is never freed by Arrow. An Arrow vector
   * counts its values in an {@code int}: a larger matrix (over 2^31 floats) is left empty and
   * {@link #floats} then views the numpy memory directly.
   */
  static FixedSizeListVector floatMatrix(BufferAllocator allocator, long address, long rows, int dim) {
    long values = rows * dim;
    FixedSizeListVector matrix = FixedSizeListVector.empty("vectors", dim, allocator);
    matrix.addOrGetVector(FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)));
    if (rows == 0 || values > Integer.MAX_VALUE) {
      matrix.setValueCount(0);
      return matrix;
    }
    ArrowBuf data = allocator.wrapForeignAllocation(new ForeignAllocation(4L * values, address) {
      @Override
      protected void release0() {
        // numpy owns this memory
      }
    });
    ArrowBuf noValidity = allocator.getEmpty();
    try {
      // a null count of 0 lets Arrow treat every row and value as valid without a validity bitmap
      matrix.loadFieldBuffers(new ArrowFieldNode(rows, 0), List.of(noValidity));
      ((FieldVector) matrix.getDataVector()).loadFieldBuffers(new ArrowFieldNode(values, 0), List.of(noValidity, data));
    } finally {
      data.close();  // the vector holds its own reference
    }
    return matrix;
  }

  /** The matrix's data as the engine reads it: the numpy memory itself. */
  static MemorySegment floats(FixedSizeListVector matrix, long address, long rows, int dim) {
    if (rows == 0) {
      return MemorySegment.NULL;
    }
    if (matrix.getValueCount() != rows) {  // too large for an Arrow vector
      return segment(address, 4L * rows * dim);
    }
    return ArrowVectors.floats(matrix, dim);
  }
}
