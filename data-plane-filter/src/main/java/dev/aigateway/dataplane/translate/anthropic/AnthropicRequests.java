package dev.aigateway.dataplane.translate.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.chat.CarriedBlocks;
import dev.aigateway.dataplane.translate.chat.ChatModel;
import dev.aigateway.dataplane.translate.chat.ChatModel.Chat;
import dev.aigateway.dataplane.translate.chat.ChatModel.Message;
import dev.aigateway.dataplane.translate.chat.ChatModel.Part;
import dev.aigateway.dataplane.translate.chat.ChatParser;
import dev.aigateway.dataplane.translate.chat.ChatRequest;
import dev.aigateway.dataplane.translate.chat.JsonToolMode;
import dev.aigateway.dataplane.translate.chat.ToolArguments;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/** Builds an Anthropic Messages API request from an OpenAI chat completions request. */
public final class AnthropicRequests {
  static final String SCHEMA = "anthropic";

  /**
   * Anthropic requires {@code max_tokens}; OpenAI does not. When the client sends none, this
   * ceiling applies (every current Claude model accepts it).
   */
  public static final long DEFAULT_MAX_TOKENS = 4096;

  /** The blocks tool call ids may carry: Claude's thinking, nothing else. */
  private static final Predicate<JsonNode> THINKING =
      block ->
          Set.of("thinking", "redacted_thinking").contains(block.path("type").asText())
              && block.size() <= 3;

  private AnthropicRequests() {}

  /** The Anthropic body, and the JSON mode (null for none) the response must undo. */
  public record Translated(ObjectNode body, @Nullable JsonToolMode jsonMode) {}

  public static Translated build(ChatRequest request, String upstreamModel) {
    request.rejectUnsupported(SCHEMA, Set.of("user", "reasoning_effort"));
    Chat chat = ChatParser.parse(request, SCHEMA);
    JsonToolMode jsonMode = JsonToolMode.of(chat, SCHEMA);
    AnthropicSupport.Thinking thinking = AnthropicSupport.thinking(request, chat, jsonMode, SCHEMA);
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("model", upstreamModel);
    Long maxTokens = request.maxTokens();
    if (thinking != null) {
      out.put("max_tokens", thinking.maxTokens());
      out.set("thinking", thinking.toJson());
    } else {
      out.put("max_tokens", maxTokens == null ? DEFAULT_MAX_TOKENS : maxTokens);
    }
    if (!chat.system().isEmpty()) {
      ArrayNode system = out.putArray("system");
      for (String text : chat.system()) {
        system.addObject().put("type", "text").put("text", text);
      }
    }
    out.set("messages", messages(chat.messages(), thinking != null));
    JsonNode temperature = request.number("temperature");
    if (temperature != null) {
      if (temperature.asDouble() > 1) {
        throw ChatRequest.unsupported(
            "temperature", "anthropic accepts a temperature from 0 to 1.");
      }
      out.set("temperature", temperature);
    }
    JsonNode topP = request.number("top_p");
    if (topP != null) {
      out.set("top_p", topP);
    }
    List<String> stop = request.stop();
    if (!stop.isEmpty()) {
      ArrayNode sequences = out.putArray("stop_sequences");
      stop.forEach(sequences::add);
    }
    if (jsonMode != null) {
      ObjectNode tool = out.putArray("tools").addObject();
      tool.put("name", jsonMode.toolName());
      tool.put("description", "Respond with a JSON object that matches this schema.");
      tool.set("input_schema", jsonMode.schema());
      out.putObject("tool_choice").put("type", "tool").put("name", jsonMode.toolName());
    } else {
      tools(chat, request.parallelToolCalls(), out);
    }
    JsonNode user = request.body().get("user");
    if (user != null && user.isTextual()) {
      out.putObject("metadata").put("user_id", user.asText());
    }
    if (request.stream()) {
      out.put("stream", true);
    }
    return new Translated(out, jsonMode);
  }

