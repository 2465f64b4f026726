package dev.aigateway.dataplane.store.postgres;

import static java.util.Objects.requireNonNull;

import dev.aigateway.dataplane.error.StoreException;
import dev.aigateway.dataplane.ledger.LedgerSink;
import dev.aigateway.db.Database;
import dev.aigateway.db.usage.LedgerEntry;
import dev.aigateway.db.usage.LedgerRepository;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * The usage ledger in {@code usage_ledger} (daily partitions) and its hourly rollups, through
 * {@link LedgerRepository}; an entry already stored (same request id and time) is skipped.
 */
public final class PostgresLedgerSink implements LedgerSink {
  private final LedgerRepository repository;

  public PostgresLedgerSink(Database database) {
    this.repository = new LedgerRepository(requireNonNull(database, "database"));
  }

  @Override
  public int insert(List<LedgerEntry> entries) throws StoreException {
    try {
      return repository.insert(entries);
    } catch (SQLException | RuntimeException e) {
      throw Failures.of(e);
    }
  }

  @Override
  public void prepare(LocalDate day) throws StoreException {
    try {
      repository.ensurePartition(day);
    } catch (SQLException | RuntimeException e) {
      throw Failures.of(e);
    }
  }

  @Override
  public List<String> dropBefore(Instant cutoff) throws StoreException {
    try {
      return repository.dropPartitionsBefore(cutoff);
    } catch (SQLException | RuntimeException e) {
      throw Failures.of(e);
    }
  }
}
