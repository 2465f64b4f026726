package dev.aigateway.dataplane.translate.gemini;

import static dev.aigateway.dataplane.translate.chat.Providers.json;
import static dev.aigateway.dataplane.translate.chat.Providers.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.genai.types.Content;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.GenerationConfig;
import com.google.genai.types.Tool;
import com.google.genai.types.ToolConfig;
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

class OpenAiGeminiTranslatorTest {
  private static final RequestContext GEMINI =
      Providers.context(ProviderSchema.GEMINI, Map.of(), "gemini-2.5-flash");
  private static final RequestContext VERTEX =
      Providers.context(
          ProviderSchema.GCP_VERTEX,
          Map.of("project", "proj-1", "location", "us-central1"),
          "gemini-2.5-flash");
  private static final String HI = "'messages':[{'role':'user','content':'hi'}]";

  private static OpenAiGeminiTranslator translator(String request) {
    OpenAiGeminiTranslator t = new OpenAiGeminiTranslator(ProviderSchema.GEMINI);
    t.request(json(request), GEMINI);
    return t;
  }

  @Test
  void fullRequestBecomesAGenerateContentRequestThatTheGenAiSdkParses() {
    UpstreamRequest upstream =
        new OpenAiGeminiTranslator(ProviderSchema.GEMINI)
            .request(json(Providers.FULL_REQUEST), GEMINI);

    assertThat(upstream.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
    JsonNode body = tree(upstream.body());
    assertThat(body.path("systemInstruction").toString())
        .isEqualTo("{\"parts\":[{\"text\":\"Be brief.\"},{\"text\":\"Use tools.\"}]}");
    assertThat(body.path("generationConfig").toString())
        .isEqualTo(
            "{\"maxOutputTokens\":300,\"temperature\":0.5,\"topP\":0.9,\"stopSequences\":[\"END\"]}");
    JsonNode contents = body.path("contents");
    assertThat(contents).hasSize(3);
    assertThat(contents.get(0).path("parts").get(1).toString())
        .isEqualTo("{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}}");
    assertThat(contents.get(1).path("role").asText()).isEqualTo("model");
    assertThat(contents.get(1).path("parts")).hasSize(2);
    // the tool message names only the call id; the function name comes from the model turn
    assertThat(contents.get(2).path("parts").get(0).toString())
        .isEqualTo(
            "{\"functionResponse\":{\"name\":\"get_weather\",\"response\":{\"output\":\"18C\"}}}");
    assertThat(
            contents
                .get(2)
                .path("parts")
                .get(1)
                .path("functionResponse")
                .path("response")
                .toString())
        .isEqualTo("{\"celsius\":21}");
    assertThat(body.path("toolConfig").toString())
        .isEqualTo("{\"functionCallingConfig\":{\"mode\":\"AUTO\"}}");

    // Parsed back with the official Google Gen AI SDK's model classes.
    for (JsonNode content : contents) {
      Content parsed = Content.fromJson(content.toString());
      assertThat(parsed.parts().orElseThrow()).isNotEmpty();
    }
    Content modelTurn = Content.fromJson(contents.get(1).toString());
    assertThat(
            modelTurn
                .parts()
                .orElseThrow()
                .get(1)
                .functionCall()
                .orElseThrow()
                .args()
                .orElseThrow())
        .containsEntry("city", "Rome");
    Tool tool = Tool.fromJson(body.path("tools").get(0).toString());
    assertThat(tool.functionDeclarations().orElseThrow().get(0).parametersJsonSchema()).isPresent();
    assertThat(
            GenerationConfig.fromJson(body.path("generationConfig").toString()).maxOutputTokens())
        .contains(300);
    assertThat(ToolConfig.fromJson(body.path("toolConfig").toString()).functionCallingConfig())
        .isPresent();
  }

  @Test
  void vertexUsesProjectAndLocationAndStreamsWithSse() {
    UpstreamRequest upstream =
        new OpenAiGeminiTranslator(ProviderSchema.GCP_VERTEX)
            .request(json("{'model':'m','stream':true," + HI + "}"), VERTEX);
    assertThat(upstream.path())
        .isEqualTo(
            "/v1/projects/proj-1/locations/us-central1/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "'response_format':{'type':'json_object'} | {\"responseMimeType\":\"application/json\"}",
        "'response_format':{'type':'json_schema','json_schema':{'name':'n','schema':{'type':'object'}}} | {\"responseMimeType\":\"application/json\",\"responseJsonSchema\":{\"type\":\"object\"}}",
        "'seed':3,'presence_penalty':0.5 | {\"presencePenalty\":0.5,\"seed\":3}",
      })
  void generationOptionsMapToGenerationConfig(String field, String expected) {
    UpstreamRequest upstream =
        new OpenAiGeminiTranslator(ProviderSchema.GEMINI)
            .request(json("{'model':'m'," + HI + "," + field + "}"), GEMINI);
    assertThat(tree(upstream.body()).path("generationConfig").toString()).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "'required' | {\"functionCallingConfig\":{\"mode\":\"ANY\"}}",
        "'none' | {\"functionCallingConfig\":{\"mode\":\"NONE\"}}",
        "{'type':'function','function':{'name':'f'}} | {\"functionCallingConfig\":{\"mode\":\"ANY\",\"allowedFunctionNames\":[\"f\"]}}",
      })
  void toolChoiceMapsToFunctionCallingConfig(String choice, String expected) {
    UpstreamRequest upstream =
        new OpenAiGeminiTranslator(ProviderSchema.GEMINI)
            .request(
                json(
                    "{'model':'m',"
                        + HI
                        + ",'tools':[{'type':'function','function':{'name':'f'}}],'tool_choice':"
                        + choice
                        + "}"),
                GEMINI);
    assertThat(tree(upstream.body()).path("toolConfig").toString()).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "'logprobs':true | logprobs",
        "'user':'u' | user",
        "'n':3 | n",
        "'parallel_tool_calls':false,'tools':[{'type':'function','function':{'name':'f'}}] | parallel_tool_calls",
      })
  void fieldsGeminiCannotHonourAreRejectedByName(String field, String param) {
    assertThatThrownBy(() -> translator("{'model':'m'," + HI + "," + field + "}"))
        .isInstanceOfSatisfying(
            TranslationException.class, e -> assertThat(e.error().param()).isEqualTo(param));
  }

