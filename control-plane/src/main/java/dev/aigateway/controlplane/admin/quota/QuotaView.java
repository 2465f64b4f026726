package dev.aigateway.controlplane.admin.quota;

import dev.aigateway.db.quota.Quota;
import dev.aigateway.db.usage.QuotaUsageReader;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A quota as the API shows it. {@code usage} is the current window's fleet-wide usage on reads
 * (null in audit entries, and when the counters cannot be read).
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

  /** The view with the current window's usage, or with null usage if it cannot be read now. */
  static QuotaView withUsage(Quota q, QuotaUsageReader reader) {
    Object usage;
    try {
      usage = reader.current(q.id(), q.window(), q.metric(), q.limit());
    } catch (java.sql.SQLException | RuntimeException e) {
      usage = null;
    }
    QuotaView view = of(q);
    return new QuotaView(
        view.id(),
        view.scope(),
        view.scopeId(),
        view.model(),
        view.metric(),
        view.window(),
        view.limit(),
        view.version(),
        view.createdAt(),
        view.updatedAt(),
        usage);
  }

  static QuotaView of(Quota q) {
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
