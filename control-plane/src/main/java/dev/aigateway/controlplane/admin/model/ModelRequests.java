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

  record Create(@Nullable String name, @Nullable List<Target> targets, @Nullable Pricing pricing) {}

  record Patch(
      @Nullable String name,
      @Nullable List<Target> targets,
      @Nullable Pricing pricing,
      @Nullable Long version) {}
}
