package io.hnswj;

import java.util.Arrays;

/**
 * Which nodes one search has seen, as hnswlib's visited lists: a 16-bit tag per node and a generation
 * that moves on at every search, so clearing costs nothing except once every 65,535 searches.
 *
 * <p>The tags grow with the highest node id visited, not with the index's capacity: a capacity costs
 * nothing here until it fills (as the off-heap records and {@link Chunks}), so an index file that
 * claims a huge {@code max_elements} for a few elements cannot exhaust the heap at its first search.
 */
final class VisitedSet {
  private static final int MAX_LENGTH = Integer.MAX_VALUE - 8;

  private char[] tags;
  private char generation;

  VisitedSet(int nodes) {
    tags = new char[Math.max(1, nodes)];
  }

  /** Starts a new search. */
  void reset() {
    generation++;
    if (generation == 0) {
      Arrays.fill(tags, (char) 0);
      generation = 1;
    }
  }

  /** Marks the node; true if it was not seen yet in this search. */
  boolean visit(int node) {
    char[] t = tags;
    if (node >= t.length) {
      t = grow(node);
    }
    if (t[node] == generation) {
      return false;
    }
    t[node] = generation;
    return true;
  }

  /**
   * Marks the first {@code size} nodes of {@code nodes} and moves those not seen yet in this search to
   * the front, in their order; returns how many. The same as {@link #visit} node after node, but
   * without a branch on the tags: a branch that waits on each tag's load (a cache miss on a large
   * index, and mispredicted about as often as not) lets the CPU fetch one tag at a time, where
   * straight-line code lets it fetch a whole link list's tags at once (hnswlib prefetches them).
   */
  int keepUnvisited(int[] nodes, int size) {
    char[] t = tags;
    char g = generation;
    int count = 0;
    for (int j = 0; j < size; j++) {
      int node = nodes[j];
      if (node >= t.length) {
        t = grow(node);
      }
      int changed = t[node] ^ g;  // 0 if seen, else 1..0xFFFF
      t[node] = g;
      nodes[count] = node;
      count += (changed + 0xFFFF) >>> 16;
    }
    return count;
  }

  // at least doubles, so that an index filling up regrows only log(n) times; old tags stay valid
  private char[] grow(int node) {
    tags = Arrays.copyOf(tags, (int) Math.min(MAX_LENGTH, Math.max(node + 1L, 2L * tags.length)));
    return tags;
  }
}
