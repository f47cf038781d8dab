package io.hnswj;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongPredicate;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;

/**
 * An HNSW index (Malkov and Yashunin, "Efficient and robust approximate nearest neighbor search using
 * Hierarchical Navigable Small World graphs") that behaves as hnswlib's {@code HierarchicalNSW}: same
 * levels for the same seed, same neighbour heuristic, same distances, same file format.
 *
 * <h2>Names</h2>
 *
 * <table>
 *   <caption>Our names, the paper's and hnswlib's</caption>
 *   <tr><th>here</th><th>paper</th><th>hnswlib</th></tr>
 *   <tr><td>{@code m}</td><td>M</td><td>{@code M} (links per node on upper levels; 2M on level 0)</td></tr>
 *   <tr><td>{@code efConstruction}</td><td>efConstruction</td><td>{@code ef_construction}</td></tr>
 *   <tr><td>{@code ef}</td><td>ef</td><td>{@code ef} (query beam width; {@code max(ef, k)} is used)</td></tr>
 *   <tr><td>level multiplier {@code 1/ln(M)}</td><td>m<sub>L</sub></td><td>{@code mult_}</td></tr>
 *   <tr><td>{@code capacity}</td><td>-</td><td>{@code max_elements}</td></tr>
 *   <tr><td>{@code size}</td><td>-</td><td>{@code element_count} (deleted included)</td></tr>
 *   <tr><td>label</td><td>-</td><td>{@code labeltype} (caller's 64-bit id)</td></tr>
 * </table>
 *
 * <h2>Thread safety</h2>
 *
 * All methods are thread-safe. Unlike hnswlib, adding, updating, deleting and searching may run at the
 * same time from different threads: searches see a consistent graph (every returned label was present
 * and not deleted when it was examined). {@link #resize}, {@link #save}, {@link #writeTo} and
 * {@link #close} wait for running operations and block new ones while they run. Batch methods use
 * {@code numThreads} worker threads of a shared pool ({@code <= 0}: all cores; batches of at most
 * {@code 4 × numThreads} rows run on the calling thread, as in hnswlib).
 *
 * <p>Memory: vectors and level-0 links live off-heap in hnswlib's record layout, allocated lazily up to
 * the capacity and released by {@link #close()}.
 */
public final class HnswIndex implements AutoCloseable {
  public static final int DEFAULT_M = 16;
  public static final int DEFAULT_EF_CONSTRUCTION = 200;
  public static final int DEFAULT_EF = 10;
  public static final long DEFAULT_RANDOM_SEED = 100;
  /** hnswlib caps M here (CVE-2023-37365); larger values are refused. */
  public static final int MAX_M = 10_000;
  /** Internal ids are non-negative ints. */
  public static final long MAX_CAPACITY = Integer.MAX_VALUE - 8;

  private static final int LABEL_LOCK_STRIPES = 4096;

  private final Space space;
  private final int dim;
  private final int m;
  private final int efConstruction;
  private final long randomSeed;
  private final boolean allowReplaceDeleted;
  private final VectorDistance distance;
  private final HnswGraph graph;
  private final GraphInserter inserter;
  private final GraphSearcher searcher;
  private final LevelGenerator levels;
  private final double levelMultiplier;
  private final ScratchPool scratches;

  private final ReentrantReadWriteLock structureLock = new ReentrantReadWriteLock();
  private final ReentrantLock labelLookupLock = new ReentrantLock();
  private final ReentrantLock globalLock = new ReentrantLock();
  private final Object[] labelLocks = new Object[LABEL_LOCK_STRIPES];
  private final LabelMap labels;
  private final VacantSlots vacant = new VacantSlots();
  private final AtomicInteger elementCount = new AtomicInteger();
  private final AtomicLong deletedCount = new AtomicLong();
  private volatile int ef = DEFAULT_EF;
  private volatile boolean closed;

