package dev.aigateway.dataplane.ledger;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How the usage ledger is written.
 *
 * @param maxBatch entries per insert
 * @param maxDelay how long an entry may wait for its batch to fill
 * @param queueCapacity entries held in memory; beyond it they go straight to the spool
 * @param retention raw ledger rows older than this are dropped (whole daily partitions); the hourly
 *     rollups are kept
 * @param retryInterval how often a replay is tried while the database is unreachable
 */
public record LedgerSettings(
    int maxBatch,
    Duration maxDelay,
    int queueCapacity,
    Duration retention,
    Duration retryInterval) {

  public LedgerSettings {
    requireNonNull(maxDelay, "maxDelay");
    requireNonNull(retention, "retention");
    requireNonNull(retryInterval, "retryInterval");
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch: " + maxBatch + " (expected: >= 1)");
    }
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("queueCapacity: " + queueCapacity + " (expected: >= 1)");
    }
    if (retention.toDays() < 1) {
      throw new IllegalArgumentException("retention: " + retention + " (expected: >= 1 day)");
    }
  }

  /** 500 per batch, 100 ms, 50,000 queued, 90 days of raw rows, replay every second. */
  public static LedgerSettings defaults() {
    return new LedgerSettings(
        500, Duration.ofMillis(100), 50_000, Duration.ofDays(90), Duration.ofSeconds(1));
  }
}
