package io.hnswj;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
