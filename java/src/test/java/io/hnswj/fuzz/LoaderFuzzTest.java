package io.hnswj.fuzz;

import static io.hnswj.fuzz.LoadedIndexChecks.check;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hnswj.BruteForceIndex;
import io.hnswj.HnswIndex;
import io.hnswj.NativeMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of every loader of untrusted bytes: hnswlib's index file, hnswlib's BFIndex
 * file and the parts of a pickled index. Each input either loads into an index that then works (see
 * {@link LoadedIndexChecks}) or is refused cleanly (see {@link CleanRejection}); either way the
 * index's off-heap memory is released.
 *
 * <p>{@code mvn test} runs each method over its seeds and kept findings in
 * {@code LoaderFuzzTestInputs/<method>/} (regression mode); {@code scripts/fuzz.sh} fuzzes for real.
 * The first input byte holds the loader's arguments ({@link FuzzOptions}).
 */
class LoaderFuzzTest {
  /** Loads files from disk, as users do; one file reused by every execution. */
  private static Path file;

  @BeforeAll
  static void createFile() throws IOException {
    file = Files.createTempFile("hnswj-fuzz", ".bin");
  }

  @AfterAll
  static void deleteFile() throws IOException {
    Files.deleteIfExists(file);
  }

  @FuzzTest
  void hnswIndexFile(byte[] input) throws Exception {
    if (input.length == 0) {
      return;
    }
    FuzzOptions options = FuzzOptions.decode(input[0]);
    byte[] bytes = Arrays.copyOfRange(input, 1, input.length);
    int dim = options.hnswDim(bytes);
    Files.write(file, bytes);
    loadAndCheck(
        () -> HnswIndex.load(file, options.space(), dim, options.maxElements(), options.allowReplaceDeleted()),
        index -> index.capacity() * hnswRecordBytes(index),
        index -> LoadedIndexChecks.exercise(index, bytes));
  }

  @FuzzTest
  void bruteForceFile(byte[] input) throws Exception {
    if (input.length == 0) {
      return;
    }
    FuzzOptions options = FuzzOptions.decode(input[0]);
    byte[] bytes = Arrays.copyOfRange(input, 1, input.length);
    int dim = options.bruteForceDim(bytes);
    Files.write(file, bytes);
    loadAndCheck(
        () -> BruteForceIndex.load(file, options.space(), dim),
        index -> index.capacity() * (4L * index.dim() + 8),
        index -> LoadedIndexChecks.exercise(index, bytes));
  }

  @FuzzTest
  void pythonPickle(byte[] input) throws Exception {
    if (input.length == 0) {
      return;
    }
    FuzzOptions options = FuzzOptions.decode(input[0]);
    byte[] bytes = Arrays.copyOfRange(input, 1, input.length);
    int dim = options.pickleDim(bytes);
    Optional<PickleInput> parsed = PickleInput.parse(bytes, dim);
    if (parsed.isEmpty()) {
      return;
    }
    PickleInput pickle = parsed.get();
    loadAndCheck(
        () -> pickle.load(options, dim),
        index -> index.capacity() * hnswRecordBytes(index),
        index -> LoadedIndexChecks.exercise(index, pickle.asFile()));
  }

  interface Load<T> {
    T load() throws IOException;
  }

  interface Checks<T> {
    void run(T index) throws IOException;
  }

  /**
   * Loads; a refusal must be clean, a loaded index must pass its checks, and either way the off-heap
   * memory must come back. While loaded, the index holds one off-heap block: its records,
   * {@code capacity × record} bytes (lazily zeroed pages, so a large capacity costs address space, not
   * memory); nothing else off-heap may grow with what the bytes claim.
   */
  private static <T extends AutoCloseable> void loadAndCheck(
      Load<T> loader, ToLongFunction<T> recordBlockBytes, Checks<T> checks) throws Exception {
    long before = NativeMemory.allocatedBytes();
    T index;
    try {
      index = loader.load();
    } catch (Throwable t) {
      CleanRejection.rethrowUnlessClean(t);
      checkReleased(before);
      return;
    }
    try (index) {
      long held = NativeMemory.allocatedBytes() - before;
      long records = Math.max(1, recordBlockBytes.applyAsLong(index));
      check(held == records, "a loaded index holds " + held + " off-heap bytes, its records " + records);
      checks.run(index);
    }
    checkReleased(before);
  }

  /** hnswlib's size_data_per_element: link count and flags, 2M links, the vector, the label. */
  private static long hnswRecordBytes(HnswIndex index) {
    return 4 + 8L * index.m() + 4L * index.dim() + 8;
  }

  private static void checkReleased(long before) {
    long after = NativeMemory.allocatedBytes();
    check(after == before, "off-heap memory went from " + before + " to " + after + " bytes");
  }
}
