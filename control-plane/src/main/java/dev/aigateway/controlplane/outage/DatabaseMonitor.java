package dev.aigateway.controlplane.outage;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches whether the database answers, from its own thread, so that readiness probes and admin
 * requests learn it at once instead of each waiting out a connection timeout. Logs one line when
 * the database goes away and one when it is back.
 */
public final class DatabaseMonitor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DatabaseMonitor.class);

  /** A snapshot of what the monitor knows. */
  public record Status(boolean reachable, Instant since) {}

  private final Supplier<@Nullable String> probe;
  private final Duration interval;
  private final Clock clock;
  private final Thread thread;
  private volatile Status status;
  private volatile boolean running = true;

  /**
   * @param probe null when the database answers, else why not (for the log); it must bound its own
   *     waiting
   * @param initiallyReachable what to report before the first probe has answered
   */
  public DatabaseMonitor(
      Supplier<@Nullable String> probe,
      Duration interval,
      Clock clock,
      boolean initiallyReachable) {
    this.probe = requireNonNull(probe, "probe");
    this.interval = requireNonNull(interval, "interval");
    this.clock = requireNonNull(clock, "clock");
    this.status = new Status(initiallyReachable, clock.instant());
    this.thread = Thread.ofPlatform().name("database-monitor").daemon().unstarted(this::run);
  }

  /** Starts probing in the background. */
  public DatabaseMonitor start() {
    thread.start();
    return this;
  }

  /** Whether the database answered the last probe, and since when that has been so. */
  public Status status() {
    return status;
  }

  /** True when the last probe reached the database. */
  public boolean reachable() {
    return status.reachable();
  }

  /** Probes once now (from the calling thread) and records the result. */
  public boolean check() {
    String failure;
    try {
      failure = probe.get();
    } catch (RuntimeException e) {
      failure = DatabaseFailures.rootMessage(e);
    }
    boolean now = failure == null;
    Status before = status;
    if (now != before.reachable()) {
      status = new Status(now, clock.instant());
      if (now) {
        log.info("the database is reachable again");
      } else {
        log.warn("the database is unreachable ({}); serving from memory and retrying", failure);
      }
    }
    return now;
  }

  private void run() {
    while (running) {
      check();
      try {
        Thread.sleep(interval);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
