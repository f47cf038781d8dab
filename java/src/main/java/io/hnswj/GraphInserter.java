package io.hnswj;

import java.lang.foreign.MemorySegment;

/**
 * Builds the graph as hnswlib's {@code addPoint} and {@code updatePoint} do, step for step (including
 * the order of heap operations where distances tie, so that single-threaded builds are byte-identical;
 * where they do not, a {@link Beam} visits the same nodes in the same order): greedy descent
 * through the upper levels, a beam search of width {@code ef_construction} per level, at most M links
 * for the new node at every level (even level 0), back-links pruned by the {@link NeighborSelector}
 * heuristic when a list is full, and in-place updates that repair the neighbourhood.
 *
 * <p>Thread-safe as hnswlib is: per-node locks guard the writes to link lists (searches read them
 * without, see {@link GraphSearcher#measureNeighbors}); the caller holds the node's lock for a whole insert and the
 * {@code globalLock} when the new node may become the entry point.
 */
final class GraphInserter {
  private final HnswGraph graph;
  private final VectorDistance distance;
  private final NeighborSelector selector;
  private final GraphSearcher searcher;
  private final NodeLocks locks;
  private final int m;
  private final int efConstruction;

  GraphInserter(HnswGraph graph, VectorDistance distance, int m, int efConstruction) {
    this.graph = graph;
    this.distance = distance;
    this.selector = new NeighborSelector(graph, distance);
    this.searcher = new GraphSearcher(graph, distance);
    this.locks = graph.locks;
    this.m = m;
    this.efConstruction = efConstruction;
  }

  private float distanceTo(MemorySegment query, int node) {
    return distance.between(query, 0, graph.level0(), graph.vectorAt(node));
  }

  private float distanceBetween(int a, int b) {
    MemorySegment v = graph.level0();
    return distance.between(v, graph.vectorAt(a), v, graph.vectorAt(b));
  }

  /**
   * Links a new node whose record (vector, label) is written and whose upper blocks are zeroed.
   * The caller holds the node's lock and, if {@code level} exceeds the top level, the global lock.
   *
   * <p>Levels are searched and the node's own lists written top-down as in hnswlib, but the back-links
   * that make the node reachable are written only once every level is done, bottom-up: a concurrent
   * search can then never land on a node whose lower lists are still empty. Each level's search reads
   * only that level's lists, so the result is the same as hnswlib's order.
   *
   * <p>{@code hasDeletions}: whether the index holds deleted nodes, which hnswlib's search skips as
   * neighbours (on the heaps); without, the search runs on a {@link Beam}.
   */
  void link(Scratch scratch, int node, int level, HnswGraph.EntryPoint entry, boolean hasDeletions) {
    MemorySegment query = scratch.vector;
    int current = entry.node();
    if (level < entry.level()) {
      current = greedyDescent(scratch, query, current, entry.level(), level);
    }
    boolean entryDeleted = graph.isDeleted(entry.node());
    int topLayer = Math.min(level, entry.level());
    int[][] pending = scratch.pendingLinks(topLayer + 1, m);
    int[] pendingCounts = scratch.pendingCounts;
    for (int layer = topLayer; layer >= 0; layer--) {
      if (!hasDeletions && searchOnBeam(scratch, query, current, layer)) {
        pendingCounts[layer] = selectOnBeamAndLinkOwn(scratch, node, layer, pending[layer]);
      } else {
        StdHeap top = scratch.top;
        if (hasDeletions || !scratch.beam.replayable()) {
          searchLayer(scratch, current, query, layer, top);
        } else {
          // a tie left the beam's nodes short of hnswlib's result (it stopped where hnswlib's heaps choose,
          // or fewWithTies): on from its log, replayed into hnswlib's heaps
          expandLayer(scratch, query, layer, top, scratch.beam.replay(scratch.candidates, top));
        }
        if (entryDeleted) {
          top.push(distanceTo(query, entry.node()), entry.node());
          if (top.size() > efConstruction) {
            top.pop();
          }
        }
        pendingCounts[layer] = selectAndLinkOwn(scratch, node, top, layer, false, pending[layer]);
      }
      if (pendingCounts[layer] > 0) {
        current = pending[layer][pendingCounts[layer] - 1];
      }
    }
    for (int layer = 0; layer <= topLayer; layer++) {
      linkBack(scratch, node, layer, false, pending[layer], pendingCounts[layer]);
    }
  }

