package dev.aigateway.dataplane.translate.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A provider-neutral view of an OpenAI chat request, so each provider translator maps one checked
 * model instead of re-reading OpenAI's loosely typed JSON.
 */
public final class ChatModel {
  private ChatModel() {}

  /** A chat request after validation. */
  public record Chat(
      List<String> system,
      List<Message> messages,
      List<Tool> tools,
      @Nullable ToolChoice toolChoice,
      ResponseFormat responseFormat) {}

  /** One turn of the conversation (system and developer messages are in {@link Chat#system}). */
  public sealed interface Message {}

  public record User(List<Part> parts) implements Message {}

  public record Assistant(List<Part> parts, List<ToolCall> toolCalls) implements Message {}

  /** The result of one tool call, answered by a {@code tool} message. */
  public record ToolResult(String toolCallId, String content) implements Message {}

  /** Content of a user or assistant message. */
  public sealed interface Part {}

  public record Text(String text) implements Part {}

  /** An image sent inline: a {@code data:} URL split into media type and base64 payload. */
  public record InlineImage(String mediaType, String base64) implements Part {}

  /** An image by reference (http(s) URL). */
  public record ImageUrl(String url) implements Part {}

  /**
   * A tool call in an assistant message.
   *
   * @param arguments the arguments as OpenAI sends them: a JSON object encoded in a string
   */
  public record ToolCall(String id, String name, String arguments) {}

  public record Tool(String name, @Nullable String description, JsonNode parameters) {}

  /** {@code tool_choice}. */
  public sealed interface ToolChoice {}

  public record Auto() implements ToolChoice {}

  public record None() implements ToolChoice {}

  public record Required() implements ToolChoice {}

  public record Named(String name) implements ToolChoice {}

  /** {@code response_format}. */
  public sealed interface ResponseFormat {}

  public record PlainText() implements ResponseFormat {}

  public record JsonObject() implements ResponseFormat {}

  public record JsonSchema(String name, JsonNode schema, boolean strict)
      implements ResponseFormat {}
}
