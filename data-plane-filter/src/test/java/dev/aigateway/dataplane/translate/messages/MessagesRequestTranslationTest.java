package dev.aigateway.dataplane.translate.messages;

import static dev.aigateway.dataplane.translate.chat.Providers.json;
import static dev.aigateway.dataplane.translate.chat.Providers.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.anthropic.models.messages.MessageCreateParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.aigateway.dataplane.config.ProviderSchema;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.translate.Endpoint;
import dev.aigateway.dataplane.translate.Translator;
import dev.aigateway.dataplane.translate.Translator.TranslationException;
import dev.aigateway.dataplane.translate.Translators;
import dev.aigateway.dataplane.translate.UpstreamRequest;
import dev.aigateway.dataplane.translate.chat.Providers;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Anthropic Messages requests translated for OpenAI-style (and, through them, other) targets. */
class MessagesRequestTranslationTest {
  /** Every feature the translation covers, as an Anthropic SDK client would send it. */
  static final String FULL_REQUEST =
      """
      {'model':'public-model','max_tokens':300,'temperature':0.5,'top_p':0.9,
       'stop_sequences':['END'],'metadata':{'user_id':'u-1'},
       'system':[{'type':'text','text':'Be brief.','cache_control':{'type':'ephemeral'}}],
       'messages':[
        {'role':'user','content':[{'type':'text','text':'Weather in Paris and Rome?'},
          {'type':'image','source':{'type':'base64','media_type':'image/png','data':'iVBORw0KGgo='}},
          {'type':'image','source':{'type':'url','url':'https://example.com/a.png'}}]},
        {'role':'assistant','content':[{'type':'text','text':'Checking.'},
          {'type':'tool_use','id':'toolu_1','name':'get_weather','input':{'city':'Paris'}},
          {'type':'tool_use','id':'toolu_2','name':'get_weather','input':{'city':'Rome'}}]},
        {'role':'user','content':[{'type':'tool_result','tool_use_id':'toolu_1','content':'18C'},
          {'type':'tool_result','tool_use_id':'toolu_2','content':[{'type':'text','text':'21C'}]},
          {'type':'text','text':'Thanks, summarize.'}]},
        {'role':'assistant','content':'Paris 18C, Rome 21C.'},
        {'role':'user','content':'And tomorrow?'}],
       'tools':[{'name':'get_weather','description':'Weather by city',
         'input_schema':{'type':'object','properties':{'city':{'type':'string'}},'required':['city']}}],
       'tool_choice':{'type':'auto','disable_parallel_tool_use':true},
       'stream':true}
      """;

  private static Translator translator(ProviderSchema schema) {
    return Translators.create(schema, Endpoint.MESSAGES);
  }

  private static UpstreamRequest translate(ProviderSchema schema, String request) {
    return translate(schema, request, "upstream-model");
  }

  private static UpstreamRequest translate(ProviderSchema schema, String request, String model) {
    return translator(schema).request(json(request), Providers.context(schema, Map.of(), model));
  }

  @Test
  void fullRequestBecomesAWellFormedChatCompletionsRequest() throws Exception {
    // The input is a valid Messages request by the official Anthropic SDK's model.
    com.anthropic.core.ObjectMappers.jsonMapper()
        .readValue(json(FULL_REQUEST).toString(), MessageCreateParams.Body.class)
        .validate();

    // A model name the OpenAI SDK knows, so that its model validates.
    UpstreamRequest upstream = translate(ProviderSchema.OPENAI, FULL_REQUEST, "gpt-5-nano");

    assertThat(upstream.path()).isEqualTo("/v1/chat/completions");
    JsonNode body = tree(upstream.body());
    assertThat(body.toString())
        .isEqualTo(
            json("""
            {'model':'gpt-5-nano','messages':[
              {'role':'system','content':[{'type':'text','text':'Be brief.'}]},
              {'role':'user','content':[{'type':'text','text':'Weather in Paris and Rome?'},
                {'type':'image_url','image_url':{'url':'data:image/png;base64,iVBORw0KGgo='}},
                {'type':'image_url','image_url':{'url':'https://example.com/a.png'}}]},
              {'role':'assistant','content':'Checking.','tool_calls':[
                {'id':'toolu_1','type':'function','function':{'name':'get_weather','arguments':'{\\'city\\':\\'Paris\\'}'}},
                {'id':'toolu_2','type':'function','function':{'name':'get_weather','arguments':'{\\'city\\':\\'Rome\\'}'}}]},
              {'role':'tool','tool_call_id':'toolu_1','content':'18C'},
              {'role':'tool','tool_call_id':'toolu_2','content':[{'type':'text','text':'21C'}]},
              {'role':'user','content':[{'type':'text','text':'Thanks, summarize.'}]},
              {'role':'assistant','content':'Paris 18C, Rome 21C.'},
              {'role':'user','content':'And tomorrow?'}],
             'max_completion_tokens':300,'temperature':0.5,'top_p':0.9,'stop':['END'],
             'tools':[{'type':'function','function':{'name':'get_weather','description':'Weather by city',
               'parameters':{'type':'object','properties':{'city':{'type':'string'}},'required':['city']}}}],
             'tool_choice':'auto','parallel_tool_calls':false,'user':'u-1',
             'stream':true,'stream_options':{'include_usage':true}}
            """)
                .toString());
    // ... and a valid chat completions request by the official OpenAI SDK's model.
    ChatCompletionCreateParams.Body parsed =
        com.openai.core.ObjectMappers.jsonMapper()
            .readValue(upstream.body(), ChatCompletionCreateParams.Body.class);
    parsed.validate();
    assertThat(parsed.messages()).hasSize(8);
    assertThat(parsed.messages().get(2).asAssistant().toolCalls().orElseThrow()).hasSize(2);
  }