  @Test
  void functionCallReplyBecomesAToolCallWithAnId() {
    JsonNode interaction =
        Fixtures.interaction("gemini-recordings/pydantic-ai/test_google_tool_output.yaml", 0);
    byte[] recorded = Fixtures.responseBody(interaction);
    assertThat(GenerateContentResponse.fromJson(new String(recorded)).functionCalls()).hasSize(1);
    BodyResult result = translator("{'model':'m'," + HI + "}").responseBody(recorded, true);

    JsonNode choice = tree(result.body()).path("choices").get(0);
    JsonNode call = choice.path("message").path("tool_calls").get(0);
    assertThat(call.path("id").asText()).startsWith("call_");
    assertThat(call.path("function").path("name").asText()).isEqualTo("get_user_country");
    assertThat(call.path("function").path("arguments").asText()).isEqualTo("{}");
    assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(result.usage()).isEqualTo(new TokenUsage(33, 5, 0));
  }

  @ParameterizedTest
  @CsvSource({
    "gemini-recordings/pydantic-ai/test_google_model_max_tokens.yaml, length",
    "gemini-recordings/pydantic-ai/test_google_model_safety_settings.yaml, content_filter",
    "gemini-recordings/pydantic-ai/test_google_model.yaml, stop",
    "gemini-recordings/pydantic-ai/test_google_model_vertex_provider.yaml, stop",
  })
  void finishReasonsMapToOpenAis(String cassette, String finish) {
    JsonNode interaction = Fixtures.interaction(cassette, 0);
    BodyResult result =
        translator("{'model':'m'," + HI + "}")
            .responseBody(Fixtures.responseBody(interaction), true);
    assertThat(tree(result.body()).path("choices").get(0).path("finish_reason").asText())
        .isEqualTo(finish);
  }

