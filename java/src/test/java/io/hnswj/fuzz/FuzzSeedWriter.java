package io.hnswj.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hnswj.BruteForceIndex;
import io.hnswj.HnswIndex;
import io.hnswj.Space;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes the committed seed corpus (small real index files: dim 3-4, at most 20 elements, M 2-4),
 * saved by hnswj and by Debian's python3-hnswlib, each behind its {@link FuzzOptions} byte. Runs only
 * when asked: {@code mvn test -Dtest=FuzzSeedWriter -Dhnswj.fuzz.writeSeeds=true}.
 */
@EnabledIfSystemProperty(named = "hnswj.fuzz.writeSeeds", matches = "true")
class FuzzSeedWriter {
  static final Path INPUTS = Path.of(System.getenv().getOrDefault("HNSWJ_PROJECT_DIR", "."))
      .resolve("java/src/test/resources/io/hnswj/fuzz/LoaderFuzzTestInputs");

  /** Debian's hnswlib: what Python users' files look like. */
  private static final String DEBIAN_SCRIPT = """
      import sys, hnswlib, numpy as np
      out = sys.argv[1]
      data = np.random.default_rng(7).random((20, 4), dtype=np.float32)
      a = hnswlib.Index(space="l2", dim=4)
      a.init_index(max_elements=20, M=4, ef_construction=20, random_seed=7)
      a.add_items(data, np.arange(20), num_threads=1)
      a.mark_deleted(3)
      a.mark_deleted(11)
      a.save_index(out + "/debian-l2-deleted.bin")
      b = hnswlib.Index(space="cosine", dim=4)
      b.init_index(max_elements=32, M=4, ef_construction=20, random_seed=8)
      b.add_items(data, np.arange(100, 120), num_threads=1)
      b.save_index(out + "/debian-cosine-spare-capacity.bin")
      c = hnswlib.Index(space="ip", dim=4)
      c.init_index(max_elements=5, M=4)
      c.save_index(out + "/debian-empty.bin")
      d = hnswlib.BFIndex(space="l2", dim=4)
      d.init_index(max_elements=20)
      d.add_items(data, np.arange(20))
      d.save_index(out + "/debian-bf.bin")
      """;

  @Test
  void writeSeeds(@TempDir Path work) throws Exception {
    Path hnsw = INPUTS.resolve("hnswIndexFile");
    Path bruteForce = INPUTS.resolve("bruteForceFile");
    Path pickle = INPUTS.resolve("pythonPickle");
    for (Path dir : new Path[] {hnsw, bruteForce, pickle}) {
      Files.createDirectories(dir);
    }
    debianFiles(work);
    byte plain = FuzzOptions.encode(Space.L2, false, 0, false);
    byte cosineReplacing = FuzzOptions.encode(Space.COSINE, true, 2, false);
    byte ipFileCapacity = FuzzOptions.encode(Space.IP, false, 1, false);

    byte[] ours = hnswj(Space.L2, 4, 20, 20, 4, true, work.resolve("a"));
    byte[] oursSpare = hnswj(Space.COSINE, 4, 16, 24, 4, true, work.resolve("b"));
    byte[] oursSmall = hnswj(Space.IP, 3, 12, 12, 2, false, work.resolve("c"));
    byte[] oursEmpty = hnswj(Space.L2, 4, 0, 5, 4, false, work.resolve("d"));
    byte[] debian = Files.readAllBytes(work.resolve("debian-l2-deleted.bin"));
    byte[] debianSpare = Files.readAllBytes(work.resolve("debian-cosine-spare-capacity.bin"));
    byte[] debianEmpty = Files.readAllBytes(work.resolve("debian-empty.bin"));

    write(hnsw.resolve("hnswj-l2-deleted"), plain, ours);
    write(hnsw.resolve("hnswj-cosine-spare-capacity"), cosineReplacing, oursSpare);
    write(hnsw.resolve("hnswj-ip-dim3-m2"), ipFileCapacity, oursSmall);
    write(hnsw.resolve("hnswj-empty"), plain, oursEmpty);
    write(hnsw.resolve("debian-l2-deleted"), plain, debian);
    write(hnsw.resolve("debian-cosine-spare-capacity"), cosineReplacing, debianSpare);
    write(hnsw.resolve("debian-empty"), ipFileCapacity, debianEmpty);

    write(pickle.resolve("hnswj-l2-deleted"), plain, PickleInput.fromFile(ours));
    write(pickle.resolve("hnswj-ip-dim3-m2"), ipFileCapacity, PickleInput.fromFile(oursSmall));
    write(pickle.resolve("debian-cosine-spare-capacity"), cosineReplacing, PickleInput.fromFile(debianSpare));
    write(pickle.resolve("debian-empty"), plain, PickleInput.fromFile(debianEmpty));

    write(bruteForce.resolve("hnswj-l2-spare-capacity"), plain, bruteForce(work.resolve("e")));
    write(bruteForce.resolve("debian-l2"), ipFileCapacity, Files.readAllBytes(work.resolve("debian-bf.bin")));
  }

  private static byte[] hnswj(Space space, int dim, int n, int capacity, int m, boolean delete, Path path)
      throws IOException {
    try (HnswIndex index = HnswIndex.builder(space, dim).maxElements(capacity).m(m).efConstruction(20)
        .randomSeed(7).build()) {
      Random random = new Random(n);
      for (int i = 0; i < n; i++) {
        float[] vector = new float[dim];
        for (int j = 0; j < dim; j++) {
          vector[j] = random.nextFloat();
        }
        index.add(vector, 1000 + i);
      }
      if (delete) {
        index.markDeleted(1002);
        index.markDeleted(1009);
      }
      index.save(path);
    }
    return Files.readAllBytes(path);
  }

  private static byte[] bruteForce(Path path) throws IOException {
    try (BruteForceIndex index = BruteForceIndex.create(Space.L2, 4, 24)) {
      Random random = new Random(3);
      for (int i = 0; i < 16; i++) {
        index.add(new float[] {random.nextFloat(), random.nextFloat(), random.nextFloat(), random.nextFloat()}, i);
      }
      index.delete(5);
      index.save(path);
    }
    return Files.readAllBytes(path);
  }

  private static void debianFiles(Path work) throws IOException, InterruptedException {
    String python = System.getenv().getOrDefault("HNSWJ_REFERENCE_PYTHON", "/usr/bin/python3");
    Process p = new ProcessBuilder(python, "-c", DEBIAN_SCRIPT, work.toString()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    p.waitFor(60, TimeUnit.SECONDS);
    assertEquals(0, p.exitValue(), "Debian's hnswlib (apt-get install -y python3-hnswlib python3-numpy): " + output);
  }

  private static void write(Path path, byte options, byte[] file) throws IOException {
    byte[] seed = new byte[file.length + 1];
    seed[0] = options;
    System.arraycopy(file, 0, seed, 1, file.length);
    Files.write(path, seed);
  }
}
