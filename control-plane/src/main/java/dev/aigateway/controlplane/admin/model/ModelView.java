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
    Failover failover,
    long version,
    Instant createdAt,
    Instant updatedAt) {

  /** Priority 0 is the first choice, 1 the first fallback, and so on. */
  public record Target(String provider, String model, int weight, int priority) {}

  /** The model's failover settings, defaults filled in. */
  public record Failover(
      List<String> retryOn,
      int attempts,
      int perAttemptTimeoutMs,
      int backoffBaseMs,
      int backoffMaxMs) {
    static Failover of(dev.aigateway.db.model.Failover f) {
      return new Failover(
          f.retryOn(), f.attempts(), f.perAttemptTimeoutMs(), f.backoffBaseMs(), f.backoffMaxMs());
    }
  }

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
        Failover.of(m.failover()),
        m.version(),
        m.createdAt(),
        m.updatedAt());
  }
}
