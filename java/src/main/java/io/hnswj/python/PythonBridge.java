package io.hnswj.python;

import io.hnswj.BruteForceIndex;
import io.hnswj.HnswIndex;
import io.hnswj.Space;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.LongPredicate;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;

/**
 * The Java half of the {@code hnswlib} module for GraalPy ({@code python/hnswlib/_bridge.py} is the
 * other). Static methods with distinct names and primitive or string arguments only: GraalPy's
 * overload resolution gives unhelpful errors, so nothing here is overloaded.
 *
 * <p>Bulk data crosses as the addresses of numpy arrays that the Python side owns and keeps alive for
 * the call: vectors are viewed in place as Arrow matrices (no copy), results are written straight into
 * numpy's memory (no per-element work in Python).
 */
public final class PythonBridge {
  private PythonBridge() {}

  // ---------------------------------------------------------------- Index

  public static HnswIndex createIndex(
      String space, int dim, long maxElements, int m, int efConstruction, long seed, boolean allowReplaceDeleted) {
    return HnswIndex.builder(Space.fromName(space), dim)
        .maxElements(maxElements)
        .m(m)
        .efConstruction(efConstruction)
        .randomSeed(seed)
        .allowReplaceDeleted(allowReplaceDeleted)
        .build();
  }

  /** Adds {@code rows} float32 rows at {@code dataAddress} with uint64 ids at {@code idsAddress}. */
  public static void addItems(
      HnswIndex index, long dataAddress, int rows, long idsAddress, int numThreads, boolean replaceDeleted) {
    try (BufferAllocator allocator = NumpyMemory.ROOT.newChildAllocator("add_items", 0, Long.MAX_VALUE);
        FixedSizeListVector vectors = NumpyMemory.floatMatrix(allocator, dataAddress, rows, index.dim())) {
      index.addBatch(NumpyMemory.floats(vectors, index.dim()), rows,
          NumpyMemory.segment(idsAddress, 8L * rows), numThreads, replaceDeleted);
    }
  }

  /** Searches {@code rows} queries; writes {@code rows × k} uint64 labels and float32 distances. */
  public static void knnQuery(
      HnswIndex index, long queryAddress, int rows, int k, int numThreads, LongPredicate filter,
      long labelsAddress, long distancesAddress) {
    try (BufferAllocator allocator = NumpyMemory.ROOT.newChildAllocator("knn_query", 0, Long.MAX_VALUE);
        FixedSizeListVector queries = NumpyMemory.floatMatrix(allocator, queryAddress, rows, index.dim())) {
      index.searchBatch(NumpyMemory.floats(queries, index.dim()), rows, k, filter == null ? numThreads : 1, filter,
          NumpyMemory.segment(labelsAddress, 8L * rows * k), NumpyMemory.segment(distancesAddress, 4L * rows * k));
    }
  }

  /** Writes the vectors of {@code n} uint64 labels into a float32 {@code n × dim} array. */
  public static void getItems(HnswIndex index, long idsAddress, int n, long outAddress) {
    index.getVectors(NumpyMemory.segment(idsAddress, 8L * n), n, NumpyMemory.segment(outAddress, 4L * n * index.dim()));
  }

  /** Copies every label (deleted included) into a uint64 array of {@code index.size()} elements. */
  public static void copyLabels(HnswIndex index, long outAddress, long n) {
    long[] labels = index.labels();
    if (labels.length != n) {
      throw new IllegalStateException("the index changed size while its labels were read");
    }
    MemorySegment.copy(labels, 0, NumpyMemory.segment(outAddress, 8L * n), ValueLayout.JAVA_LONG_UNALIGNED, 0, labels.length);
  }

  public static void saveIndex(HnswIndex index, String path) throws IOException {
    index.save(Path.of(path));
  }

  public static HnswIndex loadIndex(String path, String space, int dim, long maxElements, boolean allowReplaceDeleted)
      throws IOException {
    try {
      return HnswIndex.load(Path.of(path), Space.fromName(space), dim, maxElements, allowReplaceDeleted);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("Cannot open file", e);
    }
  }

