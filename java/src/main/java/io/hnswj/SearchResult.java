package io.hnswj;

import java.util.Arrays;

/**
 * The neighbours of one query, nearest first, ties ordered by label as hnswlib orders them. It may hold
 * fewer than the {@code k} asked for (empty index, deletions, a strict filter).
 *
 * @param labels the labels of the neighbours
 * @param distances their distances to the query, in the index's {@link Space}
 */
public record SearchResult(long[] labels, float[] distances) {

  public SearchResult {
    if (labels.length != distances.length) {
      throw new IllegalArgumentException("labels and distances differ in length");
    }
  }

  /** The number of neighbours found. */
  public int size() {
    return labels.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SearchResult other
        && Arrays.equals(labels, other.labels)
        && Arrays.equals(distances, other.distances);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(labels) + Arrays.hashCode(distances);
  }

  @Override
  public String toString() {
    return "SearchResult" + Arrays.toString(labels) + Arrays.toString(distances);
  }
}
