package io.hnswj.python;

import io.hnswj.ArrowVectors;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.ForeignAllocation;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * numpy arrays as Java sees them. Under GraalPy, numpy keeps its data in native memory; the Python side
 * passes an array's data address and byte length (it keeps the array alive for the call), and this class
 * views that memory without copying: as a {@link MemorySegment}, or as an Arrow
 * {@code FixedSizeListVector} of {@code Float4Vector} whose data buffer is the numpy memory itself.
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
   * allocator) when the call ends; the numpy memory itself is never freed by Arrow.
   */
  static FixedSizeListVector floatMatrix(BufferAllocator allocator, long address, int rows, int dim) {
    long bytes = 4L * rows * dim;
    FixedSizeListVector matrix = FixedSizeListVector.empty("vectors", dim, allocator);
    matrix.addOrGetVector(FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)));
    if (rows == 0) {
      matrix.setValueCount(0);
      return matrix;
    }
    ArrowBuf data = allocator.wrapForeignAllocation(new ForeignAllocation(bytes, address) {
      @Override
      protected void release0() {
        // numpy owns this memory
      }
    });
    ArrowBuf noValidity = allocator.getEmpty();
    try {
      // a null count of 0 lets Arrow build all-valid validity bitmaps itself
      matrix.loadFieldBuffers(new ArrowFieldNode(rows, 0), List.of(noValidity));
      ((org.apache.arrow.vector.FieldVector) matrix.getDataVector())
          .loadFieldBuffers(new ArrowFieldNode((long) rows * dim, 0), List.of(noValidity, data));
    } finally {
      data.close();
    }
    return matrix;
  }

  /** The matrix's data as the engine reads it (the same memory). */
  static MemorySegment floats(FixedSizeListVector matrix, int dim) {
    return ArrowVectors.floats(matrix, dim);
  }
}
