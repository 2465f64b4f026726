package dev.aigateway.dataplane.ledger;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How the usage ledger is written.
 *
 * @param maxBatch entries per insert
 * @param maxDelay how long an entry may wait for its batch to fill
 * @param queueCapacity entries held in memory; beyond it they go to the spool (through the spill
 *     thread). With {@code maxBatch} it bounds what a {@code kill -9} can lose: at most {@code
 *     queueCapacity + 3 * maxBatch} records (docs/security.md)
 * @param retention raw ledger rows older than this are dropped (whole daily partitions); the hourly
 *     rollups are kept
 * @param retryInterval how often a replay is tried while the database is unreachable
 * @param maxSpoolBytes the spool's size cap; records that would pass it are dropped (counted in
 *     {@code gateway.usage.dropped}), after {@code gateway.usage.spool.bytes} has passed 80% of it
 */
public record LedgerSettings(
    int maxBatch,
    Duration maxDelay,
    int queueCapacity,
    Duration retention,
    Duration retryInterval,
    long maxSpoolBytes) {

  /** The default spool cap: 1 GiB, about 3 million records. */
  public static final long DEFAULT_MAX_SPOOL_BYTES = 1L << 30;

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
    if (maxSpoolBytes < 1) {
      throw new IllegalArgumentException("maxSpoolBytes: " + maxSpoolBytes + " (expected: >= 1)");
    }
  }

  /** Settings with the default spool cap. */
  public LedgerSettings(
      int maxBatch,
      Duration maxDelay,
      int queueCapacity,
      Duration retention,
      Duration retryInterval) {
    this(maxBatch, maxDelay, queueCapacity, retention, retryInterval, DEFAULT_MAX_SPOOL_BYTES);
  }

  /**
   * 500 per batch, 100 ms, 5,000 queued (at most 6,500 records lost to a {@code kill -9}), 90 days
   * of raw rows, replay every second, 1 GiB of spool.
   */
  public static LedgerSettings defaults() {
    return new LedgerSettings(
        500, Duration.ofMillis(100), 5_000, Duration.ofDays(90), Duration.ofSeconds(1));
  }

  /**
   * What a {@code kill -9} can lose at most: the queue and the batch being inserted, plus what
   * waits for the spill thread (up to {@code maxBatch}) and the group it is appending.
   */
  public int crashLossBound() {
    return queueCapacity + 3 * maxBatch;
  }
}
