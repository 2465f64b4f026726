package dev.aigateway.db.usage;

import java.math.BigDecimal;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Sums over a period.
 *
 * @param start the bucket's start, null for overall totals
 */
public record UsageTotals(
    @Nullable Instant start,
    long requests,
    long errors,
    long inputTokens,
    long outputTokens,
    BigDecimal costUsd) {

  public long totalTokens() {
    return inputTokens + outputTokens;
  }
}
