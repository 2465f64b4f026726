package dev.aigateway.dataplane.processor;

import static dev.aigateway.dataplane.processor.InMemoryGateway.forwardedBody;
import static dev.aigateway.dataplane.processor.InMemoryGateway.post;
import static dev.aigateway.dataplane.processor.InMemoryGateway.replacesBody;
import static dev.aigateway.dataplane.processor.InMemoryGateway.responseBody;
import static dev.aigateway.dataplane.processor.InMemoryGateway.responseHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.dataplane.usage.UsageSource;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The router point's parsed body handed to the attempts on the same replica: the attempt answers
 * its request headers with the translated body (CONTINUE_AND_REPLACE), exactly what it would have
 * answered to the body; without the handoff it reads the body from Envoy as before.
 */
class BodyHandoffTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CHAT =
      "{\"model\":\"m-anthropic\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi there\"}]}";

  @Test
  void anAttemptOnTheRoutersReplicaAnswersItsHeadersWithTheBodyTranslatedForItsTarget()
      throws Exception {
    InMemoryGateway gateway = new InMemoryGateway(300L);
    BodyHandoff bodies = new BodyHandoff();

    ProcessingResponse handedOver = post(gateway.processor(bodies), "/v1/chat/completions", CHAT);
    ProcessingResponse readFromEnvoy = post(gateway.processor(), "/v1/chat/completions", CHAT);

    assertThat(replacesBody(handedOver)).isTrue();
    assertThat(readFromEnvoy.hasRequestBody()).isTrue();
    JsonNode sent = JSON.readTree(forwardedBody(handedOver));
    assertThat(sent).isEqualTo(JSON.readTree(forwardedBody(readFromEnvoy)));
    assertThat(sent.path("max_tokens").asLong()).isEqualTo(300);
    Map<String, String> set = set(handedOver.getRequestHeaders().getResponse());
    assertThat(set).containsEntry(":path", "/v1/messages");
    assertThat(set).containsEntry("x-api-key", "sk-upstream-1234");
    assertThat(
            handedOver.getRequestHeaders().getResponse().getHeaderMutation().getRemoveHeadersList())
        .contains("x-gateway-model", "x-gateway-request-id");
  }

  @Test
  void theAttemptMetersAndTranslatesTheResponseAsWhenItReadTheBody() {
    InMemoryGateway gateway = new InMemoryGateway(null);
    InMemoryGateway.Request p = gateway.processor(new BodyHandoff());
    post(p, "/v1/chat/completions", CHAT);

    p.process(responseHeaders(200, "application/json"));
    ProcessingResponse body =
        p.process(
            responseBody(
                ("{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude\","
                        + "\"content\":[{\"type\":\"text\",\"text\":\"Hello\"}],\"stop_reason\":\"end_turn\","
                        + "\"usage\":{\"input_tokens\":12,\"output_tokens\":3}}")
                    .getBytes(StandardCharsets.UTF_8),
                true));
    p.streamClosed();

    assertThat(body.getResponseBody().getResponse().getBodyMutation().getBody().toStringUtf8())
        .contains("\"chat.completion\"");
    assertThat(gateway.records)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.source()).isEqualTo(UsageSource.REPORTED);
              assertThat(r.usage().inputTokens()).isEqualTo(12);
              assertThat(r.attempt()).isEqualTo(1);
            });
  }

  @Test
  void aRetryGetsTheClientsBodyNotWhatTheFirstAttemptMadeOfIt() throws Exception {
    InMemoryGateway gateway = new InMemoryGateway(300L);
    InMemoryGateway.Request p = gateway.processor(new BodyHandoff());
    ProcessingResponse first = post(p, "/v1/chat/completions", CHAT);

    ProcessingResponse second = p.retry(CHAT.getBytes(StandardCharsets.UTF_8));

    assertThat(replacesBody(second)).isTrue();
    assertThat(JSON.readTree(forwardedBody(second))).isEqualTo(JSON.readTree(forwardedBody(first)));
  }

  @Test
  void theHandedBodyIsDroppedWhenTheRequestEnds() {
    InMemoryGateway gateway = new InMemoryGateway(null);
    BodyHandoff bodies = new BodyHandoff();
    InMemoryGateway.Request p = gateway.processor(bodies);
    post(p, "/v1/chat/completions", CHAT);
    assertThat(bodies.size()).isEqualTo(1);

    p.streamClosed();

    assertThat(bodies.size()).isZero();
  }

  @Test
  void aBodyHandedOverForAnotherKeyIsNotUsed() throws Exception {
    BodyHandoff bodies = new BodyHandoff();
    bodies.offer(
        "r-1",
        UUID.randomUUID(),
        (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(CHAT),
        80);

    assertThat(bodies.copy("r-1", UUID.randomUUID())).isNull();
  }

  @Test
  void largeBodiesAndBodiesBeyondTheBoundGoTheOrdinaryWay() throws Exception {
    var body = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(CHAT);
    UUID key = UUID.randomUUID();
    BodyHandoff bounded = new BodyHandoff(1);

    bounded.offer("large", key, body, BodyHandoff.MAX_BODY_BYTES + 1);
    bounded.offer("first", key, body, 80);
    bounded.offer("second", key, body, 80);

    assertThat(bounded.copy("large", key)).isNull();
    assertThat(bounded.copy("first", key)).isEqualTo(body).isNotSameAs(body);
    assertThat(bounded.copy("second", key)).isNull();
  }

  @Test
  void theBodyIsReadFromEnvoyWhenTheRouterPointRanOnAnotherReplica() {
    InMemoryGateway gateway = new InMemoryGateway(null);
    InMemoryGateway.Request p = gateway.processor(new BodyHandoff());
    // The attempt's replica has its own (empty) handoff.
    p.attempt = new AttemptProcessor(gateway.deps, gateway.cooldowns, new BodyHandoff());

    ProcessingResponse answer = post(p, "/v1/chat/completions", CHAT);

    assertThat(answer.hasRequestBody()).isTrue();
    assertThat(forwardedBody(answer)).contains("\"max_tokens\"");
  }

  private static Map<String, String> set(CommonResponse common) {
    Map<String, String> headers = new HashMap<>();
    for (HeaderValueOption h : common.getHeaderMutation().getSetHeadersList()) {
      headers.put(h.getHeader().getKey(), h.getHeader().getRawValue().toStringUtf8());
    }
    return headers;
  }
}
