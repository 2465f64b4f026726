package dev.aigateway.db.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A public model name and the upstream targets it routes to. */
public record Model(
    UUID id,
    String name,
    List<Target> targets,
    @Nullable BigDecimal inputPerMillion,
    @Nullable BigDecimal outputPerMillion,
    @Nullable BigDecimal cachedInputPerMillion,
    Failover failover,
    long version,
    Instant createdAt,
    Instant updatedAt) {
  public Model {
    targets = List.copyOf(targets);
    java.util.Objects.requireNonNull(failover, "failover");
  }

  /**
   * One upstream target; the provider is given by id and (for display) name. Priority 0 is the
   * first choice, 1 the first fallback (Envoy's priority levels).
   */
  public record Target(
      UUID providerId, String providerName, String upstreamModel, int weight, int priority) {}
}
