package dev.aigateway.dataplane.translate.messages;

import static dev.aigateway.dataplane.translate.chat.Providers.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.translate.BodyResult;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.RequestContext;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import dev.aigateway.dataplane.translate.chat.Fixtures;
import dev.aigateway.dataplane.translate.chat.OpenAiStream;
import dev.aigateway.dataplane.usage.TokenUsage;
import dev.aigateway.vocabulary.provider.ProviderSchema;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Messages requests to anthropic targets: the body and the answers pass, usage is read. */
class MessagesNativeTranslatorTest {
  private static final String REQUEST =
      "{\"model\":\"public\",\"max_tokens\":1024,\"temperature\":0.70,\"top_k\":5,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";

  private static RequestContext context(Map<String, String> settings, Map<String, String> client) {
    ProviderConfig provider =
        new ProviderConfig(
            UUID.randomUUID(),
            "claude",
            ProviderSchema.ANTHROPIC,
            "anthropic",
            "https://api.anthropic.example/prefix",
            "/prefix",
            settings,
            List.of());
    return new RequestContext(provider, "public", "claude-haiku-4-5", client);
  }

  private static UpstreamRequest translate(RequestContext context) throws Exception {
    return new MessagesNativeTranslator()
        .request(
            (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(REQUEST),
            context);
  }

  @Test
  void onlyTheModelChangesAndTheDefaultVersionIsSent() throws Exception {
    UpstreamRequest upstream = translate(context(Map.of(), Map.of()));

    assertThat(upstream.path()).isEqualTo("/prefix/v1/messages");
    assertThat(new String(upstream.body(), StandardCharsets.UTF_8))
        .isEqualTo(REQUEST.replace("\"public\"", "\"claude-haiku-4-5\""));
    assertThat(upstream.headers())
        .containsEntry("anthropic-version", "2023-06-01")
        .doesNotContainKey("anthropic-beta");
  }

  @Test
  void theClientsVersionAndBetaFlagsWinOverTheProviderSetting() throws Exception {
    assertThat(translate(context(Map.of("anthropic_version", "2024-01-01"), Map.of())).headers())
        .containsEntry("anthropic-version", "2024-01-01");
    UpstreamRequest upstream =
        translate(
            context(
                Map.of("anthropic_version", "2024-01-01"),
                Map.of(
                    "anthropic-version", "2023-06-01",
                    "anthropic-beta", "prompt-caching-2024-07-31",
                    "x-api-key", "sk-gw-client")));
    assertThat(upstream.headers())
        .containsEntry("anthropic-version", "2023-06-01")
        .containsEntry("anthropic-beta", "prompt-caching-2024-07-31")
        .doesNotContainKey("x-api-key");
  }

  @ParameterizedTest
  @CsvSource({
    // cache reads: input 3 + 1111 read; then 3 + 418 written + 1111 read
    "anthropic-recordings/pydantic-ai/test_anthropic_cache_real_api.yaml, 0, 1114, 406, 1111",
    "anthropic-recordings/pydantic-ai/test_anthropic_model_instructions.yaml, 0, -1, -1, 0",
  })
  void bufferedAnswersPassUnchangedAndTheirUsageIsRead(
      String cassette, int index, long input, long output, long cached) {
    JsonNode interaction = Fixtures.interaction(cassette, index);
    byte[] body = Fixtures.responseBody(interaction);
    MessagesNativeTranslator t = new MessagesNativeTranslator();
    assertThat(t.startResponse(200, "application/json")).isFalse();

    BodyResult result = t.responseBody(body, true);

    assertThat(result.body()).isNull();
    JsonNode usage = tree(body).path("usage");
    assertThat(result.usage())
        .isEqualTo(
            new TokenUsage(
                input >= 0
                    ? input
                    : usage.path("input_tokens").asLong()
                        + usage.path("cache_read_input_tokens").asLong()
                        + usage.path("cache_creation_input_tokens").asLong(),
                output >= 0 ? output : usage.path("output_tokens").asLong(),
                cached));
  }

  @ParameterizedTest
  @CsvSource({
    "anthropic-recordings/openllmetry/test_anthropic_prompt_caching_stream_legacy.yaml, 0, 5, 1169, 201, 0",
    "anthropic-recordings/openllmetry/test_anthropic_prompt_caching_stream_legacy.yaml, 1, 64, 1169, 221, 1165",
    "anthropic-recordings/pydantic-ai/test_request_stream_fallback_for_high_max_tokens.yaml, 0, 3, 20, 5, 0",
  })
  void streamsPassUnchangedAndUsageComesFromMessageStartAndMessageDelta(
      String cassette, int index, int piece, long input, long output, long cached) {
    JsonNode interaction = Fixtures.interaction(cassette, index);
    byte[] sse = Fixtures.responseBody(interaction);
    MessagesNativeTranslator t = new MessagesNativeTranslator();
    assertThat(t.startResponse(200, "text/event-stream; charset=utf-8")).isTrue();
    TokenUsage[] usage = new TokenUsage[1];

    byte[] out =
        OpenAiStream.feedInPieces(
            sse,
            piece,
            (chunk, end) -> {
              BodyResult r = t.responseBody(chunk, end);
              assertThat(r.body()).as("chunks pass unchanged").isNull();
              if (r.usage() != null) {
                usage[0] = r.usage();
              }
              return chunk;
            });

    assertThat(out).isEqualTo(sse);
    assertThat(usage[0]).isEqualTo(new TokenUsage(input, output, cached));
    AnthropicSse.parse(sse); // the recording itself is what the SDK reads
  }

  @Test
  void anthropicErrorsPassUnchangedAndOthersGetItsShape() {
    JsonNode interaction =
        Fixtures.interaction(
            "anthropic-recordings/pydantic-ai/test_model_name_suggestion-anthropic.yaml", 0);
    MessagesNativeTranslator t = new MessagesNativeTranslator();
    assertThat(
            t.responseError(
                Fixtures.status(interaction),
                "application/json",
                Fixtures.responseBody(interaction)))
        .isNull();

    JsonNode wrapped =
        tree(t.responseError(502, "text/html", "<html>bad gateway</html>".getBytes()));
    assertThat(wrapped.path("type").asText()).isEqualTo("error");
    assertThat(wrapped.path("error").path("type").asText()).isEqualTo("api_error");
    assertThat(wrapped.path("error").path("message").asText())
        .isEqualTo("The upstream provider answered with HTTP 502.");
  }
}
