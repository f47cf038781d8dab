package io.hnswj;

import java.util.Arrays;

/**
 * Which nodes one search has seen, as hnswlib's visited lists: a 16-bit tag per node and a generation
 * that moves on at every search, so clearing costs nothing except once every 65,535 searches.
 */
final class VisitedSet {
  private char[] tags;
  private char generation;

  VisitedSet(int capacity) {
    tags = new char[Math.max(1, capacity)];
  }

  /** Starts a new search over at least {@code capacity} nodes. */
  void reset(int capacity) {
    if (tags.length < capacity) {
      tags = new char[capacity];
      generation = 0;
    }
    generation++;
    if (generation == 0) {
      Arrays.fill(tags, (char) 0);
      generation = 1;
    }
  }

  /** Marks the node; true if it was not seen yet in this search. */
  boolean visit(int node) {
    if (tags[node] == generation) {
      return false;
    }
    tags[node] = generation;
    return true;
  }
}
