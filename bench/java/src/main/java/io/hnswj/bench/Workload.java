package io.hnswj.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A workload written by {@code bench/workloads.py}: base rows (label = row index), queries, and the exact
 * nearest base rows of each query with their distances in hnswlib's convention.
 *
 * @param base base vectors, one array per row
 * @param queries query vectors (possibly a prefix of the file's, see {@link #load})
 * @param truth exact neighbour labels per query, nearest first ({@code gt.ivecs})
 * @param truthDistances their distances ({@code gt_dist.fvecs})
 */
public record Workload(float[][] base, float[][] queries, int[][] truth, float[][] truthDistances) {

  public int dim() {
    return base[0].length;
  }

  /** Reads {@code dir}; {@code maxQueries <= 0} keeps every query. */
  public static Workload load(Path dir, int maxQueries) throws IOException {
    float[][] base = readFvecs(dir.resolve("base.fvecs"));
    float[][] queries = readFvecs(dir.resolve("query.fvecs"));
    float[][] gtBits = readFvecs(dir.resolve("gt.ivecs"));
    float[][] gtDist = readFvecs(dir.resolve("gt_dist.fvecs"));
    int nq = maxQueries > 0 ? Math.min(maxQueries, queries.length) : queries.length;
    int[][] gt = new int[nq][];
    for (int q = 0; q < nq; q++) {
      gt[q] = new int[gtBits[q].length];
      for (int i = 0; i < gt[q].length; i++) {
        gt[q][i] = Float.floatToRawIntBits(gtBits[q][i]);
      }
    }
    return new Workload(base, java.util.Arrays.copyOf(queries, nq), gt, java.util.Arrays.copyOf(gtDist, nq));
  }

  /** The rows of a .fvecs file (an .ivecs file's ints come back as their raw float bits). */
  static float[][] readFvecs(Path path) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
    int dim = bytes.getInt(0);
    int rows = bytes.capacity() / (4 * (dim + 1));
    float[][] out = new float[rows][dim];
    for (int i = 0; i < rows; i++) {
      if (bytes.getInt() != dim) {
        throw new IOException("ragged rows in " + path);
      }
      bytes.asFloatBuffer().get(out[i]);
      bytes.position(bytes.position() + 4 * dim);
    }
    return out;
  }

  /** {@code rows} rows back to back, as the engine's batch calls take them. */
  public static float[] flatten(float[][] rows) {
    int dim = rows[0].length;
    float[] flat = new float[Math.multiplyExact(rows.length, dim)];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * dim, dim);
    }
    return flat;
  }

  /** hnswlib's cosine normalisation in float32: {@code x * (1 / (sqrt(Σx²) + 1e-30))}. */
  public static float[] normalised(float[] x) {
    float norm = 0;
    for (float v : x) {
      norm += v * v;
    }
    float scale = 1.0f / ((float) Math.sqrt(norm) + 1e-30f);
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] * scale;
    }
    return out;
  }

  /**
   * recall@k as every driver in bench/ computes it: a returned label counts if it is among the exact k
   * nearest, or if its distance ties the k-th exact distance (duplicates in real data sets).
   *
   * @param labels {@code nq × k} labels, row-major ({@code -1}: no result)
   * @param distances their distances in hnswlib's convention
   */
  public double recall(long[] labels, float[] distances, int k) {
    long hits = 0;
    for (int q = 0; q < truth.length; q++) {
      float kth = truthDistances[q][k - 1];
      float tie = kth + 1e-5f * Math.abs(kth) + 1e-6f;
      for (int j = 0; j < k; j++) {
        long label = labels[q * k + j];
        if (label < 0) {
          continue;
        }
        boolean hit = distances[q * k + j] <= tie;
        for (int i = 0; i < k && !hit; i++) {
          hit = truth[q][i] == label;
        }
        hits += hit ? 1 : 0;
      }
    }
    return (double) hits / ((double) truth.length * k);
  }
}
