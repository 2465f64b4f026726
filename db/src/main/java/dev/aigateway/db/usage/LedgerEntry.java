package dev.aigateway.db.usage;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** One row of the usage ledger: what one request used. */
public record LedgerEntry(
    Instant time,
    String requestId,
    @Nullable UUID keyId,
    @Nullable UUID teamId,
    @Nullable String model,
    @Nullable String provider,
    @Nullable String upstreamModel,
    long inputTokens,
    long outputTokens,
    long cachedTokens,
    BigDecimal costUsd,
    int status,
    long latencyMs,
    boolean streamed) {

  public LedgerEntry {
    requireNonNull(time, "time");
    requireNonNull(requestId, "requestId");
    requireNonNull(costUsd, "costUsd");
  }
}
