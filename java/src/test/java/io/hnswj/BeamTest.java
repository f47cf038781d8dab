package io.hnswj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BeamTest {
  private record Node(float distance, int id) {}

  @Test
  void keepsTheNearestSortedAndExpandsTheNearestUnexpandedFirst() {
    long seed = 20261204;
    Random random = new Random(seed);
    for (int round = 0; round < 200; round++) {
      int ef = 1 + random.nextInt(40);
      Beam beam = new Beam(4);
      beam.reset(ef);
      List<Node> kept = new ArrayList<>();
      List<Integer> expanded = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        // distinct distances, negative ones included (inner product): no tie, so the beam stays regular
        float d = (random.nextInt(2_000_000) - 500_000) / 1000f + i * 1e-7f;
        if (kept.stream().anyMatch(n -> n.distance() == d)) {
          continue;
        }
        boolean admitted = kept.size() < ef || d < kept.get(kept.size() - 1).distance();
        assertEquals(admitted, beam.admits(d), "seed " + seed);
        if (admitted) {
          beam.insert(d, i);
          kept.add(new Node(d, i));
          kept.sort(Comparator.comparingDouble(Node::distance));
          if (kept.size() > ef) {
            kept.remove(kept.size() - 1);
          }
        }
        if (random.nextInt(3) == 0 && beam.hasUnexpanded()) {
          Node nearest = kept.stream().filter(n -> !expanded.contains(n.id())).findFirst().orElseThrow();
          assertEquals(nearest.id(), beam.expandNext(), "seed " + seed);
          expanded.add(nearest.id());
        }
        assertEquals(kept.stream().anyMatch(n -> !expanded.contains(n.id())), beam.hasUnexpanded(), "seed " + seed);
      }
      assertEquals(kept.size(), beam.size(), "seed " + seed);
      for (int i = 0; i < kept.size(); i++) {
        assertEquals(kept.get(i).distance(), beam.distanceAt(i), "seed " + seed);
        assertEquals(kept.get(i).id(), beam.nodeAt(i), "seed " + seed);
      }
      assertFalse(beam.irregular(), "seed " + seed);
    }
  }

  @Test
  void reportsTheTiesHnswlibsHeapsWouldDecide() {
    Beam beam = new Beam(4);
    beam.reset(8);
    beam.insert(1f, 1);
    beam.insert(2f, 2);
    beam.insert(2f, 3);
    assertEquals(1, beam.expandNext());
    assertFalse(beam.irregular(), "a tie behind the nearest unexpanded node changes nothing yet");
    beam.expandNext();
    assertTrue(beam.irregular(), "two nearest unexpanded nodes at one distance");

    beam.reset(3);
    beam.insert(1f, 1);
    beam.insert(3f, 2);
    beam.insert(3f, 3);
    assertFalse(beam.irregular());
    beam.insert(2f, 4);
    assertTrue(beam.irregular(), "one of two farthest nodes at one distance dropped, the other kept");
    beam.insert(1.5f, 5);
    assertFalse(beam.irregular(), "both gone: which went first changes nothing");

    beam.reset(8);
    beam.insert(-0.0f, 1);
    beam.insert(0.0f, 2);
    beam.expandNext();
    assertTrue(beam.irregular(), "-0.0 and 0.0 compare equal");

    beam.reset(8);
    beam.insert(Float.NaN, 1);
    assertTrue(beam.irregular(), "NaN");

    beam.reset(8);
    beam.insert(1f, 1);
    beam.insert(1f, 2);
    assertTrue(beam.tiesNext(0));
  }

  @Test
  void growsPastItsInitialCapacity() {
    Beam beam = new Beam(4);
    beam.reset(1000);
    for (int i = 0; i < 1000; i++) {
      beam.insert(1000 - i, i);
    }
    assertEquals(1000, beam.size());
    assertEquals(1f, beam.distanceAt(0));
    assertEquals(999, beam.nodeAt(0));
  }
}
