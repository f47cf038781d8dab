package io.hnswj;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * The order hnswlib returns results in: ascending by (distance, label), the order of its final
 * lexicographic {@code priority_queue<pair<dist, label>>}. Results are few (k), so insertion sort.
 */
final class ResultOrder {
  private ResultOrder() {}

  static boolean before(float d1, long l1, float d2, long l2) {
    return d1 < d2 || (!(d2 < d1) && Long.compareUnsigned(l1, l2) < 0);
  }

  /** Sorts the first {@code n} pairs in place. */
  static void sort(long[] labels, float[] distances, int n) {
    for (int i = 1; i < n; i++) {
      long label = labels[i];
      float d = distances[i];
      int j = i - 1;
      while (j >= 0 && before(d, label, distances[j], labels[j])) {
        labels[j + 1] = labels[j];
        distances[j + 1] = distances[j];
        j--;
      }
      labels[j + 1] = label;
      distances[j + 1] = d;
    }
  }

  /** Empties {@code top} into the output segments at row-major position {@code at}, sorted. */
  static void drainInto(
      StdHeap top, HnswGraph graph, MemorySegment labelsOut, MemorySegment distancesOut, long at, Scratch scratch) {
    int n = top.size();
    long[] labels = scratch.sortKeys(n);
    float[] distances = scratch.acceptedDistances.length >= n ? scratch.acceptedDistances : new float[n];
    for (int i = 0; i < n; i++) {
      labels[i] = graph.label(top.idAt(i));
      distances[i] = top.keyAt(i);
    }
    sort(labels, distances, n);
    for (int i = 0; i < n; i++) {
      labelsOut.setAtIndex(JAVA_LONG_UNALIGNED, at + i, labels[i]);
      distancesOut.setAtIndex(JAVA_FLOAT_UNALIGNED, at + i, distances[i]);
    }
    top.clear();
  }
}
