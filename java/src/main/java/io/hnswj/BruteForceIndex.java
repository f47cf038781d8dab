package io.hnswj;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongPredicate;

/**
 * Exact search over every stored vector, as hnswlib's {@code BruteforceSearch} ({@code hnswlib.BFIndex}):
 * for exact answers and recall tests. Results are the {@code k} smallest by (distance, label).
 *
 * <p>File format: {@code u64 max_elements | u64 size_per_element (4·dim + 8) | u64 cur_element_count |
 * max_elements records of [dim × f32 vector | u64 label]} (slots beyond the count are zeros here,
 * uninitialised memory in hnswlib).
 *
 * <p>Thread-safe: searches run in parallel with each other; adds and deletes are serialised with
 * searches by a read-write lock.
 */
public final class BruteForceIndex implements AutoCloseable {
  private static final int HEADER_BYTES = 24;

  private final Space space;
  private final int dim;
  private final long recordBytes;
  private final VectorDistance distance;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final LabelMap labels = new LabelMap(16);
  private final ScratchPool scratches;
  private NativeMemory.Block block;
  private int capacity;
  private int count;
  private boolean closed;

  private BruteForceIndex(Space space, int dim, long capacity, DistanceKernel kernel) {
    this.space = Objects.requireNonNull(space, "space");
    if (dim <= 0) {
      throw new IllegalArgumentException("dim must be positive, got " + dim);
    }
    HnswIndex.checkCapacity(capacity);
    this.dim = dim;
    this.recordBytes = 4L * dim + 8;
    this.distance = new VectorDistance(space, kernel, dim);
    this.capacity = (int) capacity;
    this.block = NativeMemory.allocateZeroed(recordBytes * capacity);
    this.scratches = new ScratchPool(dim);
  }

  /** An empty index for {@code maxElements} vectors. */
  public static BruteForceIndex create(Space space, int dim, long maxElements) {
    return new BruteForceIndex(space, dim, maxElements, Kernels.active());
  }

  /** As {@link #create} with a chosen kernel. */
  public static BruteForceIndex create(Space space, int dim, long maxElements, DistanceKernel kernel) {
    return new BruteForceIndex(space, dim, maxElements, kernel);
  }

  public Space space() {
    return space;
  }

  public int dim() {
    return dim;
  }

  public long capacity() {
    return capacity;
  }

