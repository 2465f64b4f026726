package dev.aigateway.dataplane.translate.anthropic;

import static dev.aigateway.dataplane.translate.chat.Providers.json;
import static dev.aigateway.dataplane.translate.chat.Providers.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.core.ObjectMappers;
import com.anthropic.models.messages.MessageCreateParams;
import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.dataplane.translate.BodyResult;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.RequestContext;
import dev.aigateway.dataplane.translate.Translator.TranslationException;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import dev.aigateway.dataplane.translate.chat.Expect;
import dev.aigateway.dataplane.translate.chat.Fixtures;
import dev.aigateway.dataplane.translate.chat.OpenAiStream;
import dev.aigateway.dataplane.translate.chat.Providers;
import dev.aigateway.dataplane.usage.TokenUsage;
import dev.aigateway.vocabulary.provider.ProviderSchema;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenAiAnthropicTranslatorTest {
  private static final RequestContext CONTEXT =
      Providers.context(ProviderSchema.ANTHROPIC, Map.of(), "claude-haiku-4-5");

  private static UpstreamRequest translate(String request) {
    return translate(json(request));
  }

  private static UpstreamRequest translate(com.fasterxml.jackson.databind.node.ObjectNode request) {
    return new OpenAiAnthropicTranslator().request(request, CONTEXT);
  }

  @Test
  void fullRequestBecomesAWellFormedMessagesRequest() throws Exception {
    UpstreamRequest upstream = translate(Providers.FULL_REQUEST);

    assertThat(upstream.path()).isEqualTo("/v1/messages");
    assertThat(upstream.headers()).containsEntry("anthropic-version", "2023-06-01");
    JsonNode body = tree(upstream.body());
    assertThat(body.path("model").asText()).isEqualTo("claude-haiku-4-5");
    assertThat(body.path("max_tokens").asLong()).isEqualTo(300);
    assertThat(body.path("temperature").decimalValue()).isEqualByComparingTo("0.5");
    assertThat(body.path("top_p").decimalValue()).isEqualByComparingTo("0.9");
    assertThat(body.path("stop_sequences").toString()).isEqualTo("[\"END\"]");
    assertThat(body.path("system").toString())
        .isEqualTo(
            "[{\"type\":\"text\",\"text\":\"Be brief.\"},{\"type\":\"text\",\"text\":\"Use tools.\"}]");
    JsonNode messages = body.path("messages");
    assertThat(messages).hasSize(3);
    assertThat(messages.get(0).path("content").get(1).toString())
        .isEqualTo(
            "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}}");
    JsonNode calls = messages.get(1).path("content");
    assertThat(calls.get(1).toString())
        .isEqualTo(
            "{\"type\":\"tool_use\",\"id\":\"call_2\",\"name\":\"get_weather\",\"input\":{\"city\":\"Rome\"}}");
    // both tool results and the next user text merge into one user turn, as Anthropic requires
    JsonNode results = messages.get(2).path("content");
    assertThat(messages.get(2).path("role").asText()).isEqualTo("user");
    assertThat(results).hasSize(3);
    assertThat(results.get(0).path("type").asText()).isEqualTo("tool_result");
    assertThat(results.get(1).path("tool_use_id").asText()).isEqualTo("call_2");
    assertThat(body.path("tools").get(0).path("input_schema").path("required").toString())
        .isEqualTo("[\"city\"]");
    assertThat(body.path("tool_choice").toString()).isEqualTo("{\"type\":\"auto\"}");

    // Parsed back with the official Anthropic Java SDK's request model.
    MessageCreateParams.Body parsed =
        ObjectMappers.jsonMapper().readValue(upstream.body(), MessageCreateParams.Body.class);
    parsed.validate();
    assertThat(parsed.maxTokens()).isEqualTo(300);
    assertThat(parsed.messages()).hasSize(3);
    assertThat(parsed.messages().get(1).content().asContentBlockParams().get(0).isToolUse())
        .isTrue();
    assertThat(parsed.messages().get(2).content().asContentBlockParams().get(0).isToolResult())
        .isTrue();
    assertThat(parsed.tools().orElseThrow().get(0).asTool().name()).isEqualTo("get_weather");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "'required'                                              | {\"type\":\"any\"}",
        "'none'                                                  | {\"type\":\"none\"}",
        "{'type':'function','function':{'name':'get_weather'}}   | {\"type\":\"tool\",\"name\":\"get_weather\"}",
      })
  void toolChoiceMapsToAnthropicsForm(String choice, String expected) {
    String request =
        "{'model':'m','messages':[{'role':'user','content':'hi'}],"
            + "'tools':[{'type':'function','function':{'name':'get_weather'}}],'tool_choice':"
            + choice
            + "}";
    assertThat(tree(translate(request).body()).path("tool_choice").toString()).isEqualTo(expected);
  }

  @Test
  void parallelToolCallsFalseDisablesParallelToolUse() {
    JsonNode body =
        tree(
            translate(
                    "{'model':'m','messages':[{'role':'user','content':'hi'}],'parallel_tool_calls':false,"
                        + "'tools':[{'type':'function','function':{'name':'f'}}]}")
                .body());
    assertThat(body.path("tool_choice").toString())
        .isEqualTo("{\"type\":\"auto\",\"disable_parallel_tool_use\":true}");
  }

  @Test
  void imageUrlsAndDefaultsAndUserAreTranslated() {
    JsonNode body =
        tree(
            translate(
                    "{'model':'m','user':'u-1','stream':true,'messages':[{'role':'user','content':[{'type':'image_url',"
                        + "'image_url':{'url':'https://example.com/a.png'}}]}]}")
                .body());
    assertThat(body.path("messages").get(0).path("content").get(0).toString())
        .isEqualTo(
            "{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"https://example.com/a.png\"}}");
    assertThat(body.path("max_tokens").asLong()).isEqualTo(AnthropicRequests.DEFAULT_MAX_TOKENS);
    assertThat(body.path("metadata").path("user_id").asText()).isEqualTo("u-1");
    assertThat(body.path("stream").asBoolean()).isTrue();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "'logprobs':true                  | logprobs",
        "'n':2                            | n",
        "'seed':7                         | seed",
        "'presence_penalty':0.5           | presence_penalty",
        "'audio':{'voice':'alloy'}        | audio",
        "'temperature':1.5                | temperature",
        "'response_format':{'type':'json_object'},'tools':[{'type':'function','function':{'name':'f'}}] | response_format",
      })
  void fieldsAnthropicCannotHonourAreRejectedByName(String field, String param) {
    assertThatThrownBy(
            () ->
                translate(
                    "{'model':'m','messages':[{'role':'user','content':'hi'}]," + field + "}"))
        .isInstanceOfSatisfying(
            TranslationException.class,
            e -> {
              assertThat(e.error().status()).isEqualTo(400);
              assertThat(e.error().param()).isEqualTo(param);
            });
  }

  @Test
  void audioContentPartIsRejectedWithItsPath() {
    assertThatThrownBy(
            () ->
                translate(
                    "{'model':'m','messages':[{'role':'user','content':[{'type':'input_audio',"
                        + "'input_audio':{'data':'AAA','format':'wav'}}]}]}"))
        .isInstanceOfSatisfying(
            TranslationException.class,
            e -> assertThat(e.error().param()).isEqualTo("messages[0].content[0].type"));
  }

  @Test
  void parallelToolUseReplyBecomesToolCalls() {
    JsonNode interaction =
        Fixtures.interaction(
            "anthropic-recordings/pydantic-ai/test_multiple_parallel_tool_calls.yaml", 0);
    OpenAiAnthropicTranslator translator = new OpenAiAnthropicTranslator();
    translator.request(json("{'model':'m','messages':[{'role':'user','content':'hi'}]}"), CONTEXT);
    assertThat(translator.startResponse(200, "application/json")).isFalse();
    BodyResult result = translator.responseBody(Fixtures.responseBody(interaction), true);

    JsonNode completion = tree(result.body());
    JsonNode message = completion.path("choices").get(0).path("message");
    assertThat(completion.path("object").asText()).isEqualTo("chat.completion");
    assertThat(message.path("content").asText())
        .startsWith("I'll help you find out who is the youngest");
    assertThat(message.path("tool_calls")).hasSize(4);
    assertThat(message.path("tool_calls").get(3).path("id").asText())
        .isEqualTo("toolu_013mnQZbgtK2oe3Mo3XKJsx3");
    assertThat(message.path("tool_calls").get(3).path("function").path("arguments").asText())
        .isEqualTo("{\"name\":\"Daisy\"}");
    assertThat(completion.path("choices").get(0).path("finish_reason").asText())
        .isEqualTo("tool_calls");
    assertThat(result.usage()).isEqualTo(new TokenUsage(423, 202, 0));
  }

  @Test
  void cacheReadsAndWritesCountAsPromptTokens() {
    JsonNode interaction =
        Fixtures.interaction(
            "anthropic-recordings/pydantic-ai/test_anthropic_cache_real_api.yaml", 1);
    OpenAiAnthropicTranslator translator = new OpenAiAnthropicTranslator();
    translator.request(json("{'model':'m','messages':[{'role':'user','content':'hi'}]}"), CONTEXT);
    BodyResult result = translator.responseBody(Fixtures.responseBody(interaction), true);

    // input 3 + cache read 1111 + cache write 418; 1111 of them cached
    assertThat(result.usage()).isEqualTo(new TokenUsage(1532, 33, 1111));
    assertThat(
            tree(result.body())
                .path("usage")
                .path("prompt_tokens_details")
                .path("cached_tokens")
                .asLong())
        .isEqualTo(1111);
  }

  @Test
  void jsonSchemaModeIsAForcedToolWhoseInputBecomesTheContent() {
    OpenAiAnthropicTranslator translator = new OpenAiAnthropicTranslator();
    JsonNode body =
        tree(
            translator
                .request(
                    json(
                        "{'model':'m','messages':[{'role':'user','content':'hi'}],'response_format':{'type':'json_schema',"
                            + "'json_schema':{'name':'json','schema':{'type':'object'}}}}"),
                    CONTEXT)
                .body());
    assertThat(body.path("tool_choice").toString())
        .isEqualTo("{\"type\":\"tool\",\"name\":\"json\"}");

    byte[] recorded =
        Fixtures.read("anthropic-recordings/vercel-ai/anthropic-json-tool.1.json").getBytes();
    JsonNode completion = tree(translator.responseBody(recorded, true).body());
    JsonNode choice = completion.path("choices").get(0);
    assertThat(choice.path("message").path("tool_calls").isMissingNode()).isTrue();
    assertThat(
            tree(choice.path("message").path("content").asText().getBytes())
                .path("elements")
                .isArray())
        .isTrue();
    assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
  }

  @Test
  void streamedTextAndTwoToolCallsBecomeOrderedChunks() {
    JsonNode interaction =
        Fixtures.interaction(
            "anthropic-recordings/openllmetry/test_anthropic_tools_streaming_legacy.yaml", 0);
    OpenAiAnthropicTranslator translator = new OpenAiAnthropicTranslator();
    translator.request(
        json(
            "{'model':'m','stream':true,'stream_options':{'include_usage':true},'messages':[{'role':'user','content':'hi'}]}"),
        CONTEXT);
    assertThat(translator.startResponse(200, "text/event-stream; charset=utf-8")).isTrue();
    TokenUsage[] usage = new TokenUsage[1];
    byte[] out =
        OpenAiStream.feedInPieces(
            Fixtures.responseBody(interaction),
            37,
            (piece, end) -> {
              BodyResult r = translator.responseBody(piece, end);
              if (r.usage() != null) {
                usage[0] = r.usage();
              }
              return r.body();
            });

    OpenAiStream stream = OpenAiStream.parse(out);
    assertThat(stream.content())
        .isEqualTo(
            "Certainly! I can help you with that information. To get the weather and current time in San Francisco, I'll need to use two separate functions. Let me fetch that data for you.");
    assertThat(stream.toolCalls()).hasSize(2);
    assertThat(stream.toolCall(0)[1]).isEqualTo("get_weather");
    assertThat(stream.toolCall(0)[2])
        .isEqualTo("{\"location\": \"San Francisco, CA\", \"unit\": \"celsius\"}");
    assertThat(stream.toolCall(1)[1]).isEqualTo("get_time");
    assertThat(stream.toolCall(1)[2]).isEqualTo("{\"timezone\": \"America/Los_Angeles\"}");
    assertThat(stream.finishReason()).isEqualTo("tool_calls");
    assertThat(stream.usage().path("prompt_tokens").asLong()).isEqualTo(506);
    assertThat(stream.usage().path("completion_tokens").asLong()).isEqualTo(153);
    assertThat(usage[0]).isEqualTo(new TokenUsage(506, 153, 0));
  }

  @Test
  void streamWithoutIncludeUsageHasNoUsageChunkButStillMetersUsage() {
    OpenAiAnthropicTranslator translator = new OpenAiAnthropicTranslator();
    translator.request(
        json("{'model':'m','stream':true,'messages':[{'role':'user','content':'hi'}]}"), CONTEXT);
    translator.startResponse(200, "text/event-stream");
    byte[] upstream =
        Providers.sseOfLines(
            Fixtures.read("anthropic-recordings/vercel-ai/anthropic-text.chunks.txt"));
    BodyResult result = translator.responseBody(upstream, true);

    OpenAiStream stream = OpenAiStream.parse(result.body());
    assertThat(stream.content()).startsWith("Hello!");
    assertThat(stream.finishReason()).isEqualTo("stop");
    assertThat(stream.usage()).isNull();
    assertThat(result.usage()).isEqualTo(new TokenUsage(12, 30, 0));
  }

  @Test
  void thinkingStreamPassesOnlyTheAnswerText() {
    JsonNode interaction =
        Fixtures.interaction(
            "anthropic-recordings/pydantic-ai/test_anthropic_model_thinking_part_stream.yaml", 0);
    OpenAiAnthropicTranslator translator = new OpenAiAnthropicTranslator();
    translator.request(
        json("{'model':'m','stream':true,'messages':[{'role':'user','content':'hi'}]}"), CONTEXT);
    translator.startResponse(200, "text/event-stream");
    OpenAiStream stream =
        OpenAiStream.parse(
            translator.responseBody(Fixtures.responseBody(interaction), true).body());
    assertThat(stream.content()).isNotEmpty();
    assertThat(stream.toolCalls()).isEmpty();
    assertThat(stream.finishReason()).isEqualTo("stop");
  }

  @ParameterizedTest
  @CsvSource({
    "anthropic-recordings/pydantic-ai/test_model_name_suggestion-anthropic.yaml, 404, not_found_error",
    "anthropic-recordings/pydantic-ai/test_anthropic_explicit_effort_xhigh_unsupported_model_errors.yaml, 400, invalid_request_error",
  })
  void providerErrorsBecomeOpenAiErrors(String cassette, int status, String type) {
    JsonNode interaction = Fixtures.interaction(cassette, 0);
    assertThat(Fixtures.status(interaction)).isEqualTo(status);
    JsonNode error =
        tree(new OpenAiAnthropicTranslator()
                .responseError(status, "application/json", Fixtures.responseBody(interaction)))
            .path("error");
    assertThat(error.path("type").asText()).isEqualTo(type);
    assertThat(error.path("message").asText()).isNotBlank();
    assertThat(error.has("param")).isTrue();
  }

  @Test
  void errorEventMidStreamEndsTheStreamWithAnOpenAiError() {
    // The error event as Anthropic's streaming documentation shows it.
    OpenAiAnthropicTranslator translator = new OpenAiAnthropicTranslator();
    translator.request(
        json("{'model':'m','stream':true,'messages':[{'role':'user','content':'hi'}]}"), CONTEXT);
    translator.startResponse(200, "text/event-stream");
    String upstream =
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude\",\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}\n\n"
            + "event: error\ndata: {\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}\n\n";
    String out = new String(translator.responseBody(upstream.getBytes(), true).body());

    assertThat(out).startsWith("data: {").endsWith("data: [DONE]\n\n");
    String[] events = out.split("\n\n");
    JsonNode error = tree(events[events.length - 2].substring(6).getBytes()).path("error");
    assertThat(error.path("message").asText()).isEqualTo("Overloaded");
    assertThat(error.path("code").asText()).isEqualTo("overloaded_error");
  }

  /**
   * The feature table: one row per OpenAI request feature, the fields that ask for it, and where it
   * must land in the Messages request. Every translated body is also parsed and validated with the
   * official Anthropic Java SDK's request model.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "system and developer messages | 'messages':[{'role':'system','content':'A'},{'role':'developer','content':'B'},{'role':'user','content':'hi'}] | /system = [{'type':'text','text':'A'},{'type':'text','text':'B'}]; /messages/0/role = 'user'",
        "multi-turn history            | 'messages':[{'role':'user','content':'hi'},{'role':'assistant','content':'hello'},{'role':'user','content':'again'}] | /messages/1 = {'role':'assistant','content':[{'type':'text','text':'hello'}]}; /messages/2/content/0/text = 'again'",
        "tool definitions              | 'tools':[{'type':'function','function':{'name':'f','description':'d','parameters':{'type':'object'}}}] | /tools/0 = {'name':'f','description':'d','input_schema':{'type':'object'}}; /tool_choice = MISSING",
        "tool choice required          | 'tools':[{'type':'function','function':{'name':'f'}}],'tool_choice':'required' | /tool_choice = {'type':'any'}",
        "parallel tool calls, results  | 'messages':[{'role':'user','content':'hi'},{'role':'assistant','tool_calls':[{'id':'c1','type':'function','function':{'name':'f','arguments':'{}'}},{'id':'c2','type':'function','function':{'name':'f','arguments':'{\\'a\\':1}'}}]},{'role':'tool','tool_call_id':'c1','content':'r1'},{'role':'tool','tool_call_id':'c2','content':'r2'}] | /messages/1/content/1 = {'type':'tool_use','id':'c2','name':'f','input':{'a':1}}; /messages/2/content/1 = {'type':'tool_result','tool_use_id':'c2','content':'r2'}",
        "base64 image                  | 'messages':[{'role':'user','content':[{'type':'image_url','image_url':{'url':'data:image/jpeg;base64,/9j/'}}]}] | /messages/0/content/0/source = {'type':'base64','media_type':'image/jpeg','data':'/9j/'}",
        "image URL                     | 'messages':[{'role':'user','content':[{'type':'image_url','image_url':{'url':'https://example.com/a.png'}}]}] | /messages/0/content/0/source = {'type':'url','url':'https://example.com/a.png'}",
        "json mode                     | 'response_format':{'type':'json_object'} | /tool_choice = {'type':'tool','name':'json_response'}; /tools/0/input_schema = {'type':'object'}",
        "json schema                   | 'response_format':{'type':'json_schema','json_schema':{'name':'person','schema':{'type':'object','properties':{'n':{'type':'string'}}}}} | /tools/0/name = 'person'; /tools/0/input_schema/properties/n = {'type':'string'}",
        "stop as a string              | 'stop':'END' | /stop_sequences = ['END']",
        "max_tokens (deprecated name)  | 'max_tokens':50 | /max_tokens = 50",
        "max_completion_tokens wins    | 'max_tokens':50,'max_completion_tokens':70 | /max_tokens = 70",
        "temperature and top_p         | 'temperature':0.2,'top_p':0.8 | /temperature = 0.2; /top_p = 0.8",
        "reasoning_effort low          | 'reasoning_effort':'low' | /thinking = {'type':'enabled','budget_tokens':2048}; /max_tokens = 6144",
        "reasoning_effort with a limit | 'reasoning_effort':'medium','max_completion_tokens':10000 | /thinking/budget_tokens = 8192; /max_tokens = 10000",
        "reasoning_effort minimal      | 'reasoning_effort':'minimal','temperature':1,'top_p':0.95 | /thinking/budget_tokens = 1024; /temperature = 1",
        "reasoning_effort none         | 'reasoning_effort':'none' | /thinking = MISSING; /max_tokens = 4096",
        "reasoning with tool choice    | 'reasoning_effort':'high','tools':[{'type':'function','function':{'name':'f'}}],'tool_choice':'auto' | /thinking/budget_tokens = 24576; /tool_choice = {'type':'auto'}",
        "user                          | 'user':'u-7' | /metadata/user_id = 'u-7'",
      })
  void requestFeatureTable(String feature, String fields, String expected) throws Exception {
    String messages =
        fields.contains("'messages'") ? "" : "'messages':[{'role':'user','content':'hi'}],";
    UpstreamRequest upstream = translate("{'model':'m'," + messages + fields + "}");

    Expect.of(expected).check(tree(upstream.body()));
    MessageCreateParams.Body parsed =
        ObjectMappers.jsonMapper().readValue(upstream.body(), MessageCreateParams.Body.class);
    parsed.validate();
    if (fields.contains("reasoning_effort") && !fields.contains("'none'")) {
      assertThat(parsed.thinking().orElseThrow().isEnabled()).isTrue();
    }
  }

  /** Reasoning constraints Anthropic documents for extended thinking, each a 400 naming a field. */
  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "'reasoning_effort':'low','temperature':0.5                       | temperature",
        "'reasoning_effort':'low','top_p':0.5                             | top_p",
        "'reasoning_effort':'low','response_format':{'type':'json_object'} | response_format",
        "'reasoning_effort':'low','tools':[{'type':'function','function':{'name':'f'}}],'tool_choice':'required' | tool_choice",
        "'reasoning_effort':'high','max_completion_tokens':1000            | max_completion_tokens",
        "'reasoning_effort':'low','max_tokens':2048                        | max_tokens",
        "'reasoning_effort':'extreme'                                      | reasoning_effort",
      })
  void reasoningConstraintsAreRejectedByName(String fields, String param) {
    assertThatThrownBy(
            () ->
                translate(
                    "{'model':'m','messages':[{'role':'user','content':'hi'}]," + fields + "}"))
        .isInstanceOfSatisfying(
            TranslationException.class,
            e -> {
              assertThat(e.error().status()).isEqualTo(400);
              assertThat(e.error().param()).isEqualTo(param);
              assertThat(e.error().message()).contains(param);
            });
  }

  /**
   * Recorded buffered replies: finish reason, usage in OpenAI's terms (cache reads and writes in
   * the prompt count) and what the gateway meters.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "pydantic-ai/test_anthropic_model_instructions.yaml#0      | /choices/0/finish_reason = 'stop'; /choices/0/message/tool_calls = MISSING",
        "pydantic-ai/test_multiple_parallel_tool_calls.yaml#0      | /choices/0/finish_reason = 'tool_calls'; /choices/0/message/tool_calls/1/type = 'function'",
        "pydantic-ai/test_anthropic_tool_with_thinking.yaml#0      | /choices/0/finish_reason = 'tool_calls'; /choices/0/message/tool_calls/0/function/name = 'get_user_country'",
        "pydantic-ai/test_anthropic_model_thinking_part.yaml#0     | /choices/0/finish_reason = 'stop'; /choices/0/message/role = 'assistant'",
        "pydantic-ai/test_anthropic_cache_real_api.yaml#1          | /usage/prompt_tokens = 1532; /usage/prompt_tokens_details/cached_tokens = 1111",
      })
  void recordedRepliesBecomeChatCompletions(String source, String expected) {
    String[] at = source.split("#");
    JsonNode interaction =
        Fixtures.interaction("anthropic-recordings/" + at[0], Integer.parseInt(at[1]));
    OpenAiAnthropicTranslator translator = new OpenAiAnthropicTranslator();
    translator.request(json("{'model':'m','messages':[{'role':'user','content':'hi'}]}"), CONTEXT);
    assertThat(translator.startResponse(200, "application/json")).isFalse();
    BodyResult result = translator.responseBody(Fixtures.responseBody(interaction), true);

    assertThat(result.error()).isNull();
    JsonNode completion = tree(result.body());
    Expect.of(expected).check(completion);
    // what the gateway meters is what the client is told
    assertThat(result.usage().inputTokens())
        .isEqualTo(completion.path("usage").path("prompt_tokens").asLong());
    assertThat(result.usage().outputTokens())
        .isPositive()
        .isEqualTo(completion.path("usage").path("completion_tokens").asLong());
  }

  /**
   * Error bodies as Anthropic's errors reference documents them: the status stays, the body is
   * OpenAI's error shape with Anthropic's type kept as the code.
   */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "429 | rate_limit_error      | rate_limit_error",
        "529 | overloaded_error      | server_error",
        "500 | api_error             | server_error",
        "401 | authentication_error  | authentication_error",
        "413 | request_too_large     | request_too_large",
      })
  void documentedErrorsKeepTheirStatusAndType(int status, String anthropicType, String openAiType) {
    byte[] body =
        ("{\"type\":\"error\",\"error\":{\"type\":\"" + anthropicType + "\",\"message\":\"m\"}}")
            .getBytes();
    OpenAiAnthropicTranslator translator = new OpenAiAnthropicTranslator();
    assertThat(translator.startResponse(status, "application/json")).isFalse();
    JsonNode error = tree(translator.responseError(status, "application/json", body)).path("error");
    assertThat(error.path("type").asText()).isEqualTo(openAiType);
    assertThat(error.path("code").asText()).isEqualTo(anthropicType);
    assertThat(error.path("message").asText()).isEqualTo("m");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"<html>proxy</html>", "{\"type\":\"error\",\"error\":{\"type\":\"api_error\"}}"})
  void a2xxBodyThatIsNoMessageBecomesA502NotA200(String body) {
    OpenAiAnthropicTranslator translator = new OpenAiAnthropicTranslator();
    translator.request(json("{'model':'m','messages':[{'role':'user','content':'hi'}]}"), CONTEXT);
    translator.startResponse(200, "application/json");
    BodyResult result = translator.responseBody(body.getBytes(), true);
    assertThat(result.error()).isNotNull();
    assertThat(result.error().status()).isEqualTo(502);
    assertThat(tree(result.body()).path("error").path("code").asText()).isEqualTo("bad_gateway");
  }

  /**
   * Recorded Anthropic SSE streams, fed in small pieces: the OpenAI ordering is checked by
   * OpenAiStream.parse; content, tool calls, finish reason and the metered usage by the row.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "pydantic-ai/test_request_stream_fallback_for_high_max_tokens.yaml#0 | none | stop       | 0",
        "pydantic-ai/test_anthropic_model_thinking_part_redacted_stream.yaml#0 | none | stop     | 0",
        "openllmetry/test_anthropic_message_streaming_legacy.yaml#0        | none | stop       | 0",
        "openllmetry/test_anthropic_tools_streaming_legacy.yaml#0          | none | tool_calls | 2",
        "openllmetry/test_anthropic_prompt_caching_stream_legacy.yaml#1    | none | stop       | 0",
        "vercel-ai/anthropic-tool-no-args.chunks.txt                       | none | tool_calls | 1",
        "vercel-ai/anthropic-json-tool.1.chunks.txt                        | json | stop       | 0",
      })
  void recordedStreamsBecomeOrderedChunksWithUsage(
      String source, String format, String finish, int toolCalls) {
    byte[] upstream =
        source.endsWith(".txt")
            ? Providers.sseOfLines(Fixtures.read("anthropic-recordings/" + source))
            : Fixtures.responseBody(
                Fixtures.interaction(
                    "anthropic-recordings/" + source.split("#")[0],
                    Integer.parseInt(source.split("#")[1])));
    OpenAiAnthropicTranslator translator = new OpenAiAnthropicTranslator();
    translator.request(
        json(
            "{'model':'m','stream':true,'stream_options':{'include_usage':true},"
                + "'messages':[{'role':'user','content':'hi'}]"
                + (format.equals("json")
                    ? ",'response_format':{'type':'json_schema','json_schema':{'name':'json','schema':{'type':'object'}}}"
                    : "")
                + "}"),
        CONTEXT);
    assertThat(translator.startResponse(200, "text/event-stream; charset=utf-8")).isTrue();
    TokenUsage[] usage = new TokenUsage[1];
    byte[] out =
        OpenAiStream.feedInPieces(
            upstream,
            23,
            (piece, end) -> {
              BodyResult r = translator.responseBody(piece, end);
              if (r.usage() != null) {
                usage[0] = r.usage();
              }
              return r.body();
            });
    OpenAiStream stream = OpenAiStream.parse(out);
    assertThat(stream.finishReason()).isEqualTo(finish);
    assertThat(stream.toolCalls()).hasSize(toolCalls);
    for (String[] call : stream.toolCalls().values()) {
      assertThat(call[2].isEmpty() || tree(call[2].getBytes()).isObject()).isTrue();
    }
    if (format.equals("json")) {
      assertThat(tree(stream.content().getBytes()).isObject()).isTrue();
    }
    assertThat(usage[0].outputTokens()).isPositive();
    assertThat(stream.usage().path("prompt_tokens").asLong()).isEqualTo(usage[0].inputTokens());
    assertThat(stream.usage().path("prompt_tokens_details").path("cached_tokens").asLong())
        .isEqualTo(usage[0].cachedInputTokens());
  }

  /**
   * With reasoning_effort, Claude needs the turn's thinking block back with the tool results. The
   * block rides in the tool call id, and the follow-up the OpenAI client sends (its assistant
   * message echoed as received) becomes exactly the assistant turn recorded in the same
   * conversation's follow-up request.
   */
  @Test
  void thinkingBlockComesBackWhereClaudeRequiresItInTheToolLoop() throws Exception {
    String cassette = "anthropic-recordings/pydantic-ai/test_anthropic_tool_with_thinking.yaml";
    String question = "What is the largest city in the user country?";
    OpenAiAnthropicTranslator first = new OpenAiAnthropicTranslator();
    first.request(
        json(
            "{'model':'m','reasoning_effort':'low','messages':[{'role':'user','content':'"
                + question
                + "'}]}"),
        CONTEXT);
    JsonNode message =
        tree(first
                .responseBody(Fixtures.responseBody(Fixtures.interaction(cassette, 0)), true)
                .body())
            .at("/choices/0/message");
    String id = message.at("/tool_calls/0/id").asText();
    assertThat(id).startsWith("toolu_01YGzqpRE16Vricda3Aqcejo.th.");

    UpstreamRequest followUp = translate(followUp(question, message, id, "Mexico"));

    JsonNode recorded = Fixtures.requestBody(Fixtures.interaction(cassette, 1));
    JsonNode ours = tree(followUp.body());
    assertThat(ours.at("/messages/1")).isEqualTo(recorded.at("/messages/1"));
    assertThat(ours.at("/messages/2/content/0/tool_use_id"))
        .isEqualTo(recorded.at("/messages/2/content/0/tool_use_id"));
    MessageCreateParams.Body parsed =
        ObjectMappers.jsonMapper().readValue(followUp.body(), MessageCreateParams.Body.class);
    parsed.validate();
    assertThat(parsed.messages().get(1).content().asContentBlockParams().get(0).isThinking())
        .isTrue();
  }

  /**
   * The same conversation streamed: the recorded thinking block and tool call sent as Anthropic's
   * streaming reference shows them (thinking_delta and signature_delta fragments), fed in pieces.
   */
  @Test
  void streamedThinkingBlockIsRebuiltFromItsDeltasAndCarried() {
    String cassette = "anthropic-recordings/pydantic-ai/test_anthropic_tool_with_thinking.yaml";
    JsonNode recorded = tree(Fixtures.responseBody(Fixtures.interaction(cassette, 0)));
    JsonNode thinkingBlock = recorded.path("content").get(0);
    String text = thinkingBlock.path("thinking").asText();
    String signature = thinkingBlock.path("signature").asText();
    StringBuilder sse = new StringBuilder();
    sse.append(
        event(
            "{'type':'message_start','message':{'id':'msg_1','model':'claude','usage':{'input_tokens':5,'output_tokens':1}}}"));
    sse.append(
        event(
            "{'type':'content_block_start','index':0,'content_block':{'type':'thinking','thinking':'','signature':''}}"));
    for (int at = 0; at < text.length(); at += 40) {
      sse.append(
          "event: content_block_delta\ndata: "
              + Json.MAPPER
                  .createObjectNode()
                  .put("type", "content_block_delta")
                  .put("index", 0)
                  .set(
                      "delta",
                      Json.MAPPER
                          .createObjectNode()
                          .put("type", "thinking_delta")
                          .put("thinking", text.substring(at, Math.min(text.length(), at + 40))))
              + "\n\n");
    }
    sse.append(
        event(
            "{'type':'content_block_delta','index':0,'delta':{'type':'signature_delta','signature':'"
                + signature
                + "'}}"));
    sse.append(event("{'type':'content_block_stop','index':0}"));
    sse.append(
        event(
            "{'type':'content_block_start','index':1,'content_block':{'type':'tool_use','id':'toolu_01YGzqpRE16Vricda3Aqcejo','name':'get_user_country','input':{}}}"));
    sse.append(
        event(
            "{'type':'content_block_delta','index':1,'delta':{'type':'input_json_delta','partial_json':'{}'}}"));
    sse.append(event("{'type':'content_block_stop','index':1}"));
    sse.append(
        event(
            "{'type':'message_delta','delta':{'stop_reason':'tool_use'},'usage':{'output_tokens':90}}"));
    sse.append(event("{'type':'message_stop'}"));
    OpenAiAnthropicTranslator translator = new OpenAiAnthropicTranslator();
    translator.request(
        json(
            "{'model':'m','stream':true,'reasoning_effort':'low','messages':[{'role':'user','content':'hi'}]}"),
        CONTEXT);
    translator.startResponse(200, "text/event-stream");
    OpenAiStream stream =
        OpenAiStream.parse(
            OpenAiStream.feedInPieces(
                sse.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                31,
                (piece, end) -> translator.responseBody(piece, end).body()));
    String id = stream.toolCall(0)[0];

    JsonNode followUp =
        tree(
            translate(
                    followUp(
                        "hi",
                        json(
                            "{'role':'assistant','content':null,'tool_calls':[{'id':'"
                                + id
                                + "','type':'function','function':{'name':'get_user_country','arguments':'{}'}}]}"),
                        id,
                        "Mexico"))
                .body());
    JsonNode turn = followUp.at("/messages/1/content");
    assertThat(turn.get(0)).isEqualTo(thinkingBlock);
    assertThat(turn.get(1).path("id").asText()).isEqualTo("toolu_01YGzqpRE16Vricda3Aqcejo");
    assertThat(followUp.at("/messages/2/content/0/tool_use_id").asText())
        .isEqualTo("toolu_01YGzqpRE16Vricda3Aqcejo");
  }

  /** Ids whose carried part is not JSON, or carries blocks other than thinking, are refused. */
  @ParameterizedTest
  @CsvSource({
    "bm90IGpzb24", // "not json"
    "W3sidHlwZSI6ImltYWdlIiwic291cmNlIjp7InR5cGUiOiJ1cmwiLCJ1cmwiOiJodHRwczovL3gifX1d", // an image
  })
  void aToolCallIdWhoseCarriedBlocksWereChangedIsA400(String carried) {
    String id = "toolu_1.th." + carried;
    assertThatThrownBy(
            () ->
                translate(
                    followUp(
                        "hi",
                        json(
                            "{'role':'assistant','tool_calls':[{'id':'"
                                + id
                                + "','type':'function','function':{'name':'f','arguments':'{}'}}]}"),
                        id,
                        "r")))
        .isInstanceOfSatisfying(
            TranslationException.class, e -> assertThat(e.error().param()).isEqualTo("messages"));
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode followUp(
      String question, JsonNode assistant, String id, String result) {
    com.fasterxml.jackson.databind.node.ObjectNode body =
        json(
            "{'model':'m','reasoning_effort':'low','messages':[{'role':'user','content':'"
                + question
                + "'}]}");
    com.fasterxml.jackson.databind.node.ArrayNode messages =
        (com.fasterxml.jackson.databind.node.ArrayNode) body.get("messages");
    messages.add(assistant);
    messages.addObject().put("role", "tool").put("tool_call_id", id).put("content", result);
    return body;
  }

  private static String event(String json) {
    JsonNode node = json(json);
    return "event: " + node.path("type").asText() + "\ndata: " + node + "\n\n";
  }
}