  @Test
  void openAiCompatibleTargetsGetMaxTokensAndAPlainSystemString() {
    JsonNode body =
        tree(
            translate(
                    ProviderSchema.OPENAI_COMPATIBLE,
                    "{'model':'m','max_tokens':5,'system':'Be brief.','messages':[{'role':'user','content':'hi'}]}")
                .body());
    assertThat(body.toString())
        .isEqualTo(
            "{\"model\":\"upstream-model\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":5}");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "{'type':'auto'}                   | \"auto\"",
        "{'type':'any'}                    | \"required\"",
        "{'type':'none'}                   | \"none\"",
        "{'type':'tool','name':'get_weather'} | {\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}",
      })
  void toolChoiceMapsToOpenAisForm(String choice, String expected) {
    String request =
        "{'model':'m','max_tokens':5,'messages':[{'role':'user','content':'hi'}],"
            + "'tools':[{'name':'get_weather','input_schema':{'type':'object'}}],'tool_choice':"
            + choice
            + "}";
    JsonNode body = tree(translate(ProviderSchema.OPENAI, request).body());
    assertThat(body.path("tool_choice").toString()).isEqualTo(expected);
    assertThat(body.has("parallel_tool_calls")).isFalse();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "'container':'container_1'                                       | container",
        "'mcp_servers':[{'type':'url','url':'https://x','name':'x'}]     | mcp_servers",
        "'thinking':{'type':'enabled','budget_tokens':0}                 | thinking.budget_tokens",
        "'thinking':{'type':'sometimes'}                                 | thinking.type",
        "'metadata':'x'                                                  | metadata",
        "'tools':[{'type':'web_search_20250305','name':'web_search'}]    | tools[0].type",
        "'tool_choice':{'type':'any'}                                    | tool_choice",
        "'temperature':'hot'                                             | temperature",
      })
  void fieldsATargetCannotHonourAre400sNamingThem(String field, String param) {
    String request =
        "{'model':'m','max_tokens':5,'messages':[{'role':'user','content':'hi'}]," + field + "}";
    assertRejected(ProviderSchema.OPENAI, request, param);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "{'role':'user','content':[{'type':'document','source':{'type':'text','data':'x','media_type':'text/plain'}}]} | messages[0].content[0].type",
        "{'role':'user','content':[{'type':'tool_result','tool_use_id':'t','content':[{'type':'image','source':{'type':'url','url':'https://x/y.png'}}]}]} | messages[0].content[0].content[0].type",
        "{'role':'user','content':[{'type':'image','source':{'type':'file','file_id':'f'}}]} | messages[0].content[0].source.type",
        "{'role':'system','content':'hi'}                                                 | messages[0].role",
        "{'role':'user'}                                                                  | messages[0].content",
      })
  void contentThatCannotBeTranslatedIsA400NamingIt(String message, String param) {
    assertRejected(
        ProviderSchema.OPENAI, "{'model':'m','max_tokens':5,'messages':[" + message + "]}", param);
  }

  /** A coding agent's request: thinking, cache hints everywhere, metadata, earlier thinking. */
  private static final String CODING_AGENT =
      """
      {'model':'m','max_tokens':32000,'thinking':{'type':'enabled','budget_tokens':31999},
       'temperature':1,'top_k':40,'service_tier':'auto','metadata':{'user_id':'u-1','trace':'t'},
       'system':[{'type':'text','text':'You are a coding agent.','cache_control':{'type':'ephemeral'}}],
       'tools':[{'name':'Bash','description':'Run a command','cache_control':{'type':'ephemeral'},
         'input_schema':{'type':'object','properties':{'command':{'type':'string'}}}}],
       'messages':[
         {'role':'user','content':[{'type':'text','text':'List files.','cache_control':{'type':'ephemeral'}}]},
         {'role':'assistant','content':[{'type':'thinking','thinking':'Use ls.','signature':'EqQB'},
           {'type':'tool_use','id':'toolu_1','name':'Bash','input':{'command':'ls'}}]},
         {'role':'user','content':[{'type':'tool_result','tool_use_id':'toolu_1','content':'a.txt',
           'cache_control':{'type':'ephemeral'}}]}]}
      """;

  @ParameterizedTest
  @CsvSource({
    "OPENAI_COMPATIBLE, upstream-model, /reasoning_effort, high",
    "OPENAI, upstream-model, /reasoning_effort, high",
    "GEMINI, gemini-2.5-flash, /generationConfig/thinkingConfig/thinkingBudget, 24576",
    "AWS_BEDROCK, anthropic.claude-sonnet-4-20250514-v1:0, "
        + "/additionalModelRequestFields/thinking/budget_tokens, 24576",
  })
  void aCodingAgentsThinkingIsMappedAndItsAdvisoryFieldsAreDropped(
      ProviderSchema schema, String model, String thinkingAt, String thinking) {
    UpstreamRequest upstream =
        translator(schema)
            .request(
                json(CODING_AGENT),
                Providers.context(schema, Map.of("region", "us-east-1"), model));

    JsonNode body = tree(upstream.body());
    assertThat(body.at(thinkingAt).asText()).isEqualTo(thinking);
    String text = body.toString();
    assertThat(text).contains("You are a coding agent.", "List files.", "a.txt", "Bash");
    assertThat(text).doesNotContain("cache_control", "ephemeral", "top_k", "trace", "EqQB");
  }

  @Test
  void thinkingATargetCannotDoIsLeftOutRatherThanRefused() {
    // Bedrock maps thinking only for Claude models: a Llama model answers without it.
    UpstreamRequest upstream =
        translator(ProviderSchema.AWS_BEDROCK)
            .request(
                json(CODING_AGENT),
                Providers.context(
                    ProviderSchema.AWS_BEDROCK,
                    Map.of("region", "us-east-1"),
                    "meta.llama3-70b-instruct-v1:0"));

    JsonNode body = tree(upstream.body());
    assertThat(body.has("additionalModelRequestFields")).isFalse();
    assertThat(body.path("inferenceConfig").path("maxTokens").asLong()).isEqualTo(32000);
  }

  @Test
  void maxTokensIsRequiredAsAnthropicRequiresIt() {
    assertRejected(
        ProviderSchema.OPENAI,
        "{'model':'m','messages':[{'role':'user','content':'hi'}]}",
        "max_tokens");
    assertRejected(
        ProviderSchema.ANTHROPIC,
        "{'model':'m','messages':[{'role':'user','content':'hi'}]}",
        "max_tokens");
  }

  @Test
  void bedrockTargetsGetAConverseRequestThroughTheChatTranslator() {
    String request =
        "{'model':'m','max_tokens':64,'system':'Be brief.','messages':[{'role':'user','content':'hi'}],"
            + "'tools':[{'name':'f','input_schema':{'type':'object'}}],'tool_choice':{'type':'any'}}";
    UpstreamRequest upstream = translate(ProviderSchema.AWS_BEDROCK, request);
    assertThat(upstream.path()).isEqualTo("/model/upstream-model/converse");
    JsonNode body = tree(upstream.body());
    assertThat(body.path("system").get(0).path("text").asText()).isEqualTo("Be brief.");
    assertThat(body.path("inferenceConfig").path("maxTokens").asLong()).isEqualTo(64);
    assertThat(body.path("toolConfig").path("toolChoice").has("any")).isTrue();
  }

  @Test
  void aFieldTheChainedTranslatorRejectsIsNamedInAnthropicsTerms() {
    String request =
        "{'model':'m','max_tokens':5,'messages':[{'role':'user','content':'hi'}],"
            + "'tools':[{'name':'f','input_schema':{'type':'object'}}],"
            + "'tool_choice':{'type':'auto','disable_parallel_tool_use':true}}";
    GatewayError error =
        assertRejected(
            ProviderSchema.AWS_BEDROCK, request, "tool_choice.disable_parallel_tool_use");
    assertThat(error.message()).doesNotContain("'parallel_tool_calls'");
  }

  @Test
  void geminiTargetsGetAGenerateContentRequest() {
    UpstreamRequest upstream =
        translate(
            ProviderSchema.GEMINI,
            "{'model':'m','max_tokens':7,'messages':[{'role':'user','content':'hi'}],'stream':true}");
    assertThat(upstream.path()).startsWith("/v1beta/models/upstream-model:streamGenerateContent");
    assertThat(tree(upstream.body()).path("generationConfig").path("maxOutputTokens").asLong())
        .isEqualTo(7);
  }

  private static GatewayError assertRejected(ProviderSchema schema, String request, String param) {
    TranslationException e =
        catchThrowableOfType(TranslationException.class, () -> translate(schema, request));
    assertThat(e).as("a 400 for %s", param).isNotNull();
    assertThat(e.error().status()).isEqualTo(400);
    assertThat(e.error().param()).isEqualTo(param);
    return e.error();
  }
}
