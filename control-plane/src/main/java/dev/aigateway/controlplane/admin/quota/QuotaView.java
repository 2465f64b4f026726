package dev.aigateway.controlplane.admin.quota;

import dev.aigateway.db.quota.Quota;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A quota as the API shows it. {@code usage} stays null until the usage-limiting feature fills it.
 */
public record QuotaView(
    UUID id,
    String scope,
    @Nullable UUID scopeId,
    @Nullable String model,
    String metric,
    String window,
    BigDecimal limit,
    long version,
    Instant createdAt,
    Instant updatedAt,
    @Nullable Object usage) {

  static QuotaView of(Quota q) {
    // TODO(usage-limiting issue): fill usage with the current window's fleet-wide usage.
    return new QuotaView(
        q.id(),
        q.scope(),
        q.scopeId(),
        q.model(),
        q.metric(),
        q.window(),
        q.limit(),
        q.version(),
        q.createdAt(),
        q.updatedAt(),
        null);
  }
}
