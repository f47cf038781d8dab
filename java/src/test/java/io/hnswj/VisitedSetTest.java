package io.hnswj;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The visited set grows with the node ids it sees, not with the index's capacity. */
class VisitedSetTest {
  @Test
  void growsPastItsFirstSizeAndKeepsWhatItSaw() {
    VisitedSet visited = new VisitedSet(1);
    visited.reset();
    assertTrue(visited.visit(0));
    assertTrue(visited.visit(1000));
    assertTrue(visited.visit(5));
    assertFalse(visited.visit(0));
    assertFalse(visited.visit(1000));
    assertFalse(visited.visit(5));
    visited.reset();
    assertTrue(visited.visit(1000));
  }

  @Test
  void forgetsEverythingAcrossTheGenerationWraparound() {
    VisitedSet visited = new VisitedSet(4);
    for (int search = 0; search < 70_000; search++) {
      visited.reset();
      assertTrue(visited.visit(search % 4), "search " + search);
      assertFalse(visited.visit(search % 4));
    }
  }

  /**
   * The branch-free bulk visit keeps exactly what visit() node after node would, in order: nodes seen
   * in earlier lists, repeated within a list, beyond the tags' length, across generation wraparounds.
   */
  @Test
  void keepUnvisitedAgreesWithVisitingOneByOne() {
    long seed = 20261205;
    Random random = new Random(seed);
    VisitedSet bulk = new VisitedSet(8);
    VisitedSet single = new VisitedSet(8);
    for (int search = 0; search < 70_000; search++) {
      bulk.reset();
      single.reset();
      int range = 1 + random.nextInt(search < 1000 ? 5000 : 64);
      for (int list = 0; list < 3; list++) {
        int[] nodes = new int[random.nextInt(40)];
        for (int j = 0; j < nodes.length; j++) {
          nodes[j] = random.nextInt(range);
        }
        int[] expected = Arrays.stream(nodes).filter(single::visit).toArray();
        int[] kept = nodes.clone();
        int count = bulk.keepUnvisited(kept, kept.length);
        assertEquals(expected.length, count, "seed " + seed + ", search " + search);
        assertArrayEquals(expected, Arrays.copyOf(kept, count), "seed " + seed + ", search " + search);
      }
    }
  }
}
