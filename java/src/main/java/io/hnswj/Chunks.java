package io.hnswj;

/** Node ids split into fixed chunks, for per-node arrays that grow with the index, not its capacity. */
final class Chunks {
  static final int SHIFT = 14;
  static final int SIZE = 1 << SHIFT;
  static final int MASK = SIZE - 1;

  private Chunks() {}

  static int chunk(int node) {
    return node >>> SHIFT;
  }

  static int offset(int node) {
    return node & MASK;
  }

  /** Chunks needed for {@code capacity} nodes. */
  static int count(long capacity) {
    return (int) ((capacity + SIZE - 1) >>> SHIFT);
  }
}
