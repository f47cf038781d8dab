package io.hnswj;

import java.util.Arrays;

/**
 * A max-heap of (key, id) pairs ordered by key alone, with libstdc++'s exact {@code push_heap} and
 * {@code pop_heap} algorithms, so that pairs with equal keys come out in the same order as from
 * hnswlib's {@code std::priority_queue<..., CompareByFirst>}. That order decides the graph's bytes
 * when distances tie. hnswlib's min-queues store negated keys; so do we.
 */
final class StdHeap {
  private float[] keys;
  private int[] ids;
  private int size;

  StdHeap(int initialCapacity) {
    keys = new float[Math.max(4, initialCapacity)];
    ids = new int[keys.length];
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
    return keys[0];
  }

  int topId() {
    return ids[0];
  }

  void push(float key, int id) {
    if (size == keys.length) {
      keys = Arrays.copyOf(keys, size * 2);
      ids = Arrays.copyOf(ids, size * 2);
    }
    size++;
    siftUp(size - 1, 0, key, id);
  }

  /** Removes the top; the caller reads it first with {@link #topKey()} and {@link #topId()}. */
  void pop() {
    int last = size - 1;
    if (last > 0) {
      float key = keys[last];
      int id = ids[last];
      keys[last] = keys[0];
      ids[last] = ids[0];
      adjust(0, last, key, id);
    }
    size = last;
  }

  /** The pair at array position {@code i} (heap order, not sorted). */
  float keyAt(int i) {
    return keys[i];
  }

  int idAt(int i) {
    return ids[i];
  }

  /** Makes this heap an exact copy of {@code other}, array order included (C++ copy semantics). */
  void copyFrom(StdHeap other) {
    if (keys.length < other.size) {
      keys = new float[other.keys.length];
      ids = new int[other.keys.length];
    }
    System.arraycopy(other.keys, 0, keys, 0, other.size);
    System.arraycopy(other.ids, 0, ids, 0, other.size);
    size = other.size;
  }

  // libstdc++ __push_heap
  private void siftUp(int hole, int top, float key, int id) {
    int parent = (hole - 1) / 2;
    while (hole > top && keys[parent] < key) {
      keys[hole] = keys[parent];
      ids[hole] = ids[parent];
      hole = parent;
      parent = (hole - 1) / 2;
    }
    keys[hole] = key;
    ids[hole] = id;
  }

  // libstdc++ __adjust_heap: move the hole to a leaf along larger children, then sift the value up.
  private void adjust(int hole, int len, float key, int id) {
    int top = hole;
    int child = hole;
    while (child < (len - 1) / 2) {
      child = 2 * (child + 1);
      if (keys[child] < keys[child - 1]) {
        child--;
      }
      keys[hole] = keys[child];
      ids[hole] = ids[child];
      hole = child;
    }
    if ((len & 1) == 0 && child == (len - 2) / 2) {
      child = 2 * (child + 1);
      keys[hole] = keys[child - 1];
      ids[hole] = ids[child - 1];
      hole = child - 1;
    }
    siftUp(hole, top, key, id);
  }
}
