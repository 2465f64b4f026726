package dev.aigateway.dataplane.processor;

import static dev.aigateway.dataplane.processor.InMemoryGateway.forwardedBody;
import static dev.aigateway.dataplane.processor.InMemoryGateway.immediateStatus;
import static dev.aigateway.dataplane.processor.InMemoryGateway.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 attacks 2 and 5 against the request processor: numeric fields out of the API's range are
 * a 400 before anything is reserved, and the reservation is what the provider will be held to.
 */
class OutputLimitAttackTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String chat(String model, String extra) {
    return "{\"model\":\""
        + model
        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]"
        + extra
        + "}";
  }

  private static JsonNode error(ProcessingResponse r) throws Exception {
    return JSON.readTree(r.getImmediateResponse().getBody().toByteArray());
  }

  @Test
  void maxTokensOfTwoToThe63IsA400InOpenAisShapeAndReservesNothing() throws Exception {
    InMemoryGateway gateway = new InMemoryGateway(1024L);
    ProcessingResponse r =
        post(
            gateway.processor(),
            "/v1/chat/completions",
            chat("m-openai", ",\"max_tokens\":9223372036854775807"));

    assertThat(immediateStatus(r)).isEqualTo(400);
    JsonNode error = error(r).path("error");
    assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.path("param").asText()).isEqualTo("max_tokens");
    assertThat(error.path("code").asText()).isEqualTo("integer_above_max_value");
    assertThat(error.path("message").asText())
        .isEqualTo(
            "Invalid 'max_tokens': integer above maximum value. Expected a value <= 2147483647,"
                + " but got 9223372036854775807 instead.");
    assertThat(gateway.holds).isEmpty();
  }

  @Test
  void outOfRangeAndMistypedNumbersAre400sNever500s() throws Exception {
    InMemoryGateway gateway = new InMemoryGateway(1024L);
    String[] bodies = {
      ",\"max_completion_tokens\":1e400",
      ",\"max_completion_tokens\":-5",
      ",\"max_tokens\":12.5",
      ",\"max_tokens\":\"100\"",
      ",\"n\":129",
      ",\"n\":0",
      ",\"n\":99999999999999999999999999999999"
    };
    for (String extra : bodies) {
      ProcessingResponse r =
          post(gateway.processor(), "/v1/chat/completions", chat("m-openai", extra));
      assertThat(immediateStatus(r)).as(extra).isEqualTo(400);
      assertThat(error(r).path("error").path("type").asText()).isEqualTo("invalid_request_error");
    }
    ProcessingResponse messages =
        post(
            gateway.processor(),
            "/v1/messages",
            chat("m-anthropic", ",\"max_tokens\":9223372036854775807"));
    assertThat(immediateStatus(messages)).isEqualTo(400);
    // Anthropic's shape on its API.
    assertThat(error(messages).path("type").asText()).isEqualTo("error");
    assertThat(gateway.holds).isEmpty();
  }

  @Test
  void reservationIsTheLargerOfBothLimitFieldsTimesN() {
    InMemoryGateway gateway = new InMemoryGateway(1024L);
    ProcessingResponse r =
        post(
            gateway.processor(),
            "/v1/chat/completions",
            chat(
                "m-openai-compatible", ",\"max_completion_tokens\":10,\"max_tokens\":500,\"n\":3"));

    assertThat(forwardedBody(r)).isNotNull();
    assertThat(gateway.holds).hasSize(1);
    assertThat(gateway.holds.get(0).request.maxOutputTokens()).isEqualTo(1500L);
  }

  @Test
  void underAnOutputQuotaARequestWithoutALimitIsHeldToTheReservationUpstream() throws Exception {
    InMemoryGateway gateway = new InMemoryGateway(1024L);

    String openai =
        forwardedBody(post(gateway.processor(), "/v1/chat/completions", chat("m-openai", "")));
    String compatible =
        forwardedBody(
            post(gateway.processor(), "/v1/chat/completions", chat("m-openai-compatible", "")));
    String anthropic =
        forwardedBody(
            post(gateway.processor(), "/v1/chat/completions", chat("m-anthropic", ",\"n\":1")));

    assertThat(JSON.readTree(openai).path("max_completion_tokens").asLong()).isEqualTo(1024);
    assertThat(JSON.readTree(compatible).path("max_tokens").asLong()).isEqualTo(1024);
    // Without the gateway's limit the Anthropic translator would ask for its default of 4096.
    assertThat(JSON.readTree(anthropic).path("max_tokens").asLong()).isEqualTo(1024);
    assertThat(gateway.holds)
        .allSatisfy(h -> assertThat(h.request.maxOutputTokens()).isEqualTo(1024L));
  }

  @Test
  void aReasoningRequestUnderAnOutputQuotaIsHeldToTheCeilingPlusItsThinkingBudget()
      throws Exception {
    InMemoryGateway gateway = new InMemoryGateway(1024L);
    long high = 24_576; // ReasoningEffort.HIGH's budget
    String effort = ",\"reasoning_effort\":\"high\"";

    JsonNode anthropic =
        JSON.readTree(
            forwardedBody(
                post(gateway.processor(), "/v1/chat/completions", chat("m-anthropic", effort))));
    JsonNode openai =
        JSON.readTree(
            forwardedBody(
                post(
                    gateway.processor(),
                    "/v1/chat/completions",
                    chat("m-openai", effort + ",\"n\":2"))));
    JsonNode gemini =
        JSON.readTree(
            forwardedBody(
                post(gateway.processor(), "/v1/chat/completions", chat("m-gemini", effort))));

    // Before, no limit was set: Anthropic got budget + 4,096 against a reservation of 1,024.
    assertThat(anthropic.path("max_tokens").asLong()).isEqualTo(1024 + high);
    assertThat(anthropic.path("thinking").path("budget_tokens").asLong()).isEqualTo(high);
    assertThat(openai.path("max_completion_tokens").asLong()).isEqualTo(1024 + high);
    assertThat(gemini.path("generationConfig").path("maxOutputTokens").asLong())
        .isEqualTo(1024 + high);
    assertThat(gateway.holds)
        .extracting(h -> h.request.maxOutputTokens())
        .containsExactly(1024 + high, 2 * (1024 + high), 1024 + high);
  }

  @Test
  void responsesReasoningAndMessagesThinkingAreReservedWithTheirBudget() throws Exception {
    InMemoryGateway gateway = new InMemoryGateway(1024L);
    JsonNode responses =
        JSON.readTree(
            forwardedBody(
                post(
                    gateway.processor(),
                    "/v1/responses",
                    "{\"model\":\"m-openai\",\"input\":\"hi\",\"reasoning\":{\"effort\":\"medium\"}}")));
    // A Messages body without max_tokens, with a 5,000-token budget: the limit set covers the
    // budget (rounded up to the level the chat translators use, 8,192) and the answer.
    JsonNode messages =
        JSON.readTree(
            forwardedBody(
                post(
                    gateway.processor(),
                    "/v1/messages",
                    "{\"model\":\"m-anthropic\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                        + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":5000}}")));

    assertThat(responses.path("max_output_tokens").asLong()).isEqualTo(1024 + 8192);
    assertThat(messages.path("max_tokens").asLong()).isEqualTo(1024 + 8192);
    assertThat(messages.path("thinking").path("budget_tokens").asLong()).isEqualTo(5000);
    assertThat(gateway.holds)
        .extracting(h -> h.request.maxOutputTokens())
        .containsExactly(1024L + 8192, 1024L + 8192);
  }

  @Test
  void aClientLimitWithReasoningIsReservedAsSentAndNoBudgetIsAdded() throws Exception {
    InMemoryGateway gateway = new InMemoryGateway(1024L);
    JsonNode body =
        JSON.readTree(
            forwardedBody(
                post(
                    gateway.processor(),
                    "/v1/chat/completions",
                    chat(
                        "m-openai",
                        ",\"reasoning_effort\":\"low\",\"max_completion_tokens\":3000"))));

    assertThat(body.path("max_completion_tokens").asLong()).isEqualTo(3000);
    assertThat(gateway.holds.get(0).request.maxOutputTokens()).isEqualTo(3000L);
  }

  @Test
  void withoutAnOutputQuotaTheBodyIsNotChanged() throws Exception {
    InMemoryGateway gateway = new InMemoryGateway(null);
    String body =
        forwardedBody(post(gateway.processor(), "/v1/chat/completions", chat("m-openai", "")));
    assertThat(JSON.readTree(body).has("max_completion_tokens")).isFalse();
    assertThat(JSON.readTree(body).has("max_tokens")).isFalse();
  }
}
