package dev.aigateway.dataplane.translate.bedrock;

import static dev.aigateway.dataplane.translate.chat.Providers.json;
import static dev.aigateway.dataplane.translate.chat.Providers.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.dataplane.config.ProviderSchema;
import dev.aigateway.dataplane.translate.BodyResult;
import dev.aigateway.dataplane.translate.RequestContext;
import dev.aigateway.dataplane.translate.Translator.TranslationException;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import dev.aigateway.dataplane.translate.chat.Fixtures;
import dev.aigateway.dataplane.translate.chat.OpenAiStream;
import dev.aigateway.dataplane.translate.chat.Providers;
import dev.aigateway.dataplane.usage.TokenUsage;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenAiBedrockTranslatorTest {
  private static final RequestContext CONTEXT =
      Providers.context(
          ProviderSchema.AWS_BEDROCK,
          Map.of("region", "us-east-1"),
          "us.anthropic.claude-3-5-haiku-20241022-v1:0");
  private static final String HI = "'messages':[{'role':'user','content':'hi'}]";

  private static OpenAiBedrockTranslator translator(String request) {
    OpenAiBedrockTranslator t = new OpenAiBedrockTranslator();
    t.request(json(request), CONTEXT);
    return t;
  }

  @Test
  void fullRequestBecomesAConverseRequest() {
    UpstreamRequest upstream =
        new OpenAiBedrockTranslator().request(json(Providers.FULL_REQUEST), CONTEXT);

    assertThat(upstream.path())
        .isEqualTo("/model/us.anthropic.claude-3-5-haiku-20241022-v1%3A0/converse");
    JsonNode body = tree(upstream.body());
    assertThat(body.path("system").toString())
        .isEqualTo("[{\"text\":\"Be brief.\"},{\"text\":\"Use tools.\"}]");
    assertThat(body.path("inferenceConfig").toString())
        .isEqualTo(
            "{\"maxTokens\":300,\"temperature\":0.5,\"topP\":0.9,\"stopSequences\":[\"END\"]}");
    JsonNode messages = body.path("messages");
    assertThat(messages).hasSize(3);
    assertThat(messages.get(0).path("content").get(1).toString())
        .isEqualTo("{\"image\":{\"format\":\"png\",\"source\":{\"bytes\":\"iVBORw0KGgo=\"}}}");
    assertThat(messages.get(1).path("content").get(0).toString())
        .isEqualTo(
            "{\"toolUse\":{\"toolUseId\":\"call_1\",\"name\":\"get_weather\",\"input\":{\"city\":\"Paris\"}}}");
    assertThat(messages.get(2).path("content").get(1).toString())
        .isEqualTo(
            "{\"toolResult\":{\"toolUseId\":\"call_2\",\"content\":[{\"text\":\"{\\\"celsius\\\":21}\"}]}}");
    assertThat(
            body.path("toolConfig")
                .path("tools")
                .get(0)
                .path("toolSpec")
                .path("inputSchema")
                .path("json")
                .path("type")
                .asText())
        .isEqualTo("object");
    assertThat(body.path("toolConfig").path("toolChoice").toString()).isEqualTo("{\"auto\":{}}");
  }

  @Test
  void streamingRequestGoesToConverseStream() {
    UpstreamRequest upstream =
        new OpenAiBedrockTranslator()
            .request(json("{'model':'m','stream':true," + HI + "}"), CONTEXT);
    assertThat(upstream.path()).endsWith("/converse-stream");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "'logprobs':true                         | logprobs",
        "'user':'u1'                             | user",
        "'seed':1                                | seed",
        "'tool_choice':'none','tools':[{'type':'function','function':{'name':'f'}}] | tool_choice",
        "'parallel_tool_calls':false,'tools':[{'type':'function','function':{'name':'f'}}] | parallel_tool_calls",
      })
  void fieldsBedrockCannotHonourAreRejectedByName(String field, String param) {
    assertThatThrownBy(() -> translator("{'model':'m'," + HI + "," + field + "}"))
        .isInstanceOfSatisfying(
            TranslationException.class, e -> assertThat(e.error().param()).isEqualTo(param));
  }

  @Test
  void imageUrlsAreRejectedBecauseConverseTakesOnlyBytes() {
    assertThatThrownBy(
            () ->
                translator(
                    "{'model':'m','messages':[{'role':'user','content':[{'type':'image_url','image_url':{'url':'https://x/a.png'}}]}]}"))
        .isInstanceOf(TranslationException.class);
  }

  @Test
  void parallelToolUseReplyBecomesToolCalls() {
    JsonNode interaction =
        Fixtures.interaction(
            "bedrock-recordings/opentelemetry-python-contrib/test_converse_tool_call_with_content.yaml",
            0);
    OpenAiBedrockTranslator t = translator("{'model':'m'," + HI + "}");
    assertThat(t.startResponse(200, "application/json")).isFalse();
    BodyResult result = t.responseBody(Fixtures.responseBody(interaction), true);

    JsonNode choice = tree(result.body()).path("choices").get(0);
    assertThat(choice.path("message").path("tool_calls")).hasSize(2);
    assertThat(choice.path("message").path("tool_calls").get(1).path("id").asText())
        .isEqualTo("tooluse_bRV9WIcFSxyrLY6-MVkZRA");
    assertThat(
            choice
                .path("message")
                .path("tool_calls")
                .get(1)
                .path("function")
                .path("arguments")
                .asText())
        .isEqualTo("{\"location\":\"San Francisco\"}");
    assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(result.usage()).isEqualTo(new TokenUsage(415, 190, 0));
  }

  @Test
  void cacheReadsCountAsCachedPromptTokens() {
    JsonNode interaction =
        Fixtures.interaction(
            "bedrock-recordings/pydantic-ai/test_bedrock_cache_write_and_read.yaml", 1);
    BodyResult result =
        translator("{'model':'m'," + HI + "}")
            .responseBody(Fixtures.responseBody(interaction), true);
    // inputTokens 2 + cacheRead 1322 + cacheWrite 0
    assertThat(result.usage()).isEqualTo(new TokenUsage(1324, 5, 1322));
  }

  @Test
  void maxTokensStopIsLength() {
    JsonNode interaction =
        Fixtures.interaction(
            "bedrock-recordings/pydantic-ai/test_bedrock_model_max_tokens.yaml", 0);
    BodyResult result =
        translator("{'model':'m'," + HI + "}")
            .responseBody(Fixtures.responseBody(interaction), true);
    assertThat(tree(result.body()).path("choices").get(0).path("finish_reason").asText())
        .isEqualTo("length");
  }

  @Test
  void eventStreamWithTwoToolCallsBecomesOrderedChunks() {
    JsonNode interaction =
        Fixtures.interaction(
            "bedrock-recordings/opentelemetry-python-contrib/test_converse_stream_with_content_tool_call.yaml",
            0);
    OpenAiBedrockTranslator t =
        translator(
            "{'model':'m','stream':true,'stream_options':{'include_usage':true}," + HI + "}");
    assertThat(t.startResponse(200, OpenAiBedrockTranslator.EVENT_STREAM)).isTrue();
    TokenUsage[] usage = new TokenUsage[1];
    byte[] out =
        OpenAiStream.feedInPieces(
            Fixtures.responseBody(interaction),
            53,
            (piece, end) -> {
              BodyResult r = t.responseBody(piece, end);
              if (r.usage() != null) {
                usage[0] = r.usage();
              }
              return r.body();
            });

    OpenAiStream stream = OpenAiStream.parse(out);
    assertThat(stream.content())
        .startsWith("<thinking> The User has asked")
        .endsWith("</thinking>\n");
    assertThat(stream.toolCalls()).hasSize(2);
    assertThat(stream.toolCall(0))
        .containsExactly(
            "tooluse_JZ11QcxSQ3m3xacMQKVIKw", "get_current_weather", "{\"location\":\"Seattle\"}");
    assertThat(stream.toolCall(1)[2]).isEqualTo("{\"location\":\"San Francisco\"}");
    assertThat(stream.finishReason()).isEqualTo("tool_calls");
    assertThat(stream.usage().path("completion_tokens").asLong()).isEqualTo(202);
    assertThat(usage[0]).isEqualTo(new TokenUsage(415, 202, 0));
  }

  @ParameterizedTest
  @CsvSource({
    "bedrock-recordings/pydantic-ai/test_bedrock_model_stream.yaml",
    "bedrock-recordings/opentelemetry-python-contrib/test_converse_stream_with_content.yaml",
    "bedrock-recordings/pydantic-ai/test_bedrock_model_thinking_part_stream.yaml",
    "bedrock-recordings/pydantic-ai/test_bedrock_model_stream_empty_text_delta.yaml",
    "bedrock-recordings/openllmetry/test_guardrail_converse_stream.yaml",
  })
  void recordedTextStreamsTranslateToValidOpenAiStreams(String cassette) {
    JsonNode interaction = Fixtures.interaction(cassette, 0);
    OpenAiBedrockTranslator t = translator("{'model':'m','stream':true," + HI + "}");
    t.startResponse(200, OpenAiBedrockTranslator.EVENT_STREAM);
    BodyResult result = t.responseBody(Fixtures.responseBody(interaction), true);

    OpenAiStream stream = OpenAiStream.parse(result.body());
    assertThat(stream.usage()).isNull();
    assertThat(result.usage()).isNotNull();
    assertThat(result.usage().outputTokens()).isPositive();
  }

  @Test
  void guardrailInterventionIsContentFilter() {
    JsonNode interaction =
        Fixtures.interaction(
            "bedrock-recordings/openllmetry/test_guardrail_converse_stream.yaml", 0);
    OpenAiBedrockTranslator t = translator("{'model':'m','stream':true," + HI + "}");
    t.startResponse(200, OpenAiBedrockTranslator.EVENT_STREAM);
    assertThat(
            OpenAiStream.parse(t.responseBody(Fixtures.responseBody(interaction), true).body())
                .finishReason())
        .isEqualTo("content_filter");
  }

  @ParameterizedTest
  @CsvSource({
    "bedrock-recordings/opentelemetry-python-contrib/test_converse_with_invalid_model.yaml",
    "bedrock-recordings/pydantic-ai/test_bedrock_streaming_error.yaml",
  })
  void validationErrorsBecomeOpenAiInvalidRequestErrors(String cassette) {
    JsonNode interaction = Fixtures.interaction(cassette, 0);
    int status = Fixtures.status(interaction);
    assertThat(status).isEqualTo(400);
    JsonNode error =
        tree(new OpenAiBedrockTranslator()
                .responseError(status, "application/json", Fixtures.responseBody(interaction)))
            .path("error");
    assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.path("message").asText()).contains("model identifier is invalid");
  }

  @Test
  void exceptionMessageInTheEventStreamBecomesAnOpenAiErrorEvent() {
    java.util.Map<String, software.amazon.awssdk.eventstream.HeaderValue> headers =
        new java.util.LinkedHashMap<>();
    headers.put(
        ":message-type", software.amazon.awssdk.eventstream.HeaderValue.fromString("exception"));
    headers.put(
        ":exception-type",
        software.amazon.awssdk.eventstream.HeaderValue.fromString("throttlingException"));
    headers.put(
        ":content-type",
        software.amazon.awssdk.eventstream.HeaderValue.fromString("application/json"));
    byte[] frame =
        new software.amazon.awssdk.eventstream.Message(
                headers, "{\"message\":\"Too many requests\"}".getBytes())
            .toByteBuffer()
            .array();
    OpenAiBedrockTranslator t = translator("{'model':'m','stream':true," + HI + "}");
    t.startResponse(200, OpenAiBedrockTranslator.EVENT_STREAM);
    String out = new String(t.responseBody(frame, true).body());

    assertThat(out).endsWith("data: [DONE]\n\n");
    String[] events = out.split("\n\n");
    JsonNode error = tree(events[events.length - 2].substring(6).getBytes()).path("error");
    assertThat(error.path("type").asText()).isEqualTo("rate_limit_error");
    assertThat(error.path("message").asText()).isEqualTo("Too many requests");
  }

  @Test
  void corruptEventStreamFrameEndsTheStreamWithABadGatewayError() {
    byte[] frame =
        Fixtures.responseBody(
                Fixtures.interaction(
                    "bedrock-recordings/opentelemetry-python-contrib/test_converse_stream_with_content.yaml",
                    0))
            .clone();
    frame[20] ^= 0x55; // breaks the first message's CRC
    OpenAiBedrockTranslator t = translator("{'model':'m','stream':true," + HI + "}");
    t.startResponse(200, OpenAiBedrockTranslator.EVENT_STREAM);
    String out = new String(t.responseBody(frame, true).body());

    assertThat(out).contains("\"code\":\"bad_gateway\"").endsWith("data: [DONE]\n\n");
  }
}
