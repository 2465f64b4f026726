package dev.aigateway.controlplane.xds;

import static java.util.Objects.requireNonNull;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the snapshot cache in step with the database: each announced revision newer than the
 * published one wakes a single worker, which reloads and publishes once for however many revisions
 * arrived meanwhile (bursts coalesce into one push).
 */
final class SnapshotPublisher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SnapshotPublisher.class);
  private static final Duration RETRY = Duration.ofMillis(500);

  /**
   * How often the config is rebuilt without a change announced: the assembler checks provider
   * addresses again at every build (DNS may have changed since they were written).
   */
  static final Duration RECHECK = Duration.ofSeconds(60);

  private final SimpleCache<String> cache;
  private final Supplier<XdsState> reader;
  private final SnapshotAssembler assembler;
  private final AtomicLong announced = new AtomicLong(-1);
  private final AtomicLong published = new AtomicLong(-1);
  private final Counter publishes;
  private final Counter failures;
  private final Object lock = new Object();
  private final Thread worker;
  private final Duration recheck;
  private volatile Set<String> fleets = Set.of();
  private volatile boolean running = true;

  SnapshotPublisher(
      SimpleCache<String> cache,
      Supplier<XdsState> reader,
      SnapshotAssembler assembler,
      MeterRegistry registry) {
    this(cache, reader, assembler, registry, RECHECK);
  }

  SnapshotPublisher(
      SimpleCache<String> cache,
      Supplier<XdsState> reader,
      SnapshotAssembler assembler,
      MeterRegistry registry,
      Duration recheck) {
    this.recheck = requireNonNull(recheck, "recheck");
    this.cache = requireNonNull(cache, "cache");
    this.reader = requireNonNull(reader, "reader");
    this.assembler = requireNonNull(assembler, "assembler");
    this.publishes =
        Counter.builder("gateway.xds.snapshots.published")
            .description("Snapshot sets published to the xDS cache")
            .register(registry);
    this.failures =
        Counter.builder("gateway.xds.snapshots.failed")
            .description("Snapshot rebuilds that failed (retried)")
            .register(registry);
    registry.gauge("gateway.xds.snapshot.revision", published);
    this.worker = Thread.ofPlatform().name("xds-snapshot-publisher").daemon().unstarted(this::run);
  }

  void start() {
    worker.start();
  }

  /** Called (from any thread) when the config revision may have changed. */
  void announce(long revision) {
    announced.accumulateAndGet(revision, Math::max);
    synchronized (lock) {
      lock.notifyAll();
    }
  }

  /** Names of the fleets in the last published state. */
  Set<String> fleets() {
    return fleets;
  }

  /** The last published revision, -1 before the first. */
  long publishedRevision() {
    return published.get();
  }

  private void run() {
    while (running) {
      try {
        synchronized (lock) {
          long deadline = System.nanoTime() + recheck.toNanos();
          long left;
          while (running
              && announced.get() <= published.get()
              && (left = deadline - System.nanoTime()) > 0) {
            lock.wait(Math.max(1, left / 1_000_000));
          }
        }
        if (!running) {
          return;
        }
        publishOnce();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException | io.envoyproxy.controlplane.cache.SnapshotConsistencyException e) {
        failures.increment();
        log.error("could not rebuild Envoy config; retrying in {} ms", RETRY.toMillis(), e);
        try {
          Thread.sleep(RETRY);
        } catch (InterruptedException interrupted) {
          return;
        }
      }
    }
  }

  private void publishOnce() throws io.envoyproxy.controlplane.cache.SnapshotConsistencyException {
    long start = System.nanoTime();
    XdsState state = reader.get();
    long read = System.nanoTime();
    Map<String, FleetSnapshot> snapshots = assembler.assemble(state);
    long assembled = System.nanoTime();
    String version = Long.toString(state.revision());
    for (Map.Entry<String, FleetSnapshot> entry : snapshots.entrySet()) {
      cache.setSnapshot(entry.getKey(), entry.getValue());
    }
    for (String group : cache.groups()) {
      if (!snapshots.containsKey(group) && cache.getSnapshot(group) != null) {
        // The fleet was deleted: its Envoys drop the listener and clusters.
        cache.setSnapshot(group, FleetSnapshot.empty(version));
      }
    }
    fleets = Set.copyOf(snapshots.keySet());
    // The read may have seen a newer revision than any NOTIFY so far.
    announced.accumulateAndGet(state.revision(), Math::max);
    published.set(state.revision());
    publishes.increment();
    long done = System.nanoTime();
    log.debug(
        "published Envoy config revision {} for {} fleets (read {} ms, assemble {} ms, push {} ms)",
        version,
        snapshots.size(),
        (read - start) / 1_000_000,
        (assembled - read) / 1_000_000,
        (done - assembled) / 1_000_000);
  }

  @Override
  public void close() {
    running = false;
    worker.interrupt();
    try {
      worker.join(Duration.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