  // searches the layer on the beam; false if its nodes are not hnswlib's result yet: the beam stopped at
  // a tie hnswlib's result heap decides, or the heuristic would meet tied candidates among fewer than M
  // (see fewWithTies)
  private boolean searchOnBeam(Scratch scratch, MemorySegment query, int entry, int layer) {
    searcher.searchBeam(scratch, query, entry, layer, efConstruction);
    return !scratch.beam.irregular() && !fewWithTies(scratch.beam);
  }

  /** Moves to any closer neighbour until none is closer, from level {@code from} down to {@code to + 1}. */
  private int greedyDescent(Scratch scratch, MemorySegment query, int start, int from, int to) {
    int current = start;
    float currentDistance = distanceTo(query, current);
    for (int layer = from; layer > to; layer--) {
      boolean changed = true;
      while (changed) {
        changed = false;
        int size = searcher.measureNeighbors(scratch, query, current, layer, null);
        int[] ids = scratch.freshIds;
        float[] distances = scratch.freshDistances;
        for (int j = 0; j < size; j++) {
          if (distances[j] < currentDistance) {
            currentDistance = distances[j];
            current = ids[j];
            changed = true;
          }
        }
      }
    }
    return current;
  }

  /**
   * hnswlib's {@code searchBaseLayer}: beam search of width {@code ef_construction} on one level,
   * reading each list under its node's lock. Deleted nodes are expanded but not kept. Leaves the
   * nearest nodes in {@code top} (keyed by distance).
   */
  void searchLayer(Scratch scratch, int entry, MemorySegment query, int layer, StdHeap top) {
    VisitedSet visited = scratch.visited;
    visited.reset();
    StdHeap candidates = scratch.candidates;
    candidates.clear();
    top.clear();
    float lowerBound;
    if (!graph.isDeleted(entry)) {
      float d = distanceTo(query, entry);
      top.push(d, entry);
      lowerBound = d;
      candidates.push(-d, entry);
    } else {
      lowerBound = Float.MAX_VALUE;
      candidates.push(-lowerBound, entry);
    }
    visited.visit(entry);
    expandLayer(scratch, query, layer, top, lowerBound);
  }

  /**
   * {@link #searchLayer}'s loop, from the scratch's candidate heap, visited set and {@code top} as they
   * stand: fresh, or replayed from a {@link Beam}.
   */
  private void expandLayer(Scratch scratch, MemorySegment query, int layer, StdHeap top, float lowerBound) {
    VisitedSet visited = scratch.visited;
    StdHeap candidates = scratch.candidates;
    while (!candidates.isEmpty()) {
      if (-candidates.topKey() > lowerBound && top.size() == efConstruction) {
        break;
      }
      int current = candidates.topId();
      candidates.pop();
      int freshCount = searcher.measureNeighbors(scratch, query, current, layer, visited);
      int[] fresh = scratch.freshIds;
      float[] distances = scratch.freshDistances;
      for (int j = 0; j < freshCount; j++) {
        int candidate = fresh[j];
        float d = distances[j];
        if (top.size() < efConstruction || lowerBound > d) {
          candidates.push(-d, candidate);
          if (!graph.isDeleted(candidate)) {
            top.push(d, candidate);
          }
          if (top.size() > efConstruction) {
            top.pop();
          }
          if (!top.isEmpty()) {
            lowerBound = top.topKey();
          }
        }
      }
    }
  }

  /**
   * hnswlib's {@code mutuallyConnectNewElement}: {@link #selectAndLinkOwn} then {@link #linkBack}.
   * Returns the closest selected neighbour, where the next level's search starts ({@code fallback}
   * if nothing was selected).
   */
  int connect(Scratch scratch, int node, StdHeap top, int layer, boolean isUpdate, int fallback) {
    int[] selected = scratch.selected(m);
    int count = selectAndLinkOwn(scratch, node, top, layer, isUpdate, selected);
    if (count == 0) {
      return fallback;
    }
    linkBack(scratch, node, layer, isUpdate, selected, count);
    return selected[count - 1];
  }

  /**
   * Selects at most M neighbours among {@code top} with the heuristic and writes them, farthest
   * first, as the node's list on {@code layer}. Returns how many were put in {@code selected}.
   */
  private int selectAndLinkOwn(Scratch scratch, int node, StdHeap top, int layer, boolean isUpdate, int[] selected) {
    selector.select(scratch, top, m);
    return linkOwn(node, top, layer, isUpdate, selected);
  }

