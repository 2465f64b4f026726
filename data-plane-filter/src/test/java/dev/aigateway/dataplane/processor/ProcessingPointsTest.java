package dev.aigateway.dataplane.processor;

import static dev.aigateway.dataplane.processor.InMemoryGateway.forwardedBody;
import static dev.aigateway.dataplane.processor.InMemoryGateway.immediateStatus;
import static dev.aigateway.dataplane.processor.InMemoryGateway.post;
import static dev.aigateway.dataplane.processor.InMemoryGateway.responseBody;
import static dev.aigateway.dataplane.processor.InMemoryGateway.responseHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.dataplane.usage.UsageRecord;
import dev.aigateway.dataplane.usage.UsageSource;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The phases of both processing points over plain objects (in-memory config, admission and
 * recorder; no database, no network): what the router point hands on, what each attempt does with
 * the target it is given, and how attempts are metered.
 */
class ProcessingPointsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CHAT =
      "{\"model\":\"m-anthropic\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi there\"}]}";

  private static Map<String, String> set(ProcessingResponse r) {
    Map<String, String> headers = new HashMap<>();
    var common =
        r.hasRequestBody() ? r.getRequestBody().getResponse() : r.getRequestHeaders().getResponse();
    for (HeaderValueOption h : common.getHeaderMutation().getSetHeadersList()) {
      headers.put(h.getHeader().getKey(), h.getHeader().getRawValue().toStringUtf8());
    }
    return headers;
  }

  private static Map<String, String> immediateHeaders(ProcessingResponse r) {
    Map<String, String> headers = new HashMap<>();
    for (HeaderValueOption h : r.getImmediateResponse().getHeaders().getSetHeadersList()) {
      headers.put(h.getHeader().getKey(), h.getHeader().getRawValue().toStringUtf8());
    }
    return headers;
  }

  @Test
  void theRouterPointRoutesOnTheModelAndLeavesTheBodyToTheAttempts() {
    InMemoryGateway gateway = new InMemoryGateway(300L);
    InMemoryGateway.Request p = gateway.processor();
    p.router.processBlocking(
        InMemoryGateway.headers(
            Map.of(
                ":method", "POST",
                ":path", "/v1/chat/completions",
                "authorization", "Bearer " + InMemoryGateway.KEY,
                "content-type", "application/json",
                "x-gateway-key-id", "00000000-0000-0000-0000-000000000000"),
            false));
    ProcessingResponse route =
        p.router.processBlocking(
            InMemoryGateway.responseBody(CHAT.getBytes(StandardCharsets.UTF_8), true).toBuilder()
                .clearResponseBody()
                .setRequestBody(
                    io.envoyproxy.envoy.service.ext_proc.v3.HttpBody.newBuilder()
                        .setBody(com.google.protobuf.ByteString.copyFromUtf8(CHAT))
                        .setEndOfStream(true))
                .build());

    assertThat(route.getRequestBody().getResponse().getClearRouteCache()).isTrue();
    assertThat(route.getRequestBody().getResponse().hasBodyMutation()).isFalse();
    Map<String, String> set = set(route);
    assertThat(set).containsEntry("x-gateway-model", "m-anthropic");
    assertThat(set.get("x-gateway-key-id")).isNotEqualTo("00000000-0000-0000-0000-000000000000");
    assertThat(set).containsEntry("x-gateway-output-ceiling", "300");
    assertThat(route.getRequestBody().getResponse().getHeaderMutation().getRemoveHeadersList())
        .contains("x-gateway-key-id");
  }

  @Test
  void eachAttemptWritesTheQuotaCeilingInItsTargetsSchemaAndSignsForIt() throws Exception {
    InMemoryGateway gateway = new InMemoryGateway(300L);
    InMemoryGateway.Request p = gateway.processor();

    ProcessingResponse forwarded = post(p, "/v1/chat/completions", CHAT);

    JsonNode sent = JSON.readTree(forwardedBody(forwarded));
    // Anthropic's Messages API: max_tokens, the ceiling the quota imposed.
    assertThat(sent.path("max_tokens").asLong()).isEqualTo(300);
    assertThat(set(forwarded)).containsEntry(":path", "/v1/messages");
    assertThat(set(forwarded)).containsEntry("x-api-key", "sk-upstream-1234");
    assertThat(forwarded.getRequestBody().getResponse().getHeaderMutation().getRemoveHeadersList())
        .contains("x-gateway-model", "x-gateway-request-id", "x-gateway-output-ceiling");
  }

  @Test
  void anAttemptWithoutTheRoutersHeadersOrEndpointMetadataIsRefused() {
    InMemoryGateway gateway = new InMemoryGateway(null);
    AttemptProcessor attempt = new AttemptProcessor(gatewayDeps(gateway), gateway.cooldowns);

    ProcessingResponse answer =
        attempt.processBlocking(
            InMemoryGateway.headers(
                Map.of(":method", "POST", ":path", "/v1/chat/completions"), false));

    assertThat(immediateStatus(answer)).isEqualTo(500);
    assertThat(answer.getImmediateResponse().getBody().toStringUtf8()).contains("not_routed");
  }

  @Test
  void forgedInternalHeadersWithoutTheAdmittedClientKeyGetNoProviderCredentials() {
    InMemoryGateway gateway = new InMemoryGateway(null);
    InMemoryGateway.Request p = gateway.processor();
    post(p, "/v1/chat/completions", CHAT);
    Map<String, String> forged = new HashMap<>(p.routedHeaders());
    forged.remove("authorization");
    AttemptProcessor attempt = new AttemptProcessor(gateway.deps, gateway.cooldowns);

    ProcessingResponse answer = attempt.processBlocking(p.attemptRequest(forged));

    assertThat(immediateStatus(answer)).isEqualTo(401);
    assertThat(answer.toString()).doesNotContain("sk-upstream-1234");
  }

  @Test
  void a429WithRetryAfterSetsTheTargetAsideAndTheNextAttemptOnItIsSkippedLocally() {
    InMemoryGateway gateway = new InMemoryGateway(null);
    InMemoryGateway.Request first = gateway.processor();
    post(first, "/v1/chat/completions", CHAT);
    first.process(
        InMemoryGateway.headers(
                Map.of(":status", "429", "content-type", "application/json", "retry-after", "20"),
                false)
            .toBuilder()
            .clearRequestHeaders()
            .setResponseHeaders(
                InMemoryGateway.headers(
                        Map.of(
                            ":status",
                            "429",
                            "content-type",
                            "application/json",
                            "retry-after",
                            "20"),
                        false)
                    .getRequestHeaders())
            .build());
    first.streamClosed();

    InMemoryGateway.Request second = gateway.processor();
    ProcessingResponse skipped = post(second, "/v1/chat/completions", CHAT);

    assertThat(immediateStatus(skipped)).isEqualTo(429);
    Map<String, String> headers = immediateHeaders(skipped);
    assertThat(headers).containsEntry("x-gateway-skipped", "cooldown");
    assertThat(Long.parseLong(headers.get("retry-after"))).isBetween(1L, 20L);
    second.streamClosed();
    // The skipped attempt reached no provider: only the first attempt is in the ledger.
    assertThat(gateway.records).extracting(UsageRecord::status).containsExactly(429);
  }

  @Test
  void anAbandonedAttemptIsChargedItsReservationAndTheAttemptThatServedItsUsage() {
    InMemoryGateway gateway = new InMemoryGateway(null);
    InMemoryGateway.Request p = gateway.processor();
    String chat =
        "{\"model\":\"m-openai\",\"max_tokens\":40,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    post(p, "/v1/chat/completions", chat);
    // A per-attempt timeout: the first attempt's stream ends without a response.
    p.retry(chat.getBytes(StandardCharsets.UTF_8));
    p.process(responseHeaders(200, "application/json"));
    p.process(
        responseBody(
            ("{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"upstream-m-openai\","
                    + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello\"},"
                    + "\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11}}")
                .getBytes(StandardCharsets.UTF_8),
            true));
    p.streamClosed();

    assertThat(gateway.charges).hasSize(2);
    UsageRecord abandoned = gateway.charges.get(0);
    UsageRecord served = gateway.charges.get(1);
    assertThat(abandoned.attempt()).isEqualTo(1);
    assertThat(abandoned.source()).isEqualTo(UsageSource.RESERVED);
    assertThat(abandoned.usage().outputTokens()).isEqualTo(40);
    assertThat(served.attempt()).isEqualTo(2);
    assertThat(served.source()).isEqualTo(UsageSource.REPORTED);
    assertThat(served.usage().totalTokens()).isEqualTo(11);
    assertThat(served.requestId()).isEqualTo(abandoned.requestId());
    assertThat(gateway.holds.getFirst().fate).isEqualTo("released");
    assertThat(gateway.records).containsExactly(abandoned, served);
  }

  @Test
  void retryAfterIsReadAsSecondsOrAnHttpDateAndCappedAtTenMinutes() {
    Instant now = Instant.parse("2026-12-03T22:00:00Z");
    assertThat(Cooldowns.parse("30", now)).isEqualTo(Duration.ofSeconds(30));
    assertThat(Cooldowns.parse("Thu, 03 Dec 2026 22:01:00 GMT", now))
        .isEqualTo(Duration.ofMinutes(1));
    assertThat(Cooldowns.parse("soon", now)).isNull();
    assertThat(Cooldowns.parse("99999999999", now)).isEqualTo(Cooldowns.MAX);
  }

  private static ProcessorDependencies gatewayDeps(InMemoryGateway gateway) {
    return gateway.deps;
  }
}
