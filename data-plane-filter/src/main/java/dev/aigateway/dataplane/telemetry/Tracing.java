package dev.aigateway.dataplane.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import java.util.Map;

/**
 * Starts one trace per client request. {@link #OFF} (no {@code OTEL_*} exporter configured) hands
 * out a request trace whose every method does nothing, so an untraced gateway pays one field read
 * per hook.
 */
public sealed interface Tracing extends AutoCloseable permits Tracing.Off, OtelTracing {

  Tracing OFF = new Off();

  /**
   * A trace for a request that has just arrived, continuing the client's W3C {@code traceparent}.
   *
   * @param clientHeaders the request headers, lower-case names
   */
  RequestTrace start(Map<String, String> clientHeaders, String method, String path);

  /**
   * The spans of one attempt, children of the request span whose context {@code parent} carries
   * (what {@link RequestTrace#context} gave the router-level point): no server span of its own.
   */
  RequestTrace startAttempt(Map<String, String> parent, int attempt);

  /** Flushes and stops the exporter, if any. */
  @Override
  void close();

  /**
   * Tracing as the standard {@code OTEL_*} environment variables configure it (OpenTelemetry SDK
   * autoconfigure), or {@link #OFF} when they name no trace exporter. Prompt and completion content
   * goes into spans only when {@code OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true}.
   */
  static Tracing fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /** {@link #fromEnvironment()} over the given variables (tests). */
  static Tracing fromEnvironment(Map<String, String> env) {
    if (!TracingEnvironment.enabled(env)) {
      return OFF;
    }
    // Only now are the SDK's classes loaded.
    return SdkSetup.start(env);
  }

  /** Tracing over an OpenTelemetry instance configured elsewhere (tests, embedders). */
  static Tracing of(OpenTelemetry openTelemetry, boolean captureContent) {
    return new OtelTracing(openTelemetry, captureContent, () -> {});
  }

  /** No tracing. */
  final class Off implements Tracing {
    private Off() {}

    @Override
    public RequestTrace start(Map<String, String> clientHeaders, String method, String path) {
      return RequestTrace.OFF;
    }

    @Override
    public RequestTrace startAttempt(Map<String, String> parent, int attempt) {
      return RequestTrace.OFF;
    }

    @Override
    public void close() {}
  }
}
