package io.hnswj;

/**
 * Work done by queries since the index was built or the statistics were reset: the number of queries,
 * distance evaluations and expanded nodes (hnswlib's {@code metric_distance_computations} and
 * {@code metric_hops}), and how many searches met distances tied where hnswlib's heaps choose.
 * Counted per thread without contention and summed when a batch ends.
 *
 * @param queries searches run
 * @param distanceEvaluations distances computed, upper levels included
 * @param hops nodes whose neighbour lists were read
 * @param tiedSearches searches that met distances tied where hnswlib's heaps choose (see {@link Beam})
 */
public record SearchStats(long queries, long distanceEvaluations, long hops, long tiedSearches) {

  public double distancesPerQuery() {
    return queries == 0 ? 0 : (double) distanceEvaluations / queries;
  }

  public double hopsPerQuery() {
    return queries == 0 ? 0 : (double) hops / queries;
  }

  /** The share of searches that met a tie hnswlib's heaps decide. */
  public double tiedShare() {
    return queries == 0 ? 0 : (double) tiedSearches / queries;
  }
}
