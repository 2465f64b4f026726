package dev.aigateway.dataplane.usage;

import dev.aigateway.dataplane.quota.Prices;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Prometheus counters of what requests cost and how many tokens they used, by model, provider and
 * team: {@code gateway_usage_cost_usd_total} and {@code gateway_usage_tokens_total} (with {@code
 * gen_ai_token_type} input or output). The cost is the one the usage ledger stores for the request
 * (the model's prices when it was recorded). Labels are configured names only, as in {@link
 * GenAiMetrics}: an unconfigured model is {@code unknown}, a team that no longer exists is {@code
 * unknown} (no team: {@code none}), and past {@link GenAiMetrics#MAX_SERIES} label sets new ones
 * fold into {@code other}.
 */
public final class SpendMetrics implements UsageRecorder {
  public static final String COST = "gateway.usage.cost";
  public static final String TOKENS = "gateway.usage.tokens";

  /** Finds a team's name, now or later (null: no such team). */
  @FunctionalInterface
  public interface TeamLookup {
    void resolve(UUID teamId, Consumer<@Nullable String> then);
  }

  private record Labels(String model, String provider, String team) {}

  private record Counters(Counter cost, Counter input, Counter output) {}

  private final MeterRegistry registry;
  private final Predicate<String> configuredModel;
  private final Function<String, Prices> prices;
  private final TeamLookup teams;
  private final Map<Labels, Counters> counters = new ConcurrentHashMap<>();

  /**
   * @param configuredModel whether a public model name is configured (only those become labels)
   * @param prices a public model's prices ({@link Prices#UNKNOWN}: costs nothing)
   * @param teams team names by id; a name it has to load first is counted once it has it
   */
  public SpendMetrics(
      MeterRegistry registry,
      Predicate<String> configuredModel,
      Function<String, Prices> prices,
      TeamLookup teams) {
    this.registry = registry;
    this.configuredModel = configuredModel;
    this.prices = prices;
    this.teams = teams;
  }

  @Override
  public void record(UsageRecord r) {
    if (r.source() == UsageSource.NONE) {
      return; // nothing used, nothing to count (the request is in the request-duration histogram)
    }
    if (r.teamId() == null) {
      count(r, "none");
    } else {
      teams.resolve(r.teamId(), name -> count(r, name == null ? "unknown" : name));
    }
  }

  private void count(UsageRecord r, String team) {
    boolean configured = r.model() != null && configuredModel.test(r.model());
    Labels labels =
        new Labels(
            configured ? r.model() : "unknown", r.provider() == null ? "none" : r.provider(), team);
    Counters c = counters.get(labels);
    if (c == null) {
      if (counters.size() >= GenAiMetrics.MAX_SERIES) {
        labels = new Labels("other", "other", "other");
      }
      c = counters.computeIfAbsent(labels, this::register);
    }
    TokenUsage u = r.usage();
    c.input().increment(Math.max(0, u.inputTokens()));
    c.output().increment(Math.max(0, u.outputTokens()));
    if (configured) {
      c.cost()
          .increment(
              prices
                  .apply(r.model())
                  .costUsd(u.inputTokens(), u.outputTokens(), u.cachedInputTokens())
                  .doubleValue());
    }
  }

  private Counters register(Labels labels) {
    Tags tags =
        Tags.of(
            "gen_ai.request.model", labels.model(),
            "gen_ai.provider.name", labels.provider(),
            "team", labels.team());
    return new Counters(
        Counter.builder(COST)
            .description("Cost of requests in USD, at the model's configured prices")
            .baseUnit("usd")
            .tags(tags)
            .register(registry),
        tokens(tags, "input"),
        tokens(tags, "output"));
  }

  private Counter tokens(Tags tags, String type) {
    return Counter.builder(TOKENS)
        .description("Tokens used")
        .tags(tags.and("gen_ai.token.type", type))
        .register(registry);
  }
}
