package io.hnswj;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Small cases whose answers can be checked by hand. */
class HnswIndexTest {
  @TempDir Path dir;

  private static HnswIndex line(int n) {
    // points 0, 1, 2, ... on a line in 2-d
    HnswIndex index = HnswIndex.builder(Space.L2, 2).maxElements(n).m(4).efConstruction(20).build();
    for (int i = 0; i < n; i++) {
      index.add(new float[] {i, 0}, 100 + i);
    }
    return index;
  }

  @Test
  void findsExactNeighboursOnALine() {
    try (HnswIndex index = line(50)) {
      index.setEf(20);
      SearchResult r = index.search(new float[] {10.2f, 0}, 3);
      assertArrayEquals(new long[] {110, 111, 109}, r.labels());
      assertArrayEquals(new float[] {0.04f, 0.64f, 1.44f}, r.distances(), 1e-5f);
    }
  }

  @Test
  void tiesAreOrderedByLabel() {
    try (HnswIndex index = HnswIndex.builder(Space.L2, 2).maxElements(10).build()) {
      index.add(new float[] {5, 5}, 9);
      index.add(new float[] {1, 0}, 8);
      index.add(new float[] {0, 1}, 7);
      index.add(new float[] {-1, 0}, 6);
      index.add(new float[] {0, -1}, 5);
      SearchResult r = index.search(new float[] {0, 0}, 4);
      assertArrayEquals(new long[] {5, 6, 7, 8}, r.labels());
      assertArrayEquals(new float[] {1, 1, 1, 1}, r.distances());
    }
  }

  @Test
  void spacesGiveHnswlibsDistances() {
    float[][] data = {{1, 0, 0, 0, 0}, {0, 1, 0, 0, 0}, {0, 0, 1, 0, 0}, {0, 0, 0, 1, 0}, {0, 0, 0, 0, 1}};
    float[] query = {2, 1, 0, 0, 0};
    try (HnswIndex l2 = HnswIndex.builder(Space.L2, 5).maxElements(5).build();
        HnswIndex ip = HnswIndex.builder(Space.IP, 5).maxElements(5).build();
        HnswIndex cosine = HnswIndex.builder(Space.COSINE, 5).maxElements(6).build()) {
      for (HnswIndex index : new HnswIndex[] {l2, ip, cosine}) {
        index.add(data, TestData.range(5), 1);
      }
      assertArrayEquals(new float[] {2, 4, 6, 6, 6}, l2.search(query, 5).distances(), 1e-6f);
      assertArrayEquals(new float[] {-1, 0, 1, 1, 1}, ip.search(query, 5).distances(), 1e-6f);
      float c1 = 1 - 2 / (float) Math.sqrt(5);
      float c2 = 1 - 1 / (float) Math.sqrt(5);
      assertArrayEquals(new float[] {c1, c2, 1, 1, 1}, cosine.search(query, 5).distances(), 1e-6f);
      // cosine stores the normalised vector
      cosine.add(new float[] {3, 4, 0, 0, 0}, 42);
      assertArrayEquals(new float[] {0.6f, 0.8f, 0, 0, 0}, cosine.getVector(42), 1e-7f);
    }
  }

  @Test
  void updatesInPlaceWithoutDuplicates() {
    try (HnswIndex index = line(20)) {
      index.add(new float[] {100, 0}, 105);
      assertEquals(20, index.size());
      assertArrayEquals(new float[] {100, 0}, index.getVector(105));
      SearchResult r = index.search(new float[] {99, 0}, 1);
      assertArrayEquals(new long[] {105}, r.labels());
      assertFalse(Arrays.stream(index.search(new float[] {5, 0}, 3).labels()).anyMatch(l -> l == 105));
    }
  }

