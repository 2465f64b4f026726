package dev.aigateway.dataplane.usage;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * The default {@link UsageRecorder}: updates the OpenTelemetry GenAI metrics and nothing else.
 * Names follow the GenAI semantic conventions; labels are model, provider and status.
 */
public final class GenAiMetrics implements UsageRecorder {
  public static final String TOKEN_USAGE = "gen_ai.client.token.usage";
  public static final String REQUEST_DURATION = "gen_ai.server.request.duration";
  public static final String TIME_TO_FIRST_TOKEN = "gen_ai.server.time_to_first_token";

  private final MeterRegistry registry;

  public GenAiMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void record(UsageRecord r) {
    Tags tags =
        Tags.of(
            "gen_ai.request.model", r.model() == null ? "unknown" : r.model(),
            "gen_ai.provider.name", r.provider() == null ? "none" : r.provider(),
            "http.response.status_code", Integer.toString(r.status()));
    Timer.builder(REQUEST_DURATION)
        .description("Time to process a GenAI request")
        .tags(tags)
        .register(registry)
        .record(r.latency());
    if (r.timeToFirstToken() != null) {
      Timer.builder(TIME_TO_FIRST_TOKEN)
          .description("Time to the first streamed chunk")
          .tags(tags)
          .register(registry)
          .record(r.timeToFirstToken());
    }
    if (r.usageReported()) {
      tokens(tags, "input", r.usage().inputTokens());
      tokens(tags, "output", r.usage().outputTokens());
    }
  }

  private void tokens(Tags tags, String type, long count) {
    DistributionSummary.builder(TOKEN_USAGE)
        .description("Tokens used per request")
        .baseUnit("{token}")
        .tags(tags.and("gen_ai.token.type", type))
        .register(registry)
        .record(count);
  }
}
