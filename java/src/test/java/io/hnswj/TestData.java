package io.hnswj;

import java.util.Random;

/** Seeded test vectors. */
final class TestData {
  private TestData() {}

  /** {@code n × dim} uniform floats in [0, 1). */
  static float[][] uniform(long seed, int n, int dim) {
    Random random = new Random(seed);
    float[][] out = new float[n][dim];
    for (float[] row : out) {
      for (int i = 0; i < dim; i++) {
        row[i] = random.nextFloat();
      }
    }
    return out;
  }

  /** A Gaussian mixture: {@code clusters} centres with unit-variance points around them. */
  static float[][] clustered(long seed, int n, int dim, int clusters) {
    Random random = new Random(seed);
    float[][] centres = new float[clusters][dim];
    for (float[] c : centres) {
      for (int i = 0; i < dim; i++) {
        c[i] = (float) random.nextGaussian() * 4;
      }
    }
    float[][] out = new float[n][dim];
    for (float[] row : out) {
      float[] c = centres[random.nextInt(clusters)];
      for (int i = 0; i < dim; i++) {
        row[i] = c[i] + (float) random.nextGaussian();
      }
    }
    return out;
  }

  static long[] range(int n) {
    long[] labels = new long[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i;
    }
    return labels;
  }
}
