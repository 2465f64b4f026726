package dev.aigateway.dataplane.translate.responses;

import static dev.aigateway.dataplane.translate.responses.ResponsesRequests.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.config.ProviderSchema;
import dev.aigateway.dataplane.error.GatewayError;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.Translator.TranslationException;
import dev.aigateway.dataplane.translate.chat.ChainedRequests;
import java.util.Map;
import java.util.Set;

/**
 * Builds an OpenAI chat completions request from a Responses API request, for targets that do not
 * serve the Responses API. Fields are mapped, dropped when only advisory, or refused with a 400
 * naming them when the answer would otherwise mean something else (docs/providers.md, "The
 * Responses API as an input").
 */
final class ResponsesToChat {
  /** Fields mapped to chat completions. */
  private static final Set<String> MAPPED =
      Set.of(
          "model",
          "input",
          "instructions",
          "tools",
          "tool_choice",
          "parallel_tool_calls",
          "max_output_tokens",
          "temperature",
          "top_p",
          "reasoning",
          "text",
          "stream",
          "user",
          "safety_identifier");

  /**
   * Fields that only advise the provider (caching, tiers, retention, extra output the client may do
   * without): dropped for translated targets, never an error.
   */
  private static final Set<String> ADVISORY =
      Set.of(
          "metadata",
          "include",
          "service_tier",
          "prompt_cache_key",
          "prompt_cache_retention",
          "truncation",
          "max_tool_calls",
          "stream_options");

  private ResponsesToChat() {}

  /** The chat request for a Responses request; {@code schema} is the target's. */
  static ObjectNode convert(ObjectNode body, ProviderSchema schema) {
    rejectUnsupported(body, schema);
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.set("model", body.get("model"));
    ArrayNode messages = out.putArray("messages");
    JsonNode instructions = body.get("instructions");
    if (instructions != null && !instructions.isNull()) {
      String text = ResponsesRequests.text(instructions, "instructions");
      if (!text.isEmpty()) {
        messages.addObject().put("role", "system").put("content", text);
      }
    }
    ResponsesInput.convert(body.get("input"), schema.wireName(), messages);
    if (messages.isEmpty()) {
      throw invalid("input", "input must be a string or a non-empty array of input items.");
    }
    JsonNode max = body.get("max_output_tokens");
    if (max != null && !max.isNull()) {
      if (!max.canConvertToLong() || max.asLong() < 1) {
        throw invalid("max_output_tokens", "max_output_tokens must be a positive integer.");
      }
      out.put(
          schema == ProviderSchema.OPENAI_COMPATIBLE ? "max_tokens" : "max_completion_tokens",
          max.asLong());
    }
    ChainedRequests.copyNumber(body, "temperature", out);
    ChainedRequests.copyNumber(body, "top_p", out);
    ArrayNode tools = ResponsesTools.tools(body.get("tools"), schema.wireName());
    if (!tools.isEmpty()) {
      out.set("tools", tools);
    }
    ResponsesTools.toolChoice(body.get("tool_choice"), !tools.isEmpty(), schema.wireName(), out);
    JsonNode parallel = body.get("parallel_tool_calls");
    if (parallel != null && !parallel.isNull() && !tools.isEmpty()) {
      if (!parallel.isBoolean()) {
        throw invalid("parallel_tool_calls", "parallel_tool_calls must be a boolean.");
      }
      if (!parallel.asBoolean()) {
        out.put("parallel_tool_calls", false);
      }
    }
    reasoning(body.get("reasoning"), out);
    textFormat(body.get("text"), out);
    for (String name : new String[] {"user", "safety_identifier"}) {
      JsonNode user = body.get(name);
      if (user != null && user.isTextual() && !out.has("user")) {
        out.put("user", user.asText());
      }
    }
    if (body.path("stream").asBoolean(false)) {
      out.put("stream", true);
      // Chat completions report usage only when asked; the gateway meters every request.
      out.putObject("stream_options").put("include_usage", true);
    }
    return out;
  }

  private static void rejectUnsupported(ObjectNode body, ProviderSchema schema) {
    for (Map.Entry<String, JsonNode> field : body.properties()) {
      String name = field.getKey();
      JsonNode value = field.getValue();
      if (MAPPED.contains(name) || ADVISORY.contains(name) || value.isNull()) {
        continue;
      }
      switch (name) {
        case "store" -> {
          if (value.asBoolean(false)) {
            throw stateless("store", schema, "Responses are not stored for ");
          }
        }
        case "previous_response_id", "conversation" ->
            throw stateless(name, schema, "Earlier responses are not kept for ");
        case "background" -> {
          if (value.asBoolean(false)) {
            throw stateless("background", schema, "Background responses are not available for ");
          }
        }
        case "top_logprobs" -> {
          if (value.asInt(0) != 0) {
            throw invalid(
                name,
                "The parameter 'top_logprobs' is not supported by "
                    + schema.wireName()
                    + " targets.");
          }
        }
        default ->
            throw invalid(
                name,
                "The parameter '"
                    + name
                    + "' is not supported by "
                    + schema.wireName()
                    + " targets.");
      }
    }
  }

  /**
   * The gateway keeps no responses for translated targets: a request that depends on stored state
   * is a 400 naming the field, so the client can send the whole conversation in {@code input}.
   */
  private static TranslationException stateless(
      String field, ProviderSchema schema, String prefix) {
    return new TranslationException(
        new GatewayError(
            400,
            "invalid_request_error",
            "unsupported_parameter",
            field,
            prefix
                + schema.wireName()
                + " targets: the gateway keeps no responses, so '"
                + field
                + "' is not supported. Send the whole conversation in 'input' (with store"
                + " false or absent).",
            Map.of()));
  }

  /** {@code reasoning.effort} as chat's {@code reasoning_effort}; the summary is advisory. */
  private static void reasoning(JsonNode reasoning, ObjectNode out) {
    if (reasoning == null || reasoning.isNull()) {
      return;
    }
    if (!reasoning.isObject()) {
      throw invalid("reasoning", "reasoning must be an object.");
    }
    JsonNode effort = reasoning.get("effort");
    if (effort != null && !effort.isNull()) {
      out.put("reasoning_effort", ResponsesRequests.text(effort, "reasoning.effort"));
    }
  }

  /** {@code text.format} as chat's {@code response_format}; {@code verbosity} is advisory. */
  private static void textFormat(JsonNode text, ObjectNode out) {
    if (text == null || text.isNull()) {
      return;
    }
    if (!text.isObject()) {
      throw invalid("text", "text must be an object.");
    }
    JsonNode format = text.get("format");
    if (format == null || format.isNull()) {
      return;
    }
    switch (format.path("type").asText()) {
      case "text" -> {}
      case "json_object" -> out.putObject("response_format").put("type", "json_object");
      case "json_schema" -> {
        if (!format.path("name").isTextual() || !format.path("schema").isObject()) {
          throw invalid("text.format", "A json_schema format needs a name and a schema object.");
        }
        ObjectNode schema =
            out.putObject("response_format").put("type", "json_schema").putObject("json_schema");
        schema.put("name", format.get("name").asText());
        schema.set("schema", format.get("schema"));
        if (format.path("description").isTextual()) {
          schema.set("description", format.get("description"));
        }
        if (format.path("strict").isBoolean()) {
          schema.set("strict", format.get("strict"));
        }
      }
      default ->
          throw invalid(
              "text.format.type", "text.format.type must be text, json_object or json_schema.");
    }
  }
}
