package io.hnswj;

import java.nio.file.Path;

/** Saves one index over and over to the same path, for {@link CrashDuringSaveTest} to kill -9. */
public final class SaveLoop {
  private SaveLoop() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    int n = 20_000, dim = 64;
    try (HnswIndex index = HnswIndex.builder(Space.L2, dim).maxElements(n).m(8).efConstruction(32).build()) {
      index.add(TestData.uniform(3, n, dim), TestData.range(n), 2);
      for (int round = 0; ; round++) {
        index.save(file);
        System.out.println("saved " + round);
        System.out.flush();
      }
    }
  }
}
