package io.hnswj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A process killed with SIGKILL in the middle of saving leaves the previous file loadable. */
class CrashDuringSaveTest {
  @TempDir Path dir;

  @Test
  void killedSavesNeverCorruptTheFile() throws Exception {
    Path file = dir.resolve("index.bin");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    long seed = 9;
    Random random = new Random(seed);
    for (int attempt = 0; attempt < 3; attempt++) {
      Process child = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
          "-cp", System.getProperty("java.class.path"), SaveLoop.class.getName(), file.toString())
          .redirectErrorStream(true).start();
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
      int saves = 0;
      for (String line; saves < 2 && (line = out.readLine()) != null; ) {
        if (line.startsWith("saved")) {
          saves++;
        }
      }
      assertEquals(2, saves, "the child saved twice");
      // kill at a random moment of a later save (each takes a few milliseconds)
      Thread.sleep(random.nextInt(40));
      child.destroyForcibly();
      assertTrue(child.waitFor(30, TimeUnit.SECONDS));
      try (HnswIndex loaded = HnswIndex.load(file, Space.L2, 64, 0, false)) {
        assertEquals(20_000, loaded.size(), "seed " + seed);
      }
      try (var files = Files.list(dir)) {
        List<Path> left = files.filter(p -> !p.equals(file)).toList();
        // a killed save may leave its temporary file; it is never the index itself
        assertTrue(left.stream().allMatch(p -> p.getFileName().toString().endsWith(".tmp")), left.toString());
      }
    }
  }
}
