package dev.aigateway.dataplane.translate.responses;

import static dev.aigateway.dataplane.translate.chat.Providers.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.dataplane.config.ProviderSchema;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.translate.Endpoint;
import dev.aigateway.dataplane.translate.RequestContext;
import dev.aigateway.dataplane.translate.Translator;
import dev.aigateway.dataplane.translate.Translator.TranslationException;
import dev.aigateway.dataplane.translate.Translators;
import dev.aigateway.dataplane.translate.chat.Providers;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Responses API requests as each translated schema receives them, and the ones refused. */
class ResponsesRequestTranslationTest {
  private static final Map<String, String> SETTINGS =
      Map.of("region", "us-east-1", "project", "p", "location", "l");

  /** A second turn of a tool-using agent, as the OpenAI Agents SDK sends it. */
  private static final String AGENT_TURN =
      """
      {'model':'public-model','instructions':'You are terse.','max_output_tokens':900,
       'temperature':0.3,'top_p':0.9,'store':false,'include':['reasoning.encrypted_content'],
       'metadata':{'run':'42'},'service_tier':'auto','prompt_cache_key':'agent-1',
       'truncation':'disabled','parallel_tool_calls':true,
       'input':[
         {'role':'developer','content':'Use tools.'},
         {'type':'message','role':'user','content':[{'type':'input_text','text':'Weather in Paris?'},
           {'type':'input_image','image_url':'data:image/png;base64,iVBORw0KGgo=','detail':'auto'}]},
         {'type':'reasoning','id':'rs_1','summary':[],'encrypted_content':'gAAAA'},
         {'type':'message','role':'assistant','content':[{'type':'output_text','text':'Checking.'}]},
         {'type':'function_call','id':'fc_1','call_id':'call_1','name':'get_weather','arguments':'{\\'city\\':\\'Paris\\'}'},
         {'type':'function_call','id':'fc_2','call_id':'call_2','name':'get_weather','arguments':'{\\'city\\':\\'Rome\\'}'},
         {'type':'function_call_output','call_id':'call_1','output':'18C'},
         {'type':'function_call_output','call_id':'call_2','output':[{'type':'input_text','text':'21C'}]}],
       'tools':[{'type':'function','name':'get_weather','description':'Weather by city','strict':true,
         'parameters':{'type':'object','properties':{'city':{'type':'string'}},'required':['city']}}],
       'tool_choice':'auto'}
      """;

  private static RequestContext context(ProviderSchema schema) {
    return Providers.context(schema, SETTINGS, "upstream-model");
  }

  private static JsonNode upstreamBody(ProviderSchema schema, String request) {
    RequestContext context = context(schema);
    Translator t = Translators.create(context.provider(), Endpoint.RESPONSES);
    byte[] body = t.request(json(request), context).body();
    return ResponsesSse.tree(new String(body, StandardCharsets.UTF_8));
  }

  @Test
  void anAgentTurnBecomesOneChatConversationWithToolCallsAndResults() {
    JsonNode chat = upstreamBody(ProviderSchema.OPENAI_COMPATIBLE, AGENT_TURN);

    assertThat(chat)
        .isEqualTo(
            json(
                """
                {'model':'upstream-model','messages':[
                  {'role':'system','content':'You are terse.'},
                  {'role':'developer','content':'Use tools.'},
                  {'role':'user','content':[{'type':'text','text':'Weather in Paris?'},
                    {'type':'image_url','image_url':{'url':'data:image/png;base64,iVBORw0KGgo=','detail':'auto'}}]},
                  {'role':'assistant','content':'Checking.','tool_calls':[
                    {'id':'call_1','type':'function','function':{'name':'get_weather','arguments':'{\\'city\\':\\'Paris\\'}'}},
                    {'id':'call_2','type':'function','function':{'name':'get_weather','arguments':'{\\'city\\':\\'Rome\\'}'}}]},
                  {'role':'tool','tool_call_id':'call_1','content':'18C'},
                  {'role':'tool','tool_call_id':'call_2','content':'21C'}],
                 'max_tokens':900,'temperature':0.3,'top_p':0.9,
                 'tools':[{'type':'function','function':{'name':'get_weather','description':'Weather by city',
                   'parameters':{'type':'object','properties':{'city':{'type':'string'}},'required':['city']},
                   'strict':true}}],
                 'tool_choice':'auto'}
                """));
  }

