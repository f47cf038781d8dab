package io.hnswj;

import java.lang.foreign.MemorySegment;
import java.util.function.LongPredicate;

/**
 * hnswlib's {@code searchKnn}: greedy descent through the upper levels (deleted nodes still route),
 * then a beam search of width {@code max(ef, k)} on level 0. Without deletions or filter it runs the
 * "bare-bone" loop, which stops as soon as the best candidate is farther than the worst kept result,
 * on a {@link Beam} rather than hnswlib's two heaps (the same nodes visited in the same order, the
 * beam consulting a copy of hnswlib's candidate heap where the nearest distances tie, until hnswlib's
 * result heap would choose between tied distances: from there it goes on on the heaps, rebuilt as
 * hnswlib's are at that point); otherwise rejected nodes are expanded but never kept, and the stop also
 * needs a full result set.
 *
 * <p>Reads links without locks (see {@link HnswGraph}): safe beside concurrent inserts.
 */
final class GraphSearcher {
  private final HnswGraph graph;
  private final VectorDistance distance;

  GraphSearcher(HnswGraph graph, VectorDistance distance) {
    this.graph = graph;
    this.distance = distance;
  }

  /**
   * Searches for the vector in {@code scratch.vector}; leaves at most {@code k} results in
   * {@code scratch.top} (keyed by distance) and returns their number.
   */
  int search(Scratch scratch, int k, int ef, boolean hasDeletions, LongPredicate filter) {
    StdHeap top = scratch.top;
    top.clear();
    HnswGraph.EntryPoint entry = graph.entryPoint();
    if (entry == null || k == 0) {
      return 0;
    }
    scratch.searchCount++;
    MemorySegment query = scratch.vector;
    MemorySegment vectors = graph.level0();
    int current = entry.node();
    float currentDistance = distance.between(query, 0, vectors, graph.vectorAt(current));
    scratch.distanceCount++;
    for (int level = entry.level(); level > 0; level--) {
      boolean changed = true;
      while (changed) {
        changed = false;
        int size = measureNeighbors(scratch, query, current, level, null);
        int[] ids = scratch.freshIds;
        float[] distances = scratch.freshDistances;
        scratch.hopCount++;
        scratch.distanceCount += size;
        for (int j = 0; j < size; j++) {
          if (distances[j] < currentDistance) {
            currentDistance = distances[j];
            current = ids[j];
            changed = true;
          }
        }
      }
    }
    int width = Math.max(ef, k);
    if (!hasDeletions && filter == null) {
      long distances = searchBeam(scratch, query, current, 0, width);
      Beam beam = scratch.beam;
      // which of two nodes tied at the k-th distance hnswlib keeps, its heap's layout decides
      boolean tiedAtK = beam.size() > k && beam.tiesNext(k - 1);
      if (!beam.irregular() && !tiedAtK) {
        if (beam.metTie()) {
          scratch.tiedCount++;
        }
        scratch.distanceCount += distances;
        scratch.hopCount += beam.expansions();
        for (int i = 0, n = Math.min(k, beam.size()); i < n; i++) {
          top.push(beam.distanceAt(i), beam.nodeAt(i));
        }
        return top.size();
      }
      scratch.tiedCount++;
      if (beam.replayable()) {
        scratch.distanceCount += distances;
        scratch.hopCount += beam.expansions();
        float lowerBound = beam.replay(scratch.candidates, top);
        expandOnHeaps(scratch, query, width, lowerBound, true, null);
        return popTo(top, k);
      }
    }
    searchBaseLayer(scratch, current, width, hasDeletions, filter);
    return popTo(top, k);
  }

  private static int popTo(StdHeap top, int k) {
    while (top.size() > k) {
      top.pop();
    }
    return top.size();
  }

  /**
   * hnswlib's bare-bone search of one level, on the scratch's {@link Beam} of width {@code ef}: the
   * nodes it visits and keeps are hnswlib's as long as its result heap need not choose between tied
   * distances. Returns the number of distances computed. Stops where it would, the beam then
   * {@link Beam#irregular}: the caller goes on from its {@link Beam#replay}. Keeps deleted nodes as
   * any others: for graphs without.
   */
  long searchBeam(Scratch scratch, MemorySegment query, int entry, int layer, int ef) {
    MemorySegment vectors = graph.level0();
    VisitedSet visited = scratch.visited;
    visited.reset();
    Beam beam = scratch.beam;
    beam.reset(ef);
    beam.insert(distance.between(query, 0, vectors, graph.vectorAt(entry)), entry);
    visited.visit(entry);
    long distances = 1;
    while (beam.hasUnexpanded()) {
      int node = beam.expandNext();
      if (node < 0) {
        break;
      }
      int freshCount = measureNeighbors(scratch, query, node, layer, visited);
      int[] fresh = scratch.freshIds;
      float[] freshDistances = scratch.freshDistances;
      distances += freshCount;
      for (int j = 0; j < freshCount; j++) {
        float d = freshDistances[j];
        if (beam.admits(d)) {
          beam.insert(d, fresh[j]);
        }
      }
    }
    return distances;
  }

