package dev.aigateway.dataplane.translate.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.translate.Json;

/**
 * The request parameters a Responses API {@code response} object echoes (instructions, tools,
 * sampling, formats), kept from the client's request so the translated answer carries them as
 * OpenAI's would.
 */
record ResponseEnvelope(ObjectNode echoed) {

  static ResponseEnvelope of(ObjectNode request) {
    ObjectNode echoed = Json.MAPPER.createObjectNode();
    echoed.set("instructions", orNull(request, "instructions"));
    echoed.set("max_output_tokens", orNull(request, "max_output_tokens"));
    echoed.put("parallel_tool_calls", request.path("parallel_tool_calls").asBoolean(true));
    ObjectNode reasoning = echoed.putObject("reasoning");
    reasoning.set("effort", orNull(request.path("reasoning"), "effort"));
    reasoning.set("summary", orNull(request.path("reasoning"), "summary"));
    echoed.put("store", false);
    echoed.set("temperature", number(request, "temperature"));
    JsonNode text = request.get("text");
    if (text != null && text.path("format").isObject()) {
      echoed.putObject("text").set("format", text.get("format"));
    } else {
      echoed.putObject("text").putObject("format").put("type", "text");
    }
    JsonNode choice = request.get("tool_choice");
    if (choice == null || choice.isNull()) {
      echoed.put("tool_choice", "auto");
    } else {
      echoed.set("tool_choice", choice);
    }
    JsonNode tools = request.get("tools");
    if (tools != null && tools.isArray()) {
      echoed.set("tools", tools);
    } else {
      echoed.putArray("tools");
    }
    echoed.set("top_p", number(request, "top_p"));
    echoed.put("truncation", "disabled");
    echoed.set("user", orNull(request, "user"));
    JsonNode metadata = request.get("metadata");
    if (metadata != null && metadata.isObject()) {
      echoed.set("metadata", metadata);
    } else {
      echoed.putObject("metadata");
    }
    return new ResponseEnvelope(echoed);
  }

  /** A {@code response} object with no output yet. */
  ObjectNode response(String id, long createdAt, String model, String status) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("id", id);
    out.put("object", "response");
    out.put("created_at", createdAt);
    out.put("status", status);
    out.put("background", false);
    out.putNull("error");
    out.putNull("incomplete_details");
    out.put("model", model);
    out.putArray("output");
    out.putNull("previous_response_id");
    out.putNull("usage");
    out.setAll(echoed.deepCopy());
    return out;
  }

  /** Sets the final status of a response from chat completions' finish reason. */
  static void finish(ObjectNode response, String finishReason) {
    String incomplete =
        switch (finishReason) {
          case "length" -> "max_output_tokens";
          case "content_filter" -> "content_filter";
          default -> null;
        };
    if (incomplete == null) {
      response.put("status", "completed");
    } else {
      response.put("status", "incomplete");
      response.putObject("incomplete_details").put("reason", incomplete);
    }
  }

  /** An id made of the characters OpenAI's ids use, from an upstream id. */
  static String id(String prefix, String upstreamId) {
    String clean = upstreamId.replaceAll("[^A-Za-z0-9_]", "");
    return prefix + (clean.isEmpty() ? Long.toHexString(System.nanoTime()) : clean);
  }

  private static JsonNode orNull(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null ? Json.MAPPER.nullNode() : value;
  }

  private static JsonNode number(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isNumber() ? value : Json.MAPPER.getNodeFactory().numberNode(1.0);
  }
}
