package dev.aigateway.dataplane.telemetry;

import java.util.Locale;
import java.util.Map;

/** Which standard {@code OTEL_*} variables turn tracing on. */
final class TracingEnvironment {
  static final String CAPTURE_CONTENT = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";

  private TracingEnvironment() {}

  /**
   * True when an exporter is named ({@code OTEL_TRACES_EXPORTER} other than {@code none}) or an
   * OTLP endpoint is set, and the SDK is not disabled. Unlike the SDK's own default (an OTLP
   * exporter to localhost), nothing set means no tracing: a gateway must not send spans nobody
   * asked for.
   */
  static boolean enabled(Map<String, String> env) {
    if (isTrue(env.get("OTEL_SDK_DISABLED"))) {
      return false;
    }
    String exporter = env.get("OTEL_TRACES_EXPORTER");
    if (exporter != null && !exporter.isBlank()) {
      return !exporter.trim().equalsIgnoreCase("none");
    }
    return isSet(env.get("OTEL_EXPORTER_OTLP_ENDPOINT"))
        || isSet(env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
  }

  static boolean captureContent(Map<String, String> env) {
    return isTrue(env.get(CAPTURE_CONTENT));
  }

  private static boolean isSet(String value) {
    return value != null && !value.isBlank();
  }

  private static boolean isTrue(String value) {
    return value != null && value.trim().toLowerCase(Locale.ROOT).equals("true");
  }
}
