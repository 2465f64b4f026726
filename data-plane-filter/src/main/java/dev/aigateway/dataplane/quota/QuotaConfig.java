package dev.aigateway.dataplane.quota;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The quotas and model prices of one config revision. */
public record QuotaConfig(long revision, List<QuotaRule> rules, Map<String, Prices> prices) {
  public static final QuotaConfig EMPTY = new QuotaConfig(0, List.of(), Map.of());

  public QuotaConfig {
    rules = List.copyOf(rules);
    prices = Map.copyOf(prices);
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
