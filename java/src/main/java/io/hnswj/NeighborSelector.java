package io.hnswj;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * hnswlib's {@code getNeighborsByHeuristic2}: keeps a diverse subset of candidates. Candidates are taken
 * nearest first (equal distances: higher id first, as hnswlib's lexicographic queue pops them) and one
 * is accepted only if no already accepted neighbour is strictly closer to it than the query is. Stops at
 * {@code limit}; pruned candidates are never added back, so fewer than {@code limit} may remain.
 */
final class NeighborSelector {
  /** How many candidates' distances to the nearest one are computed together. */
  static final int AHEAD = 16;

  private final HnswGraph graph;
  private final VectorDistance distance;

  NeighborSelector(HnswGraph graph, VectorDistance distance) {
    this.graph = graph;
    this.distance = distance;
  }

  /** Replaces the contents of {@code candidates} (keyed by distance) with the selection. */
  void select(Scratch scratch, StdHeap candidates, int limit) {
    int n = candidates.size();
    if (n < limit) {
      return;
    }
    if (limit <= 0) {
      candidates.clear();
      return;
    }
    long[] keys = scratch.sortKeys(n);
    for (int i = 0; i < n; i++) {
      keys[i] = sortKey(candidates.keyAt(i), candidates.idAt(i));
    }
    Arrays.sort(keys, 0, n);
    int accepted = selectSorted(scratch, keys, n, limit);
    candidates.clear();
    pushAccepted(scratch, accepted, candidates);
  }

  /**
   * As {@link #select(Scratch, StdHeap, int)} for candidates a {@link Beam} holds, which are sorted
   * already: pushes the selection into the emptied {@code selection} in the order hnswlib pushes it
   * (all candidates, nearest first, when fewer than {@code limit}).
   */
  void select(Scratch scratch, Beam candidates, int limit, StdHeap selection) {
    int n = candidates.size();
    selection.clear();
    if (n < limit) {
      for (int i = 0; i < n; i++) {
        selection.push(candidates.distanceAt(i), candidates.nodeAt(i));
      }
      return;
    }
    if (limit <= 0) {
      return;
    }
    long[] keys = scratch.sortKeys(n);
    boolean sorted = true;
    for (int i = 0; i < n; i++) {
      keys[n - 1 - i] = sortKey(candidates.distanceAt(i), candidates.nodeAt(i));
      sorted &= i == 0 || keys[n - 1 - i] < keys[n - i];
    }
    if (!sorted) {
      // equal distances: the beam does not keep them in the heuristic's order (higher id first)
      Arrays.sort(keys, 0, n);
    }
    pushAccepted(scratch, selectSorted(scratch, keys, n, limit), selection);
  }

  // the accepted neighbours in acceptance order, as hnswlib pushes its return list back
  private static void pushAccepted(Scratch scratch, int accepted, StdHeap selection) {
    for (int r = 0; r < accepted; r++) {
      selection.push(scratch.acceptedDistances[r], scratch.acceptedIds[r]);
    }
  }

  // (-distance, id) as one sortable long: ascending order is hnswlib's pop order reversed
  private static long sortKey(float distance, int id) {
    return ((long) sortableInt(-distance + 0.0f) << 32) | (id & 0xFFFF_FFFFL);
  }

  // the heuristic over keys sorted ascending (nearest candidate last); the accepted ones go to the
  // scratch, nearest first
  private int selectSorted(Scratch scratch, long[] keys, int n, int limit) {
    scratch.ensureAccepted(limit);
    int[] acceptedIds = scratch.acceptedIds;
    float[] acceptedDistances = scratch.acceptedDistances;
    long[] acceptedOffsets = scratch.acceptedOffsets;
    long[] window = scratch.window;
    float[] closeness = scratch.closeness;
    MemorySegment vectors = graph.level0();
    // the nearest candidate is always accepted first, and most others are rejected by it alone: their
    // distances to it are computed AHEAD at a time, streamed together instead of one latency-bound call
    // each (the same values; at most AHEAD - 1 computed in vain when the selection fills up)
    int nearest = (int) keys[n - 1];
    long nearestAt = graph.vectorAt(nearest);
    acceptedIds[0] = nearest;
    acceptedDistances[0] = -floatOfSortable((int) (keys[n - 1] >>> 32));
    acceptedOffsets[0] = nearestAt;
    int accepted = 1;
    long[] ahead = scratch.ahead;
    float[] toNearest = scratch.toNearest;
    int aheadHigh = n - 1;  // ahead[j] holds candidate aheadHigh - j
    int aheadLow = n - 1;
    for (int i = n - 2; i >= 0 && accepted < limit; i--) {
      if (i < aheadLow) {
        aheadHigh = i;
        aheadLow = Math.max(0, i - AHEAD + 1);
        for (int j = i; j >= aheadLow; j--) {
          ahead[i - j] = graph.vectorAt((int) keys[j]);
        }
        distance.betweenAll(vectors, nearestAt, vectors, ahead, i - aheadLow + 1, toNearest);
      }
      int id = (int) keys[i];
      float distanceToQuery = -floatOfSortable((int) (keys[i] >>> 32));
      long at = ahead[aheadHigh - i];
      boolean good = toNearest[aheadHigh - i] >= distanceToQuery;
      // the rest of the accepted neighbours are compared four at a time (the same values as one by one;
      // at most three are computed in vain)
      for (int r = 1; good && r < accepted; r += 4) {
        int count = Math.min(4, accepted - r);
        System.arraycopy(acceptedOffsets, r, window, 0, count);
        distance.betweenAll(vectors, at, vectors, window, count, closeness);
        for (int j = 0; j < count; j++) {
          if (closeness[j] < distanceToQuery) {
            good = false;
            break;
          }
        }
      }
      if (good) {
        acceptedIds[accepted] = id;
        acceptedDistances[accepted] = distanceToQuery;
        acceptedOffsets[accepted] = at;
        accepted++;
      }
    }
    return accepted;
  }

  /** Float bits mapped to an int with the same order (Lucene's {@code NumericUtils}). */
  static int sortableInt(float value) {
    int bits = Float.floatToIntBits(value);
    return bits ^ ((bits >> 31) & 0x7fffffff);
  }

  static float floatOfSortable(int sortable) {
    return Float.intBitsToFloat(sortable ^ ((sortable >> 31) & 0x7fffffff));
  }
}
