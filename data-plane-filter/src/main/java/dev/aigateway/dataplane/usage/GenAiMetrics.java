package dev.aigateway.dataplane.usage;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The default {@link UsageRecorder}: updates the OpenTelemetry GenAI metrics and nothing else.
 * Names follow the GenAI semantic conventions; labels are model, provider and status. Labels never
 * take a client's word: a model name is a label only if it is configured (else {@code unknown}), a
 * status outside 100-599 is 0, and past {@link #MAX_SERIES} label sets new ones fold into {@code
 * other}; every distinct client-sent model once became a series kept forever.
 */
public final class GenAiMetrics implements UsageRecorder {
  public static final String TOKEN_USAGE = "gen_ai.client.token.usage";
  public static final String REQUEST_DURATION = "gen_ai.server.request.duration";
  public static final String TIME_TO_FIRST_TOKEN = "gen_ai.server.time_to_first_token";

  private record Labels(String model, String provider, int status) {}

  private record Meters(
      Timer duration, Timer firstToken, DistributionSummary input, DistributionSummary output) {}

  /** Label sets kept at most; a large fleet's configured models and providers fit far below. */
  public static final int MAX_SERIES = 2_000;

  private final MeterRegistry registry;
  private final Predicate<String> configuredModel;
  // Building and registering meters per request costs more than the rest of the bookkeeping.
  private final Map<Labels, Meters> meters = new ConcurrentHashMap<>();

  /**
   * @param configuredModel whether a public model name is configured (only those become labels)
   */
  public GenAiMetrics(MeterRegistry registry, Predicate<String> configuredModel) {
    this.registry = registry;
    this.configuredModel = configuredModel;
  }

  @Override
  public void record(UsageRecord r) {
    String model = r.model() == null || !configuredModel.test(r.model()) ? "unknown" : r.model();
    int status = r.status() >= 100 && r.status() <= 599 ? r.status() : 0;
    Labels labels = new Labels(model, r.provider() == null ? "none" : r.provider(), status);
    Meters m = meters.get(labels);
    if (m == null) {
      if (meters.size() >= MAX_SERIES) {
        labels = new Labels("other", "other", status);
      }
      m = meters.computeIfAbsent(labels, this::register);
    }
    m.duration().record(r.latency());
    if (r.timeToFirstToken() != null) {
      m.firstToken().record(r.timeToFirstToken());
    }
    if (r.source() != UsageSource.NONE) {
      m.input().record(r.usage().inputTokens());
      m.output().record(r.usage().outputTokens());
    }
  }

  private Meters register(Labels labels) {
    Tags tags =
        Tags.of(
            "gen_ai.request.model", labels.model(),
            "gen_ai.provider.name", labels.provider(),
            "http.response.status_code", Integer.toString(labels.status()));
    return new Meters(
        Timer.builder(REQUEST_DURATION)
            .description("Time to process a GenAI request")
            .tags(tags)
            .register(registry),
        Timer.builder(TIME_TO_FIRST_TOKEN)
            .description("Time to the first streamed chunk")
            .tags(tags)
            .register(registry),
        tokens(tags, "input"),
        tokens(tags, "output"));
  }

  private DistributionSummary tokens(Tags tags, String type) {
    return DistributionSummary.builder(TOKEN_USAGE)
        .description("Tokens used per request")
        .baseUnit("{token}")
        .tags(tags.and("gen_ai.token.type", type))
        .register(registry);
  }
}