  public long size() {
    lock.readLock().lock();
    try {
      return count;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Stores a vector under {@code label}; an existing label is overwritten. */
  public void add(float[] vector, long label) {
    if (vector.length != dim) {
      throw new IllegalArgumentException("Wrong dimensionality of the vectors: expected " + dim + ", got " + vector.length);
    }
    addBatch(MemorySegment.ofArray(vector), 1, MemorySegment.ofArray(new long[] {label}));
  }

  /** Stores {@code rows} vectors with their labels (little-endian floats and 8-byte labels). */
  public void addBatch(MemorySegment vectors, long rows, MemorySegment labelsIn) {
    HnswIndex.checkSize(vectors, rows * dim * 4L, "vectors");
    HnswIndex.checkSize(labelsIn, rows * 8L, "labels");
    writeLock();
    try {
      MemorySegment data = block.segment();
      for (long row = 0; row < rows; row++) {
        long label = labelsIn.getAtIndex(JAVA_LONG_UNALIGNED, row);
        int slot = labels.get(label);
        if (slot < 0) {
          if (count >= capacity) {
            throw new IllegalStateException("The number of elements exceeds the specified limit\n");
          }
          slot = count++;
          labels.put(label, slot);
        }
        VectorDistance.copyVector(vectors, row * dim * 4L, data, slot * recordBytes, dim, space.normalizes());
        data.set(JAVA_LONG_UNALIGNED, slot * recordBytes + 4L * dim, label);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Removes a label by moving the last vector into its slot; an unknown label is ignored (hnswlib). */
  public void delete(long label) {
    writeLock();
    try {
      int slot = labels.get(label);
      if (slot < 0) {
        return;
      }
      labels.remove(label);
      int last = count - 1;
      if (slot != last) {
        MemorySegment data = block.segment();
        MemorySegment.copy(data, last * recordBytes, data, slot * recordBytes, recordBytes);
        labels.put(data.get(JAVA_LONG_UNALIGNED, slot * recordBytes + 4L * dim), slot);
      }
      count = last;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** The exact {@code k} nearest (fewer if fewer are stored or accepted by the filter). */
  public SearchResult search(float[] query, int k, LongPredicate filter) {
    if (query.length != dim) {
      throw new IllegalArgumentException("Wrong dimensionality of the vectors: expected " + dim + ", got " + query.length);
    }
    long[] outLabels = new long[k];
    float[] outDistances = new float[k];
    readLock();
    Scratch scratch = scratches.acquire(1, k);
    try {
      VectorDistance.copyVector(MemorySegment.ofArray(query), 0, scratch.vector, 0, dim, space.normalizes());
      int found = searchInto(scratch, k, filter, outLabels, outDistances);
      return new SearchResult(java.util.Arrays.copyOf(outLabels, found), java.util.Arrays.copyOf(outDistances, found));
    } finally {
      scratches.release(scratch);
      lock.readLock().unlock();
    }
  }

  /** Same contract as {@link HnswIndex#searchBatch}. */
  public void searchBatch(
      MemorySegment queries, long rows, int k, int numThreads, LongPredicate filter,
      MemorySegment labelsOut, MemorySegment distancesOut) {
    if (k < 0) {
      throw new IllegalArgumentException("k must not be negative, got " + k);
    }
    HnswIndex.checkSize(queries, rows * dim * 4L, "queries");
    HnswIndex.checkSize(labelsOut, rows * k * 8L, "labelsOut");
    HnswIndex.checkSize(distancesOut, rows * k * 4L, "distancesOut");
    readLock();
    try {
      int threads = ParallelRows.effectiveThreads(numThreads, rows);
      ParallelRows.run(0, rows, threads, row -> {
        Scratch scratch = scratches.acquire(1, k);
        long[] rowLabels = new long[k];
        float[] rowDistances = new float[k];
        try {
          VectorDistance.copyVector(queries, row * dim * 4L, scratch.vector, 0, dim, space.normalizes());
          if (searchInto(scratch, k, filter, rowLabels, rowDistances) != k) {
            throw new NotEnoughResultsException();
          }
          MemorySegment.copy(rowLabels, 0, labelsOut, JAVA_LONG_UNALIGNED, row * k * 8L, k);
          MemorySegment.copy(rowDistances, 0, distancesOut, java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, row * k * 4L, k);
        } finally {
          scratches.release(scratch);
        }
      });
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Keeps the k smallest (distance, label) pairs in a bounded max-heap, then sorts them. */
  private int searchInto(Scratch scratch, int k, LongPredicate filter, long[] outLabels, float[] outDistances) {
    if (k == 0) {
      return 0;
    }
    MemorySegment data = block.segment();
    int size = 0;
    for (int slot = 0; slot < count; slot++) {
      long offset = slot * recordBytes;
      float d = distance.between(scratch.vector, 0, data, offset);
      if (size == k && d > outDistances[0]) {
        continue;
      }
      long label = data.get(JAVA_LONG_UNALIGNED, offset + 4L * dim);
      if (size == k && !ResultOrder.before(d, label, outDistances[0], outLabels[0])) {
        continue;
      }
      if (filter != null && !filter.test(label)) {
        continue;
      }
      if (size < k) {
        siftUp(outLabels, outDistances, size++, d, label);
      } else {
        siftDown(outLabels, outDistances, k, d, label);
      }
    }
    ResultOrder.sort(outLabels, outDistances, size);
    return size;
  }

  // a max-heap by (distance, label) at the front of the output arrays
  private static void siftUp(long[] labels, float[] distances, int hole, float d, long label) {
    while (hole > 0) {
      int parent = (hole - 1) / 2;
      if (!ResultOrder.before(distances[parent], labels[parent], d, label)) {
        break;
      }
      labels[hole] = labels[parent];
      distances[hole] = distances[parent];
      hole = parent;
    }
    labels[hole] = label;
    distances[hole] = d;
  }

  private static void siftDown(long[] labels, float[] distances, int size, float d, long label) {
    int hole = 0;
    while (true) {
      int child = 2 * hole + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && ResultOrder.before(distances[child], labels[child], distances[child + 1], labels[child + 1])) {
        child++;
      }
      if (!ResultOrder.before(d, label, distances[child], labels[child])) {
        break;
      }
      labels[hole] = labels[child];
      distances[hole] = distances[child];
      hole = child;
    }
    labels[hole] = label;
    distances[hole] = d;
  }

  // ---------------------------------------------------------------- persistence

  public long serializedSize() {
    return HEADER_BYTES + capacity * recordBytes;
  }

  /** Saves atomically (temporary file + rename). */
  public void save(Path path) throws IOException {
    AtomicFiles.write(path, this::writeTo);
  }

  public void writeTo(WritableByteChannel out) throws IOException {
    readLock();
    try {
      ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      header.putLong(capacity).putLong(recordBytes).putLong(count).flip();
      while (header.hasRemaining()) {
        out.write(header);
      }
      long total = capacity * recordBytes;
      MemorySegment data = block.segment();
      for (long at = 0; at < total; at += 1 << 20) {
        ByteBuffer slice = data.asSlice(at, Math.min(1 << 20, total - at)).asByteBuffer();
        while (slice.hasRemaining()) {
          out.write(slice);
        }
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  public static BruteForceIndex load(Path path, Space space, int dim) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      return read(channel, channel.size(), space, dim);
    }
  }

  /** Reads hnswlib's BFIndex format, validating sizes first; rebuilds the label map (hnswlib does not). */
  public static BruteForceIndex read(ReadableByteChannel in, long size, Space space, int dim) throws IOException {
    HnswFormat.require(size >= HEADER_BYTES, "the file has " + size + " bytes, less than the 24-byte header");
    ByteBuffer header = HnswFormat.readExactly(in, HEADER_BYTES);
    long fileCapacity = header.getLong();
    long fileRecordBytes = header.getLong();
    long fileCount = header.getLong();
    long recordBytes = 4L * dim + 8;
    HnswFormat.require(fileRecordBytes == recordBytes,
        "size_per_element is " + fileRecordBytes + ", expected " + recordBytes + " for dimension " + dim);
    HnswFormat.require(fileCapacity >= 0 && fileCapacity <= HnswIndex.MAX_CAPACITY, "max_elements is " + fileCapacity);
    HnswFormat.require(fileCount >= 0 && fileCount <= fileCapacity, "cur_element_count " + fileCount + " with max_elements " + fileCapacity);
    HnswFormat.require(size == HEADER_BYTES + fileCapacity * recordBytes,
        "the file has " + size + " bytes, expected " + (HEADER_BYTES + fileCapacity * recordBytes));
    BruteForceIndex index = new BruteForceIndex(space, dim, fileCapacity, Kernels.active());
    boolean ok = false;
    try {
      HnswFormat.readInto(in, index.block.segment(), fileCapacity * recordBytes);
      MemorySegment data = index.block.segment();
      for (int slot = 0; slot < fileCount; slot++) {
        index.labels.put(data.get(JAVA_LONG_UNALIGNED, slot * recordBytes + 4L * dim), slot);
      }
      index.count = (int) fileCount;
      ok = true;
      return index;
    } finally {
      if (!ok) {
        index.close();
      }
    }
  }

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        block.close();
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void readLock() {
    lock.readLock().lock();
    if (closed) {
      lock.readLock().unlock();
      throw new IllegalStateException("Index is closed");
    }
  }

  private void writeLock() {
    lock.writeLock().lock();
    if (closed) {
      lock.writeLock().unlock();
      throw new IllegalStateException("Index is closed");
    }
  }
}
