package io.hnswj.python;

import io.hnswj.BruteForceIndex;
import io.hnswj.DistanceKernel;
import io.hnswj.HnswIndex;
import io.hnswj.IndexFormatException;
import io.hnswj.Kernels;
import io.hnswj.Space;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * numpy's memory (no per-element work in Python). A {@code kernel} argument names a distance kernel
 * ({@code "panama"}, {@code "sse"}, {@code "scalar"}); the empty string means the process default
 * ({@link Kernels#active()}).
 *
 * <p>Thread safety: as the engine's. The methods hold no state of their own.
 */
public final class PythonBridge {
  private PythonBridge() {}

  // ---------------------------------------------------------------- Index

  /** A new index with the process's default kernel. */
  public static HnswIndex createIndex(
      String space, int dim, long maxElements, int m, int efConstruction, long seed, boolean allowReplaceDeleted) {
    return createIndexWithKernel(space, dim, maxElements, m, efConstruction, seed, allowReplaceDeleted, "");
  }

  /** A new index computing distances with the named kernel ({@code ""}: the default). */
  public static HnswIndex createIndexWithKernel(
      String space, int dim, long maxElements, int m, int efConstruction, long seed, boolean allowReplaceDeleted,
      String kernel) {
    return HnswIndex.builder(Space.fromName(space), dim)
        .maxElements(maxElements)
        .m(m)
        .efConstruction(efConstruction)
        .randomSeed(seed)
        .allowReplaceDeleted(allowReplaceDeleted)
        .kernel(kernel(kernel))
        .build();
  }

  /** Adds {@code rows} float32 rows at {@code dataAddress} with uint64 ids at {@code idsAddress}. */
  public static void addItems(
      HnswIndex index, long dataAddress, long rows, long idsAddress, int numThreads, boolean replaceDeleted) {
    try (BufferAllocator allocator = NumpyMemory.ROOT.newChildAllocator("add_items", 0, Long.MAX_VALUE);
        FixedSizeListVector vectors = NumpyMemory.floatMatrix(allocator, dataAddress, rows, index.dim())) {
      index.addBatch(NumpyMemory.floats(vectors, dataAddress, rows, index.dim()), rows,
          NumpyMemory.segment(idsAddress, 8L * rows), numThreads, replaceDeleted);
    }
  }

  /**
   * Searches {@code rows} queries; writes {@code rows × k} uint64 labels and float32 distances. With a
   * filter the search runs on the calling thread (the filter is Python code).
   */
  public static void knnQuery(
      HnswIndex index, long queryAddress, long rows, int k, int numThreads, LongPredicate filter,
      long labelsAddress, long distancesAddress) {
    try (BufferAllocator allocator = NumpyMemory.ROOT.newChildAllocator("knn_query", 0, Long.MAX_VALUE);
        FixedSizeListVector queries = NumpyMemory.floatMatrix(allocator, queryAddress, rows, index.dim())) {
      index.searchBatch(NumpyMemory.floats(queries, queryAddress, rows, index.dim()), rows, k,
          filter == null ? numThreads : 1, filter,
          NumpyMemory.segment(labelsAddress, 8L * rows * k), NumpyMemory.segment(distancesAddress, 4L * rows * k));
    }
  }

  /** Writes the vectors of {@code n} uint64 labels into a float32 {@code n × dim} array. */
  public static void getItems(HnswIndex index, long idsAddress, long n, long outAddress) {
    index.getVectors(NumpyMemory.segment(idsAddress, 8L * n), n, NumpyMemory.segment(outAddress, 4L * n * index.dim()));
  }

  /**
   * Copies one snapshot of every label (deleted included) into a uint64 array of room for {@code n} and
   * returns how many there are; copies nothing if they do not fit (another thread added meanwhile), so
   * the caller retries with more room.
   */
  public static long copyLabels(HnswIndex index, long outAddress, long n) {
    long[] labels = index.labels();
    if (labels.length <= n && labels.length > 0) {
      MemorySegment.copy(labels, 0, NumpyMemory.segment(outAddress, 8L * labels.length), ValueLayout.JAVA_LONG_UNALIGNED, 0, labels.length);
    }
    return labels.length;
  }

  /**
   * Saves in hnswlib's format; a path that cannot be written, or a failed write (a full disk), is an
   * error naming the file and the reason (hnswlib ignores the first and truncates the file on the second).
   */
  public static void saveIndex(HnswIndex index, String path) throws IOException {
    try {
      index.save(Path.of(path));
    } catch (IOException | InvalidPathException e) {
      throw saveFailure(path, e);
    }
  }

  /** Loads hnswlib's format with the default kernel; a missing file is "Cannot open file". */
  public static HnswIndex loadIndex(String path, String space, int dim, long maxElements, boolean allowReplaceDeleted)
      throws IOException {
    return loadIndexWithKernel(path, space, dim, maxElements, allowReplaceDeleted, "");
  }

  public static HnswIndex loadIndexWithKernel(
      String path, String space, int dim, long maxElements, boolean allowReplaceDeleted, String kernel)
      throws IOException {
    try (FileChannel channel = FileChannel.open(Path.of(path), StandardOpenOption.READ)) {
      // level generator seeded with 1: hnswlib's default-constructed std::default_random_engine
      return HnswIndex.read(channel, channel.size(), Space.fromName(space), dim, maxElements, allowReplaceDeleted,
          1, kernel(kernel));
    } catch (NoSuchFileException | AccessDeniedException e) {
      throw new IllegalArgumentException("Cannot open file", e);
    }
  }

  /** Writes the index in hnswlib's file format into {@code bytes} bytes at {@code address}. */
  public static void serializeInto(HnswIndex index, long address, long bytes) throws IOException {
    index.writeTo(new SegmentWriter(NumpyMemory.segment(address, bytes)));
  }

  /** Reads an index from hnswlib's file format at {@code address}, with the default kernel. */
  public static HnswIndex deserialize(
      long address, long bytes, String space, int dim, long maxElements, boolean allowReplaceDeleted, long seed)
      throws IOException {
    return HnswIndex.read(new SegmentReader(NumpyMemory.segment(address, bytes)), bytes, Space.fromName(space), dim,
        maxElements, allowReplaceDeleted, seed, Kernels.active());
  }

  /**
   * Splits the per-element part of a serialized index (hnswlib's file format, {@code blobBytes} at
   * {@code blobAddress} holding {@code count} elements of {@code sizeDataPerElement} bytes) into the
   * pickle's {@code element_levels} (int32, written for the first {@code count} elements) and
   * {@code link_lists} (the upper-level blocks concatenated, {@code linksBytes} bytes).
   */
  public static void splitUpperLevels(
      long blobAddress, long blobBytes, long count, long sizeDataPerElement, long sizeLinksPerElement,
      long levelsAddress, long linksAddress, long linksBytes) {
    MemorySegment blob = NumpyMemory.segment(blobAddress, blobBytes);
    MemorySegment levels = NumpyMemory.segment(levelsAddress, 4L * count);
    MemorySegment links = NumpyMemory.segment(linksAddress, linksBytes);
    long position = HEADER_BYTES + count * sizeDataPerElement;
    long linksPosition = 0;
    for (long i = 0; i < count; i++) {
      long length = Integer.toUnsignedLong(blob.get(ValueLayout.JAVA_INT_UNALIGNED, position));
      position += 4;
      levels.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i, (int) (length / sizeLinksPerElement));
      MemorySegment.copy(blob, position, links, linksPosition, length);
      position += length;
      linksPosition += length;
    }
    if (position != blobBytes || linksPosition != linksBytes) {
      throw new IllegalStateException("serialized index of unexpected layout");
    }
  }

  /**
   * Rebuilds an index from the parts of a pickle: the 96-byte header (built by the Python side from the
   * pickled fields), {@code data_level0}, {@code element_levels} (int32, at least {@code count}) and
   * {@code link_lists}, reassembled into hnswlib's file format and read as a file. The level generator
   * is seeded with {@code seed}, as hnswlib's unpickling does.
   *
   * @throws IndexFormatException if the parts do not form a valid index
   */
  public static HnswIndex readPickle(
      long headerAddress, long level0Address, long level0Bytes, long levelsAddress, long count, long linksAddress,
      long linksBytes, long sizeLinksPerElement, String space, int dim, long maxElements, boolean allowReplaceDeleted,
      long seed, String kernel) throws IOException {
    MemorySegment levels = NumpyMemory.segment(levelsAddress, 4L * count);
    MemorySegment links = NumpyMemory.segment(linksAddress, linksBytes);
    long total = HEADER_BYTES + level0Bytes + 4L * count + linksBytes;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment file = arena.allocate(total, 8);
      MemorySegment.copy(NumpyMemory.segment(headerAddress, HEADER_BYTES), 0, file, 0, HEADER_BYTES);
      MemorySegment.copy(NumpyMemory.segment(level0Address, level0Bytes), 0, file, HEADER_BYTES, level0Bytes);
      long position = HEADER_BYTES + level0Bytes;
      long linksPosition = 0;
      for (long i = 0; i < count; i++) {
        int level = levels.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
        long length = level > 0 ? level * sizeLinksPerElement : 0;
        if (linksPosition + length > linksBytes) {
          throw new IndexFormatException("link_lists holds " + linksBytes + " bytes, fewer than element_levels needs");
        }
        file.set(ValueLayout.JAVA_INT_UNALIGNED, position, (int) length);
        MemorySegment.copy(links, linksPosition, file, position + 4, length);
        position += 4 + length;
        linksPosition += length;
      }
      if (linksPosition != linksBytes) {
        throw new IndexFormatException("link_lists holds " + linksBytes + " bytes, element_levels needs " + linksPosition);
      }
      return HnswIndex.read(new SegmentReader(file), total, Space.fromName(space), dim, maxElements,
          allowReplaceDeleted, seed, kernel(kernel));
    }
  }

  // ---------------------------------------------------------------- BFIndex

  public static BruteForceIndex createBruteForce(String space, int dim, long maxElements) {
    return createBruteForceWithKernel(space, dim, maxElements, "");
  }

  public static BruteForceIndex createBruteForceWithKernel(String space, int dim, long maxElements, String kernel) {
    return BruteForceIndex.create(Space.fromName(space), dim, maxElements, kernel(kernel));
  }

  public static void bruteForceAdd(BruteForceIndex index, long dataAddress, long rows, long idsAddress) {
    try (BufferAllocator allocator = NumpyMemory.ROOT.newChildAllocator("add_items", 0, Long.MAX_VALUE);
        FixedSizeListVector vectors = NumpyMemory.floatMatrix(allocator, dataAddress, rows, index.dim())) {
      index.addBatch(NumpyMemory.floats(vectors, dataAddress, rows, index.dim()), rows,
          NumpyMemory.segment(idsAddress, 8L * rows));
    }
  }

  public static void bruteForceQuery(
      BruteForceIndex index, long queryAddress, long rows, int k, int numThreads, LongPredicate filter,
      long labelsAddress, long distancesAddress) {
    try (BufferAllocator allocator = NumpyMemory.ROOT.newChildAllocator("knn_query", 0, Long.MAX_VALUE);
        FixedSizeListVector queries = NumpyMemory.floatMatrix(allocator, queryAddress, rows, index.dim())) {
      index.searchBatch(NumpyMemory.floats(queries, queryAddress, rows, index.dim()), rows, k,
          filter == null ? numThreads : 1, filter,
          NumpyMemory.segment(labelsAddress, 8L * rows * k), NumpyMemory.segment(distancesAddress, 4L * rows * k));
    }
  }

  public static void bruteForceSave(BruteForceIndex index, String path) throws IOException {
    try {
      index.save(Path.of(path));
    } catch (IOException | InvalidPathException e) {
      throw saveFailure(path, e);
    }
  }

  // "Cannot open file X for writing: No such file or directory", "Cannot save the index to X: No space
  // left on device": the errno text, not the Java exception's name or the temporary file's path
  private static IOException saveFailure(String path, Exception e) {
    if (e instanceof NoSuchFileException) {
      return new IOException("Cannot open file " + path + " for writing: No such file or directory", e);
    }
    if (e instanceof AccessDeniedException) {
      return new IOException("Cannot open file " + path + " for writing: Permission denied", e);
    }
    String reason = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
    return new IOException("Cannot save the index to " + path + ": " + reason, e);
  }

  public static BruteForceIndex bruteForceLoad(String path, String space, int dim) throws IOException {
    try {
      return BruteForceIndex.load(Path.of(path), Space.fromName(space), dim);
    } catch (NoSuchFileException | AccessDeniedException e) {
      throw new IllegalArgumentException("Cannot open file", e);
    }
  }

  // ---------------------------------------------------------------- errors

  /**
   * hnswlib's Python exception type for a Java exception ({@code "RuntimeError"}, or
   * {@code "MemoryError"} where hnswlib's C++ would throw {@code std::bad_alloc}) and the message to
   * raise it with: the engine's messages are hnswlib's.
   */
  public static String[] pythonError(Throwable t) {
    if (t instanceof OutOfMemoryError) {
      return new String[] {"MemoryError", "std::bad_alloc"};
    }
    String message = t.getMessage() == null ? t.toString() : t.getMessage();
    if (t instanceof IndexFormatException) {
      message = IndexFormatException.HNSWLIB_MESSAGE;
    }
    return new String[] {"RuntimeError", message};
  }

  private static final long HEADER_BYTES = 96;

  private static DistanceKernel kernel(String name) {
    return name == null || name.isEmpty() ? Kernels.active() : Kernels.byName(name);
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
