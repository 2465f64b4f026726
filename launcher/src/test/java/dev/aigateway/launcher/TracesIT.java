package dev.aigateway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.aigateway.fakeprovider.FakeProvider;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The packaged gateway, configured for OTLP only by the standard {@code OTEL_*} environment, sends
 * the spans of a real OpenAI SDK request to an OTLP receiver over either protocol ({@code
 * OTEL_EXPORTER_OTLP_PROTOCOL} {@code http/protobuf} or {@code grpc}), continuing the client's
 * trace and passing it to the provider.
 */
class TracesIT {
  private static final String ADMIN_TOKEN = "traces-admin-token-0123456789abcdef01234567";
  private static final String CLIENT_TRACE = "0af7651916cd43dd8448eb211c80319c";
  private static final String CLIENT_SPAN = "b7ad6b7169203331";
  private static final String PROMPT = "a prompt that must not leave the gateway";

  @TempDir Path dataDir;

  @ParameterizedTest
  @ValueSource(strings = {"http/protobuf", "grpc"})
  void aChatCompletionIsExportedAsGenAiSpansInTheClientsTraceAndTheTraceGoesUpstream(
      String protocol) throws Exception {
    try (OtlpCollector collector =
            protocol.equals("grpc") ? new OtlpGrpcReceiver() : new OtlpReceiver();
        FakeProvider upstream = FakeProvider.start(0, Duration.ZERO)) {
      int proxyPort = GatewayProcess.freePort();
      GatewayProcess gateway =
          GatewayProcess.start(
              dataDir,
              Map.of(
                  "GATEWAY_ADMIN_TOKEN",
                  ADMIN_TOKEN,
                  "OTEL_EXPORTER_OTLP_ENDPOINT",
                  collector.endpoint(),
                  "OTEL_EXPORTER_OTLP_PROTOCOL",
                  collector.protocol(),
                  "OTEL_SERVICE_NAME",
                  "gateway-under-test",
                  "OTEL_BSP_SCHEDULE_DELAY",
                  "100"),
              "--proxy-port",
              Integer.toString(proxyPort));
      try (gateway) {
        gateway.awaitReady(Duration.ofSeconds(90));
        AdminClient admin = new AdminClient(gateway.adminPort, ADMIN_TOKEN);
        admin.createOpenAiCompatible("local", upstream.baseUrl() + "/v1", "sk-upstream-01");
        admin.create(
            "/models",
            Map.of(
                "name",
                "traced",
                "targets",
                List.of(Map.of("provider", "local", "model", "fake-model"))));
        admin.create("/teams", Map.of("name", "t"));
        String key = admin.createKey("k", "t").path("key").asText();
        ChatCompletionCreateParams chat =
            ChatCompletionCreateParams.builder()
                .model("traced")
                .addUserMessage(PROMPT)
                .maxCompletionTokens(64)
                .build();
        // Until xDS has delivered the routes, requests fail; those are not the traced one.
        OpenAIClient untraced = client(proxyPort, key, Map.of());
        Await.awaitTrue(
            Duration.ofSeconds(30),
            () -> {
              try {
                untraced.chat().completions().create(chat);
                return true;
              } catch (RuntimeException notRoutableYet) {
                return false;
              }
            });
        client(
                proxyPort,
                key,
                Map.of("traceparent", "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01"))
            .chat()
            .completions()
            .create(chat);

        Await.awaitTrue(Duration.ofSeconds(20), () -> upstreamSpan(collector).isPresent());
        Span call = upstreamSpan(collector).orElseThrow();
        Map<String, AnyValue> a = attributes(call);
        assertThat(a.get("gen_ai.operation.name").getStringValue()).isEqualTo("chat");
        assertThat(a.get("gen_ai.provider.name").getStringValue()).isEqualTo("local");
        assertThat(a.get("gen_ai.system").getStringValue()).isEqualTo("local");
        assertThat(a.get("gen_ai.request.model").getStringValue()).isEqualTo("fake-model");
        assertThat(a.get("gen_ai.response.model").getStringValue()).isNotEmpty();
        assertThat(a.get("gen_ai.request.max_tokens").getIntValue()).isEqualTo(64);
        assertThat(a.get("gen_ai.usage.input_tokens").getIntValue()).isPositive();
        assertThat(a.get("gen_ai.usage.output_tokens").getIntValue()).isPositive();
        assertThat(call.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);

        List<Span> trace =
            collector.spans().stream()
                .filter(s -> hex(s.getTraceId()).equals(CLIENT_TRACE))
                .toList();
        Span request = only(trace, Span.SpanKind.SPAN_KIND_SERVER);
        Span attempt = only(trace, Span.SpanKind.SPAN_KIND_INTERNAL);
        assertThat(hex(request.getParentSpanId())).isEqualTo(CLIENT_SPAN);
        assertThat(attempt.getParentSpanId()).isEqualTo(request.getSpanId());
        assertThat(call.getParentSpanId()).isEqualTo(attempt.getSpanId());
        assertThat(attributes(request).get("gen_ai.request.model").getStringValue())
            .isEqualTo("traced");
        assertThat(collector.resources().getFirst().getResource().getAttributesList())
            .anySatisfy(
                kv -> {
                  assertThat(kv.getKey()).isEqualTo("service.name");
                  assertThat(kv.getValue().getStringValue()).isEqualTo("gateway-under-test");
                });

        // The provider got the trace, as a child of the upstream call's span.
        FakeProvider.ReceivedRequest received = upstream.received().getLast();
        assertThat(received.headers().get("traceparent"))
            .isEqualTo("00-" + CLIENT_TRACE + "-" + hex(call.getSpanId()) + "-01");
        assertDashboardQueriesExportedMetrics(gateway);
        // Content capture is off: the prompt is in no span.
        assertThat(collector.spans())
            .allSatisfy(s -> assertThat(s.toString()).doesNotContain(PROMPT));
      }
    }
  }

