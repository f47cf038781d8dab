package io.hnswj;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * What one thread needs to insert or search without allocating: the visited set, the heaps, buffers
 * for neighbour selection and an off-heap copy of the current vector (normalised for cosine). Taken
 * from and returned to a {@link ScratchPool}; never shared between threads at once.
 */
final class Scratch {
  final VisitedSet visited;
  final StdHeap top;
  final StdHeap candidates;
  final StdHeap work;
  final StdHeap filtered;
  final Beam beam;
  /** The vector being inserted or searched, {@code dim} floats. */
  final MemorySegment vector;

  long[] sortKeys = new long[64];
  float[] acceptedDistances = new float[64];
  int[] acceptedIds = new int[64];
  long[] acceptedOffsets = new long[64];
  /** Four offsets and their distances, for the heuristic's comparisons (see {@link NeighborSelector}). */
  final long[] window = new long[4];
  final float[] closeness = new float[4];
  /** The next candidates' offsets and their distances to the nearest one (see {@link NeighborSelector}). */
  final long[] ahead = new long[NeighborSelector.AHEAD];
  final float[] toNearest = new float[NeighborSelector.AHEAD];
  int[] selected = new int[64];
  int[] idBuffer = new int[64];
  /** One node's unvisited neighbours, their vectors' offsets and distances (see {@link #fresh}). */
  int[] freshIds = new int[64];
  long[] freshOffsets = new long[64];
  float[] freshDistances = new float[64];
  private static final int MAX_PREALLOCATED_EF = 4096;
  int[] idBuffer2 = new int[64];

  /** Per level, the neighbours a new node selected, linked back once all levels are done. */
  int[][] pendingLinks = new int[0][];
  int[] pendingCounts = new int[0];

  /** Search statistics since the scratch was last drained. */
  long distanceCount;
  long hopCount;
  long searchCount;
  long tiedCount;

  Scratch(int dim, int capacityHint, int ef) {
    visited = new VisitedSet(capacityHint);
    // ef comes from callers and from index files (ef_construction): the heaps grow on push, so a huge
    // ef costs memory only as far as a search really fills them
    int heapCapacity = Math.min(ef, MAX_PREALLOCATED_EF) + 1;
    top = new StdHeap(heapCapacity);
    candidates = new StdHeap(heapCapacity);
    work = new StdHeap(heapCapacity);
    filtered = new StdHeap(heapCapacity);
    beam = new Beam(heapCapacity);
    vector = Arena.ofAuto().allocate(4L * Math.max(1, dim), 64);
  }

  long[] sortKeys(int n) {
    if (sortKeys.length < n) {
      sortKeys = new long[Math.max(n, sortKeys.length * 2)];
    }
    return sortKeys;
  }

  void ensureAccepted(int n) {
    if (acceptedIds.length < n) {
      int size = Math.max(n, acceptedIds.length * 2);
      acceptedIds = new int[size];
      acceptedDistances = new float[size];
      acceptedOffsets = new long[size];
    }
  }

  int[][] pendingLinks(int levels, int m) {
    if (pendingLinks.length < levels || (levels > 0 && pendingLinks[0].length < m)) {
      pendingLinks = new int[Math.max(levels, 4)][m];
      pendingCounts = new int[pendingLinks.length];
    }
    return pendingLinks;
  }

  /** Room for the unvisited neighbours of one node, their offsets and their distances. */
  void fresh(int n) {
    if (freshIds.length < n) {
      int size = Math.max(n, 2 * freshIds.length);
      freshIds = new int[size];
      freshOffsets = new long[size];
      freshDistances = new float[size];
    }
  }

  int[] selected(int n) {
    if (selected.length < n) {
      selected = new int[Math.max(n, selected.length * 2)];
    }
    return selected;
  }
}
