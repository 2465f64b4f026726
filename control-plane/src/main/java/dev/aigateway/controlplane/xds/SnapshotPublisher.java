package dev.aigateway.controlplane.xds;

import static java.util.Objects.requireNonNull;

import dev.aigateway.controlplane.outage.DatabaseFailures;
import io.envoyproxy.controlplane.cache.SnapshotConsistencyException;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the snapshot cache in step with the database: each announced revision newer than the
 * published one wakes a single worker, which reloads and publishes once for however many revisions
 * arrived meanwhile (bursts coalesce into one push). Each state read from the database is handed to
 * {@code onRead} (which keeps it on disk); a state from disk can be served until the database
 * answers, and the worker keeps reading until it does.
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
  private final Consumer<XdsState> onRead;
  private final AtomicLong announced = new AtomicLong(-1);
  private final AtomicLong published = new AtomicLong(-1);
  private final Counter publishes;
  private final Counter failures;
  private final Object lock = new Object();
  private final Thread worker;
  private final Duration recheck;
  private volatile Set<String> fleets = Set.of();
  private volatile boolean running = true;
  // True while what is published came from disk: the worker reads until the database answers.
  private volatile boolean stale;
  private volatile @Nullable ConfigSource source;
  private long savedRevision = -1;
  private int failuresInARow;

  SnapshotPublisher(
      SimpleCache<String> cache,
      Supplier<XdsState> reader,
      SnapshotAssembler assembler,
      MeterRegistry registry,
      Consumer<XdsState> onRead) {
    this(cache, reader, assembler, registry, onRead, RECHECK);
  }

  SnapshotPublisher(
      SimpleCache<String> cache,
      Supplier<XdsState> reader,
      SnapshotAssembler assembler,
      MeterRegistry registry,
      Duration recheck) {
    this(cache, reader, assembler, registry, state -> {}, recheck);
  }

  SnapshotPublisher(
      SimpleCache<String> cache,
      Supplier<XdsState> reader,
      SnapshotAssembler assembler,
      MeterRegistry registry,
      Consumer<XdsState> onRead,
      Duration recheck) {
    this.recheck = requireNonNull(recheck, "recheck");
    this.cache = requireNonNull(cache, "cache");
    this.reader = requireNonNull(reader, "reader");
    this.assembler = requireNonNull(assembler, "assembler");
    this.onRead = requireNonNull(onRead, "onRead");
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

  /**
   * Publishes a state kept on disk, before the database has answered; the worker then reads the
   * database until it does and replaces it.
   */
  void serveLastGood(XdsState state, Instant savedAt) throws SnapshotConsistencyException {
    publish(state);
    source = new ConfigSource(state.revision(), false, savedAt);
    stale = true;
    synchronized (lock) {
      lock.notifyAll();
    }
  }

  /** Where the published config came from, null before the first publish. */
  @Nullable ConfigSource source() {
    return source;
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
              && !stale
              && announced.get() <= published.get()
              && (left = deadline - System.nanoTime()) > 0) {
            lock.wait(Math.max(1, left / 1_000_000));
          }
        }
        if (!running) {
          return;
        }
        publishOnce();
        if (failuresInARow > 0) {
          log.info("Envoy config read from the database again (revision {})", published.get());
        }
        failuresInARow = 0;
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException | SnapshotConsistencyException e) {
        failures.increment();
        // One line per outage, not one per retry: a database down for minutes is retried
        // hundreds of times.
        if (failuresInARow++ == 0) {
          if (DatabaseFailures.isUnavailable(e)) {
            ConfigSource serving = source;
            log.warn(
                "cannot read Envoy config from the database ({}); {}; retrying every {} ms",
                DatabaseFailures.rootMessage(e),
                serving == null ? "nothing to serve yet" : "serving " + serving.describe(),
                RETRY.toMillis());
          } else {
            log.error("could not rebuild Envoy config; retrying in {} ms", RETRY.toMillis(), e);
          }
        }
        try {
          Thread.sleep(RETRY);
        } catch (InterruptedException interrupted) {
          return;
        }
      }
    }
  }

  private void publishOnce() throws SnapshotConsistencyException {
    long start = System.nanoTime();
    XdsState state = reader.get();
    long read = System.nanoTime();
    int fleetCount = publish(state);
    source = new ConfigSource(state.revision(), true, null);
    stale = false;
    if (state.revision() != savedRevision) {
      try {
        onRead.accept(state);
        savedRevision = state.revision();
      } catch (RuntimeException e) {
        log.warn("could not keep the last good Envoy config on disk: {}", e.getMessage());
      }
    }
    long done = System.nanoTime();
    log.debug(
        "published Envoy config revision {} for {} fleets (read {} ms, assemble and push {} ms)",
        state.revision(),
        fleetCount,
        (read - start) / 1_000_000,
        (done - read) / 1_000_000);
  }

  /** Builds and publishes every fleet's snapshot from {@code state}; returns the fleet count. */
  private int publish(XdsState state) throws SnapshotConsistencyException {
    Map<String, FleetSnapshot> snapshots = assembler.assemble(state);
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
    return snapshots.size();
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
