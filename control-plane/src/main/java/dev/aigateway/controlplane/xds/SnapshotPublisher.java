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
import java.util.TreeMap;
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
  // Set when a target's cooldown was stored (no new revision): the worker reads and publishes.
  private volatile boolean cooldownsChanged;
  // System.nanoTime() at which the soonest cooldown published ends (Long.MAX_VALUE: none).
  private volatile long nextCooldownEnd = Long.MAX_VALUE;
  private volatile @Nullable XdsState lastRead;
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
   * Called (from any thread) when a target's cooldown was stored: the config is read and published
   * again, with that target DEGRADED, although the revision did not change.
   */
  void cooldownsChanged() {
    cooldownsChanged = true;
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
              && !cooldownsChanged
              && announced.get() <= published.get()
              && (left = Math.min(deadline, nextCooldownEnd) - System.nanoTime()) > 0) {
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
    // Cleared before the read: a cooldown stored during it wakes the worker again.
    cooldownsChanged = false;
    XdsState state;
    try {
      state = reader.get();
    } catch (RuntimeException e) {
      endCooldownsWithoutTheDatabase();
      throw e;
    }
    lastRead = state;
    long read = System.nanoTime();
    int fleetCount = publish(state);
    nextCooldownEnd = cooldownRebuildAt(state, Instant.now(), System.nanoTime());
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

  /**
   * The database is down and a published cooldown has ended: publishes the last state read without
   * it, so Envoy stops treating that target as DEGRADED on time (by this replica's clock).
   */
  private void endCooldownsWithoutTheDatabase() {
    XdsState last = lastRead;
    if (last == null || last.cooldowns().isEmpty() || System.nanoTime() < nextCooldownEnd) {
      return;
    }
    Instant now = Instant.now();
    Map<String, Instant> running = new TreeMap<>(last.cooldowns());
    running.values().removeIf(end -> !end.isAfter(now));
    XdsState trimmed = last.withCooldowns(running);
    try {
      publish(trimmed);
      lastRead = trimmed;
      nextCooldownEnd = cooldownRebuildAt(trimmed, now, System.nanoTime());
    } catch (SnapshotConsistencyException | RuntimeException e) {
      log.warn("could not publish the end of a cooldown: {}", e.toString());
    }
  }

  /**
   * When (in {@link System#nanoTime()}) to read again because the soonest cooldown of {@code state}
   * ends, so its target is published healthy again: just after it ends, and never sooner than
   * {@link #COOLDOWN_REREAD_FLOOR} from now (the ends are by the database's clock; a database clock
   * behind this one must not make the worker spin).
   */
  static long cooldownRebuildAt(XdsState state, Instant now, long nowNanos) {
    if (state.cooldowns().isEmpty()) {
      return Long.MAX_VALUE;
    }
    Instant soonest = state.cooldowns().values().stream().min(Instant::compareTo).orElseThrow();
    Duration wait = Duration.between(now, soonest).plus(COOLDOWN_MARGIN);
    if (wait.compareTo(COOLDOWN_REREAD_FLOOR) < 0) {
      wait = COOLDOWN_REREAD_FLOOR;
    }
    return nowNanos + wait.toNanos();
  }

  private static final Duration COOLDOWN_MARGIN = Duration.ofMillis(50);
  static final Duration COOLDOWN_REREAD_FLOOR = Duration.ofMillis(250);

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
