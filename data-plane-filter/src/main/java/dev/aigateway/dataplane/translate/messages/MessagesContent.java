package dev.aigateway.dataplane.translate.messages;

import static dev.aigateway.dataplane.translate.messages.MessagesRequests.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.chat.ToolArguments;

/**
 * Anthropic content blocks as chat completions messages: a user turn's {@code tool_result} blocks
 * become {@code tool} messages (which must directly follow the assistant's tool calls, as Anthropic
 * requires results first in the next user turn), the rest one user message; an assistant turn's
 * text and {@code tool_use} blocks become one assistant message with tool calls. {@code
 * cache_control} marks are a caching hint with no chat completions equivalent and are left out.
 */
final class MessagesContent {
  private MessagesContent() {}

  static void user(JsonNode content, String at, ArrayNode out) {
    if (content.isTextual()) {
      out.addObject().put("role", "user").put("content", content.asText());
      return;
    }
    ArrayNode parts = Json.MAPPER.createArrayNode();
    for (int j = 0; j < content.size(); j++) {
      JsonNode block = content.get(j);
      String blockAt = at + "[" + j + "]";
      switch (block.path("type").asText()) {
        case "text" -> parts.add(text(block, blockAt));
        case "image" -> parts.add(image(block, blockAt));
        case "tool_result" -> toolResult(block, blockAt, out);
        default -> throw unsupportedBlock(block, blockAt);
      }
    }
    if (!parts.isEmpty()) {
      out.addObject().put("role", "user").set("content", parts);
    }
  }

  static void assistant(JsonNode content, String at, ArrayNode out) {
    ObjectNode message = out.addObject().put("role", "assistant");
    if (content.isTextual()) {
      message.put("content", content.asText());
      return;
    }
    StringBuilder text = new StringBuilder();
    boolean hasText = false;
    ArrayNode calls = Json.MAPPER.createArrayNode();
    for (int j = 0; j < content.size(); j++) {
      JsonNode block = content.get(j);
      String blockAt = at + "[" + j + "]";
      switch (block.path("type").asText()) {
        case "text" -> {
          text.append(text(block, blockAt).path("text").asText());
          hasText = true;
        }
        case "tool_use" -> {
          if (!block.path("id").isTextual() || !block.path("name").isTextual()) {
            throw invalid(blockAt, "A tool_use block needs an id and a name.");
          }
          ObjectNode call = calls.addObject();
          call.put("id", block.get("id").asText());
          call.put("type", "function");
          call.putObject("function")
              .put("name", block.get("name").asText())
              .put("arguments", ToolArguments.write(block.get("input")));
        }
        case "thinking", "redacted_thinking" -> {
          // An earlier turn's Claude reasoning, signed for Anthropic: no other target can take
          // it back, and the answer does not depend on it.
        }
        default -> throw unsupportedBlock(block, blockAt);
      }
    }
    if (hasText) {
      message.put("content", text.toString());
    } else {
      message.putNull("content");
    }
    if (!calls.isEmpty()) {
      message.set("tool_calls", calls);
    }
  }

  /** A text block as a chat text part. */
  static ObjectNode text(JsonNode block, String at) {
    if (!"text".equals(block.path("type").asText())) {
      throw unsupportedBlock(block, at);
    }
    if (!block.path("text").isTextual()) {
      throw invalid(at + ".text", "A text block needs a text string.");
    }
    ObjectNode part = Json.MAPPER.createObjectNode();
    part.put("type", "text").put("text", block.get("text").asText());
    return part;
  }

  private static ObjectNode image(JsonNode block, String at) {
    JsonNode source = block.path("source");
    String url =
        switch (source.path("type").asText()) {
          case "base64" -> {
            if (!source.path("media_type").isTextual() || !source.path("data").isTextual()) {
              throw invalid(at + ".source", "A base64 image needs media_type and data.");
            }
            yield "data:"
                + source.get("media_type").asText()
                + ";base64,"
                + source.get("data").asText();
          }
          case "url" -> {
            if (!source.path("url").isTextual()) {
              throw invalid(at + ".source.url", "A url image needs a url.");
            }
            yield source.get("url").asText();
          }
          default ->
              throw invalid(
                  at + ".source.type",
                  "Image sources of type '"
                      + source.path("type").asText()
                      + "' are not supported here (expected: base64, url).");
        };
    ObjectNode part = Json.MAPPER.createObjectNode();
    part.put("type", "image_url").putObject("image_url").put("url", url);
    return part;
  }

  private static void toolResult(JsonNode block, String at, ArrayNode out) {
    if (!block.path("tool_use_id").isTextual()) {
      throw invalid(at + ".tool_use_id", "A tool_result block needs a tool_use_id.");
    }
    ObjectNode message = out.addObject();
    message.put("role", "tool").put("tool_call_id", block.get("tool_use_id").asText());
    JsonNode content = block.get("content");
    if (content == null || content.isNull()) {
      message.put("content", "");
    } else if (content.isTextual()) {
      message.put("content", content.asText());
    } else if (content.isArray()) {
      // Chat completions tool messages hold text only: an image in a result cannot be passed.
      ArrayNode parts = message.putArray("content");
      for (int k = 0; k < content.size(); k++) {
        parts.add(text(content.get(k), at + ".content[" + k + "]"));
      }
    } else {
      throw invalid(at + ".content", "content must be a string or an array of text blocks.");
    }
  }

  private static RuntimeException unsupportedBlock(JsonNode block, String at) {
    return invalid(
        at + ".type",
        "Content blocks of type '"
            + block.path("type").asText()
            + "' cannot be translated for this model's provider.");
  }
}
