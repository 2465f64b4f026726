package dev.aigateway.dataplane.translate.chat;

import static dev.aigateway.dataplane.translate.chat.ChatRequest.invalid;
import static dev.aigateway.dataplane.translate.chat.ChatRequest.unsupported;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.chat.ChatModel.Assistant;
import dev.aigateway.dataplane.translate.chat.ChatModel.Chat;
import dev.aigateway.dataplane.translate.chat.ChatModel.ImageUrl;
import dev.aigateway.dataplane.translate.chat.ChatModel.InlineImage;
import dev.aigateway.dataplane.translate.chat.ChatModel.Message;
import dev.aigateway.dataplane.translate.chat.ChatModel.Part;
import dev.aigateway.dataplane.translate.chat.ChatModel.ResponseFormat;
import dev.aigateway.dataplane.translate.chat.ChatModel.Text;
import dev.aigateway.dataplane.translate.chat.ChatModel.Tool;
import dev.aigateway.dataplane.translate.chat.ChatModel.ToolCall;
import dev.aigateway.dataplane.translate.chat.ChatModel.ToolChoice;
import dev.aigateway.dataplane.translate.chat.ChatModel.ToolResult;
import dev.aigateway.dataplane.translate.chat.ChatModel.User;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Turns an OpenAI chat request into {@link ChatModel.Chat}, with 400s that name the field. */
public final class ChatParser {
  private ChatParser() {}

