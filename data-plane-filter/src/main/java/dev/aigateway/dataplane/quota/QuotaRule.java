package dev.aigateway.dataplane.quota;

import static java.util.Objects.requireNonNull;

import dev.aigateway.vocabulary.quota.QuotaMetric;
import dev.aigateway.vocabulary.quota.QuotaWindow;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A quota as the data plane enforces it.
 *
 * @param scopeId the key or team id; null for {@link Scope#GLOBAL}
 * @param model the public model name it is limited to; null for every model
 * @param limit in counter units (tokens, or nano-USD for {@code cost_usd})
 */
public record QuotaRule(
    UUID id,
    Scope scope,
    @Nullable UUID scopeId,
    @Nullable String model,
    QuotaMetric metric,
    QuotaWindow window,
    long limit) {

  /** Whom a quota applies to. */
  public enum Scope {
    KEY,
    TEAM,
    GLOBAL;

    /** Parses the stored name ({@code key}, {@code team}, {@code global}). */
    public static Scope of(String name) {
      return switch (name) {
        case "key" -> KEY;
        case "team" -> TEAM;
        case "global" -> GLOBAL;
        default ->
            throw new IllegalArgumentException(
                "scope: " + name + " (expected: key, team or global)");
      };
    }

    /** The stored name. */
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public QuotaRule {
    requireNonNull(id, "id");
    requireNonNull(scope, "scope");
    requireNonNull(metric, "metric");
    requireNonNull(window, "window");
  }

  /** Whether this quota counts a request of {@code keyId}/{@code teamId} for {@code model}. */
  public boolean appliesTo(UUID keyId, UUID teamId, String requestedModel) {
    if (model != null && !model.equals(requestedModel)) {
      return false;
    }
    return switch (scope) {
      case KEY -> keyId.equals(scopeId);
      case TEAM -> teamId.equals(scopeId);
      case GLOBAL -> true;
    };
  }
}
