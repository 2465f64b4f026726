package dev.aigateway.dataplane.routing;

import dev.aigateway.dataplane.config.ModelConfig;
import dev.aigateway.dataplane.config.ModelTarget;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntUnaryOperator;
import org.jspecify.annotations.Nullable;

/** Picks one target among a model's preferred (highest priority) targets, by weight. */
public final class TargetSelector {
  private final IntUnaryOperator random;

  /** {@code random.applyAsInt(bound)} returns a value in [0, bound). */
  public TargetSelector(IntUnaryOperator random) {
    this.random = random;
  }

  public static TargetSelector threadLocalRandom() {
    return new TargetSelector(bound -> ThreadLocalRandom.current().nextInt(bound));
  }

  /** Null when the model has no target with a positive weight. */
  public @Nullable ModelTarget select(ModelConfig model) {
    List<ModelTarget> targets = model.preferred();
    if (targets.isEmpty()) {
      return null;
    }
    if (targets.size() == 1) {
      return targets.getFirst();
    }
    int point = random.applyAsInt(model.totalWeight());
    for (ModelTarget t : targets) {
      point -= t.weight();
      if (point < 0) {
        return t;
      }
    }
    return targets.getLast();
  }
}
