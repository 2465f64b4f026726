package dev.aigateway.dataplane.translate.responses;

import static dev.aigateway.dataplane.translate.chat.Providers.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseOutputItem;
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
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Recorded answers of every translated schema (chat-only OpenAI-compatible servers, Anthropic,
 * Bedrock Converse, Gemini and Vertex) turned into Responses API answers, JSON and streamed, text
 * and function calls: each must say what the same recording says through the schema's chat
 * completions translator (text, calls, usage, finish), in the shape the official OpenAI SDK reads.
 */
class ResponsesReplayTest {
  private static final Map<String, String> SETTINGS =
      Map.of("region", "us-east-1", "project", "p", "location", "l");
  private static final String TOOLS =
      "'tools':[{'type':'function','name':'get_weather','description':'Weather',"
          + "'parameters':{'type':'object','properties':{'location':{'type':'string'}}}}]";

  /** The chat answer a recording stands for, as the schema's chat translator gives it. */
  private record Expected(String text, List<String[]> calls, String finish, TokenUsage usage) {}

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "OPENAI_COMPATIBLE, openai:chat-basic.yaml",
    "OPENAI_COMPATIBLE, openai:chat-tools.yaml",
    "OPENAI_COMPATIBLE, openai:chat-parallel-tools.yaml",
    "OPENAI_COMPATIBLE, openai:chat-detailed-usage.yaml",
    "ANTHROPIC, anthropic-recordings/pydantic-ai/test_anthropic_model_instructions.yaml",
    "ANTHROPIC, anthropic-recordings/pydantic-ai/test_multiple_parallel_tool_calls.yaml",
    "ANTHROPIC, anthropic-recordings/vercel-ai/anthropic-json-tool.1.json",
    "AWS_BEDROCK, bedrock-recordings/opentelemetry-python-contrib/test_converse_with_content.yaml",
    "AWS_BEDROCK, bedrock-recordings/opentelemetry-python-contrib/test_converse_tool_call_with_content.yaml",
    "GEMINI, gemini-recordings/pydantic-ai/test_google_model.yaml",
    "GEMINI, gemini-recordings/vercel-ai/google-tool-call.json",
    "GCP_VERTEX, gemini-recordings/opentelemetry-python-contrib/vertex-genai-test_non_streaming-logcontent-sync.yaml",
  })
  void aRecordedAnswerBecomesTheResponseTheSdkReads(ProviderSchema schema, String source) {
    byte[] recorded = recording(source);
    Expected expected = chatJson(schema, recorded);
    Translator t = responses(schema, false);
    assertThat(t.startResponse(200, "application/json")).isFalse();

    BodyResult result = t.responseBody(recorded, true);

    Response response = ResponsesSse.response(result.body());
    assertThat(response.id()).startsWith("resp_");
    assertThat(text(response)).isEqualTo(expected.text());
    assertCalls(schema, response, expected.calls());
    assertThat(response.status().orElseThrow().asString())
        .isEqualTo(expected.finish().equals("length") ? "incomplete" : "completed");
    assertUsage(response, expected.usage());
    assertThat(result.usage()).isEqualTo(expected.usage());
  }

  @ParameterizedTest(name = "{0} {1} in {2}-byte pieces")
  @CsvSource({
    "OPENAI_COMPATIBLE, openai:chat-streaming.yaml, 23",
    "OPENAI_COMPATIBLE, openai:chat-streaming-detailed-usage.yaml, 1000000",
    "ANTHROPIC, anthropic-recordings/openllmetry/test_anthropic_message_streaming_legacy.yaml, 37",
    "ANTHROPIC, anthropic-recordings/openllmetry/test_anthropic_tools_streaming_legacy.yaml, 41",
    "AWS_BEDROCK, bedrock-recordings/opentelemetry-python-contrib/test_converse_stream_with_content.yaml, 53",
    "AWS_BEDROCK, bedrock-recordings/opentelemetry-python-contrib/test_converse_stream_with_content_tool_call.yaml, 29",
    "GEMINI, gemini-recordings/pydantic-ai/test_google_model_stream.yaml, 31",
    "GEMINI, gemini-recordings/vercel-ai/google-tool-call.chunks.txt, 17",
    "GCP_VERTEX, gemini-recordings/opentelemetry-python-contrib/vertex-genai-test_streaming-logcontent-sync.yaml, 64",
  })
  void aRecordedStreamBecomesTheResponsesEventSequence(
      ProviderSchema schema, String source, int piece) {
    byte[] recorded = recording(source);
    String contentType =
        schema == ProviderSchema.AWS_BEDROCK
            ? "application/vnd.amazon.eventstream"
            : "text/event-stream";
    Expected expected = chatStream(schema, recorded, contentType);
    Translator t = responses(schema, true);
    assertThat(t.startResponse(200, contentType)).isTrue();
    TokenUsage[] usage = new TokenUsage[1];

    ResponsesSse sse = ResponsesSse.parse(feed(t, recorded, piece, usage));

    Response response = sse.last();
    assertThat(sse.deltaText()).isEqualTo(expected.text());
    assertThat(text(response)).isEqualTo(expected.text());
    assertCalls(schema, response, expected.calls());
    for (ResponseOutputItem item : response.output()) {
      item.functionCall()
          .ifPresent(
              call ->
                  assertThat(sse.deltaArguments(call.id().orElseThrow()))
                      .isEqualTo(call.arguments()));
    }
    boolean cut = expected.finish().equals("length");
    assertThat(sse.types().getLast()).isEqualTo(cut ? "response.incomplete" : "response.completed");
    // Every item is announced, then finished, in output order.
    assertThat(sse.types().stream().filter(s -> s.equals("response.output_item.added")).count())
        .isEqualTo(response.output().size());
    assertThat(sse.types().stream().filter(s -> s.equals("response.output_item.done")).count())
        .isEqualTo(response.output().size());
    assertUsage(response, expected.usage());
    assertThat(usage[0]).isEqualTo(expected.usage());
  }

  static byte[] recording(String source) {
    if (source.startsWith("openai:")) {
      return Cassette.openAi(source.substring(7)).first().response().body();
    }
    if (source.endsWith(".chunks.txt")) {
      return Providers.sseOfLines(Fixtures.read(source));
    }
    if (source.endsWith(".json")) {
      return Fixtures.read(source).getBytes(StandardCharsets.UTF_8);
    }
    return Fixtures.responseBody(Fixtures.interaction(source, 0));
  }

  private static Translator responses(ProviderSchema schema, boolean stream) {
    Translator t = Translators.create(schema, Endpoint.RESPONSES);
    t.request(
        json(
            "{'model':'m','input':'What is the weather in Paris?','stream':"
                + stream
                + ","
                + TOOLS
                + "}"),
        Providers.context(schema, SETTINGS, "upstream-model"));
    return t;
  }

  private static Translator chat(ProviderSchema schema, boolean stream) {
    Translator t = Translators.create(schema, Endpoint.CHAT_COMPLETIONS);
    t.request(
        json(
            "{'model':'m','stream':"
                + stream
                + (stream ? ",'stream_options':{'include_usage':true}" : "")
                + ",'messages':[{'role':'user','content':'What is the weather in Paris?'}],"
                + "'tools':[{'type':'function','function':{'name':'get_weather',"
                + "'description':'Weather','parameters':{'type':'object',"
                + "'properties':{'location':{'type':'string'}}}}}]}"),
        Providers.context(schema, SETTINGS, "upstream-model"));
    return t;
  }

  private static Expected chatJson(ProviderSchema schema, byte[] recorded) {
    Translator chat = chat(schema, false);
    chat.startResponse(200, "application/json");
    BodyResult result = chat.responseBody(recorded, true);
    JsonNode completion =
        ResponsesSse.tree(
            new String(result.body() == null ? recorded : result.body(), StandardCharsets.UTF_8));
    JsonNode message = completion.path("choices").path(0).path("message");
    List<String[]> calls = new ArrayList<>();
    for (JsonNode call : message.path("tool_calls")) {
      calls.add(
          new String[] {
            call.path("id").asText(),
            call.path("function").path("name").asText(),
            call.path("function").path("arguments").asText()
          });
    }
    JsonNode usage = completion.path("usage");
    return new Expected(
        message.path("content").asText(""),
        calls,
        completion.path("choices").path(0).path("finish_reason").asText(),
        new TokenUsage(
            usage.path("prompt_tokens").asLong(),
            usage.path("completion_tokens").asLong(),
            usage.path("prompt_tokens_details").path("cached_tokens").asLong()));
  }

  private static Expected chatStream(ProviderSchema schema, byte[] recorded, String contentType) {
    Translator chat = chat(schema, true);
    chat.startResponse(200, contentType);
    OpenAiStream stream = OpenAiStream.parse(feed(chat, recorded, 1 << 20, new TokenUsage[1]));
    List<String[]> calls = new ArrayList<>(stream.toolCalls().values());
    JsonNode usage = stream.usage();
    if (usage == null) {
      return new Expected(stream.content(), calls, stream.finishReason(), null);
    }
    return new Expected(
        stream.content(),
        calls,
        stream.finishReason(),
        new TokenUsage(
            usage.path("prompt_tokens").asLong(),
            usage.path("completion_tokens").asLong(),
            usage.path("prompt_tokens_details").path("cached_tokens").asLong()));
  }

  static byte[] feed(Translator t, byte[] body, int piece, TokenUsage[] usage) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < body.length; i += piece) {
      boolean end = i + piece >= body.length;
      byte[] chunk = Arrays.copyOfRange(body, i, Math.min(body.length, i + piece));
      BodyResult r = t.responseBody(chunk, end);
      out.writeBytes(r.body() != null ? r.body() : chunk); // null: the chunk passes unchanged
      if (r.usage() != null) {
        usage[0] = r.usage();
      }
    }
    return out.toByteArray();
  }

  static String text(Response response) {
    StringBuilder text = new StringBuilder();
    for (ResponseOutputItem item : response.output()) {
      item.message()
          .ifPresent(
              m -> m.content().forEach(c -> c.outputText().ifPresent(t -> text.append(t.text()))));
    }
    return text.toString();
  }

  private static void assertCalls(
      ProviderSchema schema, Response response, List<String[]> expected) {
    List<ResponseFunctionToolCall> calls =
        response.output().stream()
            .filter(ResponseOutputItem::isFunctionCall)
            .map(ResponseOutputItem::asFunctionCall)
            .toList();
    assertThat(calls).hasSize(expected.size());
    for (int i = 0; i < calls.size(); i++) {
      ResponseFunctionToolCall call = calls.get(i);
      if (schema == ProviderSchema.GEMINI || schema == ProviderSchema.GCP_VERTEX) {
        // Gemini gives no call ids: the chat translator makes one up for each translation.
        assertThat(call.callId()).isNotBlank();
      } else {
        assertThat(call.callId()).isEqualTo(expected.get(i)[0]);
      }
      assertThat(call.name()).isEqualTo(expected.get(i)[1]);
      assertThat(ResponsesSse.tree(call.arguments()))
          .isEqualTo(ResponsesSse.tree(expected.get(i)[2]));
      assertThat(call.id()).hasValueSatisfying(id -> assertThat(id).startsWith("fc_"));
    }
  }

  private static void assertUsage(Response response, @Nullable TokenUsage expected) {
    if (expected == null) {
      // A recording without usage (its client never asked for it): none is made up.
      assertThat(response.usage()).isEmpty();
      return;
    }
    var usage = response.usage().orElseThrow();
    assertThat(usage.inputTokens()).isEqualTo(expected.inputTokens());
    assertThat(usage.outputTokens()).isEqualTo(expected.outputTokens());
    assertThat(usage.inputTokensDetails().cachedTokens()).isEqualTo(expected.cachedInputTokens());
    assertThat(usage.totalTokens()).isEqualTo(expected.inputTokens() + expected.outputTokens());
  }
}
