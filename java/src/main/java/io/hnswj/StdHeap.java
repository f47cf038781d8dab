package io.hnswj;

import java.util.Arrays;

/**
 * A max-heap of (key, id) pairs ordered by key alone, with libstdc++'s exact {@code push_heap} and
 * {@code pop_heap} algorithms, so that pairs with equal keys come out in the same order as from
 * hnswlib's {@code std::priority_queue<..., CompareByFirst>}. That order decides the graph's bytes
 * when distances tie. hnswlib's min-queues store negated keys; so do we.
 */
final class StdHeap {
  // each pair as one long, the id's bits high and the key's float bits low: a sift moves one word, not
  // two, and a comparison takes the key from the low half without a shift
  private long[] pairs;
  private int size;

  StdHeap(int initialCapacity) {
    pairs = new long[Math.max(4, initialCapacity)];
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  void clear() {
    size = 0;
  }

  float topKey() {
    return key(pairs[0]);
  }

  int topId() {
    return id(pairs[0]);
  }

  void push(float key, int id) {
    if (size == pairs.length) {
      pairs = Arrays.copyOf(pairs, size * 2);
    }
    size++;
    siftUp(size - 1, 0, pair(key, id));
  }

  /** Removes the top; the caller reads it first with {@link #topKey()} and {@link #topId()}. */
  void pop() {
    int last = size - 1;
    if (last > 0) {
      long moved = pairs[last];
      pairs[last] = pairs[0];
      adjust(0, last, moved);
    }
    size = last;
  }

  /** The pair at array position {@code i} (heap order, not sorted). */
  float keyAt(int i) {
    return key(pairs[i]);
  }

  int idAt(int i) {
    return id(pairs[i]);
  }

  /** Makes this heap an exact copy of {@code other}, array order included (C++ copy semantics). */
  void copyFrom(StdHeap other) {
    if (pairs.length < other.size) {
      pairs = new long[other.pairs.length];
    }
    System.arraycopy(other.pairs, 0, pairs, 0, other.size);
    size = other.size;
  }

  private static long pair(float key, int id) {
    return ((long) id << 32) | (Float.floatToRawIntBits(key) & 0xFFFF_FFFFL);
  }

  // compared as floats, as hnswlib compares them (NaN and -0.0 included)
  private static float key(long pair) {
    return Float.intBitsToFloat((int) pair);
  }

  private static int id(long pair) {
    return (int) (pair >>> 32);
  }

  // libstdc++ __push_heap
  private void siftUp(int hole, int top, long value) {
    float key = key(value);
    int parent = (hole - 1) / 2;
    while (hole > top && key(pairs[parent]) < key) {
      pairs[hole] = pairs[parent];
      hole = parent;
      parent = (hole - 1) / 2;
    }
    pairs[hole] = value;
  }

  // libstdc++ __adjust_heap: move the hole to a leaf along larger children, then sift the value up.
  private void adjust(int hole, int len, long value) {
    int top = hole;
    int child = hole;
    while (child < (len - 1) / 2) {
      child = 2 * (child + 1);
      if (key(pairs[child]) < key(pairs[child - 1])) {
        child--;
      }
      pairs[hole] = pairs[child];
      hole = child;
    }
    if ((len & 1) == 0 && child == (len - 2) / 2) {
      child = 2 * (child + 1);
      pairs[hole] = pairs[child - 1];
      hole = child - 1;
    }
    siftUp(hole, top, value);
  }
}
