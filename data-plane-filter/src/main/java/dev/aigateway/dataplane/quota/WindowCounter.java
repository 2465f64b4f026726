package dev.aigateway.dataplane.quota;

import dev.aigateway.dataplane.quota.CounterStore.Total;
import dev.aigateway.dataplane.usage.Saturating;
import dev.aigateway.vocabulary.quota.CounterKey;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One replica's view of a fleet-wide counter: the last total read from the database plus this
 * replica's deltas that are not in it yet. Every update keeps {@link #used} at or above the truth
 * as far as this replica knows it (a delta is briefly counted twice rather than not at all).
 */
final class WindowCounter {
  /** A rate sample spans at least this long, so that one read's jitter does not make the rate. */
  static final double MIN_RATE_SAMPLE_SECONDS = 0.01;

  final CounterKey key;
  final Instant windowEnd;

  /** Deltas (reservations, corrections, releases) not sent yet. */
  final AtomicLong pending = new AtomicLong();

  /** Deltas sent in a statement whose answer has not been applied yet. */
  final AtomicLong inFlush = new AtomicLong();

  private volatile long global;
  private volatile long version;
  private volatile boolean known;
  private volatile long readAtNanos;
  private volatile int reads;

  /** Fleet-wide growth of this counter in units per second (smoothed over flushes). */
  private volatile double rate;

  /**
   * The total and time the next rate sample is measured from. Kept apart from the last read: exact
   * checks read totals a few milliseconds apart, and measuring only from the previous read then
   * dropped every sample (too short to measure) and with it the growth, so the rate stayed near 0
   * under exactly the load that uses the headroom fastest.
   */
  private long rateFromUsed;

  private long rateFromNanos;

  private final LongSupplier nanoTime;

  WindowCounter(CounterKey key, Instant windowEnd) {
    this(key, windowEnd, System::nanoTime);
  }

  /** With its own monotonic clock (tests). */
  WindowCounter(CounterKey key, Instant windowEnd, LongSupplier nanoTime) {
    this.key = key;
    this.windowEnd = windowEnd;
    this.nanoTime = nanoTime;
  }

  /** Fleet-wide usage as this replica knows it. */
  long used() {
    return Saturating.add(Saturating.add(global, inFlush.get()), pending.get());
  }

  /** The last fleet-wide total read from the database. */
  long global() {
    return global;
  }

  /**
   * What the fleet is expected to add between the last read and {@code ahead} from now, judging by
   * the recent growth: the part of the headroom other replicas may already have used.
   */
  long expectedGrowth(java.time.Duration ahead) {
    if (!known) {
      return 0;
    }
    double seconds = (nanoTime.getAsLong() - readAtNanos) / 1e9 + ahead.toNanos() / 1e9;
    return (long) Math.ceil(rate * seconds);
  }

  /** This replica's deltas that the database has not confirmed yet. */
  long unflushed() {
    return Saturating.add(pending.get(), inFlush.get());
  }

  /** The version of the last total applied. */
  long version() {
    return version;
  }

  /** Whether a total was ever read for this window (a new window may already be in use). */
  boolean known() {
    return known;
  }

  /** Applies a total read from the database unless a newer one was applied already. */
  synchronized void apply(Total total) {
    if (!known || total.version() > version) {
      long nowNanos = nanoTime.getAsLong();
      if (!known) {
        rateFromUsed = total.used();
        rateFromNanos = nowNanos;
      } else {
        double seconds = (nowNanos - rateFromNanos) / 1e9;
        if (seconds >= MIN_RATE_SAMPLE_SECONDS) {
          double observed = Math.max(0, total.used() - rateFromUsed) / seconds;
          rate = rate == 0 ? observed : 0.5 * rate + 0.5 * observed;
          rateFromUsed = total.used();
          rateFromNanos = nowNanos;
        }
      }
      readAtNanos = nowNanos;
      reads++;
      global = total.used();
      version = total.version();
      known = true;
    }
  }

  /** Moves {@code d} from pending to in-flush, counting it twice in between rather than never. */
  void beginFlush(long d) {
    add(inFlush, d);
    add(pending, -d);
  }

  /** The flush of {@code d} failed: it is pending again. */
  void failFlush(long d) {
    add(pending, d);
    add(inFlush, -d);
  }

  /** The flush of {@code d} is in a total that was applied (or superseded by a newer one). */
  void endFlush(long d) {
    add(inFlush, -d);
  }

  /** Adds without wrapping: a counter pinned at the end of {@code long} stays there. */
  static void add(AtomicLong counter, long delta) {
    counter.accumulateAndGet(delta, Saturating::add);
  }
}
