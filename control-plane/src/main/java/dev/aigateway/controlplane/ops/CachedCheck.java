package dev.aigateway.controlplane.ops;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * A health check that runs at most once per {@code ttl} and never twice at once: {@code /readyz}
 * polled in a loop (or by many probes) took one database connection per request. While a check is
 * running (a hanging database), callers get the last result at once instead of queueing behind it.
 */
public final class CachedCheck implements BooleanSupplier {
  private final BooleanSupplier check;
  private final long ttlNanos;
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile boolean last;
  private volatile long checkedAt;
  private volatile boolean everChecked;

  public CachedCheck(BooleanSupplier check, Duration ttl) {
    this.check = check;
    this.ttlNanos = ttl.toNanos();
  }

  @Override
  public boolean getAsBoolean() {
    if (everChecked && System.nanoTime() - checkedAt < ttlNanos) {
      return last;
    }
    if (!running.compareAndSet(false, true)) {
      return last;
    }
    try {
      last = check.getAsBoolean();
      checkedAt = System.nanoTime();
      everChecked = true;
      return last;
    } finally {
      running.set(false);
    }
  }
}
