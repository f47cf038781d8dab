package io.hnswj;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class NativeMemoryTest {
  private static final boolean LINUX =
      System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");

  @Test
  void largeBlocksAreHugePageMappingsOnLinux() throws IOException {
    assertEquals(LINUX, HugePageMappings.available(), "huge page mappings are used exactly on Linux");
    long bytes = 5 * HugePageMappings.HUGE_PAGE + 12_345;
    long before = NativeMemory.allocatedBytes();
    NativeMemory.Block block = NativeMemory.allocateZeroed(bytes);
    MemorySegment segment = block.segment();
    long address = segment.address();
    try {
      assertEquals(bytes, segment.byteSize());
      assertEquals(before + bytes, NativeMemory.allocatedBytes());
      for (long at = 0; at < bytes; at += 4093) {
        assertEquals(0, segment.get(JAVA_BYTE, at), "zeroed at " + at);
      }
      segment.set(JAVA_LONG_UNALIGNED, bytes - 8, 0x1234_5678_9abc_def0L);
      assertEquals(0x1234_5678_9abc_def0L, segment.get(JAVA_LONG_UNALIGNED, bytes - 8));
      if (LINUX) {
        assertEquals(0, address % HugePageMappings.HUGE_PAGE, "2 MiB aligned");
        String flags = vmFlags(address);
        assertNotNull(flags, "no mapping in /proc/self/smaps holds the block");
        assertTrue(List.of(flags.split(" ")).contains("hg"), "advised for huge pages: " + flags);
      }
    } finally {
      block.close();
    }
    assertEquals(before, NativeMemory.allocatedBytes());
    if (LINUX) {
      assertNull(vmFlags(address), "the mapping is gone once the block is closed");
    }
  }

  @Test
  void smallBlocksComeFromCalloc() throws IOException {
    long before = NativeMemory.allocatedBytes();
    try (NativeMemory.Block block = NativeMemory.allocateZeroed(4096)) {
      assertEquals(4096, block.segment().byteSize());
      assertEquals(before + 4096, NativeMemory.allocatedBytes());
      if (LINUX) {
        String flags = vmFlags(block.segment().address());
        assertFalse(flags != null && List.of(flags.split(" ")).contains("hg"), "not advised: " + flags);
      }
    }
    assertEquals(before, NativeMemory.allocatedBytes());
  }

  @Test
  void growingAGraphKeepsItsRecords() {
    try (HnswGraph graph = new HnswGraph(128, 16, 1_000)) {
      for (int node = 0; node < 1_000; node++) {
        graph.setLabel(node, 7L * node);
      }
      graph.grow(20_000, 1_000); // from calloc's block to a huge page mapping on Linux
      for (int node = 0; node < 1_000; node++) {
        assertEquals(7L * node, graph.label(node));
      }
      assertEquals(0L, graph.label(19_999));
    }
  }

  /** The VmFlags of the mapping of /proc/self/smaps that contains {@code address}, or null. */
  private static String vmFlags(long address) throws IOException {
    List<String> lines = Files.readAllLines(Path.of("/proc/self/smaps"));
    boolean inside = false;
    for (String line : lines) {
      int dash = line.indexOf('-');
      int space = line.indexOf(' ');
      if (dash > 0 && space > dash && line.substring(0, dash).matches("[0-9a-f]+")) {
        long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
        long end = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
        inside = start <= address && address < end;
      } else if (inside && line.startsWith("VmFlags:")) {
        return line.substring("VmFlags:".length()).trim();
      }
    }
    return null;
  }
}
