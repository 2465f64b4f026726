package dev.aigateway.dataplane.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.translate.Endpoint;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.usage.TokenUsage;
import dev.aigateway.vocabulary.provider.ProviderSchema;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RequestTraceTest {
  private static final String CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CLIENT_SPAN = "00f067aa0ba902b7";
  private static final String PROMPT = "the secret plan for tuesday";
  private static final ProviderConfig GROQ =
      new ProviderConfig(
          UUID.randomUUID(),
          "groq",
          ProviderSchema.OPENAI_COMPATIBLE,
          "openai_compatible",
          "https://api.groq.com/openai/v1",
          "/openai/v1",
          Map.of(),
          List.of());

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                  .build())
          .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
          .build();

  @AfterEach
  void close() {
    sdk.close();
  }

  private Map<String, String> traceOneRequest(Tracing tracing) throws Exception {
    RequestTrace trace =
        tracing.start(
            Map.of("traceparent", "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01"),
            "POST",
            "/v1/chat/completions");
    trace.requested(Endpoint.CHAT_COMPLETIONS, "fast");
    ObjectNode body =
        (ObjectNode)
            Json.MAPPER.readTree(
                "{\"model\":\"fast\",\"max_tokens\":50,\"temperature\":0.2,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\""
                    + PROMPT
                    + "\"}]}");
    Map<String, String> upstreamHeaders = trace.attempt(GROQ, "llama-3.1-8b-instant", body);
    trace.responseBody(
        ("{\"id\":\"c1\",\"model\":\"llama-3.1-8b-instant-0725\",\"choices\":[{\"message\":"
                + "{\"role\":\"assistant\",\"content\":\"the answer\"}}]}")
            .getBytes(StandardCharsets.UTF_8),
        false);
    trace.finish(200, new TokenUsage(12, 3, 0), true);
    return upstreamHeaders;
  }

  private SpanData span(SpanKind kind) {
    return exporter.getFinishedSpanItems().stream()
        .filter(s -> s.getKind() == kind)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void requestAttemptAndUpstreamSpansContinueTheClientsTraceAndPassItUpstream() throws Exception {
    Map<String, String> upstreamHeaders = traceOneRequest(Tracing.of(sdk, false));

    assertThat(exporter.getFinishedSpanItems()).hasSize(3);
    SpanData request = span(SpanKind.SERVER);
    SpanData attempt = span(SpanKind.INTERNAL);
    SpanData upstream = span(SpanKind.CLIENT);
    assertThat(request.getTraceId()).isEqualTo(CLIENT_TRACE);
    assertThat(request.getParentSpanId()).isEqualTo(CLIENT_SPAN);
    assertThat(request.getName()).isEqualTo("POST /v1/chat/completions");
    assertThat(attempt.getParentSpanId()).isEqualTo(request.getSpanId());
    assertThat(attempt.getName()).isEqualTo("attempt");
    assertThat(upstream.getParentSpanId()).isEqualTo(attempt.getSpanId());
    assertThat(upstream.getName()).isEqualTo("chat llama-3.1-8b-instant");
    assertThat(upstreamHeaders)
        .containsEntry("traceparent", "00-" + CLIENT_TRACE + "-" + upstream.getSpanId() + "-01");

    var a = upstream.getAttributes();
    assertThat(a.get(AttributeKey.stringKey("gen_ai.operation.name"))).isEqualTo("chat");
    assertThat(a.get(AttributeKey.stringKey("gen_ai.provider.name"))).isEqualTo("groq");
    assertThat(a.get(AttributeKey.stringKey("gen_ai.system"))).isEqualTo("groq");
    assertThat(a.get(AttributeKey.stringKey("gen_ai.request.model")))
        .isEqualTo("llama-3.1-8b-instant");
    assertThat(a.get(AttributeKey.stringKey("gen_ai.response.model")))
        .isEqualTo("llama-3.1-8b-instant-0725");
    assertThat(a.get(AttributeKey.longKey("gen_ai.request.max_tokens"))).isEqualTo(50);
    assertThat(a.get(AttributeKey.doubleKey("gen_ai.request.temperature"))).isEqualTo(0.2);
    assertThat(a.get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isEqualTo(12);
    assertThat(a.get(AttributeKey.longKey("gen_ai.usage.output_tokens"))).isEqualTo(3);
    assertThat(a.get(AttributeKey.stringKey("server.address"))).isEqualTo("api.groq.com");
    assertThat(a.get(AttributeKey.longKey("server.port"))).isEqualTo(443);
    assertThat(request.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model")))
        .isEqualTo("fast");
  }

  @Test
  void noPromptOrCompletionIsInASpanUnlessCaptureIsOn() throws Exception {
    traceOneRequest(Tracing.of(sdk, false));
    assertThat(exporter.getFinishedSpanItems())
        .allSatisfy(
            s ->
                assertThat(s.getAttributes().asMap().values())
                    .noneMatch(v -> v.toString().contains(PROMPT))
                    .noneMatch(v -> v.toString().contains("the answer")));
    exporter.reset();

    traceOneRequest(Tracing.of(sdk, true));
    var a = span(SpanKind.CLIENT).getAttributes();
    assertThat(a.get(AttributeKey.stringKey("gen_ai.input.messages"))).contains(PROMPT);
    assertThat(a.get(AttributeKey.stringKey("gen_ai.output.messages"))).contains("the answer");
  }

  @Test
  void aRefusedRequestIsOneErrorSpanWithItsStatus() {
    RequestTrace trace = Tracing.of(sdk, false).start(Map.of(), "POST", "/v1/chat/completions");
    trace.finish(401, TokenUsage.NONE, false);
    SpanData request = span(SpanKind.SERVER);
    assertThat(exporter.getFinishedSpanItems()).hasSize(1);
    assertThat(request.getAttributes().get(AttributeKey.longKey("http.response.status_code")))
        .isEqualTo(401);
    assertThat(request.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("401");
  }

  @Test
  void tracingIsOffUnlessTheEnvironmentNamesAnExporter() {
    assertThat(Tracing.fromEnvironment(Map.of())).isSameAs(Tracing.OFF);
    assertThat(Tracing.fromEnvironment(Map.of("OTEL_SERVICE_NAME", "gw"))).isSameAs(Tracing.OFF);
    assertThat(Tracing.fromEnvironment(Map.of("OTEL_TRACES_EXPORTER", "none")))
        .isSameAs(Tracing.OFF);
    assertThat(
            Tracing.fromEnvironment(
                Map.of(
                    "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318",
                    "OTEL_SDK_DISABLED", "true")))
        .isSameAs(Tracing.OFF);
    assertThat(TracingEnvironment.enabled(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318")))
        .isTrue();
    assertThat(TracingEnvironment.enabled(Map.of("OTEL_TRACES_EXPORTER", "otlp"))).isTrue();
    assertThat(Tracing.OFF.start(Map.of(), "POST", "/v1/chat/completions"))
        .isSameAs(RequestTrace.OFF);
  }

  @Test
  void anAttemptOnAnotherProcessingPointContinuesTheRequestSpanWithItsAttemptNumber()
      throws Exception {
    Tracing tracing = new OtelTracing(sdk, false, () -> {});
    RequestTrace router =
        tracing.start(
            Map.of("traceparent", "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01"),
            "POST",
            "/v1/chat/completions");
    Map<String, String> context = router.context();

    RequestTrace attempt = tracing.startAttempt(context, 2);
    attempt.requested(Endpoint.CHAT_COMPLETIONS, "fast");
    attempt.attempt(GROQ, "llama-3.1-8b-instant", Json.MAPPER.createObjectNode());
    attempt.finish(200, new TokenUsage(12, 3, 0), true);
    router.finish(200, TokenUsage.NONE, false);

    List<SpanData> spans = exporter.getFinishedSpanItems();
    SpanData request =
        spans.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
    SpanData attemptSpan =
        spans.stream().filter(s -> s.getKind() == SpanKind.INTERNAL).findFirst().orElseThrow();
    assertThat(spans).filteredOn(s -> s.getKind() == SpanKind.SERVER).hasSize(1);
    assertThat(attemptSpan.getParentSpanId()).isEqualTo(request.getSpanId());
    assertThat(attemptSpan.getTraceId()).isEqualTo(CLIENT_TRACE);
    assertThat(attemptSpan.getAttributes().get(GenAi.GATEWAY_ATTEMPT)).isEqualTo(2L);
  }
}
