package dev.aigateway.dataplane;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads that run ext_proc work that may block (a quota check against the database, a cloud
 * token fetch). Bounded in threads and queue: under a database that hangs, work piles up here, and
 * an unbounded pool turned that into thousands of threads. When both are full a request is refused
 * with 503 (ExtProcService) instead.
 */
final class BlockingPool {
  /** Enough for many concurrent slow calls; each holds at most one pooled connection. */
  static final int THREADS = 64;

  /** About a second of requests at a few hundred per second. */
  static final int QUEUE = 1024;

  private BlockingPool() {}

  static ThreadPoolExecutor create() {
    return create(THREADS, QUEUE);
  }

  static ThreadPoolExecutor create(int threads, int queue) {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(queue),
            Thread.ofPlatform().name("ext-proc-blocking-", 0).factory(),
            new ThreadPoolExecutor.AbortPolicy());
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
