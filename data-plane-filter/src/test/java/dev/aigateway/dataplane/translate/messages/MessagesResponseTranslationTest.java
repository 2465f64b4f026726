package dev.aigateway.dataplane.translate.messages;

import static dev.aigateway.dataplane.translate.chat.Providers.json;
import static dev.aigateway.dataplane.translate.chat.Providers.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.core.ObjectMappers;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.StopReason;
import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.dataplane.config.ProviderSchema;
import dev.aigateway.dataplane.testing.Cassette;
import dev.aigateway.dataplane.translate.BodyResult;
import dev.aigateway.dataplane.translate.Endpoint;
import dev.aigateway.dataplane.translate.Translator;
import dev.aigateway.dataplane.translate.Translators;
import dev.aigateway.dataplane.translate.chat.Fixtures;
import dev.aigateway.dataplane.translate.chat.OpenAiStream;
import dev.aigateway.dataplane.translate.chat.Providers;
import dev.aigateway.dataplane.usage.TokenUsage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Recorded OpenAI (and Bedrock) answers turned into Anthropic Messages API answers. */
class MessagesResponseTranslationTest {
  private static final String HI =
      "{'model':'m','max_tokens':50,'messages':[{'role':'user','content':'hi'}]}";
  private static final String HI_STREAM =
      "{'model':'m','max_tokens':50,'stream':true,'messages':[{'role':'user','content':'hi'}]}";

  private static Translator translator(ProviderSchema schema, String request) {
    Translator t = Translators.create(schema, Endpoint.MESSAGES);
    t.request(json(request), Providers.context(schema, Map.of(), "upstream-model"));
    return t;
  }

  @ParameterizedTest
  @CsvSource({
    "chat-basic.yaml, end_turn",
    "chat-tools.yaml, tool_use",
    "chat-parallel-tools.yaml, tool_use",
    "chat-detailed-usage.yaml, max_tokens",
    "chat-multiturn.yaml, end_turn",
  })
  void chatCompletionBecomesAMessageTheSdkReads(String cassette, String stopReason)
      throws Exception {
    Cassette.Response recorded = Cassette.openAi(cassette).first().response();
    JsonNode completion = tree(recorded.body());
    JsonNode choice = completion.path("choices").get(0).path("message");
    Translator t = translator(ProviderSchema.OPENAI, HI);
    assertThat(t.startResponse(200, recorded.contentType())).isFalse();

    BodyResult result = t.responseBody(recorded.body(), true);

    Message message = ObjectMappers.jsonMapper().readValue(result.body(), Message.class);
    message.validate();
    assertThat(message.stopReason().orElseThrow().asString()).isEqualTo(stopReason);
    assertThat(message.id()).isEqualTo(completion.path("id").asText());
    assertThat(message.model().asString()).isEqualTo(completion.path("model").asText());
    String text = choice.path("content").asText("");
    assertThat(message.content().stream().filter(ContentBlock::isText).map(b -> b.asText().text()))
        .containsExactlyElementsOf(text.isEmpty() ? java.util.List.of() : java.util.List.of(text));
    JsonNode calls = choice.path("tool_calls");
    assertThat(message.content().stream().filter(ContentBlock::isToolUse)).hasSize(calls.size());
    for (int i = 0; i < calls.size(); i++) {
      var toolUse = message.content().stream().filter(ContentBlock::isToolUse).toList().get(i);
      assertThat(toolUse.asToolUse().id()).isEqualTo(calls.get(i).path("id").asText());
      assertThat(toolUse.asToolUse().name())
          .isEqualTo(calls.get(i).path("function").path("name").asText());
      assertThat(tree(ObjectMappers.jsonMapper().writeValueAsBytes(toolUse.asToolUse()._input())))
          .isEqualTo(tree(calls.get(i).path("function").path("arguments").asText().getBytes()));
    }
    JsonNode usage = completion.path("usage");
    long cached = usage.path("prompt_tokens_details").path("cached_tokens").asLong();
    assertThat(message.usage().inputTokens())
        .isEqualTo(usage.path("prompt_tokens").asLong() - cached);
    assertThat(message.usage().cacheReadInputTokens()).contains(cached);
    assertThat(message.usage().outputTokens()).isEqualTo(usage.path("completion_tokens").asLong());
    assertThat(result.usage())
        .isEqualTo(
            new TokenUsage(
                usage.path("prompt_tokens").asLong(),
                usage.path("completion_tokens").asLong(),
                cached));
  }

