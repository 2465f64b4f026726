package dev.aigateway.dataplane.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Tracing through an OpenTelemetry instance. */
final class OtelTracing implements Tracing {
  private static final TextMapGetter<Map<String, String>> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
          return carrier.keySet();
        }

        @Override
        public @Nullable String get(@Nullable Map<String, String> carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };

  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final boolean captureContent;
  private final Runnable shutdown;

  OtelTracing(OpenTelemetry openTelemetry, boolean captureContent, Runnable shutdown) {
    this.tracer = openTelemetry.getTracer("dev.aigateway.gateway");
    this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    this.captureContent = captureContent;
    this.shutdown = shutdown;
  }

  @Override
  public RequestTrace start(Map<String, String> clientHeaders, String method, String path) {
    Context parent = propagator.extract(Context.root(), clientHeaders, HEADERS);
    return new OtelRequestTrace(tracer, propagator, parent, method, path, captureContent);
  }

  @Override
  public RequestTrace startAttempt(Map<String, String> parent, int attempt) {
    Context context = propagator.extract(Context.root(), parent, HEADERS);
    return new OtelRequestTrace(tracer, propagator, context, attempt, captureContent);
  }

  @Override
  public void close() {
    shutdown.run();
  }
}