  /**
   * As {@link #selectAndLinkOwn} for the candidates a search left in the scratch's {@link Beam} (never
   * an update); the selection goes through a heap as hnswlib's does, so that equal distances among
   * the selected come out in its order.
   */
  private int selectOnBeamAndLinkOwn(Scratch scratch, int node, int layer, int[] selected) {
    selector.select(scratch, scratch.beam, m, scratch.top);
    return linkOwn(node, scratch.top, layer, false, selected);
  }

  // fewer candidates than M are linked in the order hnswlib's result heap pops them, which for equal
  // distances its layout decides
  private boolean fewWithTies(Beam beam) {
    if (beam.size() >= m) {
      return false;
    }
    for (int i = 0; i + 1 < beam.size(); i++) {
      if (beam.tiesNext(i)) {
        return true;
      }
    }
    return false;
  }

  // empties the selection into {@code selected}, farthest first as hnswlib pops it, and writes that as
  // the node's list; returns how many
  private int linkOwn(int node, StdHeap selection, int layer, boolean isUpdate, int[] selected) {
    int count = selection.size();
    for (int i = 0; i < count; i++) {
      selected[i] = selection.topId();
      selection.pop();
    }
    writeOwnList(node, layer, isUpdate, selected, count);
    return count;
  }

  private void writeOwnList(int node, int layer, boolean isUpdate, int[] selected, int count) {
    if (count == 0) {
      return;
    }
    if (isUpdate) {
      locks.lock(node);
    }
    try {
      graph.setCount(node, layer, count);
      for (int i = 0; i < count; i++) {
        graph.setNeighbor(node, layer, i, selected[i]);
      }
    } finally {
      if (isUpdate) {
        locks.unlock(node);
      }
    }
  }

  /** Adds the node to each selected neighbour's list, pruning a full list with the heuristic. */
  private void linkBack(Scratch scratch, int node, int layer, boolean isUpdate, int[] selected, int count) {
    int maxLinks = layer > 0 ? graph.maxM : graph.maxM0;
    for (int i = 0; i < count; i++) {
      int other = selected[i];
      locks.lock(other);
      try {
        int size = graph.count(other, layer);
        if (isUpdate && contains(other, layer, size, node)) {
          continue;
        }
        if (size < maxLinks) {
          graph.setNeighbor(other, layer, size, node);
          graph.setCount(other, layer, size + 1);
        } else {
          StdHeap candidates = scratch.work;
          candidates.clear();
          candidates.push(distanceBetween(node, other), node);
          scratch.fresh(size);
          int[] existing = scratch.freshIds;
          long[] offsets = scratch.freshOffsets;
          for (int j = 0; j < size; j++) {
            existing[j] = graph.neighbor(other, layer, j);
            offsets[j] = graph.vectorAt(existing[j]);
          }
          // symmetric bit for bit: the same values as distanceBetween(existing, other)
          float[] distances = scratch.freshDistances;
          distance.betweenAll(graph.level0(), graph.vectorAt(other), graph.level0(), offsets, size, distances);
          for (int j = 0; j < size; j++) {
            candidates.push(distances[j], existing[j]);
          }
          selector.select(scratch, candidates, maxLinks);
          int index = 0;
          while (!candidates.isEmpty()) {
            graph.setNeighbor(other, layer, index++, candidates.topId());
            candidates.pop();
          }
          graph.setCount(other, layer, index);
        }
      } finally {
        locks.unlock(other);
      }
    }
  }

  private boolean contains(int node, int layer, int size, int wanted) {
    for (int j = 0; j < size; j++) {
      if (graph.neighbor(node, layer, j) == wanted) {
        return true;
      }
    }
    return false;
  }

