package dev.aigateway.dataplane.processor;

import static dev.aigateway.dataplane.processor.InMemoryGateway.forwardedBody;
import static dev.aigateway.dataplane.processor.InMemoryGateway.immediateStatus;
import static dev.aigateway.dataplane.processor.InMemoryGateway.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 14, numeric ranges: every number a client sends that reaches a provider or the gateway's
 * arithmetic is checked to its API's range; out of range or mistyped is a 400 in the client API's
 * own error shape before anything is reserved, never a 500 and never forwarded.
 */
class NumberRangesAttackTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String body(String path, String model, String extra) {
    String rest =
        switch (path) {
          case "/v1/chat/completions" -> "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
          case "/v1/completions" -> "\"prompt\":\"hi\"";
          case "/v1/embeddings", "/v1/responses" -> "\"input\":\"hi\"";
          case "/v1/messages" ->
              "\"max_tokens\":2000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
          default -> throw new IllegalArgumentException(path);
        };
    return "{\"model\":\"" + model + "\"," + rest + "," + extra + "}";
  }

  @ParameterizedTest(name = "{0} {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "/v1/chat/completions|temperature|\"temperature\":2.5|decimal_above_max_value",
        "/v1/chat/completions|temperature|\"temperature\":-0.1|decimal_below_min_value",
        "/v1/chat/completions|temperature|\"temperature\":1e400|decimal_above_max_value",
        "/v1/chat/completions|temperature|\"temperature\":\"1\"|invalid_type",
        "/v1/chat/completions|top_p|\"top_p\":1.01|decimal_above_max_value",
        "/v1/chat/completions|presence_penalty|\"presence_penalty\":-2.5|decimal_below_min_value",
        "/v1/chat/completions|frequency_penalty|\"frequency_penalty\":9e99|decimal_above_max_value",
        "/v1/chat/completions|seed|\"seed\":9223372036854775808|integer_above_max_value",
        "/v1/chat/completions|seed|\"seed\":-9223372036854775809|integer_below_min_value",
        "/v1/chat/completions|seed|\"seed\":1.5|invalid_type",
        "/v1/chat/completions|top_logprobs|\"top_logprobs\":21|integer_above_max_value",
        "/v1/chat/completions|logprobs|\"logprobs\":5|invalid_type",
        "/v1/chat/completions|logit_bias|\"logit_bias\":{\"50256\":-101}|decimal_below_min_value",
        "/v1/chat/completions|logit_bias|\"logit_bias\":{\"abc\":1}|invalid_value",
        "/v1/chat/completions|logit_bias|\"logit_bias\":[1]|invalid_type",
        "/v1/chat/completions|top_k|\"top_k\":-2|integer_below_min_value",
        "/v1/completions|logprobs|\"logprobs\":6|integer_above_max_value",
        "/v1/completions|temperature|\"temperature\":3|decimal_above_max_value",
        "/v1/responses|temperature|\"temperature\":2.01|decimal_above_max_value",
        "/v1/responses|top_logprobs|\"top_logprobs\":-1|integer_below_min_value",
        "/v1/responses|max_tool_calls|\"max_tool_calls\":1e30|invalid_type",
        "/v1/embeddings|dimensions|\"dimensions\":0|integer_below_min_value",
        "/v1/embeddings|dimensions|\"dimensions\":9223372036854775807|integer_above_max_value",
      })
  void outOfRangeNumbersAreA400InOpenAisShapeAndReserveNothing(
      String path, String param, String field, String code) throws Exception {
    InMemoryGateway gateway = new InMemoryGateway(1024L);
    ProcessingResponse r = post(gateway.processor(), path, body(path, "m-openai", field));

    assertThat(immediateStatus(r)).isEqualTo(400);
    JsonNode error = JSON.readTree(r.getImmediateResponse().getBody().toByteArray()).path("error");
    assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.path("param").asText()).isEqualTo(param);
    assertThat(error.path("code").asText()).isEqualTo(code);
    assertThat(error.path("message").asText()).contains("'" + param + "'");
    assertThat(gateway.holds).isEmpty();
  }

  @Test
  void openAisWordingNamesTheBoundAndTheValue() throws Exception {
    InMemoryGateway gateway = new InMemoryGateway(1024L);
    ProcessingResponse r =
        post(
            gateway.processor(),
            "/v1/chat/completions",
            body("/v1/chat/completions", "m-openai", "\"temperature\":3"));

    assertThat(JSON.readTree(r.getImmediateResponse().getBody().toByteArray()))
        .isEqualTo(
            JSON.readTree(
                "{\"error\":{\"message\":\"Invalid 'temperature': decimal above maximum value."
                    + " Expected a value <= 2, but got 3 instead.\",\"type\":"
                    + "\"invalid_request_error\",\"param\":\"temperature\",\"code\":"
                    + "\"decimal_above_max_value\"}}"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // OpenAI accepts 2, Anthropic's Messages API stops at 1.
        "\"temperature\":1.5|temperature: Input should be less than or equal to 1",
        "\"top_p\":-1|top_p: Input should be greater than or equal to 0",
        "\"top_k\":-1|top_k: Input should be greater than or equal to 0",
        "\"top_k\":2.5|top_k: Input should be a valid integer",
        "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":18446744073709551616}"
            + "|thinking.budget_tokens: Input should be less than or equal to 2147483647",
      })
  void onTheMessagesApiTheRangesAndTheShapeAreAnthropics(String field, String message)
      throws Exception {
    InMemoryGateway gateway = new InMemoryGateway(1024L);
    for (String model : new String[] {"m-anthropic", "m-openai", "m-gemini"}) {
      ProcessingResponse r =
          post(gateway.processor(), "/v1/messages", body("/v1/messages", model, field));

      assertThat(immediateStatus(r)).as(model).isEqualTo(400);
      JsonNode error = JSON.readTree(r.getImmediateResponse().getBody().toByteArray());
      assertThat(error.path("type").asText()).isEqualTo("error");
      assertThat(error.path("error").path("type").asText()).isEqualTo("invalid_request_error");
      assertThat(error.path("error").path("message").asText()).isEqualTo(message);
    }
    assertThat(gateway.holds).isEmpty();
  }

  @Test
  void valuesAtTheEdgesOfEachRangeAreForwardedUnchanged() throws Exception {
    InMemoryGateway gateway = new InMemoryGateway(1024L);
    String chat =
        forwardedBody(
            post(
                gateway.processor(),
                "/v1/chat/completions",
                body(
                    "/v1/chat/completions",
                    "m-openai",
                    "\"temperature\":2,\"top_p\":0,\"presence_penalty\":-2,\"frequency_penalty\":2,"
                        + "\"seed\":-9223372036854775808,\"logprobs\":true,\"top_logprobs\":20,"
                        + "\"logit_bias\":{\"50256\":-100,\"1\":100}")));
    String messages =
        forwardedBody(
            post(
                gateway.processor(),
                "/v1/messages",
                body("/v1/messages", "m-anthropic", "\"temperature\":1,\"top_k\":0")));
    String embeddings =
        forwardedBody(
            post(
                gateway.processor(),
                "/v1/embeddings",
                body("/v1/embeddings", "m-openai", "\"dimensions\":65536")));

    assertThat(JSON.readTree(chat).path("seed").asLong()).isEqualTo(Long.MIN_VALUE);
    assertThat(JSON.readTree(chat).path("temperature").asDouble()).isEqualTo(2.0);
    assertThat(JSON.readTree(messages).path("top_k").asInt()).isZero();
    assertThat(JSON.readTree(embeddings).path("dimensions").asInt()).isEqualTo(65536);
  }
}
