package dev.aigateway.dataplane.translate.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.config.ProviderConfig;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.RequestContext;
import dev.aigateway.vocabulary.provider.ProviderSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Provider configs and request helpers for translator tests. */
public final class Providers {
  private Providers() {}

  public static RequestContext context(
      ProviderSchema schema, Map<String, String> settings, String model) {
    // OpenAI-speaking schemas take the base URL in the OpenAI SDK's form, with the version.
    String baseUrl =
        schema == ProviderSchema.OPENAI || schema == ProviderSchema.OPENAI_COMPATIBLE
            ? "https://upstream.example/v1"
            : "https://upstream.example";
    ProviderConfig provider =
        new ProviderConfig(
            UUID.randomUUID(),
            "test-" + schema.wire().replace('_', '-'),
            schema,
            schema.wire(),
            baseUrl,
            ProviderConfig.pathPrefixOf(baseUrl),
            settings,
            List.of());
    return new RequestContext(provider, "public-model", model);
  }

  public static ObjectNode json(String json) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(json.replace('\'', '"'));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode tree(byte[] json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Lines of decoded events (a *.chunks.txt fixture) as an SSE stream. */
  public static byte[] sseOfLines(String lines) {
    StringBuilder out = new StringBuilder();
    for (String line : lines.split("\n")) {
      if (!line.isBlank()) {
        out.append("data: ").append(line).append("\n\n");
      }
    }
    return out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The full-featured OpenAI request every translator's request test starts from. */
  public static final String FULL_REQUEST =
      """
      {'model':'public-model','max_completion_tokens':300,'temperature':0.5,'top_p':0.9,
       'stop':['END'],
       'messages':[
        {'role':'system','content':'Be brief.'},
        {'role':'developer','content':[{'type':'text','text':'Use tools.'}]},
        {'role':'user','content':[{'type':'text','text':'Weather in Paris and Rome?'},
          {'type':'image_url','image_url':{'url':'data:image/png;base64,iVBORw0KGgo='}}]},
        {'role':'assistant','content':null,'tool_calls':[
          {'id':'call_1','type':'function','function':{'name':'get_weather','arguments':'{\\'city\\':\\'Paris\\'}'}},
          {'id':'call_2','type':'function','function':{'name':'get_weather','arguments':'{\\'city\\':\\'Rome\\'}'}}]},
        {'role':'tool','tool_call_id':'call_1','content':'18C'},
        {'role':'tool','tool_call_id':'call_2','content':'{\\'celsius\\':21}'},
        {'role':'user','content':'Thanks, summarize.'}],
       'tools':[{'type':'function','function':{'name':'get_weather','description':'Weather by city',
         'parameters':{'type':'object','properties':{'city':{'type':'string'}},'required':['city']}}}],
       'tool_choice':'auto'}
      """;
}
