package io.hnswj;

import java.util.Arrays;

/**
 * The bare-bone search's two heaps as one sorted array, as DiskANN keeps its beam: the (at most ef)
 * nearest nodes found so far, nearest first, each marked once expanded. The next node to expand is the
 * nearest unexpanded one, which is what hnswlib's candidate heap pops as long as no two distances tie:
 * a candidate it still holds but the result heap dropped is farther than every kept node, so its pop
 * ends the search where this array runs out of unexpanded nodes. An insertion is a binary search and
 * one short array move; the two heaps cost two sifts of unpredictable branches.
 *
 * <p>When distances tie, which of the tied nodes hnswlib expands first or drops depends on its heaps'
 * layout. The beam logs every insertion and expansion. Where the nearest unexpanded nodes tie, it
 * brings a copy of hnswlib's candidate heap up to date from the log and expands the node that heap
 * pops. Where the result heap's layout would decide (which of the farthest nodes it dropped), the beam
 * stops and reports it through {@link #irregular()}: the caller can {@link #replay} the log into
 * hnswlib's two heaps, which then have the very layout hnswlib's have at that point, and go on from
 * there on the heaps. A NaN distance cannot be replayed (the heaps' order breaks on it): the caller
 * searches again.
 */
final class Beam {
  // an entry is the distance's order-preserving int high, the node id low, with bit 31 set once expanded
  private static final long EXPANDED = 1L << 31;
  private static final long ID_MASK = EXPANDED - 1;

  private long[] entries;
  private int size;
  private int capacity;
  private float farthest;
  private int next;
  private int expansions;
  // stopped before a choice between nodes at equal distances
  private boolean tied;
  private boolean sawNaN;
  // a node dropped at the same distance as the farthest kept one, and that distance
  private boolean droppedTie;
  private int droppedTieOrder;

  // every insertion's entry and every expansion's (with EXPANDED set), in order
  private long[] log;
  private int logSize;
  // hnswlib's candidate heap after the first candidatesLogged events of the log, for ties between the
  // nearest unexpanded nodes: the one it pops is the one to expand
  private final StdHeap candidates;
  private int candidatesLogged;
  private boolean metTie;

  Beam(int initialCapacity) {
    entries = new long[Math.max(4, initialCapacity)];
    log = new long[2 * entries.length];
    candidates = new StdHeap(entries.length);
  }

  /** Empties the beam for a search that keeps the {@code ef} nearest nodes. */
  void reset(int ef) {
    capacity = ef;
    size = 0;
    next = 0;
    expansions = 0;
    tied = false;
    sawNaN = false;
    droppedTie = false;
    logSize = 0;
    candidates.clear();
    candidatesLogged = 0;
    metTie = false;
  }

  int size() {
    return size;
  }

  /** True if a node at {@code distance} would be kept: the beam is not full or it is nearer than the farthest. */
  boolean admits(float distance) {
    return size < capacity || distance < farthest;
  }

  /** Inserts a node the beam {@link #admits}, dropping the farthest if the beam is full. */
  void insert(float distance, int node) {
    if (distance != distance) {
      sawNaN = true;
    }
    // + 0.0f turns -0.0 into 0.0, which float comparison does not tell apart and the int order would
    int order = sortable(Float.floatToRawIntBits(distance + 0.0f));
    long entry = ((long) order << 32) | node;
    long lastOfOrder = ((long) order << 32) | 0xFFFF_FFFFL;
    int low = position(lastOfOrder);
    if (size == capacity) {
      // hnswlib drops one of the farthest; which one, when two tie, its heap's layout decides. That
      // matters only while the other is still kept (see expandNext)
      if (size > 1 && (int) (entries[size - 2] >> 32) == (int) (entries[size - 1] >> 32)) {
        droppedTieOrder = (int) (entries[size - 1] >> 32);
        droppedTie = true;
      }
      size--;
    } else if (size == entries.length) {
      entries = Arrays.copyOf(entries, 2 * size);
    }
    System.arraycopy(entries, low, entries, low + 1, size - low);
    entries[low] = entry;
    size++;
    farthest = distanceAt(size - 1);
    if (droppedTie && (int) (entries[size - 1] >> 32) < droppedTieOrder) {
      droppedTie = false;
    }
    if (low < next) {
      next = low;
    }
    log(entry);
  }

  private void log(long event) {
    if (logSize == log.length) {
      log = Arrays.copyOf(log, 2 * logSize);
    }
    log[logSize++] = event;
  }

  // the number of entries at most {@code bound}: a binary search whose steps are conditional moves, as
  // the comparisons go either way at random
  private int position(long bound) {
    long[] e = entries;
    int base = 0;
    int n = size;
    while (n > 1) {
      int half = n >>> 1;
      base = e[base + half - 1] <= bound ? base + half : base;
      n -= half;
    }
    return n == 1 && e[base] <= bound ? base + 1 : base;
  }

