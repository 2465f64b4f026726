package dev.aigateway.dataplane.ledger;

import dev.aigateway.dataplane.error.StoreException;
import dev.aigateway.db.usage.LedgerEntry;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * Where {@link LedgerRecorder} writes its batches (PostgreSQL in production). An entry's key is the
 * gateway-generated request id: writing the same entry twice stores it once, so a spool can be
 * replayed after a crash without counting anything twice.
 */
public interface LedgerSink {

  /**
   * Writes {@code entries} (and their rollups) all or none.
   *
   * @return how many were new
   * @throws StoreException {@link StoreException#refusedContent() refusedContent} when the store
   *     refused one of these entries for what it holds; otherwise the store was unreachable
   */
  int insert(List<LedgerEntry> entries) throws StoreException;

  /** Prepares storage for the entries of {@code day} (a partition); idempotent. */
  void prepare(LocalDate day) throws StoreException;

  /**
   * Drops stored entries older than {@code cutoff} (whole partitions).
   *
   * @return what was dropped, for the log
   */
  List<String> dropBefore(Instant cutoff) throws StoreException;
}
