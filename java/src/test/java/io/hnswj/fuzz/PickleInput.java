package io.hnswj.fuzz;

import io.hnswj.HnswIndex;
import io.hnswj.python.PythonBridge;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * The parts of a pickled index as {@code PythonBridge.readPickle} receives them, cut from fuzz bytes:
 *
 * <pre>
 * 96 bytes  hnswlib's file header; max_elements, cur_element_count, maxlevel, enterpoint_node, M and
 *           ef_construction are taken from it, the other fields are derived as the Python side does
 * u32 n     then n int32 element_levels
 *           then cur_element_count records of data_level0
 *           the rest: link_lists
 * </pre>
 *
 * Inputs that the Python side ({@code _engine_from_state}) refuses before calling Java are skipped:
 * they are not Java's to check.
 */
record PickleInput(
    ByteBuffer header, byte[] level0, int[] elementLevels, long count, byte[] linkLists, long linksPerElement) {
  private static final int HEADER_BYTES = 96;
  private static final long MAX_M = 10_000;

  /** The parts, or empty if the Python side would refuse them. */
  static Optional<PickleInput> parse(byte[] input, int dim) {
    ByteBuffer in = ByteBuffer.wrap(input).order(ByteOrder.LITTLE_ENDIAN);
    if (in.remaining() < HEADER_BYTES + 4) {
      return Optional.empty();
    }
    long maxElements = in.getLong(8);
    long count = in.getLong(16);
    int maxLevel = in.getInt(48);
    int entry = in.getInt(52);
    long m = Math.min(in.getLong(72), MAX_M);
    long efConstruction = Math.max(in.getLong(88), m);
    long recordBytes = 4 + 8 * m + 4L * dim + 8;
    if (m < 2 || maxElements < 0 || count < 0 || count > maxElements) {
      return Optional.empty();
    }
    in.position(HEADER_BYTES);
    long levelsLength = Integer.toUnsignedLong(in.getInt());
    if (levelsLength < count || levelsLength * 4 > in.remaining()) {
      return Optional.empty();
    }
    int[] levels = new int[(int) levelsLength];
    in.asIntBuffer().get(levels);
    in.position(in.position() + 4 * levels.length);
    for (int i = 0; i < count; i++) {
      if (levels[i] < 0) {
        return Optional.empty();
      }
    }
    if (count * recordBytes > in.remaining()) {
      return Optional.empty();
    }
    byte[] level0 = new byte[(int) (count * recordBytes)];
    in.get(level0);
    byte[] links = new byte[in.remaining()];
    in.get(links);

    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    header.putLong(0).putLong(maxElements).putLong(count).putLong(recordBytes)
        .putLong(4 + 8 * m + 4L * dim).putLong(4 + 8 * m)
        .putInt(maxLevel).putInt(entry)
        .putLong(m).putLong(2 * m).putLong(m).putDouble(1 / Math.log(m)).putLong(efConstruction);
    return Optional.of(new PickleInput(header.flip(), level0, levels, count, links, 4 + 4 * m));
  }

  /** The fuzz bytes of the pickle of an index saved in hnswlib's file format (for seeds). */
  static byte[] fromFile(byte[] file) {
    ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    long capacity = in.getLong(8);
    int count = (int) in.getLong(16);
    int recordBytes = (int) in.getLong(24);
    long linksPerElement = 4 + 4 * in.getLong(56);
    ByteArrayOutputStream links = new ByteArrayOutputStream();
    ByteBuffer levels = ByteBuffer.allocate(4 + 4 * (int) capacity).order(ByteOrder.LITTLE_ENDIAN);
    levels.putInt((int) capacity);
    int position = HEADER_BYTES + count * recordBytes;
    for (int i = 0; i < count; i++) {
      int length = in.getInt(position);
      levels.putInt((int) (length / linksPerElement));
      links.write(file, position + 4, length);
      position += 4 + length;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(file, 0, HEADER_BYTES);
    out.writeBytes(levels.array());
    out.write(file, HEADER_BYTES, count * recordBytes);
    out.writeBytes(links.toByteArray());
    return out.toByteArray();
  }

  /** Calls the bridge as the Python side does, with the parts in native memory as numpy keeps them. */
  HnswIndex load(FuzzOptions options, int dim) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment headerCopy = copy(arena, header.array());
      MemorySegment level0Copy = copy(arena, level0);
      MemorySegment levelsCopy = arena.allocate(4L * elementLevels.length + 1, 4);
      MemorySegment.copy(elementLevels, 0, levelsCopy, java.lang.foreign.ValueLayout.JAVA_INT, 0, elementLevels.length);
      MemorySegment linksCopy = copy(arena, linkLists);
      return PythonBridge.readPickle(
          headerCopy.address(), level0Copy.address(), level0.length, levelsCopy.address(), count,
          linksCopy.address(), linkLists.length, linksPerElement, options.space().pythonName(), dim,
          options.maxElements(), options.allowReplaceDeleted(), 100, "");
    }
  }

  /** hnswlib's file format of these parts: what the loaded index must write back. */
  byte[] asFile() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header.array());
    out.writeBytes(level0);
    ByteBuffer length = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    int at = 0;
    for (int i = 0; i < count; i++) {
      int bytes = (int) (elementLevels[i] * linksPerElement);
      out.writeBytes(length.putInt(0, bytes).array());
      out.write(linkLists, at, bytes);
      at += bytes;
    }
    return out.toByteArray();
  }

  private static MemorySegment copy(Arena arena, byte[] bytes) {
    // one spare byte: numpy's data pointer is never null, not even for an empty array
    MemorySegment segment = arena.allocate(bytes.length + 1L, 8);
    MemorySegment.copy(bytes, 0, segment, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
    return segment;
  }
}