  private static void tools(Chat chat, boolean parallel, ObjectNode out) {
    if (!chat.tools().isEmpty()) {
      ArrayNode tools = out.putArray("tools");
      for (ChatModel.Tool t : chat.tools()) {
        ObjectNode tool = tools.addObject();
        tool.put("name", t.name());
        if (t.description() != null) {
          tool.put("description", t.description());
        }
        tool.set("input_schema", t.parameters());
      }
    }
    ChatModel.ToolChoice choice = chat.toolChoice();
    if (choice == null && (parallel || chat.tools().isEmpty())) {
      return;
    }
    ObjectNode toolChoice = out.putObject("tool_choice");
    switch (choice) {
      case null -> toolChoice.put("type", "auto");
      case ChatModel.Auto a -> toolChoice.put("type", "auto");
      case ChatModel.None n -> toolChoice.put("type", "none");
      case ChatModel.Required r -> toolChoice.put("type", "any");
      case ChatModel.Named n -> toolChoice.put("type", "tool").put("name", n.name());
    }
    if (!parallel && !(choice instanceof ChatModel.None)) {
      toolChoice.put("disable_parallel_tool_use", true);
    }
  }

  /**
   * Messages in Anthropic's alternating form: tool results are user turns, same roles merge. With
   * thinking on, the thinking blocks that tool call ids carry ({@link CarriedBlocks}) go back where
   * Claude requires them: those of the first call open the assistant turn, later ones precede their
   * call. Tool use ids lose the carried part.
   */
  private static ArrayNode messages(List<Message> messages, boolean thinking) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    String lastRole = "";
    @Nullable ArrayNode content = null;
    for (Message message : messages) {
      String role = message instanceof ChatModel.Assistant ? "assistant" : "user";
      if (!role.equals(lastRole) || content == null) {
        ObjectNode m = out.addObject();
        m.put("role", role);
        content = m.putArray("content");
        lastRole = role;
      }
      switch (message) {
        case ChatModel.User u -> {
          for (Part p : u.parts()) {
            part(p, content);
          }
        }
        case ChatModel.Assistant a -> {
          List<ChatModel.ToolCall> calls = a.toolCalls();
          if (thinking && !calls.isEmpty()) {
            content.addAll(CarriedBlocks.blocks(calls.getFirst().id(), "messages", THINKING));
          }
          for (Part p : a.parts()) {
            if (!(p instanceof ChatModel.Text t && t.text().isEmpty())) {
              part(p, content);
            }
          }
          for (ChatModel.ToolCall call : calls) {
            if (thinking && call != calls.getFirst()) {
              content.addAll(CarriedBlocks.blocks(call.id(), "messages", THINKING));
            }
            ObjectNode block = content.addObject();
            block.put("type", "tool_use");
            block.put("id", CarriedBlocks.providerId(call.id()));
            block.put("name", call.name());
            block.set("input", ToolArguments.parse(call.arguments()));
          }
        }
        case ChatModel.ToolResult r -> {
          ObjectNode block = content.addObject();
          block.put("type", "tool_result");
          block.put("tool_use_id", CarriedBlocks.providerId(r.toolCallId()));
          block.put("content", r.content());
        }
      }
    }
    return out;
  }

  private static void part(Part part, ArrayNode content) {
    switch (part) {
      case ChatModel.Text t -> content.addObject().put("type", "text").put("text", t.text());
      case ChatModel.InlineImage i -> {
        ObjectNode source = content.addObject().put("type", "image").putObject("source");
        source.put("type", "base64").put("media_type", i.mediaType()).put("data", i.base64());
      }
      case ChatModel.ImageUrl u -> {
        if (!u.url().startsWith("http")) {
          throw ChatRequest.unsupported(
              "messages", "anthropic accepts images as base64 data or http(s) URLs.");
        }
        content
            .addObject()
            .put("type", "image")
            .putObject("source")
            .put("type", "url")
            .put("url", u.url());
      }
    }
  }
}
