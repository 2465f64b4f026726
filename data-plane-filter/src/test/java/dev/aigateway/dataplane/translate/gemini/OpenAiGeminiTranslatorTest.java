package dev.aigateway.dataplane.translate.gemini;

import static dev.aigateway.dataplane.translate.chat.Providers.json;
import static dev.aigateway.dataplane.translate.chat.Providers.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.genai.types.Content;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.GenerationConfig;
import com.google.genai.types.Part;
import com.google.genai.types.ThinkingLevel;
import com.google.genai.types.Tool;
import com.google.genai.types.ToolConfig;
import dev.aigateway.dataplane.config.ProviderSchema;
import dev.aigateway.dataplane.translate.BodyResult;
import dev.aigateway.dataplane.translate.RequestContext;
import dev.aigateway.dataplane.translate.Translator.TranslationException;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import dev.aigateway.dataplane.translate.chat.Expect;
import dev.aigateway.dataplane.translate.chat.Fixtures;
import dev.aigateway.dataplane.translate.chat.OpenAiStream;
import dev.aigateway.dataplane.translate.chat.Providers;
import dev.aigateway.dataplane.usage.TokenUsage;
import java.util.Base64;
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
        "'logit_bias':{'50256':-100} | logit_bias",
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

  /**
   * The feature table: one row per OpenAI request feature, the model it goes to, and where it must
   * land in the generateContent request. Every part of the translated body is also parsed with the
   * official Google Gen AI SDK's model classes.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "system and developer messages | gemini-2.5-flash | 'messages':[{'role':'system','content':'A'},{'role':'developer','content':'B'},{'role':'user','content':'hi'}] | /systemInstruction = {'parts':[{'text':'A'},{'text':'B'}]}; /contents/0/role = 'user'",
        "multi-turn history            | gemini-2.5-flash | 'messages':[{'role':'user','content':'hi'},{'role':'assistant','content':'hello'},{'role':'user','content':'again'}] | /contents/1 = {'role':'model','parts':[{'text':'hello'}]}; /contents/2/parts/0/text = 'again'",
        "tool definitions              | gemini-2.5-flash | 'tools':[{'type':'function','function':{'name':'f','description':'d','parameters':{'type':'object'}}}] | /tools/0/functionDeclarations/0 = {'name':'f','description':'d','parametersJsonSchema':{'type':'object'}}; /toolConfig = MISSING",
        "tool choice required          | gemini-2.5-flash | 'tools':[{'type':'function','function':{'name':'f'}}],'tool_choice':'required' | /toolConfig/functionCallingConfig = {'mode':'ANY'}",
        "tool choice named             | gemini-2.5-flash | 'tools':[{'type':'function','function':{'name':'f'}}],'tool_choice':{'type':'function','function':{'name':'f'}} | /toolConfig/functionCallingConfig = {'mode':'ANY','allowedFunctionNames':['f']}",
        "tool choice none              | gemini-2.5-flash | 'tools':[{'type':'function','function':{'name':'f'}}],'tool_choice':'none' | /toolConfig/functionCallingConfig = {'mode':'NONE'}",
        "parallel tool calls, results  | gemini-2.5-flash | 'messages':[{'role':'user','content':'hi'},{'role':'assistant','tool_calls':[{'id':'c1','type':'function','function':{'name':'f','arguments':'{}'}},{'id':'c2','type':'function','function':{'name':'g','arguments':'{\\'a\\':1}'}}]},{'role':'tool','tool_call_id':'c1','content':'r1'},{'role':'tool','tool_call_id':'c2','content':'r2'}] | /contents/1/parts/1 = {'functionCall':{'name':'g','args':{'a':1}}}; /contents/2/parts/1 = {'functionResponse':{'name':'g','response':{'output':'r2'}}}",
        "base64 image                  | gemini-2.5-flash | 'messages':[{'role':'user','content':[{'type':'image_url','image_url':{'url':'data:image/jpeg;base64,/9j/'}}]}] | /contents/0/parts/0 = {'inlineData':{'mimeType':'image/jpeg','data':'/9j/'}}",
        "json mode                     | gemini-2.5-flash | 'response_format':{'type':'json_object'} | /generationConfig = {'responseMimeType':'application/json'}",
        "json schema                   | gemini-2.5-flash | 'response_format':{'type':'json_schema','json_schema':{'name':'p','schema':{'type':'object'}}} | /generationConfig/responseJsonSchema = {'type':'object'}",
        "stop as a string              | gemini-2.5-flash | 'stop':'END' | /generationConfig/stopSequences = ['END']",
        "max_tokens (deprecated name)  | gemini-2.5-flash | 'max_tokens':50 | /generationConfig/maxOutputTokens = 50",
        "temperature and top_p         | gemini-2.5-flash | 'temperature':0.2,'top_p':0.8 | /generationConfig = {'temperature':0.2,'topP':0.8}",
        "reasoning_effort, Gemini 2.5  | gemini-2.5-flash | 'reasoning_effort':'low' | /generationConfig/thinkingConfig = {'thinkingBudget':2048}",
        "reasoning_effort none, 2.5    | gemini-2.5-flash | 'reasoning_effort':'none' | /generationConfig/thinkingConfig = {'thinkingBudget':0}",
        "reasoning_effort, Gemini 3    | gemini-3-pro-preview | 'reasoning_effort':'low' | /generationConfig/thinkingConfig = {'thinkingLevel':'LOW'}",
        "reasoning_effort high, 3      | gemini-3-pro-preview | 'reasoning_effort':'high','max_completion_tokens':900 | /generationConfig = {'maxOutputTokens':900,'thinkingConfig':{'thinkingLevel':'HIGH'}}",
        "reasoning_effort minimal, 3   | gemini-3-flash-preview | 'reasoning_effort':'minimal' | /generationConfig/thinkingConfig = {'thinkingLevel':'MINIMAL'}",
      })
  void requestFeatureTable(String feature, String model, String fields, String expected) {
    String messages = fields.contains("'messages'") ? "" : HI + ",";
    UpstreamRequest upstream =
        new OpenAiGeminiTranslator(ProviderSchema.GEMINI)
            .request(
                json("{'model':'m'," + messages + fields + "}"),
                Providers.context(ProviderSchema.GEMINI, Map.of(), model));
    JsonNode body = tree(upstream.body());
    Expect.of(expected).check(body);

    for (JsonNode content : body.path("contents")) {
      assertThat(Content.fromJson(content.toString()).parts().orElseThrow()).isNotEmpty();
    }
    if (body.has("generationConfig")) {
      GenerationConfig config = GenerationConfig.fromJson(body.get("generationConfig").toString());
      JsonNode thinking = body.path("generationConfig").path("thinkingConfig");
      if (thinking.has("thinkingLevel")) {
        assertThat(config.thinkingConfig().orElseThrow().thinkingLevel().orElseThrow().knownEnum())
            .isEqualTo(ThinkingLevel.Known.valueOf(thinking.get("thinkingLevel").asText()));
      }
      if (thinking.has("thinkingBudget")) {
        assertThat(config.thinkingConfig().orElseThrow().thinkingBudget())
            .contains(thinking.get("thinkingBudget").asInt());
      }
    }
    if (body.has("tools")) {
      assertThat(Tool.fromJson(body.get("tools").get(0).toString()).functionDeclarations())
          .isPresent();
    }
    if (body.has("toolConfig")) {
      assertThat(ToolConfig.fromJson(body.get("toolConfig").toString()).functionCallingConfig())
          .isPresent();
    }
  }

  @Test
  void gemini3CannotTurnThinkingOff() {
    assertThatThrownBy(
            () ->
                new OpenAiGeminiTranslator(ProviderSchema.GCP_VERTEX)
                    .request(
                        json("{'model':'m'," + HI + ",'reasoning_effort':'none'}"),
                        Providers.context(
                            ProviderSchema.GCP_VERTEX,
                            Map.of("project", "p", "location", "global"),
                            "gemini-3-pro-preview")))
        .isInstanceOfSatisfying(
            TranslationException.class,
            e -> assertThat(e.error().param()).isEqualTo("reasoning_effort"));
  }

  /** Recorded generateContent replies: finish reason, usage, reasoning and cached tokens. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "pydantic-ai/test_google_model.yaml#0                 | /choices/0/finish_reason = 'stop'; /choices/0/message/tool_calls = MISSING",
        "pydantic-ai/test_google_tool_output.yaml#0           | /choices/0/finish_reason = 'tool_calls'; /choices/0/message/tool_calls/0/type = 'function'",
        "pydantic-ai/test_google_model_max_tokens.yaml#0      | /choices/0/finish_reason = 'length'",
        "pydantic-ai/test_google_model_safety_settings.yaml#0 | /choices/0/finish_reason = 'content_filter'",
        "pydantic-ai/test_google_model_vertex_provider.yaml#0 | /choices/0/finish_reason = 'stop'; /object = 'chat.completion'",
        "vercel-ai/google-tool-call.json                      | /choices/0/finish_reason = 'tool_calls'; /usage/completion_tokens_details/reasoning_tokens = 893; /usage/completion_tokens = 908",
      })
  void recordedRepliesBecomeChatCompletions(String source, String expected) {
    byte[] body =
        source.endsWith(".json")
            ? Fixtures.read("gemini-recordings/" + source).getBytes()
            : Fixtures.responseBody(
                Fixtures.interaction(
                    "gemini-recordings/" + source.split("#")[0],
                    Integer.parseInt(source.split("#")[1])));
    OpenAiGeminiTranslator t = translator("{'model':'m'," + HI + "}");
    assertThat(t.startResponse(200, "application/json; charset=UTF-8")).isFalse();
    BodyResult result = t.responseBody(body, true);

    assertThat(result.error()).isNull();
    JsonNode completion = tree(result.body());
    Expect.of(expected).check(completion);
    assertThat(result.usage().outputTokens())
        .isEqualTo(completion.path("usage").path("completion_tokens").asLong());
    assertThat(result.usage().inputTokens())
        .isPositive()
        .isEqualTo(completion.path("usage").path("prompt_tokens").asLong());
  }

  /** Recorded streamGenerateContent SSE, fed in small pieces; ordering is checked by parse. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "pydantic-ai/test_google_model_stream.yaml#0                      | stop       | 0",
        "pydantic-ai/test_google_model_iter_stream.yaml#0                 | tool_calls | 1",
        "pydantic-ai/test_google_model_thinking_part_iter.yaml#0          | stop       | 0",
        "pydantic-ai/test_google_stream_usage_is_live_mid_stream.yaml#0   | stop       | 0",
        "pydantic-ai/test_google_vertex_service_tier_flex_stream.yaml#0   | stop       | 0",
        "opentelemetry-python-contrib/vertex-genai-test_streaming-logcontent-sync.yaml#0 | stop | 0",
        "vercel-ai/google-text.chunks.txt                                 | stop       | 0",
        "vercel-ai/google-reasoning.chunks.txt                            | stop       | 0",
        "vercel-ai/google-tool-call.chunks.txt                            | tool_calls | 1",
      })
  void recordedStreamsBecomeOrderedChunksWithUsage(String source, String finish, int toolCalls) {
    byte[] upstream =
        source.endsWith(".txt")
            ? Providers.sseOfLines(Fixtures.read("gemini-recordings/" + source))
            : Fixtures.responseBody(
                Fixtures.interaction(
                    "gemini-recordings/" + source.split("#")[0],
                    Integer.parseInt(source.split("#")[1])));
    OpenAiGeminiTranslator t =
        translator(
            "{'model':'m','stream':true,'stream_options':{'include_usage':true}," + HI + "}");
    assertThat(t.startResponse(200, "text/event-stream")).isTrue();
    TokenUsage[] usage = new TokenUsage[1];
    byte[] out =
        OpenAiStream.feedInPieces(
            upstream,
            41,
            (piece, end) -> {
              BodyResult r = t.responseBody(piece, end);
              if (r.usage() != null) {
                usage[0] = r.usage();
              }
              return r.body();
            });
    OpenAiStream stream = OpenAiStream.parse(out);
    assertThat(stream.finishReason()).isEqualTo(finish);
    assertThat(stream.toolCalls()).hasSize(toolCalls);
    assertThat(usage[0].outputTokens()).isPositive();
    assertThat(stream.usage().path("completion_tokens").asLong())
        .isEqualTo(usage[0].outputTokens());
    assertThat(stream.usage().path("completion_tokens_details").path("reasoning_tokens").asLong())
        .isLessThanOrEqualTo(usage[0].outputTokens());
  }

  /** Errors as Google's API reference lists them (canonical status names) keep their status. */
  @ParameterizedTest(name = "{0} {2}")
  @CsvSource({
    "429, rate_limit_error, RESOURCE_EXHAUSTED",
    "400, invalid_request_error, INVALID_ARGUMENT",
    "403, permission_error, PERMISSION_DENIED",
    "503, server_error, UNAVAILABLE",
  })
  void documentedErrorsBecomeOpenAiErrors(int status, String type, String googleStatus) {
    byte[] body =
        ("{\"error\":{\"code\":"
                + status
                + ",\"message\":\"m\",\"status\":\""
                + googleStatus
                + "\"}}")
            .getBytes();
    OpenAiGeminiTranslator t = translator("{'model':'m'," + HI + "}");
    assertThat(t.startResponse(status, "application/json")).isFalse();
    JsonNode error = tree(t.responseError(status, "application/json", body)).path("error");
    assertThat(error.path("type").asText()).isEqualTo(type);
    assertThat(error.path("code").asText()).isEqualTo(googleStatus);
    assertThat(error.path("message").asText()).isEqualTo("m");
  }

  @Test
  void a2xxBodyThatIsNoGenerateContentResponseBecomesA502NotA200() {
    OpenAiGeminiTranslator t = translator("{'model':'m'," + HI + "}");
    t.startResponse(200, "application/json");
    BodyResult result = t.responseBody("[]".getBytes(), true);
    assertThat(result.error().status()).isEqualTo(502);
  }

  /**
   * Gemini 3 thought signatures survive an OpenAI client: the recorded functionCall's signature
   * rides in the tool call id, and the next request puts it back on that functionCall part, where
   * the recorded follow-up request of the same conversation has it.
   */
  @Test
  void streamedThoughtSignatureComesBackOnItsFunctionCallPart() {
    String cassette =
        "gemini-recordings/pydantic-ai/test_google_streaming_tool_call_thought_signature.yaml";
    RequestContext gemini3 =
        Providers.context(ProviderSchema.GEMINI, Map.of(), "gemini-3-pro-preview");
    OpenAiGeminiTranslator first = new OpenAiGeminiTranslator(ProviderSchema.GEMINI);
    first.request(json("{'model':'m','stream':true," + HI + "}"), gemini3);
    first.startResponse(200, "text/event-stream");
    OpenAiStream stream =
        OpenAiStream.parse(
            first
                .responseBody(Fixtures.responseBody(Fixtures.interaction(cassette, 0)), true)
                .body());
    String[] call = stream.toolCall(0);
    assertThat(call[0]).contains(".ts.");

    JsonNode followUp =
        tree(
            new OpenAiGeminiTranslator(ProviderSchema.GEMINI)
                .request(
                    json(
                        "{'model':'m','messages':[{'role':'user','content':'hi'},"
                            + "{'role':'assistant','tool_calls':[{'id':'"
                            + call[0]
                            + "','type':'function','function':{'name':'"
                            + call[1]
                            + "','arguments':'{}'}}]},"
                            + "{'role':'tool','tool_call_id':'"
                            + call[0]
                            + "','content':'Mexico'}]}"),
                    gemini3)
                .body());
    JsonNode part = followUp.path("contents").get(1).path("parts").get(0);
    JsonNode recorded =
        Fixtures.requestBody(Fixtures.interaction(cassette, 1))
            .path("contents")
            .get(1)
            .path("parts")
            .get(0);
    assertThat(part.path("functionCall").path("name"))
        .isEqualTo(recorded.path("functionCall").path("name"));
    // the recording re-encoded the signature as base64url; the bytes are the same
    assertThat(Part.fromJson(part.toString()).thoughtSignature().orElseThrow())
        .isEqualTo(Base64.getUrlDecoder().decode(recorded.path("thoughtSignature").asText()));
    assertThat(
            followUp
                .path("contents")
                .get(2)
                .path("parts")
                .get(0)
                .path("functionResponse")
                .path("name")
                .asText())
        .isEqualTo(call[1]);
  }

  @Test
  void bufferedThoughtSignatureRoundTripsExactly() {
    String recorded = Fixtures.read("gemini-recordings/vercel-ai/google-tool-call.json");
    OpenAiGeminiTranslator first = translator("{'model':'m'," + HI + "}");
    JsonNode call =
        tree(first.responseBody(recorded.getBytes(), true).body())
            .path("choices")
            .get(0)
            .path("message")
            .path("tool_calls")
            .get(0);
    String id = call.path("id").asText();

    JsonNode followUp =
        tree(
            new OpenAiGeminiTranslator(ProviderSchema.GEMINI)
                .request(
                    json(
                        "{'model':'m','messages':[{'role':'user','content':'hi'},"
                            + "{'role':'assistant','tool_calls':[{'id':'"
                            + id
                            + "','type':'function','function':{'name':'weather','arguments':'{}'}}]},"
                            + "{'role':'tool','tool_call_id':'"
                            + id
                            + "','content':'sunny'}]}"),
                    GEMINI)
                .body());
    assertThat(
            followUp.path("contents").get(1).path("parts").get(0).path("thoughtSignature").asText())
        .isEqualTo(
            tree(recorded.getBytes())
                .at("/candidates/0/content/parts/0/thoughtSignature")
                .asText());
  }

  @ParameterizedTest
  @CsvSource({
    "call_1, ",
    "call_1, abc+/w==",
    "call_1, ab+/cQ==",
    "call.ts.x, Zm9v",
    "call_2, ////"
  })
  void thoughtSignaturesSurviveTheToolCallId(String id, String signature) {
    String encoded = ThoughtSignatures.encode(id, signature);
    assertThat(encoded).doesNotContain("+", "/", "=");
    assertThat(ThoughtSignatures.decode(encoded)).isEqualTo(signature);
  }
}
