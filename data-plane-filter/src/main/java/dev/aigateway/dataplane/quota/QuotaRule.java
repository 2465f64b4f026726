package dev.aigateway.dataplane.quota;

import static java.util.Objects.requireNonNull;

import dev.aigateway.vocabulary.quota.QuotaMetric;
import dev.aigateway.vocabulary.quota.QuotaWindow;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A quota as the data plane enforces it.
 *
 * @param scopeId the key, team or provider id; null for {@link Scope#GLOBAL}
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
    /**
     * Every attempt on one provider, whoever sent it: checked at the attempt point (the router
     * point does not know the provider yet), not by the router point's admission.
     */
    PROVIDER,
    GLOBAL;

    /** Parses the stored name ({@code key}, {@code team}, {@code provider}, {@code global}). */
    public static Scope of(String name) {
      return switch (name) {
        case "key" -> KEY;
        case "team" -> TEAM;
        case "provider" -> PROVIDER;
        case "global" -> GLOBAL;
        default ->
            throw new IllegalArgumentException(
                "scope: " + name + " (expected: key, team, provider or global)");
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
      case PROVIDER -> false;
      case GLOBAL -> true;
    };
  }

  /**
   * Whether this is a quota of provider {@code providerId} that counts attempts for {@code model}.
   */
  public boolean appliesToProvider(UUID providerId, String requestedModel) {
    return scope == Scope.PROVIDER
        && providerId.equals(scopeId)
        && (model == null || model.equals(requestedModel));
  }
}
