package dev.aigateway.dataplane.usage;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The default {@link UsageRecorder}: updates the OpenTelemetry GenAI metrics and nothing else.
 * Names follow the GenAI semantic conventions; labels are model, provider and status. Labels never
 * take a client's word: a model name is a label only if it is configured (else {@code unknown}), a
 * status outside 100-599 is 0, and past {@link #MAX_SERIES} label sets new ones fold into {@code
 * other}; every distinct client-sent model once became a series kept forever.
 *
 * <p>On Prometheus the names read {@code gen_ai_client_token_usage} (count, sum, max), {@code
 * gen_ai_server_request_duration_seconds} and {@code gen_ai_server_time_to_first_token_seconds}
 * (histograms with the fixed buckets below, for {@code histogram_quantile}).
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

  /**
   * Request duration buckets: the semantic conventions' advice (10 ms to 82 s, doubling) with 1,
   * 2.5 and 5 ms below it, where a gateway's own latency is read. Fixed, so a series has 18
   * buckets.
   */
  static final Duration[] DURATION_BUCKETS =
      seconds(
          0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24,
          20.48, 40.96, 81.92);

  /** Time-to-first-token buckets: the semantic conventions' advice (1 ms to 10 s). */
  static final Duration[] FIRST_TOKEN_BUCKETS =
      seconds(
          0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5,
          10.0);

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
            .serviceLevelObjectives(DURATION_BUCKETS)
            .register(registry),
        Timer.builder(TIME_TO_FIRST_TOKEN)
            .description("Time to the first streamed chunk")
            .tags(tags)
            .serviceLevelObjectives(FIRST_TOKEN_BUCKETS)
            .register(registry),
        tokens(tags, "input"),
        tokens(tags, "output"));
  }

  private DistributionSummary tokens(Tags tags, String type) {
    // No base unit: the conventions' "{token}" is an annotation, which OpenTelemetry's own
    // Prometheus rendering drops; Micrometer would make it part of the name.
    return DistributionSummary.builder(TOKEN_USAGE)
        .description("Tokens used per request")
        .tags(tags.and("gen_ai.token.type", type))
        .register(registry);
  }

  private static Duration[] seconds(double... bounds) {
    Duration[] result = new Duration[bounds.length];
    for (int i = 0; i < bounds.length; i++) {
      result[i] = Duration.ofNanos(Math.round(bounds[i] * 1e9));
    }
    return result;
  }
}