  public static Chat parse(ChatRequest request, String schema) {
    JsonNode messages = request.messages();
    List<String> system = new ArrayList<>();
    List<Message> out = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String at = "messages[" + i + "]";
      switch (m.path("role").asText()) {
        case "system", "developer" -> system.add(textOnly(m.get("content"), at + ".content"));
        case "user" -> out.add(new User(parts(m.get("content"), at + ".content", schema)));
        case "assistant" -> out.add(assistant(m, at, schema));
        case "tool" -> {
          JsonNode id = m.get("tool_call_id");
          if (id == null || !id.isTextual()) {
            throw invalid(at + ".tool_call_id", "A tool message needs a tool_call_id.");
          }
          out.add(new ToolResult(id.asText(), textOnly(m.get("content"), at + ".content")));
        }
        default ->
            throw invalid(
                at + ".role",
                "Unsupported role '" + m.path("role").asText() + "' for " + schema + ".");
      }
    }
    return new Chat(
        system,
        out,
        tools(request.body().get("tools")),
        toolChoice(request.body().get("tool_choice")),
        responseFormat(request.body().get("response_format")));
  }

  private static Assistant assistant(JsonNode m, String at, String schema) {
    JsonNode content = m.get("content");
    List<Part> parts =
        content == null || content.isNull() ? List.of() : parts(content, at + ".content", schema);
    List<ToolCall> calls = new ArrayList<>();
    JsonNode toolCalls = m.get("tool_calls");
    if (toolCalls != null && !toolCalls.isNull()) {
      if (!toolCalls.isArray()) {
        throw invalid(at + ".tool_calls", "tool_calls must be an array.");
      }
      for (int j = 0; j < toolCalls.size(); j++) {
        JsonNode call = toolCalls.get(j);
        String callAt = at + ".tool_calls[" + j + "]";
        JsonNode function = call.path("function");
        if (!call.path("id").isTextual() || !function.path("name").isTextual()) {
          throw invalid(callAt, "A tool call needs an id and function.name.");
        }
        String arguments = function.path("arguments").asText("");
        calls.add(new ToolCall(call.get("id").asText(), function.get("name").asText(), arguments));
      }
    }
    return new Assistant(parts, calls);
  }

  /** Text of a message whose content is a string or an array of text parts. */
  private static String textOnly(@Nullable JsonNode content, String at) {
    if (content == null || content.isNull()) {
      return "";
    }
    if (content.isTextual()) {
      return content.asText();
    }
    if (content.isArray()) {
      StringBuilder text = new StringBuilder();
      for (int j = 0; j < content.size(); j++) {
        JsonNode part = content.get(j);
        if (!"text".equals(part.path("type").asText())) {
          throw unsupported(
              at + "[" + j + "].type", "Only text content parts are allowed in this message.");
        }
        text.append(part.path("text").asText());
      }
      return text.toString();
    }
    throw invalid(at, "content must be a string or an array of content parts.");
  }

  private static List<Part> parts(@Nullable JsonNode content, String at, String schema) {
    if (content == null || content.isNull()) {
      throw invalid(at, "content is required.");
    }
    if (content.isTextual()) {
      return List.of(new Text(content.asText()));
    }
    if (!content.isArray()) {
      throw invalid(at, "content must be a string or an array of content parts.");
    }
    List<Part> parts = new ArrayList<>();
    for (int j = 0; j < content.size(); j++) {
      JsonNode part = content.get(j);
      String partAt = at + "[" + j + "]";
      switch (part.path("type").asText()) {
        case "text" -> parts.add(new Text(part.path("text").asText()));
        case "refusal" -> parts.add(new Text(part.path("refusal").asText()));
        case "image_url" -> parts.add(image(part.path("image_url").path("url").asText(""), partAt));
        default ->
            throw unsupported(
                partAt + ".type",
                "Content parts of type '"
                    + part.path("type").asText()
                    + "' are not supported by "
                    + schema
                    + ".");
      }
    }
    return parts;
  }

  private static Part image(String url, String at) {
    if (url.startsWith("data:")) {
      int comma = url.indexOf(',');
      String meta = comma < 0 ? "" : url.substring(5, comma);
      if (comma < 0 || !meta.endsWith(";base64")) {
        throw invalid(at + ".image_url.url", "Image data URLs must be base64 encoded.");
      }
      return new InlineImage(
          meta.substring(0, meta.length() - ";base64".length()), url.substring(comma + 1));
    }
    if (url.startsWith("https://") || url.startsWith("http://") || url.startsWith("gs://")) {
      return new ImageUrl(url);
    }
    throw invalid(at + ".image_url.url", "image_url.url must be a data: or http(s) URL.");
  }

  private static List<Tool> tools(@Nullable JsonNode tools) {
    if (tools == null || tools.isNull()) {
      return List.of();
    }
    if (!tools.isArray()) {
      throw invalid("tools", "tools must be an array.");
    }
    List<Tool> out = new ArrayList<>();
    for (int i = 0; i < tools.size(); i++) {
      JsonNode tool = tools.get(i);
      if (!"function".equals(tool.path("type").asText())) {
        throw unsupported(
            "tools[" + i + "].type", "Only tools of type 'function' can be translated.");
      }
      JsonNode f = tool.path("function");
      if (!f.path("name").isTextual()) {
        throw invalid("tools[" + i + "].function.name", "A function tool needs a name.");
      }
      JsonNode parameters = f.get("parameters");
      if (parameters == null || parameters.isNull()) {
        parameters = Json.MAPPER.createObjectNode().put("type", "object");
      }
      out.add(
          new Tool(
              f.get("name").asText(),
              f.path("description").isTextual() ? f.get("description").asText() : null,
              parameters));
    }
    return out;
  }

  private static @Nullable ToolChoice toolChoice(@Nullable JsonNode choice) {
    if (choice == null || choice.isNull()) {
      return null;
    }
    if (choice.isTextual()) {
      return switch (choice.asText()) {
        case "auto" -> new ChatModel.Auto();
        case "none" -> new ChatModel.None();
        case "required" -> new ChatModel.Required();
        default -> throw invalid("tool_choice", "tool_choice must be auto, none or required.");
      };
    }
    if ("function".equals(choice.path("type").asText())
        && choice.path("function").path("name").isTextual()) {
      return new ChatModel.Named(choice.path("function").path("name").asText());
    }
    throw unsupported("tool_choice", "tool_choice must name a function tool.");
  }

  private static ResponseFormat responseFormat(@Nullable JsonNode format) {
    if (format == null || format.isNull()) {
      return new ChatModel.PlainText();
    }
    return switch (format.path("type").asText()) {
      case "text" -> new ChatModel.PlainText();
      case "json_object" -> new ChatModel.JsonObject();
      case "json_schema" -> {
        JsonNode spec = format.path("json_schema");
        if (!spec.path("name").isTextual()) {
          throw invalid("response_format.json_schema.name", "json_schema needs a name.");
        }
        JsonNode schema = spec.get("schema");
        yield new ChatModel.JsonSchema(
            spec.get("name").asText(),
            schema == null || schema.isNull()
                ? Json.MAPPER.createObjectNode().put("type", "object")
                : schema,
            spec.path("strict").asBoolean(false));
      }
      default ->
          throw unsupported(
              "response_format.type",
              "response_format type '" + format.path("type").asText() + "' is not supported.");
    };
  }
}
