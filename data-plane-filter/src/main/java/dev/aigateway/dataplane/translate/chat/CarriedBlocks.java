package dev.aigateway.dataplane.translate.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.aigateway.dataplane.translate.Json;
import java.io.IOException;
import java.util.Base64;
import java.util.function.Predicate;

/**
 * Carries provider content blocks that must come back verbatim in the next request (Claude's {@code
 * thinking} / {@code redacted_thinking} blocks, Bedrock's {@code reasoningContent}) through an
 * OpenAI client inside a tool call id, the one field of a tool call OpenAI clients echo.
 *
 * <p>Claude requires the thinking blocks of an assistant turn that called tools to be sent back,
 * complete and unmodified, with the tool results; chat completions has no field for them. Scheme:
 * {@code <tool use id>.th.<JSON array of the blocks, base64url without padding>}. Anthropic and
 * Bedrock tool use ids contain only {@code [A-Za-z0-9_-]}, so the first marker splits the id.
 */
public final class CarriedBlocks {
  private static final String MARKER = ".th.";

  private CarriedBlocks() {}

  /** The tool call id for the client: {@code id}, carrying {@code blocks} when there are any. */
  public static String attach(String id, ArrayNode blocks) {
    if (blocks.isEmpty()) {
      return id;
    }
    try {
      return id
          + MARKER
          + Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(Json.MAPPER.writeValueAsBytes(blocks));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The provider's own id inside a tool call id from the client. */
  public static String providerId(String toolCallId) {
    int at = toolCallId.indexOf(MARKER);
    return at < 0 ? toolCallId : toolCallId.substring(0, at);
  }

  /**
   * The blocks a tool call id carries (empty when none). An id whose carried part is not what this
   * gateway wrote is a 400 naming {@code at}: sending the turn without them would be refused by the
   * provider anyway, and only blocks of the kind the gateway carries ({@code carried}) may pass, so
   * a client cannot slip other content past the translation.
   */
  public static ArrayNode blocks(String toolCallId, String at, Predicate<JsonNode> carried) {
    int marker = toolCallId.indexOf(MARKER);
    if (marker < 0) {
      return Json.MAPPER.createArrayNode();
    }
    try {
      JsonNode blocks =
          Json.MAPPER.readTree(
              Base64.getUrlDecoder().decode(toolCallId.substring(marker + MARKER.length())));
      if (blocks instanceof ArrayNode array && allCarried(array, carried)) {
        return array;
      }
    } catch (IOException | IllegalArgumentException e) {
      // reported below
    }
    throw ChatRequest.invalid(at, "This tool call id was changed after the gateway issued it.");
  }

  private static boolean allCarried(ArrayNode blocks, Predicate<JsonNode> carried) {
    for (JsonNode block : blocks) {
      if (!carried.test(block)) {
        return false;
      }
    }
    return true;
  }
}
