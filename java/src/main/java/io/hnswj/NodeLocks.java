package io.hnswj;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * One small lock per node guarding its link lists, as hnswlib's {@code link_list_locks_}, in 4 bytes a
 * node: a compare-and-set word that spins briefly, then yields, then parks. Not reentrant. Words live
 * in fixed chunks allocated as nodes arrive, so a large capacity costs nothing up front and a lock word
 * never moves while held.
 */
final class NodeLocks {
  private static final VarHandle WORD = MethodHandles.arrayElementVarHandle(int[].class);
  private static final VarHandle CHUNK = MethodHandles.arrayElementVarHandle(int[][].class);
  private static final int SPINS = 100;

  private volatile int[][] chunks;

  NodeLocks(int capacity) {
    chunks = new int[Chunks.count(capacity)][];
  }

  void lock(int node) {
    int[] w = (int[]) CHUNK.getAcquire(chunks, Chunks.chunk(node));
    int i = Chunks.offset(node);
    for (int attempt = 0; !WORD.compareAndSet(w, i, 0, 1); attempt++) {
      if (attempt < SPINS) {
        Thread.onSpinWait();
      } else if (attempt < 2 * SPINS) {
        Thread.yield();
      } else {
        LockSupport.parkNanos(10_000);
      }
    }
  }

  void unlock(int node) {
    int[] w = (int[]) CHUNK.getAcquire(chunks, Chunks.chunk(node));
    WORD.setRelease(w, Chunks.offset(node), 0);
  }

  /** Makes sure node {@code node} has a lock word; the caller serialises calls. */
  void ensure(int node) {
    int c = Chunks.chunk(node);
    if (chunks[c] == null) {
      CHUNK.setRelease(chunks, c, new int[Chunks.SIZE]);
    }
  }

  /** A larger directory; only while no lock is held (exclusive structure lock). */
  void resize(int capacity) {
    chunks = java.util.Arrays.copyOf(chunks, Math.max(chunks.length, Chunks.count(capacity)));
  }
}
