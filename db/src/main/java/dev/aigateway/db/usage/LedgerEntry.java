package dev.aigateway.db.usage;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One row of the usage ledger: what one request used.
 *
 * @param inputApi the API the client called ({@code chat}, {@code responses}, {@code messages},
 *     ...), null when unknown (rows written before it was recorded)
 */
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
    boolean streamed,
    @Nullable String inputApi) {

  /** An entry whose input API is unknown. */
  public LedgerEntry(
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
    this(
        time,
        requestId,
        keyId,
        teamId,
        model,
        provider,
        upstreamModel,
        inputTokens,
        outputTokens,
        cachedTokens,
        costUsd,
        status,
        latencyMs,
        streamed,
        null);
  }

  public LedgerEntry {
    requireNonNull(time, "time");
    requireNonNull(requestId, "requestId");
    requireNonNull(costUsd, "costUsd");
  }
}
