package dev.aigateway.dataplane.usage;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Estimates the prompt tokens of an OpenAI request with the model's tokenizer (o200k_base for
 * models jtokkit does not know, which covers the recent OpenAI families). It is an estimate for the
 * quota pre-check: images, audio and tool schemas are counted roughly. Text is counted as ordinary
 * text: a prompt that contains a special token's spelling (say "<|endoftext|>") is text to the
 * provider too, and jtokkit's plain count would refuse it with an exception.
 */
public final class TokenEstimator {
  /** Tokens OpenAI adds around each chat message and before the reply. */
  private static final int PER_MESSAGE = 3;

  private static final int REPLY_PRIMING = 3;

  /** A rough flat cost of an image part; the real cost depends on size and detail. */
  private static final int PER_IMAGE = 85;

  private final EncodingRegistry registry = Encodings.newLazyEncodingRegistry();
  private final Map<String, Encoding> byModel = new ConcurrentHashMap<>();

  public long estimate(String upstreamModel, JsonNode body) {
    Encoding encoding = encoding(upstreamModel);
    long tokens = 0;
    JsonNode messages = body.get("messages");
    if (messages != null && messages.isArray()) {
      for (JsonNode message : messages) {
        tokens += PER_MESSAGE + content(encoding, message.get("content"));
        JsonNode name = message.get("name");
        if (name != null && name.isTextual()) {
          tokens += encoding.countTokensOrdinary(name.asText());
        }
        JsonNode toolCalls = message.get("tool_calls");
        if (toolCalls != null) {
          tokens += encoding.countTokensOrdinary(toolCalls.toString());
        }
      }
      tokens += REPLY_PRIMING;
    }
    JsonNode tools = body.get("tools");
    if (tools != null && tools.isArray()) {
      tokens += encoding.countTokensOrdinary(tools.toString());
    }
    // Anthropic Messages requests carry the system prompt outside the messages.
    tokens += content(encoding, body.get("system"));
    tokens += content(encoding, body.get("prompt"));
    tokens += content(encoding, body.get("input"));
    // The Responses API carries the system prompt in instructions.
    tokens += content(encoding, body.get("instructions"));
    return tokens;
  }

  /** Tokens of generated text (a reply whose provider reported no usage). */
  public long countText(String upstreamModel, String text) {
    return text.isEmpty() ? 0 : encoding(upstreamModel).countTokensOrdinary(text);
  }

  private Encoding encoding(String upstreamModel) {
    return byModel.computeIfAbsent(
        upstreamModel,
        m ->
            registry
                .getEncodingForModel(m)
                .orElseGet(() -> registry.getEncoding(EncodingType.O200K_BASE)));
  }

  private static long content(Encoding encoding, JsonNode content) {
    if (content == null || content.isNull()) {
      return 0;
    }
    if (content.isTextual()) {
      return encoding.countTokensOrdinary(content.asText());
    }
    if (content.isNumber()) {
      return 1; // one element of a token array
    }
    long tokens = 0;
    if (content.isArray()) {
      for (JsonNode part : content) {
        if (part.isObject()) {
          JsonNode text = part.get("text");
          if (text != null && text.isTextual()) {
            tokens += encoding.countTokensOrdinary(text.asText());
          } else if (part.has("image_url")
              || "image".equals(part.path("type").asText())
              || "input_image".equals(part.path("type").asText())) {
            tokens += PER_IMAGE;
          } else {
            // A Responses input item: a message's content, a call's arguments or its output.
            tokens += PER_MESSAGE + content(encoding, part.get("content"));
            tokens += content(encoding, part.get("arguments"));
            tokens += content(encoding, part.get("output"));
          }
        } else {
          tokens += content(encoding, part);
        }
      }
    }
    return tokens;
  }
}