  HnswIndex(
      Space space,
      int dim,
      int m,
      int efConstruction,
      long capacity,
      long randomSeed,
      boolean allowReplaceDeleted,
      DistanceKernel kernel,
      double levelMultiplier) {
    this.space = Objects.requireNonNull(space, "space");
    this.dim = dim;
    this.m = m;
    this.efConstruction = efConstruction;
    this.randomSeed = randomSeed;
    this.allowReplaceDeleted = allowReplaceDeleted;
    this.distance = new VectorDistance(space, kernel, dim);
    this.graph = new HnswGraph(dim, m, (int) capacity);
    this.inserter = new GraphInserter(graph, distance, m, efConstruction);
    this.searcher = new GraphSearcher(graph, distance);
    this.levelMultiplier = levelMultiplier;
    this.levels = new LevelGenerator(randomSeed, levelMultiplier);
    this.scratches = new ScratchPool(dim);
    this.labels = new LabelMap(16);
    for (int i = 0; i < labelLocks.length; i++) {
      labelLocks[i] = new Object();
    }
  }

  /** Starts an index of {@code dim}-dimensional vectors in {@code space}. */
  public static Builder builder(Space space, int dim) {
    return new Builder(space, dim);
  }

  /** Parameters of a new index, with hnswlib's defaults. */
  public static final class Builder {
    private final Space space;
    private final int dim;
    private long maxElements;
    private int m = DEFAULT_M;
    private int efConstruction = DEFAULT_EF_CONSTRUCTION;
    private long randomSeed = DEFAULT_RANDOM_SEED;
    private boolean allowReplaceDeleted;
    private DistanceKernel kernel;

    private Builder(Space space, int dim) {
      this.space = Objects.requireNonNull(space, "space");
      if (dim <= 0) {
        throw new IllegalArgumentException("dim must be positive, got " + dim);
      }
      this.dim = dim;
    }

    /** The capacity ({@code max_elements}); grow it later with {@link HnswIndex#resize}. */
    public Builder maxElements(long maxElements) {
      this.maxElements = maxElements;
      return this;
    }

    /** Links per node on upper levels (2M on level 0); default 16. */
    public Builder m(int m) {
      this.m = m;
      return this;
    }

    /** Beam width while building; raised to at least M; default 200. */
    public Builder efConstruction(int efConstruction) {
      this.efConstruction = efConstruction;
      return this;
    }

    /** Seed of the level generator; default 100. */
    public Builder randomSeed(long randomSeed) {
      this.randomSeed = randomSeed;
      return this;
    }

    /** Lets {@code add(..., replaceDeleted=true)} reuse the slots of deleted elements. */
    public Builder allowReplaceDeleted(boolean allowReplaceDeleted) {
      this.allowReplaceDeleted = allowReplaceDeleted;
      return this;
    }

    /** Overrides {@link Kernels#active()} for this index (tests and benchmarks). */
    public Builder kernel(DistanceKernel kernel) {
      this.kernel = kernel;
      return this;
    }

    public HnswIndex build() {
      checkCapacity(maxElements);
      if (m < 2 || m > MAX_M) {
        throw new IllegalArgumentException("M must be between 2 and " + MAX_M + ", got " + m);
      }
      if (efConstruction < 0) {
        throw new IllegalArgumentException("ef_construction must not be negative, got " + efConstruction);
      }
      return new HnswIndex(
          space,
          dim,
          m,
          Math.max(efConstruction, m),
          maxElements,
          randomSeed,
          allowReplaceDeleted,
          kernel != null ? kernel : Kernels.active(),
          LevelGenerator.levelMultiplier(m));
    }
  }

  static void checkCapacity(long capacity) {
    if (capacity < 0 || capacity > MAX_CAPACITY) {
      throw new IllegalArgumentException(
          "max_elements must be between 0 and " + MAX_CAPACITY + ", got " + capacity);
    }
  }

  // ---------------------------------------------------------------- properties

  public Space space() {
    return space;
  }

