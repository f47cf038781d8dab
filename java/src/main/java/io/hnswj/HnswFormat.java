package io.hnswj;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * hnswlib's index file ({@code HierarchicalNSW::saveIndex}/{@code loadIndex}), unversioned,
 * little-endian:
 *
 * <pre>
 * offset size field
 *      0    8 offsetLevel0 (0)
 *      8    8 max_elements
 *     16    8 cur_element_count
 *     24    8 size_data_per_element = 4 + 4·maxM0 + 4·dim + 8
 *     32    8 label_offset          = 4 + 4·maxM0 + 4·dim
 *     40    8 offsetData            = 4 + 4·maxM0
 *     48    4 maxlevel (i32, -1 when empty)
 *     52    4 enterpoint_node (u32)
 *     56    8 maxM (= M)
 *     64    8 maxM0 (= 2M)
 *     72    8 M
 *     80    8 mult (f64, 1/ln M)
 *     88    8 ef_construction
 *     96      cur_element_count level-0 records (see {@link HnswGraph})
 *         then per element: u32 length + length bytes of upper-level blocks (level × (4 + 4·maxM))
 * </pre>
 *
 * Reading treats the bytes as untrusted: every size is checked against the stream's length and the
 * expected dimension before anything is allocated, and every link is checked to name an existing node
 * of a high enough level, so a corrupt file gives an {@link IndexFormatException}, never an
 * out-of-memory error or a later crash.
 */
final class HnswFormat {
  static final int HEADER_BYTES = 96;
  private static final int CHUNK = 1 << 20;

  private HnswFormat() {}

  static long serializedSize(HnswGraph graph, int count) {
    long size = HEADER_BYTES + count * graph.recordBytes;
    for (int i = 0; i < count; i++) {
      size += 4 + 4L * graph.level(i) * graph.upperBlockInts;
    }
    return size;
  }

  static void write(HnswIndex index, HnswGraph graph, int count, WritableByteChannel out) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    HnswGraph.EntryPoint entry = graph.entryPoint();
    header.putLong(0);
    header.putLong(graph.capacity());
    header.putLong(count);
    header.putLong(graph.recordBytes);
    header.putLong(graph.labelOffset);
    header.putLong(graph.vectorOffset);
    header.putInt(entry == null ? -1 : entry.level());
    header.putInt(entry == null ? -1 : entry.node());
    header.putLong(graph.maxM);
    header.putLong(graph.maxM0);
    header.putLong(index.m());
    header.putDouble(index.levelMultiplier());
    header.putLong(index.efConstruction());
    writeFully(out, header.flip());

    MemorySegment level0 = graph.level0();
    long level0Bytes = count * graph.recordBytes;
    for (long at = 0; at < level0Bytes; at += CHUNK) {
      writeFully(out, level0.asSlice(at, Math.min(CHUNK, level0Bytes - at)).asByteBuffer());
    }

