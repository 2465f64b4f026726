package dev.aigateway.controlplane.outage;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For a process that started while the database was down: once it answers, runs what start-up
 * skipped (migrations, the admin token) once, retrying until that succeeds.
 */
public final class DatabaseRecovery implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DatabaseRecovery.class);
  private static final Duration RETRY = Duration.ofSeconds(2);

  private final Thread thread;
  private volatile boolean done;
  private volatile boolean running = true;

  private DatabaseRecovery(DatabaseMonitor monitor, Runnable onReachable) {
    this.thread =
        Thread.ofPlatform()
            .name("database-recovery")
            .daemon()
            .unstarted(() -> run(monitor, onReachable));
  }

  /** Starts waiting for the database in the background. */
  public static DatabaseRecovery start(DatabaseMonitor monitor, Runnable onReachable) {
    requireNonNull(monitor, "monitor");
    requireNonNull(onReachable, "onReachable");
    DatabaseRecovery recovery = new DatabaseRecovery(monitor, onReachable);
    recovery.thread.start();
    return recovery;
  }

  /** True once the skipped start-up steps have run. */
  public boolean done() {
    return done;
  }

  private void run(DatabaseMonitor monitor, Runnable onReachable) {
    while (running && !done) {
      try {
        if (monitor.reachable()) {
          onReachable.run();
          done = true;
          log.info("the database answered: schema migrated and admin token checked");
          return;
        }
      } catch (RuntimeException e) {
        log.warn(
            "the database answered but start-up steps failed ({}); retrying in {} s",
            DatabaseFailures.rootMessage(e),
            RETRY.toSeconds());
      }
      try {
        Thread.sleep(RETRY);
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
