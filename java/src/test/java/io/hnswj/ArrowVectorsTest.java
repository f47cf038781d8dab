package io.hnswj;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.junit.jupiter.api.Test;

class ArrowVectorsTest {
  @Test
  void arrowInAndOutMatchesArrays() {
    int n = 500, dim = 8, k = 3;
    float[][] data = TestData.uniform(31, n, dim);
    try (BufferAllocator allocator = new RootAllocator();
        FixedSizeListVector matrix = ArrowVectors.newFloatMatrix(allocator, "vectors", n, dim);
        BigIntVector labels = new BigIntVector("labels", allocator);
        HnswIndex fromArrow = HnswIndex.builder(Space.COSINE, dim).maxElements(n).build();
        HnswIndex fromArrays = HnswIndex.builder(Space.COSINE, dim).maxElements(n).build()) {
      Float4Vector values = (Float4Vector) matrix.getDataVector();
      labels.allocateNew(n);
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < dim; j++) {
          values.set(i * dim + j, data[i][j]);
        }
        labels.set(i, 1000 + i);
      }
      labels.setValueCount(n);
      fromArrow.add(matrix, labels, 1);
      long[] arrayLabels = new long[n];
      for (int i = 0; i < n; i++) {
        arrayLabels[i] = 1000 + i;
      }
      fromArrays.add(data, arrayLabels, 1);
      assertEquals(n, fromArrow.size());
      try (ArrowVectors.SearchResults results = fromArrow.search(matrix, k, 2, null, allocator)) {
        for (int row = 0; row < n; row += 37) {
          SearchResult expected = fromArrays.search(data[row], k);
          for (int i = 0; i < k; i++) {
            assertEquals(expected.labels()[i], results.label(row, i), "row " + row);
            assertEquals(expected.distances()[i], results.distance(row, i), 1e-6f, "row " + row);
          }
        }
        assertEquals(n, results.labels().getValueCount());
      }
      assertArrayEquals(fromArrays.getVector(1000), fromArrow.getVector(1000), 1e-7f);
    }
  }

  @Test
  void wrongWidthIsRefused() {
    try (BufferAllocator allocator = new RootAllocator();
        FixedSizeListVector matrix = ArrowVectors.newFloatMatrix(allocator, "v", 2, 3);
        HnswIndex index = HnswIndex.builder(Space.L2, 4).maxElements(2).build()) {
      assertThrows(IllegalArgumentException.class, () -> index.search(matrix, 1, 1, null, allocator));
    }
  }
}
