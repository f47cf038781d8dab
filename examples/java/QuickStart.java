import io.hnswj.HnswIndex;
import io.hnswj.Kernels;
import io.hnswj.SearchResult;
import io.hnswj.Space;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * The tutorial's example from Java: 10,000 random 256-d vectors, M=16, ef_construction=200, ef=50, k=5.
 *
 * <pre>
 * scripts/setup.sh
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *      -cp "target/hnswj-0.1.0-SNAPSHOT.jar:target/lib/*" examples/java/QuickStart.java
 * </pre>
 */
public class QuickStart {
  public static void main(String[] args) throws Exception {
    int dim = 256, numElements = 10_000;
    Random random = new Random(42);
    float[][] data = new float[numElements][dim];
    long[] labels = new long[numElements];
    for (int i = 0; i < numElements; i++) {
      for (int j = 0; j < dim; j++) {
        data[i][j] = random.nextFloat();
      }
      labels[i] = i;
    }
    try (HnswIndex index = HnswIndex.builder(Space.L2, dim)
        .maxElements(numElements)
        .efConstruction(200)
        .m(16)
        .build()) {
      long start = System.nanoTime();
      index.add(data, labels, 0); // 0: all cores
      System.out.printf("built %d vectors in %.2f s with the %s kernel%n",
          index.size(), (System.nanoTime() - start) / 1e9, Kernels.active().name());
      index.setEf(50);
      float[] query = new float[dim];
      for (int j = 0; j < dim; j++) {
        query[j] = random.nextFloat();
      }
      SearchResult result = index.search(query, 5);
      System.out.println("Nearest neighbors' labels: " + Arrays.toString(result.labels()));
      System.out.println("Distances: " + Arrays.toString(result.distances()));
      Path file = Path.of("target", "quickstart.bin");
      index.save(file); // hnswlib's format: hnswlib.Index(space='l2', dim=256).load_index(...) reads it
      System.out.println("saved " + file + " (" + index.serializedSize() + " bytes)");
    }
  }
}
