package dev.aigateway.dataplane.translate.responses;

import static dev.aigateway.dataplane.translate.responses.ResponsesRequests.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.translate.Json;
import org.jspecify.annotations.Nullable;

/**
 * A Responses {@code input} (a string or a list of items) as chat completions messages: message
 * items become messages, {@code function_call} items tool calls of one assistant message (with the
 * assistant text before them), {@code function_call_output} items {@code tool} messages. Earlier
 * {@code reasoning} items are left out: they hold OpenAI's reasoning, which no translated target
 * can take back.
 */
final class ResponsesInput {
  private ResponsesInput() {}

  static void convert(@Nullable JsonNode input, String schema, ArrayNode out) {
    if (input == null || input.isNull()) {
      throw invalid("input", "input is required.");
    }
    if (input.isTextual()) {
      out.addObject().put("role", "user").put("content", input.asText());
      return;
    }
    if (!input.isArray()) {
      throw invalid("input", "input must be a string or an array of input items.");
    }
    @Nullable ObjectNode assistant = null;
    for (int i = 0; i < input.size(); i++) {
      JsonNode item = input.get(i);
      String at = "input[" + i + "]";
      if (!item.isObject()) {
        throw invalid(at, "Each input item must be an object.");
      }
      String type = item.path("type").asText(item.has("role") ? "message" : "");
      switch (type) {
        case "message" -> {
          ObjectNode message = message(item, at);
          out.add(message);
          assistant = message.path("role").asText().equals("assistant") ? message : null;
        }
        case "function_call" -> {
          if (assistant == null) {
            assistant = out.addObject().put("role", "assistant");
            assistant.putNull("content");
          }
          ArrayNode calls =
              assistant.has("tool_calls")
                  ? (ArrayNode) assistant.get("tool_calls")
                  : assistant.putArray("tool_calls");
          ObjectNode call = calls.addObject();
          call.put("id", required(item, "call_id", at));
          call.put("type", "function");
          call.putObject("function")
              .put("name", required(item, "name", at))
              .put("arguments", item.path("arguments").asText("{}"));
        }
        case "function_call_output" -> {
          out.addObject()
              .put("role", "tool")
              .put("tool_call_id", required(item, "call_id", at))
              .put("content", output(item.get("output"), at + ".output"));
          assistant = null;
        }
        case "reasoning" -> {
          // OpenAI's own reasoning (often encrypted): nothing a translated target can read.
        }
        case "item_reference" ->
            throw invalid(
                at + ".type",
                "Input items of type 'item_reference' need stored responses, which the gateway"
                    + " does not keep for "
                    + schema
                    + " targets; send the item itself.");
        default ->
            throw invalid(
                at + ".type",
                "Input items of type '"
                    + type
                    + "' cannot be translated for "
                    + schema
                    + " targets (expected: message, function_call, function_call_output,"
                    + " reasoning).");
      }
    }
  }

  private static ObjectNode message(JsonNode item, String at) {
    String role = item.path("role").asText();
    ObjectNode message = Json.MAPPER.createObjectNode();
    switch (role) {
      case "user", "system", "developer", "assistant" -> message.put("role", role);
      default ->
          throw invalid(
              at + ".role",
              "Unexpected role '" + role + "' (expected: user, assistant, system, developer).");
    }
    JsonNode content = item.get("content");
    if (content == null || !(content.isTextual() || content.isArray())) {
      throw invalid(at + ".content", "content must be a string or an array of content parts.");
    }
    if (content.isTextual()) {
      message.put("content", content.asText());
      return message;
    }
    if (role.equals("assistant")) {
      StringBuilder text = new StringBuilder();
      for (int j = 0; j < content.size(); j++) {
        JsonNode part = content.get(j);
        String partAt = at + ".content[" + j + "]";
        switch (part.path("type").asText()) {
          case "output_text", "input_text" -> text.append(required(part, "text", partAt));
          case "refusal" -> text.append(required(part, "refusal", partAt));
          default -> throw unsupportedPart(part, partAt);
        }
      }
      message.put("content", text.toString());
      return message;
    }
    ArrayNode parts = message.putArray("content");
    for (int j = 0; j < content.size(); j++) {
      JsonNode part = content.get(j);
      String partAt = at + ".content[" + j + "]";
      switch (part.path("type").asText()) {
        case "input_text", "output_text" ->
            parts.addObject().put("type", "text").put("text", required(part, "text", partAt));
        case "input_image" -> {
          if (!role.equals("user")) {
            throw invalid(partAt + ".type", "Images are accepted in user messages only.");
          }
          if (!part.path("image_url").isTextual()) {
            throw invalid(
                partAt + ".image_url",
                "Images must be given by image_url (a URL or data URL); file_id needs OpenAI's"
                    + " file storage.");
          }
          ObjectNode image = parts.addObject().put("type", "image_url").putObject("image_url");
          image.put("url", part.get("image_url").asText());
          if (part.path("detail").isTextual()) {
            image.put("detail", part.get("detail").asText());
          }
        }
        default -> throw unsupportedPart(part, partAt);
      }
    }
    return message;
  }

  /** A function call's output: a string, or text parts joined (images cannot be passed on). */
  private static String output(@Nullable JsonNode output, String at) {
    if (output == null || output.isNull()) {
      throw invalid(at, "A function_call_output needs an output.");
    }
    if (output.isTextual()) {
      return output.asText();
    }
    if (!output.isArray()) {
      throw invalid(at, "output must be a string or an array of content parts.");
    }
    StringBuilder text = new StringBuilder();
    for (int j = 0; j < output.size(); j++) {
      JsonNode part = output.get(j);
      if (!part.path("type").asText().equals("input_text")) {
        throw unsupportedPart(part, at + "[" + j + "]");
      }
      text.append(required(part, "text", at + "[" + j + "]"));
    }
    return text.toString();
  }

  private static String required(JsonNode node, String field, String at) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw invalid(at + "." + field, at + "." + field + " must be a string.");
    }
    return value.asText();
  }

  private static RuntimeException unsupportedPart(JsonNode part, String at) {
    return invalid(
        at + ".type",
        "Content parts of type '"
            + part.path("type").asText()
            + "' cannot be translated for this model's provider.");
  }
}