  public int dim() {
    return dim;
  }

  public long capacity() {
    return graph.capacity();
  }

  /** Slots in use, deleted elements included (hnswlib's {@code element_count}). */
  public long size() {
    return elementCount.get();
  }

  public long deletedCount() {
    return deletedCount.get();
  }

  public int m() {
    return m;
  }

  /** The build beam width, after {@code max(efConstruction, M)}. */
  public int efConstruction() {
    return efConstruction;
  }

  public int ef() {
    return ef;
  }

  /** The query beam width; searches use {@code max(ef, k)}. */
  public void setEf(int ef) {
    if (ef < 0) {
      throw new IllegalArgumentException("ef must not be negative, got " + ef);
    }
    this.ef = ef;
  }

  public boolean allowReplaceDeleted() {
    return allowReplaceDeleted;
  }

  public long randomSeed() {
    return randomSeed;
  }

  /** The level multiplier {@code 1/ln(M)} (hnswlib's {@code mult_}; kept from the file when loaded). */
  public double levelMultiplier() {
    return levelMultiplier;
  }

  /** The distance kernel this index computes with. */
  public DistanceKernel kernel() {
    return distance.kernel();
  }

  /** Query work since the index was made or {@link #resetSearchStats()} was called. */
  public SearchStats searchStats() {
    return scratches.stats();
  }

  public void resetSearchStats() {
    scratches.resetStats();
  }

  // ---------------------------------------------------------------- adding

  /** Inserts a vector under {@code label}, or updates it in place if the label exists. */
  public void add(float[] vector, long label) {
    add(vector, label, false);
  }

  /**
   * Inserts or updates; with {@code replaceDeleted} the slot of a deleted element is reused when there
   * is one (requires {@link Builder#allowReplaceDeleted}).
   */
  public void add(float[] vector, long label, boolean replaceDeleted) {
    checkLength(vector.length);
    addBatch(MemorySegment.ofArray(vector), 1, MemorySegment.ofArray(new long[] {label}), 1, replaceDeleted);
  }

  /** Adds {@code vectors[i]} under {@code labels[i]} on {@code numThreads} threads. */
  public void add(float[][] vectors, long[] labels, int numThreads) {
    if (vectors.length != labels.length) {
      throw new IllegalArgumentException(
          "got " + vectors.length + " vectors but " + labels.length + " labels");
    }
    float[] flat = new float[Math.multiplyExact(vectors.length, dim)];
    for (int i = 0; i < vectors.length; i++) {
      checkLength(vectors[i].length);
      System.arraycopy(vectors[i], 0, flat, i * dim, dim);
    }
    add(flat, vectors.length, labels, numThreads);
  }

  /** Adds {@code rows} vectors stored row after row in {@code flat}. */
  public void add(float[] flat, int rows, long[] labels, int numThreads) {
    if ((long) rows * dim != flat.length || labels.length != rows) {
      throw new IllegalArgumentException(
          "expected " + rows + " × " + dim + " floats and " + rows + " labels, got "
              + flat.length + " floats and " + labels.length + " labels");
    }
    addBatch(MemorySegment.ofArray(flat), rows, MemorySegment.ofArray(labels), numThreads, false);
  }

  /**
   * Adds {@code rows} vectors of {@code dim} little-endian floats with labels of 8 little-endian bytes.
   * Rows inserted before a failure stay inserted (as in hnswlib).
   */
  public void addBatch(
      MemorySegment vectors, long rows, MemorySegment labelsIn, int numThreads, boolean replaceDeleted) {
    checkRows(vectors, labelsIn, rows);
    if (replaceDeleted && !allowReplaceDeleted) {
      throw new IllegalStateException("Replacement of deleted elements is disabled in constructor");
    }
    readLock();
    try {
      long start = 0;
      if (rows > 0 && elementCount.get() == 0) {
        // hnswlib inserts a fresh index's first row alone, so that it becomes the entry point
        addRow(vectors, labelsIn, 0, replaceDeleted);
        start = 1;
      }
      int threads = ParallelRows.effectiveThreads(numThreads, rows);
      ParallelRows.run(start, rows, threads, row -> addRow(vectors, labelsIn, row, replaceDeleted));
    } finally {
      structureLock.readLock().unlock();
    }
  }

