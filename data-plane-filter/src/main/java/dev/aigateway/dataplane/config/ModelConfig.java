package dev.aigateway.dataplane.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.UUID;

/**
 * A public model name and its targets.
 *
 * @param preferred the first choice: the targets of the lowest priority number (0 first, issue 19,
 *     as Envoy's priority levels) with weight above zero
 * @param totalWeight sum of the weights of {@code preferred}
 * @param targets every target with a positive weight, whatever its priority (the ones failover may
 *     try)
 */
public record ModelConfig(
    UUID id,
    String name,
    long created,
    List<ModelTarget> preferred,
    int totalWeight,
    List<ModelTarget> targets) {

  public ModelConfig {
    requireNonNull(id, "id");
    requireNonNull(name, "name");
    preferred = List.copyOf(preferred);
    targets = List.copyOf(targets);
  }

  /** Keeps the targets of the first priority (lowest number) among those with a positive weight. */
  public static ModelConfig of(UUID id, String name, long created, List<ModelTarget> targets) {
    int best = Integer.MAX_VALUE;
    for (ModelTarget t : targets) {
      if (t.weight() > 0) {
        best = Math.min(best, t.priority());
      }
    }
    List<ModelTarget> preferred = new java.util.ArrayList<>();
    List<ModelTarget> usable = new java.util.ArrayList<>();
    int total = 0;
    for (ModelTarget t : targets) {
      if (t.weight() > 0) {
        usable.add(t);
      }
      if (t.weight() > 0 && t.priority() == best) {
        preferred.add(t);
        total += t.weight();
      }
    }
    return new ModelConfig(id, name, created, preferred, total, usable);
  }
}
