package io.hnswj.fuzz;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hnswj.BruteForceIndex;
import io.hnswj.HnswIndex;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The committed seeds are files the loaders accept: a seed that is refused (say after a format check
 * tightened) would start the fuzzer in the shallow end. Kept findings may be refused; they are not seeds.
 */
class SeedCorpusTest {
  @Test
  void everyHnswSeedLoads() throws Exception {
    for (Path seed : seeds("hnswIndexFile")) {
      byte[] bytes = Files.readAllBytes(seed);
      FuzzOptions options = FuzzOptions.decode(bytes[0]);
      byte[] file = Arrays.copyOfRange(bytes, 1, bytes.length);
      try (HnswIndex index = HnswIndex.read(Channels.newChannel(new ByteArrayInputStream(file)), file.length,
          options.space(), options.hnswDim(file), options.maxElements(), options.allowReplaceDeleted())) {
        assertDoesNotThrow(() -> LoadedIndexChecks.exercise(index, file), seed.toString());
      }
    }
  }

  @Test
  void everyBruteForceSeedLoads() throws Exception {
    for (Path seed : seeds("bruteForceFile")) {
      byte[] bytes = Files.readAllBytes(seed);
      FuzzOptions options = FuzzOptions.decode(bytes[0]);
      byte[] file = Arrays.copyOfRange(bytes, 1, bytes.length);
      try (BruteForceIndex index = BruteForceIndex.read(Channels.newChannel(new ByteArrayInputStream(file)),
          file.length, options.space(), options.bruteForceDim(file))) {
        assertDoesNotThrow(() -> LoadedIndexChecks.exercise(index, file), seed.toString());
      }
    }
  }

  @Test
  void everyPickleSeedLoads() throws Exception {
    for (Path seed : seeds("pythonPickle")) {
      byte[] bytes = Files.readAllBytes(seed);
      FuzzOptions options = FuzzOptions.decode(bytes[0]);
      byte[] parts = Arrays.copyOfRange(bytes, 1, bytes.length);
      int dim = options.pickleDim(parts);
      PickleInput pickle = PickleInput.parse(parts, dim).orElseThrow();
      try (HnswIndex index = pickle.load(options, dim)) {
        assertDoesNotThrow(() -> LoadedIndexChecks.exercise(index, pickle.asFile()), seed.toString());
      }
    }
  }

  private static List<Path> seeds(String method) throws IOException, URISyntaxException {
    Path dir = Path.of(SeedCorpusTest.class.getResource("LoaderFuzzTestInputs/" + method).toURI());
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> seeds = files.filter(p -> p.getFileName().toString().matches("(hnswj|debian)-.*")).sorted().toList();
      assertFalse(seeds.isEmpty(), "no seeds in " + dir);
      assertTrue(seeds.stream().anyMatch(p -> p.getFileName().toString().startsWith("debian-")), "no Debian seed");
      return seeds;
    }
  }
}