  private void addRow(MemorySegment vectors, MemorySegment labelsIn, long row, boolean replaceDeleted) {
    long label = labelsIn.getAtIndex(JAVA_LONG_UNALIGNED, row);
    Scratch scratch = scratches.acquire(elementCount.get(), efConstruction);
    try {
      VectorDistance.copyVector(vectors, row * 4L * dim, scratch.vector, 0, dim, space.normalizes());
      addPoint(scratch, label, replaceDeleted);
    } finally {
      scratches.release(scratch);
    }
  }

  private Object labelLock(long label) {
    return labelLocks[(int) (label & (LABEL_LOCK_STRIPES - 1))];
  }

  // hnswlib's addPoint(data, label, replace_deleted), except for a label already in the index: hnswlib
  // then moves it to a vacant slot and leaves its old slot behind still holding the label (listed twice,
  // returned twice, and still returned after mark_deleted of the label); here it stays in its own slot,
  // updated in place (revived first if it was deleted).
  private void addPoint(Scratch scratch, long label, boolean replaceDeleted) {
    synchronized (labelLock(label)) {
      if (replaceDeleted && updateInPlace(scratch, label)) {
        return;
      }
      int slot = replaceDeleted ? vacant.take() : -1;
      if (slot < 0) {
        addOrUpdate(scratch, label);
        return;
      }
      long replacedLabel = graph.label(slot);
      graph.setLabel(slot, label);
      labelLookupLock.lock();
      try {
        if (labels.get(replacedLabel) == slot) {  // the replaced label may have moved on meanwhile
          labels.remove(replacedLabel);
        }
        labels.put(label, slot);
      } finally {
        labelLookupLock.unlock();
      }
      unmarkDeletedInternal(slot);
      updatePoint(scratch, slot);
    }
  }

  // replace_deleted of a label already in the index (the caller holds its label lock): updates its own
  // slot, reviving it if it is deleted and still vacant; false if the label is absent (or its deleted
  // slot was just taken by another replacement), so the caller takes a vacancy.
  private boolean updateInPlace(Scratch scratch, long label) {
    int existing;
    labelLookupLock.lock();
    try {
      existing = labels.get(label);
    } finally {
      labelLookupLock.unlock();
    }
    if (existing < 0) {
      return false;
    }
    if (graph.isDeleted(existing)) {
      if (!vacant.remove(existing)) {
        return false;
      }
      unmarkDeletedInternal(existing);
    }
    updatePoint(scratch, existing);
    return true;
  }

  // hnswlib's addPoint(data, label, level = -1)
  private void addOrUpdate(Scratch scratch, long label) {
    int existing;
    int node = -1;
    labelLookupLock.lock();
    try {
      existing = labels.get(label);
      if (existing >= 0) {
        if (allowReplaceDeleted && graph.isDeleted(existing)) {
          throw new IllegalStateException(
              "Can't use addPoint to update deleted elements if replacement of deleted elements is enabled.");
        }
      } else {
        if (elementCount.get() >= graph.capacity()) {
          throw new IllegalStateException("The number of elements exceeds the specified limit");
        }
        node = elementCount.get();
        graph.prepare(node);
        graph.setLabel(node, label);  // before the count: labels() reads every counted slot's label
        labels.put(label, node);
        elementCount.set(node + 1);
      }
    } finally {
      labelLookupLock.unlock();
    }
    if (existing >= 0) {
      if (graph.isDeleted(existing)) {
        unmarkDeletedInternal(existing);
      }
      updatePoint(scratch, existing);
    } else {
      insertNew(scratch, node, label);
    }
  }

