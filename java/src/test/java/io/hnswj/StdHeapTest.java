package io.hnswj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StdHeapTest {
  @Test
  void popsInDescendingKeyOrder() {
    long seed = 20261124;
    Random random = new Random(seed);
    StdHeap heap = new StdHeap(4);
    float[] keys = new float[1000];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = random.nextInt(100) / 7f;
      heap.push(keys[i], i);
    }
    Arrays.sort(keys);
    for (int i = keys.length - 1; i >= 0; i--) {
      assertEquals(keys[i], heap.topKey(), "seed " + seed);
      heap.pop();
    }
    assertTrue(heap.isEmpty());
  }

  @Test
  void equalKeysFollowLibstdcxxOrder() {
    // std::priority_queue<pair<float,int>, ..., CompareByFirst> with keys all 1.0 pushed with ids 0..5
    // pops ids 0, 2, 5, 4, 1, 3 (libstdc++ push_heap/pop_heap; checked with g++ 12)
    StdHeap heap = new StdHeap(4);
    for (int id = 0; id < 6; id++) {
      heap.push(1f, id);
    }
    int[] popped = new int[6];
    for (int i = 0; i < 6; i++) {
      popped[i] = heap.topId();
      heap.pop();
    }
    assertEquals(Arrays.toString(new int[] {0, 2, 5, 4, 1, 3}), Arrays.toString(popped));
  }
}
