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

  /** One counter as last read: its total and version, and when its window ends. */
  record Counter(CounterKey key, Instant windowEnd, long used, long version) {}

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
