package dev.aigateway.dataplane.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.aigateway.dataplane.quota.Prices;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class SpendMetricsTest {
  private static final UUID SEARCH = UUID.randomUUID();
  private static final Prices GPT =
      new Prices(new BigDecimal("2.5"), new BigDecimal("10"), new BigDecimal("1.25"));

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final SpendMetrics metrics =
      new SpendMetrics(
          registry,
          Set.of("gpt")::contains,
          model -> model.equals("gpt") ? GPT : Prices.UNKNOWN,
          (id, then) -> then.accept(Map.of(SEARCH, "search").get(id)));

  private static UsageRecord record(
      @Nullable String model, @Nullable UUID team, TokenUsage usage, UsageSource source) {
    return new UsageRecord(
        Instant.now(),
        UUID.randomUUID().toString(),
        UUID.randomUUID(),
        team,
        model,
        "openai",
        "gpt-4o",
        usage,
        source,
        200,
        Duration.ofMillis(3),
        null,
        false,
        null);
  }

  private double counter(String name, String model, String team, @Nullable String type) {
    var search =
        registry
            .find(name)
            .tag("gen_ai.request.model", model)
            .tag("gen_ai.provider.name", "openai")
            .tag("team", team);
    if (type != null) {
      search = search.tag("gen_ai.token.type", type);
    }
    Counter c = search.counter();
    return c == null ? Double.NaN : c.count();
  }

  @Test
  void costAndTokensAddUpPerModelProviderAndTeamAtTheLedgersPrices() {
    metrics.record(record("gpt", SEARCH, new TokenUsage(1_000, 200, 400), UsageSource.REPORTED));
    metrics.record(record("gpt", SEARCH, new TokenUsage(10, 5, 0), UsageSource.COUNTED));

    assertThat(counter(SpendMetrics.TOKENS, "gpt", "search", "input")).isEqualTo(1_010);
    assertThat(counter(SpendMetrics.TOKENS, "gpt", "search", "output")).isEqualTo(205);
    double expected =
        GPT.costUsd(1_000, 200, 400).add(GPT.costUsd(10, 5, 0)).doubleValue(); // the ledger's
    assertThat(counter(SpendMetrics.COST, "gpt", "search", null))
        .isCloseTo(expected, within(1e-15))
        // 600 input at 2.5, 400 cached at 1.25, 200 output at 10; then 10 at 2.5 and 5 at 10
        .isCloseTo((600 * 2.5 + 400 * 1.25 + 200 * 10 + 10 * 2.5 + 5 * 10) / 1e6, within(1e-15));
  }

  @Test
  void unconfiguredModelsAndUnknownTeamsAreOneLabelEachAndCostNothing() {
    for (int i = 0; i < 500; i++) {
      metrics.record(
          record(
              "client-model-" + i,
              UUID.randomUUID(),
              new TokenUsage(1, 1, 0),
              UsageSource.REPORTED));
    }
    metrics.record(record("gpt", null, new TokenUsage(1, 1, 0), UsageSource.REPORTED));

    assertThat(counter(SpendMetrics.TOKENS, "unknown", "unknown", "input")).isEqualTo(500);
    assertThat(counter(SpendMetrics.COST, "unknown", "unknown", null)).isZero();
    assertThat(counter(SpendMetrics.TOKENS, "gpt", "none", "input")).isEqualTo(1);
    assertThat(
            registry.getMeters().stream()
                .map(m -> m.getId().getTag("gen_ai.request.model") + "/" + m.getId().getTag("team"))
                .collect(Collectors.toSet()))
        .containsExactlyInAnyOrder("unknown/unknown", "gpt/none");
  }

  @Test
  void aRequestThatUsedNothingRegistersNoSeries() {
    metrics.record(record("gpt", SEARCH, new TokenUsage(0, 0, 0), UsageSource.NONE));

    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void labelSetsAreCappedLikeTheGenAiMetrics() {
    SpendMetrics everyName =
        new SpendMetrics(
            registry, name -> true, name -> Prices.UNKNOWN, (id, then) -> then.accept("t"));
    for (int i = 0; i < GenAiMetrics.MAX_SERIES + 300; i++) {
      everyName.record(
          record("configured-" + i, SEARCH, new TokenUsage(1, 1, 0), UsageSource.REPORTED));
    }

    assertThat(
            registry.getMeters().stream()
                .map(m -> m.getId().getTag("gen_ai.request.model"))
                .collect(Collectors.toSet()))
        .hasSize(GenAiMetrics.MAX_SERIES + 1)
        .contains("other");
    assertThat(counter(SpendMetrics.TOKENS, "other", "other", "input")).isNaN(); // provider other
    assertThat(
            registry
                .find(SpendMetrics.TOKENS)
                .tag("gen_ai.request.model", "other")
                .tag("gen_ai.token.type", "input")
                .counter()
                .count())
        .isEqualTo(300);
  }
}
