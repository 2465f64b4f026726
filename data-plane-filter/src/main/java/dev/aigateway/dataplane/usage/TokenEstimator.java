package dev.aigateway.dataplane.usage;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.ModelType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Estimates the prompt tokens of an OpenAI request with the model's tokenizer (o200k_base for
 * models jtokkit does not know, which covers the recent OpenAI families). It is an estimate for the
 * quota pre-check: images, audio and tool schemas are counted roughly. Text is counted as ordinary
 * text: a prompt that contains a special token's spelling (say "<|endoftext|>") is text to the
 * provider too, and jtokkit's plain count would refuse it with an exception.
 *
 * <p>o200k_base is counted by {@link BytePairCounter} (the same counts in a sixth of jtokkit's
 * heap); the older encodings of the models jtokkit names (cl100k_base for GPT-4 and GPT-3.5, ...)
 * by jtokkit, loaded only when such a model is asked for.
 */
public final class TokenEstimator {
  /** Tokens OpenAI adds around each chat message and before the reply. */
  private static final int PER_MESSAGE = 3;

  private static final int REPLY_PRIMING = 3;

  /** A rough flat cost of an image part; the real cost depends on size and detail. */
  private static final int PER_IMAGE = 85;

  /** Model-name prefixes jtokkit maps to an encoding when the name is not one of its models. */
  private static final List<ModelType> PREFIXES =
      List.of(
          ModelType.GPT_4O,
          ModelType.GPT_4_32K,
          ModelType.GPT_4,
          ModelType.GPT_3_5_TURBO_16K,
          ModelType.GPT_3_5_TURBO);

  private final EncodingRegistry registry = Encodings.newLazyEncodingRegistry();
  private final Map<String, TokenCounter> byModel = new ConcurrentHashMap<>();

  public long estimate(String upstreamModel, JsonNode body) {
    TokenCounter encoding = encoding(upstreamModel);
    long tokens = 0;
    JsonNode messages = body.get("messages");
    if (messages != null && messages.isArray()) {
      for (JsonNode message : messages) {
        tokens += PER_MESSAGE + content(encoding, message.get("content"));
        JsonNode name = message.get("name");
        if (name != null && name.isTextual()) {
          tokens += encoding.count(name.asText());
        }
        JsonNode toolCalls = message.get("tool_calls");
        if (toolCalls != null) {
          tokens += encoding.count(toolCalls.toString());
        }
      }
      tokens += REPLY_PRIMING;
    }
    JsonNode tools = body.get("tools");
    if (tools != null && tools.isArray()) {
      tokens += encoding.count(tools.toString());
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
    return text.isEmpty() ? 0 : encoding(upstreamModel).count(text);
  }

  private TokenCounter encoding(String upstreamModel) {
    return byModel.computeIfAbsent(
        upstreamModel,
        m -> {
          EncodingType type = encodingType(m);
          return type == EncodingType.O200K_BASE
              ? O200kBase.COUNTER
              : registry.getEncoding(type)::countTokensOrdinary;
        });
  }

  /** The encoding jtokkit would pick for the model: by name, then by prefix, else o200k_base. */
  static EncodingType encodingType(String model) {
    return ModelType.fromName(model)
        .or(() -> PREFIXES.stream().filter(p -> model.startsWith(p.getName())).findFirst())
        .map(ModelType::getEncodingType)
        .orElse(EncodingType.O200K_BASE);
  }

  /** Loaded on first use and shared: the ranks are the same for every estimator. */
  private static final class O200kBase {
    static final TokenCounter COUNTER = BytePairCounter.o200kBase();
  }

  private static long content(TokenCounter encoding, JsonNode content) {
    if (content == null || content.isNull()) {
      return 0;
    }
    if (content.isTextual()) {
      return encoding.count(content.asText());
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
            tokens += encoding.count(text.asText());
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