  /**
   * Every metric deploy/grafana/ai-gateway-dashboard.json queries is on /metrics after a request
   * (except those that appear only after their event: a quota refusal, a NACK, a quota's window).
   */
  private static void assertDashboardQueriesExportedMetrics(GatewayProcess gateway)
      throws Exception {
    String dashboard =
        java.nio.file.Files.readString(Path.of("../deploy/grafana/ai-gateway-dashboard.json"));
    java.util.Set<String> queried = new java.util.TreeSet<>();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\\b((?:gen_ai|gateway)_[a-z_]+)\\b").matcher(dashboard);
    while (m.find()) {
      queried.add(m.group(1));
    }
    queried.removeIf(
        n ->
            !n.endsWith("_count")
                && !n.endsWith("_sum")
                && !n.endsWith("_max")
                && !n.endsWith("_bucket")
                && !n.endsWith("_total")
                && !n.endsWith("_nodes")
                && !n.endsWith("_depth")
                && !n.endsWith("_headroom")
                && !n.endsWith("_bytes"));
    queried.removeAll(
        List.of(
            "gateway_quota_rejections_total", "gateway_xds_nacks_total", "gateway_quota_headroom"));
    String metrics = gateway.get("/metrics").orElseThrow().body();
    assertThat(queried).hasSizeGreaterThan(8);
    assertThat(queried).allSatisfy(name -> assertThat(metrics).as(name).contains(name));
  }

  private static OpenAIClient client(int proxyPort, String key, Map<String, String> headers) {
    OpenAIOkHttpClient.Builder builder = Sdk.openAiBuilder(proxyPort, key);
    headers.forEach(builder::putHeader);
    return builder.build();
  }

  private static Optional<Span> upstreamSpan(OtlpCollector collector) {
    return collector.spans().stream()
        .filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT)
        .filter(s -> hex(s.getTraceId()).equals(CLIENT_TRACE))
        .findFirst();
  }

  private static Span only(List<Span> spans, Span.SpanKind kind) {
    List<Span> matching = spans.stream().filter(s -> s.getKind() == kind).toList();
    assertThat(matching).as(kind.name()).hasSize(1);
    return matching.getFirst();
  }

  private static Map<String, AnyValue> attributes(Span span) {
    return span.getAttributesList().stream()
        .collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue));
  }

  private static String hex(ByteString id) {
    return HexFormat.of().formatHex(id.toByteArray());
  }
}