  private void insertNew(Scratch scratch, int node, long label) {
    NodeLocks locks = graph.locks;
    locks.lock(node);
    try {
      int level;
      synchronized (levels) {
        level = levels.nextLevel();
      }
      globalLock.lock();
      boolean holdsGlobal = true;
      try {
        HnswGraph.EntryPoint entry = graph.entryPoint();
        int topLevel = entry == null ? -1 : entry.level();
        if (level <= topLevel) {
          globalLock.unlock();
          holdsGlobal = false;
        }
        graph.resetNode(node, level);
        graph.setLabel(node, label);
        MemorySegment.copy(scratch.vector, 0, graph.level0(), graph.vectorAt(node), 4L * dim);
        if (entry != null) {
          inserter.link(scratch, node, level, entry, deletedCount.get() > 0);
        }
        if (level > topLevel) {
          graph.setEntryPoint(new HnswGraph.EntryPoint(node, level));
        }
      } finally {
        if (holdsGlobal) {
          globalLock.unlock();
        }
      }
    } finally {
      locks.unlock(node);
    }
  }

  private void updatePoint(Scratch scratch, int node) {
    MemorySegment.copy(scratch.vector, 0, graph.level0(), graph.vectorAt(node), 4L * dim);
    inserter.update(scratch, node, graph.entryPoint(), elementCount.get());
  }

  // ---------------------------------------------------------------- searching

  /** The {@code k} nearest neighbours of {@code query}, nearest first (fewer if the index has fewer). */
  public SearchResult search(float[] query, int k) {
    return search(query, k, null);
  }

  /** As {@link #search(float[], int)}, returning only labels the filter accepts. */
  public SearchResult search(float[] query, int k, LongPredicate filter) {
    checkLength(query.length);
    checkK(k);
    readLock();
    Scratch scratch = scratches.acquire(elementCount.get(), Math.max(ef, k));
    try {
      VectorDistance.copyVector(MemorySegment.ofArray(query), 0, scratch.vector, 0, dim, space.normalizes());
      int found = searcher.search(scratch, k, ef, deletedCount.get() > 0, filter);
      long[] resultLabels = new long[found];
      float[] resultDistances = new float[found];
      drainSorted(scratch.top, resultLabels, resultDistances);
      return new SearchResult(resultLabels, resultDistances);
    } finally {
      scratches.release(scratch);
      structureLock.readLock().unlock();
    }
  }

  /** Searches every row of {@code queries}; each result may hold fewer than {@code k}. */
  public SearchResult[] search(float[][] queries, int k, int numThreads) {
    SearchResult[] results = new SearchResult[queries.length];
    int threads = ParallelRows.effectiveThreads(numThreads, queries.length);
    ParallelRows.run(0, queries.length, threads, row -> results[(int) row] = search(queries[(int) row], k));
    return results;
  }

  /**
   * Searches {@code rows} queries of {@code dim} little-endian floats and writes {@code rows × k}
   * labels (8 bytes each) and distances (4 bytes each), row-major, nearest first.
   *
   * @throws NotEnoughResultsException if some query has fewer than {@code k} results
   */
  public void searchBatch(
      MemorySegment queries,
      long rows,
      int k,
      int numThreads,
      LongPredicate filter,
      MemorySegment labelsOut,
      MemorySegment distancesOut) {
    checkK(k);
    checkSize(queries, rows * dim * 4L, "queries");
    checkSize(labelsOut, rows * k * 8L, "labelsOut");
    checkSize(distancesOut, rows * k * 4L, "distancesOut");
    readLock();
    try {
      int threads = ParallelRows.effectiveThreads(numThreads, rows);
      ParallelRows.run(0, rows, threads, row -> {
        Scratch scratch = scratches.acquire(elementCount.get(), Math.max(ef, k));
        try {
          VectorDistance.copyVector(queries, row * 4L * dim, scratch.vector, 0, dim, space.normalizes());
          int found = searcher.search(scratch, k, ef, deletedCount.get() > 0, filter);
          if (found != k) {
            throw new NotEnoughResultsException();
          }
          ResultOrder.drainInto(scratch.top, graph, labelsOut, distancesOut, row * k, scratch);
        } finally {
          scratches.release(scratch);
        }
      });
    } finally {
      structureLock.readLock().unlock();
    }
  }

