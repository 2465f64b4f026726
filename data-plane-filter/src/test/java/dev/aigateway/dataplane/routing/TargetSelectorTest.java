package dev.aigateway.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.dataplane.config.ModelConfig;
import dev.aigateway.dataplane.config.ModelTarget;
import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.vocabulary.provider.ProviderSchema;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TargetSelectorTest {
  private static ModelTarget target(String name, int weight, int priority) {
    ProviderConfig p =
        new ProviderConfig(
            UUID.randomUUID(),
            name,
            ProviderSchema.OPENAI,
            "openai",
            "https://x",
            "",
            Map.of(),
            List.of());
    return new ModelTarget(p, name, weight, priority);
  }

  @Test
  void everyWeightPointMapsToItsTargetInProportion() {
    ModelConfig model =
        ModelConfig.of(
            UUID.randomUUID(),
            "m",
            0,
            List.of(target("a", 3, 0), target("b", 1, 0), target("fallback", 10, 1)));
    Map<String, Integer> counts = new HashMap<>();
    for (int point = 0; point < model.totalWeight(); point++) {
      int p = point;
      String chosen = new TargetSelector(bound -> p).select(model).upstreamModel();
      counts.merge(chosen, 1, Integer::sum);
    }
    assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of("a", 3, "b", 1));
  }

  @Test
  void aFallbackPriorityIsUsedOnlyWhenNoEarlierOneHasWeight() {
    ModelConfig model =
        ModelConfig.of(
            UUID.randomUUID(), "m", 0, List.of(target("off", 0, 0), target("fallback", 2, 5)));
    assertThat(TargetSelector.threadLocalRandom().select(model).upstreamModel())
        .isEqualTo("fallback");
    ModelConfig none = ModelConfig.of(UUID.randomUUID(), "m", 0, List.of(target("off", 0, 0)));
    assertThat(TargetSelector.threadLocalRandom().select(none)).isNull();
  }
}
