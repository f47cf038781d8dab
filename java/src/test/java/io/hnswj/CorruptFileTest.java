package io.hnswj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Truncated, bit-flipped and hostile files end in a clean exception, never an error or a crash. */
class CorruptFileTest {
  private static final int DIM = 8;
  private static byte[] valid;

  @BeforeAll
  static void saveAValidIndex() throws IOException {
    try (HnswIndex index = HnswIndex.builder(Space.L2, DIM).maxElements(400).m(4).efConstruction(20).build()) {
      index.add(TestData.uniform(9, 300, DIM), TestData.range(300), 1);
      index.markDeleted(3);
      var out = new java.io.ByteArrayOutputStream();
      index.writeTo(Channels.newChannel(out));
      valid = out.toByteArray();
    }
  }

  private static HnswIndex load(byte[] bytes, long maxElements) throws IOException {
    ReadableByteChannel in = Channels.newChannel(new java.io.ByteArrayInputStream(bytes));
    return HnswIndex.read(in, bytes.length, Space.L2, DIM, maxElements, false);
  }

  /** Loads; if it loads, the index must answer queries without failing. */
  private static void loadOrReject(byte[] bytes, String what) {
    try (HnswIndex index = load(bytes, 0)) {
      SearchResult r = index.search(new float[DIM], 5);
      assertTrue(r.size() <= 5, what);
    } catch (IndexFormatException expected) {
      assertTrue(expected.getMessage().startsWith(IndexFormatException.HNSWLIB_MESSAGE), what);
    } catch (IllegalStateException refused) {
      // a plausible but unaffordable capacity: refused by the allocator, as hnswlib's "Not enough memory"
      assertTrue(refused.getMessage().startsWith("Not enough memory"), what + ": " + refused);
    } catch (Throwable t) {
      fail(what + ": " + t, t);
    }
  }

  @Test
  void theValidFileLoads() throws IOException {
    try (HnswIndex index = load(valid, 0)) {
      assertEquals(300, index.size());
      assertEquals(400, index.capacity());
      assertEquals(1, index.deletedCount());
    }
  }

  @Test
  void readingStopsAtTheIndexsLastByte() throws IOException {
    // a stream that goes on past the index (a pickle's further parts): the loader reads ahead through a
    // buffer, but never into what follows
    byte[] followed = java.util.Arrays.copyOf(valid, valid.length + 100_000);
    java.util.Arrays.fill(followed, valid.length, followed.length, (byte) 0x5a);
    var stream = new java.io.ByteArrayInputStream(followed);
    try (HnswIndex index = HnswIndex.read(Channels.newChannel(stream), valid.length, Space.L2, DIM, 0, false)) {
      assertEquals(300, index.size());
    }
    assertEquals(100_000, stream.available());
  }

  @Test
  void everyTruncationIsRejected() {
    for (int length = 0; length < valid.length; length += length < 200 ? 1 : 37) {
      byte[] truncated = java.util.Arrays.copyOf(valid, length);
      try (HnswIndex index = load(truncated, 0)) {
        fail("a file truncated to " + length + " of " + valid.length + " bytes loaded");
      } catch (IndexFormatException expected) {
        // the clean outcome
      } catch (Throwable t) {
        fail("truncation to " + length + ": " + t, t);
      }
    }
  }

  @Test
  void bitFlipsLoadCleanlyOrAreRejected() {
    long seed = 4242;
    Random random = new Random(seed);
    for (int trial = 0; trial < 3000; trial++) {
      byte[] flipped = valid.clone();
      int position = trial < 1000 ? random.nextInt(96) : random.nextInt(flipped.length);
      flipped[position] ^= (byte) (1 << random.nextInt(8));
      loadOrReject(flipped, "seed " + seed + " trial " + trial + " byte " + position);
    }
  }

  @Test
  void hugeCountsAndCapacitiesAreRejectedBeforeAllocating() throws IOException {
    long[] hostile = {Long.MAX_VALUE, -1, 1L << 40, Integer.MAX_VALUE, 1L << 31};
    for (int field : new int[] {8, 16, 24, 32, 40, 56, 64, 72, 88}) {
      for (long value : hostile) {
        byte[] bytes = valid.clone();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(field, value);
        loadOrReject(bytes, "header field at " + field + " = " + value);
      }
    }
    for (int value : new int[] {Integer.MAX_VALUE, -5, 1000}) {
      byte[] bytes = valid.clone();
      ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(48, value);
      loadOrReject(bytes, "maxlevel " + value);
      bytes = valid.clone();
      ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(52, value);
      loadOrReject(bytes, "entry point " + value);
    }
    // a link list length that claims gigabytes
    byte[] bytes = valid.clone();
    int firstLength = 96 + 300 * (4 + 4 * 8 + 4 * DIM + 8);
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(firstLength, 0x7FFFFFF0);
    loadOrReject(bytes, "huge link list");
  }

  @Test
  void aHostileCapacityWithMaxElementsArgumentIsRejected() {
    try (HnswIndex index = load(valid, 1L << 40)) {
      fail("loaded with capacity 2^40");
    } catch (IllegalArgumentException | IndexFormatException expected) {
      // refused before allocating
    } catch (Throwable t) {
      fail(t);
    }
  }
}
