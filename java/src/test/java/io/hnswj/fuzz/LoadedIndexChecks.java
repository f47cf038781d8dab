package io.hnswj.fuzz;

import io.hnswj.BruteForceIndex;
import io.hnswj.HnswIndex;
import io.hnswj.SearchResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.function.LongPredicate;

/**
 * What an index that a loader accepted must then do without failing: answer searches (plain, filtered,
 * after a deletion, after an insert), write back the bytes it was read from, and close. A loader that
 * accepts bytes it should have refused shows up here as a failure of a later operation.
 */
final class LoadedIndexChecks {
  private static final LongPredicate EVEN_LABELS = label -> (label & 1) == 0;

  private LoadedIndexChecks() {}

  static void exercise(HnswIndex index, byte[] file) throws IOException {
    check(index.size() <= index.capacity(), "size " + index.size() + " above capacity " + index.capacity());
    long[] labels = index.labels();
    check(labels.length == index.size(), "labels() and size() disagree");
    // the write-back comes first, while the graph is exactly what was read
    checkWritesBack(index, file);

    // hnswlib's files may repeat a label (replace_deleted with a label in use); the lookup then names
    // one of its elements, and deleting or replacing that one leaves the others found by searches with
    // a label the lookup no longer knows, as in hnswlib: such labels are not checked against the lookup
    boolean unique = Arrays.stream(labels).distinct().count() == labels.length;
    float[] query = firstLiveVector(index, labels);
    int k = (int) Math.min(index.size() + 2, 20);
    // an insert first: it is the first user of the scratch space sized by the file's ef_construction
    if (index.size() < index.capacity()) {
      long fresh = Arrays.stream(labels).max().orElse(0) + 1;
      index.add(query, fresh);
      check(index.contains(fresh), "an added label is missing");
    }
    checkResult(index.search(query, k), k, index, null, unique);
    checkResult(index.search(query, k, EVEN_LABELS), k, index, EVEN_LABELS, unique);
    index.setEf(1);
    checkResult(index.search(new float[index.dim()], 1), 1, index, null, unique);
    index.setEf(50);

    OptionalLong live = firstLiveLabel(index, labels);
    if (live.isPresent()) {
      index.markDeleted(live.getAsLong());
      checkResult(index.search(query, k), k, index, null, unique);
    }
    if (index.allowReplaceDeleted() && index.deletedCount() > 0) {
      index.add(query, Long.MAX_VALUE, true);
      checkResult(index.search(query, k), k, index, null, unique);
    }
  }

  static void exercise(BruteForceIndex index, byte[] file) throws IOException {
    check(index.size() <= index.capacity(), "size above capacity");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    index.writeTo(Channels.newChannel(out));
    check(Arrays.equals(out.toByteArray(), file), "the index does not write back the bytes it was read from");
    float[] query = new float[index.dim()];
    Arrays.fill(query, 0.5f);
    int k = (int) Math.min(index.size() + 1, 20);
    SearchResult all = index.search(query, k, null);
    check(all.size() == Math.min(k, index.size()), "an exact search found " + all.size() + " of " + index.size());
    checkSorted(all);
    checkSorted(index.search(query, k, EVEN_LABELS));
    if (all.size() > 0) {
      index.delete(all.labels()[0]);
      checkSorted(index.search(query, k, null));
    }
    if (index.size() < index.capacity()) {
      index.add(query, -1);
      check(index.search(query, 1, null).size() == 1, "nothing found after an add");
    }
  }

  /**
   * Saved again, a loaded index must give back its input: the same header (but for the capacity,
   * which {@code max_elements} may change, and the entry point of an empty index, which is reset), the
   * same records and the same link lists.
   */
  private static void checkWritesBack(HnswIndex index, byte[] file) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    index.writeTo(Channels.newChannel(out));
    byte[] written = out.toByteArray();
    check(written.length == file.length, "wrote " + written.length + " bytes after reading " + file.length);
    byte[] expected = file.clone();
    System.arraycopy(written, 8, expected, 8, 8);
    if (index.size() == 0) {
      System.arraycopy(written, 48, expected, 48, 8);
    }
    check(Arrays.equals(written, expected), "the index does not write back the bytes it was read from");
  }

  private static void checkResult(
      SearchResult result, int k, HnswIndex index, LongPredicate filter, boolean uniqueLabels) {
    check(result.size() <= k, "more than k results");
    for (long label : result.labels()) {
      check(!uniqueLabels || index.contains(label), "a search returned label " + label + ", which is not in the index");
      check(!uniqueLabels || !index.isDeleted(label), "a search returned the deleted label " + label);
      check(filter == null || filter.test(label), "a filtered search returned label " + label);
    }
    checkSorted(result);
  }

  private static void checkSorted(SearchResult result) {
    float[] d = result.distances();
    for (int i = 1; i < d.length; i++) {
      // NaN (from NaN or infinite stored floats) has no order; every other pair must be ascending
      check(Float.isNaN(d[i - 1]) || Float.isNaN(d[i]) || d[i - 1] <= d[i], "results out of order: " + result);
    }
  }

  private static float[] firstLiveVector(HnswIndex index, long[] labels) {
    OptionalLong label = firstLiveLabel(index, labels);
    return label.isPresent() ? index.getVector(label.getAsLong()) : new float[index.dim()];
  }

  private static OptionalLong firstLiveLabel(HnswIndex index, long[] labels) {
    return Arrays.stream(labels).filter(label -> !index.isDeleted(label)).findFirst();
  }

  static void check(boolean condition, String what) {
    if (!condition) {
      throw new AssertionError(what);
    }
  }
}
