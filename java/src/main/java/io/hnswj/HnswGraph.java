package io.hnswj;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The graph's storage, laid out as hnswlib lays it out so that saving is a copy.
 *
 * <p>Level 0 is one flat off-heap block of {@code capacity} records of {@link #recordBytes} bytes:
 * {@code u16 count | u8 flags (0x01 = deleted) | u8 0 | maxM0 × u32 neighbour ids | dim × f32 vector |
 * u64 label}. Upper levels (about 1/M of the nodes) are one {@code int[]} per node holding, per level
 * {@code 1..level}, a block of {@code 1 + maxM} ints: the count, then the ids. Ids beyond a count are
 * stale leftovers, kept because hnswlib keeps them (they are in its files).
 *
 * <p>Readers need no lock: a racing reader sees either the old or the new id at each slot, and every
 * id ever written at level {@code L} names a fully written node of level {@code >= L}. Writers hold the
 * node's lock from {@link NodeLocks}.
 */
final class HnswGraph implements AutoCloseable {
  static final int DELETED_FLAG = 0x01;
  private static final java.lang.invoke.VarHandle COUNT = JAVA_SHORT.varHandle();

  final int dim;
  final int maxM;
  final int maxM0;
  final long recordBytes;
  final long vectorOffset;
  final long labelOffset;
  /** Ints per upper-level block: the count and {@code maxM} ids. */
  final int upperBlockInts;

  final NodeLocks locks;

  private NativeMemory.Block block;
  private MemorySegment level0;
  /** Upper-level links by node, in chunks allocated as nodes arrive (see {@link Chunks}). */
  private volatile int[][][] upper;
  private volatile EntryPoint entryPoint;
  private int capacity;

  /** The node where every search starts and the graph's top level; null while empty. */
  record EntryPoint(int node, int level) {}

  HnswGraph(int dim, int m, int capacity) {
    this.dim = dim;
    this.maxM = m;
    this.maxM0 = 2 * m;
    this.vectorOffset = 4L + 4L * maxM0;
    this.labelOffset = vectorOffset + 4L * dim;
    this.recordBytes = labelOffset + 8;
    this.upperBlockInts = 1 + maxM;
    this.capacity = capacity;
    this.block = NativeMemory.allocateZeroed(recordBytes * capacity);
    this.level0 = block.segment();
    this.upper = new int[Chunks.count(capacity)][][];
    this.locks = new NodeLocks(capacity);
  }

  EntryPoint entryPoint() {
    return entryPoint;
  }

  void setEntryPoint(EntryPoint entryPoint) {
    this.entryPoint = entryPoint;
  }

  int capacity() {
    return capacity;
  }

  MemorySegment level0() {
    return level0;
  }

  long recordOffset(int node) {
    return node * recordBytes;
  }

  // ---- level 0 ----

  int level0Count(int node) {
    return Short.toUnsignedInt(level0.get(JAVA_SHORT, node * recordBytes));
  }

  /** The count with acquire semantics: a lock-free reader then sees the ids and nodes it names. */
  int level0CountAcquire(int node) {
    return Short.toUnsignedInt((short) COUNT.getAcquire(level0, node * recordBytes));
  }

  /** Publishes a count with release semantics (see {@link #level0CountAcquire}). */
  void setLevel0Count(int node, int count) {
    COUNT.setRelease(level0, node * recordBytes, (short) count);
  }

  int level0Neighbor(int node, int j) {
    return level0.get(JAVA_INT, node * recordBytes + 4 + 4L * j);
  }

  void setLevel0Neighbor(int node, int j, int neighbor) {
    level0.set(JAVA_INT, node * recordBytes + 4 + 4L * j, neighbor);
  }

  boolean isDeleted(int node) {
    return (level0.get(JAVA_BYTE, node * recordBytes + 2) & DELETED_FLAG) != 0;
  }

  void setDeleted(int node, boolean deleted) {
    long at = node * recordBytes + 2;
    byte flags = level0.get(JAVA_BYTE, at);
    level0.set(JAVA_BYTE, at, (byte) (deleted ? flags | DELETED_FLAG : flags & ~DELETED_FLAG));
  }

  long vectorAt(int node) {
    return node * recordBytes + vectorOffset;
  }

  long label(int node) {
    return level0.get(JAVA_LONG_UNALIGNED, node * recordBytes + labelOffset);
  }

  void setLabel(int node, long label) {
    level0.set(JAVA_LONG_UNALIGNED, node * recordBytes + labelOffset, label);
  }

  /** Zeroes a node's record and gives it {@code level} zeroed upper blocks (hnswlib's insert). */
  void resetNode(int node, int level) {
    // all but the label, which the index writes when it reserves the slot: a concurrent label listing
    // that sees the slot counted must never read it as label 0
    level0.asSlice(node * recordBytes, labelOffset).fill((byte) 0);
    setUpperLinks(node, level > 0 ? new int[level * upperBlockInts] : null);
  }

  private int[] upper(int node) {
    return upper[Chunks.chunk(node)][Chunks.offset(node)];
  }

  // ---- all levels ----

  int level(int node) {
    int[] links = upper(node);
    return links == null ? 0 : links.length / upperBlockInts;
  }

  int count(int node, int level) {
    return level == 0 ? level0Count(node) : upper(node)[(level - 1) * upperBlockInts];
  }

  /**
   * {@link #count} for a reader without the node's lock (searches, and inserts' searches): level 0 with
   * acquire semantics, and never more than the level's capacity.
   */
  int countAcquire(int node, int level) {
    return level == 0
        ? Math.min(level0CountAcquire(node), maxM0)
        : Math.min(upper(node)[(level - 1) * upperBlockInts], maxM);
  }

  int neighbor(int node, int level, int j) {
    return level == 0
        ? level0Neighbor(node, j)
        : upper(node)[(level - 1) * upperBlockInts + 1 + j];
  }

  void setCount(int node, int level, int count) {
    if (level == 0) {
      setLevel0Count(node, count);
    } else {
      upper(node)[(level - 1) * upperBlockInts] = count;
    }
  }

  void setNeighbor(int node, int level, int j, int neighbor) {
    if (level == 0) {
      setLevel0Neighbor(node, j, neighbor);
    } else {
      upper(node)[(level - 1) * upperBlockInts + 1 + j] = neighbor;
    }
  }

  /** The raw upper-level ints of a node (null at level 0), for the file format. */
  int[] upperLinks(int node) {
    return upper(node);
  }

  /** Sets a node's upper links; {@link #prepare} must have run for the node. */
  void setUpperLinks(int node, int[] links) {
    upper[Chunks.chunk(node)][Chunks.offset(node)] = links;
  }

  /** Creates the chunks holding a new node's upper links and lock word. */
  synchronized void prepare(int node) {
    int c = Chunks.chunk(node);
    if (upper[c] == null) {
      upper[c] = new int[Chunks.SIZE][];
    }
    locks.ensure(node);
  }

  /** Copies the first {@code used} records into a larger block. */
  void grow(int newCapacity, int used) {
    if (newCapacity == capacity) {
      return;
    }
    NativeMemory.Block bigger = NativeMemory.allocateZeroed(recordBytes * newCapacity);
    MemorySegment.copy(level0, 0, bigger.segment(), 0, recordBytes * used);
    NativeMemory.Block old = block;
    block = bigger;
    level0 = bigger.segment();
    upper = Arrays.copyOf(upper, Math.max(upper.length, Chunks.count(newCapacity)));
    locks.resize(newCapacity);
    capacity = newCapacity;
    old.close();
  }

  @Override
  public void close() {
    block.close();
  }
}
