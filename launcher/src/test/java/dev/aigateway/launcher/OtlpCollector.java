package dev.aigateway.launcher;

import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.List;

/** A test's OTLP trace receiver, over either of the protocols a collector serves. */
sealed interface OtlpCollector extends AutoCloseable permits OtlpReceiver, OtlpGrpcReceiver {

  /** The value for {@code OTEL_EXPORTER_OTLP_ENDPOINT}. */
  String endpoint();

  /** The value for {@code OTEL_EXPORTER_OTLP_PROTOCOL}. */
  String protocol();

  List<Span> spans();

  List<ResourceSpans> resources();

  @Override
  void close();
}
