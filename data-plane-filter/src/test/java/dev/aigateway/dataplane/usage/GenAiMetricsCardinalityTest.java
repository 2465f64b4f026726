package dev.aigateway.dataplane.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 attack 3: each distinct client-sent model name once became a Prometheus series kept
 * forever (6,000 series and 5.7 MB of /metrics after a few thousand requests).
 */
class GenAiMetricsCardinalityTest {

  private static UsageRecord record(String model, String provider, int status) {
    return new UsageRecord(
        Instant.now(),
        UUID.randomUUID().toString(),
        UUID.randomUUID(),
        UUID.randomUUID(),
        model,
        provider,
        "up",
        new TokenUsage(1, 1, 0),
        UsageSource.REPORTED,
        status,
        Duration.ofMillis(1),
        null,
        false,
        null);
  }

  private static Set<String> models(SimpleMeterRegistry registry) {
    return registry.getMeters().stream()
        .map(Meter::getId)
        .map(id -> id.getTag("gen_ai.request.model"))
        .collect(Collectors.toSet());
  }

  @Test
  void unknownModelNamesShareOneLabelHoweverManyAreSent() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    GenAiMetrics metrics = new GenAiMetrics(registry, Set.of("gpt-4o", "claude")::contains);

    for (int i = 0; i < 6_000; i++) {
      metrics.record(record("attacker-model-" + i, "none", 404));
    }
    metrics.record(record("gpt-4o", "openai", 200));
    metrics.record(record("claude", "anthropic", 99_999));

    assertThat(models(registry)).containsExactlyInAnyOrder("unknown", "gpt-4o", "claude");
    // (SimpleMeterRegistry adds a gauge per histogram bucket; Prometheus renders those as the
    // timer's _bucket samples: a fixed number per meter.)
    assertThat(
            registry.getMeters().stream()
                .filter(
                    m ->
                        Set.of(
                                GenAiMetrics.TOKEN_USAGE,
                                GenAiMetrics.REQUEST_DURATION,
                                GenAiMetrics.TIME_TO_FIRST_TOKEN)
                            .contains(m.getId().getName())))
        .hasSizeLessThan(20);
    assertThat(
            registry.getMeters().stream()
                .map(m -> m.getId().getTag("http.response.status_code"))
                .collect(Collectors.toSet()))
        .containsExactlyInAnyOrder("404", "200", "0");
  }

  @Test
  void labelSetsFedByConfigAreCapped() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    GenAiMetrics metrics = new GenAiMetrics(registry, name -> true);

    for (int i = 0; i < GenAiMetrics.MAX_SERIES + 500; i++) {
      metrics.record(record("configured-" + i, "p", 200));
    }

    assertThat(models(registry)).hasSize(GenAiMetrics.MAX_SERIES + 1).contains("other");
  }
}
