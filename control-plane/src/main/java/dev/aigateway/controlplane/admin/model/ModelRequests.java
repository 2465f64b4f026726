package dev.aigateway.controlplane.admin.model;

import java.math.BigDecimal;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Request bodies of the model routes. */
final class ModelRequests {
  private ModelRequests() {}

  record Target(
      @Nullable String provider,
      @Nullable String model,
      @Nullable Integer weight,
      @Nullable Integer priority) {}

  record Pricing(
      @Nullable BigDecimal inputPerMillion,
      @Nullable BigDecimal outputPerMillion,
      @Nullable BigDecimal cachedInputPerMillion) {}

  /** Failover settings; an absent field keeps its default (create) or its stored value (patch). */
  record Failover(
      @Nullable List<String> retryOn,
      @Nullable Integer attempts,
      @Nullable Integer perAttemptTimeoutMs,
      @Nullable Integer backoffBaseMs,
      @Nullable Integer backoffMaxMs) {}

  record Create(
      @Nullable String name,
      @Nullable List<Target> targets,
      @Nullable Pricing pricing,
      @Nullable Failover failover) {}

  record Patch(
      @Nullable String name,
      @Nullable List<Target> targets,
      @Nullable Pricing pricing,
      @Nullable Failover failover,
      @Nullable Long version) {}
}
