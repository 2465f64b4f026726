package dev.aigateway.launcher;

import java.time.Duration;

/** Polling for what the gateway makes true shortly after a change (xDS pushes, usage flushes). */
final class Await {
  private Await() {}

  /** A condition; an exception counts as not yet. */
  interface Check {
    boolean ok() throws Exception;
  }

  /** Polls {@code check} until it holds, failing with the last exception after {@code within}. */
  static void awaitTrue(Duration within, Check check) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    Throwable last = null;
    while (true) {
      try {
        if (check.ok()) {
          return;
        }
      } catch (RuntimeException e) {
        last = e;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + within, last);
      }
      Thread.sleep(50);
    }
  }
}
