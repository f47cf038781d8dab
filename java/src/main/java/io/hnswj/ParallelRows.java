package io.hnswj;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs rows of a batch on a shared pool of daemon threads, as hnswlib's {@code ParallelFor}: workers
 * take the next row from an atomic counter; the calling thread works too; the first failure stops the
 * other workers and is rethrown to the caller unchanged. Threads are reused across calls and end
 * after a minute idle.
 */
final class ParallelRows {
  /** The work for one row, given the row number. */
  @FunctionalInterface
  interface RowTask {
    void run(long row);
  }

  private static final ExecutorService POOL = Executors.newCachedThreadPool(new DaemonThreads());

  private ParallelRows() {}

  /** hnswlib's rule: {@code <= 0} means all cores, and small batches run on the calling thread. */
  static int effectiveThreads(int requested, long rows) {
    int threads = requested > 0 ? requested : Runtime.getRuntime().availableProcessors();
    return rows <= 4L * threads ? 1 : threads;
  }

  static void run(long start, long end, int threads, RowTask task) {
    if (threads <= 1 || end - start <= 1) {
      for (long row = start; row < end; row++) {
        task.run(row);
      }
      return;
    }
    AtomicLong next = new AtomicLong(start);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch helpersDone = new CountDownLatch(threads - 1);
    Runnable worker = () -> {
      try {
        for (long row; failure.get() == null && (row = next.getAndIncrement()) < end; ) {
          task.run(row);
        }
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
      }
    };
    for (int i = 1; i < threads; i++) {
      POOL.execute(() -> {
        try {
          worker.run();
        } finally {
          helpersDone.countDown();
        }
      });
    }
    worker.run();
    boolean interrupted = false;
    while (true) {
      try {
        helpersDone.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    Throwable t = failure.get();
    if (t instanceof RuntimeException e) {
      throw e;
    }
    if (t instanceof Error e) {
      throw e;
    }
    if (t != null) {
      throw new IllegalStateException(t);
    }
  }

  private static final class DaemonThreads implements ThreadFactory {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable r) {
      Thread thread = new Thread(r, "hnswj-worker-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }
  }
}
