package dev.aigateway.dataplane.quota;

import dev.aigateway.dataplane.error.StoreException;
import dev.aigateway.vocabulary.quota.CounterKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The fleet-wide quota counters every replica adds its deltas to (PostgreSQL in production). Every
 * method may fail with {@link StoreException} while the store is unreachable; admission then keeps
 * to this replica's share of the headroom it last knew.
 */
public interface CounterStore {

  /** A counter's total and its version (higher is newer). */
  record Total(long used, long version) {}

  /** Totals after a flush, and how many replicas flushed recently (always at least 1). */
  record FlushResult(Map<CounterKey, Total> totals, int liveReplicas) {
    public FlushResult {
      totals = Map.copyOf(totals);
    }
  }

  /**
   * Adds {@code deltas} (a zero delta only reads the total) and records this replica as live, in
   * one transaction.
   *
   * @param liveWindow replicas not seen for longer than this are not counted
   */
  FlushResult flush(String replicaId, Map<CounterKey, Long> deltas, Duration liveWindow)
      throws StoreException;

  /**
   * Adds {@code delta} only if the total stays within {@code limit}.
   *
   * @return the new total, or null when adding would pass the limit
   */
  @Nullable Total addIfWithin(CounterKey key, long delta, long limit) throws StoreException;

  /** The current total (0, version 0 when nothing was counted yet). */
  Total total(CounterKey key) throws StoreException;

  /** Forgets a replica that shuts down cleanly, so the others' shares grow at once. */
  void leave(String replicaId) throws StoreException;

  /** Forgets counters of windows that ended long before {@code now}. */
  void deleteEndedBefore(Instant now) throws StoreException;
}
