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
    assertFalse(beam.metTie(), "a tie behind the nearest unexpanded node changes nothing yet");
    // libstdc++'s pop_heap moves the last pushed, 3, into the hole below 2: 2 is on top
    assertEquals(2, beam.expandNext(), "two nearest unexpanded nodes at one distance: the one hnswlib pops");
    assertTrue(beam.metTie());
    assertFalse(beam.irregular(), "the candidate heap's choice needs no replay");
    assertEquals(3, beam.expandNext());
    assertFalse(beam.hasUnexpanded());

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
    assertEquals(1, beam.expandNext(), "pushed first, on top");
    assertTrue(beam.metTie(), "-0.0 and 0.0 compare equal");

    beam.reset(8);
    beam.insert(Float.NaN, 1);
    assertTrue(beam.irregular(), "NaN");

    beam.reset(8);
    beam.insert(1f, 1);
    beam.insert(1f, 2);
    assertTrue(beam.tiesNext(0));
  }

  /**
   * Drives a beam and hnswlib's two heaps with the same nodes, at distances that tie often: up to the
   * beam's stop they accept and expand the same nodes (between tied nearest nodes, the one hnswlib's
   * candidate heap pops), the beam stops exactly where hnswlib would pop a dropped node still as near
   * as the farthest kept, and its replay rebuilds both heaps element for element.
   */
  @Test
  void replaysIntoHnswlibsHeapsUpToItsStop() {
    long seed = 20261205;
    Random random = new Random(seed);
    int stops = 0;
    int tiesChosen = 0;
    for (int round = 0; round < 2000; round++) {
      int ef = 1 + random.nextInt(12);
      int spread = 2 + random.nextInt(60);
      Beam beam = new Beam(4);
      beam.reset(ef);
      StdHeap candidates = new StdHeap(4);
      StdHeap top = new StdHeap(4);
      float first = random.nextInt(spread);
      beam.insert(first, 0);
      candidates.push(-first, 0);
      top.push(first, 0);
      float lowerBound = first;
      boolean stopped = false;
      for (int node = 1; node < 400 && !stopped; node++) {
        float d = random.nextInt(spread);
        boolean accepted = top.size() < ef || lowerBound > d;
        assertEquals(accepted, beam.admits(d), "seed " + seed + " round " + round);
        if (accepted) {
          beam.insert(d, node);
          candidates.push(-d, node);
          top.push(d, node);
          if (top.size() > ef) {
            top.pop();
          }
          lowerBound = top.topKey();
        }
        if (random.nextInt(3) == 0) {
          // hnswlib's bare-bone loop: stop once the nearest candidate is farther than the farthest kept
          boolean hnswlibGoesOn = !candidates.isEmpty() && -candidates.topKey() <= lowerBound;
          if (!beam.hasUnexpanded()) {
            // irregular too where hnswlib stops but kept one of the tied farthest nodes by its layout
            assertTrue(!hnswlibGoesOn || beam.irregular(), "seed " + seed + " round " + round);
            stopped = beam.irregular();
            break;
          }
          assertTrue(hnswlibGoesOn, "seed " + seed + " round " + round);
          int expanded = beam.expandNext();
          if (expanded < 0) {
            assertTrue(beam.irregular(), "seed " + seed + " round " + round);
            stopped = true;
            break;
          }
          assertEquals(candidates.topId(), expanded, "seed " + seed + " round " + round);
          candidates.pop();
        }
      }
      if (beam.metTie()) {
        tiesChosen++;
      }
      if (!stopped && !beam.irregular()) {
        continue;
      }
      stops++;
      StdHeap replayedCandidates = new StdHeap(4);
      StdHeap replayedTop = new StdHeap(4);
      assertEquals(lowerBound, beam.replay(replayedCandidates, replayedTop), "seed " + seed + " round " + round);
      assertSameLayout(candidates, replayedCandidates, "seed " + seed + " round " + round);
      assertSameLayout(top, replayedTop, "seed " + seed + " round " + round);
    }
    assertTrue(stops > 500, "only " + stops + " rounds stopped; seed " + seed);
    assertTrue(tiesChosen > 500, "only " + tiesChosen + " rounds chose between tied nearest nodes; seed " + seed);
  }

  private static void assertSameLayout(StdHeap expected, StdHeap actual, String message) {
    assertEquals(expected.size(), actual.size(), message);
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.keyAt(i), actual.keyAt(i), message + " at " + i);
      assertEquals(expected.idAt(i), actual.idAt(i), message + " at " + i);
    }
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