  /**
   * Adds the rows of an Arrow float matrix ({@code FixedSizeListVector} of {@code Float4Vector}) under
   * the given labels, reading the Arrow buffers in place.
   */
  public void add(FixedSizeListVector vectors, FieldVector labelsIn, int numThreads) {
    if (vectors.getValueCount() != labelsIn.getValueCount()) {
      throw new IllegalArgumentException(
          "got " + vectors.getValueCount() + " vectors but " + labelsIn.getValueCount() + " labels");
    }
    addBatch(ArrowVectors.floats(vectors, dim), vectors.getValueCount(), ArrowVectors.labels(labelsIn), numThreads, false);
  }

  /**
   * Searches the rows of an Arrow float matrix; results are Arrow matrices allocated from
   * {@code allocator}, written in place.
   *
   * @throws NotEnoughResultsException if some query has fewer than {@code k} results
   */
  public ArrowVectors.SearchResults search(
      FixedSizeListVector queries, int k, int numThreads, LongPredicate filter, BufferAllocator allocator) {
    checkK(k);
    int rows = queries.getValueCount();
    MemorySegment in = ArrowVectors.floats(queries, dim);
    FixedSizeListVector outLabels = ArrowVectors.newLongMatrix(allocator, "labels", rows, k);
    FixedSizeListVector outDistances = ArrowVectors.newFloatMatrix(allocator, "distances", rows, k);
    try {
      searchBatch(in, rows, k, numThreads, filter,
          ArrowVectors.view(((FieldVector) outLabels.getDataVector()).getDataBuffer(), rows * k * 8L),
          ArrowVectors.view(((FieldVector) outDistances.getDataVector()).getDataBuffer(), rows * k * 4L));
      return new ArrowVectors.SearchResults(outLabels, outDistances);
    } catch (RuntimeException e) {
      outLabels.close();
      outDistances.close();
      throw e;
    }
  }

  private void drainSorted(StdHeap top, long[] outLabels, float[] outDistances) {
    int n = top.size();
    for (int i = 0; i < n; i++) {
      outLabels[i] = graph.label(top.idAt(i));
      outDistances[i] = top.keyAt(i);
    }
    ResultOrder.sort(outLabels, outDistances, n);
    top.clear();
  }

  // ---------------------------------------------------------------- deleting and reading

  /** Marks the element deleted: it is never returned, but still routes searches and keeps its slot. */
  public void markDeleted(long label) {
    readLock();
    try {
      synchronized (labelLock(label)) {
        markDeletedInternal(internalId(label));
      }
    } finally {
      structureLock.readLock().unlock();
    }
  }

  /** Reverses {@link #markDeleted}. */
  public void unmarkDeleted(long label) {
    readLock();
    try {
      synchronized (labelLock(label)) {
        unmarkDeletedInternal(internalId(label));
      }
    } finally {
      structureLock.readLock().unlock();
    }
  }

  private int internalId(long label) {
    labelLookupLock.lock();
    try {
      int node = labels.get(label);
      if (node < 0) {
        throw new IllegalArgumentException("Label not found");
      }
      return node;
    } finally {
      labelLookupLock.unlock();
    }
  }

  private void markDeletedInternal(int node) {
    if (graph.isDeleted(node)) {
      throw new IllegalStateException("The requested to delete element is already deleted");
    }
    graph.setDeleted(node, true);
    deletedCount.incrementAndGet();
    if (allowReplaceDeleted) {
      vacant.add(node);
    }
  }

