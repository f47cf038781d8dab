package io.hnswj.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.lucene.codecs.hnsw.DefaultFlatVectorScorer;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TaskExecutor;
import org.apache.lucene.util.Version;
import org.apache.lucene.util.hnsw.HnswConcurrentMergeBuilder;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.OnHeapHnswGraph;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;

/**
 * The Lucene anchor: Lucene's own HNSW ({@code org.apache.lucene.util.hnsw}) over in-memory float
 * vectors, without an index or codec, so it is the graph code alone as our engine is.
 *
 * <ul>
 *   <li>Build: {@link HnswGraphBuilder} with {@code maxConn = M} (Lucene, like hnswlib, allows 2M on
 *       level 0) and {@code beamWidth = ef_construction}; with more than one thread Lucene's
 *       {@link HnswConcurrentMergeBuilder} (what segment merges use) on the same graph.
 *   <li>Search: {@link HnswGraphSearcher#search(RandomVectorScorer, int, OnHeapHnswGraph,
 *       org.apache.lucene.util.Bits, int)} (thread-safe on an on-heap graph) collecting {@code max(ef, k)}
 *       hits, of which the best k are kept: hnswlib's ef semantics ("fanout" in Lucene's KnnGraphTester).
 *   <li>Scores back to hnswlib distances: l2 uses {@code EUCLIDEAN}, score {@code 1 / (1 + d²)}, so
 *       {@code d² = 1/score - 1}; cosine normalises with hnswlib's float32 formula (inside the timed
 *       build and query) and uses {@code DOT_PRODUCT}, score {@code (1 + dot) / 2}, so
 *       {@code 1 - dot = 2 - 2·score}; ip is not mapped (Lucene clamps negative dot products).
 *   <li>Distance evaluations: the collector's visited count (every scored node, upper levels included).
 *   <li>Memory: {@link OnHeapHnswGraph#ramBytesUsed()} plus the vectors ({@code 4·dim + 16} bytes each).
 *       No file size: Lucene's on-disk format needs a codec and an index, outside this anchor.
 * </ul>
 *
 * <p>Needs {@code --add-modules jdk.incubator.vector} for Lucene's Panama vector scorer (Lucene logs
 * which implementation it uses at start-up).
 */
public final class LuceneHnswBench extends Driver {
  private VectorSimilarityFunction similarity;
  private boolean cosine;
  private FloatVectorValues vectors;
  private OnHeapHnswGraph graph;
  private int ef;

  public static void main(String[] args) throws Exception {
    new LuceneHnswBench().run(args, "lucene-" + Version.LATEST);
  }

  @Override
  protected void build(int threads) throws Exception {
    String space = options.get("space");
    cosine = space.equals("cosine");
    if (!cosine && !space.equals("l2")) {
      throw new IllegalArgumentException("the Lucene anchor maps l2 and cosine only, not " + space);
    }
    similarity = cosine ? VectorSimilarityFunction.DOT_PRODUCT : VectorSimilarityFunction.EUCLIDEAN;
    float[][] base = workload.base();
    List<float[]> rows = new ArrayList<>(base.length);
    for (float[] row : base) {
      rows.add(cosine ? Workload.normalised(row) : row);
    }
    vectors = FloatVectorValues.fromFloats(rows, workload.dim());
    RandomVectorScorerSupplier scorers =
        DefaultFlatVectorScorer.INSTANCE.getRandomVectorScorerSupplier(similarity, vectors);
    int m = options.integer("m");
    int beamWidth = options.integer("efc");
    HnswGraphBuilder.randSeed = 100;
    HnswGraphBuilder builder = HnswGraphBuilder.create(scorers, m, beamWidth, 100, base.length);
    if (threads <= 1) {
      graph = builder.build(base.length);
      return;
    }
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    try {
      graph = new HnswConcurrentMergeBuilder(new TaskExecutor(executor), threads, scorers, m, beamWidth,
          builder.getGraph(), null).build(base.length);
    } finally {
      executor.shutdown();
    }
  }

  @Override
  protected void setEf(int ef) {
    this.ef = ef;
  }

  private long visited;
  private long searches;

  @Override
  protected void searchOne(int q, int k, long[] labels, float[] distances) throws Exception {
    float[] query = workload.queries()[q];
    if (cosine) {
      query = Workload.normalised(query);
    }
    RandomVectorScorer scorer = DefaultFlatVectorScorer.INSTANCE.getRandomVectorScorer(similarity, vectors, query);
    KnnCollector collector =
        HnswGraphSearcher.search(scorer, Math.max(ef, k), graph, null, Integer.MAX_VALUE);
    ScoreDoc[] hits = collector.topDocs().scoreDocs;
    if (hits.length < k) {
      throw new IllegalStateException("Lucene returned " + hits.length + " < k hits");
    }
    for (int j = 0; j < k; j++) {
      labels[q * k + j] = hits[j].doc;
      float s = hits[j].score;
      distances[q * k + j] = cosine ? 2 - 2 * s : 1 / s - 1;
    }
    if (Thread.currentThread().getName().equals("main")) {
      visited += collector.visitedCount();
      searches++;
    }
  }

  @Override
  protected void resetStats() {
    visited = 0;
    searches = 0;
  }

  @Override
  protected Double[] stats() {
    return new Double[] {searches == 0 ? null : (double) visited / searches, null, null};
  }

  @Override
  protected double memoryBytes() {
    return graph.ramBytesUsed() + (double) workload.base().length * (4L * workload.dim() + 16);
  }

  @Override
  protected String memorySource() {
    return "lucene ramBytesUsed + vectors";
  }

  @Override
  protected double diskBytes(Path tmp) {
    return -1;
  }

  @Override
  protected String impl() {
    return "Lucene " + Version.LATEST + " HnswGraphBuilder/HnswGraphSearcher, "
        + similarity + ", JDK " + Runtime.version().feature();
  }
}
