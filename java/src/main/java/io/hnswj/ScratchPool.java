package io.hnswj;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/** Reusable {@link Scratch} objects for one index, as hnswlib's visited-list pool. */
final class ScratchPool {
  private final ConcurrentLinkedQueue<Scratch> free = new ConcurrentLinkedQueue<>();
  private final int dim;
  private final LongAdder distances = new LongAdder();
  private final LongAdder hops = new LongAdder();
  private final LongAdder searches = new LongAdder();
  private final LongAdder tied = new LongAdder();

  ScratchPool(int dim) {
    this.dim = dim;
  }

  Scratch acquire(int capacityHint, int ef) {
    Scratch scratch = free.poll();
    return scratch != null ? scratch : new Scratch(dim, capacityHint, ef);
  }

  void release(Scratch scratch) {
    if (scratch.searchCount != 0) {
      distances.add(scratch.distanceCount);
      hops.add(scratch.hopCount);
      searches.add(scratch.searchCount);
      tied.add(scratch.tiedCount);
      scratch.distanceCount = 0;
      scratch.hopCount = 0;
      scratch.searchCount = 0;
      scratch.tiedCount = 0;
    }
    free.offer(scratch);
  }

  SearchStats stats() {
    return new SearchStats(searches.sum(), distances.sum(), hops.sum(), tied.sum());
  }

  void resetStats() {
    distances.reset();
    hops.reset();
    searches.reset();
    tied.reset();
  }
}