  @ParameterizedTest
  @CsvSource({
    "chat-streaming.yaml, 7, end_turn",
    "chat-streaming.yaml, 64, end_turn",
    "chat-streaming-detailed-usage.yaml, 11, max_tokens",
    "chat-streaming-detailed-usage.yaml, 1000000, max_tokens",
  })
  void chatChunksBecomeAnthropicsEventSequence(String cassette, int piece, String stopReason) {
    Cassette.Response recorded = Cassette.openAi(cassette).first().response();
    Translator t = translator(ProviderSchema.OPENAI, HI_STREAM);
    assertThat(t.startResponse(200, recorded.contentType())).isTrue();
    TokenUsage[] usage = new TokenUsage[1];
    byte[] out = feed(t, recorded.body(), piece, usage);

    AnthropicSse sse = AnthropicSse.parse(out);
    OpenAiStream openAi = OpenAiStream.parse(recorded.body());
    // One text block when the model wrote text (this gpt-5-nano reply spent all on reasoning).
    String block = "content_block_start,(content_block_delta,)+content_block_stop,";
    assertThat(String.join(",", sse.names()) + ",")
        .matches(
            "message_start,ping,"
                + (openAi.content().isEmpty() ? "" : block)
                + "message_delta,message_stop,");
    assertThat(sse.text()).isEqualTo(openAi.content());
    assertThat(sse.message().stopReason().orElseThrow().asString()).isEqualTo(stopReason);
    if (openAi.usage() != null && openAi.usage().isObject()) {
      assertThat(sse.message().usage().outputTokens())
          .isEqualTo(openAi.usage().path("completion_tokens").asLong());
      assertThat(usage[0].outputTokens()).isEqualTo(sse.message().usage().outputTokens());
    }
  }

  @Test
  void aTwoHundredThatIsNoAnswerStaysAnErrorWithItsStatus() {
    Translator t = translator(ProviderSchema.AWS_BEDROCK, HI);
    t.startResponse(200, "application/json");

    BodyResult result = t.responseBody("<html>gateway timeout</html>".getBytes(), true);

    assertThat(result.error()).isNotNull();
    assertThat(result.error().status()).isEqualTo(502);
  }

  @Test
  void aStreamCutBeforeItsEndStillClosesTheMessage() {
    Cassette.Response recorded = Cassette.openAi("chat-streaming.yaml").first().response();
    String full = recorded.bodyText();
    byte[] cut = full.substring(0, full.indexOf("\"finish_reason\":\"stop\"")).getBytes();
    cut = Arrays.copyOf(cut, full.lastIndexOf("\n\n", cut.length) + 2);
    Translator t = translator(ProviderSchema.OPENAI, HI_STREAM);
    t.startResponse(200, "text/event-stream");

    AnthropicSse sse = AnthropicSse.parse(feed(t, cut, 50, new TokenUsage[1]));

    assertThat(sse.names()).endsWith("content_block_stop", "message_delta", "message_stop");
    assertThat(sse.text()).isNotEmpty();
  }

  @Test
  void bedrockToolCallStreamBecomesToolUseBlocksThroughTheChatTranslator() {
    JsonNode interaction =
        Fixtures.interaction(
            "bedrock-recordings/opentelemetry-python-contrib/test_converse_stream_with_content_tool_call.yaml",
            0);
    Translator t = translator(ProviderSchema.AWS_BEDROCK, HI_STREAM);
    assertThat(t.startResponse(200, "application/vnd.amazon.eventstream")).isTrue();
    TokenUsage[] usage = new TokenUsage[1];

    AnthropicSse sse = AnthropicSse.parse(feed(t, Fixtures.responseBody(interaction), 53, usage));

    Message message = sse.message();
    assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
    var tools = message.content().stream().filter(ContentBlock::isToolUse).toList();
    assertThat(tools).hasSize(2);
    assertThat(tools.get(0).asToolUse().id()).isEqualTo("tooluse_JZ11QcxSQ3m3xacMQKVIKw");
    assertThat(tools.get(0).asToolUse().name()).isEqualTo("get_current_weather");
    assertThat(tools.get(1).asToolUse()._input().toString()).contains("San Francisco");
    assertThat(sse.text()).startsWith("<thinking> The User has asked");
    assertThat(message.usage().inputTokens()).isEqualTo(415);
    assertThat(message.usage().outputTokens()).isEqualTo(202);
    assertThat(usage[0]).isEqualTo(new TokenUsage(415, 202, 0));
  }

