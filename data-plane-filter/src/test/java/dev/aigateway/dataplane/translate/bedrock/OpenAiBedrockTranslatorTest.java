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
import dev.aigateway.dataplane.translate.chat.Expect;
import dev.aigateway.dataplane.translate.chat.Fixtures;
import dev.aigateway.dataplane.translate.chat.OpenAiStream;
import dev.aigateway.dataplane.translate.chat.Providers;
import dev.aigateway.dataplane.usage.TokenUsage;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.eventstream.HeaderValue;
import software.amazon.awssdk.eventstream.Message;

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
        "'logit_bias':{'50256':-100}             | logit_bias",
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

  /**
   * The feature table: one row per OpenAI request feature and where it must land in the Converse
   * request (BedrockSdkRequestTest proves the same shapes equal what the AWS SDK sends).
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "system and developer messages | 'messages':[{'role':'system','content':'A'},{'role':'developer','content':'B'},{'role':'user','content':'hi'}] | /system = [{'text':'A'},{'text':'B'}]; /messages/0/role = 'user'",
        "multi-turn history            | 'messages':[{'role':'user','content':'hi'},{'role':'assistant','content':'hello'},{'role':'user','content':'again'}] | /messages/1 = {'role':'assistant','content':[{'text':'hello'}]}; /messages/2/content/0/text = 'again'",
        "tool definitions              | 'tools':[{'type':'function','function':{'name':'f','description':'d','parameters':{'type':'object'}}}] | /toolConfig/tools/0/toolSpec = {'name':'f','description':'d','inputSchema':{'json':{'type':'object'}}}; /toolConfig/toolChoice = MISSING",
        "tool choice required          | 'tools':[{'type':'function','function':{'name':'f'}}],'tool_choice':'required' | /toolConfig/toolChoice = {'any':{}}",
        "tool choice named             | 'tools':[{'type':'function','function':{'name':'f'}}],'tool_choice':{'type':'function','function':{'name':'f'}} | /toolConfig/toolChoice = {'tool':{'name':'f'}}",
        "parallel tool calls, results  | 'messages':[{'role':'user','content':'hi'},{'role':'assistant','tool_calls':[{'id':'c1','type':'function','function':{'name':'f','arguments':'{}'}},{'id':'c2','type':'function','function':{'name':'f','arguments':'{\\'a\\':1}'}}]},{'role':'tool','tool_call_id':'c1','content':'r1'},{'role':'tool','tool_call_id':'c2','content':'r2'}] | /messages/1/content/1 = {'toolUse':{'toolUseId':'c2','name':'f','input':{'a':1}}}; /messages/2/content/1 = {'toolResult':{'toolUseId':'c2','content':[{'text':'r2'}]}}",
        "base64 image                  | 'messages':[{'role':'user','content':[{'type':'image_url','image_url':{'url':'data:image/webp;base64,UklG'}}]}] | /messages/0/content/0 = {'image':{'format':'webp','source':{'bytes':'UklG'}}}",
        "json mode                     | 'response_format':{'type':'json_object'} | /toolConfig/toolChoice = {'tool':{'name':'json_response'}}; /toolConfig/tools/0/toolSpec/inputSchema/json = {'type':'object'}",
        "json schema                   | 'response_format':{'type':'json_schema','json_schema':{'name':'person','schema':{'type':'object'}}} | /toolConfig/tools/0/toolSpec/name = 'person'",
        "stop as a string              | 'stop':'END' | /inferenceConfig/stopSequences = ['END']",
        "max_tokens (deprecated name)  | 'max_tokens':50 | /inferenceConfig/maxTokens = 50",
        "temperature and top_p         | 'temperature':0.2,'top_p':0.8 | /inferenceConfig = {'temperature':0.2,'topP':0.8}",
        "reasoning_effort on Claude    | 'reasoning_effort':'low' | /additionalModelRequestFields = {'thinking':{'type':'enabled','budget_tokens':2048}}; /inferenceConfig/maxTokens = 6144",
        "reasoning_effort with a limit | 'reasoning_effort':'medium','max_completion_tokens':9000 | /additionalModelRequestFields/thinking/budget_tokens = 8192; /inferenceConfig/maxTokens = 9000",
        "reasoning_effort none         | 'reasoning_effort':'none' | /additionalModelRequestFields = MISSING; /inferenceConfig = MISSING",
      })
  void requestFeatureTable(String feature, String fields, String expected) {
    String messages = fields.contains("'messages'") ? "" : HI + ",";
    UpstreamRequest upstream =
        new OpenAiBedrockTranslator()
            .request(json("{'model':'m'," + messages + fields + "}"), CONTEXT);
    JsonNode ours = tree(upstream.body());
    Expect.of(expected).check(ours);
    // read into the AWS SDK's ConverseRequest model and sent by its client: nothing may be lost
    JsonNode sdk = ConverseSdk.resend(upstream.body(), CONTEXT.upstreamModel());
    assertThat(ours.equals(BedrockSdkRequestTest.NUMBERS_BY_VALUE, sdk))
        .as("ours %s%nSDK  %s", ours, sdk)
        .isTrue();
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "amazon.nova-micro-v1:0                     | 'reasoning_effort':'low'                         | reasoning_effort",
        "us.anthropic.claude-sonnet-4-5-v1:0        | 'reasoning_effort':'low','temperature':0.3      | temperature",
        "us.anthropic.claude-sonnet-4-5-v1:0        | 'reasoning_effort':'high','max_tokens':4000     | max_tokens",
        "us.anthropic.claude-sonnet-4-5-v1:0        | 'reasoning_effort':'low','response_format':{'type':'json_object'} | response_format",
      })
  void reasoningThatBedrockCannotHonourIsRejectedByName(String model, String fields, String param) {
    RequestContext context =
        Providers.context(ProviderSchema.AWS_BEDROCK, Map.of("region", "us-east-1"), model);
    assertThatThrownBy(
            () ->
                new OpenAiBedrockTranslator()
                    .request(json("{'model':'m'," + HI + "," + fields + "}"), context))
        .isInstanceOfSatisfying(
            TranslationException.class,
            e -> {
              assertThat(e.error().status()).isEqualTo(400);
              assertThat(e.error().param()).isEqualTo(param);
            });
  }

  /** Recorded Converse replies (buffered): finish reason, tool calls, usage, reasoning left out. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "pydantic-ai/test_bedrock_model.yaml#0                         | /choices/0/finish_reason = 'stop'; /choices/0/message/tool_calls = MISSING",
        "pydantic-ai/test_bedrock_model_max_tokens.yaml#0              | /choices/0/finish_reason = 'length'",
        "pydantic-ai/test_bedrock_model_structured_output.yaml#0       | /choices/0/finish_reason = 'tool_calls'; /choices/0/message/tool_calls/0/type = 'function'",
        "pydantic-ai/test_bedrock_model_thinking_part_anthropic.yaml#0 | /choices/0/finish_reason = 'stop'; /choices/0/message/role = 'assistant'",
        "opentelemetry-python-contrib/test_converse_tool_call_with_content.yaml#0 | /choices/0/finish_reason = 'tool_calls'; /choices/0/message/tool_calls/1/type = 'function'",
      })
  void recordedRepliesBecomeChatCompletions(String source, String expected) {
    String[] at = source.split("#");
    JsonNode interaction =
        Fixtures.interaction("bedrock-recordings/" + at[0], Integer.parseInt(at[1]));
    OpenAiBedrockTranslator t = translator("{'model':'m'," + HI + "}");
    assertThat(t.startResponse(200, "application/json")).isFalse();
    BodyResult result = t.responseBody(Fixtures.responseBody(interaction), true);

    assertThat(result.error()).isNull();
    JsonNode completion = tree(result.body());
    Expect.of(expected).check(completion);
    assertThat(completion.path("object").asText()).isEqualTo("chat.completion");
    assertThat(result.usage().outputTokens())
        .isPositive()
        .isEqualTo(completion.path("usage").path("completion_tokens").asLong());
  }

  /** Recorded ConverseStream bytes: ordering is checked by OpenAiStream.parse. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "pydantic-ai/test_bedrock_model_iter_stream.yaml                        | tool_calls | 1",
        "opentelemetry-python-contrib/test_converse_stream_with_content_tool_call.yaml | tool_calls | 2",
        "openllmetry/test_anthropic_converse_stream_with_tool_use.yaml          | tool_calls | 1",
        "pydantic-ai/test_bedrock_model_thinking_part_redacted_stream.yaml      | stop       | 0",
        "pydantic-ai/test_bedrock_model_stream.yaml                             | stop       | 0",
      })
  void recordedEventStreamsBecomeOrderedChunksWithUsage(
      String cassette, String finish, int toolCalls) {
    JsonNode interaction = Fixtures.interaction("bedrock-recordings/" + cassette, 0);
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
    assertThat(stream.finishReason()).isEqualTo(finish);
    assertThat(stream.toolCalls()).hasSize(toolCalls);
    for (String[] call : stream.toolCalls().values()) {
      assertThat(tree(call[2].getBytes()).isObject()).as("arguments are JSON").isTrue();
    }
    assertThat(stream.usage().path("completion_tokens").asLong())
        .isEqualTo(usage[0].outputTokens());
    assertThat(usage[0].outputTokens()).isPositive();
  }

  /** Exceptions inside a ConverseStream, with the statuses Bedrock's API reference gives them. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "throttlingException, rate_limit_error, ThrottlingException",
    "validationException, invalid_request_error, ValidationException",
    "serviceUnavailableException, server_error, ServiceUnavailableException",
    "modelStreamErrorException, server_error, ModelErrorException",
    "internalServerException, server_error, InternalServerException",
  })
  void exceptionEventsEndTheStreamWithAnOpenAiError(String exception, String type, String code) {
    Map<String, HeaderValue> headers = new LinkedHashMap<>();
    headers.put(":message-type", HeaderValue.fromString("exception"));
    headers.put(":exception-type", HeaderValue.fromString(exception));
    headers.put(":content-type", HeaderValue.fromString("application/json"));
    byte[] frame = new Message(headers, "{\"message\":\"boom\"}".getBytes()).toByteBuffer().array();
    OpenAiBedrockTranslator t = translator("{'model':'m','stream':true," + HI + "}");
    t.startResponse(200, OpenAiBedrockTranslator.EVENT_STREAM);
    String out = new String(t.responseBody(frame, true).body());

    assertThat(out).startsWith("data: {").endsWith("data: [DONE]\n\n");
    String[] events = out.split("\n\n");
    JsonNode error = tree(events[events.length - 2].substring(6).getBytes()).path("error");
    assertThat(error.path("type").asText()).isEqualTo(type);
    assertThat(error.path("code").asText()).isEqualTo(code);
    assertThat(error.path("message").asText()).isEqualTo("boom");
  }

  /** Buffered errors as Bedrock's Converse API reference lists them keep their status. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "429, rate_limit_error, ThrottlingException",
    "400, invalid_request_error, ValidationException",
    "403, permission_error, AccessDeniedException",
    "408, server_error, ModelTimeoutException",
    "503, server_error, ServiceUnavailableException",
  })
  void bufferedErrorsBecomeOpenAiErrors(int status, String type, String code) {
    OpenAiBedrockTranslator t = translator("{'model':'m'," + HI + "}");
    assertThat(t.startResponse(status, "application/json")).isFalse();
    JsonNode error =
        tree(t.responseError(status, "application/json", "{\"message\":\"nope\"}".getBytes()))
            .path("error");
    assertThat(error.path("type").asText()).isEqualTo(type);
    assertThat(error.path("code").asText()).isEqualTo(code);
    assertThat(error.path("message").asText()).isEqualTo("nope");
  }

  @Test
  void a2xxBodyThatIsNoConverseAnswerBecomesA502NotA200() {
    OpenAiBedrockTranslator t = translator("{'model':'m'," + HI + "}");
    t.startResponse(200, "application/json");
    BodyResult result = t.responseBody("{\"Output\":{\"__type\":\"x\"}}".getBytes(), true);
    assertThat(result.error().status()).isEqualTo(502);
    assertThat(result.usage()).isNull();
  }

  /**
   * With reasoning_effort on Claude, the turn's reasoningContent goes back with the tool results:
   * the recorded reasoning block (before a tool call) rides in the tool call id and opens the
   * assistant turn of the follow-up, which the AWS SDK reads back unchanged.
   */
  @Test
  void reasoningBlockComesBackBeforeTheToolCallInTheToolLoop() {
    com.fasterxml.jackson.databind.node.ObjectNode recorded =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            tree(
                Fixtures.read("bedrock-recordings/vercel-ai/amazon-bedrock-reasoning.json")
                    .getBytes());
    JsonNode reasoning = recorded.at("/output/message/content/0");
    assertThat(reasoning.has("reasoningContent")).isTrue();
    com.fasterxml.jackson.databind.node.ArrayNode content =
        (com.fasterxml.jackson.databind.node.ArrayNode) recorded.at("/output/message/content");
    content
        .addObject()
        .putObject("toolUse")
        .put("toolUseId", "tooluse_abc-1")
        .put("name", "count")
        .putObject("input")
        .put("letter", "r");
    recorded.put("stopReason", "tool_use");
    OpenAiBedrockTranslator first = translator("{'model':'m','reasoning_effort':'low'," + HI + "}");
    JsonNode message =
        tree(first.responseBody(recorded.toString().getBytes(), true).body())
            .at("/choices/0/message");
    String id = message.at("/tool_calls/0/id").asText();
    assertThat(id).startsWith("tooluse_abc-1.th.");

    UpstreamRequest followUp =
        new OpenAiBedrockTranslator().request(followUp(message, id), CONTEXT);

    JsonNode ours = tree(followUp.body());
    assertThat(ours.at("/messages/1/content/0")).isEqualTo(reasoning);
    assertThat(ours.at("/messages/1/content/2/toolUse/toolUseId").asText())
        .isEqualTo("tooluse_abc-1");
    assertThat(ours.at("/messages/2/content/0/toolResult/toolUseId").asText())
        .isEqualTo("tooluse_abc-1");
    JsonNode sdk = ConverseSdk.resend(followUp.body(), CONTEXT.upstreamModel());
    assertThat(ours.equals(BedrockSdkRequestTest.NUMBERS_BY_VALUE, sdk))
        .as("ours %s%nSDK  %s", ours, sdk)
        .isTrue();
  }

  /** The recorded reasoning stream (decoded events, re-framed) followed by a tool call. */
  @Test
  void streamedReasoningIsRebuiltFromItsDeltasAndCarried() {
    java.io.ByteArrayOutputStream upstream = new java.io.ByteArrayOutputStream();
    StringBuilder text = new StringBuilder();
    String signature = null;
    for (String line :
        Fixtures.read("bedrock-recordings/vercel-ai/amazon-bedrock-reasoning.chunks.txt")
            .split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode event = tree(line.getBytes());
      String type = event.fieldNames().next();
      if (type.equals("messageStop") || type.equals("metadata")) {
        continue; // the tool call below ends this turn
      }
      JsonNode reasoning = event.at("/" + type + "/delta/reasoningContent");
      if (event.at("/" + type + "/contentBlockIndex").asInt() == 0 && reasoning.isObject()) {
        text.append(reasoning.path("text").asText(""));
        if (reasoning.has("signature")) {
          signature = reasoning.get("signature").asText();
        }
      }
      upstream.writeBytes(frame(type, event.get(type).toString()));
    }
    upstream.writeBytes(
        frame(
            "contentBlockStart",
            "{\"contentBlockIndex\":5,\"start\":{\"toolUse\":{\"toolUseId\":\"tooluse_x\",\"name\":\"count\"}}}"));
    upstream.writeBytes(
        frame(
            "contentBlockDelta",
            "{\"contentBlockIndex\":5,\"delta\":{\"toolUse\":{\"input\":\"{}\"}}}"));
    upstream.writeBytes(frame("contentBlockStop", "{\"contentBlockIndex\":5}"));
    upstream.writeBytes(frame("messageStop", "{\"stopReason\":\"tool_use\"}"));
    upstream.writeBytes(
        frame(
            "metadata",
            "{\"usage\":{\"inputTokens\":3,\"outputTokens\":9,\"totalTokens\":12},\"metrics\":{\"latencyMs\":1}}"));
    OpenAiBedrockTranslator t =
        translator("{'model':'m','stream':true,'reasoning_effort':'low'," + HI + "}");
    t.startResponse(200, OpenAiBedrockTranslator.EVENT_STREAM);
    OpenAiStream stream =
        OpenAiStream.parse(
            OpenAiStream.feedInPieces(
                upstream.toByteArray(), 61, (piece, end) -> t.responseBody(piece, end).body()));
    assertThat(stream.finishReason()).isEqualTo("tool_calls");
    String id = stream.toolCall(0)[0];

    JsonNode followUp =
        tree(
            new OpenAiBedrockTranslator()
                .request(
                    followUp(
                        json(
                            "{'role':'assistant','tool_calls':[{'id':'"
                                + id
                                + "','type':'function','function':{'name':'count','arguments':'{}'}}]}"),
                        id),
                    CONTEXT)
                .body());
    JsonNode block = followUp.at("/messages/1/content/0/reasoningContent/reasoningText");
    assertThat(block.path("text").asText()).isEqualTo(text.toString()).isNotEmpty();
    assertThat(block.path("signature").asText()).isEqualTo(signature).isNotEmpty();
    assertThat(followUp.at("/messages/1/content/1/toolUse/toolUseId").asText())
        .isEqualTo("tooluse_x");
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode followUp(
      JsonNode assistant, String id) {
    com.fasterxml.jackson.databind.node.ObjectNode body =
        json("{'model':'m','reasoning_effort':'low'," + HI + "}");
    com.fasterxml.jackson.databind.node.ArrayNode messages =
        (com.fasterxml.jackson.databind.node.ArrayNode) body.get("messages");
    messages.add(assistant);
    messages.addObject().put("role", "tool").put("tool_call_id", id).put("content", "3");
    return body;
  }

  private static byte[] frame(String eventType, String payload) {
    Map<String, HeaderValue> headers = new LinkedHashMap<>();
    headers.put(":message-type", HeaderValue.fromString("event"));
    headers.put(":event-type", HeaderValue.fromString(eventType));
    headers.put(":content-type", HeaderValue.fromString("application/json"));
    return new Message(headers, payload.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .toByteBuffer()
        .array();
  }
}
