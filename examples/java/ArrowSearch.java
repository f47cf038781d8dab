import io.hnswj.ArrowVectors;
import io.hnswj.HnswIndex;
import io.hnswj.Space;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.complex.FixedSizeListVector;

/**
 * Vectors in, results out as Arrow: a FixedSizeListVector of Float4Vector is read in place (no copy),
 * and the labels and distances come back as Arrow matrices.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *      -cp "target/hnswj-0.1.0-SNAPSHOT.jar:target/lib/*" examples/java/ArrowSearch.java
 * </pre>
 */
public class ArrowSearch {
  public static void main(String[] args) {
    int rows = 2_000, dim = 64, k = 3;
    Random random = new Random(7);
    try (BufferAllocator allocator = new RootAllocator();
        FixedSizeListVector vectors = ArrowVectors.newFloatMatrix(allocator, "embeddings", rows, dim);
        BigIntVector ids = new BigIntVector("ids", allocator);
        HnswIndex index = HnswIndex.builder(Space.COSINE, dim).maxElements(rows).build()) {
      Float4Vector values = (Float4Vector) vectors.getDataVector();
      ids.allocateNew(rows);
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < dim; j++) {
          values.set(i * dim + j, (float) random.nextGaussian());
        }
        ids.set(i, 10_000 + i);
      }
      ids.setValueCount(rows);
      index.add(vectors, ids, 2);
      try (ArrowVectors.SearchResults results = index.search(vectors, k, 2, null, allocator)) {
        for (int row = 0; row < 3; row++) {
          System.out.printf("row %d: %d (%.3f) %d (%.3f) %d (%.3f)%n", row,
              results.label(row, 0), results.distance(row, 0),
              results.label(row, 1), results.distance(row, 1),
              results.label(row, 2), results.distance(row, 2));
        }
      }
    }
  }
}
