package dev.aigateway.dataplane.quota;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The quotas and model prices of one config revision.
 *
 * @param providerIds provider ids by name: attempts name their provider, provider quotas its id
 */
public record QuotaConfig(
    long revision,
    List<QuotaRule> rules,
    Map<String, Prices> prices,
    Map<String, UUID> providerIds) {
  public static final QuotaConfig EMPTY = new QuotaConfig(0, List.of(), Map.of());

  public QuotaConfig {
    rules = List.copyOf(rules);
    prices = Map.copyOf(prices);
    providerIds = Map.copyOf(providerIds);
  }

  /** Without provider names (no provider quota can apply). */
  public QuotaConfig(long revision, List<QuotaRule> rules, Map<String, Prices> prices) {
    this(revision, rules, prices, Map.of());
  }

  /**
   * The quotas scoped to the provider named {@code provider} that count attempts for the public
   * model {@code model}.
   */
  public List<QuotaRule> ofProvider(String provider, String model) {
    UUID id = providerIds.get(provider);
    if (id == null) {
      return List.of();
    }
    return rules.stream().filter(r -> r.appliesToProvider(id, model)).toList();
  }

  /** The quotas that count a request of this key, team and public model name. */
  public List<QuotaRule> applicable(UUID keyId, UUID teamId, String model) {
    return rules.stream().filter(r -> r.appliesTo(keyId, teamId, model)).toList();
  }

  /** The prices of a public model name ({@link Prices#UNKNOWN} if it has none). */
  public Prices pricesOf(String model) {
    return model == null ? Prices.UNKNOWN : prices.getOrDefault(model, Prices.UNKNOWN);
  }
}
