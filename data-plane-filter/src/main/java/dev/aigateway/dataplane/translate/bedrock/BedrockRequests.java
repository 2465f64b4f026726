package dev.aigateway.dataplane.translate.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.dataplane.translate.Json;
import dev.aigateway.dataplane.translate.anthropic.AnthropicSupport;
import dev.aigateway.dataplane.translate.chat.CarriedBlocks;
import dev.aigateway.dataplane.translate.chat.ChatModel;
import dev.aigateway.dataplane.translate.chat.ChatModel.Chat;
import dev.aigateway.dataplane.translate.chat.ChatModel.Message;
import dev.aigateway.dataplane.translate.chat.ChatModel.Part;
import dev.aigateway.dataplane.translate.chat.ChatParser;
import dev.aigateway.dataplane.translate.chat.ChatRequest;
import dev.aigateway.dataplane.translate.chat.JsonToolMode;
import dev.aigateway.dataplane.translate.chat.ReasoningEffort;
import dev.aigateway.dataplane.translate.chat.ToolArguments;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/** Builds a Bedrock Converse / ConverseStream request body from an OpenAI chat request. */
public final class BedrockRequests {
  static final String SCHEMA = "aws_bedrock";

  /** The blocks tool call ids may carry: Converse reasoning content, nothing else. */
  private static final Predicate<JsonNode> REASONING =
      block -> block.size() == 1 && block.path("reasoningContent").isObject();

  private BedrockRequests() {}

  public record Translated(ObjectNode body, @Nullable JsonToolMode jsonMode) {}

  public static Translated build(ChatRequest request, String modelId) {
    request.rejectUnsupported(SCHEMA, Set.of("reasoning_effort"));
    Chat chat = ChatParser.parse(request, SCHEMA);
    JsonToolMode jsonMode = JsonToolMode.of(chat, SCHEMA);
    ObjectNode out = Json.MAPPER.createObjectNode();
    AnthropicSupport.Thinking thinking = thinking(request, chat, jsonMode, modelId);
    out.set("messages", messages(chat.messages(), thinking != null));
    if (!chat.system().isEmpty()) {
      ArrayNode system = out.putArray("system");
      chat.system().forEach(text -> system.addObject().put("text", text));
    }
    ObjectNode inference = Json.MAPPER.createObjectNode();
    Long maxTokens = thinking != null ? Long.valueOf(thinking.maxTokens()) : request.maxTokens();
    if (maxTokens != null) {
      inference.put("maxTokens", maxTokens);
    }
    JsonNode temperature = request.number("temperature");
    if (temperature != null) {
      inference.set("temperature", temperature);
    }
    JsonNode topP = request.number("top_p");
    if (topP != null) {
      inference.set("topP", topP);
    }
    List<String> stop = request.stop();
    if (!stop.isEmpty()) {
      ArrayNode sequences = inference.putArray("stopSequences");
      stop.forEach(sequences::add);
    }
    if (!inference.isEmpty()) {
      out.set("inferenceConfig", inference);
    }
    if (thinking != null) {
      // Converse has no thinking field of its own: Claude's goes through as a model field.
      out.putObject("additionalModelRequestFields").set("thinking", thinking.toJson());
    }
    if (jsonMode != null) {
      ObjectNode toolConfig = out.putObject("toolConfig");
      ObjectNode spec = toolConfig.putArray("tools").addObject().putObject("toolSpec");
      spec.put("name", jsonMode.toolName());
      spec.put("description", "Respond with a JSON object that matches this schema.");
      spec.putObject("inputSchema").set("json", jsonMode.schema());
      toolConfig.putObject("toolChoice").putObject("tool").put("name", jsonMode.toolName());
    } else {
      tools(chat, request, out);
    }
    return new Translated(out, jsonMode);
  }

  /**
   * Claude's extended thinking for {@code reasoning_effort} (Bedrock documents it for Claude models
   * as {@code additionalModelRequestFields.thinking}); other models on Bedrock have no equivalent
   * this translator can send, so the field is a 400 for them.
   */
  private static AnthropicSupport.@Nullable Thinking thinking(
      ChatRequest request, Chat chat, @Nullable JsonToolMode jsonMode, String modelId) {
    ReasoningEffort effort = ReasoningEffort.of(request);
    if (effort != null && effort != ReasoningEffort.NONE && !modelId.contains("anthropic.claude")) {
      throw ChatRequest.unsupported(
          "reasoning_effort",
          "aws_bedrock maps reasoning_effort only for Anthropic Claude models (model ids containing"
              + " 'anthropic.claude').");
    }
    return AnthropicSupport.thinking(request, chat, jsonMode, SCHEMA);
  }