  private void unmarkDeletedInternal(int node) {
    if (!graph.isDeleted(node)) {
      throw new IllegalStateException("The requested to undelete element is not deleted");
    }
    graph.setDeleted(node, false);
    deletedCount.decrementAndGet();
    if (allowReplaceDeleted) {
      vacant.remove(node);
    }
  }

  /** Whether the label is in the index (deleted or not). */
  public boolean contains(long label) {
    readLock();
    try {
      labelLookupLock.lock();
      try {
        return labels.get(label) >= 0;
      } finally {
        labelLookupLock.unlock();
      }
    } finally {
      structureLock.readLock().unlock();
    }
  }

  /** Whether the label is marked deleted. */
  public boolean isDeleted(long label) {
    readLock();
    try {
      return graph.isDeleted(internalId(label));
    } finally {
      structureLock.readLock().unlock();
    }
  }

  /**
   * The stored vector (normalised for cosine).
   *
   * @throws IllegalArgumentException "Label not found" for unknown or deleted labels
   */
  public float[] getVector(long label) {
    float[] out = new float[dim];
    getVectors(MemorySegment.ofArray(new long[] {label}), 1, MemorySegment.ofArray(out));
    return out;
  }

  /** Writes the vectors of {@code n} labels (8 bytes each) into {@code out} ({@code n × dim} floats). */
  public void getVectors(MemorySegment labelsIn, long n, MemorySegment out) {
    checkSize(labelsIn, n * 8L, "labels");
    checkSize(out, n * dim * 4L, "out");
    readLock();
    try {
      for (long i = 0; i < n; i++) {
        long label = labelsIn.getAtIndex(JAVA_LONG_UNALIGNED, i);
        synchronized (labelLock(label)) {
          int node = internalId(label);
          if (graph.isDeleted(node)) {
            throw new IllegalArgumentException("Label not found");
          }
          MemorySegment.copy(graph.level0(), graph.vectorAt(node), out, i * dim * 4L, dim * 4L);
        }
      }
    } finally {
      structureLock.readLock().unlock();
    }
  }

  /** Every label in the index, deleted ones included, in slot order. */
  public long[] labels() {
    readLock();
    try {
      int n = elementCount.get();
      long[] result = new long[n];
      for (int i = 0; i < n; i++) {
        result[i] = graph.label(i);
      }
      return result;
    } finally {
      structureLock.readLock().unlock();
    }
  }

  /**
   * Changes the capacity.
   *
   * @throws IllegalArgumentException if it is below the current element count
   */
  public void resize(long newCapacity) {
    checkCapacity(newCapacity);
    writeLock();
    try {
      if (newCapacity < elementCount.get()) {
        throw new IllegalArgumentException(
            "Cannot resize, max element is less than the current number of elements");
      }
      graph.grow((int) newCapacity, elementCount.get());
    } finally {
      structureLock.writeLock().unlock();
    }
  }

  // ---------------------------------------------------------------- persistence

  /** The exact byte size {@link #save} writes (hnswlib's {@code index_file_size()}). */
  public long serializedSize() {
    readLock();
    try {
      return HnswFormat.serializedSize(graph, elementCount.get());
    } finally {
      structureLock.readLock().unlock();
    }
  }

  /**
   * Saves in hnswlib's format. Writes a temporary file beside {@code path} and renames it over
   * {@code path} only when complete, so a failure never destroys a previous file.
   */
  public void save(Path path) throws IOException {
    AtomicFiles.write(path, this::writeTo);
  }

  /** Writes the index in hnswlib's format. */
  public void writeTo(WritableByteChannel out) throws IOException {
    writeLock();
    try {
      HnswFormat.write(this, graph, elementCount.get(), out);
    } finally {
      structureLock.writeLock().unlock();
    }
  }