  @ParameterizedTest
  @EnumSource(
      value = ProviderSchema.class,
      names = {"ANTHROPIC", "AWS_BEDROCK", "GEMINI", "GCP_VERTEX"})
  void theSameTurnReachesEveryOtherSchemaWithItsCallsResultsAndLimit(ProviderSchema schema) {
    String body = upstreamBody(schema, AGENT_TURN).toString();

    assertThat(body).contains("You are terse.", "Use tools.", "Weather in Paris?", "Checking.");
    assertThat(body).contains("get_weather", "Paris", "Rome", "18C", "21C").contains("900");
    assertThat(body).doesNotContain("gAAAA", "agent-1", "reasoning.encrypted_content");
  }

  @ParameterizedTest
  @CsvSource({
    "ANTHROPIC, high, /thinking/budget_tokens, 24576",
    "GEMINI, low, /generationConfig/thinkingConfig/thinkingBudget, 2048",
    "OPENAI_COMPATIBLE, medium, /reasoning_effort, medium",
  })
  void reasoningEffortBecomesTheSchemasThinkingSetting(
      ProviderSchema schema, String effort, String pointer, String expected) {
    JsonNode body =
        upstreamBody(
            schema,
            "{'model':'m','input':'Think.','max_output_tokens':30000,"
                + "'reasoning':{'effort':'"
                + effort
                + "','summary':'auto'}}");

    assertThat(body.at(pointer).asText()).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "OPENAI_COMPATIBLE, /response_format/json_schema/name",
    "GEMINI, /generationConfig/responseMimeType",
  })
  void aJsonSchemaFormatIsTheSchemasStructuredOutput(ProviderSchema schema, String pointer) {
    JsonNode body =
        upstreamBody(
            schema,
            "{'model':'m','input':'A city.','text':{'format':{'type':'json_schema','name':'city',"
                + "'schema':{'type':'object','properties':{'name':{'type':'string'}}},'strict':true},"
                + "'verbosity':'low'}}");

    assertThat(body.at(pointer).asText()).isIn("city", "application/json");
  }

  /** Bad or untranslatable input: a 400 in OpenAI's shape whose param names the culprit. */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{'model':'m'} | input | invalid_request_error",
        "{'model':'m','input':42} | input | invalid_request_error",
        "{'model':'m','input':[]} | input | invalid_request_error",
        "{'model':'m','input':['hi']} | input[0] | invalid_request_error",
        "{'model':'m','input':[{'type':'computer_call','call_id':'c'}]} | input[0].type | invalid_request_error",
        "{'model':'m','input':[{'type':'item_reference','id':'msg_1'}]} | input[0].type | invalid_request_error",
        "{'model':'m','input':[{'type':'function_call','name':'f'}]} | input[0].call_id | invalid_request_error",
        "{'model':'m','input':[{'type':'function_call_output','call_id':'c'}]} | input[0].output | invalid_request_error",
        "{'model':'m','input':[{'role':'user','content':[{'type':'input_file','file_id':'f'}]}]} | input[0].content[0].type | invalid_request_error",
        "{'model':'m','input':[{'role':'user','content':[{'type':'input_image','file_id':'f'}]}]} | input[0].content[0].image_url | invalid_request_error",
        "{'model':'m','input':[{'role':'tool','content':'x'}]} | input[0].role | invalid_request_error",
        "{'model':'m','input':[{'role':'user','content':{'a':1}}]} | input[0].content | invalid_request_error",
        "{'model':'m','input':'hi','tools':[{'type':'web_search'}]} | tools[0].type | unsupported_tool",
        "{'model':'m','input':'hi','tools':[{'type':'file_search','vector_store_ids':['v']}]} | tools[0].type | unsupported_tool",
        "{'model':'m','input':'hi','tools':[{'type':'code_interpreter','container':{'type':'auto'}}]} | tools[0].type | unsupported_tool",
        "{'model':'m','input':'hi','tools':[{'type':'function'}]} | tools[0].name | invalid_request_error",
        "{'model':'m','input':'hi','tools':[{'type':'function','name':'f'}],'tool_choice':{'type':'web_search_preview'}} | tool_choice.type | unsupported_tool",
        "{'model':'m','input':'hi','tool_choice':'required'} | tool_choice | invalid_request_error",
        "{'model':'m','input':'hi','previous_response_id':'resp_1'} | previous_response_id | unsupported_parameter",
        "{'model':'m','input':'hi','conversation':'conv_1'} | conversation | unsupported_parameter",
        "{'model':'m','input':'hi','store':true} | store | unsupported_parameter",
        "{'model':'m','input':'hi','background':true} | background | unsupported_parameter",
        "{'model':'m','input':'hi','max_output_tokens':0} | max_output_tokens | invalid_request_error",
        "{'model':'m','input':'hi','temperature':'hot'} | temperature | invalid_request_error",
        "{'model':'m','input':'hi','reasoning':{'effort':'extreme'}} | reasoning.effort | invalid_request_error",
        "{'model':'m','input':'hi','text':{'format':{'type':'xml'}}} | text.format.type | invalid_request_error",
        "{'model':'m','input':'hi','prompt':{'id':'pmpt_1'}} | prompt | invalid_request_error",
      })
  void badInputIsA400NamingTheField(String request, String param, String codeOrType) {
    for (ProviderSchema schema :
        new ProviderSchema[] {
          ProviderSchema.OPENAI_COMPATIBLE, ProviderSchema.ANTHROPIC, ProviderSchema.GEMINI
        }) {
      RequestContext context = context(schema);
      Translator t = Translators.create(context.provider(), Endpoint.RESPONSES);
      if (schema == ProviderSchema.OPENAI_COMPATIBLE && param.equals("reasoning.effort")) {
        continue; // OpenAI-compatible servers get the level as sent and judge it themselves
      }

      TranslationException e =
          catchThrowableOfType(TranslationException.class, () -> t.request(json(request), context));

      assertThat(e).as(schema + ": " + request).isNotNull();
      GatewayError error = e.error();
      assertThat(error.status()).isEqualTo(400);
      assertThat(error.param()).as(schema.name()).isEqualTo(param);
      assertThat(error.type().equals(codeOrType) || codeOrType.equals(error.code()))
          .as(error.type() + "/" + error.code())
          .isTrue();
      JsonNode body = ResponsesSse.tree(new String(error.body(), StandardCharsets.UTF_8));
      assertThat(body.path("error").path("param").asText()).isEqualTo(param);
      assertThat(body.path("error").path("message").asText()).isNotBlank();
    }
  }

  @Test
  void storeFalseAndAdvisoryFieldsAskForNothingAndAreDropped() {
    JsonNode chat =
        upstreamBody(
            ProviderSchema.OPENAI_COMPATIBLE,
            "{'model':'m','input':'hi','store':false,'metadata':{'a':'b'},'service_tier':'flex',"
                + "'include':['message.output_text.logprobs'],'prompt_cache_key':'k',"
                + "'prompt_cache_retention':'24h','truncation':'auto','max_tool_calls':3,"
                + "'background':false,'top_logprobs':0,'stream_options':{'include_obfuscation':false},"
                + "'reasoning':{'summary':'detailed'},'text':{'verbosity':'high'}}");

    assertThat(chat)
        .isEqualTo(json("{'model':'upstream-model','messages':[{'role':'user','content':'hi'}]}"));
  }
}