  boolean hasUnexpanded() {
    return next < size;
  }

  /**
   * Marks the node hnswlib pops next, the nearest unexpanded one, expanded and returns it; or, if
   * hnswlib would pop a node the beam dropped, returns -1 and leaves the beam as it is,
   * {@link #irregular()}.
   */
  int expandNext() {
    long entry = entries[next];
    int order = (int) (entry >> 32);
    // hnswlib pops a node it dropped too when that is as near as the farthest kept
    if (droppedTie && order >= droppedTieOrder) {
      tied = true;
      return -1;
    }
    int after = next + 1;
    while (after < size && (entries[after] & EXPANDED) != 0) {
      after++;
    }
    if (after < size && (int) (entries[after] >> 32) == order) {
      return expandTied(order);
    }
    entries[next] = entry | EXPANDED;
    log(entry | EXPANDED);
    next = after;
    expansions++;
    return (int) (entry & ID_MASK);
  }

  // several nearest unexpanded nodes at one distance: hnswlib pops one of them, which one its heap's
  // layout decides
  private int expandTied(int order) {
    metTie = true;
    if (sawNaN) {
      // the heap's order breaks on a NaN: the caller searches again
      tied = true;
      return -1;
    }
    for (; candidatesLogged < logSize; candidatesLogged++) {
      replayIntoCandidates(log[candidatesLogged], candidates);
    }
    int node = candidates.topId();
    for (int i = next; i < size && (int) (entries[i] >> 32) == order; i++) {
      long entry = entries[i];
      if ((entry & ID_MASK) == node && (entry & EXPANDED) == 0) {
        entries[i] = entry | EXPANDED;
        log(entry | EXPANDED);
        while (next < size && (entries[next] & EXPANDED) != 0) {
          next++;
        }
        expansions++;
        return node;
      }
    }
    // hnswlib's heap pops a node the beam does not hold at that distance, which the beam's invariants
    // rule out: stop, and let the caller go on from the replayed heaps
    tied = true;
    return -1;
  }

  /** True if nearest unexpanded nodes tied since {@link #reset}, which hnswlib's candidate heap chose between. */
  boolean metTie() {
    return metTie;
  }

  /** How many nodes were expanded since {@link #reset}. */
  int expansions() {
    return expansions;
  }

  /**
   * True if a NaN was kept or hnswlib's result heap chose between nodes at equal distances: the
   * farthest when one had to go, and a dropped node as near as the farthest kept is still expanded.
   * Ties elsewhere change nothing.
   */
  boolean irregular() {
    return tied || sawNaN || droppedTie;
  }

  /** False if a NaN distance was kept, which {@link #replay} cannot reproduce. */
  boolean replayable() {
    return !sawNaN;
  }

  /**
   * Rebuilds hnswlib's candidate heap (negated distances) and result heap, at most {@code ef} nodes,
   * as they are after the same insertions and expansions; returns the result heap's farthest distance.
   */
  float replay(StdHeap candidates, StdHeap top) {
    candidates.clear();
    top.clear();
    for (int i = 0; i < logSize; i++) {
      long event = log[i];
      replayIntoCandidates(event, candidates);
      if ((event & EXPANDED) == 0) {
        top.push(distanceOf(event), (int) (event & ID_MASK));
        if (top.size() > capacity) {
          top.pop();
        }
      }
    }
    return top.topKey();
  }

  // one logged event on hnswlib's candidate heap: an expansion pops, an insertion pushes the negated distance
  private static void replayIntoCandidates(long event, StdHeap candidates) {
    if ((event & EXPANDED) != 0) {
      assert candidates.topId() == (int) (event & ID_MASK) : "the beam expanded what hnswlib pops";
      candidates.pop();
    } else {
      candidates.push(-distanceOf(event), (int) (event & ID_MASK));
    }
  }

  private static float distanceOf(long entry) {
    return Float.intBitsToFloat(sortable((int) (entry >> 32)));
  }

  /** True if the nodes at positions {@code i} and {@code i + 1} are at the same distance. */
  boolean tiesNext(int i) {
    return (int) (entries[i] >> 32) == (int) (entries[i + 1] >> 32);
  }

  float distanceAt(int i) {
    return distanceOf(entries[i]);
  }

  int nodeAt(int i) {
    return (int) (entries[i] & ID_MASK);
  }

  // flips the magnitude bits of negative floats, so that ints compare as the floats do; its own inverse.
  // NeighborSelector.sortableInt does the same from floatToIntBits, whose NaN check cost 3-6% of a
  // search from the caches here; a NaN makes the beam irregular anyway
  private static int sortable(int floatBits) {
    return floatBits ^ ((floatBits >> 31) & 0x7FFF_FFFF);
  }
}
