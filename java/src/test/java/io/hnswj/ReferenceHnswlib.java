package io.hnswj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the reference hnswlib (Debian's python3-hnswlib under /usr/bin/python3) through
 * {@code hnswlib_reference.py}. Outside CI a missing reference skips the test; with {@code CI=true} it
 * fails it.
 */
final class ReferenceHnswlib {
  static final String PYTHON = System.getenv().getOrDefault("HNSWJ_REFERENCE_PYTHON", "/usr/bin/python3");

  private ReferenceHnswlib() {}

  static void requireAvailable() {
    boolean available;
    try {
      Process p = new ProcessBuilder(PYTHON, "-c", "import hnswlib, numpy").redirectErrorStream(true).start();
      available = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      available = false;
    }
    String message = "the reference hnswlib is missing: apt-get install -y python3-hnswlib python3-numpy";
    if (!available) {
      if ("true".equals(System.getenv("CI"))) {
        fail(message);
      }
      Assumptions.abort(message);
    }
  }

  static void run(Path workDir, String... args) throws IOException, InterruptedException {
    Path script = workDir.resolve("hnswlib_reference.py");
    if (!Files.exists(script)) {
      try (InputStream in = ReferenceHnswlib.class.getResourceAsStream("hnswlib_reference.py")) {
        Files.copy(in, script);
      }
    }
    List<String> command = new ArrayList<>(List.of(PYTHON, script.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), "reference hnswlib failed: " + command + "\n" + output);
  }

  static float[] floats(Path file) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[bytes.remaining() / 4];
    bytes.asFloatBuffer().get(out);
    return out;
  }

  static long[] longs(Path file) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    long[] out = new long[bytes.remaining() / 8];
    bytes.asLongBuffer().get(out);
    return out;
  }
}
