package io.hnswj.bench;

import io.hnswj.HnswIndex;
import io.hnswj.Kernels;
import io.hnswj.NativeMemory;
import io.hnswj.SearchResult;
import io.hnswj.SearchStats;
import io.hnswj.Space;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * Our engine ({@link HnswIndex}, docs/engine-api.md) on a bench workload, measured by {@link Driver}
 * exactly as the Lucene anchor and as bench/cpp/hnswlib_driver.cpp measures hnswlib.
 *
 * <ul>
 *   <li>Build: one {@link HnswIndex#addBatch} over all rows (labels 0..n-1) with {@code build-threads}
 *       threads, seed 100 as hnswlib's default; with {@code --index FILE}, {@link HnswIndex#load} of a
 *       saved index instead (for instance the C++ driver's {@code --save}: the same graph for both);
 *       {@code --save FILE} keeps the built index there (hnswlib's format), as the C++ driver's does.
 *   <li>Single query: {@link HnswIndex#search(float[], int)} per query on the calling thread.
 *   <li>Batch: one {@link HnswIndex#searchBatch} over all queries with T threads (the GraalPy bridge's
 *       path for {@code knn_query}).
 *   <li>Distance evaluations, hops and the share of tied searches: {@link HnswIndex#searchStats()}
 *       over one 1-thread pass.
 *   <li>Memory: the engine's own accounting, {@link NativeMemory#allocatedBytes()} (vectors, links) plus
 *       the heap grown by the build after a full GC (label map, upper levels if on heap).
 *   <li>Disk: {@link HnswIndex#serializedSize()} (hnswlib's file format, same bytes as hnswlib's).
 * </ul>
 *
 * Kernel: {@code -Dhnswj.kernel=panama|sse|scalar} (default panama); the engine name gets the kernel as
 * a suffix so several kernels can be compared in one run.
 */
public final class HnswjBench extends Driver {
  private HnswIndex index;
  private Arena arena;
  private MemorySegment queries;
  private long memory;

  public static void main(String[] args) throws Exception {
    new HnswjBench().run(args, "hnswj-java-" + Kernels.active().name());
  }

  @Override
  protected void build(int threads) throws Exception {
    float[][] base = workload.base();
    int n = base.length;
    float[] flat = Workload.flatten(base);
    long[] labels = new long[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i;
    }
    arena = Arena.ofShared();
    queries = arena.allocate(4L * workload.queries().length * workload.dim(), 64);
    MemorySegment.copy(Workload.flatten(workload.queries()), 0, queries, ValueLayout.JAVA_FLOAT, 0,
        workload.queries().length * workload.dim());
    long heap0 = Line.heapUsedAfterGc();
    long native0 = NativeMemory.allocatedBytes();
    long t0 = System.nanoTime();
    Space space = Space.fromName(options.get("space"));
    if (options.get("index") != null) {
      index = HnswIndex.load(Path.of(options.get("index")), space, workload.dim(), n, false);
    } else {
      index = HnswIndex.builder(space, workload.dim()).maxElements(n)
          .m(options.integer("m")).efConstruction(options.integer("efc")).randomSeed(100).build();
      index.addBatch(MemorySegment.ofArray(flat), n, MemorySegment.ofArray(labels), threads, false);
    }
    buildNanos = System.nanoTime() - t0;
    long nativeBytes = NativeMemory.allocatedBytes() - native0;
    // the input arrays stay reachable until the heap is measured again: only the index's growth counts
    long heapBytes = Line.heapUsedAfterGc() - heap0;
    java.lang.ref.Reference.reachabilityFence(flat);
    java.lang.ref.Reference.reachabilityFence(labels);
    memory = nativeBytes + Math.max(0, heapBytes);
  }

  /** The build alone (the driver's clock also covers the memory accounting's GCs). */
  private long buildNanos;

  @Override
  protected double buildSeconds(double measured) {
    return buildNanos / 1e9;
  }

  @Override
  protected void setEf(int ef) {
    index.setEf(ef);
  }

  @Override
  protected void searchOne(int q, int k, long[] labels, float[] distances) {
    SearchResult r = index.search(workload.queries()[q], k);
    if (r.labels().length != k) {
      throw new IllegalStateException("engine returned " + r.labels().length + " < k hits");
    }
    System.arraycopy(r.labels(), 0, labels, q * k, k);
    System.arraycopy(r.distances(), 0, distances, q * k, k);
  }

  private MemorySegment labelsOut;
  private MemorySegment distancesOut;

  @Override
  protected void searchBatch(int k, int threads, long[] labels, float[] distances) {
    int nq = workload.queries().length;
    if (labelsOut == null || labelsOut.byteSize() != 8L * nq * k) {
      labelsOut = arena.allocate(8L * nq * k, 8);
      distancesOut = arena.allocate(4L * nq * k, 4);
    }
    index.searchBatch(queries, nq, k, threads, null, labelsOut, distancesOut);
    MemorySegment.copy(labelsOut, ValueLayout.JAVA_LONG, 0, labels, 0, nq * k);
    MemorySegment.copy(distancesOut, ValueLayout.JAVA_FLOAT, 0, distances, 0, nq * k);
  }

  @Override
  protected void resetStats() {
    index.resetSearchStats();
  }

  @Override
  protected Double[] stats() {
    SearchStats s = index.searchStats();
    return s.queries() == 0 ? new Double[] {null, null, null}
        : new Double[] {s.distancesPerQuery(), s.hopsPerQuery(), s.tiedShare()};
  }

  @Override
  protected double memoryBytes() {
    return memory;
  }

  @Override
  protected String memorySource() {
    return "engine NativeMemory + heap delta";
  }

  @Override
  protected double diskBytes(Path tmp) throws java.io.IOException {
    // --save here, after the build's clocks and memory accounting, where the C++ driver saves too
    if (options.get("save") != null) {
      index.save(Path.of(options.get("save")));
    }
    return index.serializedSize();
  }

  @Override
  protected String impl() {
    return "hnswj HnswIndex, kernel " + index.kernel().name() + " (" + Kernels.selectionReason() + "), JDK "
        + Runtime.version();
  }
}
