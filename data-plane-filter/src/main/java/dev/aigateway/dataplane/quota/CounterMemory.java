package dev.aigateway.dataplane.quota;

import dev.aigateway.vocabulary.quota.CounterKey;
import java.time.Instant;
import java.util.List;

/**
 * What this replica last read from the counter store, kept across a restart (a file in the data
 * directory in production): a replica restarted while the store is unreachable then limits itself
 * to its share of the headroom it knew, instead of assuming an empty counter and a fleet of one.
 */
public interface CounterMemory {

  /** Remembers nothing: a restart during an outage starts from zero. */
  CounterMemory NONE =
      new CounterMemory() {
        @Override
        public void save(Remembered state) {}

        @Override
        public Remembered load() {
          return new Remembered(1, List.of());
        }
      };

  /**
   * One counter as last read: its total and version, and when its window ends; and this replica's
   * deltas that the store has not confirmed (kept when it stops while the store is unreachable, so
   * that they are sent by the next start instead of being forgotten).
   *
   * @param version {@link #NEVER_READ} when no total was ever read (only {@code unconfirmed}
   *     counts)
   */
  record Counter(CounterKey key, Instant windowEnd, long used, long version, long unconfirmed) {
    /** A total as read, with nothing unconfirmed. */
    public Counter(CounterKey key, Instant windowEnd, long used, long version) {
      this(key, windowEnd, used, version, 0);
    }
  }

  /** The version of a counter whose total was never read. */
  long NEVER_READ = -1;

  /** The live replicas and counters of the last successful flush. */
  record Remembered(int liveReplicas, List<Counter> counters) {
    public Remembered {
      counters = List.copyOf(counters);
    }
  }

  /** Replaces what is remembered; a failure is logged, never thrown. */
  void save(Remembered state);

  /** What was remembered (nothing, when there is no usable copy). */
  Remembered load();
}
