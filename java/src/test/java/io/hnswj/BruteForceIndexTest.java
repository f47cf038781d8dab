package io.hnswj;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BruteForceIndexTest {
  @TempDir Path dir;

  @Test
  void exactNeighboursTiesByLabelAndOverwrite() {
    try (BruteForceIndex index = BruteForceIndex.create(Space.L2, 2, 10)) {
      index.add(new float[] {1, 0}, 8);
      index.add(new float[] {0, 1}, 7);
      index.add(new float[] {-1, 0}, 6);
      index.add(new float[] {0, -1}, 5);
      index.add(new float[] {3, 3}, 9);
      SearchResult r = index.search(new float[] {0, 0}, 4, null);
      assertArrayEquals(new long[] {5, 6, 7, 8}, r.labels());
      index.add(new float[] {0.1f, 0}, 9);
      assertEquals(5, index.size());
      assertArrayEquals(new long[] {9}, index.search(new float[] {0, 0}, 1, null).labels());
      assertArrayEquals(new long[] {6, 8}, index.search(new float[] {0, 0}, 2, l -> l % 2 == 0).labels());
    }
  }

  @Test
  void deleteMovesTheLastElementAndIgnoresUnknownLabels() {
    try (BruteForceIndex index = BruteForceIndex.create(Space.L2, 1, 5)) {
      for (int i = 0; i < 5; i++) {
        index.add(new float[] {i}, i);
      }
      index.delete(1);
      index.delete(77);
      assertEquals(4, index.size());
      assertArrayEquals(new long[] {0, 2, 3, 4}, index.search(new float[] {0}, 4, null).labels());
      index.add(new float[] {1.1f}, 10);
      assertArrayEquals(new long[] {10}, index.search(new float[] {1}, 1, null).labels());
      IllegalStateException full = assertThrows(IllegalStateException.class, () -> index.add(new float[] {9}, 11));
      assertEquals("The number of elements exceeds the specified limit\n", full.getMessage());
    }
  }

  @Test
  void batchNeedsKResultsPerRow() {
    try (BruteForceIndex index = BruteForceIndex.create(Space.IP, 2, 5)) {
      index.add(new float[] {1, 0}, 1);
      index.add(new float[] {0, 1}, 2);
      long[] labels = new long[2];
      float[] distances = new float[2];
      index.searchBatch(MemorySegment.ofArray(new float[] {2, 1}), 1, 2, 1, null,
          MemorySegment.ofArray(labels), MemorySegment.ofArray(distances));
      assertArrayEquals(new long[] {1, 2}, labels);
      assertArrayEquals(new float[] {-1, 0}, distances);
      assertThrows(NotEnoughResultsException.class, () -> index.searchBatch(MemorySegment.ofArray(new float[] {2, 1}), 1, 3, 1,
          null, MemorySegment.ofArray(new long[3]), MemorySegment.ofArray(new float[3])));
    }
  }

  @Test
  void savesAndLoadsHnswlibsLayout() throws Exception {
    Path file = dir.resolve("bf.bin");
    try (BruteForceIndex index = BruteForceIndex.create(Space.L2, 4, 5)) {
      index.add(new float[] {1, 2, 3, 4}, 7);
      index.save(file);
      assertEquals(144, Files.size(file), "24 + 5 × (16 + 8), as hnswlib");
    }
    try (BruteForceIndex loaded = BruteForceIndex.load(file, Space.L2, 4)) {
      assertEquals(1, loaded.size());
      assertArrayEquals(new long[] {7}, loaded.search(new float[] {1, 2, 3, 4}, 1, null).labels());
      loaded.add(new float[] {0, 0, 0, 0}, 7);
      assertEquals(1, loaded.size(), "labels are known after loading");
    }
    assertThrows(IndexFormatException.class, () -> BruteForceIndex.load(file, Space.L2, 3));
    byte[] truncated = java.util.Arrays.copyOf(Files.readAllBytes(file), 100);
    Files.write(file, truncated);
    assertThrows(IndexFormatException.class, () -> BruteForceIndex.load(file, Space.L2, 4));
  }
}
