package io.hnswj;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The selector against a plain port of hnswlib's {@code getNeighborsByHeuristic2}, one distance at a
 * time, for candidate counts on both sides of the selector's batches and limits it reaches early or never.
 */
class NeighborSelectorTest {
  private static final int DIM = 6;
  private static final int NODES = 300;

  @Test
  void selectsWhatHnswlibsHeuristicSelects() {
    long seed = 20261130;
    Random random = new Random(seed);
    try (HnswGraph graph = new HnswGraph(DIM, 16, NODES)) {
      MemorySegment vectors = graph.level0();
      for (int node = 0; node < NODES; node++) {
        for (int i = 0; i < DIM; i++) {
          // few distinct values, so that distances tie and the order of equal keys matters
          float value = random.nextInt(node % 3 == 0 ? 3 : 50);
          vectors.set(ValueLayout.JAVA_FLOAT_UNALIGNED, graph.vectorAt(node) + 4L * i, value);
        }
      }
      VectorDistance distance = new VectorDistance(Space.L2, Kernels.byName("scalar"), DIM);
      NeighborSelector selector = new NeighborSelector(graph, distance);
      Scratch scratch = new Scratch(DIM, NODES, 64);
      for (int trial = 0; trial < 2_000; trial++) {
        int query = random.nextInt(NODES);
        int n = 1 + random.nextInt(60);
        int limit = 1 + random.nextInt(34);
        StdHeap candidates = new StdHeap(4);
        for (int node : distinctNodes(random, n, query)) {
          candidates.push(distance.between(vectors, graph.vectorAt(query), vectors, graph.vectorAt(node)), node);
        }
        StdHeap expected = reference(graph, distance, candidates, limit);
        selector.select(scratch, candidates, limit);
        String where = "seed " + seed + " trial " + trial + " n " + n + " limit " + limit;
        assertEquals(popAll(expected), popAll(candidates), where);
      }
    }
  }

  private static List<Integer> distinctNodes(Random random, int n, int excluded) {
    List<Integer> nodes = new ArrayList<>();
    while (nodes.size() < n) {
      int node = random.nextInt(NODES);
      if (node != excluded && !nodes.contains(node)) {
        nodes.add(node);
      }
    }
    return nodes;
  }

  // hnswlib: a std::priority_queue of (-distance, id), popped largest pair first; each candidate is
  // kept unless an already kept one is strictly closer to it than the query is
  private static StdHeap reference(HnswGraph graph, VectorDistance distance, StdHeap top, int limit) {
    StdHeap result = new StdHeap(4);
    result.copyFrom(top);
    if (top.size() < limit) {
      return result;
    }
    PriorityQueue<Pair> closest = new PriorityQueue<>((a, b) -> a.negated != b.negated
        ? Float.compare(b.negated, a.negated)
        : Integer.compare(b.id, a.id));
    for (int i = 0; i < top.size(); i++) {
      closest.add(new Pair(-top.keyAt(i), top.idAt(i)));
    }
    List<Pair> kept = new ArrayList<>();
    MemorySegment vectors = graph.level0();
    while (!closest.isEmpty() && kept.size() < limit) {
      Pair current = closest.poll();
      boolean good = true;
      for (Pair other : kept) {
        if (distance.between(vectors, graph.vectorAt(other.id), vectors, graph.vectorAt(current.id))
            < -current.negated) {
          good = false;
          break;
        }
      }
      if (good) {
        kept.add(current);
      }
    }
    result.clear();
    for (Pair pair : kept) {
      result.push(-pair.negated, pair.id);
    }
    return result;
  }

  private record Pair(float negated, int id) {}

  private static List<String> popAll(StdHeap heap) {
    List<String> popped = new ArrayList<>();
    while (!heap.isEmpty()) {
      // + 0f: a zero distance may come back as -0.0, which compares equal and is never read
      popped.add((heap.topKey() + 0f) + "/" + heap.topId());
      heap.pop();
    }
    return popped;
  }
}