  /**
   * hnswlib's {@code updatePoint} with update probability 1: the new vector is already in the node's
   * record and in {@code scratch.vector}. Rebuilds the lists of the node's neighbours from their
   * two-hop neighbourhood, then reconnects the node itself.
   */
  void update(Scratch scratch, int node, HnswGraph.EntryPoint entry, int elementCount) {
    if (entry.node() == node && elementCount == 1) {
      return;
    }
    int nodeLevel = graph.level(node);
    for (int layer = 0; layer <= nodeLevel; layer++) {
      int oneHopCount = connectionsWithLock(node, layer, scratch, true);
      if (oneHopCount == 0) {
        continue;
      }
      int[] oneHop = scratch.idBuffer.clone();
      // sCand: the node, its neighbours and their neighbours, without duplicates, in discovery order
      CandidateSet candidateSet = new CandidateSet();
      candidateSet.add(node);
      for (int i = 0; i < oneHopCount; i++) {
        int neighbor = oneHop[i];
        candidateSet.add(neighbor);
        int twoHopCount = connectionsWithLock(neighbor, layer, scratch, false);
        for (int j = 0; j < twoHopCount; j++) {
          candidateSet.add(scratch.idBuffer2[j]);
        }
      }
      CandidateSet neighborSet = new CandidateSet();
      for (int i = 0; i < oneHopCount; i++) {
        neighborSet.add(oneHop[i]);
      }
      int maxLinks = layer == 0 ? graph.maxM0 : graph.maxM;
      for (int n = 0; n < neighborSet.size(); n++) {
        int neighbor = neighborSet.get(n);
        int size = candidateSet.contains(neighbor) ? candidateSet.size() - 1 : candidateSet.size();
        int keep = Math.min(efConstruction, size);
        StdHeap candidates = scratch.work;
        candidates.clear();
        for (int c = 0; c < candidateSet.size(); c++) {
          int candidate = candidateSet.get(c);
          if (candidate == neighbor) {
            continue;
          }
          float d = distanceBetween(neighbor, candidate);
          if (candidates.size() < keep) {
            candidates.push(d, candidate);
          } else if (d < candidates.topKey()) {
            candidates.pop();
            candidates.push(d, candidate);
          }
        }
        selector.select(scratch, candidates, maxLinks);
        locks.lock(neighbor);
        try {
          int count = candidates.size();
          graph.setCount(neighbor, layer, count);
          for (int i = 0; i < count; i++) {
            graph.setNeighbor(neighbor, layer, i, candidates.topId());
            candidates.pop();
          }
        } finally {
          locks.unlock(neighbor);
        }
      }
    }
    repairConnections(scratch, entry, node, nodeLevel);
  }

  /** hnswlib's {@code repairConnectionsForUpdate}. */
  private void repairConnections(Scratch scratch, HnswGraph.EntryPoint entry, int node, int nodeLevel) {
    MemorySegment query = scratch.vector;
    int current = entry.node();
    if (nodeLevel < entry.level()) {
      current = greedyDescent(scratch, query, current, entry.level(), nodeLevel);
    }
    if (nodeLevel > entry.level()) {
      throw new IllegalStateException("Level of item to be updated cannot be bigger than max level");
    }
    for (int layer = nodeLevel; layer >= 0; layer--) {
      StdHeap top = scratch.top;
      searchLayer(scratch, current, query, layer, top);
      StdHeap filtered = scratch.filtered;
      filtered.clear();
      while (!top.isEmpty()) {
        if (top.topId() != node) {
          filtered.push(top.topKey(), top.topId());
        }
        top.pop();
      }
      if (filtered.size() > 0) {
        if (graph.isDeleted(entry.node())) {
          filtered.push(distanceTo(query, entry.node()), entry.node());
          if (filtered.size() > efConstruction) {
            filtered.pop();
          }
        }
        current = connect(scratch, node, filtered, layer, true, current);
      }
    }
  }

  /** Copies a node's list into {@code scratch.idBuffer} (or {@code idBuffer2}); returns its length. */
  private int connectionsWithLock(int node, int layer, Scratch scratch, boolean first) {
    locks.lock(node);
    try {
      int size = graph.count(node, layer);
      int[] buffer = first ? scratch.idBuffer : scratch.idBuffer2;
      if (buffer.length < size) {
        buffer = new int[Math.max(size, 2 * buffer.length)];
        if (first) {
          scratch.idBuffer = buffer;
        } else {
          scratch.idBuffer2 = buffer;
        }
      }
      for (int j = 0; j < size; j++) {
        buffer[j] = graph.neighbor(node, layer, j);
      }
      return size;
    } finally {
      locks.unlock(node);
    }
  }

  /** A small insertion-ordered set of node ids (updates are rare; simplicity over speed). */
  private static final class CandidateSet {
    private final java.util.LinkedHashSet<Integer> ids = new java.util.LinkedHashSet<>();
    private int[] order = new int[16];

    void add(int id) {
      if (ids.add(id)) {
        if (order.length < ids.size()) {
          order = java.util.Arrays.copyOf(order, order.length * 2);
        }
        order[ids.size() - 1] = id;
      }
    }

    boolean contains(int id) {
      return ids.contains(id);
    }

    int size() {
      return ids.size();
    }

    int get(int i) {
      return order[i];
    }
  }
}
