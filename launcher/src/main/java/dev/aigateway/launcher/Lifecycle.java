package dev.aigateway.launcher;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the started components of one process and stops them in reverse order, once, on SIGTERM,
 * Ctrl-C or a startup failure.
 */
final class Lifecycle implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private boolean closed;

  /** Registers a started component; it is closed before everything registered earlier. */
  synchronized <T extends AutoCloseable> T add(T component) {
    started.push(component);
    return component;
  }

  /** Blocks until the JVM is asked to stop, then stops every component. */
  void awaitShutdown() throws InterruptedException {
    Thread hook = new Thread(this::close, "shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    stopped.await();
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    while (true) {
      AutoCloseable component;
      synchronized (this) {
        component = started.poll();
      }
      if (component == null) {
        break;
      }
      try {
        component.close();
      } catch (Exception e) {
        log.warn("stopping {} failed: {}", component.getClass().getSimpleName(), e.toString());
      }
    }
    stopped.countDown();
  }
}
