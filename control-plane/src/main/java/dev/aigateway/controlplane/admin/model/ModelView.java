package dev.aigateway.controlplane.admin.model;

import dev.aigateway.db.model.Model;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A model as the API shows it. */
public record ModelView(
    UUID id,
    String name,
    List<Target> targets,
    @Nullable Pricing pricing,
    long version,
    Instant createdAt,
    Instant updatedAt) {

  public record Target(String provider, String model, int weight, int priority) {}

  /** USD per million tokens; null means unknown. */
  public record Pricing(
      @Nullable BigDecimal inputPerMillion,
      @Nullable BigDecimal outputPerMillion,
      @Nullable BigDecimal cachedInputPerMillion) {}

  static ModelView of(Model m) {
    Pricing pricing =
        m.inputPerMillion() == null
                && m.outputPerMillion() == null
                && m.cachedInputPerMillion() == null
            ? null
            : new Pricing(m.inputPerMillion(), m.outputPerMillion(), m.cachedInputPerMillion());
    return new ModelView(
        m.id(),
        m.name(),
        m.targets().stream()
            .map(t -> new Target(t.providerName(), t.upstreamModel(), t.weight(), t.priority()))
            .toList(),
        pricing,
        m.version(),
        m.createdAt(),
        m.updatedAt());
  }
}