  /**
   * Loads a file saved by hnswlib or by {@link #save}. The new capacity is {@code maxElements} if that
   * is at least the stored count, else the file's. {@code ef} starts at 10, as in hnswlib.
   *
   * @throws java.nio.file.NoSuchFileException if there is no file
   * @throws IndexFormatException if the file is truncated, corrupt or of another dimension
   */
  public static HnswIndex load(
      Path path, Space space, int dim, long maxElements, boolean allowReplaceDeleted) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      return read(channel, channel.size(), space, dim, maxElements, allowReplaceDeleted);
    }
  }

  /** Reads {@code size} bytes of hnswlib's format; see {@link #load}. The level generator starts at seed 1 as hnswlib's. */
  public static HnswIndex read(
      ReadableByteChannel in, long size, Space space, int dim, long maxElements, boolean allowReplaceDeleted)
      throws IOException {
    return read(in, size, space, dim, maxElements, allowReplaceDeleted, 1, Kernels.active());
  }

  /** As {@link #read(ReadableByteChannel, long, Space, int, long, boolean)} with a level seed and kernel. */
  public static HnswIndex read(
      ReadableByteChannel in,
      long size,
      Space space,
      int dim,
      long maxElements,
      boolean allowReplaceDeleted,
      long randomSeed,
      DistanceKernel kernel)
      throws IOException {
    return HnswFormat.read(in, size, space, dim, maxElements, allowReplaceDeleted, randomSeed, kernel);
  }

  /** Called by {@link HnswFormat} once the graph is read: rebuilds labels and deletion state. */
  void restore(int count, HnswGraph.EntryPoint entry) {
    elementCount.set(count);
    graph.setEntryPoint(entry);
    labelLookupLock.lock();
    try {
      for (int i = 0; i < count; i++) {
        labels.put(graph.label(i), i);
        if (graph.isDeleted(i)) {
          deletedCount.incrementAndGet();
          if (allowReplaceDeleted) {
            vacant.add(i);
          }
        }
      }
    } finally {
      labelLookupLock.unlock();
    }
  }

  HnswGraph graph() {
    return graph;
  }

  /** Releases the off-heap memory; later calls throw {@link IllegalStateException}. Idempotent. */
  @Override
  public void close() {
    structureLock.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        graph.close();
      }
    } finally {
      structureLock.writeLock().unlock();
    }
  }

  public boolean isClosed() {
    return closed;
  }

  @Override
  public String toString() {
    return "HnswIndex[space=" + space.pythonName() + ", dim=" + dim + ", M=" + m
        + ", efConstruction=" + efConstruction + ", size=" + size() + ", capacity=" + capacity() + "]";
  }

  // ---------------------------------------------------------------- checks

  private void readLock() {
    structureLock.readLock().lock();
    if (closed) {
      structureLock.readLock().unlock();
      throw new IllegalStateException("Index is closed");
    }
  }

  private void writeLock() {
    structureLock.writeLock().lock();
    if (closed) {
      structureLock.writeLock().unlock();
      throw new IllegalStateException("Index is closed");
    }
  }

  private void checkLength(int length) {
    if (length != dim) {
      throw new IllegalArgumentException("Wrong dimensionality of the vectors: expected " + dim + ", got " + length);
    }
  }

  private static void checkK(int k) {
    if (k < 0) {
      throw new IllegalArgumentException("k must not be negative, got " + k);
    }
  }

  private void checkRows(MemorySegment vectors, MemorySegment labelsIn, long rows) {
    if (rows < 0) {
      throw new IllegalArgumentException("rows must not be negative, got " + rows);
    }
    checkSize(vectors, rows * dim * 4L, "vectors");
    checkSize(labelsIn, rows * 8L, "labels");
  }

  static void checkSize(MemorySegment segment, long needed, String what) {
    Objects.requireNonNull(segment, what);
    if (segment.byteSize() < needed) {
      throw new IllegalArgumentException(
          what + " holds " + segment.byteSize() + " bytes, " + needed + " needed");
    }
  }
}