  /** Writes the index in hnswlib's file format into {@code bytes} bytes at {@code address}. */
  public static void serializeInto(HnswIndex index, long address, long bytes) throws IOException {
    index.writeTo(new SegmentWriter(NumpyMemory.segment(address, bytes)));
  }

  /** Reads an index from hnswlib's file format at {@code address} (a pickle's bytes). */
  public static HnswIndex deserialize(
      long address, long bytes, String space, int dim, long maxElements, boolean allowReplaceDeleted, long seed)
      throws IOException {
    return HnswIndex.read(new SegmentReader(NumpyMemory.segment(address, bytes)), bytes, Space.fromName(space), dim,
        maxElements, allowReplaceDeleted, seed, io.hnswj.Kernels.active());
  }

  // ---------------------------------------------------------------- BFIndex

  public static BruteForceIndex createBruteForce(String space, int dim, long maxElements) {
    return BruteForceIndex.create(Space.fromName(space), dim, maxElements);
  }

  public static void bruteForceAdd(BruteForceIndex index, long dataAddress, int rows, long idsAddress) {
    try (BufferAllocator allocator = NumpyMemory.ROOT.newChildAllocator("add_items", 0, Long.MAX_VALUE);
        FixedSizeListVector vectors = NumpyMemory.floatMatrix(allocator, dataAddress, rows, index.dim())) {
      index.addBatch(NumpyMemory.floats(vectors, index.dim()), rows, NumpyMemory.segment(idsAddress, 8L * rows));
    }
  }

  public static void bruteForceQuery(
      BruteForceIndex index, long queryAddress, int rows, int k, int numThreads, LongPredicate filter,
      long labelsAddress, long distancesAddress) {
    try (BufferAllocator allocator = NumpyMemory.ROOT.newChildAllocator("knn_query", 0, Long.MAX_VALUE);
        FixedSizeListVector queries = NumpyMemory.floatMatrix(allocator, queryAddress, rows, index.dim())) {
      index.searchBatch(NumpyMemory.floats(queries, index.dim()), rows, k, filter == null ? numThreads : 1, filter,
          NumpyMemory.segment(labelsAddress, 8L * rows * k), NumpyMemory.segment(distancesAddress, 4L * rows * k));
    }
  }

  public static void bruteForceSave(BruteForceIndex index, String path) throws IOException {
    index.save(Path.of(path));
  }

  public static BruteForceIndex bruteForceLoad(String path, String space, int dim) throws IOException {
    try {
      return BruteForceIndex.load(Path.of(path), Space.fromName(space), dim);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("Cannot open file", e);
    }
  }

  // ---------------------------------------------------------------- errors

  /**
   * hnswlib's Python exception type for a Java exception: {@code "ValueError"} or
   * {@code "RuntimeError"}, and the message to raise it with.
   */
  public static String[] pythonError(Throwable t) {
    String message = t.getMessage() == null ? t.toString() : t.getMessage();
    if (t instanceof io.hnswj.IndexFormatException) {
      message = io.hnswj.IndexFormatException.HNSWLIB_MESSAGE;
    }
    return new String[] {"RuntimeError", message};
  }

  /** A channel writing into a memory segment. */
  private static final class SegmentWriter implements WritableByteChannel {
    private final MemorySegment target;
    private long position;

    SegmentWriter(MemorySegment target) {
      this.target = target;
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
      int n = source.remaining();
      if (position + n > target.byteSize()) {
        throw new IOException("serialized index larger than its buffer");
      }
      MemorySegment.copy(MemorySegment.ofBuffer(source), 0, target, position, n);
      source.position(source.limit());
      position += n;
      return n;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }

  /** A channel reading from a memory segment. */
  private static final class SegmentReader implements ReadableByteChannel {
    private final MemorySegment source;
    private long position;

    SegmentReader(MemorySegment source) {
      this.source = source;
    }

    @Override
    public int read(ByteBuffer target) {
      long left = source.byteSize() - position;
      if (left <= 0) {
        return -1;
      }
      int n = (int) Math.min(left, target.remaining());
      MemorySegment.copy(source, position, MemorySegment.ofBuffer(target), 0, n);
      target.position(target.position() + n);
      position += n;
      return n;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }
}
