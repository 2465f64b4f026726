package dev.aigateway.db.usage;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Filters of the usage reports and the ledger; null means "any".
 *
 * @param team a team id or name
 */
public record UsageFilter(
    Instant from,
    Instant to,
    @Nullable UUID keyId,
    @Nullable String team,
    @Nullable String model,
    @Nullable String provider,
    @Nullable Integer status) {}