  private static void tools(Chat chat, ChatRequest request, ObjectNode out) {
    if (!request.parallelToolCalls() && !chat.tools().isEmpty()) {
      throw ChatRequest.unsupported(
          "parallel_tool_calls", "aws_bedrock cannot disable parallel tool calls.");
    }
    if (chat.toolChoice() instanceof ChatModel.None && !chat.tools().isEmpty()) {
      throw ChatRequest.unsupported(
          "tool_choice", "aws_bedrock has no tool_choice 'none'; send the request without tools.");
    }
    if (chat.tools().isEmpty()) {
      return;
    }
    ObjectNode toolConfig = out.putObject("toolConfig");
    ArrayNode tools = toolConfig.putArray("tools");
    for (ChatModel.Tool t : chat.tools()) {
      ObjectNode spec = tools.addObject().putObject("toolSpec");
      spec.put("name", t.name());
      if (t.description() != null) {
        spec.put("description", t.description());
      }
      spec.putObject("inputSchema").set("json", t.parameters());
    }
    switch (chat.toolChoice()) {
      case null -> {}
      case ChatModel.None n -> {}
      case ChatModel.Auto a -> toolConfig.putObject("toolChoice").putObject("auto");
      case ChatModel.Required r -> toolConfig.putObject("toolChoice").putObject("any");
      case ChatModel.Named n ->
          toolConfig.putObject("toolChoice").putObject("tool").put("name", n.name());
    }
  }

  /**
   * Converse messages: tool results are user turns and consecutive same-role turns merge. With
   * Claude thinking on, the {@code reasoningContent} blocks that tool call ids carry ({@link
   * CarriedBlocks}) go back before their calls (those of the first call open the turn).
   */
  private static ArrayNode messages(List<Message> messages, boolean thinking) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    String lastRole = "";
    ArrayNode content = Json.MAPPER.createArrayNode();
    for (Message message : messages) {
      String role = message instanceof ChatModel.Assistant ? "assistant" : "user";
      if (!role.equals(lastRole)) {
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
            content.addAll(CarriedBlocks.blocks(calls.getFirst().id(), "messages", REASONING));
          }
          for (Part p : a.parts()) {
            if (!(p instanceof ChatModel.Text t && t.text().isEmpty())) {
              part(p, content);
            }
          }
          for (ChatModel.ToolCall call : calls) {
            if (thinking && call != calls.getFirst()) {
              content.addAll(CarriedBlocks.blocks(call.id(), "messages", REASONING));
            }
            ObjectNode use = content.addObject().putObject("toolUse");
            use.put("toolUseId", CarriedBlocks.providerId(call.id()));
            use.put("name", call.name());
            use.set("input", ToolArguments.parse(call.arguments()));
          }
        }
        case ChatModel.ToolResult r -> {
          ObjectNode result = content.addObject().putObject("toolResult");
          result.put("toolUseId", CarriedBlocks.providerId(r.toolCallId()));
          result.putArray("content").addObject().put("text", r.content());
        }
      }
    }
    return out;
  }

  private static void part(Part part, ArrayNode content) {
    switch (part) {
      case ChatModel.Text t -> content.addObject().put("text", t.text());
      case ChatModel.InlineImage i -> {
        ObjectNode image = content.addObject().putObject("image");
        image.put("format", imageFormat(i.mediaType()));
        image.putObject("source").put("bytes", i.base64());
      }
      case ChatModel.ImageUrl u ->
          throw ChatRequest.unsupported(
              "messages",
              "aws_bedrock accepts images only as base64 data URLs (Converse takes no web URLs).");
    }
  }

  /** Converse image formats are png, jpeg, gif and webp. */
  private static String imageFormat(String mediaType) {
    return switch (mediaType) {
      case "image/png" -> "png";
      case "image/jpeg", "image/jpg" -> "jpeg";
      case "image/gif" -> "gif";
      case "image/webp" -> "webp";
      default ->
          throw ChatRequest.unsupported(
              "messages", "aws_bedrock does not accept images of type '" + mediaType + "'.");
    };
  }
}