  @Test
  void deletedElementsAreNeverReturned() {
    try (HnswIndex index = line(30)) {
      index.markDeleted(110);
      assertTrue(index.isDeleted(110));
      assertEquals(1, index.deletedCount());
      assertEquals(30, index.size());
      SearchResult r = index.search(new float[] {10, 0}, 2);
      assertArrayEquals(new long[] {109, 111}, r.labels());
      assertThrows(IllegalArgumentException.class, () -> index.getVector(110), "Label not found");
      IllegalStateException again = assertThrows(IllegalStateException.class, () -> index.markDeleted(110));
      assertEquals("The requested to delete element is already deleted", again.getMessage());
      index.unmarkDeleted(110);
      assertArrayEquals(new long[] {110}, index.search(new float[] {10, 0}, 1).labels());
      IllegalStateException notDeleted = assertThrows(IllegalStateException.class, () -> index.unmarkDeleted(110));
      assertEquals("The requested to undelete element is not deleted", notDeleted.getMessage());
      IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> index.markDeleted(7));
      assertEquals("Label not found", unknown.getMessage());
    }
  }

  @Test
  void fewerResultsThanKWhenTheIndexIsSmall() {
    try (HnswIndex index = line(3)) {
      assertEquals(3, index.search(new float[] {0, 0}, 10).size());
      index.markDeleted(100);
      assertEquals(2, index.search(new float[] {0, 0}, 10).size());
      assertEquals(0, index.search(new float[] {0, 0}, 0).size());
      MemorySegment labels = MemorySegment.ofArray(new long[10]);
      MemorySegment distances = MemorySegment.ofArray(new float[10]);
      NotEnoughResultsException e = assertThrows(NotEnoughResultsException.class,
          () -> index.searchBatch(MemorySegment.ofArray(new float[] {0, 0}), 1, 10, 1, null, labels, distances));
      assertEquals("Cannot return the results in a contiguous 2D array. Probably ef or M is too small", e.getMessage());
    }
    try (HnswIndex empty = HnswIndex.builder(Space.L2, 2).maxElements(3).build()) {
      assertEquals(0, empty.search(new float[] {0, 0}, 1).size());
    }
  }

  @Test
  void filterKeepsOnlyAcceptedLabels() {
    try (HnswIndex index = line(100)) {
      index.setEf(50);
      SearchResult r = index.search(new float[] {50, 0}, 5, label -> label % 2 == 0);
      assertArrayEquals(new long[] {150, 148, 152, 146, 154}, r.labels());
      assertEquals(0, index.search(new float[] {50, 0}, 5, label -> false).size());
    }
  }

  @Test
  void capacityIsEnforcedAndResizable() {
    try (HnswIndex index = line(5)) {
      IllegalStateException full = assertThrows(IllegalStateException.class, () -> index.add(new float[] {9, 9}, 1));
      assertEquals("The number of elements exceeds the specified limit", full.getMessage());
      assertEquals(5, index.size());
      IllegalArgumentException small = assertThrows(IllegalArgumentException.class, () -> index.resize(4));
      assertEquals("Cannot resize, max element is less than the current number of elements", small.getMessage());
      index.resize(10);
      index.add(new float[] {9, 9}, 1);
      assertEquals(6, index.size());
      assertEquals(10, index.capacity());
      assertArrayEquals(new long[] {1}, index.search(new float[] {9, 9}, 1).labels());
      assertArrayEquals(new long[] {100, 101, 102, 103, 104, 1}, index.labels());
    }
  }

  @Test
  void batchStopsAtCapacityKeepingEarlierRows() {
    try (HnswIndex index = HnswIndex.builder(Space.L2, 2).maxElements(3).build()) {
      float[] flat = {0, 0, 1, 1, 2, 2, 3, 3};
      assertThrows(IllegalStateException.class, () -> index.add(flat, 4, new long[] {0, 1, 2, 3}, 1));
      assertEquals(3, index.size());
    }
  }

  @Test
  void replacesDeletedSlots() {
    try (HnswIndex index = HnswIndex.builder(Space.L2, 2).maxElements(3).allowReplaceDeleted(true).build()) {
      index.add(new float[] {0, 0}, 1);
      index.add(new float[] {1, 1}, 2);
      index.add(new float[] {2, 2}, 3);
      index.markDeleted(2);
      IllegalStateException updateDeleted = assertThrows(IllegalStateException.class, () -> index.add(new float[] {5, 5}, 2));
      assertEquals("Can't use addPoint to update deleted elements if replacement of deleted elements is enabled.",
          updateDeleted.getMessage());
      index.add(new float[] {7, 7}, 4, true);
      assertEquals(3, index.size());
      assertFalse(index.contains(2));
      assertEquals(0, index.deletedCount());
      assertArrayEquals(new long[] {4}, index.search(new float[] {7, 7}, 1).labels());
      // no vacancy left: falls back to a normal insert, which is over capacity
      assertThrows(IllegalStateException.class, () -> index.add(new float[] {8, 8}, 5, true));
    }
    try (HnswIndex plain = HnswIndex.builder(Space.L2, 2).maxElements(3).build()) {
      IllegalStateException disabled = assertThrows(IllegalStateException.class, () -> plain.add(new float[] {0, 0}, 1, true));
      assertEquals("Replacement of deleted elements is disabled in constructor", disabled.getMessage());
    }
  }

  @Test
  void replaceDeletedKeepsALabelThatIsAlreadyThereInItsOwnSlot() {
    // hnswlib moves such a label to a vacant slot and leaves the old slot live under the same label
    try (HnswIndex index = HnswIndex.builder(Space.L2, 2).maxElements(4).allowReplaceDeleted(true).build()) {
      for (int i = 0; i < 4; i++) {
        index.add(new float[] {i, i}, i);
      }
      index.markDeleted(1);
      index.markDeleted(2);
      index.add(new float[] {9, 9}, 3, true);  // live label: updated in place, no vacancy used
      index.add(new float[] {8, 8}, 2, true);  // deleted label: its own slot revived
      assertArrayEquals(new long[] {0, 1, 2, 3}, index.labels());
      assertEquals(1, index.deletedCount());
      assertArrayEquals(new float[] {9, 9}, index.getVector(3));
      assertArrayEquals(new float[] {8, 8}, index.getVector(2));
      index.markDeleted(3);
      SearchResult all = index.search(new float[] {9, 9}, 2);
      assertArrayEquals(new long[] {2, 0}, all.labels(), "label 3 is deleted in its only slot");
      index.add(new float[] {5, 5}, 7, true);  // a new label takes one of the vacant slots (1 or 3)
      index.add(new float[] {6, 6}, 8, true);
      long[] labels = index.labels();
      Arrays.sort(labels);
      assertArrayEquals(new long[] {0, 2, 7, 8}, labels);
      assertEquals(0, index.deletedCount());
    }
  }

  @Test
  void reAddingADeletedLabelUndeletesIt() {
    try (HnswIndex index = line(10)) {
      index.markDeleted(103);
      index.add(new float[] {3, 0}, 103);
      assertFalse(index.isDeleted(103));
      assertEquals(0, index.deletedCount());
    }
  }

  @Test
  void badArgumentsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> HnswIndex.builder(Space.L2, 0));
    assertThrows(IllegalArgumentException.class, () -> HnswIndex.builder(Space.L2, 4).m(1).build());
    assertThrows(IllegalArgumentException.class, () -> HnswIndex.builder(Space.L2, 4).maxElements(-1).build());
    assertThrows(IllegalArgumentException.class, () -> HnswIndex.builder(Space.L2, 4).maxElements(1L << 40).build());
    try (HnswIndex index = line(3)) {
      assertThrows(IllegalArgumentException.class, () -> index.add(new float[] {1, 2, 3}, 1));
      assertThrows(IllegalArgumentException.class, () -> index.search(new float[] {1}, 1));
      assertThrows(IllegalArgumentException.class, () -> index.search(new float[] {1, 1}, -1));
      assertThrows(IllegalArgumentException.class, () -> index.setEf(-1));
      assertEquals(3, index.size());
    }
    IllegalArgumentException space = assertThrows(IllegalArgumentException.class, () -> Space.fromName("l3"));
    assertEquals("Space name must be one of l2, ip, or cosine.", space.getMessage());
  }

  @Test
  void efConstructionIsAtLeastM() {
    try (HnswIndex index = HnswIndex.builder(Space.L2, 2).maxElements(1).m(32).efConstruction(10).build()) {
      assertEquals(32, index.efConstruction());
      assertEquals(10, index.ef());
    }
  }

  @Test
  void closedIndexRefusesCalls() {
    HnswIndex index = line(3);
    index.close();
    index.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> index.search(new float[] {0, 0}, 1));
    assertEquals("Index is closed", e.getMessage());
    assertThrows(IllegalStateException.class, () -> index.add(new float[] {0, 0}, 1));
  }

  @Test
  void savesAndLoadsWithLargerCapacity() throws Exception {
    Path file = dir.resolve("line.bin");
    try (HnswIndex index = line(20)) {
      index.markDeleted(107);
      index.save(file);
      assertEquals(index.serializedSize(), java.nio.file.Files.size(file));
    }
    try (HnswIndex loaded = HnswIndex.load(file, Space.L2, 2, 40, false)) {
      assertEquals(40, loaded.capacity());
      assertEquals(20, loaded.size());
      assertEquals(1, loaded.deletedCount());
      assertEquals(10, loaded.ef());
      assertArrayEquals(new long[] {106, 108}, loaded.search(new float[] {7, 0}, 2).labels());
      loaded.add(new float[] {50, 0}, 7);
      assertArrayEquals(new long[] {7}, loaded.search(new float[] {49, 0}, 1).labels());
    }
    try (HnswIndex smaller = HnswIndex.load(file, Space.L2, 2, 5, false)) {
      assertEquals(20, smaller.capacity(), "a capacity below the count keeps the file's");
    }
    IndexFormatException wrongDim = assertThrows(IndexFormatException.class, () -> HnswIndex.load(file, Space.L2, 3, 0, false));
    assertTrue(wrongDim.getMessage().startsWith("Index seems to be corrupted or unsupported"));
    assertThrows(java.nio.file.NoSuchFileException.class, () -> HnswIndex.load(dir.resolve("missing"), Space.L2, 2, 0, false));
  }

  @Test
  void sameSeedSameGraph() throws Exception {
    float[][] data = TestData.uniform(5, 2000, 12);
    byte[][] files = new byte[2][];
    for (int run = 0; run < 2; run++) {
      try (HnswIndex index = HnswIndex.builder(Space.L2, 12).maxElements(2000).randomSeed(77).build()) {
        index.add(data, TestData.range(2000), 1);
        Path file = dir.resolve("run" + run);
        index.save(file);
        files[run] = java.nio.file.Files.readAllBytes(file);
      }
    }
    assertArrayEquals(files[0], files[1]);
  }
}
