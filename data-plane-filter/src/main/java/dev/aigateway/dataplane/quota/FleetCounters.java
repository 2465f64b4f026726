package dev.aigateway.dataplane.quota;

import static java.util.Objects.requireNonNull;

import dev.aigateway.dataplane.error.StoreException;
import dev.aigateway.dataplane.quota.CounterStore.FlushResult;
import dev.aigateway.dataplane.quota.CounterStore.Total;
import dev.aigateway.vocabulary.quota.CounterKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This replica's counters and the background flusher that sends their deltas to the fleet-wide
 * store and learns the fleet-wide totals (through the {@link CounterStore}) (and the number of live
 * replicas) in the same round trip.
 */
public final class FleetCounters implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FleetCounters.class);

  private final CounterStore repository;
  private final QuotaSettings settings;
  private final Clock clock;

  private final Map<CounterKey, WindowCounter> counters = new ConcurrentHashMap<>();
  private final ScheduledExecutorService flusher =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("quota-flusher").daemon().factory());
  private final CounterMemory memory;
  private volatile int liveReplicas = 1;
  private volatile boolean databaseDown;
  private long cleanedAtNanos = System.nanoTime();
  private long rememberedSignature = Long.MIN_VALUE;

  /** Remembering nothing across restarts. */
  public FleetCounters(CounterStore repository, QuotaSettings settings, Clock clock) {
    this(repository, settings, clock, CounterMemory.NONE);
  }

  /**
   * Starts from what {@code memory} kept of the last run (totals of windows not ended yet, the
   * number of live replicas), and keeps it current after successful flushes.
   */
  public FleetCounters(
      CounterStore repository, QuotaSettings settings, Clock clock, CounterMemory memory) {
    this.repository = requireNonNull(repository, "repository");
    this.settings = requireNonNull(settings, "settings");
    this.clock = requireNonNull(clock, "clock");
    this.memory = requireNonNull(memory, "memory");
    CounterMemory.Remembered remembered = memory.load();
    Instant now = clock.instant();
    for (CounterMemory.Counter c : remembered.counters()) {
      if (c.windowEnd().isAfter(now) && c.version() != CounterMemory.NEVER_READ) {
        counter(c.key(), c.windowEnd()).apply(new Total(c.used(), c.version()));
      }
      // What the last run granted and could not send: it counts against this replica's share and
      // is sent with the first flush that succeeds (an ended window's only for the record).
      if (c.unconfirmed() != 0) {
        adjust(c.key(), c.windowEnd(), c.unconfirmed());
      }
    }
    liveReplicas = Math.max(1, remembered.liveReplicas());
  }

  /** Starts the periodic flush. */
  public FleetCounters start() {
    long ms = settings.flushInterval().toMillis();
    flusher.scheduleWithFixedDelay(this::flushQuietly, 0, ms, TimeUnit.MILLISECONDS);
    return this;
  }

  WindowCounter counter(CounterKey key, Instant windowEnd) {
    return counters.computeIfAbsent(key, k -> new WindowCounter(k, windowEnd));
  }

  /** Replicas that flushed recently, this one included; the last known number while offline. */
  int liveReplicas() {
    return liveReplicas;
  }

  /**
   * True while the last flush failed: the store is unreachable, so an exact check would only wait
   * for its timeout before admission decides on local knowledge anyway.
   */
  boolean unreachable() {
    return databaseDown;
  }

  /** Adds a correction (actual usage minus reservation, or a release) to a counter. */
  void adjust(CounterKey key, Instant windowEnd, long delta) {
    if (delta != 0) {
      WindowCounter.add(counter(key, windowEnd).pending, delta);
    }
  }

  /**
   * The exact check used close to a limit: sends this replica's pending delta plus {@code
   * reservation} in one conditional statement. The caller has already added {@code reservation} to
   * the counter's in-flush amount; it leaves it there in every outcome except an exception.
   *
   * @return true when the reservation is now part of the fleet-wide total, false when it would pass
   *     {@code limit}
   */
  boolean addIfWithin(WindowCounter c, long reservation, long limit) throws StoreException {
    long d = c.pending.get();
    c.beginFlush(d);
    Total total;
    try {
      total = repository.addIfWithin(c.key, d + reservation, limit);
    } catch (StoreException | RuntimeException e) {
      c.failFlush(d);
      throw e;
    }
    if (total != null) {
      c.apply(total);
      c.endFlush(d + reservation);
      return true;
    }
    c.failFlush(d);
    c.endFlush(reservation);
    try {
      c.apply(repository.total(c.key));
    } catch (StoreException | RuntimeException e) {
      log.debug("could not read quota total after a refusal: {}", e.getMessage());
    }
    return false;
  }

  /** One flush cycle: every live counter's delta out, every total in. */
  public void flush() throws StoreException {
    Instant now = clock.instant();
    Map<CounterKey, Long> deltas = new HashMap<>();
    Map<WindowCounter, Long> sent = new HashMap<>();
    for (WindowCounter c : counters.values()) {
      long d = c.pending.get();
      if (d == 0 && c.inFlush.get() == 0 && c.windowEnd.plus(Duration.ofMinutes(1)).isBefore(now)) {
        counters.remove(c.key, c);
        if (c.pending.get() == 0) {
          continue;
        }
        // A late correction raced the eviction: keep the counter until it is flushed.
        counters.putIfAbsent(c.key, c);
        d = c.pending.get();
      }
      c.beginFlush(d);
      deltas.put(c.key, d);
      sent.put(c, d);
    }
    FlushResult result;
    try {
      result = repository.flush(settings.replicaId(), deltas, settings.liveWindow());
    } catch (StoreException | RuntimeException e) {
      sent.forEach(WindowCounter::failFlush);
      throw e;
    }
    sent.forEach(
        (c, d) -> {
          Total total = result.totals().get(c.key);
          if (total != null) {
            c.apply(total);
          }
          c.endFlush(d);
        });
    liveReplicas = result.liveReplicas();
    remember();
  }

  /** After a flush that read something new: what was just read, for a restart during an outage. */
  private void remember() {
    if (memory == CounterMemory.NONE) {
      return;
    }
    List<CounterMemory.Counter> known = new ArrayList<>();
    long signature = liveReplicas;
    for (WindowCounter c : counters.values()) {
      if (c.known()) {
        known.add(new CounterMemory.Counter(c.key, c.windowEnd, c.global(), c.version()));
        signature = 31 * signature + c.key.hashCode() * 17L + c.version();
      }
    }
    if (signature == rememberedSignature) {
      return; // an idle flush: nothing to write (and no fsync)
    }
    rememberedSignature = signature;
    memory.save(new CounterMemory.Remembered(liveReplicas, known));
  }

  private void flushQuietly() {
    try {
      flush();
      // Rows of long-ended windows are only history; one replica deleting them hourly is enough,
      // several doing it is harmless.
      if (System.nanoTime() - cleanedAtNanos > Duration.ofHours(1).toNanos()) {
        cleanedAtNanos = System.nanoTime();
        repository.deleteEndedBefore(clock.instant());
      }
      if (databaseDown) {
        databaseDown = false;
        log.info("quota counters are flushing again");
      }
    } catch (StoreException | RuntimeException e) {
      if (!databaseDown) {
        databaseDown = true;
        log.warn(
            "cannot flush quota counters ({}); enforcing with local knowledge until the database is"
                + " back",
            e.getMessage());
      }
    }
  }

  /** The counter of {@code key} if this replica has one (tests and metrics). */
  @Nullable WindowCounter find(CounterKey key) {
    return counters.get(key);
  }

  /** Stops flushing after a last flush, and leaves the replica table. */
  @Override
  public void close() {
    flusher.shutdownNow();
    try {
      flusher.awaitTermination(2, TimeUnit.SECONDS);
      flush();
      repository.leave(settings.replicaId());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (StoreException | RuntimeException e) {
      log.warn("last quota flush failed: {}", e.getMessage());
      rememberLastKnown();
    }
  }

  /**
   * The store did not take the last deltas (an outage): they are kept with the totals, so that a
   * restart counts them against its share and sends them once the store answers. Without this a
   * replica restarted during an outage would spend its share a second time, and the fleet's
   * counters would never learn what it had granted. The totals are the latest this replica read
   * (exact checks read them too), fresher than what the last periodic flush kept.
   */
  private void rememberLastKnown() {
    if (memory == CounterMemory.NONE) {
      return;
    }
    List<CounterMemory.Counter> kept = new ArrayList<>();
    int unconfirmed = 0;
    for (WindowCounter c : counters.values()) {
      long u = c.unflushed();
      if (c.known() || u != 0) {
        kept.add(
            new CounterMemory.Counter(
                c.key,
                c.windowEnd,
                c.global(),
                c.known() ? c.version() : CounterMemory.NEVER_READ,
                u));
        unconfirmed += u != 0 ? 1 : 0;
      }
    }
    memory.save(new CounterMemory.Remembered(liveReplicas, kept));
    if (unconfirmed > 0) {
      log.info(
          "kept the deltas of {} quota counters that the database did not confirm; the next start"
              + " sends them",
          unconfirmed);
    }
  }
}