  /**
   * Copies a node's neighbours at {@code layer} (only those not yet in {@code visited}, which it marks,
   * unless that is null) into the scratch's fresh ids and their distances to {@code query} into its
   * fresh distances; returns their number. The neighbours are claimed first and their distances
   * computed together (several vectors streamed at once); the distances do not depend on the search's
   * decisions, so the order stays hnswlib's.
   *
   * <p>Without the node's lock, for searches and inserts alike (hnswlib locks in inserts): a list being
   * rewritten by another thread reads as a mix of its old and new ids, every one a linked node, and a
   * single thread never sees one. The lock's compare-and-set at every hop cost a few per cent of a
   * one-thread build.
   */
  int measureNeighbors(Scratch scratch, MemorySegment query, int node, int layer, VisitedSet visited) {
    int size = graph.countAcquire(node, layer);
    scratch.fresh(size);
    int[] ids = scratch.freshIds;
    long[] offsets = scratch.freshOffsets;
    for (int j = 0; j < size; j++) {
      ids[j] = graph.neighbor(node, layer, j);
    }
    int count = visited == null ? size : visited.keepUnvisited(ids, size);
    for (int j = 0; j < count; j++) {
      offsets[j] = graph.vectorAt(ids[j]);
    }
    distance.betweenAll(query, 0, graph.level0(), offsets, count, scratch.freshDistances);
    return count;
  }

  private void searchBaseLayer(
      Scratch scratch, int entry, int ef, boolean hasDeletions, LongPredicate filter) {
    boolean bareBone = !hasDeletions && filter == null;
    MemorySegment query = scratch.vector;
    scratch.visited.reset();
    StdHeap top = scratch.top;
    StdHeap candidates = scratch.candidates;
    candidates.clear();

    float lowerBound;
    if (bareBone || accepts(entry, filter)) {
      float d = distance.between(query, 0, graph.level0(), graph.vectorAt(entry));
      scratch.distanceCount++;
      lowerBound = d;
      top.push(d, entry);
      candidates.push(-d, entry);
    } else {
      lowerBound = Float.MAX_VALUE;
      candidates.push(-lowerBound, entry);
    }
    scratch.visited.visit(entry);
    expandOnHeaps(scratch, query, ef, lowerBound, bareBone, filter);
  }

  /**
   * hnswlib's {@code searchBaseLayerST} loop on level 0, from the scratch's heaps, visited set and the
   * result heap's {@code lowerBound} as they stand: fresh, or replayed from a {@link Beam}.
   */
  private void expandOnHeaps(
      Scratch scratch, MemorySegment query, int ef, float lowerBound, boolean bareBone, LongPredicate filter) {
    VisitedSet visited = scratch.visited;
    StdHeap top = scratch.top;
    StdHeap candidates = scratch.candidates;
    long distances = 0;
    long hops = 0;
    while (!candidates.isEmpty()) {
      float candidateDistance = -candidates.topKey();
      if (candidateDistance > lowerBound && (bareBone || top.size() == ef)) {
        break;
      }
      int current = candidates.topId();
      candidates.pop();
      hops++;
      int freshCount = measureNeighbors(scratch, query, current, 0, visited);
      int[] fresh = scratch.freshIds;
      float[] freshDistances = scratch.freshDistances;
      distances += freshCount;
      for (int j = 0; j < freshCount; j++) {
        int candidate = fresh[j];
        float d = freshDistances[j];
        if (top.size() < ef || lowerBound > d) {
          candidates.push(-d, candidate);
          if (bareBone || accepts(candidate, filter)) {
            top.push(d, candidate);
          }
          if (top.size() > ef) {
            top.pop();
          }
          if (!top.isEmpty()) {
            lowerBound = top.topKey();
          }
        }
      }
    }
    scratch.distanceCount += distances;
    scratch.hopCount += hops;
  }

  private boolean accepts(int node, LongPredicate filter) {
    return !graph.isDeleted(node) && (filter == null || filter.test(graph.label(node)));
  }
}
