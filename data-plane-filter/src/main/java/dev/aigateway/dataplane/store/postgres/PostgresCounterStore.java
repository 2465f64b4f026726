package dev.aigateway.dataplane.store.postgres;

import static java.util.Objects.requireNonNull;

import dev.aigateway.dataplane.error.StoreException;
import dev.aigateway.dataplane.quota.CounterStore;
import dev.aigateway.db.Database;
import dev.aigateway.db.usage.QuotaCounterRepository;
import dev.aigateway.vocabulary.quota.CounterKey;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The fleet-wide quota counters in {@code quota_counters}, through {@link QuotaCounterRepository}.
 */
public final class PostgresCounterStore implements CounterStore {
  private final QuotaCounterRepository repository;

  public PostgresCounterStore(Database database) {
    this.repository = new QuotaCounterRepository(requireNonNull(database, "database"));
  }

  @Override
  public FlushResult flush(String replicaId, Map<CounterKey, Long> deltas, Duration liveWindow)
      throws StoreException {
    try {
      QuotaCounterRepository.FlushResult r = repository.flush(replicaId, deltas, liveWindow);
      Map<CounterKey, Total> totals = new HashMap<>();
      r.totals().forEach((k, t) -> totals.put(k, total(t)));
      return new FlushResult(totals, r.liveReplicas());
    } catch (SQLException | RuntimeException e) {
      throw Failures.of(e);
    }
  }

  @Override
  public @Nullable Total addIfWithin(CounterKey key, long delta, long limit) throws StoreException {
    try {
      QuotaCounterRepository.Total t = repository.addIfWithin(key, delta, limit);
      return t == null ? null : total(t);
    } catch (SQLException | RuntimeException e) {
      throw Failures.of(e);
    }
  }

  @Override
  public Total total(CounterKey key) throws StoreException {
    try {
      return total(repository.total(key));
    } catch (SQLException | RuntimeException e) {
      throw Failures.of(e);
    }
  }

  @Override
  public void leave(String replicaId) throws StoreException {
    try {
      repository.leave(replicaId);
    } catch (SQLException | RuntimeException e) {
      throw Failures.of(e);
    }
  }

  @Override
  public void deleteEndedBefore(Instant now) throws StoreException {
    try {
      repository.deleteEndedBefore(now);
    } catch (SQLException | RuntimeException e) {
      throw Failures.of(e);
    }
  }

  private static Total total(QuotaCounterRepository.Total t) {
    return new Total(t.used(), t.version());
  }
}