    ByteBuffer buffer = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      int[] links = graph.upperLinks(i);
      int length = links == null ? 0 : links.length;
      flushIfFull(out, buffer, 4);
      buffer.putInt(4 * length);
      for (int j = 0; j < length; j++) {
        flushIfFull(out, buffer, 4);
        buffer.putInt(links[j]);
      }
    }
    writeFully(out, buffer.flip());
  }

  private static void flushIfFull(WritableByteChannel out, ByteBuffer buffer, int needed) throws IOException {
    if (buffer.remaining() < needed) {
      writeFully(out, buffer.flip());
      buffer.clear();
    }
  }

  private static void writeFully(WritableByteChannel out, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
  }

  static HnswIndex read(
      ReadableByteChannel in,
      long size,
      Space space,
      int dim,
      long maxElements,
      boolean allowReplaceDeleted,
      long randomSeed,
      DistanceKernel kernel)
      throws IOException {
    if (dim <= 0) {
      throw new IllegalArgumentException("dim must be positive, got " + dim);
    }
    if (size < HEADER_BYTES) {
      throw new IndexFormatException("the file has " + size + " bytes, less than the 96-byte header");
    }
    ByteBuffer header = readExactly(in, HEADER_BYTES);
    long offsetLevel0 = header.getLong();
    long fileCapacity = header.getLong();
    long count = header.getLong();
    long recordBytes = header.getLong();
    long labelOffset = header.getLong();
    long vectorOffset = header.getLong();
    int maxLevel = header.getInt();
    long entryNode = Integer.toUnsignedLong(header.getInt());
    long maxM = header.getLong();
    long maxM0 = header.getLong();
    long m = header.getLong();
    double mult = header.getDouble();
    long efConstruction = header.getLong();

    require(offsetLevel0 == 0, "offsetLevel0 is " + offsetLevel0 + ", expected 0");
    require(m >= 1 && m <= HnswIndex.MAX_M, "M is " + m);
    require(maxM == m, "maxM is " + maxM + " but M is " + m);
    require(maxM0 == 2 * m, "maxM0 is " + maxM0 + " but M is " + m);
    require(vectorOffset == 4 + 4 * maxM0, "offsetData is " + vectorOffset + ", expected " + (4 + 4 * maxM0));
    require(recordBytes >= vectorOffset + 8 && (recordBytes - vectorOffset - 8) % 4 == 0,
        "size_data_per_element is " + recordBytes);
    long fileDim = (recordBytes - vectorOffset - 8) / 4;
    require(fileDim == dim, "the file holds vectors of dimension " + fileDim + ", the index expects " + dim);
    require(labelOffset == vectorOffset + 4L * dim, "label_offset is " + labelOffset);
    require(Double.isFinite(mult) && mult > 0, "mult is " + mult);
    require(efConstruction >= 1 && efConstruction <= Integer.MAX_VALUE, "ef_construction is " + efConstruction);
    require(count >= 0 && count <= fileCapacity && count <= HnswIndex.MAX_CAPACITY,
        "cur_element_count " + count + " with max_elements " + fileCapacity);
    long level0Bytes = count * recordBytes;
    require(level0Bytes <= size - HEADER_BYTES - 4 * count,
        "the file has " + size + " bytes, too few for " + count + " elements of " + recordBytes + " bytes");

    long capacity = maxElements >= count ? maxElements : fileCapacity;
    require(capacity <= HnswIndex.MAX_CAPACITY, "max_elements " + capacity + " is too large");
    int n = (int) count;
    HnswIndex index = new HnswIndex(
        space, dim, (int) m, (int) efConstruction, capacity, randomSeed, allowReplaceDeleted, kernel, mult);
    boolean ok = false;
    try {
      HnswGraph graph = index.graph();
      readInto(in, graph.level0(), level0Bytes);
      long position = HEADER_BYTES + level0Bytes;
      long blockBytes = 4 + 4 * maxM;
      // one small record per element: read through a buffer, never past the index's last byte
      BoundedReader links = new BoundedReader(in, size - position);
      for (int i = 0; i < n; i++) {
        graph.prepare(i);
        // the messages are built only on failure: these checks run for every element
        if (position + 4 > size) {
          throw new IndexFormatException("the file ends inside the link lists of element " + i);
        }
        long length = Integer.toUnsignedLong(links.readInt());
        position += 4;
        if (length % blockBytes != 0) {
          throw new IndexFormatException("element " + i + " has upper links of " + length + " bytes");
        }
        if (length > size - position) {
          throw new IndexFormatException("the file ends inside the link lists of element " + i);
        }
        long level = length / blockBytes;
        if (level > Math.max(maxLevel, 0)) {
          throw new IndexFormatException("element " + i + " has level " + level + " above maxlevel " + maxLevel);
        }
        if (length > 0) {
          int[] ints = new int[(int) (length / 4)];
          links.readInts(ints);
          graph.setUpperLinks(i, ints);
        }
        position += length;
      }
      require(position == size, "the file has " + (size - position) + " bytes after the last element");
      HnswGraph.EntryPoint entry = null;
      if (n > 0) {
        require(entryNode < n, "enterpoint_node " + entryNode + " is not an element");
        require(graph.level((int) entryNode) == maxLevel,
            "maxlevel " + maxLevel + " differs from the entry point's level " + graph.level((int) entryNode));
        entry = new HnswGraph.EntryPoint((int) entryNode, maxLevel);
      }
      checkLinks(graph, n);
      index.restore(n, entry);
      ok = true;
      return index;
    } finally {
      if (!ok) {
        index.close();
      }
    }
  }

  /**
   * Every stored link must name an element of at least the link's level: searches then never fail.
   * Messages are built only on failure: the checks run for every link.
   */
  private static void checkLinks(HnswGraph graph, int n) throws IndexFormatException {
    for (int node = 0; node < n; node++) {
      int count0 = graph.level0Count(node);
      if (count0 > graph.maxM0) {
        throw new IndexFormatException("element " + node + " has " + count0 + " links on level 0");
      }
      for (int j = 0; j < count0; j++) {
        int neighbor = graph.level0Neighbor(node, j);
        if (neighbor < 0 || neighbor >= n) {
          throw new IndexFormatException("element " + node + " links to " + Integer.toUnsignedString(neighbor));
        }
      }
      int level = graph.level(node);
      for (int l = 1; l <= level; l++) {
        int count = graph.count(node, l);
        if (count < 0 || count > graph.maxM) {
          throw new IndexFormatException("element " + node + " has " + count + " links on level " + l);
        }
        for (int j = 0; j < count; j++) {
          int neighbor = graph.neighbor(node, l, j);
          if (neighbor < 0 || neighbor >= n || graph.level(neighbor) < l) {
            throw new IndexFormatException(
                "element " + node + " links on level " + l + " to " + Integer.toUnsignedString(neighbor));
          }
        }
      }
    }
  }

  static void require(boolean condition, String detail) throws IndexFormatException {
    if (!condition) {
      throw new IndexFormatException(detail);
    }
  }

  /**
   * Little-endian ints from a channel through a 64 KiB buffer, reading at most {@code limit} bytes from
   * it: the channel may go on past the index (a pickle's parts), and a file's upper levels are one
   * 4-byte length and a few links per element, a system call each if read one by one.
   */
  private static final class BoundedReader {
    private final ReadableByteChannel in;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN).limit(0);
    private long unread;

    BoundedReader(ReadableByteChannel in, long limit) {
      this.in = in;
      this.unread = limit;
    }

    int readInt() throws IOException {
      ensure(4);
      return buffer.getInt();
    }

    void readInts(int[] into) throws IOException {
      for (int at = 0; at < into.length; ) {
        ensure(4);
        int count = Math.min(into.length - at, buffer.remaining() / 4);
        buffer.asIntBuffer().get(into, at, count);
        buffer.position(buffer.position() + 4 * count);
        at += count;
      }
    }

    private void ensure(int bytes) throws IOException {
      if (buffer.remaining() >= bytes) {
        return;
      }
      buffer.compact();
      buffer.limit((int) Math.min(buffer.capacity(), buffer.position() + unread));
      while (buffer.position() < bytes) {
        int read = in.read(buffer);
        if (read < 0 || (read == 0 && !buffer.hasRemaining())) {
          throw new IndexFormatException("unexpected end of file");
        }
        unread -= read;
      }
      buffer.flip();
    }
  }

  static ByteBuffer readExactly(ReadableByteChannel in, int bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    readFully(in, buffer);
    return buffer.flip();
  }

  static void readInto(ReadableByteChannel in, MemorySegment target, long bytes) throws IOException {
    for (long at = 0; at < bytes; at += CHUNK) {
      readFully(in, target.asSlice(at, Math.min(CHUNK, bytes - at)).asByteBuffer());
    }
  }

  static void readFully(ReadableByteChannel in, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      if (in.read(buffer) < 0) {
        throw new IndexFormatException("unexpected end of file");
      }
    }
  }
}
