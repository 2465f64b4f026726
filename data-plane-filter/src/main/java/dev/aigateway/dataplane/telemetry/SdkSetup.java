package dev.aigateway.dataplane.telemetry;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The OpenTelemetry SDK configured by autoconfigure from the {@code OTEL_*} environment. */
final class SdkSetup {
  private static final Logger log = LoggerFactory.getLogger(SdkSetup.class);

  private SdkSetup() {}

  /**
   * Two OTLP/HTTP senders are on the class path (the JDK's, and OkHttp's, which comes for gRPC);
   * without a preference the SDK logs a warning and takes either.
   */
  static final String HTTP_SENDER_PREFERENCE =
      "io.opentelemetry.sdk.common.export.HttpSenderProvider";

  static final String JDK_HTTP_SENDER =
      "io.opentelemetry.exporter.sender.jdk.internal.JdkHttpSenderProvider";

  static Tracing start(Map<String, String> env) {
    if (System.getProperty(HTTP_SENDER_PREFERENCE) == null) {
      System.setProperty(HTTP_SENDER_PREFERENCE, JDK_HTTP_SENDER);
    }
    OpenTelemetrySdk sdk;
    try {
      sdk =
          AutoConfiguredOpenTelemetrySdk.builder()
              // Defaults the environment overrides: traces only (metrics are Prometheus's job
              // here), a service name dashboards can find, and the specification's default
              // protocol (the Java SDK's own default is gRPC; OTEL_EXPORTER_OTLP_PROTOCOL=grpc
              // or OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=grpc selects it).
              .addPropertiesSupplier(
                  () ->
                      Map.of(
                          "otel.service.name", "ai-gateway",
                          "otel.metrics.exporter", "none",
                          "otel.logs.exporter", "none",
                          "otel.exporter.otlp.protocol", "http/protobuf"))
              .build()
              .getOpenTelemetrySdk();
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalArgumentException(
          "OTEL_* tracing configuration is not usable: " + cause.getMessage(), e);
    }
    boolean capture = TracingEnvironment.captureContent(env);
    log.info(
        "OpenTelemetry tracing on (OTEL_* environment){}",
        capture ? "; prompt and completion content is captured" : "");
    return new OtelTracing(sdk, capture, sdk::close);
  }
}
