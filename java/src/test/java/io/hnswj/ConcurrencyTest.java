package io.hnswj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Adding, deleting and searching at the same time (hnswlib does not allow it; we do). */
class ConcurrencyTest {
  @Test
  void labelListingDuringAddsSeesOnlyAddedLabels() throws Exception {
    long seed = 563;
    int dim = 4, n = 20_000;
    float[][] data = TestData.uniform(seed, n, dim);
    // labels 1..n: a counted slot whose label was not written yet would read as 0
    try (HnswIndex index = HnswIndex.builder(Space.L2, dim).maxElements(n).m(4).efConstruction(16).build()) {
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread writer = new Thread(() -> {
        try {
          for (int i = 0; i < n; i++) {
            index.add(data[i], i + 1);
          }
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        }
      });
      writer.start();
      int listings = 0;
      while (writer.isAlive() && failure.get() == null) {
        long[] labels = index.labels();
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (long label : labels) {
          assertTrue(label >= 1 && label <= n, "seed " + seed + ": label " + label + " was never added");
          assertTrue(seen.add(label), "seed " + seed + ": label " + label + " listed twice");
        }
        listings++;
      }
      writer.join();
      if (failure.get() != null) {
        throw new AssertionError("seed " + seed, failure.get());
      }
      assertTrue(listings > 0);
      assertEquals(n, index.labels().length);
    }
  }

  @Test
  void searchesDuringAddsAndDeletesOnlyReturnValidLabels() throws Exception {
    long seed = 562;
    int dim = 16, n = 12_000, writers = 2, readers = 2;
    float[][] data = TestData.uniform(seed, n, dim);
    Set deleted = new Set();
    try (HnswIndex index = HnswIndex.builder(Space.L2, dim).maxElements(n).m(8).efConstruction(64).build()) {
      index.add(data[0], 0);
      AtomicInteger next = new AtomicInteger(1);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      CountDownLatch writersDone = new CountDownLatch(writers);
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        threads.add(new Thread(() -> {
          // each writer deletes labels it added itself: one the other writer took may not be added yet
          List<Integer> own = new ArrayList<>();
          int ownDeleted = 0;
          try {
            for (int i; (i = next.getAndIncrement()) < n; ) {
              index.add(data[i], i);
              own.add(i);
              if (i % 10 == 0) {
                int victim = own.get(ownDeleted++);
                index.markDeleted(victim);
                deleted.add(victim);
              }
            }
          } catch (Throwable t) {
            failure.compareAndSet(null, t);
          } finally {
            writersDone.countDown();
          }
        }));
      }
      AtomicInteger searches = new AtomicInteger();
      for (int r = 0; r < readers; r++) {
        long readerSeed = seed + r;
        threads.add(new Thread(() -> {
          Random random = new Random(readerSeed);
          try {
            while (writersDone.getCount() > 0) {
              float[] q = data[random.nextInt(n)];
              int added = next.get();
              SearchResult result = index.search(q, 5);
              for (long label : result.labels()) {
                assertTrue(label >= 0 && label < Math.min(n, next.get() + writers), "label " + label + " was never added");
              }
              for (int i = 1; i < result.size(); i++) {
                assertTrue(result.distances()[i - 1] <= result.distances()[i], "results out of order");
              }
              assertTrue(result.size() == 5 || added < 20, "only " + result.size() + " results");
              searches.incrementAndGet();
            }
          } catch (Throwable t) {
            failure.compareAndSet(null, t);
          }
        }));
      }
      threads.forEach(Thread::start);
      for (Thread t : threads) {
        t.join();
      }
      if (failure.get() != null) {
        throw new AssertionError("seed " + seed, failure.get());
      }
      assertTrue(searches.get() > 0);
      assertEquals(n, index.size());
      assertEquals(deleted.size(), index.deletedCount());
      index.setEf(64);
      int found = 0;
      for (int i = 0; i < n; i++) {
        long[] labels = index.search(data[i], 1).labels();
        if (deleted.contains(i)) {
          assertTrue(labels.length == 0 || labels[0] != i, "deleted label " + i + " returned");
        } else if (labels.length == 1 && labels[0] == i) {
          found++;
        }
      }
      assertTrue(found >= 0.99 * (n - deleted.size()), "only " + found + " items find themselves, seed " + seed);
    }
  }

  /** A concurrent set of ints. */
  private static final class Set {
    private final java.util.Set<Integer> values = ConcurrentHashMap.newKeySet();

    void add(int v) {
      values.add(v);
    }

    boolean contains(int v) {
      return values.contains(v);
    }

    int size() {
      return values.size();
    }
  }
}
