package dev.aigateway.db.quota;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A usage limit per key, team or everyone, optionally per model, over a calendar window. */
public record Quota(
    UUID id,
    String scope,
    @Nullable UUID scopeId,
    @Nullable String model,
    String metric,
    String window,
    BigDecimal limit,
    long version,
    Instant createdAt,
    Instant updatedAt) {}
