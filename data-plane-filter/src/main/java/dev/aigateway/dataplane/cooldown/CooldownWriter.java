package dev.aigateway.dataplane.cooldown;

import static java.util.Objects.requireNonNull;

import dev.aigateway.dataplane.error.StoreException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded, asynchronous {@link CooldownPublisher}: {@link #publish} only offers the notice to a
 * queue; one thread of its own writes batches to the store. A full queue or a store that fails
 * drops notices and counts them ({@code gateway.cooldowns.dropped}); nothing is retried, since a
 * cooldown is short-lived and the next refused attempt publishes it again.
 */
public final class CooldownWriter implements CooldownPublisher, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CooldownWriter.class);

  /** Notices waiting to be written; a burst of 429s from one provider is far below this. */
  public static final int DEFAULT_CAPACITY = 1024;

  private static final int BATCH = 100;

  private final CooldownStore store;
  private final BlockingQueue<CooldownNotice> queue;
  private final Counter stored;
  private final Counter droppedFull;
  private final Counter droppedStore;
  private final Thread thread;
  private volatile boolean running = true;
  private int failuresInARow;

  public CooldownWriter(CooldownStore store, MeterRegistry registry) {
    this(store, registry, DEFAULT_CAPACITY);
  }

  public CooldownWriter(CooldownStore store, MeterRegistry registry, int capacity) {
    this.store = requireNonNull(store, "store");
    requireNonNull(registry, "registry");
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
    }
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.stored =
        Counter.builder("gateway.cooldowns.published")
            .description("Target cooldowns (provider retry-after) stored for the control plane")
            .register(registry);
    this.droppedFull = dropped(registry, "queue_full");
    this.droppedStore = dropped(registry, "store_failed");
    this.thread = Thread.ofPlatform().name("cooldown-writer").daemon().unstarted(this::run);
    thread.start();
  }

  private static Counter dropped(MeterRegistry registry, String reason) {
    return Counter.builder("gateway.cooldowns.dropped")
        .description("Target cooldowns not stored (the local cooldown still applies)")
        .tag("reason", reason)
        .register(registry);
  }

  @Override
  public void publish(CooldownNotice notice) {
    if (!running || !queue.offer(notice)) {
      droppedFull.increment();
    }
  }

  /** Notices waiting to be written. */
  int queued() {
    return queue.size();
  }

  private void run() {
    List<CooldownNotice> batch = new ArrayList<>(BATCH);
    while (running || !queue.isEmpty()) {
      try {
        CooldownNotice first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, BATCH - 1);
        write(batch);
      } catch (InterruptedException e) {
        if (!running) {
          queue.drainTo(batch);
          write(batch);
          return;
        }
      } finally {
        batch.clear();
      }
    }
  }

  private void write(List<CooldownNotice> batch) {
    if (batch.isEmpty()) {
      return;
    }
    try {
      stored.increment(store.store(batch));
      if (failuresInARow > 0) {
        log.info("target cooldowns are stored again");
      }
      failuresInARow = 0;
    } catch (StoreException | RuntimeException e) {
      droppedStore.increment(batch.size());
      // One line per outage: the database down for a minute must not log every 429 heard.
      if (failuresInARow++ == 0) {
        log.warn(
            "target cooldowns not stored ({}); Envoy keeps trying those targets until it is back",
            e.getClass().getSimpleName());
      }
    }
  }

  /** Writes what is queued (for at most two seconds), then stops. */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(Duration.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    thread.interrupt();
  }
}