  @ParameterizedTest
  @CsvSource({
    "gemini-recordings/pydantic-ai/test_google_model_stream.yaml, GEMINI",
    "gemini-recordings/opentelemetry-python-contrib/vertex-genai-test_streaming-logcontent-sync.yaml, GCP_VERTEX",
  })
  void geminiStreamsBecomeTheSameTextAsTheirChatTranslationGives(
      String cassette, ProviderSchema schema) {
    byte[] recorded = Fixtures.responseBody(Fixtures.interaction(cassette, 0));
    Translator chat = Translators.create(schema, Endpoint.CHAT_COMPLETIONS);
    chat.request(
        json(
            "{'model':'m','stream':true,'stream_options':{'include_usage':true},"
                + "'messages':[{'role':'user','content':'hi'}]}"),
        Providers.context(schema, Map.of("project", "p", "location", "l"), "upstream-model"));
    chat.startResponse(200, "text/event-stream");
    OpenAiStream expected = OpenAiStream.parse(feed(chat, recorded, 1 << 20, new TokenUsage[1]));
    Translator messages = Translators.create(schema, Endpoint.MESSAGES);
    messages.request(
        json(HI_STREAM),
        Providers.context(schema, Map.of("project", "p", "location", "l"), "upstream-model"));
    assertThat(messages.startResponse(200, "text/event-stream")).isTrue();
    TokenUsage[] usage = new TokenUsage[1];

    AnthropicSse sse = AnthropicSse.parse(feed(messages, recorded, 41, usage));

    assertThat(sse.text()).isNotBlank().isEqualTo(expected.content());
    assertThat(sse.message().stopReason()).contains(StopReason.END_TURN);
    assertThat(sse.message().usage().outputTokens())
        .isEqualTo(expected.usage().path("completion_tokens").asLong())
        .isEqualTo(usage[0].outputTokens());
  }

  @ParameterizedTest
  @CsvSource({
    "chat-bad-request.yaml, invalid_request_error",
    "chat-unknown-model.yaml, not_found_error",
    "chat-no-messages.yaml, invalid_request_error",
  })
  void openAiErrorsBecomeAnthropicErrorsWithTheirStatusAndMessage(String cassette, String type) {
    Cassette.Response recorded = Cassette.openAi(cassette).first().response();
    Translator t = translator(ProviderSchema.OPENAI, HI);

    JsonNode error =
        tree(t.responseError(recorded.status(), recorded.contentType(), recorded.body()));

    assertThat(error.path("type").asText()).isEqualTo("error");
    assertThat(error.path("error").path("type").asText()).isEqualTo(type);
    assertThat(error.path("error").path("message").asText())
        .isEqualTo(tree(recorded.body()).path("error").path("message").asText());
  }

  @Test
  void nonJsonAndBedrockErrorsGetAnthropicsShapeToo() {
    Translator openAi = translator(ProviderSchema.OPENAI, HI);
    JsonNode html =
        tree(
            openAi.responseError(
                503, "text/html", "<html>down</html>".getBytes(StandardCharsets.UTF_8)));
    assertThat(html.path("error").path("type").asText()).isEqualTo("overloaded_error");
    assertThat(html.path("error").path("message").asText()).doesNotContain("html");

    JsonNode interaction =
        Fixtures.interaction(
            "bedrock-recordings/opentelemetry-python-contrib/test_converse_with_invalid_model.yaml",
            0);
    Translator bedrock = translator(ProviderSchema.AWS_BEDROCK, HI);
    JsonNode error =
        tree(
            bedrock.responseError(
                Fixtures.status(interaction),
                "application/json",
                Fixtures.responseBody(interaction)));
    assertThat(error.path("type").asText()).isEqualTo("error");
    assertThat(error.path("error").path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.path("error").path("message").asText()).containsIgnoringCase("model");
  }

  static byte[] feed(Translator t, byte[] upstream, int piece, TokenUsage[] usage) {
    return OpenAiStream.feedInPieces(
        upstream,
        piece,
        (chunk, end) -> {
          BodyResult r = t.responseBody(chunk, end);
          if (r.usage() != null) {
            usage[0] = r.usage();
          }
          return r.body() == null ? chunk : r.body();
        });
  }
}
