package dev.aigateway.dataplane.usage;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The default {@link UsageRecorder}: updates the OpenTelemetry GenAI metrics and nothing else.
 * Names follow the GenAI semantic conventions; labels are model, provider and status.
 */
public final class GenAiMetrics implements UsageRecorder {
  public static final String TOKEN_USAGE = "gen_ai.client.token.usage";
  public static final String REQUEST_DURATION = "gen_ai.server.request.duration";
  public static final String TIME_TO_FIRST_TOKEN = "gen_ai.server.time_to_first_token";

  private record Labels(String model, String provider, int status) {}

  private record Meters(
      Timer duration, Timer firstToken, DistributionSummary input, DistributionSummary output) {}

  private final MeterRegistry registry;
  // Building and registering meters per request costs more than the rest of the bookkeeping.
  private final Map<Labels, Meters> meters = new ConcurrentHashMap<>();

  public GenAiMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void record(UsageRecord r) {
    Labels labels =
        new Labels(
            r.model() == null ? "unknown" : r.model(),
            r.provider() == null ? "none" : r.provider(),
            r.status());
    Meters m = meters.computeIfAbsent(labels, this::register);
    m.duration().record(r.latency());
    if (r.timeToFirstToken() != null) {
      m.firstToken().record(r.timeToFirstToken());
    }
    if (r.usageReported()) {
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