  @ParameterizedTest
  @CsvSource({
    "gemini-recordings/pydantic-ai/test_google_model_stream.yaml",
    "gemini-recordings/opentelemetry-python-contrib/vertex-genai-test_streaming-logcontent-sync.yaml",
    "gemini-recordings/pydantic-ai/test_google_model_thinking_part_iter.yaml",
    "gemini-recordings/pydantic-ai/test_google_stream_usage_is_live_mid_stream.yaml",
  })
  void recordedTextStreamsBecomeValidOpenAiStreams(String cassette) {
    JsonNode interaction = Fixtures.interaction(cassette, 0);
    OpenAiGeminiTranslator t =
        translator(
            "{'model':'m','stream':true,'stream_options':{'include_usage':true}," + HI + "}");
    assertThat(t.startResponse(200, "text/event-stream")).isTrue();
    TokenUsage[] usage = new TokenUsage[1];
    byte[] out =
        OpenAiStream.feedInPieces(
            Fixtures.responseBody(interaction),
            41,
            (piece, end) -> {
              BodyResult r = t.responseBody(piece, end);
              if (r.usage() != null) {
                usage[0] = r.usage();
              }
              return r.body();
            });
    OpenAiStream stream = OpenAiStream.parse(out);
    assertThat(stream.content()).isNotBlank();
    assertThat(stream.finishReason()).isEqualTo("stop");
    assertThat(stream.usage().path("prompt_tokens").asLong()).isEqualTo(usage[0].inputTokens());
    assertThat(usage[0].outputTokens()).isPositive();
  }

  @Test
  void streamedFunctionCallBecomesOneIndexedToolCall() {
    OpenAiGeminiTranslator t = translator("{'model':'m','stream':true," + HI + "}");
    t.startResponse(200, "text/event-stream");
    byte[] upstream =
        Providers.sseOfLines(
            Fixtures.read("gemini-recordings/vercel-ai/google-tool-call.chunks.txt"));
    OpenAiStream stream = OpenAiStream.parse(t.responseBody(upstream, true).body());
    assertThat(stream.toolCalls()).hasSize(1);
    assertThat(stream.toolCall(0)[1]).isEqualTo("weather");
    assertThat(stream.toolCall(0)[2]).isEqualTo("{\"location\":\"San Francisco\"}");
    assertThat(stream.finishReason()).isEqualTo("tool_calls");
  }

  @ParameterizedTest
  @CsvSource({
    "gemini-recordings/pydantic-ai/test_model_name_suggestion-google.yaml, not_found_error, NOT_FOUND",
    "gemini-recordings/opentelemetry-python-contrib/vertexai-test_generate_content_invalid_temperature.yaml, invalid_request_error, INVALID_ARGUMENT",
  })
  void googleErrorsBecomeOpenAiErrors(String cassette, String type, String code) {
    JsonNode interaction = Fixtures.interaction(cassette, 0);
    JsonNode error =
        tree(new OpenAiGeminiTranslator(ProviderSchema.GEMINI)
                .responseError(
                    Fixtures.status(interaction),
                    "application/json",
                    Fixtures.responseBody(interaction)))
            .path("error");
    assertThat(error.path("type").asText()).isEqualTo(type);
    assertThat(error.path("code").asText()).isEqualTo(code);
    assertThat(error.path("message").asText()).isNotBlank();
  }

  @Test
  void thoughtTokensAreReportedAsReasoningInsideCompletionTokens() {
    OpenAiGeminiTranslator t =
        translator(
            "{'model':'m','stream':true,'stream_options':{'include_usage':true}," + HI + "}");
    t.startResponse(200, "text/event-stream");
    byte[] upstream =
        Providers.sseOfLines(
            Fixtures.read("gemini-recordings/vercel-ai/google-reasoning.chunks.txt"));
    BodyResult result = t.responseBody(upstream, true);

    JsonNode usage = OpenAiStream.parse(result.body()).usage();
    assertThat(usage.path("completion_tokens").asLong()).isEqualTo(29 + 256);
    assertThat(usage.path("completion_tokens_details").path("reasoning_tokens").asLong())
        .isEqualTo(256);
    assertThat(result.usage()).isEqualTo(new TokenUsage(9, 285, 0));
  }
}
