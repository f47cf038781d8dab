package io.hnswj.python;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hnswj.BruteForceIndex;
import io.hnswj.HnswIndex;
import io.hnswj.NotEnoughResultsException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The bridge as the Python side drives it: native buffers (numpy's) passed by address. */
class PythonBridgeTest {
  private static MemorySegment floats(Arena arena, Random random, int count) {
    MemorySegment s = arena.allocate(4L * count, 16);
    for (int i = 0; i < count; i++) {
      s.setAtIndex(ValueLayout.JAVA_FLOAT, i, random.nextFloat());
    }
    return s;
  }

  private static MemorySegment ids(Arena arena, int n, long first) {
    MemorySegment s = arena.allocate(8L * n, 8);
    for (int i = 0; i < n; i++) {
      s.setAtIndex(ValueLayout.JAVA_LONG, i, first + i);
    }
    return s;
  }

  @Test
  void addSearchSerializeThroughAddresses() throws Exception {
    int n = 400, dim = 12, k = 4;
    Random random = new Random(5);
    try (Arena arena = Arena.ofConfined();
        HnswIndex index = PythonBridge.createIndex("l2", dim, n, 8, 50, 100, false)) {
      MemorySegment data = floats(arena, random, n * dim);
      PythonBridge.addItems(index, data.address(), n, ids(arena, n, 1000).address(), 2, false);
      assertEquals(n, index.size());
      MemorySegment labels = arena.allocate(8L * 3 * k, 8);
      MemorySegment distances = arena.allocate(4L * 3 * k, 4);
      PythonBridge.knnQuery(index, data.address(), 3, k, 1, null, labels.address(), distances.address());
      for (int row = 0; row < 3; row++) {
        assertEquals(1000 + row, labels.getAtIndex(ValueLayout.JAVA_LONG, row * k));
        assertEquals(0f, distances.getAtIndex(ValueLayout.JAVA_FLOAT, row * k));
      }
      MemorySegment items = arena.allocate(4L * dim, 4);
      PythonBridge.getItems(index, ids(arena, 1, 1002).address(), 1, items.address());
      assertArrayEquals(data.asSlice(2L * dim * 4, 4L * dim).toArray(ValueLayout.JAVA_FLOAT), items.toArray(ValueLayout.JAVA_FLOAT));

      long size = index.serializedSize();
      MemorySegment bytes = arena.allocate(size);
      PythonBridge.serializeInto(index, bytes.address(), size);
      try (HnswIndex copy = PythonBridge.deserialize(bytes.address(), size, "l2", dim, 0, false, 100)) {
        MemorySegment copyLabels = arena.allocate(8L * 3 * k, 8);
        PythonBridge.knnQuery(copy, data.address(), 3, k, 1, null, copyLabels.address(), arena.allocate(4L * 3 * k).address());
        assertArrayEquals(labels.toArray(ValueLayout.JAVA_LONG), copyLabels.toArray(ValueLayout.JAVA_LONG));
      }
      MemorySegment all = arena.allocate(8L * n, 8);
      PythonBridge.copyLabels(index, all.address(), n);
      // every label once; slot order is not the row order, as two threads added the rows
      long[] copied = all.toArray(ValueLayout.JAVA_LONG);
      Arrays.sort(copied);
      assertArrayEquals(LongStream.range(1000, 1000 + n).toArray(), copied);
      assertThrows(NotEnoughResultsException.class, () -> PythonBridge.knnQuery(index, data.address(), 1, k, 1,
          label -> false, labels.address(), distances.address()));
      assertEquals("RuntimeError", PythonBridge.pythonError(new IllegalArgumentException("Label not found"))[0]);
      assertEquals("Index seems to be corrupted or unsupported",
          PythonBridge.pythonError(new io.hnswj.IndexFormatException("x"))[1]);
    }
  }

  @Test
  void bruteForceThroughAddresses() {
    Random random = new Random(6);
    try (Arena arena = Arena.ofConfined();
        BruteForceIndex index = PythonBridge.createBruteForce("ip", 3, 10)) {
      MemorySegment data = floats(arena, random, 30);
      PythonBridge.bruteForceAdd(index, data.address(), 10, ids(arena, 10, 0).address());
      MemorySegment labels = arena.allocate(8L * 10, 8);
      PythonBridge.bruteForceQuery(index, data.address(), 1, 10, 1, null, labels.address(), arena.allocate(40).address());
      assertEquals(10, index.size());
      assertThrows(IllegalArgumentException.class, () -> PythonBridge.loadIndex("/no/such/file", "l2", 3, 0, false));
    }
  }
}
