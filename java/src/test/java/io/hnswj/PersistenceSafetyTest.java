package io.hnswj;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saving never destroys the previous file; closing releases off-heap memory. */
class PersistenceSafetyTest {
  @TempDir Path dir;

  @Test
  void aFailedSaveLeavesThePreviousFileIntact() throws Exception {
    Path file = dir.resolve("index.bin");
    Files.write(file, new byte[] {1, 2, 3});
    assertThrows(IOException.class, () -> AtomicFiles.write(file, out -> {
      out.write(ByteBuffer.wrap(new byte[1000]));
      throw new IOException("disk full");
    }));
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(file));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }
  }

  @Test
  void savingIntoAMissingDirectoryRaises() {
    try (HnswIndex index = HnswIndex.builder(Space.L2, 2).maxElements(1).build()) {
      assertThrows(IOException.class, () -> index.save(dir.resolve("no/such/dir/index.bin")));
    }
  }

  @Test
  void closeReleasesOffHeapMemory() {
    long before = NativeMemory.allocatedBytes();
    HnswIndex index = HnswIndex.builder(Space.L2, 64).maxElements(10_000).build();
    BruteForceIndex exact = BruteForceIndex.create(Space.L2, 64, 10_000);
    index.add(TestData.uniform(1, 100, 64), TestData.range(100), 1);
    long recordBytes = 4 + 4 * 32 + 4 * 64 + 8;
    assertEquals(before + 10_000 * recordBytes + 10_000 * (4L * 64 + 8), NativeMemory.allocatedBytes());
    index.resize(20_000);
    assertEquals(before + 20_000 * recordBytes + 10_000 * (4L * 64 + 8), NativeMemory.allocatedBytes());
    index.close();
    exact.close();
    assertEquals(before, NativeMemory.allocatedBytes());
  }
}
